import csv
import datetime as dt
import math
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from kpi_fixtures import dataset, leads
from test_engines import CALLS as ENGINE_CALLS
from test_engines import _tables as _engine_tables

from kpilib.data.dataset import Dataset
from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.acquisition import CAC_COLUMNS
from kpilib.kpis.coaching import COACHING_COLUMNS
from kpilib.kpis.columns import for_writing, kind_of, kinds
from kpilib.kpis.cycle import CYCLE_COLUMNS
from kpilib.kpis.forecast import FORECAST_COLUMNS
from kpilib.kpis.funnel import FUNNEL_COLUMNS
from kpilib.kpis.objectives import ATTAINMENT_COLUMNS
from kpilib.kpis.retention import RETENTION_COLUMNS
from kpilib.kpis.tables import (
    TABLE_NAMES,
    coaching_cohort,
    compute_all,
    neutralise,
    write_tables,
)
from kpilib.kpis.value import COHORT_VALUE_COLUMNS, PAYBACK_COLUMNS
from kpilib.kpis.workbook import money_format, write_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
COLUMNS = {
    "attainment": ATTAINMENT_COLUMNS,
    "cac": CAC_COLUMNS,
    "funnel": ["source", *FUNNEL_COLUMNS],
    "cohort_value": COHORT_VALUE_COLUMNS,
    "payback": PAYBACK_COLUMNS,
    "retention": RETENTION_COLUMNS,
    "coaching": ["cohort", *COACHING_COLUMNS],
    "sales_cycle": ["month", "source", "team", *CYCLE_COLUMNS[1:]],
    "forecast": FORECAST_COLUMNS,
}


def test_compute_all_tables():
    tables = compute_all(dataset(), period="2026-10", as_of="2026-10-15")
    assert list(tables) == list(TABLE_NAMES)
    for name, frame in tables.items():
        assert list(frame.columns) == COLUMNS[name], name
    # targets overlapping October: four of 2026-10 and the 2026-Q4 one
    assert tables["attainment"]["period"].tolist() == ["2026-10"] * 4 + ["2026-Q4"]
    # blended row first, channel empty: 2300 / 2 (C2, C3 by 10-15)
    cac = tables["cac"]
    assert cac["channel"].isna().tolist() == [True, False, False]
    assert cac["cac"].tolist()[:2] == [1150.0, 950.0]
    # funnel: all sources first (source empty), then one block per source
    funnel = tables["funnel"]
    assert funnel["source"].isna().sum() == 4
    assert funnel["source"].dropna().unique().tolist() == ["ads", "events", "referral"]
    # October leads by 10-15: L3-L7 = 5
    assert funnel["reached"].tolist()[0] == 5
    # retention by 10-15: cohort 2026-09 = C1 (orders 09-20, 10-13), 2026-10 = C2, C3
    # (orders 10-08, 10-14); October is open on the 15th, so its cells are partial
    ret = tables["retention"]
    assert ret["cohort"].tolist() == ["2026-09", "2026-09", "2026-10"]
    assert ret["months_since"].tolist() == [0, 1, 0]
    assert ret["customers"].tolist() == [1, 1, 2]
    assert ret["active"].tolist() == [1, 1, 2]
    assert ret["retention"].tolist() == [1.0, 1.0, 1.0]
    assert ret["partial"].tolist() == [False, True, True]
    # coaching: no window in the fixture's settings, derived from the sales seen by 10-15
    # (7, 12.6875 and 17 days: 90% at 12.6875 + 0.8 × 4.3125 = 16.1, so 17 days).
    # September's leads (09-03, 09-10) are older than 17 days on 10-15: the latest mature
    # cohort, as on the funnel page; North: Ann 1 lead, South: Bob 1
    coach = tables["coaching"]
    assert set(coach["cohort"]) == {"2026-09"}
    first = coach[coach["from_stage"] == "lead"].drop_duplicates(["team", "owner"])
    assert first[["team", "owner", "entered"]].values.tolist() == [
        ["North", "Ann", 1],
        ["South", "Bob", 1],
    ]
    # sales cycle: company rows (source and team empty) first, then sources, then teams.
    # By 10-15: September L1 17 days; October L7 6, L3 7, L4 12.6875 days (median 7);
    # all sold by ads and North: one row a month for each
    cycle = tables["sales_cycle"]
    company = cycle[cycle["source"].isna() & cycle["team"].isna()]
    assert company["month"].tolist() == ["2026-09", "2026-10"]
    assert company["sales"].tolist() == [1, 3]
    assert company["median_days"].tolist() == [17.0, 7.0]
    assert cycle["source"].notna().sum() == 2 and cycle["team"].notna().sum() == 2


