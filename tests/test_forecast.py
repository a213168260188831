"""The pipeline forecast and its backtest, worked out by hand on small frames."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from kpi_fixtures import to_engine

from kpilib.data.dataset import Dataset
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.backtest import backtest_forecast, backtest_summary
from kpilib.kpis.forecast import FORECAST_COLUMNS, forecast, period_actuals
from kpilib.kpis.forecast_model import shrink

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

Z80 = 1.2815515655446004  # the normal quantile of 0.9: an 80% two-sided interval


def _dates(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values, format="ISO8601"), dtype="datetime64[us]")


def story() -> pd.DataFrame:
    """Forecast of October 2026 from the 15th (cutoff 10-16), learning from the 16th of
    September and of August.

    lead lead_at  team   visit  sale   lost   customer amount  at 08-16 / 09-16 / 10-16
    A    08-10    North  08-12  08-25  -      C1       100     visit, 6 days, sold by 09-01
    B    08-11    North  -      -      08-30  -        -       lead, 5 days, not sold; lost
    C    08-20    North  -      08-28  -      C2       300     arrives 08-16..09-01, sold
    D    09-10    North  09-12  09-25  -      C3       200     visit, 6 days at 09-16, sold
    E    09-12    North  -      -      -      -        -       lead at 09-16, not sold; open
    F    09-20    North  -      -      -      -        -       arrives 09-16..10-01; open
    G    10-02    North  10-05  10-08  -      C1       400     October's sale (C1 again)
    H    10-09    North  10-12  -      -      -        -       open at 10-16: visit, 7 days
    I    10-14    -      -      -      -      -        -       open at 10-16: lead, no team
    """
    return pd.DataFrame(
        {
            "lead_id": pd.Series(list("ABCDEFGHI"), dtype="str"),
            "lead_at": _dates(
                [
                    "2026-08-10",
                    "2026-08-11",
                    "2026-08-20",
                    "2026-09-10",
                    "2026-09-12",
                    "2026-09-20",
                    "2026-10-02",
                    "2026-10-09",
                    "2026-10-14",
                ]
            ),
            "team": pd.Series(["North"] * 8 + [None], dtype="str"),
            "visit_at": _dates(
                [
                    "2026-08-12",
                    None,
                    None,
                    "2026-09-12",
                    None,
                    None,
                    "2026-10-05",
                    "2026-10-12",
                    None,
                ]
            ),
            "sale_at": _dates(
                [
                    "2026-08-25",
                    None,
                    "2026-08-28",
                    "2026-09-25",
                    None,
                    None,
                    "2026-10-08",
                    None,
                    None,
                ]
            ),
            "lost_at": _dates([None, "2026-08-30", None, None, None, None, None, None, None]),
            "customer_id": pd.Series(
                ["C1", None, "C2", "C3", None, None, "C1", None, None], dtype="str"
            ),
            "amount": [100.0, None, 300.0, 200.0, None, None, 400.0, None, None],
        }
    )


OPTIONS = {"period": "2026-10", "as_of": "2026-10-15", "history": 2, "pace_periods": 1}


def _worked() -> pd.DataFrame:
    """The forecast of :func:`story` worked out by hand (prior weight m = 2)."""
    # learnt, team North (the only team with history): open at the snapshots
    #   (visit, band 0): A at 08-16, D at 09-16: n 2, won 2; (lead, band 0): B, E: n 2, won 0
    p0 = 2 / 4
    ps_visit, ps_lead = shrink(2, 2, p0, 2), shrink(0, 2, p0, 2)  # 0.75, 0.25
    assert (ps_visit, ps_lead) == (0.75, 0.25)
    pc_visit, pc_lead = shrink(2, 2, ps_visit, 2), shrink(0, 2, ps_lead, 2)  # 0.875, 0.125
    p_visit = shrink(2, 2, pc_visit, 2)  # North's own cell: 0.9375
    assert p_visit == 0.9375
    # open at 10-16: H (visit, 7 days: band 0) p 0.9375; E (lead, 34 days: band 4) and
    # F (lead, 26 days: band 3) never seen: their stage's 0.25; I (no team, lead, band 0):
    # the company's cell, 0.125
    north = [p_visit, ps_lead, ps_lead]
    none = [pc_lead]
    # arrivals: C (won) in August's stretch, F (not won) in September's: 1 of 2
    c = shrink(1, 2, 0.5, 2)  # North 0.5; the team-less leads take the whole's, 0.5
    # pace since 09-01: North D, E, F, G, H = 5 leads, none I = 1, over 33 business days;
    # 11 business days left in October (22 - 11)
    arrive_north, arrive_none = 5 / 33 * 11 * c, 1 / 33 * 11 * 0.5  # 5/6, 1/6
    # deals since 08-01 (history 2 periods back): A 100, C 300, D 200, G 400: mean 250,
    # mean square 75,000, spread 75,000 - 250^2 = 12,500; new customers C1, C2, C3: 3 of 4
    mu, var_amount, q = 250.0, 12_500.0, 0.75
    # the blend with the run rate: September can be forecast from August, but August from
    # nothing (the data starts then): one past period, fewer than 2, so the pipeline
    # forecast alone, its interval the chance of the leads at the normal's quantile
    rows = []
    company = ("company", north + none, arrive_north + arrive_none)
    for name, ps, arrivals in (company, ("North", north, arrive_north)):
        sold = sum(ps)
        spread = sum(p * (1 - p) for p in ps)
        parts = {
            "sales": (sold + arrivals, spread + arrivals),
            "new_customers": (
                q * (sold + arrivals),
                sum(p * q * (1 - p * q) for p in ps) + q * arrivals,
            ),
            "revenue": (
                mu * (sold + arrivals),
                var_amount * sold + mu * mu * spread + arrivals * (var_amount + mu * mu),
            ),
        }
        actual = {"sales": 1.0, "new_customers": 0.0, "revenue": 400.0}  # G; C1 is not new
        for metric, (add, var) in parts.items():
            half = Z80 * math.sqrt(var)
            rows.append(
                {
                    "metric": metric,
                    "team": None if name == "company" else name,
                    "actual_to_date": actual[metric],
                    "expected": actual[metric] + add,
                    "low": actual[metric] + max(add - half, 0.0),
                    "high": actual[metric] + add + half,
                }
            )
    out = pd.DataFrame(rows)
    order = {"sales": 0, "new_customers": 1, "revenue": 2}
    return out.sort_values(by=["metric"], key=lambda s: s.map(order), kind="stable")


def test_forecast_worked_by_hand():
    got = forecast(story(), prior_weight=2.0, **OPTIONS)
    want = _worked().reset_index(drop=True)
    assert list(got.columns) == FORECAST_COLUMNS
    assert got["period"].tolist() == ["2026-10"] * 6
    assert got["metric"].tolist() == want["metric"].tolist()
    assert got["team"].isna().tolist() == [True, False] * 3
    assert got["team"].dropna().tolist() == ["North"] * 3
    for col in ("actual_to_date", "expected", "low", "high"):
        assert got[col].tolist() == pytest.approx(want[col].tolist(), rel=1e-12), col
    # company sales: 1 + (0.9375 + 0.25 + 0.25 + 0.125) + (5/6 + 1/6) = 3.5625
    assert got["expected"].iloc[0] == pytest.approx(3.5625)


def test_actual_to_date_is_attainments_actual():
    from kpilib import load_dataset

    ds = load_dataset("data/sample")
    got = forecast(ds.leads, period="2026-10", as_of="2026-10-15")
    att = ds.attainment(period="2026-10", as_of="2026-10-15")
    att = att[
        att["period"].eq("2026-10") & att["metric"].isin(["sales", "new_customers", "revenue"])
    ]
    att = att[att["scope"] != "rep"]
    key = ["metric", "team"]
    both = got.merge(att[[*key, "actual"]], on=key, how="inner")
    assert len(both) == len(att) == 12  # 3 metrics x (company + North, South, West)
    assert both["actual_to_date"].tolist() == both["actual"].tolist()


def test_closed_and_future_periods_have_no_forecast():
    for as_of in ("2026-10-31", "2026-09-30"):  # October closed; October not started
        got = forecast(story(), period="2026-10", as_of=as_of)
        assert list(got.columns) == FORECAST_COLUMNS
        assert len(got) == 0


def test_no_past_period_gives_no_expected():
    # the data starts in October: nothing to learn from, the actual only
    leads = story().iloc[6:]
    got = forecast(leads, **OPTIONS)
    assert got["actual_to_date"].tolist()[:2] == [1.0, 1.0]  # sales: company, North
    assert got[["expected", "low", "high"]].isna().all().all()


def test_metrics_the_data_cannot_measure_have_no_rows():
    leads = story().drop(columns=["customer_id", "amount"])
    got = forecast(leads, **OPTIONS)
    assert got["metric"].unique().tolist() == ["sales"]


@pytest.mark.parametrize("engine", ["polars", "polars-lazy", "duckdb"])
def test_same_forecast_on_every_engine(engine):
    from kpi_fixtures import to_pandas

    want = forecast(story(), **OPTIONS)
    got = to_pandas(forecast(to_engine(story(), engine), **OPTIONS))
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_forecast_errors():
    with pytest.raises(ParameterError) as err:
        forecast(story(), period="2026-10", level=1.0)
    assert str(err.value) == "level = 1.0 is not a coverage: give a number between 0 and 1."
    with pytest.raises(ParameterError) as err:
        forecast(story(), period="2026-10", history=0)
    assert str(err.value) == (
        "history, pace_periods and max_age_days must be at least 1 (got 0, 3, 365)."
    )
    with pytest.raises(DataError) as err:
        forecast(story()[["lead_id", "lead_at"]], period="2026-10")
    assert str(err.value) == (
        "leads: missing column 'sale_at' (it has: lead_id, lead_at). kpilib.forecast expects "
        "the leads table (lead_at, sale_at); pass kpilib.load_dataset(folder).leads, or rename "
        "the matching columns as docs/data-model.md shows."
    )


def test_dataset_method_uses_settings():
    ds = Dataset(leads=story())
    got = ds.forecast(period="2026-10", as_of="2026-10-15")
    want = forecast(story(), period="2026-10", as_of="2026-10-15")
    pd.testing.assert_frame_equal(got, want)


def test_period_actuals_at_the_close():
    got = period_actuals(story(), period="2026-08", as_of="2026-08-31")
    # August: A (100, C1) and C (300, C2): 2 sales, 2 new customers, 400, all North
    assert got.to_dict("list") == {
        "metric": ["new_customers", "new_customers", "revenue", "revenue", "sales", "sales"],
        "team": [None, "North"] * 3,
        "actual": [2.0, 2.0, 400.0, 400.0, 2.0, 2.0],
    }


def test_backtest_coverage_on_a_hand_made_case():
    bt = pd.DataFrame(
        {
            "metric": ["sales"] * 4 + ["revenue"] * 2,
            "team": [None, None, "North", "North", None, None],
            "close": [100.0, 80.0, 10.0, 0.0, 1000.0, 900.0],
            "expected": [103.0, 90.0, 12.0, 1.0, 1040.0, 900.0],
            "low": [95.0, 82.0, 8.0, 0.0, 980.0, 850.0],
            "high": [110.0, 95.0, 14.0, 2.0, 1100.0, 950.0],
            "run_rate": [90.0, 80.0, 10.0, 0.0, 1100.0, 850.0],
        }
    )
    got = backtest_summary(bt)
    assert got[["metric", "level", "cases"]].values.tolist() == [
        ["sales", "company", 2],
        ["sales", "teams", 2],
        ["revenue", "company", 2],
    ]
    # company sales: 100 in [95, 110], 80 not in [82, 95]: 1 of 2
    # errors: |103 - 100| / 100 = 0.03 and |90 - 80| / 80 = 0.125: mean 0.0775, one within 5%
    # run rate: 0.10 and 0: mean 0.05, one within 5%
    sales = got.iloc[0]
    assert sales["coverage"] == 0.5
    assert sales["mape"] == pytest.approx(0.0775)
    assert sales["mape_run_rate"] == pytest.approx(0.05)
    assert (sales["within_5"], sales["within_5_run_rate"]) == (0.5, 0.5)
    # North: 10 in [8, 14] and 0 in [0, 2]: coverage 1; a close of 0 has no error,
    # so the errors are 12 vs 10 alone: 0.2, the run rate's 0
    north = got.iloc[1]
    assert north["coverage"] == 1.0
    assert north["mape"] == pytest.approx(0.2)
    assert north["mape_run_rate"] == 0.0
    # revenue: 1000 in [980, 1100], 900 in [850, 950]: 2 of 2; errors 0.04 and 0; run rate
    # 0.1 and 50 / 900
    revenue = got.iloc[2]
    assert revenue["coverage"] == 1.0
    assert revenue["mape"] == pytest.approx(0.02)
    assert revenue["mape_run_rate"] == pytest.approx((0.1 + 50 / 900) / 2)
    assert revenue["within_5"] == 1.0


def test_backtest_forecasts_from_the_day_with_what_was_known():
    bt = backtest_forecast(story(), periods=["2026-10"], history=2, pace_periods=1)
    assert bt["as_of"].unique().tolist() == ["2026-10-15"]
    sales = bt[(bt["metric"] == "sales") & bt["team"].isna()].iloc[0]
    # the close of October: G alone; the run rate from the 15th: 1 x 22 / 11 business days
    assert (sales["close"], sales["actual_to_date"], sales["run_rate"]) == (1.0, 1.0, 2.0)
    # the same forecast as made on the 15th
    want = forecast(story(), period="2026-10", as_of="2026-10-15", history=2, pace_periods=1)
    assert sales["expected"] == want["expected"].iloc[0]
    # months the data does not start before are left out; default: the last 12 closed
    default = backtest_forecast(story(), history=2, pace_periods=1)
    assert default["period"].unique().tolist() == ["2026-09"]


@pytest.fixture
def pipeline_reads(monkeypatch):
    """The days of the past snapshots the forecasts read (forecast_history.pipeline's t)."""
    from kpilib.kpis import forecast_history

    reads = []
    pipeline = forecast_history.pipeline

    def counted(lf, stages, t, end, max_age):
        reads.append(t)
        return pipeline(lf, stages, t, end, max_age)

    monkeypatch.setattr(forecast_history, "pipeline", counted)
    return reads


# without an owner (or a team), the forecast adds the column: a new frame at each call,
# which must not keep the months from sharing their past periods
@pytest.mark.parametrize("dropped", [[], ["owner"], ["team", "owner"]])
def test_a_backtest_reads_each_past_period_once_and_forecasts_as_alone(pipeline_reads, dropped):
    from kpilib.data.load import load_dataset

    leads = load_dataset(SAMPLE).leads.drop(columns=dropped)
    reads = pipeline_reads
    bt = backtest_forecast(leads, as_of="2026-10-31", last=3)
    shared = list(reads)
    alone = []
    for m in ["2026-08", "2026-09", "2026-10"]:
        got = forecast(leads, period=m, as_of=f"{m}-15")
        alone.append(got[got["team"].isna()])
    cols = ["period", "metric", "expected", "low", "high"]
    want = pd.concat(alone, ignore_index=True)[cols]
    company = bt[bt["team"].isna()][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(company, want, rtol=1e-12)
    # alone, each month learns from the 2 x 6 months before its 15th: 36 snapshots, of
    # 14 distinct ones (August 2025 to September 2026); shared, each of them is read once
    assert (len(reads) - len(shared), len(shared), sorted(set(shared)) == sorted(shared)) == (
        36,
        14,
        True,
    )


def test_the_forecast_and_its_backtest_read_each_past_period_once_together(pipeline_reads):
    from kpilib.data.load import load_dataset
    from kpilib.sections.forecast import build_forecast

    ds = load_dataset(SAMPLE)
    reads = pipeline_reads
    section = build_forecast(ds, period="2026-10", as_of=pd.Timestamp("2026-10-15"))
    # the backtest's 12 months (October 2025 to September 2026, each from its 15th) and
    # the forecast of October 2026 learn from the 2 x 6 months before each: November 2024
    # (the data's first month) to September 2026 seen from their 15th, 23 snapshots, each
    # read once (the forecast alone reads 12: all of them among the backtest's)
    assert (len(reads), len(set(reads))) == (23, 23)
    want = forecast(ds.leads, period="2026-10", as_of="2026-10-15")
    pd.testing.assert_frame_equal(
        section.table.reset_index(drop=True), want[section.table.columns], rtol=1e-12
    )
