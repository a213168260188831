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
from kpilib.importers import import_exports, read_exports
from kpilib.kpis.funnel import funnel

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


HUBSPOT_DEMO = (
    "Record ID,Deal Stage,Pipeline,Create Date,Close Date,Is Closed Won,Is closed lost,"
    "Associated Company IDs,Amount,Amount in company currency,Currency,Demo date,"
    'Date entered "Closed Won (Sales Pipeline)"\n'
    "11,Closed Won,Sales Pipeline,2026-10-01 09:00,2026-10-20 12:00,true,false,71,100,90,USD,"
    "2026-10-05 10:00,2026-10-20 12:00\n"
    "12,Qualified,Sales Pipeline,2026-10-02 09:00,2026-10-31 00:00,false,false,,50,45,USD,,\n"
)
HUBSPOT_MAP = """\
source = "hubspot"
[stages."Sales Pipeline"]
"Closed Won" = "sale"
"Qualified" = "ignore"
[columns]
visit_at = "Demo date"
amount = "Amount"
"""


def test_hubspot_honours_a_mapped_stage_date_and_amount(tmp_path):
    export = write(tmp_path, "deals.csv", HUBSPOT_DEMO)
    mapping = write(tmp_path, "mapping.toml", HUBSPOT_MAP)
    got = read_exports("hubspot", [export], mapping=mapping).frame
    # visit_at comes from "Demo date"; the mapped Amount (USD) wins over the company-currency
    # column the import would pick by itself.
    assert list(got.columns) == [
        "lead_id", "lead_at", "source", "team", "owner", "visit_at", "sale_at", "lost_at",
        "customer_id", "amount",
    ]  # fmt: skip
    assert got["visit_at"].tolist() == [pd.Timestamp("2026-10-05 10:00"), pd.NaT]
    assert got["amount"].tolist() == [100.0, 50.0]


def test_hubspot_a_mapped_currency_reads_amount_with_it(tmp_path):
    export = write(tmp_path, "deals.csv", HUBSPOT_DEMO)
    mapping = write(
        tmp_path, "mapping.toml", HUBSPOT_MAP.replace('amount = "Amount"', 'currency = "Currency"')
    )
    got = read_exports("hubspot", [export], mapping=mapping)
    # Amount 100 and 50 in USD, not the company-currency 90 and 45.
    assert (got.frame["amount"].tolist(), got.currency) == ([100.0, 50.0], "USD")


def test_salesforce_honours_a_mapped_stage_date_without_history(tmp_path):
    export = write(tmp_path, "opportunities.csv", (
        "Opportunity ID,Stage,Created Date,Close Date,Won,Closed,Account ID,Demo date\n"
        "0065g00000XyZ21,Closed Won,2026-10-01,2026-10-21,1,1,0015g00000AbC01,2026-10-06\n"
        "0065g00000XyZ22,Closed Lost,2026-10-02,2026-10-12,0,1,,\n"
        "0065g00000XyZ23,Prospecting,2026-10-03,2026-11-30,0,0,,2026-10-09\n"
    ))  # fmt: skip
    mapping = write(tmp_path, "mapping.toml", (
        'source = "salesforce"\n[stages."default"]\n"Closed Won" = "sale"\n'
        '"Closed Lost" = "lost"\n"Prospecting" = "ignore"\n'
        '[columns]\nvisit_at = "Demo date"\n'
    ))  # fmt: skip
    out = tmp_path / "acme"
    result = import_exports("salesforce", [export], out=out, mapping=mapping)
    leads = result.dataset.leads
    assert leads["visit_at"].tolist() == [
        pd.Timestamp("2026-10-06"),
        pd.NaT,
        pd.Timestamp("2026-10-09"),
    ]
    # visit is recorded (a mapped field); offer is not.
    assert result.dataset.settings.stages == ("lead", "visit", "sale")
    got = funnel(leads, stages=result.dataset.settings.stages, as_of=pd.Timestamp("2026-10-31"))
    # 3 leads; 2 visited (Z21 on 10-06, Z23 on 10-09); 1 sale (Z21, 15 days after its visit).
    # Days to the visit: Z21 5 (10-01 -> 10-06), Z23 6 (10-03 -> 10-09): median 5.5.
    want = pd.DataFrame(
        {
            "stage": ["lead", "visit", "sale"],
            "reached": [3, 2, 1],
            "step_conversion": [1.0, 2 / 3, 1 / 2],
            "lost": [1, 1, 0],
            "median_days_from_previous": [np.nan, 5.5, 15.0],
        }
    )
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_dtype=False)


