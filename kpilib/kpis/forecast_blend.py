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

import numpy as np
import pandas as pd

from kpilib.engine.frames import NONE_KEY
from kpilib.kpis.forecast_arrays import codes, nunique_by, sum_by

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
    k, team = past["_k"].to_numpy(), past["team"].to_numpy()
    forecast, run_rate, close = (past[c].to_numpy() for c in ("forecast", "run_rate", "close"))
    teams, (code,) = codes(team)
    ef = sum_by((forecast - close) ** 2, team)[1]
    er = sum_by((run_rate - close) ** 2, team)[1]
    n = nunique_by(code, k, len(teams))
    both = ef + er
    raw = er / np.where(both > 0, both, np.nan)
    raw = np.where(np.isnan(raw), 0.5, raw)
    learnt = (n * raw + prior * 0.5) / (n + prior)
    weights = dict(zip(teams.tolist(), learnt.tolist(), strict=True))
    w = learnt[code]
    mixed = w * forecast + (1 - w) * run_rate
    spread = _spreads(k, team, mixed, close)
    # the leads without a team have no row of their own: the key is the company's
    periods, mixed_k = sum_by(mixed, k)
    company = np.array([NONE_KEY] * len(periods), dtype=object)  # (np.full drops a "\x00")
    spread[NONE_KEY] = _spreads(periods, company, mixed_k, sum_by(close, k)[1])[NONE_KEY]
    return Blend(weights=weights, default=0.5, spread=spread)


def _spreads(k: np.ndarray, key: np.ndarray, mixed: np.ndarray, close: np.ndarray) -> dict:
    """Per *key*, (Σ (blend − close)² / Σ close², periods) over rows of period *k*, blend
    *mixed* and *close* (one row a period and key): s² NaN when every close was 0."""
    keys, err = sum_by((mixed - close) ** 2, key)
    closes = sum_by(close**2, key)[1]
    s2 = err / np.where(closes > 0, closes, np.nan)
    n = nunique_by(codes(key)[1][0], k, len(keys))
    return {
        name: (float(v), int(c))
        for name, v, c in zip(keys.tolist(), s2.tolist(), n.tolist(), strict=True)
    }


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
