"""The kind of each KPI table column, and the tables as written: rounded, typed.

A column's kind says what its numbers are, hence how a table is written
(CSV, a workbook) and how a workbook formats it; in memory every value stays
exact. The kinds:

========  ==========================================  ===================
kind      holds                                       written as
========  ==========================================  ===================
count     whole numbers (int64; Int64 when missing)   a whole number
money     an amount in the dataset's currency         rounded to the
                                                      currency's minor unit
measure   the row's metric: money on a revenue row,   money rows as money,
          a count otherwise (attainment's target...)  others to 2 decimals
rate      a fraction (0.873 = 87.3 %)                 as is (percent in xlsx)
days      a duration in days                          to 2 decimals
months    whole months (Int64: can be missing)        a whole number
date      a date or datetime                          the date
number    any other number (a ratio, a projection)    as is
flag      True / False                                True / False
text      text                                        neutralised text
========  ==========================================  ===================

**The rule that gives a column its kind**, first match wins:

1. :data:`COLUMN_KINDS`, a column name's kind. A new table declares a column
   there with one entry when its name says nothing the rules below read.
2. The name: ``cost_*`` and ``*_cost``, ``*_revenue``, ``*_margin``,
   ``*margin_per_customer``, ``*_value`` and ``*_clv`` are money; ``*_rate``, ``*_conversion``,
   ``*_share`` and ``ci_*`` rates; ``*_days`` and ``*_days_*`` days;
   ``*_months`` months; ``*_at`` dates; ``n_*`` counts; ``flag_*`` flags.
3. The dtype: bool is a flag, integer a count, datetime a date, any other
   number a number, the rest text.

So a table added to :data:`kpilib.kpis.tables.TABLE_NAMES` whose columns
follow the naming of docs/kpis.md (units in the names: ``retention_rate``,
``forecast_revenue``, ``cycle_days``) is written and formatted without an
edit here.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import pandas as pd
from babel.numbers import get_currency_precision

from kpilib.data.schema import METRICS

__all__ = [
    "Kind",
    "COLUMN_KINDS",
    "MONEY_METRICS",
    "kind_of",
    "kinds",
    "minor_digits",
    "money_rows",
    "for_writing",
    "empty_table",
]

Kind = Literal[
    "count", "money", "measure", "rate", "days", "months", "date", "number", "flag", "text"
]

#: Each known column name's kind (the rule's first step): every column of the
#: KPI tables whose name the patterns below would not read right.
COLUMN_KINDS: dict[str, Kind] = {
    # keys and labels
    "period": "text",
    "cohort": "text",
    "metric": "text",
    "scope": "text",
    "team": "text",
    "owner": "text",
    "source": "text",
    "channel": "text",
    "stage": "text",
    "status": "text",
    "cac_note": "text",
    # counts
    "reached": "count",
    "lost": "count",
    "leads": "count",
    "converted": "count",
    "customers": "count",
    "new_customers": "count",
    "qualified": "count",
    "closed": "count",
    "sales": "count",
    "months_since": "count",
    "active": "count",
    "months_observed": "count",
    "business_day": "count",
    "rank": "count",
    # money
    "cost": "money",
    "cac": "money",
    "clv": "money",
    "amount": "money",
    "revenue": "money",
    "average_deal": "money",
    # attainment: the metric of the row
    "target": "measure",
    "actual": "measure",
    "gap": "measure",
    "projected": "measure",
    "trailing_average": "measure",
    "required_per_business_day": "measure",
    "cumulative": "measure",
    "target_path": "measure",
    # forecast: the metric of the row too
    "actual_to_date": "measure",
    "expected": "measure",
    "low": "measure",
    "high": "measure",
    # fractions and ratios
    "attainment": "rate",
    "projected_attainment": "rate",
    "realism": "rate",
    "win_rate": "rate",
    "qualified_to_customer": "rate",
    "retention": "rate",
    "ltv_to_cac": "number",
    "day": "date",
    "immature": "flag",
}

#: The target metrics that are amounts of money (the others are counts).
MONEY_METRICS = frozenset({"revenue"})
assert MONEY_METRICS <= set(METRICS)

_SUFFIXES: tuple[tuple[str, Kind], ...] = (
    ("margin_per_customer", "money"),
    ("_cost", "money"),
    ("_revenue", "money"),
    ("_margin", "money"),
    ("_value", "money"),
    ("_clv", "money"),
    ("_rate", "rate"),
    ("_conversion", "rate"),
    ("_share", "rate"),
    ("_days", "days"),
    ("_months", "months"),
    ("_at", "date"),
)
_PREFIXES: tuple[tuple[str, Kind], ...] = (
    ("cost_", "money"),
    ("ci_", "rate"),
    ("n_", "count"),
    ("flag_", "flag"),
)


def kind_of(name: str, dtype: Any = None) -> Kind:
    """The kind of column *name* of dtype *dtype* (see the module's rule).

    Examples
    --------
    >>> kind_of("reached"), kind_of("cost_salaries"), kind_of("retention_rate")
    ('count', 'money', 'rate')
    >>> kind_of("median_days_from_previous"), kind_of("forecast_revenue")
    ('days', 'money')
    >>> kind_of("deals", "int64"), kind_of("region", "str"), kind_of("score", "float64")
    ('count', 'text', 'number')
    """
    if name in COLUMN_KINDS:
        return COLUMN_KINDS[name]
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix):
            return kind
    for prefix, kind in _PREFIXES:
        if name.startswith(prefix):
            return kind
    if "_days_" in name:
        return "days"
    if dtype is None:
        return "text"
    if pd.api.types.is_bool_dtype(dtype):
        return "flag"
    if pd.api.types.is_integer_dtype(dtype):
        return "count"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    return "text"


def kinds(frame: pd.DataFrame) -> dict[str, Kind]:
    """The kind of each column of *frame*, by name."""
    return {str(c): kind_of(str(c), frame[c].dtype) for c in frame.columns}


def minor_digits(currency: str) -> int:
    """Decimal places of *currency*'s minor unit (ISO 4217, from Babel's data).

    Examples
    --------
    >>> minor_digits("EUR"), minor_digits("JPY"), minor_digits("BHD")
    (2, 0, 3)
    """
    return int(get_currency_precision(currency))


def _rounded(values: pd.Series, digits: int) -> pd.Series:
    """Numbers rounded to *digits* places; with 0, whole numbers (Int64)."""
    out = pd.to_numeric(values, errors="coerce").astype("float64").round(digits)
    return out.astype("Int64") if digits == 0 else out


def money_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose measure columns are money: those of a money metric."""
    if "metric" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["metric"].isin(MONEY_METRICS).fillna(False).astype(bool)


