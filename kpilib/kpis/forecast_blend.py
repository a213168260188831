"""The pipeline forecast blended with the run rate, and the interval of the blend.

:func:`kpilib.kpis.forecast_model.past_forecasts` says, for each of the
periods the forecast learns from, what the pipeline forecast and the run rate
would have said on the same day, beside the close. From those errors
:func:`blend` learns, per team, the weight of the pipeline forecast in the
blend (inverse mean squared errors, shrunk towards an even split) and the
blend's relative error, the spread of its interval. Nothing here reads a lead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from kpilib.engine.frames import NONE_KEY

__all__ = ["Blend", "blend", "quantile", "MIN_PAST", "PRIOR_PERIODS"]

MIN_PAST = 2
"""Past periods forecast (company) below which nothing is blended: the pipeline alone."""
PRIOR_PERIODS = 2.0
"""Periods of weight of the even split a team's learnt weight is shrunk towards."""


@dataclass(frozen=True)
class Blend:
    """What :func:`blend` learnt.

    ``weights``: team → weight of the pipeline forecast (the run rate has the
    rest); ``default``: a team with no past period's weight; ``spread``: team
    (:data:`~kpilib.engine.frames.NONE_KEY` = company) → (s², periods), s² the
    blend's squared errors over the squared closes of those periods. An empty
    Blend (no spread) leaves the pipeline forecast alone.
    """

    weights: dict = field(default_factory=dict)
    default: float = 1.0
    spread: dict = field(default_factory=dict)


def blend(past: pd.DataFrame | None, prior: float = PRIOR_PERIODS) -> Blend:
    """The weights and spreads learnt from *past* (_k, team, forecast, run_rate, close).

    A team's weight is ``R / (F + R)``, *F* and *R* the sums of the squared
    errors of the pipeline forecast and of the run rate over its past periods,
    shrunk towards ½ with *prior* periods of weight: ``(n × R / (F + R) + prior
    × ½) / (n + prior)`` (½ when both are 0). The company's blend is the sum of
    the teams'. Fewer than :data:`MIN_PAST` periods: an empty Blend.

    Examples
    --------
    >>> past = pd.DataFrame({"_k": [1, 2], "team": ["N", "N"], "forecast": [12.0, 9.0],
    ...                      "run_rate": [9.0, 12.0], "close": [10.0, 10.0]})
    >>> b = blend(past, prior=2.0)  # F = 4 + 1 = 5, R = 1 + 4 = 5: (2 × ½ + 2 × ½) / 4
    >>> b.weights
    {'N': 0.5}
    """
    if past is not None:
        past = past.dropna(subset=["run_rate"])
    if past is None or past["_k"].nunique() < MIN_PAST:
        return Blend()
    past = past.assign(
        ef=(past["forecast"] - past["close"]) ** 2, er=(past["run_rate"] - past["close"]) ** 2
    )
    per = past.groupby("team").agg(ef=("ef", "sum"), er=("er", "sum"), n=("_k", "nunique"))
    both = per["ef"] + per["er"]
    raw = (per["er"] / both.where(both > 0)).fillna(0.5)
    weights = ((per["n"] * raw + prior * 0.5) / (per["n"] + prior)).to_dict()
    w = past["team"].map(weights)
    past = past.assign(blend=w * past["forecast"] + (1 - w) * past["run_rate"])
    spread = _spreads(past, "team")
    # the leads without a team have no row of their own: the key is the company's
    company = past.groupby("_k", as_index=False)[["blend", "close"]].sum()
    spread[NONE_KEY] = _spreads(company.assign(team=NONE_KEY), "team")[NONE_KEY]
    return Blend(weights=weights, default=0.5, spread=spread)


def _spreads(rows: pd.DataFrame, key: str) -> dict:
    """Per *key*, (Σ (blend − close)² / Σ close², periods) over *rows* (one a period):
    s² NaN when every close was 0."""
    sums = (
        rows.assign(err=(rows["blend"] - rows["close"]) ** 2, closes=rows["close"] ** 2)
        .groupby(key)
        .agg(err=("err", "sum"), closes=("closes", "sum"), n=("_k", "nunique"))
    )
    s2 = sums["err"] / sums["closes"].where(sums["closes"] > 0)
    return {k: (float(v), int(n)) for k, v, n in zip(sums.index, s2, sums["n"], strict=True)}


def quantile(level: float, periods: int) -> float:
    """The quantile of a two-sided *level* interval: Student's t with *periods* − 1 degrees
    of freedom (the spread is measured on that few periods), the normal's with none.

    Examples
    --------
    >>> round(quantile(0.8, 0), 4), round(quantile(0.8, 6), 4)
    (1.2816, 1.4759)
    """
    if periods < MIN_PAST:
        from statistics import NormalDist

        z = NormalDist().inv_cdf(0.5 + level / 2)
        return z if math.isfinite(z) else 0.0
    from scipy.special import stdtrit  # the inverse of Student's t distribution

    return float(stdtrit(periods - 1, 0.5 + level / 2))
