import math

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings
from kpi_fixtures import leads, sold_after, to_engine

from kpilib.engine.dates import DAYS_PER_SECOND
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.closing import qualified_to_customer, win_rate
from kpilib.kpis.funnel import FUNNEL_COLUMNS, TREND_COLUMNS, funnel, funnel_trend
from kpilib.kpis.window import conversion_window

NAN = math.nan


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Textbook Wilson score interval, to check the frame-based one."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def test_funnel_october_cohort():
    # October leads L3-L8 = 6, followed to as_of 10-21.
    # visit reached: L3, L5, L7, L8 and L4 (skipped the visit but has an offer) = 5
    # offer: L3, L4, L5, L7 = 4; sale: L3, L4, L7 = 3 (L7 is a repeat sale: still a sale)
    # lost: 6-5, 5-4, 4-3, 0 -> 1, 1, 1, 0; each 1/3 of the leakage
    # days lead->visit: L3 1, L5 3, L7 3, L8 1 -> median 2
    # visit->offer: L3 4, L5 1, L7 2 (L4 has no visit) -> 2
    # offer->sale: L3 2, L4 7.6875 (10-07 -> 10-14 16:30), L7 1 -> 2
    steps = [(6, 6), (5, 6), (4, 5), (3, 4)]
    ci = [wilson(k, n) for k, n in steps]
    expected = pd.DataFrame(
        {
            "stage": pd.Series(["lead", "visit", "offer", "sale"], dtype="str"),
            "reached": [6, 5, 4, 3],
            "step_conversion": [1.0, 5 / 6, 4 / 5, 3 / 4],
            "overall_conversion": [1.0, 5 / 6, 4 / 6, 3 / 6],
            "lost": [1, 1, 1, 0],
            "lost_share": [1 / 3, 1 / 3, 1 / 3, 0.0],
            "ci_low": [lo for lo, _ in ci],
            "ci_high": [hi for _, hi in ci],
            "median_days_from_previous": [NAN, 2.0, 2.0, 2.0],
            "immature": [False] * 4,
        }
    )
    pd.testing.assert_frame_equal(funnel(leads(), period="2026-10"), expected)
    # Wilson 5 of 6 at 95 %: [0.4365, 0.9699]
    assert ci[1] == pytest.approx((0.4365, 0.9699), abs=1e-4)


def test_funnel_window_and_immature():
    # window 5 days: L3 sale day 7, L4 sale day 12.7, L7 sale day 6 fall outside;
    # offers on day 5 (L3, L4, L7) are inside -> 6, 5, 4, 0
    # L8 (10-20) is younger than 5 days at as_of 10-21 -> immature
    out = funnel(leads(), period="2026-10", window_days=5)
    assert out["reached"].tolist() == [6, 5, 4, 0]
    assert out["lost"].tolist() == [1, 1, 4, 0]
    assert out["immature"].tolist() == [True] * 4
    # as_of 10-15: L8 not yet a lead; L7 (10-07) had its 5 days -> mature
    early = funnel(leads(), period="2026-10", window_days=5, as_of="2026-10-15")
    assert early["reached"].tolist() == [5, 4, 4, 0]
    assert early["immature"].tolist() == [False] * 4


def test_funnel_by_source_and_as_of():
    out = funnel(leads(), period="2026-10", by="source", as_of="2026-10-12")
    # by 10-12: ads L3 (sale 10-08), L4 (offer 10-07; sale 10-14 not yet), L7 (offer 10-12)
    # events: L5 (offer 10-09); L8 is after as_of; referral: L6
    assert list(out.columns) == ["source", *FUNNEL_COLUMNS]
    assert out["source"].tolist() == ["ads"] * 4 + ["events"] * 4 + ["referral"] * 4
    assert out["reached"].tolist() == [3, 3, 3, 1, 1, 1, 1, 0, 1, 0, 0, 0]
    # referral: no visit -> step 0 / 1 = 0, then 0 / 0 -> NaN, never inf
    referral = out[out["source"] == "referral"]
    assert referral["step_conversion"].tolist()[:2] == [1.0, 0.0]
    assert referral["step_conversion"].isna().tolist() == [False, False, True, True]


def test_missing_by_value_is_unknown():
    # L6 (referral) without a source: grouped under "unknown", never with the empty key
    frame = leads()
    frame.loc[5, "source"] = None
    out = funnel(frame, period="2026-10", by="source")
    assert out["source"].unique().tolist() == ["ads", "events", "unknown"]
    assert out[out["source"] == "unknown"]["reached"].tolist() == [1, 0, 0, 0]