def test_missing_tables_give_empty_frames():
    tables = compute_all(Dataset(leads=leads()), period="2026-10")
    for name in ("attainment", "cac", "cohort_value", "payback", "retention"):
        assert len(tables[name]) == 0
        assert list(tables[name].columns) == COLUMNS[name]
    assert len(tables["funnel"]) == 16  # 4 stages for all, ads, events, referral
    # typed by their columns' kinds, as a table with rows would be
    assert tables["cac"].dtypes.astype(str).tolist()[:5] == [
        "str",
        "str",
        "float64",
        "int64",
        "float64",
    ]
    assert str(tables["payback"]["payback_months"].dtype) == "Int64"

    # a quarter: the sales cycle is read per month, so its table is empty
    quarter = compute_all(Dataset(leads=leads()), period="2026-Q4")["sales_cycle"]
    assert len(quarter) == 0 and list(quarter.columns) == COLUMNS["sales_cycle"]
    # leads without an owner column: no rep to coach
    tables = compute_all(Dataset(leads=leads().drop(columns=["owner"])), period="2026-10")
    assert len(tables["coaching"]) == 0
    assert list(tables["coaching"].columns) == COLUMNS["coaching"]


def test_empty_tables_are_written_with_their_header(tmp_path):
    paths = write_tables(Dataset(leads=leads()), period="2026-10", out=tmp_path)
    assert _rows(paths[1]) == [CAC_COLUMNS]


def test_the_coaching_cohort_is_the_funnel_pages():
    from kpilib.data.load import load_dataset
    from kpilib.sections.build import build

    ds = load_dataset(SAMPLE)
    for as_of in ("2026-10-15", "2026-10-31"):
        report = build(ds, period="2026-10", as_of=as_of)
        assert coaching_cohort(ds, period="2026-10", as_of=as_of) == report.funnel.cohort
    # a past period reads its own twelve cohorts: July's mature cohort is April (90 days)
    assert coaching_cohort(ds, period="2026-07", as_of="2026-10-31") == "2026-07"
    assert build(ds, period="2026-07", as_of="2026-10-31").funnel.cohort == "2026-07"


