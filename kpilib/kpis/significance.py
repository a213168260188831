"""Whether observed rates differ, or drift over time, beyond chance."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["differs", "mann_kendall_z", "trend_z", "Z95"]

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


def mann_kendall_z(values: Sequence[float]) -> float:
    """The Mann-Kendall z of a monotonic trend in a series, positive for a rise.

    ``S = Σ_{i<j} sign(x_j − x_i)`` over every pair in order; with no ties
    ``Var S = n (n − 1) (2n + 5) / 18``, less ``Σ t (t − 1) (2t + 5) / 18``
    over each group of t tied values; ``z = (S − sign S) / √Var S`` (continuity
    corrected). A rank test: it needs no normal values and no equal spacing of
    sizes, which suits a series of monthly medians. NaN with fewer than two
    values or no spread; NaN values are left out.

    Examples
    --------
    >>> round(mann_kendall_z([30, 32, 31, 35, 36, 40]), 4)  # S = 13, Var S = 6·5·17/18 = 28.33
    2.2544
    >>> mann_kendall_z([5, 5, 5])
    nan
    """
    x = [float(v) for v in values if v == v]
    n = len(x)
    if n < 2:
        return math.nan
    s = sum((x[j] > x[i]) - (x[j] < x[i]) for i in range(n) for j in range(i + 1, n))
    ties: dict[float, int] = {}
    for v in x:
        ties[v] = ties.get(v, 0) + 1
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties.values())) / 18
    if var <= 0:
        return math.nan
    return (s - (s > 0) + (s < 0)) / math.sqrt(var)
