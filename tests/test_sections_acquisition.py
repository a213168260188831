"""The acquisition-and-value section: facts worked out by hand on small datasets."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.errors import ParameterError
from kpilib.kpis.acquisition import cac
from kpilib.kpis.clv import projected_payback
from kpilib.kpis.value import payback
from kpilib.sections.acquisition import build_acquisition, ltv_cohort

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

# Two channels, costs shared between them, no kpi.toml (default settings).
# September: C1 (ads), C2 (events); October: C3, C4 (ads), C5 (events); L6 never buys.
LEADS = """lead_id,lead_at,source,sale_at,customer_id
L1,2026-09-01,ads,2026-09-05,C1
L2,2026-09-02,events,2026-09-20,C2
L3,2026-09-25,ads,2026-10-03,C3
L4,2026-10-01,ads,2026-10-10,C4
L5,2026-10-02,events,2026-10-25,C5
L6,2026-10-05,ads,,
"""
COSTS = """period,category,channel,amount
2026-09,campaigns,ads,300
2026-09,salaries,,500
2026-10,campaigns,ads,600
2026-10,campaigns,events,150
2026-10,salaries,,900
"""
ORDERS = """order_id,customer_id,order_date,revenue,gross_margin
O1,C1,2026-09-05,1000,200
O2,C2,2026-09-20,500,100
O3,C1,2026-10-05,1500,300
O4,C3,2026-10-03,250,50
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two_channels")
    for name, text in (("leads", LEADS), ("costs", COSTS), ("orders", ORDERS)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return load_dataset(folder)


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


def _values(facts):
    return {k: v.value for k, v in facts.items()}


def test_closed_month_with_shared_costs(small):
    sec = build_acquisition(small, period="2026-10", as_of="2026-10-31")
    assert not sec.month_to_date
    # October: 600 + 150 + 900 = 1,650 for C3, C4, C5: 1,650 / 3 = 550
    assert (sec.cac.value, sec.cost.value, sec.new_customers.value) == (550.0, 1650.0, 3.0)
    assert (sec.cac.basis, sec.cac.unit, sec.cac.period) == ("actual", "money", "2026-10")
    assert sec.cac.source == "cac[period=2026-10, channel=blended]"
    # September: 300 + 500 = 800 for C1, C2: 400; change 550 / 400 - 1 = +37.5%
    assert (sec.previous_cac.value, sec.previous_cac.period) == (400.0, "2026-09")
    assert sec.cac_change.value == pytest.approx(0.375)
    assert sec.cac_change.unit == "change"
    # cost mix: salaries 900 / 1,650 = 54.5%, campaigns 750 / 1,650 = 45.5%
    assert _values(sec.cost_shares) == pytest.approx(
        {"salaries": 900 / 1650, "campaigns": 750 / 1650}
    )
    assert sec.top_category == "salaries"
    # shared 900 by new customers: ads 2/3 = 600, events 1/3 = 300;
    # ads (600 + 600) / 2 = 600, events (150 + 300) / 1 = 450
    assert _values(sec.channel_cac) == {"ads": 600.0, "events": 450.0}
    assert (sec.highest_channel, sec.lowest_channel) == ("ads", "events")


def test_cohort_read_payback_and_ltv_to_cac(small):
    sec = build_acquisition(small, period="2026-10", as_of="2026-10-31")
    # the data starts in September: the oldest cohort, read 1 month after acquisition
    assert (sec.ltv_cohort, sec.ltv_months) == ("2026-09", 1)
    # September cohort: 2 customers, margin 200 + 100 in month 0, + 300 in month 1:
    # 600 / 2 = 300 per customer against a CAC of 400: 0.75, not paid back after 1 month
    assert sec.cohort_cac.value == 400.0
    assert sec.ltv_to_cac.value == pytest.approx(0.75)
    assert (sec.ltv_to_cac.basis, sec.ltv_to_cac.period) == ("observed", "2026-09")
    assert math.isnan(sec.payback.value) and sec.payback_observed.value == 1.0
    assert sec.previous_ltv_to_cac is None and sec.previous_payback is None
    # channels in September: shared 500 split 1/1; ads 300 + 250 = 550 for C1, whose
    # margin is 200 + 300 = 500: 500 / 550 = 0.91; events 250 for C2's 100: 0.4
    assert _values(sec.channel_ltv_to_cac) == pytest.approx({"ads": 500 / 550, "events": 0.4})
    assert (sec.channels_below.value, sec.channels_rated.value) == (2.0, 2.0)
    assert sec.ltv_by_channel["channel"].tolist() == ["ads", "events"]
    assert sec.curve_cohorts == ["2026-09", "2026-10"]


def test_findings_of_a_closed_month(small):
    sec = build_acquisition(small, period="2026-10", as_of="2026-10-31")
    found = {f.key: f for f in sec.findings}
    # the LTV:CAC finding needs a cohort read after 12 months: none here
    assert sorted(found) == ["acq.find.cac_up", "acq.find.channel"]
    up = found["acq.find.cac_up"]
    assert up.family == "acquisition" and up.score == pytest.approx(0.375)
    assert _values(up.facts) == pytest.approx({"change": 0.375, "cac": 550, "n0": 2, "n1": 3})
    channel = found["acq.find.channel"]
    # ads 600 / blended 550 = 1.09 times; score (1.09 - 1) / 4 = 0.0227
    assert channel.facts["times"].value == pytest.approx(600 / 550)
    assert channel.score == pytest.approx((600 / 550 - 1) / 4)
    assert channel.names == {"Channel": "channel:ads", "month": "month:2026-10"}


def test_open_month_is_month_to_date_and_never_compared(small):
    sec = build_acquisition(small, period="2026-10", as_of="2026-10-15")
    assert sec.month_to_date
    # the month's 1,650 of booked costs over the 2 customers won by the 15th (C3, C4)
    assert (sec.cac.value, sec.cost.value, sec.new_customers.value) == (825.0, 1650.0, 2.0)
    assert sec.cac.basis == sec.cost.basis == sec.new_customers.basis == "month_to_date"
    assert sec.previous_cac.value == 400.0 and sec.previous_cac.basis == "actual"
    assert sec.cac_change is None
    # no change finding; one channel with customers so far: no costliest channel either
    assert sec.findings == []
    assert _values(sec.channel_cac) == {"ads": 750.0}  # 600 + all 900 shared, for 2


def test_orders_too_few_for_the_models(small):
    proj = build_acquisition(small, period="2026-10", as_of="2026-10-31").projection
    # 3 customers ordered, only C1 on two days: BG/NBD cannot be fitted
    assert proj.reason == "fit"
    assert (proj.buyers.value, proj.repeat_buyers.value) == (3.0, 1.0)
    assert proj.notes[0].startswith("BetaGeo.fit did not converge")
    assert proj.result is None and not proj.value.known


def test_a_bare_crm_export_has_no_cost_nor_value():
    leads = pd.DataFrame(
        {
            "lead_id": ["L1"],
            "lead_at": pd.to_datetime(["2026-10-01"]),
            "source": ["web"],
            "sale_at": pd.to_datetime(["2026-10-05"]),
            "customer_id": ["C1"],
        }
    )
    sec = build_acquisition(Dataset(leads=leads), period="2026-10")
    assert sec.missing == ["costs", "orders"]
    assert not sec.cac.known and sec.previous_cac is None and sec.cac_change is None
    assert sec.ltv_cohort is None and not sec.ltv_to_cac.known and not sec.payback.known
    assert sec.projection.reason == "no_orders"
    assert sec.findings == []


def test_ltv_cohort_choice():
    assert ltv_cohort(["2024-10", "2025-10", "2026-10"], "2026-10") == ("2025-10", 12)
    assert ltv_cohort(["2026-05", "2026-10"], "2026-10") == ("2026-05", 5)
    # a period before any cohort: nothing to read
    assert ltv_cohort(["2026-10"], "2026-09") == (None, 0)
    # seen later, the oldest cohort is read at its age then, at most 12 months
    assert ltv_cohort(["2026-05", "2026-10"], "2026-10", as_of="2026-12") == ("2026-05", 7)
    assert ltv_cohort(["2025-01"], "2025-06", as_of="2026-10") == ("2025-01", 12)


def test_sample_facts_equal_the_kpi_tables(sample):
    sec = build_acquisition(sample, period="2026-10")
    table = cac(sample.leads, sample.costs)
    blended = table[table["channel"].isna()].set_index("period")
    assert sec.cac.value == blended.loc["2026-10", "cac"]
    assert sec.previous_cac.value == blended.loc["2026-09", "cac"]
    assert sec.cac_change.value == blended.loc["2026-10", "cac"] / blended.loc["2026-09", "cac"] - 1
    paid = payback(sample.leads, sample.orders, sample.costs).set_index("cohort")
    # as of the month's end, the 2025-10 cohort is 12 months old: the read is payback's own
    assert (sec.ltv_cohort, sec.ltv_months) == ("2025-10", 12)
    assert sec.ltv_to_cac.value == pytest.approx(paid.loc["2025-10", "ltv_to_cac"])
    assert sec.payback.value == paid.loc["2025-10", "payback_months"]
    assert sec.previous_payback.value == paid.loc["2025-09", "payback_months"]
    by = payback(sample.leads, sample.orders, sample.costs, by="channel")
    by = by[by["cohort"] == "2025-10"].set_index("channel")["ltv_to_cac"]
    assert _values(sec.channel_ltv_to_cac) == pytest.approx(by.to_dict())
    below = int((by < sample.settings.ltv_to_cac_min).sum())
    assert (sec.channels_below.value, sec.channels_rated.value) == (below, len(by))
    low = next(f for f in sec.findings if f.key == "acq.find.ltv_low")
    assert low.names["Channel"] == f"channel:{by.idxmin()}"
    assert low.score == pytest.approx(1 - by.min() / sample.settings.ltv_to_cac_min)


def test_sample_projection_equals_projected_payback(sample):
    proj = build_acquisition(sample, period="2026-10").projection
    s = sample.settings
    result = projected_payback(
        sample.leads,
        sample.orders,
        sample.costs,
        as_of="2026-10-31",
        horizon_months=s.horizon_months,
        discount_rate=s.discount_rate,
    ).set_index("cohort")
    assert proj.reason is None and (proj.cohort, proj.young) == ("2025-10", "2026-07")
    assert proj.value.value == pytest.approx(result.loc["2025-10", "projected_clv"])
    assert proj.value.basis == "modelled" and proj.observed_value.basis == "observed"
    assert proj.observed_value.value == pytest.approx(result.loc["2025-10", "clv"])
    assert proj.ltv_to_cac.value == pytest.approx(result.loc["2025-10", "projected_ltv_to_cac"])
    # discounting lowers the value: the undiscounted figure is a separate fact
    assert proj.value_undiscounted.value > proj.value.value
    assert proj.discount_rate.value == s.discount_rate and proj.horizon.value == 36


def test_first_month_of_the_data_reads_the_oldest_cohort(sample):
    # the data starts in November 2024: no cohort 12 months before it exists, so the
    # read falls on November 2024 itself, and the projection is made (not "no history");
    # seen from 31 October 2026 the cohort is 23 months old: read after 12
    sec = build_acquisition(sample, period="2024-11")
    assert (sec.ltv_cohort, sec.ltv_months) == ("2024-11", 12)
    assert sec.projection.reason is None and sec.projection.cohort == "2024-11"
    assert sec.projection.value.known
    # seen at the end of that first month, the cohort is 0 months old: no finding on it
    sec = build_acquisition(sample, period="2024-11", as_of="2024-11-30")
    assert (sec.ltv_cohort, sec.ltv_months) == ("2024-11", 0)
    assert not any(f.key == "acq.find.ltv_low" for f in sec.findings)


def test_a_period_that_is_not_a_month_is_refused(small):
    with pytest.raises(ParameterError) as info:
        build_acquisition(small, period="2026-Q4")
    assert str(info.value) == (
        "period '2026-Q4' is not a month. The acquisition section reads monthly CAC and "
        "monthly cohorts: write the period as YYYY-MM, e.g. 2026-10."
    )


@pytest.fixture(scope="module")
def lagged(tmp_path_factory):
    """The two-channel dataset with kpi.toml's [cac]: shared costs by leads, a month's lag."""
    folder = tmp_path_factory.mktemp("lagged")
    for name, text in (("leads", LEADS), ("costs", COSTS), ("orders", ORDERS)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    (folder / "kpi.toml").write_text('[cac]\nallocation = "leads"\nlag = 1\n', encoding="utf-8")
    return load_dataset(folder)


def test_the_section_uses_the_cac_allocation_and_lag_of_kpi_toml(lagged):
    sec = build_acquisition(lagged, period="2026-10", as_of="2026-10-31")
    # lag 1: September's costs (300 ads + 500 shared = 800) buy October's customers
    # C3, C4 (ads) and C5 (events): 800 / 3 = 266.67; October's costs fall in November
    assert (sec.cost.value, sec.new_customers.value) == (800.0, 3.0)
    assert sec.cac.value == pytest.approx(800 / 3)
    # September has no costs of August to set against it: no previous CAC, no change
    assert sec.previous_cac is None and sec.cac_change is None
    # shared 500 by October's leads: ads L4, L6 (2 of 3) 333.33, events L5 166.67;
    # ads (300 + 333.33) / 2 = 316.67, events 166.67 / 1
    assert _values(sec.channel_cac) == pytest.approx({"ads": 950 / 3, "events": 500 / 3})
    # payback's CAC is the same: the October cohort's blended 266.67, ads 316.67
    assert sec.payback_frame.set_index("cohort").loc["2026-10", "cac"] == pytest.approx(800 / 3)
    by = sec.payback_by_channel.set_index(["cohort", "channel"])["cac"]
    assert by.loc[("2026-10", "ads")] == pytest.approx(950 / 3)
    # the September cohort has no lagged CAC: its LTV:CAC and payback are unknown
    assert sec.ltv_cohort == "2026-09" and math.isnan(sec.cohort_cac.value)
    assert not sec.ltv_to_cac.known


def test_the_dataset_cac_takes_kpi_toml_unless_told_otherwise(lagged):
    pd.testing.assert_frame_equal(
        lagged.cac(), cac(lagged.leads, lagged.costs, allocation="leads", lag=1)
    )
    pd.testing.assert_frame_equal(
        lagged.cac(allocation="new_customers", lag=0), cac(lagged.leads, lagged.costs)
    )
    pd.testing.assert_frame_equal(
        lagged.payback(by="channel"),
        payback(lagged.leads, lagged.orders, lagged.costs, by="channel", allocation="leads", lag=1),
    )


def test_payback_refuses_a_bad_allocation_or_lag(small):
    with pytest.raises(ParameterError) as info:
        payback(small.leads, small.orders, small.costs, allocation="revenue")
    assert str(info.value) == (
        "allocation = 'revenue' is invalid; expected 'new_customers', 'leads' or 'none'."
    )
    with pytest.raises(ParameterError) as info:
        payback(small.leads, small.orders, small.costs, lag=-1)
    assert str(info.value) == "lag = -1 is invalid; expected a whole number of periods, 0 or more."


def test_the_projection_reads_the_lagged_cac(sample):
    # the small datasets are too small for BG/NBD: on the sample, the projected payback
    # carries payback's lagged CAC; the 2025-10 cohort's is September's costs over
    # October's new customers
    day = "2026-10-31"
    result = projected_payback(sample.leads, sample.orders, sample.costs, as_of=day, lag=1)
    lagged = payback(sample.leads, sample.orders, sample.costs, as_of=day, lag=1)
    pd.testing.assert_series_equal(result["cac"], lagged["cac"])
    costs = sample.costs.groupby("period")["amount"].sum()
    blended = cac(sample.leads, sample.costs, as_of=day).set_index("period")
    october = blended[blended["channel"].isna()].loc["2025-10", "new_customers"]
    cohort = result.set_index("cohort").loc["2025-10", "cac"]
    assert cohort == pytest.approx(costs.loc["2025-09"] / october)
