"""``kpi import csv``: any CRM export read through its mapping, with a joined file.

tests/data/maven and tests/data/olist hold look-alikes of two public CRM
data sets (invented rows, the real columns) and the mapping of each.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpilib import load_dataset
from kpilib.cli import main
from kpilib.errors import DataError, ParameterError
from kpilib.importers import read_exports
from kpilib.kpis.funnel import funnel

DATA = Path(__file__).parent / "data"
COLUMNS = ["stage", "reached", "step_conversion", "lost", "median_days_from_previous"]


def _import(tmp_path: Path, name: str, export: str, capsys) -> tuple[Path, str]:
    folder = tmp_path / name
    shutil.copytree(DATA / name, folder)
    out = tmp_path / "dataset"
    code = main(["import", "csv", str(folder / export), "--map", str(folder / "mapping.toml"),
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    return out, capsys.readouterr().out


def test_maven_export_with_its_sales_teams(tmp_path, capsys):
    out, printed = _import(tmp_path, "maven", "sales_pipeline.csv", capsys)
    # 12 deals; the two Prospecting ones (file rows 5 and 12) have no engage_date.
    assert printed.splitlines()[:2] == [
        f"{out}: 10 leads rows written and validated.",
        "note: sales_pipeline.csv: 2 records without lead_at left out (rows 5, 12).",
    ]
    dataset = load_dataset(out)
    leads = dataset.leads
    assert dataset.settings.stages == ("lead", "sale")
    assert list(leads.columns) == [
        "lead_id", "source", "team", "owner", "customer_id", "lead_at", "sale_at", "lost_at",
        "amount",
    ]  # fmt: skip
    # Team from sales_teams.csv: Ada Stone and Ben Okoro are North, Cara Diaz and Dev Patel
    # South. Won: A0 (Ada) and A2 (Ben) in the North, A5 (Cara), A7 and B1 (Dev) in the South.
    won = leads[leads["sale_at"].notna()]
    assert won["lead_id"].tolist() == ["K7Q2M1A0", "K7Q2M1A2", "K7Q2M1A5", "K7Q2M1A7", "K7Q2M1B1"]
    # North 1050 + 4820 = 5870; South 5010 + 990 + 560 = 6560; together 12430.
    assert won.groupby("team")["amount"].sum().to_dict() == {"North": 5870.0, "South": 6560.0}
    assert won["amount"].sum() == 12430.0
    # Lost: A1, A6, A9, dated by their close_date.
    assert leads.loc[leads["lost_at"].notna(), "lead_id"].tolist() == [
        "K7Q2M1A1", "K7Q2M1A6", "K7Q2M1A9",
    ]  # fmt: skip
    # Northwind bought twice (A0, A5): 4 customers for 5 sales.
    assert won["customer_id"].nunique() == 4
    # October cohort: A4 A5 A6 A7 A8 A9 B1 (7 leads); won A5, A7, B1 (3 of 7).
    # Days to the sale: A5 10-03 -> 10-21 = 18, A7 10-08 -> 10-30 = 22, B1 10-20 -> 11-02 = 13;
    # median 18. 4 leads leak before the sale.
    got = funnel(leads, period="2026-10", stages=dataset.settings.stages)[COLUMNS]
    want = pd.DataFrame(
        {
            "stage": ["lead", "sale"],
            "reached": [7, 3],
            "step_conversion": [1.0, 3 / 7],
            "lost": [4, 0],
            "median_days_from_previous": [np.nan, 18.0],
        }
    )
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_olist_leads_with_their_closed_deals(tmp_path, capsys):
    out, printed = _import(tmp_path, "olist", "marketing_qualified_leads.csv", capsys)
    # The fifth closed deal (file row 6) is for a lead not in the list.
    assert printed.splitlines()[:2] == [
        f"{out}: 12 leads rows written and validated.",
        "note: closed_deals.csv: 1 row matches no record of marketing_qualified_leads.csv on "
        "mql_id (row 6); left out.",
    ]
    dataset = load_dataset(out)
    leads = dataset.leads
    # The hexadecimal id with an "e" between digits is kept whole.
    assert leads["lead_id"].iloc[3] == "839201755440e7301928374650192837"
    won = leads[leads["sale_at"].notna()]
    # Leads 1, 4, 7 and 9 of the file closed: 4 sales, each seller a customer.
    assert won.index.tolist() == [0, 3, 6, 8]
    assert won["customer_id"].nunique() == 4
    # Declared revenue 0.0 + 12000.0 + 0.0 + blank: 12000, the blank one staying blank.
    assert won["amount"].tolist()[:3] == [0.0, 12000.0, 0.0]
    assert np.isnan(won["amount"].iloc[3])
    assert won["amount"].sum() == 12000.0
    # Sources: the file's origin values; a blank origin stays blank.
    assert leads["source"].value_counts().to_dict() == {
        "paid_search": 3, "organic_search": 2, "social": 2, "email": 1, "referral": 1,
        "direct_traffic": 1, "unknown": 1,
    }  # fmt: skip
    # Days to the sale: 18 + 50712/86400 (09-03 -> 09-21 14:05:12), 14 + 34300/86400,
    # 16 + 63903/86400, 14 + 40379/86400; median the mean of the middle two.
    median = (14 + 40379 / 86400 + 16 + 63903 / 86400) / 2
    got = funnel(leads, stages=dataset.settings.stages)[COLUMNS]
    want = pd.DataFrame(
        {
            "stage": ["lead", "sale"],
            "reached": [12, 4],
            "step_conversion": [1.0, 4 / 12],
            "lost": [8, 0],
            "median_days_from_previous": [np.nan, median],
        }
    )
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


# --- error paths ---------------------------------------------------------------


def _maven(tmp_path: Path, mapping: str, teams: str | None = None) -> Path:
    """The Maven look-alike beside *mapping* (and *teams* as sales_teams.csv)."""
    shutil.copy(DATA / "maven" / "sales_pipeline.csv", tmp_path / "sales_pipeline.csv")
    if teams is None:
        shutil.copy(DATA / "maven" / "sales_teams.csv", tmp_path / "sales_teams.csv")
    else:
        (tmp_path / "sales_teams.csv").write_text(teams, encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(mapping, encoding="utf-8")
    return tmp_path / "mapping.toml"


BASE = """\
source = "csv"
[columns]
lead_id = "opportunity_id"
lead_at = "engage_date"
customer_id = "account"
stage = "deal_stage"
close = "close_date"
[stages]
Won = "sale"
Lost = "lost"
Engaging = "ignore"
Prospecting = "ignore"
[rows]
without_lead_at = "skip"
"""


def _error(tmp_path: Path, mapping: str, teams: str | None = None) -> str:
    path = _maven(tmp_path, mapping, teams)
    with pytest.raises(DataError) as err:
        read_exports("csv", [tmp_path / "sales_pipeline.csv"], mapping=path)
    return str(err.value)


def test_csv_needs_a_mapping():
    with pytest.raises(ParameterError) as err:
        read_exports("csv", [DATA / "maven" / "sales_pipeline.csv"])
    assert str(err.value) == (
        "sales_pipeline.csv: kpi import csv reads an export through its mapping: give --map "
        "mapping.toml naming the columns (mapping= in Python; see docs/importing.md)."
    )


def test_csv_takes_one_export_and_joins_the_others():
    files = [DATA / "maven" / "sales_pipeline.csv", DATA / "maven" / "sales_teams.csv"]
    with pytest.raises(ParameterError) as err:
        read_exports("csv", files)
    assert str(err.value) == (
        "csv takes one file; 2 were given (sales_pipeline.csv, sales_teams.csv). Name the "
        "other files in the mapping's [[join]] (see docs/importing.md)."
    )


JOIN = '[[join]]\nfile = "sales_teams.csv"\non = "sales_agent"\n'
TEAM = ("[stages]", 'team = "regional_office"\n[stages]')

# (BASE edit: text replaced and its replacement, text appended), sales_teams.csv, message.
MAPPING_ERRORS = {
    "undated leads are refused unless skipped": (
        ('[rows]\nwithout_lead_at = "skip"\n', ""), None,
        "sales_pipeline.csv: column engage_date (lead_at): 2 records have no date (rows 5, "
        "12). Every lead needs the date it entered the funnel: fill it, name another column "
        'for lead_at, or add [rows] without_lead_at = "skip" to mapping.toml to leave them '
        "out.",
    ),
    "a status without a meaning": (
        ('Engaging = "ignore"\n', ""), None,
        "mapping.toml: 1 value of deal_stage has no meaning in [stages] ('Engaging'). Add "
        'each under [stages], such as "Engaging" = "ignore" (or sale, lost).',
    ),
    "a status cannot date a stage": (
        ('Engaging = "ignore"', 'Engaging = "visit"'), None,
        'mapping.toml: [stages] "Engaging" = "visit": a status gives no stage date, so it can '
        "only say sale, lost or ignore (sale and lost are dated by the close column). Date "
        'other stages with [columns], such as visit_at = "Demo date".',
    ),
    "a close date needs a status": (
        ('stage = "deal_stage"\n', ""), None,
        "mapping.toml: [columns] close = 'close_date' needs a status column to say which "
        'records closed won or lost: add stage = "…" and [stages], or name sale_at and '
        "lost_at instead.",
    ),
    # Won deals A0, A2, A5, A7, B1 are file rows 2, 4, 7, 9, 13.
    "a won record without a customer": (
        ('customer_id = "account"\n', ""), None,
        "sales_pipeline.csv: column customer_id: 5 won records have no customer (rows 2, 4, "
        '7, 9, 13). Name the customer column in [columns] (customer_id = "…") and fill it for '
        "every won record.",
    ),
    "a field csv does not read": (
        ("[stages]", 'pipeline = "product"\n[stages]'), None,
        "mapping.toml: [columns] pipeline = 'product': kpi import csv does not use pipeline. "
        "It uses: amount, close, currency, customer_id, lead_at, lead_id, owner, source, "
        "stage, team, and the stage dates visit_at, offer_at, sale_at, qualified_at, lost_at. "
        "Remove the line, or import the file with kpi import csv, which reads every field "
        "named in [columns].",
    ),
    # Ada Stone is on rows 2 and 4 of sales_teams.csv.
    "a joined file with a repeated key": (
        TEAM + (JOIN,),
        "sales_agent,regional_office\nAda Stone,North\nBen Okoro,North\nAda Stone,South\n",
        "sales_teams.csv: column sales_agent: 2 rows repeat a key, such as 'Ada Stone' (rows 2, "
        "4). A joined file needs one row per key: remove the duplicates.",
    ),
    "a join key missing from the file": (
        ("[stages]", 'team = "regional_office"\nowner = "manager"\n[stages]', JOIN),
        "agent,manager,regional_office\nAda Stone,Mira Holt,North\n",
        "mapping.toml: [[join]] on (file) = 'sales_agent': sales_teams.csv has no such column "
        "(columns found: agent, manager, regional_office). Fix the key's label.",
    ),
    # Only regional_office is on the joined file's first row: one known label of two needed.
    "a joined file without its header": (
        TEAM + (JOIN,),
        "agent,region\nAda Stone,North\n",
        "sales_teams.csv: no header row found in the first 40 rows: no row holds two of the "
        "labels named in mapping.toml [columns] (opportunity_id, engage_date, account, "
        "deal_stage, close_date, regional_office) or of the file joined on sales_agent (such "
        "as sales_agent). Check each label in [columns] against the file's header (spelling, "
        "language), and that the file is the right export.",
    ),
    "a join key missing from the export": (
        ("", "", '[[join]]\nfile = "sales_teams.csv"\non = { export = "agent", file = "x" }\n'),
        None,
        "mapping.toml: [[join]] on (export) = 'agent': sales_pipeline.csv has no such column "
        "(columns found: opportunity_id, sales_agent, product, account, deal_stage, "
        "engage_date, close_date, close_value). Fix the key's label.",
    ),
    "pipelines are not read": (
        ("", "", '[pipelines]\ninclude = ["Sales"]\n'), None,
        "mapping.toml: [pipelines] is not read by kpi import csv, which has no pipelines; "
        "remove it.",
    ),
    "a malformed join": (
        ("", "", '[[join]]\nfile = "sales_teams.csv"\n'), None,
        'mapping.toml: each [[join]] needs file = "other.csv" and on = "key column" (or on = '
        '{ export = "key in the export", file = "key in the other file" }).',
    ),
}  # fmt: skip


@pytest.mark.parametrize("edit, teams, message", MAPPING_ERRORS.values(), ids=MAPPING_ERRORS)
def test_mapping_errors_are_named(tmp_path, edit, teams, message):
    old, new, *tail = edit
    mapping = (BASE.replace(old, new) if old else BASE) + "".join(tail)
    assert _error(tmp_path, mapping, teams) == message


@pytest.mark.parametrize(
    "close, fix",
    [
        ('close = "close_date"\n', "Fill close_date for them, or name sale_at and lost_at date "
         "columns in [columns]."),
        ("", 'Name the column that dates the close in [columns] (close = "…", or sale_at and '
         "lost_at)."),
    ],
    ids=["blank close", "no close column"],
)  # fmt: skip
def test_a_won_record_without_a_date_is_named(tmp_path, close, fix):
    path = _maven(tmp_path, BASE.replace('close = "close_date"\n', close))
    export = tmp_path / "sales_pipeline.csv"
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("2026-09-02,2026-09-20", "2026-09-02,"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_exports("csv", [export], mapping=path)
    # Row 2 (A0) is Won with its close_date emptied; without a close column every closed
    # record (8 Won or Lost, rows 2, 3, 4, 7, 8, …) lacks a date.
    rows = "1 won or lost record has no date (row 2)" if close else (
        "8 won or lost records have no date (rows 2, 3, 4, 7, 8, …)"
    )  # fmt: skip
    assert str(err.value) == f"sales_pipeline.csv: column deal_stage: {rows}. {fix}"


def test_a_missing_joined_file_is_named(tmp_path):
    mapping = BASE + JOIN.replace("sales_teams.csv", "teams.csv")
    assert _error(tmp_path, mapping) == (
        f"mapping.toml: [[join]] file: {tmp_path / 'teams.csv'} is not a file. Give the path "
        "of the file to join, relative to the mapping file."
    )


def test_a_join_in_a_crm_mapping_is_refused(tmp_path):
    path = _maven(tmp_path, 'source = "pipedrive"\n' + JOIN)
    with pytest.raises(DataError) as err:
        read_exports("pipedrive", [tmp_path / "sales_pipeline.csv"], mapping=path)
    assert str(err.value) == (
        "mapping.toml: [join] is read by kpi import csv only; remove it, or import the file "
        "with kpi import csv."
    )


def test_the_cli_prints_a_csv_error_without_a_traceback(tmp_path, capsys):
    path = _maven(tmp_path, BASE.replace('Engaging = "ignore"\n', ""))
    code = main(["import", "csv", str(tmp_path / "sales_pipeline.csv"), "--map", str(path),
                 "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 1
    assert capsys.readouterr().err == (
        "error: mapping.toml: 1 value of deal_stage has no meaning in [stages] ('Engaging'). "
        'Add each under [stages], such as "Engaging" = "ignore" (or sale, lost).\n'
    )
    assert not (tmp_path / "out").exists()
