"""Export columns named in mapping.toml [columns]: found, honoured, or refused by name.

The Maven-shaped export in tests/data/maven is a look-alike with invented
values: snake_case labels that no importer knows by itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpilib.errors import DataError
from kpilib.importers import read_exports

DATA = Path(__file__).parent / "data"
MAVEN = DATA / "maven" / "sales_pipeline.csv"

MAVEN_SALESFORCE = """\
source = "salesforce"
[stages."default"]
Won = "sale"
Lost = "lost"
Engaging = "ignore"
Prospecting = "ignore"
[columns]
lead_id = "opportunity_id"
lead_at = "engage_date"
stage = "deal_stage"
close = "close_date"
amount = "close_value"
owner = "sales_agent"
account = "account"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_mapped_labels_find_the_header_of_an_export_no_alias_knows(tmp_path):
    mapping = write(tmp_path, "mapping.toml", MAVEN_SALESFORCE)
    got = read_exports("salesforce", [MAVEN], mapping=mapping).frame
    # Won rows (A0, A2, A5, A7, B1) get their close_date as sale_at and their account as
    # customer; Lost rows (A1, A6, A9) their close_date as lost_at; Engaging and Prospecting
    # rows neither. Lost deals carry close_value 0; Prospecting rows a blank one.
    want = pd.DataFrame(
        {
            "lead_id": [f"K7Q2M1A{i}" for i in range(10)] + ["K7Q2M1B0", "K7Q2M1B1"],
            "sale_at": pd.to_datetime(
                ["2026-09-20", None, "2026-10-05", None, None, "2026-10-21", None,
                 "2026-10-30", None, None, None, "2026-11-02"]
            ).astype("datetime64[us]"),
            "lost_at": pd.to_datetime(
                [None, "2026-09-25", None, None, None, None, "2026-10-15", None, None,
                 "2026-10-28", None, None]
            ).astype("datetime64[us]"),
            "customer_id": ["Northwind", None, "Cobalt", None, None, "Northwind", None,
                            "Fairhaven", None, None, None, "Harbor"],
            "amount": [1050.0, 0.0, 4820.0, np.nan, np.nan, 5010.0, 0.0, 990.0, np.nan, 0.0,
                       np.nan, 560.0],
        }
    )  # fmt: skip
    want["lead_id"] = want["lead_id"].astype("str")
    want["customer_id"] = want["customer_id"].astype("str")
    pd.testing.assert_frame_equal(got[list(want.columns)], want)


def test_header_not_found_names_the_mapped_labels(tmp_path):
    mapping = write(
        tmp_path,
        "mapping.toml",
        '[columns]\nlead_id = "opportunity"\nlead_at = "engaged"\nstage = "deal_stage"\n',
    )
    with pytest.raises(DataError) as err:
        read_exports("salesforce", [MAVEN], mapping=mapping)
    # Only deal_stage is on the header row: one label, two are needed.
    assert str(err.value) == (
        "sales_pipeline.csv: no header row found in the first 40 rows: no row holds two of "
        "the labels named in mapping.toml [columns] (opportunity, engaged, deal_stage) or of "
        "a Salesforce opportunity report (such as Opportunity ID, Stage, Created Date, Close "
        "Date). Check each label in [columns] against the file's header (spelling, language), "
        "and that the file is the right export."
    )


def test_ids_that_only_look_like_numbers_stay_text(tmp_path):
    # Hexadecimal ids with digits around an "e" (no sign): text, kept whole.
    path = write(tmp_path, "deals.csv", (
        "Deal - ID,Deal - Stage,Deal - Status,Deal - Deal created\n"
        "839201755440e7301928374650192837,Demo,open,2026-10-01 10:00:00\n"
        "52e7,Demo,open,2026-10-02 10:00:00\n"
        "0042,Demo,open,2026-10-03 10:00:00\n"
    ))  # fmt: skip
    got = read_exports("pipedrive", [path]).frame
    assert got["lead_id"].tolist() == ["839201755440e7301928374650192837", "52e7", "0042"]


def test_only_excel_scientific_notation_is_refused(tmp_path):
    path = write(tmp_path, "deals.csv", (
        "Deal - ID,Deal - Stage,Deal - Status,Deal - Deal created\n"
        "839201755440e7301928374650192837,Demo,open,2026-10-01 10:00:00\n"
        "\"1,89165E+11\",Demo,open,2026-10-02 10:00:00\n"
        "1.89165E+11,Demo,open,2026-10-03 10:00:00\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("pipedrive", [path])
    # Rows 3 and 4 (a decimal comma, then a decimal point); row 2's hex id is fine.
    assert str(err.value) == (
        "deals.csv: column Deal - ID: 2 ids are in Excel scientific notation, such as "
        "1,89165E+11 (rows 3, 4); their last digits are lost. Export the file again and do "
        "not open and save it in Excel (or import it in Excel with this column as Text)."
    )
