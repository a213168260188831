"""Small helpers of the forecast's model on arrays, the very figures pandas gives.

The model (:mod:`kpilib.kpis.forecast_model`, :mod:`kpilib.kpis.forecast_blend`)
reduces tables of a few dozen rows, per team and per past period, thirteen
times a report (the forecast and its twelve months of backtest). On frames
that small each pandas operation costs far more than its arithmetic, so the
model works on arrays and keeps pandas for the one thing whose last bit
depends on how it is done: a float column summed by group (:func:`sum_by`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["codes", "nunique_by", "split_rows", "sum_by", "total", "with_k"]


def _array(column: Any) -> np.ndarray:
    """*column* as an array; a list as Python objects: numpy's own fixed-width text
    drops trailing "\\x00", and a lone "\\x00" is the key of leads without a team."""
    return column if isinstance(column, np.ndarray) else np.array(list(column), dtype=object)


def _factorize(array: np.ndarray, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The codes of *array* and its distinct values (sorted, or in order of first
    appearance), as pandas numbers a group-by's keys."""
    code, uniques = pd.factorize(array, sort=sort)
    return code.astype("intp"), np.asarray(uniques)


def codes(*columns: Any) -> tuple[np.ndarray, list[np.ndarray]]:
    """The sorted distinct values of *columns* together, and each column's codes into them.

    Examples
    --------
    >>> values, (a, b) = codes(["S", "N"], ["N", "W"])
    >>> values.tolist(), a.tolist(), b.tolist()
    (['N', 'S', 'W'], [1, 0], [0, 2])
    """
    arrays = [_array(c) for c in columns]
    inverse, values = _factorize(np.concatenate(arrays))
    return values, np.split(inverse, np.cumsum([len(a) for a in arrays])[:-1])


def sum_by(values: Any, keys: Any, *, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The keys and sums of ``values.groupby(keys, sort=sort).sum()``: per key (sorted, or
    in order of first appearance), the sum of *values*, NaN skipped.

    A float column goes through pandas: how it adds a group (in the rows'
    order, compensated or not, by the layout of the group keys) decides the
    last bit, and these figures must be pandas' own. It is grouped by the
    keys' codes, which number the groups as the keys do. Integers are exact
    in any order and are added by numpy (as floats).

    Examples
    --------
    >>> keys, sums = sum_by([1.0, 2.0, 4.0], ["N", "S", "N"])
    >>> keys.tolist(), sums.tolist()
    (['N', 'S'], [5.0, 2.0])
    """
    array = np.asarray(values)
    code, uniques = _factorize(_array(keys), sort=sort)
    if array.dtype.kind in "iub":
        return uniques, np.bincount(code, array.astype("float64"), len(uniques))
    if np.bincount(code).max(initial=0) <= 2 and not np.isnan(array).any():
        # one or two values a group: either way pandas adds them, it is first + second
        return uniques, _pairs(code, array, len(uniques))
    return uniques, pd.Series(array).groupby(code).sum().to_numpy()


def _pairs(code: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per group of one or two *values*: the first, or the first + the second."""
    order = np.argsort(code, kind="stable")
    code, values = code[order], values[order]
    second = np.zeros(len(code), dtype=bool)
    second[1:] = code[1:] == code[:-1]
    sums = np.zeros(size)
    sums[code[~second]] = values[~second]
    sums[code[second]] = sums[code[second]] + values[second]
    return sums


def total(values: Any) -> Any:
    """``Series.sum()`` of *values*: NaN counted as 0, the floats added pairwise by numpy."""
    array = np.asarray(values)
    if array.dtype.kind == "f":
        return np.nansum(array)
    return array.sum()


def nunique_by(code: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Distinct *values* per group *code* (0 to *size* − 1), as pandas' ``nunique``
    (*values* hold no NaN)."""
    if not len(code):
        return np.zeros(size, dtype="int64")
    value_code = codes(values)[1][0]
    pairs = np.unique(np.stack([code, value_code]), axis=1)
    return np.bincount(pairs[0], minlength=size).astype("int64")


def split_rows(code: np.ndarray, size: int) -> Sequence[np.ndarray]:
    """The positions of each group's rows, in the rows' order, for groups 0 to *size* − 1."""
    if not size:
        return []
    order = np.argsort(code, kind="stable")
    return np.split(order, np.cumsum(np.bincount(code, minlength=size))[:-1])


def with_k(parts: dict[int, pd.DataFrame]) -> pd.DataFrame | None:
    """The frames of each period *k* back stacked, with a first column ``_k`` holding
    *k*; None without any."""
    if not parts:
        return None
    out = pd.concat(parts.values(), ignore_index=True)
    sizes = [len(p) for p in parts.values()]
    k = np.repeat(np.fromiter(parts, dtype="int64", count=len(parts)), sizes)
    out.insert(0, "_k", k)
    return out
