"""Figures derived for the report: headline tiles, lost value, cohort choices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.kpis.acquisition import cac
from kpilib.kpis.funnel import funnel_trend
from kpilib.kpis.objectives import attainment
from kpilib.sections import highlights
from kpilib.sections.acquisition import build_acquisition, ltv_cohort

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


def test_headline_tiles_equal_the_kpi_tables(sample):
    tiles = highlights.headline(sample, period="2026-10").set_index("tile")
    assert list(tiles.index) == list(highlights.TILES)
    att = attainment(sample.leads, sample.targets, period="2026-10")
    row = att[(att["metric"] == "new_customers") & (att["scope"] == "company")].iloc[0]
    assert tiles.loc["new_customers", ["value", "target", "attainment"]].tolist() == [
        row["actual"],
        row["target"],
        row["attainment"],
    ]
    blended = cac(sample.leads, sample.costs)
    blended = blended[blended["channel"].isna()].set_index("period")["cac"]
    assert tiles.loc["cac", "value"] == blended["2026-10"]
    assert tiles.loc["cac", "change"] == pytest.approx(blended["2026-10"] / blended["2026-09"] - 1)
    trend = funnel_trend(sample.leads, window_days=90)
    mature = trend[~trend["immature"]].iloc[-1]
    assert tiles.loc["conversion", "reference"] == mature["cohort"] == "2026-07"
    assert tiles.loc["conversion", "value"] == mature["overall_conversion"]
    assert tiles.loc["ltv_to_cac", ["reference", "months"]].tolist() == ["2025-10", 12.0]


def test_headline_cac_of_an_open_month_has_no_change(sample):
    # as of 15 October the month's booked costs meet half a month of customers:
    # month-to-date, never compared with September's closed month
    tiles = highlights.headline(sample, period="2026-10", as_of="2026-10-15").set_index("tile")
    blended = cac(sample.leads, sample.costs, as_of="2026-10-15")
    blended = blended[blended["channel"].isna()].set_index("period")["cac"]
    assert tiles.loc["cac", ["value", "previous"]].tolist() == [
        blended["2026-10"],
        blended["2026-09"],
    ]
    assert np.isnan(tiles.loc["cac", "change"])


def test_headline_reuses_given_frames(sample):
    frames = {
        **highlights.objectives_frames(sample, period="2026-10"),
        **highlights.funnel_frames(sample, period="2026-10"),
    }
    section = build_acquisition(sample, period="2026-10")
    with_frames = highlights.headline(sample, period="2026-10", frames=frames, acquisition=section)
    pd.testing.assert_frame_equal(with_frames, highlights.headline(sample, period="2026-10"))


def test_headline_of_a_bare_crm_export():
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "lead_at": pd.to_datetime(["2026-09-03", "2026-10-02"]),
            "source": ["web", "web"],
            "sale_at": pd.to_datetime(["2026-09-10", "2026-10-05"]),
            "customer_id": ["C1", "C2"],
            "amount": [100.0, 300.0],
        }
    )
    tiles = highlights.headline(Dataset(leads=leads), period="2026-10").set_index("tile")
    # no targets: the actuals are still counted; no costs or orders: no CAC, LTV, payback
    assert tiles.loc["revenue", ["value", "previous", "change"]].tolist() == [300.0, 100.0, 2.0]
    assert np.isnan(tiles.loc["revenue", "target"])
    assert tiles.loc[["cac", "ltv_to_cac", "payback"], "value"].isna().all()
    assert highlights.missing_tables(Dataset(leads=leads)) == ["targets", "costs", "orders"]


def test_cohort_choices_and_significance():
    trend = pd.DataFrame(
        {"cohort": ["2026-07", "2026-08", "2026-09"], "immature": [False, False, True]}
    )
    assert highlights.latest_mature(trend, "2026-10")["cohort"].tolist() == ["2026-07", "2026-08"]
    assert highlights.mature_cohort(trend, "2026-10") == "2026-08"
    assert highlights.mature_cohort(trend.assign(immature=True), "2026-10") == "2026-10"
    assert ltv_cohort(["2024-10", "2026-10"], "2026-10") == ("2025-10", 12)
    # 10% vs 5% of 1,000: z ≈ 4.3; 5.0% vs 5.6%: z ≈ 0.6
    assert highlights.differs(100, 1000, 50, 1000) and not highlights.differs(50, 1000, 56, 1000)
    assert not highlights.differs(0, 0, 1, 10)


def test_lost_value_per_source_and_stage():
    fb = pd.DataFrame(
        {
            "source": ["ads", "ads", "web", "web"],
            "stage": ["lead", "sale", "lead", "sale"],
            "reached": [10, 2, 4, 0],
            "lost": [8, 0, 4, 0],
        }
    )
    leads = pd.DataFrame({"source": ["ads", "ads", "web"], "amount": [100.0, 300.0, np.nan]})
    out = highlights.lost_value(fb, leads)
    # ads: 8 lost × 2/10 × 200 = 320; web never sold: no average deal, nothing valued
    assert out["lost_value"].tolist() == pytest.approx([320.0, 0.0, 0.0, 0.0])
