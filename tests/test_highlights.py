"""Figures derived for the report: headline tiles, the LTV cohort, significance."""

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
from kpilib.kpis.significance import differs
from kpilib.sections import highlights
from kpilib.sections.funnel import build_funnel

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


def test_headline_reuses_given_frames(sample):
    frames = {
        **highlights.objectives_frames(sample, period="2026-10"),
        **highlights.acquisition_frames(sample, period="2026-10"),
        "funnel": build_funnel(sample, period="2026-10", as_of=sample.as_of),
    }
    with_frames = highlights.headline(sample, period="2026-10", frames=frames)
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


def test_ltv_cohort_and_significance():
    paybacks = pd.DataFrame({"cohort": ["2024-10", "2026-10"], "months_observed": [24, 0]})
    assert highlights.ltv_cohort(paybacks, "2026-10") == ("2025-10", 12)
    # 10% vs 5% of 1,000: z ≈ 4.3; 5.0% vs 5.6%: z ≈ 0.6
    assert differs(100, 1000, 50, 1000) and not differs(50, 1000, 56, 1000)
    assert not differs(0, 0, 1, 10)
