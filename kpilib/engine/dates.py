"""Date expressions that give the same result on every engine: days between two
datetimes, censoring at as_of, and month keys and labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import narwhals as nw

__all__ = [
    "DAYS_PER_SECOND",
    "censor",
    "days_between",
    "month_key",
    "month_label",
    "period_month_key",
    "seconds_between",
]


def days_between(lf: nw.LazyFrame, later: nw.Expr, earlier: nw.Expr) -> nw.Expr:
    """Days from *earlier* to *later* as Float64.

    pandas, polars and DuckDB subtract; engines without a duration's
    ``total_seconds`` (PySpark) count days since 1970 from the calendar fields,
    to the second.
    """
    impl = lf.implementation
    if impl.is_pandas_like() or impl.is_polars() or impl.is_duckdb():
        return (later - earlier).dt.total_seconds() / 86400.0
    return _epoch_days(later) - _epoch_days(earlier)


DAYS_PER_SECOND = 1 / 86400
"""Seconds times this are days. Multiplied, not divided by 86400: a division by a
constant is a multiplication by its inverse on some engines' paths (polars' eager
frames) and a true division on others (lazy polars, DuckDB), which differ in the last
bit; a multiplication is the same everywhere."""


def seconds_between(lf: nw.LazyFrame, later: nw.Expr, earlier: nw.Expr) -> nw.Expr:
    """Seconds from *earlier* to *later* as Float64: whole numbers for times to the second,
    so that a median of them (the mean of two whole numbers) is exact on every engine,
    where a median of :func:`days_between`'s fractions may differ in its last bit from
    one engine to another (and round to another hundredth). Turn them into days with
    :data:`DAYS_PER_SECOND`."""
    impl = lf.implementation
    if impl.is_pandas_like() or impl.is_polars() or impl.is_duckdb():
        return (later - earlier).dt.total_seconds().cast(nw.Float64)
    return (_epoch_days(later) - _epoch_days(earlier)) * 86400.0


def _epoch_days(e: nw.Expr) -> nw.Expr:
    y1 = e.dt.year().cast(nw.Int64) - 1
    # days from 1970-01-01 to 1 January of the year: 365 a year plus the leap days
    jan1 = (
        (y1 - 1969) * 365
        + (y1 // 4 - 1969 // 4)
        - (y1 // 100 - 1969 // 100)
        + (y1 // 400 - 1969 // 400)
    )
    clock = (
        e.dt.hour().cast(nw.Float64) * 3600
        + e.dt.minute().cast(nw.Float64) * 60
        + e.dt.second().cast(nw.Float64)
    )
    return (jan1 + e.dt.ordinal_day().cast(nw.Int64) - 1).cast(nw.Float64) + clock / 86400.0


def censor(lf: nw.LazyFrame, cols: Sequence[str], cutoff: dt.datetime) -> nw.LazyFrame:
    """Null every date of *cols* on or after *cutoff* (the day after as_of)."""
    return lf.with_columns(*[nw.when(nw.col(c) < cutoff).then(nw.col(c)).alias(c) for c in cols])


def month_key(expr: nw.Expr) -> nw.Expr:
    """Month key ``year * 12 + month - 1`` of a datetime expression."""
    return expr.dt.year().cast(nw.Int64) * 12 + expr.dt.month().cast(nw.Int64) - 1


def period_month_key(expr: nw.Expr) -> nw.Expr:
    """Month key of a "YYYY-MM" string expression."""
    year = expr.str.slice(0, 4).cast(nw.Int64)
    return year * 12 + expr.str.slice(5, 2).cast(nw.Int64) - 1


def month_label(key: nw.Expr) -> nw.Expr:
    """The "YYYY-MM" label of a month-key expression."""
    month = (key % 12 + 1).cast(nw.Int64)
    pad = nw.when(month < 10).then(nw.lit("0")).otherwise(nw.lit(""))
    return nw.concat_str(
        [(key // 12).cast(nw.Int64).cast(nw.String), nw.lit("-"), pad, month.cast(nw.String)]
    )
