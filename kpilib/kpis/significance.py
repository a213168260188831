"""Whether observed rates differ, or drift over time, beyond chance."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["differs", "trend_z", "Z95"]

Z95 = 1.959963984540054
"""The two-sided 95% quantile of the standard normal distribution."""


def differs(k1: float, n1: float, k2: float, n2: float, z: float = Z95) -> bool:
    """Whether two proportions k1/n1 and k2/n2 differ at 95% (two-proportion z-test).

    ``z = |k1/n1 − k2/n2| / se`` with the pooled rate ``p = (k1 + k2) / (n1 + n2)``
    and ``se = √(p (1 − p) (1/n1 + 1/n2))``; they differ when z exceeds *z*.
    False when either count of trials is 0 or both rates are 0 or 1.

    Examples
    --------
    >>> differs(50, 1000, 56, 1000), differs(50, 1000, 90, 1000)
    (False, True)
    >>> differs(0, 0, 1, 10)
    False
    """
    if min(n1, n2) <= 0:
        return False
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return bool(se > 0 and abs(k1 / n1 - k2 / n2) / se > z)


def trend_z(converted: Sequence[float], trials: Sequence[float]) -> float:
    """The Cochran-Armitage z of a linear trend in proportions over ordered groups.

    Groups are scored 0, 1, 2… in order; with ``p`` the pooled rate and ``N``
    the trials in all, ``T = Σ tᵢ (kᵢ − nᵢ p)`` and
    ``Var T = p (1 − p) (Σ nᵢ tᵢ² − (Σ nᵢ tᵢ)² / N)``; ``z = T / √Var T``,
    positive for a rise. Every group counts by its size, so one odd month
    at an end does not make a trend (unlike comparing the first and last
    groups). NaN with fewer than two groups, no trials, or rates all 0 or 1.

    Examples
    --------
    >>> round(trend_z([10, 20, 30], [100, 100, 100]), 4)  # T = 20, Var = 0.16 x 200 = 32
    3.5355
    >>> trend_z([20, 20, 20], [100, 100, 100])
    0.0
    """
    k = [float(x) for x in converted]
    n = [float(x) for x in trials]
    total = sum(n)
    if len(n) < 2 or total <= 0:
        return math.nan
    p = sum(k) / total
    t = range(len(n))
    stat = sum(ti * (ki - ni * p) for ti, ki, ni in zip(t, k, n, strict=True))
    spread = sum(ni * ti * ti for ti, ni in zip(t, n, strict=True)) - (
        sum(ni * ti for ti, ni in zip(t, n, strict=True)) ** 2 / total
    )
    var = p * (1 - p) * spread
    return stat / math.sqrt(var) if var > 0 else math.nan