def test_crm_export_with_lead_and_sale_only():
    # visit_at and offer_at absent: the funnel is lead -> sale (6 -> 3)
    frame = leads().drop(columns=["visit_at", "offer_at"])
    out = funnel(frame, period="2026-10")
    assert out["stage"].tolist() == ["lead", "sale"]
    assert out["reached"].tolist() == [6, 3]
    assert out["lost"].tolist() == [3, 0]
    # days lead->sale: L3 7, L4 12.6875, L7 6 -> 7
    assert out["median_days_from_previous"].tolist()[1] == 7.0


def test_empty_period():
    out = funnel(leads(), period="2025-01")
    assert list(out.columns) == FUNNEL_COLUMNS
    assert out["reached"].tolist() == [0, 0, 0, 0]
    assert out["step_conversion"].isna().all() and out["lost_share"].isna().all()
    by = funnel(leads(), period="2025-01", by="team")
    assert len(by) == 0 and list(by.columns) == ["team", *FUNNEL_COLUMNS]


def test_funnel_trend():
    # Sep: L1, L2 -> 1 sale of 2; Oct: 3 of 6. Window 30 days: L1, L2 (Sep) are 30+ days
    # old at 10-21 only if they entered on or before 09-21 -> mature; Oct is immature
    out = funnel_trend(leads(), periods=2, window_days=30)
    lo_s, hi_s = wilson(1, 2)
    lo_o, hi_o = wilson(3, 6)
    expected = pd.DataFrame(
        {
            "cohort": pd.Series(["2026-09", "2026-10"], dtype="str"),
            "leads": [2, 6],
            "converted": [1, 3],
            "overall_conversion": [0.5, 0.5],
            "ci_low": [lo_s, lo_o],
            "ci_high": [hi_s, hi_o],
            "immature": [False, True],
        }
    )
    pd.testing.assert_frame_equal(out, expected)
    assert funnel_trend(leads(), periods=1)["cohort"].tolist() == ["2026-10"]
    # periods reaching back before year 1 keep every lead too (Sep and Oct)
    assert funnel_trend(leads(), periods=30_000)["cohort"].tolist() == ["2026-09", "2026-10"]
    assert list(funnel_trend(leads(), by="team").columns) == [
        "cohort",
        "team",
        *TREND_COLUMNS[1:],
    ]


