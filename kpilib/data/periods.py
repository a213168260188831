"""Periods, business days and the as-of date.

A period is a month ("2026-10"), a fiscal quarter ("2026-Q4") or a fiscal year
("FY2026"). A fiscal year is named after the calendar year in which it ends:
with ``fiscal_year_start = 4``, FY2026 runs from April 2025 to March 2026 and
2026-Q1 is April-June 2025. With the default start (January) fiscal and
calendar years coincide.

Months are also handled as integer keys, ``year * 12 + month - 1``, so that
month arithmetic is integer arithmetic in every engine.

Business days are Monday to Friday (no holiday calendar), counted with
:func:`numpy.busday_count`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from kpilib.errors import ParameterError

__all__ = [
    "Period",
    "parse_period",
    "check_coverage",
    "month_key",
    "month_label",
    "business_days",
    "resolve_as_of",
    "Pace",
    "pace",
]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^FY(\d{4})$")
_LENGTH = {"month": 1, "quarter": 3, "year": 12}


def month_key(year: int, month: int) -> int:
    """Integer key of a month: ``year * 12 + month - 1``.

    Examples
    --------
    >>> month_key(2026, 10) - month_key(2025, 12)
    10
    """
    return year * 12 + month - 1


def month_label(key: int) -> str:
    """The "YYYY-MM" label of a month key.

    Examples
    --------
    >>> month_label(month_key(2026, 1))
    '2026-01'
    """
    return f"{key // 12:04d}-{key % 12 + 1:02d}"


def _first_day(key: int) -> dt.datetime:
    return dt.datetime(key // 12, key % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A month, fiscal quarter or fiscal year.

    ``first_month`` and ``last_month`` are month keys (see :func:`month_key`);
    ``start`` is the first day at 00:00 and ``end`` the first day after the
    period (exclusive).
    """

    label: str
    kind: Literal["month", "quarter", "year"]
    first_month: int
    fiscal_year_start: int = 1

    @property
    def months(self) -> int:
        """Number of months in the period (1, 3 or 12)."""
        return _LENGTH[self.kind]

    @property
    def last_month(self) -> int:
        """Month key of the period's last month."""
        return self.first_month + self.months - 1

    @property
    def start(self) -> dt.datetime:
        """First day of the period, 00:00."""
        return _first_day(self.first_month)

    @property
    def end(self) -> dt.datetime:
        """First day after the period, 00:00 (exclusive bound)."""
        return _first_day(self.first_month + self.months)

    @property
    def business_days(self) -> int:
        """Monday-to-Friday days in the period."""
        return business_days(self.start, self.end)

    def shift(self, n: int) -> Period:
        """The period *n* periods later (earlier when *n* < 0), of the same kind.

        Examples
        --------
        >>> parse_period("2026-Q1").shift(-1).label
        '2025-Q4'
        """
        first = self.first_month + n * self.months
        if self.kind == "month":
            label = month_label(first)
        else:
            # fiscal year named after the calendar year of its last month
            fy_first = first - (first - (self.fiscal_year_start - 1)) % 12
            fy = (fy_first + 11) // 12
            if self.kind == "year":
                label = f"FY{fy}"
            else:
                label = f"{fy}-Q{(first - fy_first) // 3 + 1}"
        return Period(label, self.kind, first, self.fiscal_year_start)

    def contains(self, other: Period) -> bool:
        """Whether *other* lies wholly inside this period."""
        return self.first_month <= other.first_month and other.last_month <= self.last_month

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one month."""
        return self.first_month <= other.last_month and other.first_month <= self.last_month


def parse_period(text: str, *, fiscal_year_start: int = 1) -> Period:
    """Parse "2026-10", "2026-Q4" or "FY2026" into a :class:`Period`.

    Parameters
    ----------
    text
        The period: a month ``YYYY-MM``, a fiscal quarter ``YYYY-Qn`` or a
        fiscal year ``FYYYYY``.
    fiscal_year_start
        Month (1-12) that starts the fiscal year; a fiscal year is named after
        the calendar year in which it ends.

    Examples
    --------
    >>> p = parse_period("FY2026", fiscal_year_start=4)
    >>> p.start.date(), p.end.date()
    (datetime.date(2025, 4, 1), datetime.date(2026, 4, 1))
    >>> parse_period("2026-Q4").start.date()
    datetime.date(2026, 10, 1)
    """
    if not (isinstance(fiscal_year_start, int) and 1 <= fiscal_year_start <= 12):
        raise ParameterError(
            f"fiscal_year_start = {fiscal_year_start!r} is invalid; expected a whole month "
            "number from 1 to 12."
        )
    value = text.strip() if isinstance(text, str) else text
    if isinstance(value, str):
        if (m := _MONTH.match(value)) and 1900 <= int(m[1]) <= 2199:
            return Period(value, "month", month_key(int(m[1]), int(m[2])), fiscal_year_start)
        fy_first = None
        if m := _MONTH.match(value):
            year, quarter = int(m[1]), -1
        elif m := _QUARTER.match(value):
            year, quarter = int(m[1]), int(m[2])
        elif m := _YEAR.match(value):
            year, quarter = int(m[1]), 0
        else:
            year = quarter = -1
        if year >= 0 and not 1900 <= year <= 2199:
            raise ParameterError(
                f"period {text!r} is out of range: the kit reads years 1900 to 2199."
            )
        if year >= 0:
            # FY<year> ends in <year>: it starts in <year> (start = 1) or <year> - 1
            fy_first = month_key(year if fiscal_year_start == 1 else year - 1, fiscal_year_start)
            if quarter > 0:
                return Period(value, "quarter", fy_first + 3 * (quarter - 1), fiscal_year_start)
            return Period(value, "year", fy_first, fiscal_year_start)
    raise ParameterError(
        f"period {text!r} is not understood. Write a month as 2026-10, a fiscal quarter as "
        "2026-Q4 or a fiscal year as FY2026."
    )


def check_coverage(
    period: str, *, as_of: Any, first: Any, last: Any, fiscal_year_start: int = 1
) -> None:
    """Refuse a *period* the data cannot speak for, and an *as_of* before it starts.

    *first* and *last* are the first and last dates the data holds (a
    dataset's first ``lead_at`` and its ``as_of``); a period ending before
    *first* or starting after *last* is refused, stating the dates covered.

    Examples
    --------
    >>> check_coverage("2027-03", as_of=None, first="2024-11-01", last="2026-10-31")
    Traceback (most recent call last):
    ...
    kpilib.errors.ParameterError: period 2027-03 starts after the data's last date: the data covers 2024-11-01 to 2026-10-31. Choose a period within those dates, or give data that covers 2027-03.
    """
    p = parse_period(period, fiscal_year_start=fiscal_year_start)
    if pd.isna(first) or pd.isna(last):
        return
    start, end = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    covers = f"the data covers {start:%Y-%m-%d} to {end:%Y-%m-%d}"
    if p.start > end:
        raise ParameterError(
            f"period {p.label} starts after the data's last date: {covers}. Choose a period "
            f"within those dates, or give data that covers {p.label}."
        )
    if p.end <= start:
        raise ParameterError(
            f"period {p.label} ends before the data's first date: {covers}. Choose a period "
            f"within those dates, or give data that covers {p.label}."
        )
    if as_of not in (None, "") and resolve_as_of(as_of, None) < p.start:
        raise ParameterError(
            f"as-of {resolve_as_of(as_of, None):%Y-%m-%d} is before period {p.label} starts "
            f"({p.start:%Y-%m-%d}): nothing of the period is known by then; {covers}. Give an "
            "as-of within or after the period."
        )


def business_days(start: Any, end: Any) -> int:
    """Monday-to-Friday days from *start* (included) to *end* (excluded).

    Examples
    --------
    >>> business_days(dt.date(2026, 10, 1), dt.date(2026, 11, 1))  # October 2026
    22
    """
    return int(np.busday_count(_day(start), _day(end)))


def _day(value: Any) -> np.datetime64:
    return np.datetime64(pd.Timestamp(value).date(), "D")


def resolve_as_of(as_of: Any, latest: Any) -> dt.datetime:
    """The as-of day (00:00): *as_of* when given, else the day of *latest*.

    Everything dated before the day after the result counts; nothing later.
    Accepts an ISO date string, a ``date``, ``datetime`` or ``Timestamp``.

    Examples
    --------
    >>> resolve_as_of(None, dt.datetime(2026, 10, 31, 23, 58))
    datetime.datetime(2026, 10, 31, 0, 0)
    >>> resolve_as_of("2026-10-15", None)
    datetime.datetime(2026, 10, 15, 0, 0)
    """
    value = latest if as_of is None else as_of
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if isinstance(value, bool) or value is None or pd.isna(stamp):
        if as_of is None:
            raise ParameterError(
                "as_of could not be inferred: the data holds no date. Pass as_of='YYYY-MM-DD'."
            )
        raise ParameterError(
            f"as_of = {as_of!r} is not a date. Pass a date such as '2026-10-31', a "
            "datetime.date or a pandas Timestamp."
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    if not 1900 <= stamp.year <= 2199:
        raise ParameterError(
            f"as_of = {as_of if as_of is not None else latest!r} is out of range: the kit reads "
            "years 1900 to 2199."
        )
    return dt.datetime(stamp.year, stamp.month, stamp.day)


@dataclass(frozen=True)
class Pace:
    """Where a period stands at an as-of day.

    ``state`` is "closed" (as_of on or after the period's last day), "open"
    (as_of inside it) or "future" (before it starts). ``elapsed`` counts
    business days from the start to as_of inclusive, ``left`` those after.
    """

    state: Literal["closed", "open", "future"]
    total: int
    elapsed: int

    @property
    def left(self) -> int:
        """Business days after as_of in the period."""
        return self.total - self.elapsed


def pace(period: Period, as_of: Any) -> Pace:
    """The :class:`Pace` of *period* at *as_of*.

    Examples
    --------
    >>> pace(parse_period("2026-10"), "2026-10-15")  # Thu 1 .. Thu 15 October
    Pace(state='open', total=22, elapsed=11)
    """
    day = resolve_as_of(as_of, None)
    total = period.business_days
    last_day = period.end - dt.timedelta(days=1)
    if day >= last_day:
        return Pace("closed", total, total)
    if day < period.start:
        return Pace("future", total, 0)
    return Pace("open", total, business_days(period.start, day + dt.timedelta(days=1)))
