"""The funnel section: hand-worked facts on small literal datasets.

The main dataset (``_three_cohorts``), as of 2026-10-31, visits 5 days and sales
10 days after the lead:

cohort     source  leads  visits  sales  amount of a sale
2026-08    web     50     30      20     1,000
2026-08    ads     50     30      10     500
2026-09    web     50     25      9      1,000
2026-09    ads     50     15      1      500
2026-10    web     50     10      1      1,000   (leads 10-01 to 10-20)
"""

from __future__ import annotations

from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings
from kpi_fixtures import cohort_leads, cohort_rows

from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.data.settings import Settings
from kpilib.sections.funnel import build_funnel
from kpilib.sections.model import Fact

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
DAY = pd.Timestamp("2026-10-31")


def _three_cohorts() -> pd.DataFrame:
    return cohort_leads(
        cohort_rows("2026-08", "web", 50, 30, 20, 1000.0),
        cohort_rows("2026-08", "ads", 50, 30, 10, 500.0),
        cohort_rows("2026-09", "web", 50, 25, 9, 1000.0),
        cohort_rows("2026-09", "ads", 50, 15, 1, 500.0),
        cohort_rows("2026-10", "web", 50, 10, 1, 1000.0),
    )


@pytest.fixture(scope="module")
def section():
    ds = Dataset(leads=_three_cohorts(), settings=Settings(conversion_window_days=30))
    return build_funnel(ds, period="2026-10", as_of=DAY)


def test_the_window_and_the_period_cohort(section):
    # kpi.toml's 30 days: October's leads from 10-02 on are younger than that on 10-31
    assert section.window == Fact(
        30.0, "days", "actual", None, "kpi.toml[funnel.conversion_window_days]"
    )
    assert not section.window_derived and section.window_share is None
    assert section.current_immature
    # October: 50 leads, 1 sale: 2%
    assert (section.leads.value, section.sales.value) == (50.0, 1.0)
    assert section.current_conversion.value == pytest.approx(0.02)
    assert section.current_conversion.period == "2026-10"


def test_the_shown_cohort_is_the_latest_mature_one(section):
    assert section.cohort == "2026-09"
    assert not section.conversion_immature
    # September: 10 sales of 100 leads; August 30 of 100
    assert section.conversion == Fact(
        0.1, "rate", "observed", "2026-09", "funnel_trend[cohort=2026-09]"
    )
    assert section.previous_conversion == Fact(
        0.3, "rate", "observed", "2026-08", "funnel_trend[cohort=2026-08]"
    )
    # pooled 0.2: se = √(0.2 × 0.8 × (1/100 + 1/100)) = 0.0566, z = 0.2 / 0.0566 = 3.5 > 1.96
    assert section.conversion_significant is True
    assert (section.mature_leads.value, section.mature_sales.value) == (100.0, 10.0)
    assert section.mature["reached"].tolist() == [100, 40, 10]


def test_the_biggest_leak(section):
    # September: lead → visit loses 60, visit → sale 30: 60 of 90 lost leads
    leak = section.leak
    assert (leak.stage, leak.next_stage) == ("lead", "visit")
    assert leak.lost.value == 60.0
    assert leak.share.value == pytest.approx(60 / 90)


def test_best_and_worst_source(section):
    assert (section.best.source, section.worst.source) == ("web", "ads")
    # web 9 of 50 = 18%, ads 1 of 50 = 2%; pooled 0.1: se = √(0.1 × 0.9 × 0.04) = 0.06,
    # z = 0.16 / 0.06 = 2.7 > 1.96
    assert section.best.conversion.value == pytest.approx(0.18)
    assert section.worst.conversion.value == pytest.approx(0.02)
    assert (section.worst.leads.value, section.worst.converted.value) == (50.0, 1.0)
    # Wilson at 95% for 1 of 50: centre (0.02 + z²/100) / (1 + z²/50) = 0.0542, half-width
    # z √(0.02 × 0.98 / 50 + z²/10,000) / (1 + z²/50) = 0.0507
    assert section.worst.ci_low.value == pytest.approx(0.00354, abs=1e-5)
    assert section.worst.ci_high.value == pytest.approx(0.10495, abs=1e-5)
    assert section.sources_differ is True


