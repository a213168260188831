"""The pipeline forecast's blend with the run rate and its interval, worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpilib.engine.frames import NONE_KEY
from kpilib.kpis.forecast_blend import blend, quantile
from kpilib.kpis.forecast_model import Learnt, combine, past_forecasts

Z80 = 1.2815515655446004  # the normal quantile of 0.9: an 80% two-sided interval
T80_1 = math.tan(0.4 * math.pi)  # Student's t with 1 degree of freedom (Cauchy) at 0.9


def test_blend_weights_and_spreads():
    past = pd.DataFrame(
        {
            "_k": [1, 2, 3, 1, 2],
            "team": ["N", "N", "N", "S", "S"],
            "forecast": [12.0, 9.0, 10.0, 4.0, 5.0],
            "run_rate": [9.0, 12.0, 14.0, 6.0, 5.0],
            "close": [10.0, 10.0, 10.0, 5.0, 5.0],
        }
    )
    got = blend(past, prior=2.0)
    # N: forecast's squared errors 4 + 1 + 0 = 5, run rate's 1 + 4 + 16 = 21: 21 / 26 over
    # 3 periods, shrunk to 1/2 with 2: (3 x 21/26 + 2 x 1/2) / 5 = 89/130
    # S: 1 + 0 against 1 + 0: 1/2, and (2 x 1/2 + 2 x 1/2) / 4 = 1/2
    assert got.weights == pytest.approx({"N": 89 / 130, "S": 0.5})
    assert got.default == 0.5
    # N's blend: 89/130 x 12 + 41/130 x 9 = 1437/130, then 1293/130, 1464/130: errors
    # 137/130, -7/130 and 164/130; over the closes' squares 100 x 3 = 300
    s2_north = (137**2 + 7**2 + 164**2) / 130**2 / 300
    assert got.spread["N"] == (pytest.approx(s2_north), 3)
    # S: 5 and 5 for 5 and 5
    assert got.spread["S"] == (0.0, 2)
    # the company: the teams' blends added, 15 / 15 / 10 closed: the same errors as N's
    # (S's are 0), over 15^2 + 15^2 + 10^2 = 550
    assert got.spread[NONE_KEY] == (pytest.approx(s2_north * 300 / 550), 3)


def test_blend_needs_two_past_periods_with_a_run_rate():
    past = pd.DataFrame(
        {
            "_k": [1, 2],
            "team": ["N", "N"],
            "forecast": [12.0, 9.0],
            "run_rate": [9.0, math.nan],  # nothing had elapsed on period 2's day
            "close": [10.0, 10.0],
        }
    )
    for empty in (blend(past, prior=2.0), blend(None, prior=2.0)):
        assert (empty.weights, empty.default, empty.spread) == ({}, 1.0, {})


def test_quantile_is_students_t_over_the_periods_measured():
    assert quantile(0.8, 0) == pytest.approx(Z80)
    assert quantile(0.8, 1) == pytest.approx(Z80)  # one period: no spread measured
    assert quantile(0.8, 2) == pytest.approx(T80_1)  # 3.0777
    assert quantile(0.8, 6) == pytest.approx(1.476, abs=5e-4)  # t table, 5 degrees: 1.476


def _learnt() -> Learnt:
    """Team N, every open lead at stage lead and age band 0; history 2 (rates from the
    2 periods back, the past forecasts from the 2 before each)."""
    return Learnt(
        pipeline=pd.DataFrame(
            {
                "_k": [1, 2, 3],
                "team": ["N"] * 3,
                "_stage": ["lead"] * 3,
                "_band": [0] * 3,
                "n": [4, 2, 2],
                "won": [2, 1, 2],
            }
        ),
        arrivals=pd.DataFrame({"_k": [1, 2, 3], "team": ["N"] * 3, "n": [1] * 3, "won": [0] * 3}),
        recent_leads=pd.DataFrame({"team": ["N"], "n": [10]}),
        recent_days=20,
        deals=pd.DataFrame({"team": ["N"], "n": [1], "amount": [0.0], "amount2": [0.0]}),
        firsts=None,
        outcomes=pd.DataFrame(
            {
                "_k": [1, 2],
                "team": ["N", "N"],
                "to_date": [3, 2],
                "close": [6, 3],
                "factor": [1.8, 1.6],
            }
        ),
        history=2,
    )


def test_past_forecasts_learn_from_the_periods_before_each():
    got = past_forecasts(_learnt(), m=2.0)
    # period 1 from periods 2 and 3: 3 of 4 open leads sold, every shrunk rate 3/4; 4 open
    # at its day: 3 expected, on 3 to date: 6. Arrivals: 0 of 2 sold, none expected.
    # Run rate 3 x 1.8 = 5.4. Period 2 from period 3 alone (4 is not in the data): 2 of 2,
    # rate 1: 2 open, 2 expected on 2: 4; run rate 2 x 1.6 = 3.2
    assert got.to_dict("list") == {
        "_k": [1, 2],
        "team": ["N", "N"],
        "forecast": [6.0, 4.0],
        "run_rate": [pytest.approx(5.4), pytest.approx(3.2)],
        "close": [6.0, 3.0],
    }


def _combine(run_rate: float) -> pd.DataFrame:
    """:func:`combine` on :func:`_learnt`: 3 leads of N open (stage lead, band 0), 4 sales
    so far, 10 business days left."""
    return combine(
        _learnt(),
        pd.DataFrame({"team": ["N"], "_stage": ["lead"], "_band": [0], "n": [3]}),
        pd.DataFrame({"metric": ["sales"], "team": ["N"], "value": [4.0]}),
        days_left=10,
        run_rate=run_rate,
        metrics=["sales"],
        prior_weight=2.0,
        level=0.8,
    )


def test_combine_blends_with_the_run_rate():
    got = _combine(run_rate=2.0)
    # the rates: periods 1 and 2, 3 of 6 sold: every shrunk rate 1/2; 3 open: 1.5 expected,
    # chance variance 3 x 1/2 x 1/2 = 0.75; arrivals: 0 of 2 sold, none
    # the weight (past forecasts above): the pipeline's squared errors 0 + 1 = 1, the run
    # rate's 0.6^2 + 0.2^2 = 0.4: 0.4 / 1.4 = 2/7; shrunk: (2 x 2/7 + 2 x 1/2) / 4 = 11/28
    w = 11 / 28
    add = w * 1.5 + (1 - w) * 4 * (2 - 1)  # (16.5 + 68) / 28 = 84.5 / 28
    # the blend's past errors: 11/28 x 6 + 17/28 x 5.4 - 6 = -10.2/28 and
    # 11/28 x 4 + 17/28 x 3.2 - 3 = 14.4/28, over 6^2 + 3^2 = 45
    s2 = (10.2**2 + 14.4**2) / 28**2 / 45  # 0.00883
    expected = 4 + add  # 7.0179
    # s2 x expected^2 = 0.435 < the chance's 0.75: the chance, at t with 1 degree
    assert s2 * expected**2 < 0.75
    half = T80_1 * math.sqrt(0.75)  # 2.665
    for row in (0, 1):  # the company is N alone
        assert got.loc[row, "team"] == [NONE_KEY, "N"][row]
        assert got.loc[row, "expected"] == pytest.approx(expected)
        assert got.loc[row, "low"] == pytest.approx(4 + add - half)  # 4.353
        assert got.loc[row, "high"] == pytest.approx(expected + half)  # 9.683


def test_combine_without_a_run_rate_keeps_the_pipeline_forecast():
    got = _combine(run_rate=math.nan)
    # 4 + 3 x 1/2 = 5.5, the chance alone at the normal's quantile
    half = Z80 * math.sqrt(0.75)
    assert got["expected"].tolist() == [5.5, 5.5]
    assert got["low"].tolist() == pytest.approx([5.5 - half] * 2)
    assert got["high"].tolist() == pytest.approx([5.5 + half] * 2)
