"""The one check of a frame's columns, and of an argument's kind, with errors that teach.

Every check of kpilib that a table has the columns it needs goes through
:func:`missing_message`: the loader's (per file), the KPI functions' (per
input frame, on any engine), the lifetime-value models' and the charts'. So
each such error has one shape, naming the frame, the missing columns, the
columns it has, what the function expects and how to make such a frame::

    charts.source_conversion(by_source): missing column 'leads' (it has: source, stage,
    reached, ...). charts.source_conversion expects the frame of kpilib.funnel_trend(leads,
    by="source", periods=1) (source, leads, overall_conversion, ci_low, ci_high); pass
    report.funnel.by_source from kpilib.sections.build.build(dataset, period=...), or make
    it with kpilib.funnel_trend(leads, by="source", periods=1).

A missing column is a :class:`DataError`; an argument of the wrong kind (a list
where a frame is expected, a frame where a report section is) a
:class:`ParameterError` saying what is expected and where to get it.

A required item may be a tuple of alternatives (``("period", "date")``), met
by any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kpilib.errors import DataError, ParameterError

__all__ = [
    "a_kind",
    "column_names",
    "missing",
    "missing_message",
    "require_columns",
    "require_kind",
]

Required = Sequence[str | tuple[str, ...]]
_SHOWN = 20


def column_names(frame: Any) -> list[str] | None:
    """The column names of *frame* (pandas, polars, DuckDB, Spark or narwhals), else None.

    Examples
    --------
    >>> import pandas as pd
    >>> column_names(pd.DataFrame({"a": [1], "b": [2]})), column_names([1, 2])
    (['a', 'b'], None)
    """
    import narwhals as nw

    if isinstance(frame, (nw.DataFrame, nw.LazyFrame)):
        return [str(c) for c in frame.collect_schema().names()]
    try:
        obj = nw.from_native(frame)
    except TypeError:
        return None
    if not isinstance(obj, (nw.DataFrame, nw.LazyFrame)):
        return None
    return [str(c) for c in obj.collect_schema().names()]


def _a(noun: str) -> str:
    """*noun* with its indefinite article: "a list", "an ObjectivesSection"."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def a_kind(value: Any) -> str:
    """The kind of *value* with its article, for a message: "a list", "an ObjectivesSection".

    Examples
    --------
    >>> a_kind([1]), a_kind(1.5), a_kind(None)
    ('a list', 'a float', 'None')
    """
    return "None" if value is None else _a(type(value).__name__)


def _quoted(item: str | tuple[str, ...]) -> str:
    if isinstance(item, tuple):
        return f"'{item[0]}'" + "".join(f" (or '{alt}')" for alt in item[1:])
    return f"'{item}'"


def _plain(item: str | tuple[str, ...]) -> str:
    return " or ".join(item) if isinstance(item, tuple) else item


def _listed(have: Sequence[str]) -> str:
    shown = ", ".join(str(c)[:40] for c in list(have)[:_SHOWN])
    more = f", … ({len(have)} in all)" if len(have) > _SHOWN else ""
    return shown + more if shown else "no columns"


def missing(have: Sequence[str], required: Required) -> list[str | tuple[str, ...]]:
    """The items of *required* that *have* lacks (an item of alternatives when none is there)."""
    present = set(have)
    out: list[str | tuple[str, ...]] = []
    for item in required:
        options = item if isinstance(item, tuple) else (item,)
        if not any(c in present for c in options):
            out.append(item)
    return out


def missing_message(
    name: str,
    lacking: Sequence[str | tuple[str, ...]],
    have: Sequence[str],
    required: Required,
    *,
    expects: str,
    fix: str,
) -> str:
    """The message of a frame *name* lacking the columns *lacking* of *required*.

    *expects* says who expects what ("kpilib.cac expects a costs table"); the
    required columns follow it in brackets; *fix* says how to make such a frame.

    Examples
    --------
    >>> print(missing_message("costs", ["amount"], ["period", "category"],
    ...                       ["period", "category", "amount"],
    ...                       expects="kpilib.cac expects a costs table",
    ...                       fix="rename the matching columns as docs/data-model.md shows."))
    costs: missing column 'amount' (it has: period, category). kpilib.cac expects a costs table (period, category, amount); rename the matching columns as docs/data-model.md shows.
    """
    s = "s" if len(lacking) > 1 else ""
    names = ", ".join(_quoted(c) for c in lacking)
    needed = ", ".join(_plain(c) for c in required)
    return (
        f"{name}: missing column{s} {names} (it has: {_listed(have)}). {expects} ({needed}); {fix}"
    )


def require_columns(
    frame: Any, required: Required, *, name: str, expects: str, fix: str, pandas: bool = False
) -> None:
    """Raise when *frame* is no data frame (:class:`ParameterError`) or lacks a column of
    *required* (:class:`DataError`), in the shape of :func:`missing_message`.

    *frame* may be of any engine kpilib reads, or a narwhals frame; with
    *pandas*, only a pandas DataFrame (a calculation written in pandas).

    Examples
    --------
    >>> require_columns([1], ["lead_at"], name="leads", expects="kpilib.funnel expects the "
    ...                 "leads table", fix="pass kpilib.load_dataset(folder).leads.")
    Traceback (most recent call last):
    ...
    kpilib.errors.ParameterError: leads: a list is not a data frame. kpilib.funnel expects the leads table (lead_at); pass kpilib.load_dataset(folder).leads.
    """
    have = column_names(frame)
    kind = "pandas DataFrame" if pandas else "data frame"
    if have is None or (pandas and not isinstance(frame, pd.DataFrame)):
        raise ParameterError(
            f"{name}: {a_kind(frame)} is not a {kind}. {expects} "
            f"({', '.join(_plain(c) for c in required)}); {fix}"
        )
    lacking = missing(have, required)
    if lacking:
        raise DataError(missing_message(name, lacking, have, required, expects=expects, fix=fix))


def require_kind(value: Any, kind: type | tuple[type, ...], *, name: str, expects: str) -> None:
    """Raise :class:`ParameterError` when *value* is not of *kind*: *name* is given a
    wrong kind of object; *expects* says what it expects and how to get it.

    Examples
    --------
    >>> require_kind([1], dict, name="charts.x(section)", expects="Pass report.funnel.")
    Traceback (most recent call last):
    ...
    kpilib.errors.ParameterError: charts.x(section): got a list. Pass report.funnel.
    """
    if not isinstance(value, kind):
        raise ParameterError(f"{name}: got {a_kind(value)}. {expects}")