def test_lost_value_per_source_and_stage(section):
    # web: average deal 1,000; lead 25 lost × 9/50 × 1,000 = 4,500; visit 16 × 9/25 × 1,000 = 5,760
    # ads: average deal 500; lead 35 × 1/50 × 500 = 350; visit 14 × 1/15 × 500 = 466.67
    lost = section.lost.set_index(["source", "stage"])["lost_value"]
    assert lost[("web", "lead")] == pytest.approx(4500)
    assert lost[("web", "visit")] == pytest.approx(5760)
    assert lost[("ads", "visit")] == pytest.approx(14 / 15 * 500)
    assert section.lost_source == "web"
    assert section.lost_source_value.value == pytest.approx(10260)
    # by stage: lead 4,850, visit 6,226.67
    assert section.lost_stage == "visit"
    assert section.lost_stage_value.value == pytest.approx(5760 + 14 / 15 * 500)
    assert section.lost_stage_value.basis == "modelled"


def test_trend_verdict_over_mature_cohorts(section):
    assert section.trend["cohort"].tolist() == ["2026-08", "2026-09", "2026-10"]
    assert section.immature_cohorts == ["2026-10"]
    v = section.verdict
    # August 30% against September 10%: beyond chance (z = 3.5), down
    assert (v.direction, v.significant, v.cohorts.value) == ("down", True, 2.0)
    assert (v.first.period, v.first.value) == ("2026-08", pytest.approx(0.3))
    assert (v.last.period, v.last.value) == ("2026-09", pytest.approx(0.1))


def test_findings(section):
    found = {f.key: f for f in section.findings}
    assert list(found) == ["find.fun.trend.down", "find.fun.sources", "find.fun.leak"]
    assert [f.family for f in section.findings] == ["funnel"] * 3
    assert found["find.fun.trend.down"].score == 0.8
    assert found["find.fun.trend.down"].names == {"m1": "month:2026-08", "m2": "month:2026-09"}
    assert found["find.fun.sources"].score == 0.5
    assert found["find.fun.sources"].names == {
        "best_name": "source:web",
        "worst_name": "source:ads",
        "month": "month:2026-09",
    }
    # the leak's score is its share of the losses ÷ 3: 60/90/3
    assert found["find.fun.leak"].score == pytest.approx(60 / 90 / 3)
    # no finding rests on the immature October cohort
    cited = {f.period for finding in section.findings for f in finding.facts.values()}
    assert not cited & set(section.immature_cohorts)


def test_the_dataset_methods_give_the_sections_figures(section):
    ds = Dataset(leads=_three_cohorts(), settings=Settings(conversion_window_days=30))
    pd.testing.assert_frame_equal(ds.funnel(period="2026-10"), section.current)
    pd.testing.assert_frame_equal(ds.funnel(period=section.cohort), section.mature)
    pd.testing.assert_frame_equal(ds.funnel_trend(), section.trend)