def test_neutralise():
    frame = pd.DataFrame(
        {
            "source": pd.Series(["=1+2", "+cmd", "-x", "@SUM(A1)", "web", None], dtype="str"),
            "cost": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    out = neutralise(frame)
    assert out["source"].tolist()[:5] == ["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "web"]
    assert pd.isna(out["source"].tolist()[5])
    assert out["cost"].tolist() == frame["cost"].tolist()
    # the input is untouched
    assert frame["source"].tolist()[0] == "=1+2"


def _hostile() -> Dataset:
    ds = dataset()
    ds.leads = ds.leads.assign(source=ds.leads["source"].replace({"ads": '=HYPERLINK("http://x")'}))
    return ds


def test_write_csv(tmp_path):
    paths = write_tables(_hostile(), period="2026-10", as_of="2026-10-15", out=tmp_path / "t")
    assert [p.name for p in paths] == [f"{n}.csv" for n in TABLE_NAMES]
    with open(paths[1], newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == CAC_COLUMNS
    # blended row: empty channel; the hostile channel is neutralised
    assert rows[1][:2] == ["2026-10", ""]
    assert rows[2][1] == '\'=HYPERLINK("http://x")'


def _priced() -> Dataset:
    """The hostile dataset with October campaign costs of 600.10 (ads) and 400.20 (events)."""
    ds = _hostile()
    ds.costs = ds.costs.assign(amount=[300.0, 1000.0, 600.1, 400.2, 900.0, 300.0, 100.0])
    return ds


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_written_csv_numbers(tmp_path):
    paths = write_tables(_priced(), period="2026-10", as_of="2026-10-15", out=tmp_path)
    cac_rows = _rows(paths[1])
    # blended: 600.10 + 400.20 + 900 + 300 + 100 = 2300.30 for C2 and C3 -> 1150.15 each;
    # money with the euro's two decimals, counts whole
    assert dict(zip(cac_rows[0], cac_rows[1], strict=True)) == {
        "period": "2026-10",
        "channel": "",
        "cost": "2300.30",
        "new_customers": "2",
        "cac": "1150.15",
        "cac_note": "",
        "cost_salaries": "900.00",
        "cost_bonuses": "300.00",
        "cost_expenses": "0.00",
        "cost_campaigns": "1000.30",
        "cost_other": "100.00",
    }
    attainment = _rows(paths[0])
    head = attainment[0]
    rows = {(r[1], r[3]): dict(zip(head, r, strict=True)) for r in attainment[1:]}
    # South leads: target 8, L5 and L6 by 10-15 -> actual 2, gap 6, counts written whole
    south = rows[("leads", "South")]
    assert (south["target"], south["actual"], south["gap"]) == ("8", "2", "6")
    # Ann's revenue: L3 2000 + L7 700 = 2700 against 6000: money rows with two decimals
    ann = rows[("revenue", "North")]
    assert (ann["target"], ann["actual"], ann["gap"]) == ("6000.00", "2700.00", "3300.00")
    payback_rows = _rows(paths[4])
    # Sep cohort: not paid back (680 < 1300): payback_months empty; 1 month observed
    assert payback_rows[1][:5] == ["2026-09", "1", "1300.00", "", "1"]


def test_for_writing_rounds_a_copy():
    frame = pd.DataFrame(
        {
            "metric": pd.Series(["leads", "revenue", "leads"], dtype="str"),
            "actual": [2226.0, 456180.07000000007, 5119.8000000001],
            "cost": [0.1 + 0.2, 1e-9, float("nan")],
            "reached": [3.0, 4.0, None],
            "median_days_from_previous": [5.931644, 1.0, None],
        }
    )
    out = for_writing(frame, "EUR")
    # count rows of a measure: whole when whole, else 2 decimals; money rows to cents
    assert out["actual"].tolist() == [2226, 456180.07, 5119.8]
    assert out["cost"].tolist()[:2] == [0.3, 0.0] and math.isnan(out["cost"].iloc[2])
    assert out["reached"].tolist() == [3, 4, pd.NA] and str(out["reached"].dtype) == "Int64"
    assert out["median_days_from_previous"].tolist()[:2] == [5.93, 1.0]
    # yen have no minor unit: whole amounts
    assert for_writing(frame, "JPY", text=True)["cost"].tolist() == ["0", "0", None]
    # the frame itself stays exact
    assert frame["actual"].iloc[1] == 456180.07000000007


def test_column_kinds():
    names = ["cac", "reached", "ci_low", "payback_months", "day", "lost_value", "projected_clv"]
    assert {c: kind_of(c) for c in names} == {
        "cac": "money",
        "reached": "count",
        "ci_low": "rate",
        "payback_months": "months",
        "day": "date",
        "lost_value": "money",
        "projected_clv": "money",
    }
    assert kind_of("projected_cumulative_margin_per_customer") == "money"
    # a new table's columns: by their names, else by their dtype
    assert kinds(
        pd.DataFrame(
            {
                "retention_rate": [0.5],
                "forecast_revenue": [1.0],
                "cycle_days": [3.0],
                "deals": [2],
                "segment": pd.Series(["a"], dtype="str"),
                "won": [True],
            }
        )
    ) == {
        "retention_rate": "rate",
        "forecast_revenue": "money",
        "cycle_days": "days",
        "deals": "count",
        "segment": "text",
        "won": "flag",
    }


@pytest.mark.parametrize("engine", ["pandas", "polars", "polars-lazy", "duckdb"])
@pytest.mark.parametrize("name", list(ENGINE_CALLS))
def test_counts_are_integers_on_every_engine(engine, name):
    # kpilib's own conversion: what compute_all and the sections read
    frame = F.to_pandas(ENGINE_CALLS[name](_engine_tables(engine)))
    wrong = {
        c: str(frame[c].dtype)
        for c, kind in kinds(frame).items()
        if kind in ("count", "months") and str(frame[c].dtype) not in ("int64", "Int64")
    }
    assert wrong == {}


def _workbook(tmp_path):
    paths = write_tables(_priced(), period="2026-10", as_of="2026-10-15", out=tmp_path, fmt="xlsx")
    assert paths == [tmp_path / "kpis.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpis.xlsx"]
    return openpyxl.load_workbook(paths[0])


def test_write_xlsx_one_workbook(tmp_path):
    book = _workbook(tmp_path)
    assert book.sheetnames == list(TABLE_NAMES)
    cac_sheet = book["cac"]
    assert [c.value for c in cac_sheet[1]] == CAC_COLUMNS
    assert cac_sheet.freeze_panes == "A2"
    # header and four rows (blended, the hostile source, ads, events) over columns A..K
    assert cac_sheet.auto_filter.ref == "A1:K5"
    cost, customers = cac_sheet["C2"], cac_sheet["D2"]
    assert (cost.value, cost.number_format) == (2300.3, '"€"#,##0.00')
    assert (customers.value, customers.number_format) == (2, "#,##0")
    funnel_sheet = book["funnel"]
    head = [c.value for c in funnel_sheet[1]]
    # all sources, visit: of L3-L7, L3, L5 and L7 visited and L4 reached an offer: 4 / 5
    visit = list(funnel_sheet[3])
    step = visit[head.index("step_conversion")]
    assert (step.value, step.number_format) == (0.8, "0.0%")
    assert visit[head.index("median_days_from_previous")].number_format == "0.0"
    payback_sheet = book["payback"]
    assert payback_sheet["D2"].value is None  # Sep cohort not paid back
    assert payback_sheet["E2"].number_format == "#,##0"
    attainment_sheet = book["attainment"]
    head = [c.value for c in attainment_sheet[1]]
    rows = {r[1].value: r for r in attainment_sheet.iter_rows(min_row=2)}
    # a measure column: money on the revenue row, a whole count on the others
    assert rows["revenue"][head.index("actual")].number_format == '"€"#,##0.00'
    assert rows["sales"][head.index("actual")].number_format == "#,##0"
    # columns fit their header at least
    assert attainment_sheet.column_dimensions["L"].width == len("required_per_business_day") + 2


def test_write_xlsx_is_formula_safe(tmp_path):
    sheet = _workbook(tmp_path)["funnel"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if "HYPERLINK" in c.value]
    assert hostile and all(c.data_type == "s" and c.value.startswith("'=") for c in hostile)


def test_money_format_follows_currency_and_locale():
    assert money_format("EUR", "fr_FR") == '#,##0.00" €"'
    assert money_format("GBP", "en_GB") == '"£"#,##0.00'
    assert money_format("JPY", "en_GB") == '"JP¥"#,##0'


def test_workbook_formats_a_new_table_by_its_column_names(tmp_path):
    frame = pd.DataFrame(
        {
            "cohort": pd.Series(["2026-10"], dtype="str"),
            "retained": [7],
            "retention_rate": [0.35],
            "forecast_revenue": [1234.5],
            "renewed_at": pd.Series(pd.to_datetime(["2026-10-31"]), dtype="datetime64[us]"),
        }
    )
    write_workbook({"retention": frame}, tmp_path / "k.xlsx", currency="USD", locale="en_US")
    sheet = openpyxl.load_workbook(tmp_path / "k.xlsx")["retention"]
    assert [c.number_format for c in sheet[2]] == [
        "General",
        "#,##0",
        "0.0%",
        '"$"#,##0.00',
        "yyyy-mm-dd",
    ]
    assert sheet["E2"].value == dt.datetime(2026, 10, 31)
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:E2")


def test_bad_format(tmp_path):
    with pytest.raises(ParameterError) as err:
        write_tables(dataset(), period="2026-10", out=tmp_path, fmt="json")
    assert str(err.value) == "format 'json' is not supported; choose csv or xlsx."


@pytest.mark.skipif(not (SAMPLE / "leads.csv").exists(), reason="data/sample not there")
def test_sample_smoke():
    from kpilib.data.load import load_dataset

    ds = load_dataset(SAMPLE)
    start = time.perf_counter()
    tables = compute_all(ds, period="2026-10")
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0
    cac = tables["cac"]
    blended = cac[cac["channel"].isna()]
    assert len(blended) == 1
    # channel costs share all shared costs: they add up to the blended cost
    assert cac["cost"][cac["channel"].notna()].sum() == pytest.approx(blended["cost"].iloc[0])
    assert tables["funnel"]["stage"].tolist()[:4] == ["lead", "visit", "offer", "sale"]
    assert set(tables["attainment"]["period"]) == {"2026-10"}


def test_workbook_shows_control_characters_as_replacement(tmp_path):
    frame = pd.DataFrame({"source": pd.Series(["web\x01site", "a\tb"], dtype="str")})
    write_workbook({"t": frame}, tmp_path / "k.xlsx", currency="EUR", locale="en_GB")
    sheet = openpyxl.load_workbook(tmp_path / "k.xlsx")["t"]
    # \x01 cannot be stored in a worksheet; a tab can
    assert [sheet["A2"].value, sheet["A3"].value] == ["web\ufffdsite", "a\tb"]


def test_a_failed_workbook_leaves_nothing_behind(tmp_path, monkeypatch):
    from kpilib.kpis import workbook

    def half_written(sheets, path, **kwargs):
        path.write_bytes(b"PK")
        raise RuntimeError("stopped")

    monkeypatch.setattr(workbook, "write_workbook", half_written)
    with pytest.raises(RuntimeError, match="^stopped$"):
        write_tables(dataset(), period="2026-10", out=tmp_path, fmt="xlsx")
    assert list(tmp_path.iterdir()) == []


def test_forecast_table_only_while_the_period_is_open():
    ds = dataset()
    open_ = compute_all(ds, period="2026-10", as_of="2026-10-15")["forecast"]
    # company then North and South, for sales, new customers and revenue
    assert open_["metric"].tolist() == [
        m for m in ("sales", "new_customers", "revenue") for _ in range(3)
    ]
    assert open_["team"].tolist()[1:3] == ["North", "South"]
    closed = compute_all(ds, period="2026-10", as_of="2026-10-31")["forecast"]
    assert len(closed) == 0
    assert list(closed.columns) == FORECAST_COLUMNS


def test_no_forecast_is_computed_for_a_closed_or_future_period(monkeypatch):
    # October is closed at 10-31 and November not started: the calendar tells, the leads
    # are not read (the forecast would give the same empty table, after converting them)
    ds = dataset()

    def refused(*args, **kwargs):
        raise AssertionError("the leads were read")

    monkeypatch.setattr(type(ds), "forecast", refused)
    for period in ("2026-10", "2026-11"):
        got = compute_all(ds, period=period, as_of="2026-10-31", tables=["forecast"])
        assert list(got["forecast"].columns) == FORECAST_COLUMNS
        assert len(got["forecast"]) == 0


def test_compute_all_chosen_tables():
    got = compute_all(dataset(), period="2026-10", as_of="2026-10-15", tables=["funnel", "cac"])
    assert list(got) == ["cac", "funnel"]  # TABLE_NAMES' order
    # the same table as in the whole set
    whole = compute_all(dataset(), period="2026-10", as_of="2026-10-15")
    pd.testing.assert_frame_equal(got["funnel"], whole["funnel"])
    with pytest.raises(ParameterError) as err:
        compute_all(dataset(), period="2026-10", tables=["cac", "ltv", "churn"])
    assert str(err.value) == (
        "tables: 'ltv', 'churn' are not tables; choose among attainment, cac, funnel, "
        "cohort_value, payback, retention, coaching, sales_cycle, forecast."
    )
    with pytest.raises(ParameterError) as err:
        compute_all(dataset(), period="2026-10", tables=[])
    assert str(err.value) == (
        "tables: none given; choose among attainment, cac, funnel, "
        "cohort_value, payback, retention, coaching, sales_cycle, forecast."
    )


def test_forecast_and_coaching_are_written_by_their_kinds(tmp_path):
    ds = dataset()
    write_tables(
        ds, period="2026-10", as_of="2026-10-15", out=tmp_path, tables=["forecast", "coaching"]
    )
    exact = compute_all(ds, period="2026-10", as_of="2026-10-15", tables=["forecast"])
    text = pd.read_csv(tmp_path / "forecast.csv", dtype=str, keep_default_na=False)
    for (_, row), (_, written) in zip(exact["forecast"].iterrows(), text.iterrows(), strict=True):
        # the row's metric decides: revenue in cents, a count whole (an actual) or to 2
        # decimals (an expectation)
        if row["metric"] == "revenue":
            assert written["actual_to_date"] == f"{row['actual_to_date']:.2f}"
            assert written["high"] == f"{row['high']:.2f}"
        else:
            assert written["actual_to_date"] == str(int(row["actual_to_date"]))
            assert written["expected"] == f"{round(row['expected'], 2):g}"
    ranks = pd.read_csv(tmp_path / "coaching.csv", dtype=str, keep_default_na=False)["rank"]
    assert all(r == "" or r.isdigit() for r in ranks)  # 1, 2... not 1.0