def _measure(values: pd.Series, money: pd.Series, digits: int) -> pd.Series:
    """A measure column as written: money rows to *digits* places, count rows whole
    when whole (an actual), else to 2 decimals (a projection); objects per cell."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    cells: list[object] = []
    for value, is_money in zip(numbers.tolist(), money.tolist(), strict=True):
        if math.isnan(value):
            cells.append(None)
            continue
        value = round(value, digits if is_money else 2)
        whole = value == int(value) and (not is_money or digits == 0)
        cells.append(int(value) if whole else value)
    return pd.Series(cells, index=values.index, dtype="object")


def for_writing(frame: pd.DataFrame, currency: str, *, text: bool = False) -> pd.DataFrame:
    """A copy of *frame* as it is written: money rounded to *currency*'s minor unit,
    counts and months whole, days to 2 decimals, measures by their row's metric.

    The frame itself is left exact; the copy's numbers print without float noise
    (``456180.07``, not ``456180.07000000007``; ``2226``, not ``2226.0``). With
    *text* (for CSV), amounts of money become text with exactly the minor
    unit's decimals (``111300.00``; ``1234`` in yen).

    Examples
    --------
    >>> frame = pd.DataFrame({"metric": ["leads", "revenue"], "actual": [2226.0, 0.1 + 0.2],
    ...                       "cost": [456180.07000000007, 12.3456]})
    >>> for_writing(frame, "EUR").to_dict("list")
    {'metric': ['leads', 'revenue'], 'actual': [2226, 0.3], 'cost': [456180.07, 12.35]}
    >>> for_writing(frame, "EUR", text=True).to_dict("list")
    {'metric': ['leads', 'revenue'], 'actual': [2226, '0.30'], 'cost': ['456180.07', '12.35']}
    """
    out = frame.copy()
    digits = minor_digits(currency)
    money = money_rows(out)
    for name, kind in kinds(out).items():
        if kind == "money":
            out[name] = _rounded(out[name], digits)
            if text:
                out[name] = _money_text(out[name], pd.Series(True, index=out.index), digits)
        elif kind in ("count", "months"):
            if not pd.api.types.is_integer_dtype(out[name].dtype):
                out[name] = _rounded(out[name], 0)
        elif kind == "days":
            out[name] = _rounded(out[name], 2)
        elif kind == "measure":
            out[name] = _measure(out[name], money, digits)
            if text:
                out[name] = _money_text(out[name], money, digits)
    return out


def _money_text(values: pd.Series, money: pd.Series, digits: int) -> pd.Series:
    """*values* (rounded) where *money* holds as text with *digits* decimals; others kept."""
    cells = [
        f"{v:.{digits}f}" if is_money and not pd.isna(v) else (None if pd.isna(v) else v)
        for v, is_money in zip(values.astype(object).tolist(), money.tolist(), strict=True)
    ]
    return pd.Series(cells, index=values.index, dtype="object")


_DTYPES: dict[str, str] = {
    "count": "int64",
    "months": "Int64",
    "money": "float64",
    "measure": "float64",
    "rate": "float64",
    "days": "float64",
    "number": "float64",
    "flag": "bool",
    "date": "datetime64[us]",
    "text": "str",
}


def empty_table(columns: list[str]) -> pd.DataFrame:
    """A table of *columns* with no row, each column typed by its kind.

    Examples
    --------
    >>> empty_table(["period", "new_customers", "cac"]).dtypes.astype(str).to_dict()
    {'period': 'str', 'new_customers': 'int64', 'cac': 'float64'}
    """
    return pd.DataFrame({c: pd.Series([], dtype=_DTYPES[kind_of(c)]) for c in columns})