def test_salesforce_honours_a_mapped_customer_id(tmp_path):
    mapping = write(
        tmp_path,
        "mapping.toml",
        MAVEN_SALESFORCE.replace('account = "account"', 'customer_id = "account"'),
    )
    got = read_exports("salesforce", [MAVEN], mapping=mapping).frame
    # The five won deals' accounts, in file order.
    assert got["customer_id"].dropna().tolist() == [
        "Northwind", "Cobalt", "Northwind", "Fairhaven", "Harbor",
    ]  # fmt: skip


def test_pipedrive_honours_a_mapped_customer_over_the_organization_id(tmp_path):
    export = write(tmp_path, "deals.csv", (
        "Deal - ID,Deal - Stage,Deal - Status,Deal - Organization ID,Deal - Client code,"
        "Deal - Deal created,Deal - Won time\n"
        "1,Won,won,77,C-0042,2026-10-01 10:00:00,2026-10-09 10:00:00\n"
    ))  # fmt: skip
    mapping = write(tmp_path, "mapping.toml", (
        'source = "pipedrive"\n[stages."default"]\nWon = "ignore"\n'
        '[columns]\ncustomer_id = "Deal - Client code"\n'
    ))  # fmt: skip
    assert read_exports("pipedrive", [export]).frame["customer_id"].tolist() == ["77"]
    got = read_exports("pipedrive", [export], mapping=mapping).frame
    assert got["customer_id"].tolist() == ["C-0042"]


def test_salesforce_honours_a_mapped_account_name_over_the_account_id(tmp_path):
    export = Path(__file__).parent / "fixtures" / "imports" / "salesforce_opportunities.csv"
    mapping = write(tmp_path, "mapping.toml", (
        'source = "salesforce"\n[stages."default"]\n"Closed Won" = "sale"\n'
        '"Closed Lost" = "lost"\n"Proposal/Price Quote" = "offer"\n'
        '[columns]\naccount = "Account Name"\n'
    ))  # fmt: skip
    # Won: Acme (0015g00000AbCdE) and Delta (0015g00000AbCdH).
    got = read_exports("salesforce", [export]).frame["customer_id"].dropna().tolist()
    assert got == ["0015g00000AbCdE", "0015g00000AbCdH"]
    got = read_exports("salesforce", [export], mapping=mapping).frame
    assert got["customer_id"].dropna().tolist() == ["Acme", "Delta"]


# source, export, the [columns] line, the whole message.
UNUSED_FIELDS = {
    "contacts have no amount": (
        "hubspot-contacts",
        "Record ID,Create Date,Deal value\n1,2026-10-01 09:00,100\n",
        'amount = "Deal value"',
        "mapping.toml: [columns] amount = 'Deal value': kpi import hubspot-contacts does not "
        "use amount. It uses: created, customer_id, lead_at, lead_id, owner, source, team, and "
        "the stage dates visit_at, offer_at, sale_at, qualified_at, lost_at. Remove the line, "
        "or import the file with kpi import csv, which reads every field named in [columns].",
    ),
    "ad platforms have no stage dates": (
        "google-ads",
        "Day,Campaign,Cost\n2026-10-01,Brand,10\n",
        'visit_at = "Day"',
        "mapping.toml: [columns] visit_at = 'Day': kpi import google-ads does not use "
        "visit_at. It uses: campaign, campaign_type, cost, currency, day. Remove the line, or "
        "import the file with kpi import csv, which reads every field named in [columns].",
    ),
}


@pytest.mark.parametrize("source, export, line, message", UNUSED_FIELDS.values(), ids=UNUSED_FIELDS)
def test_a_field_the_importer_does_not_use_is_refused_by_name(
    tmp_path, source, export, line, message
):
    path = write(tmp_path, "export.csv", export)
    mapping = write(tmp_path, "mapping.toml", f'source = "{source}"\n[columns]\n{line}\n')
    with pytest.raises(DataError) as err:
        read_exports(source, [path], mapping=mapping)
    assert str(err.value) == message