def test_win_rate():
    # Oct cohort closed by 10-21: sales L3, L4, L7; lost L5 -> 3 / 4
    out = win_rate(leads(), period="2026-10")
    lo, hi = wilson(3, 4)
    expected = pd.DataFrame(
        {
            "closed": [4],
            "sales": [3],
            "lost": [1],
            "win_rate": [0.75],
            "ci_low": [lo],
            "ci_high": [hi],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_qualified_to_customer():
    # qualified: L3, L4, L5, L7; new customers among them: L3 (C2), L4 (C3); L7 is a
    # repeat sale of C1 -> 2 / 4
    frame = leads().assign(qualified_at=leads()["visit_at"].fillna(leads()["offer_at"]))
    out = qualified_to_customer(frame, period="2026-10", as_of="2026-10-15")
    assert out[["qualified", "new_customers"]].values.tolist() == [[4, 2]]
    assert out["qualified_to_customer"].tolist() == [0.5]


def test_errors():
    with pytest.raises(ParameterError) as err:
        funnel(leads(), by="channel")
    assert str(err.value) == (
        "by = 'channel' is invalid; expected None, 'source', 'team' or 'owner'."
    )
    with pytest.raises(ParameterError) as err:
        funnel(leads(), window_days=0)
    assert str(err.value) == (
        "window_days = 0 is invalid; expected a whole number of days above 0 or None."
    )
    with pytest.raises(ParameterError) as err:
        funnel(leads(), stages=["visit", "sale"])
    assert str(err.value) == (
        "stages = ('visit', 'sale') is invalid; the first stage must be 'lead'."
    )
    with pytest.raises(DataError) as err:
        qualified_to_customer(leads())
    assert str(err.value) == (
        "leads: missing column 'qualified_at' (it has: lead_id, lead_at, source, team, "
        "owner, visit_at, offer_at, sale_at, lost_at, customer_id, amount). "
        "kpilib.qualified_to_customer expects the leads table (lead_at, qualified_at, sale_at, "
        "customer_id); pass kpilib.load_dataset(folder).leads, or rename the matching columns "
        "as docs/data-model.md shows."
    )
    with pytest.raises(DataError) as err:
        win_rate(leads().drop(columns=["lost_at"]))
    assert str(err.value) == (
        "leads: missing column 'lost_at' (it has: lead_id, lead_at, source, team, owner, "
        "visit_at, offer_at, sale_at, customer_id, amount). kpilib.win_rate expects the leads "
        "table (lead_at, sale_at, lost_at); pass kpilib.load_dataset(folder).leads, or rename "
        "the matching columns as docs/data-model.md shows."
    )
    with pytest.raises(ParameterError) as err:
        funnel(leads(), period="2026/10")
    assert str(err.value) == (
        "period '2026/10' is not understood. Write a month as 2026-10, a fiscal quarter as "
        "2026-Q4 or a fiscal year as FY2026."
    )


@pytest.mark.parametrize("engine", ["pandas", "polars", "polars-lazy", "duckdb"])
def test_conversion_window_is_a_quantile_of_the_days_to_a_sale(engine):
    frame = to_engine(leads(), engine)
    # days from lead to sale by 2026-10-21: L7 6, L3 7, L4 12.6875 (10-14 16:30), L1 17;
    # 90%: position 0.9 × 3 = 2.7, 12.6875 + 0.7 × (17 − 12.6875) = 15.70625, rounded up: 16
    assert conversion_window(frame) == 16
    # median: position 1.5, 7 + 0.5 × 5.6875 = 9.84375 → 10
    assert conversion_window(frame, quantile=0.5) == 10
    # as of 10-13, L4's sale is not seen yet: 6, 7, 17 → 7 + 0.8 × 10 = 15 exactly
    assert conversion_window(frame, as_of="2026-10-13") == 15
    # the last stage present is the sale; quantile 1 is the slowest sale
    assert conversion_window(frame, quantile=1) == 17


def test_conversion_window_without_sales_is_none():
    frame = leads()
    assert conversion_window(frame, as_of="2026-09-19") is None  # L1 sells on 09-20
    assert conversion_window(frame[["lead_id", "lead_at"]]) is None  # no stage after lead
    # a sale on its lead's day is a one-day window, not zero
    same_day = frame.assign(sale_at=frame["lead_at"].where(frame["lead_id"] == "L6"))
    assert conversion_window(same_day) == 1


@pytest.mark.parametrize("quantile", [0, 1.5, True, "0.9"])
def test_conversion_window_refuses_a_bad_quantile(quantile):
    with pytest.raises(ParameterError) as err:
        conversion_window(leads(), quantile=quantile)
    assert str(err.value) == (
        f"quantile = {quantile!r} is invalid; expected a share above 0 and at most 1 "
        "(0.9 for 90% of sales)."
    )


def test_inputs_not_mutated():
    frame = leads()
    funnel(frame, period="2026-10", by="owner", window_days=5)
    pd.testing.assert_frame_equal(frame, leads())


offsets = st.one_of(st.none(), st.integers(min_value=0, max_value=40))


@settings(max_examples=15, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(min_value=1, max_value=28), offsets, offsets, offsets),
        min_size=1,
        max_size=25,
    ),
    window=st.one_of(st.none(), st.integers(min_value=1, max_value=30)),
)
def test_funnel_properties(rows, window):
    def at(day, offset):
        return None if offset is None else pd.Timestamp(2026, 10, day) + pd.Timedelta(days=offset)

    frame = pd.DataFrame(
        {
            "lead_at": [pd.Timestamp(2026, 10, d) for d, *_ in rows],
            "source": pd.Series(["a" if i % 2 else "b" for i in range(len(rows))], dtype="str"),
            "visit_at": [at(d, v) for d, v, _, _ in rows],
            "offer_at": [at(d, o) for d, _, o, _ in rows],
            "sale_at": [at(d, s) for d, _, _, s in rows],
        }
    ).astype({c: "datetime64[us]" for c in ["lead_at", "visit_at", "offer_at", "sale_at"]})
    out = funnel(frame, by="source", window_days=window, as_of="2026-12-31")
    for _, block in out.groupby("source"):
        reached = block["reached"].tolist()
        # reach never grows down the funnel; leakage adds up to leads minus the last stage
        assert reached == sorted(reached, reverse=True)
        assert block["lost"].sum() == reached[0] - reached[-1]
    for col in ["step_conversion", "overall_conversion", "lost_share", "ci_low", "ci_high"]:
        values = out[col].dropna()
        assert ((values >= 0) & (values <= 1)).all()
    assert (out["ci_low"].fillna(0) <= out["step_conversion"].fillna(0) + 1e-12).all()


def test_a_median_stage_time_half_way_between_two_leads_is_the_same_on_every_engine():
    from kpi_fixtures import to_pandas

    # two October leads sold 2,950,127 s and 2,950,129 s after they came: the median is
    # 2,950,128 s, 34.145 days, half-way at two decimals, one number on every engine
    seconds = [2_950_127, 2_950_129]
    frame = sold_after("2026-10-01", seconds)
    got = set()
    for engine in ("pandas", "polars", "polars-lazy", "duckdb"):
        table = to_pandas(funnel(to_engine(frame, engine), period="2026-10", as_of="2026-12-31"))
        got.add(table.set_index("stage").loc["sale", "median_days_from_previous"])
    assert got == {2_950_128 * DAYS_PER_SECOND}  # 34.144999999999996 everywhere
