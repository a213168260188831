import duckdb
import numpy as np
import pandas as pd
import pytest
from kpi_fixtures import leads, sold_after, to_engine, to_pandas

from kpilib.data.dataset import Dataset
from kpilib.data.settings import Settings
from kpilib.engine.dates import DAYS_PER_SECOND
from kpilib.errors import ParameterError
from kpilib.kpis.cycle import CYCLE_COLUMNS, sales_cycle, sales_cycles


def test_october_sales_by_hand():
    # fixture sales (kpi_fixtures): L1 09-03 → 09-20 (17 days, September);
    # L3 10-01 → 10-08 (7), L4 10-02 → 10-14 16:30 (12.6875), L7 10-07 → 10-13 (6)
    # October: sorted 6, 7, 12.6875: median 7; p80 at position 0.8 × 2 = 1.6:
    # 7 + 0.6 × 5.6875 = 10.4125
    got = sales_cycle(leads(), period="2026-10", months=2)
    expected = pd.DataFrame(
        {
            "month": pd.Series(["2026-09", "2026-10"], dtype="str"),
            "sales": [1, 3],
            "median_days": [17.0, 7.0],
            "p80_days": [17.0, 10.4125],
            "truncated": [False, False],
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_months_the_data_starts_too_late_for_are_truncated():
    # the first lead is L1 on 09-03: a 30-day window reaches 10-03, after October began,
    # so both months miss older leads' sales; a 28-day window reaches 10-01 00:00: only
    # September is truncated
    assert sales_cycle(leads(), months=2, window_days=30)["truncated"].tolist() == [True, True]
    assert sales_cycle(leads(), months=2, window_days=28)["truncated"].tolist() == [True, False]


def test_by_team_and_as_of():
    # as_of 10-13: L4's sale (10-14) is not seen yet; North: L3 7 days, L7 6 days
    # (median 6.5, p80 6 + 0.8 × 1 = 6.8); South never sold
    got = sales_cycle(leads(), by="team", as_of="2026-10-13", months=1)
    assert got.to_dict("list") == {
        "month": ["2026-10"],
        "team": ["North"],
        "sales": [2],
        "median_days": [6.5],
        "p80_days": pytest.approx([6.8]),
        "truncated": [False],
    }


def test_quantiles_agree_across_engines():
    # DuckDB's quantile_cont and numpy's linear interpolation give one answer
    days = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0]  # all sold in September
    frame = pd.DataFrame(
        {
            "lead_at": pd.Series(pd.to_datetime(["2026-09-01"] * 7), dtype="datetime64[us]"),
            "sale_at": pd.Series(
                pd.Timestamp("2026-09-01") + pd.to_timedelta(days, unit="D"),
                dtype="datetime64[us]",
            ),
        }
    )
    # median: the 4th, 5; p80 at position 0.8 × 6 = 4.8: 8 + 0.8 × (13 − 8) = 12
    want = np.quantile(days, [0.5, 0.8], method="linear")
    assert want.tolist() == pytest.approx([5.0, 12.0])
    for engine in ("pandas", "polars", "polars-lazy", "duckdb"):
        got = to_pandas(sales_cycle(to_engine(frame, engine), months=1))
        assert got[["median_days", "p80_days"]].iloc[0].tolist() == pytest.approx(want.tolist())


def test_a_median_half_way_between_two_cycles_is_the_same_on_every_engine():
    # two September sales, 2,950,127 s and 2,950,129 s after their leads: the median is
    # 2,950,128 s, 34.145 days, half-way at two decimals; a median of fractional days
    # came out 34.145 on one engine and 34.144999999999996 on another (34.15 / 34.14
    # in the CSV); of whole seconds, times 1/86400 (a division by 86400 is one on some
    # engines' paths and a multiplication by 1/86400 on others), it is one number everywhere
    seconds = [2_950_127, 2_950_129]
    frame = sold_after("2026-08-01", seconds)
    got = {
        engine: to_pandas(sales_cycle(to_engine(frame, engine), months=1))["median_days"].iloc[0]
        for engine in ("pandas", "polars", "polars-lazy", "duckdb")
    }
    assert set(got.values()) == {2_950_128 * DAYS_PER_SECOND}  # 34.144999999999996 everywhere


def test_days_from_seconds_are_the_same_last_bit_on_every_engine():
    # one sale 3,582,116 s after its lead: divided by 86,400 that is 41.45967592592593 on
    # DuckDB and 41.45967592592592 where polars runs eagerly (the pandas input), which
    # multiplies by 1/86400 instead; multiplied by 1/86400 everywhere, it is one number
    frame = sold_after("2026-08-01", [3_582_116])
    got = {
        engine: to_pandas(sales_cycle(to_engine(frame, engine), months=1))["median_days"].iloc[0]
        for engine in ("pandas", "polars", "polars-lazy", "duckdb")
    }
    assert set(got.values()) == {3_582_116 * DAYS_PER_SECOND} == {41.45967592592592}


def test_the_80th_percentile_is_the_same_on_every_engine():
    # seven September sales: the 80th percentile lies 0.8 of the way from the 5th
    # (3,495,186 s) to the 6th (4,102,583 s): 3,981,103.6 s, interpolated
    # 3,981,103.6000000006 on polars; rounded to the second, 3,981,104 s everywhere
    seconds = [3_050_034, 3_344_957, 3_372_111, 3_483_608, 3_495_186, 4_102_583, 4_175_475]
    frame = sold_after("2026-08-01", seconds)
    got = {
        engine: to_pandas(sales_cycle(to_engine(frame, engine), months=1))["p80_days"].iloc[0]
        for engine in ("pandas", "polars", "polars-lazy", "duckdb")
    }
    assert set(got.values()) == {3_981_104 * DAYS_PER_SECOND}


def test_duckdb_result_stays_a_relation():
    assert isinstance(sales_cycle(to_engine(leads(), "duckdb")), duckdb.DuckDBPyRelation)


def test_no_sale_in_the_months_gives_an_empty_table():
    got = sales_cycle(leads(), period="2025-01")
    assert list(got.columns) == CYCLE_COLUMNS and len(got) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"months": 0}, "months = 0 is invalid; expected a whole number above 0."),
        (
            {"window_days": 0},
            "window_days = 0 is invalid; expected a whole number of days above 0 or None.",
        ),
        ({"by": "owner"}, "by = 'owner' is invalid; expected None, 'source' or 'team'."),
        (
            {"period": "2026-Q4"},
            "period '2026-Q4' is not a month; the sales cycle is read per month: give the last "
            "month of the trend as YYYY-MM.",
        ),
    ],
)
def test_invalid_options(options, message):
    with pytest.raises(ParameterError) as err:
        sales_cycle(leads(), **options)
    assert str(err.value) == message