def test_without_kpi_toml_the_window_is_derived_and_young_cohorts_are_not_a_drop():
    # constant 20% conversion, each sale 40 days after its lead; as of 10-31 October's
    # sales are not due yet. Followed to as_of with no window, October reads 0%: the
    # drop the pack used to announce
    leads = cohort_leads(
        *[
            [
                {
                    **row,
                    "sale_at": row["lead_at"] + pd.Timedelta(days=40) if row["sale_at"] else None,
                }
                for row in cohort_rows(month, "linkedin", 100, 40, 20, 800.0)
            ]
            for month in ("2026-08", "2026-09", "2026-10")
        ]
    )
    ds = Dataset(leads=leads)
    section = build_funnel(ds, period="2026-10", as_of=DAY)
    # every sale took 40 days: the 90th percentile is 40
    assert section.window_derived
    assert section.window.value == 40.0 and section.window.basis == "observed"
    assert section.window.source == "conversion_window[quantile=0.9, as_of=2026-10-31]"
    assert section.window_share.value == 0.9
    # a cohort holding leads from 09-22 on (40 days before 11-01) is immature: September's
    # leads (09-01 to 09-20) are not, October's are
    assert section.immature_cohorts == ["2026-10"]
    assert section.cohort == "2026-09"
    # September: the 20 leads of 09-01 to 09-20 that sell do so by 10-30: 20 of 100
    assert section.conversion.value == pytest.approx(0.2)
    v = section.verdict
    assert (v.direction, v.significant, v.cohorts.value) == ("flat", False, 2.0)
    assert "find.fun.trend.down" not in [f.key for f in section.findings]


def test_mid_month_without_kpi_toml_and_a_two_stage_crm_export():
    # a CRM export with lead and sale dates only, seen on 10-15
    rows = cohort_rows("2026-09", "trade_show", 40, 0, 8, 300.0) + cohort_rows(
        "2026-10", "trade_show", 20, 0, 2, 300.0
    )
    leads = cohort_leads(rows).drop(columns=["visit_at"])
    section = build_funnel(Dataset(leads=leads), period="2026-10", as_of=pd.Timestamp("2026-10-15"))
    # every sale after 10 days: a 10-day window; as of 10-15 October holds leads of
    # 10-01 to 10-15 (15 leads), the 2 sold on 10-11 and 10-12
    assert section.window.value == 10.0
    assert (section.leads.value, section.sales.value) == (15.0, 2.0)
    assert section.current_immature
    # September (leads up to 09-25) is mature: 8 of 40
    assert section.cohort == "2026-09"
    assert section.conversion.value == pytest.approx(0.2)
    assert section.previous_conversion is None and section.conversion_significant is None
    assert section.mature["stage"].tolist() == ["lead", "sale"]
    assert (section.leak.stage, section.leak.next_stage, section.leak.lost.value) == (
        "lead",
        "sale",
        32.0,
    )
    # one source: no best and worst; one mature cohort: no trend
    assert section.best is None and section.sources_differ is None
    assert section.verdict is None
    assert [f.key for f in section.findings] == ["find.fun.leak"]


def test_no_mature_cohort_falls_back_to_the_period_and_finds_nothing():
    leads = cohort_leads(
        cohort_rows("2026-10", "web", 30, 10, 3, 100.0),
        cohort_rows("2026-10", "ads", 30, 10, 0, 100.0),
    )
    ds = Dataset(leads=leads, settings=Settings(conversion_window_days=30))
    section = build_funnel(ds, period="2026-10", as_of=DAY)
    assert section.cohort == "2026-10"
    assert section.conversion_immature
    # 3 of 60
    assert section.conversion.value == pytest.approx(0.05)
    assert section.previous_conversion is None
    # web 10% against ads 0% would be a finding on a mature cohort; not on this one
    assert section.findings == []


def test_the_sample_shows_july_with_kpi_tomls_window():
    ds = load_dataset(SAMPLE)
    section = build_funnel(ds, period="2026-10", as_of=DAY)
    # kpi.toml's 90 days: July is the latest cohort older than 90 days on 10-31
    assert section.cohort == "2026-07"
    assert (section.mature_leads.value, section.mature_sales.value) == (2256.0, 118.0)
    assert section.conversion.value == pytest.approx(118 / 2256)
    assert section.immature_cohorts == ["2026-08", "2026-09", "2026-10"]
    assert section.mature.equals(ds.funnel(period="2026-07"))


