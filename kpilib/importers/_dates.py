"""Dates and times of exports, vectorised.

Accepted cells: ISO text (``2025-02-22``, ``2025-02-22 03:33``, with ``T``,
seconds, ``Z`` or an offset), day-first or month-first text (``22/02/2025``,
``2/22/2025 3:33 PM``; ``/``, ``.`` or ``-``), .xlsx dates and Excel serial
numbers (days since 1899-12-30).

Whether ``03/04/2025`` is 3 April or 4 March is decided once per file from
its values (a first number above 12 means day-first, a second above 12
month-first); when no value tells, the caller must say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import pandas as pd

from kpilib.errors import DataError, ParameterError
from kpilib.importers._files import Export
from kpilib.importers._text import rows_text
from kpilib.importers._values import blank_mask, only_text

__all__ = ["DateOrder", "decide_order", "parse_dates"]

DateOrder = Literal["auto", "day-first", "month-first"]

_ISO = (
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?$"
)
_EXCEL_ORIGIN = pd.Timestamp("1899-12-30")


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).astype("str").str.strip()


_DAY_FIRST = r"^(?:1[3-9]|[23]\d)[/.-]\d{1,2}[/.-]\d{4}"
_MONTH_FIRST = r"^\d{1,2}[/.-](?:1[3-9]|[23]\d)[/.-]\d{4}"
_NUMERIC = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"


def _formats(order: DateOrder) -> list[str]:
    day = "%d{0}%m{0}%Y" if order == "day-first" else "%m{0}%d{0}%Y"
    times = [" %H:%M:%S", " %H:%M", "", " %I:%M:%S %p", " %I:%M %p", "T%H:%M:%S"]
    return [day.format(sep) + t for sep in "/.-" for t in times]


def decide_order(export: Export, columns: Sequence[str], order: DateOrder) -> DateOrder:
    """Day-first or month-first for the dates of *columns*, from their values.

    Returns *order* unchanged unless it is ``"auto"``; ``"auto"`` stays only
    when the columns hold no day/month text at all.
    """
    if order not in ("auto", "day-first", "month-first"):
        raise ParameterError(
            f"dates={order!r} is not an accepted date order; use 'auto', 'day-first' or "
            "'month-first'."
        )
    if order != "auto":
        return order
    cells = [_text(export.frame[c]) for c in columns]
    text = pd.concat(cells, ignore_index=True) if cells else pd.Series([], dtype="str")
    numeric = text[text.str.match(_NUMERIC).fillna(False).astype(bool)]
    if numeric.empty:
        return "auto"
    day_first = numeric[numeric.str.match(_DAY_FIRST).astype(bool)]
    month_first = numeric[numeric.str.match(_MONTH_FIRST).astype(bool)]
    names = ", ".join(columns)
    if len(day_first) and len(month_first):
        raise DataError(
            f"{export.name}: columns {names}: dates are written both day-first (such as "
            f"{day_first.iloc[0]}) and month-first (such as {month_first.iloc[0]}). Export the "
            "file again with one date format."
        )
    if len(day_first):
        return "day-first"
    if len(month_first):
        return "month-first"
    raise DataError(
        f"{export.name}: columns {names}: no date tells whether it is written day-first or "
        f"month-first (such as {numeric.iloc[0]}). Say which: kpi import --day-first "
        "or --month-first (dates='day-first' or 'month-first' in Python)."
    )


def _localise(
    stamps: pd.Series, zoned: bool, timezone: str | None, source_tz: str | None
) -> pd.Series:
    if zoned:
        out = stamps.dt.tz_convert(timezone or "UTC")
        return out.dt.tz_localize(None)
    if source_tz and timezone:
        out = stamps.dt.tz_localize(source_tz, ambiguous="NaT", nonexistent="shift_forward")
        return out.dt.tz_convert(timezone).dt.tz_localize(None)
    return stamps


def parse_dates(
    values: pd.Series,
    export: Export,
    column: str,
    *,
    order: DateOrder,
    timezone: str | None = None,
    source_tz: str | None = None,
) -> pd.Series:
    """Parse *values* to naive ``datetime64[us]``; blank stays missing.

    Timestamps with a zone (``Z``, ``+01:00``) are converted to *timezone*
    (UTC when None); naive ones are taken as already in *timezone*, unless
    *source_tz* says the export wrote them in another zone.

    Examples
    --------
    >>> import numpy as np
    >>> from kpilib.importers._files import Export
    >>> ex = Export("deals.csv", pd.DataFrame(), np.array([2, 3, 4, 5]))
    >>> cells = pd.Series(["2025-02-22T03:33:00Z", "22/02/2025 03:33", 45710.5, ""])
    >>> parse_dates(cells, ex, "Create Date", order="day-first", timezone="Europe/Paris")
    0   2025-02-22 04:33:00
    1   2025-02-22 03:33:00
    2   2025-02-22 12:00:00
    3                   NaT
    dtype: datetime64[us]
    """
    obj = values.astype(object)
    empty = blank_mask(values) | obj.isna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    plain = only_text(obj)
    typed = pd.Series(False, index=values.index)
    if not plain:
        typed = obj.map(lambda v: isinstance(v, dt.date)).astype(bool) & ~empty
    if typed.any():
        out[typed] = pd.to_datetime(obj[typed].map(pd.Timestamp)).astype("datetime64[us]")
    serial = pd.Series(False, index=values.index)
    if not plain:
        serial = obj.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        serial = serial.astype(bool) & ~empty
    if serial.any():
        days = obj[serial].astype("float64")
        ok = days.between(1, 2958465)
        stamps = _EXCEL_ORIGIN + pd.to_timedelta(days.where(ok), unit="D").dt.round("s")
        out[serial] = stamps.astype("datetime64[us]")
    text = _text(obj).where(~empty & ~typed & ~serial)
    iso = text.str.match(_ISO).fillna(False).astype(bool)
    if iso.any():
        cells = text[iso].str.replace(r"\s*UTC$", "Z", regex=True)
        zoned = cells.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
        for flag in (True, False):
            part = cells[zoned == flag]
            if part.empty:
                continue
            stamps = pd.to_datetime(part, format="ISO8601", errors="coerce", utc=flag)
            local = _localise(stamps, flag, timezone, source_tz)
            out[part.index] = local.astype("datetime64[us]")
    todo = text.notna() & ~iso & text.str.match(_NUMERIC).fillna(False).astype(bool)
    if todo.any() and order != "auto":
        for fmt in _formats(order):
            cells = text[todo & out.isna()]
            if cells.empty:
                break
            stamps = pd.to_datetime(cells, format=fmt, errors="coerce")
            local = _localise(stamps, False, timezone, source_tz).astype("datetime64[us]")
            out[cells.index] = local.where(local.notna(), out[cells.index])
    bad = ~empty & out.isna()
    if bad.any():
        n, where = rows_text(export.rows, bad)
        raise DataError(
            f"{export.name}: column {column}: {n} {'row has' if n == 1 else 'rows have'} a "
            f"date that does not parse, such as {values[bad].iloc[0]!r} ({where}). Accepted: "
            "YYYY-MM-DD with an optional time, DD/MM/YYYY or MM/DD/YYYY, and Excel dates; "
            "fix those cells or export the file again."
        )
    return out
