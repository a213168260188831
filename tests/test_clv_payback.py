"""Payback and LTV:CAC on projected CLV, beside the observed figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import kpilib

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    return kpilib.load_dataset(SAMPLE)


@pytest.fixture(scope="module")
def result(sample):
    return kpilib.projected_payback(
        sample.leads, sample.orders, sample.costs, horizon_months=36, discount_rate=0.10
    )


def test_observed_columns_are_payback_unchanged(sample, result):
    observed = kpilib.payback(sample.leads, sample.orders, sample.costs)
    assert_frame_equal(result[observed.columns], observed)


def test_projected_ratio_is_projected_clv_over_cac(result):
    expected = result["projected_clv"] / result["cac"]
    np.testing.assert_allclose(result["projected_ltv_to_cac"], expected)
    assert (result["flag_projected_ltv_to_cac"] == (expected < 3.0)).all()


def test_projected_payback_equals_observed_where_observed(result):
    # months already seen are observed on both curves: the same first month covers CAC
    seen = result["payback_months"].notna()
    assert seen.sum() > 5
    assert (
        result.loc[seen, "projected_payback_months"] == result.loc[seen, "payback_months"]
    ).all()
    # and a cohort not yet paid back may be projected to pay back later, never earlier
    later = result.loc[~seen & result["projected_payback_months"].notna()]
    assert (later["projected_payback_months"] > later["months_observed"]).all()


def test_projected_clv_exceeds_observed_for_young_cohorts(result):
    young = result[result["months_observed"] <= 3]
    assert (young["projected_clv"] > young["clv"]).all()


def test_cohort_without_costs_has_no_projected_payback(sample):
    costs = sample.costs[sample.costs["period"] != "2026-09"]
    out = kpilib.projected_payback(sample.leads, sample.orders, costs)
    row = out.set_index("cohort").loc["2026-09"]
    assert np.isnan(row["cac"]) and row["projected_payback_months"] is pd.NA
    # whole months, unknown where not paid back (pandas' nullable Int64)
    assert str(out["projected_payback_months"].dtype) == "Int64"
    assert np.isnan(row["projected_ltv_to_cac"]) and not row["flag_projected_ltv_to_cac"]
    assert isinstance(out, pd.DataFrame)