cohort_shapes = st.tuples(
    st.sampled_from(["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]),
    st.sampled_from(["web", "ads", "events"]),
    st.integers(min_value=1, max_value=60),  # leads
    st.integers(min_value=0, max_value=60),  # sales (at most the leads)
)


@settings(max_examples=25, deadline=None)
@given(
    shapes=st.lists(cohort_shapes, min_size=1, max_size=6),
    days_to_sale=st.integers(min_value=1, max_value=70),
    window=st.one_of(st.none(), st.integers(min_value=5, max_value=90)),
    as_of=st.sampled_from(["2026-10-05", "2026-10-15", "2026-10-31", "2026-11-20"]),
)
def test_no_finding_rests_on_an_immature_cohort(shapes, days_to_sale, window, as_of):
    rows = []
    for month, source, n, sales in shapes:
        for row in cohort_rows(month, source, n, n, min(sales, n), 100.0):
            if row["sale_at"] is not None:
                row["sale_at"] = row["lead_at"] + pd.Timedelta(days=days_to_sale)
            rows.append(row)
    ds = Dataset(leads=cohort_leads(rows), settings=Settings(conversion_window_days=window))
    section = build_funnel(ds, period="2026-10", as_of=pd.Timestamp(as_of))
    young = set(section.immature_cohorts)
    for finding in section.findings:
        cited = {f.period for f in finding.facts.values()}
        cited |= {n.partition(":")[2] for n in finding.names.values() if n.startswith("month:")}
        assert not cited & young, (finding.key, cited, young)
    # the tile's cohort is mature unless the section says it is not
    if section.cohort in young:
        assert section.conversion_immature
    if section.previous_conversion is not None:
        assert section.previous_conversion.period not in young
    if section.verdict is not None:
        assert {section.verdict.first.period, section.verdict.last.period}.isdisjoint(young)


def test_a_past_period_reads_its_own_cohorts():
    # August 2025 seen on 31 October 2026: the trend ends with August 2025 (the sample
    # starts in November 2024: 10 cohorts), every one mature by then, and the sources are
    # those of the August 2025 cohort, not of the last 12 months before as_of
    from kpilib import load_dataset

    sample = load_dataset(Path(__file__).resolve().parents[1] / "data" / "sample")
    s = build_funnel(sample, period="2025-08", as_of=pd.Timestamp("2026-10-31"))
    assert s.trend["cohort"].tolist() == [
        f"{y}-{m:02d}" for y, m in [(2024, 11), (2024, 12)] + [(2025, k) for k in range(1, 9)]
    ]
    assert s.cohort == "2025-08" and not s.trend["immature"].any()
    assert len(s.by_source) == 6 and set(s.by_source["cohort"]) == {"2025-08"}


def test_the_trend_is_read_on_every_mature_cohort_not_its_two_ends():
    from kpilib.sections.trend import verdict as _verdict

    def trend(converted, immature=None):
        n = len(converted)
        return pd.DataFrame(
            {
                "cohort": [f"2026-{m:02d}" for m in range(1, n + 1)],
                "leads": [1000] * n,
                "converted": converted,
                "overall_conversion": [c / 1000 for c in converted],
                "immature": immature or [False] * n,
            }
        )

    # the months wander around 5% and the two ends happen to be high and low: they differ
    # beyond chance (6.0% against 4.0%: z = 2.05), the months do not drift
    # (Cochran-Armitage z = -1.12): no direction is claimed
    odd = _verdict(trend([60, 45, 50, 55, 50, 45, 50, 55, 40]))
    assert (odd.direction, odd.significant) == ("flat", False)
    # a steady fall, 60 to 30 by 5 a month: z = -4.04, down, stated from 6.0% to 3.0%
    fall = _verdict(trend([60, 55, 50, 45, 40, 35, 30]))
    assert (fall.direction, fall.first.value, fall.last.value) == ("down", 0.06, 0.03)
    # immature cohorts take no part: the fall above, then a young cohort at 0
    young = _verdict(trend([50, 50, 50, 50, 0], immature=[False] * 4 + [True]))
    assert (young.direction, young.cohorts.value, young.last.period) == ("flat", 4, "2026-04")
