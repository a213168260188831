"""Validation after an import speaks of the export: its file, column labels and rows.

The loader checks the leads.csv an import writes; its messages are told
again with the export's file name, the label each column was read from and
the export's own row numbers (pipelines left out and records skipped
shift them), never the intermediate leads.csv.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpilib.errors import DataError
from kpilib.importers import import_exports

DATA = Path(__file__).parent / "data"

DEALS = """\
Record ID,Deal Stage,Pipeline,Create Date,Close Date,Is Closed Won,Associated Company IDs,Amount,Currency,Demo date
1,Renewal Due,Renewals,2026-10-01 09:00,2026-10-31 00:00,false,,10,EUR,
2,Qualified,Sales Pipeline,,2026-10-31 00:00,false,,-50,EUR,
3,Qualified,Sales Pipeline,2026-10-03 09:00,2026-10-31 00:00,false,,20,EUR,2026-10-02 09:00
"""
MAPPING = """\
source = "hubspot"
[pipelines]
include = ["Sales Pipeline"]
[stages."Sales Pipeline"]
Qualified = "ignore"
[stages."Renewals"]
"Renewal Due" = "ignore"
[columns]
visit_at = "Demo date"
"""


def _write(tmp_path: Path, deals: str) -> tuple[Path, Path]:
    (tmp_path / "deals.csv").write_text(deals, encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    return tmp_path / "deals.csv", tmp_path / "mapping.toml"


def test_errors_name_the_export_columns_and_rows(tmp_path):
    export, mapping = _write(tmp_path, DEALS)
    out = tmp_path / "acme"
    with pytest.raises(DataError) as err:
        import_exports("hubspot", [export], out=out, mapping=mapping)
    # The Renewals deal (file row 2) is left out, so leads.csv row 2 is the export's row 3.
    assert str(err.value) == (
        f"The imported dataset does not validate, so {out} was left unchanged.\n"
        "- deals.csv: column Amount (amount): 1 row has a negative value (row 3). Amount must "
        "be >= 0; record refunds or credits as a separate category, or fix the export.\n"
        "- deals.csv: column Create Date (lead_at): 1 row has no lead_at date (row 3). Every "
        "lead needs the date it entered the funnel."
    )
    assert err.value.problems == str(err.value).split("\n- ")[1:]
    assert not out.exists()


def test_warnings_name_the_export_columns_and_rows(tmp_path):
    deals = DEALS.replace(
        ",,2026-10-31 00:00,false,,-50", ",2026-10-02 08:00,2026-10-31 00:00,false,,50"
    )
    export, mapping = _write(tmp_path, deals)
    result = import_exports("hubspot", [export], out=tmp_path / "acme", mapping=mapping)
    # Deal 3 (file row 4, leads.csv row 3): its Demo date 10-02 is before its Create Date 10-03.
    assert result.notes[-1] == (
        "deals.csv: column Demo date (visit_at): 1 row has a visit_at before its lead_at (row "
        "4). Check the stage dates in the CRM; these leads still count as reaching both stages."
    )


def test_generic_import_rows_count_the_skipped_records(tmp_path):
    folder = tmp_path / "maven"
    shutil.copytree(DATA / "maven", folder)
    export = folder / "sales_pipeline.csv"
    # B1 (file row 13) takes A7's id (file row 9). Rows 5 and 12 have no engage_date and are
    # skipped, so leads.csv numbers these two 8 and 11.
    export.write_text(
        export.read_text(encoding="utf-8").replace("K7Q2M1B1", "K7Q2M1A7"), encoding="utf-8"
    )
    out = tmp_path / "dataset"
    with pytest.raises(DataError) as err:
        import_exports("csv", [export], out=out, mapping=folder / "mapping.toml")
    assert str(err.value) == (
        f"The imported dataset does not validate, so {out} was left unchanged.\n"
        "- sales_pipeline.csv: column opportunity_id (lead_id): 2 rows have a duplicate id "
        "(rows 9, 13). Each lead_id must appear once; remove or merge the duplicates."
    )


def test_translate_names_joined_columns_and_keeps_the_count():
    import numpy as np

    from kpilib.importers._origin import Origin, translate

    origin = Origin(
        "sales_pipeline.csv",
        np.array([2, 3, 5, 6, 7, 8, 10]),
        {"team": "regional_office"},
        {"regional_office": "sales_teams.csv"},
    )
    problems = [
        "leads.csv: column team: 6 rows have x (rows 2, 3, 4, 5, 6, …). Fix it.",
        "leads.csv: missing required column lead_at (columns found: lead_id). Rename it.",
        "costs.csv: column amount: 1 row has y (row 2). Fix it.",
    ]
    # leads.csv rows 2..6 are records 0..4: export rows 2, 3, 5, 6, 7. Other files pass as is.
    assert translate(problems, origin) == [
        "sales_pipeline.csv: column regional_office (team, from sales_teams.csv): 6 rows have x "
        "(rows 2, 3, 5, 6, 7, …). Fix it.",
        "sales_pipeline.csv (imported as leads.csv): missing required column lead_at (columns "
        "found: lead_id). Rename it.",
        "costs.csv: column amount: 1 row has y (row 2). Fix it.",
    ]
