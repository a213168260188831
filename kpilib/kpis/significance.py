"""Whether two observed rates differ beyond chance."""

from __future__ import annotations

import math

__all__ = ["differs", "Z95"]

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
