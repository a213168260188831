"""The results of the KPI functions handed back: in the caller's kind, or as pandas.

Re-exported by :mod:`kpilib.engine.frames` (``F.to_native``, ``F.to_pandas``,
``F.has_rows``). Integer columns stay integers on the way: ``int64``, or
pandas' nullable ``Int64`` where a value can be missing, never ``float64``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw

__all__ = ["to_native", "to_pandas", "to_arrays", "has_rows"]


def to_native(lf: nw.LazyFrame, kind: str, *, whole: Sequence[str] = ()) -> Any:
    """The result in the caller's kind (see :func:`lazy_inputs`).

    Integer columns stay integers; *whole* names further columns of whole
    numbers that can be missing (computed as floats, a null where unknown),
    which come out as Int64 too: pandas' nullable ``Int64`` in pandas.
    """
    if kind == "pandas":
        frame = lf.collect(backend="pandas").to_native().reset_index(drop=True)
        return _whole_numbers(lf, frame, whole)
    if whole:
        lf = lf.with_columns(*[nw.col(c).cast(nw.Int64) for c in whole])
    if kind == "polars":
        return lf.collect(backend="polars").to_native()
    if kind in ("polars-lazy", "lazy"):
        return lf.to_native()
    return lf.collect().to_native()


def _whole_numbers(lf: nw.LazyFrame, frame: Any, whole: Sequence[str]) -> Any:
    """*frame* (pandas, collected from *lf*) with *lf*'s integer columns and the
    *whole* ones as integers: ``int64``, or pandas' nullable ``Int64`` where a value
    is missing (always for *whole*, whose values can be), never ``float64``."""
    for name, dtype in lf.collect_schema().items():
        if name in whole or (dtype.is_integer() and frame[name].dtype.kind == "f"):
            frame[name] = frame[name].astype("Int64")
    return frame


def to_pandas(native: Any) -> Any:
    """*native* (a result of any engine, small) as a pandas DataFrame; None stays None.

    Other engines' results go through polars, as pandas input's do (it runs on
    polars), so they come out with the same dtypes: DuckDB's own conversion
    would give object columns where polars gives pandas strings.
    """
    if native is None or type(native).__module__.startswith("pandas"):
        return native
    obj = nw.from_native(native)
    lf = obj.lazy() if isinstance(obj, nw.DataFrame) else obj
    if not lf.implementation.is_polars():
        lf = lf.collect(backend="polars").lazy()
    return to_native(lf, "pandas")


def to_arrays(native: Any) -> Any:
    """*native* (a small result of any engine) as a pandas DataFrame on numpy, for
    arithmetic within kpilib: numbers as numpy arrays, text as Python objects.

    A polars result is read column by column, without Arrow's conversion to
    pandas (the forecast reads some seventy small tables a report). Anything
    else, or a table with a missing value or a column neither number nor text,
    goes through :func:`to_pandas`.
    """
    import pandas as pd
    import polars as pl

    obj = nw.from_native(native)
    lf = obj.lazy() if isinstance(obj, nw.DataFrame) else obj
    if not lf.implementation.is_polars():
        return to_pandas(native)
    frame = lf.collect().to_native()
    plain = all(
        s.dtype.is_numeric() or s.dtype in (pl.String, pl.Boolean) for s in frame.get_columns()
    )
    if not plain or any(s.null_count() for s in frame.get_columns()):
        return to_pandas(frame)
    import numpy as np

    index = pd.RangeIndex(len(frame))
    return pd.DataFrame(
        {
            s.name: pd.Series(np.array(s.to_list(), dtype=object), index=index, dtype=object)
            if s.dtype == pl.String
            else s.to_numpy()
            for s in frame.get_columns()
        },
        index=index,
    )


def has_rows(native: Any) -> bool:
    """Whether *native* is a table with at least one row (one row read on lazy engines)."""
    if native is None:
        return False
    obj = nw.from_native(native)
    if isinstance(obj, nw.DataFrame):
        return len(obj) > 0
    return len(obj.head(1).collect()) > 0