def test_no_sale_column():
    with pytest.raises(ParameterError) as err:
        sales_cycle(leads()[["lead_id", "lead_at", "team"]])
    assert str(err.value) == (
        "leads: no stage after 'lead' is present, so there is no sale to time. The sales cycle "
        "needs the sale's date column (sale_at, or the last stage's <stage>_at)."
    )


def test_the_dataset_method_uses_its_stages():
    # with stages lead, visit the "sale" is the visit; a 10-day window from the first
    # lead (09-03) reaches 09-13: September is truncated
    ds = Dataset(
        leads=leads(), settings=Settings(stages=("lead", "visit"), conversion_window_days=10)
    )
    got = ds.sales_cycle(period="2026-09", months=1)
    assert got.to_dict("list") == {
        "month": ["2026-09"],
        "sales": [2],
        "median_days": [2.0],  # L1 09-03 → 09-05 and L2 09-10 → 09-12: 2 days each
        "p80_days": [2.0],
        "truncated": [True],
    }
    # without a window in kpi.toml, the derived one (16 days, see the funnel's)
    pd.testing.assert_frame_equal(
        Dataset(leads=leads()).sales_cycle(period="2026-10"),
        sales_cycle(leads(), period="2026-10", as_of="2026-10-21", window_days=16),
    )


@pytest.mark.parametrize("engine", ["pandas", "polars-lazy", "duckdb"])
def test_several_tables_from_one_read_of_the_leads(engine):
    # the October sales of the fixture (first test), 6, 7 and 12.6875 days, are all of
    # team North and source ads: each table as alone, every one median 7 of 3 sales
    frame = to_engine(leads(), engine)
    company, teams, sources = sales_cycles(
        frame, period="2026-10", months=1, window_days=28, by=[None, "team", "source"]
    )
    for got, by in ((company, None), (teams, "team"), (sources, "source")):
        alone = sales_cycle(frame, period="2026-10", months=1, window_days=28, by=by)
        pd.testing.assert_frame_equal(to_pandas(got), to_pandas(alone))
    for got, key in ((teams, "team"), (sources, "source")):
        assert to_pandas(got)[[key, "sales", "median_days"]].values.tolist() == [
            ["North" if key == "team" else "ads", 3, 7.0]
        ]


def test_several_tables_with_an_invalid_by():
    with pytest.raises(ParameterError) as err:
        sales_cycles(leads(), by=[None, "owner"])
    assert str(err.value) == "by = 'owner' is invalid; expected None, 'source' or 'team'."
