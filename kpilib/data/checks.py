"""The column checks of :mod:`kpilib.data.load`: each parses one kind of
column and records its problems, naming the file, the column and the rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpilib.data.parse import number_marks, parse_date, parse_number, parse_text
from kpilib.data.read import RawTable
from kpilib.data.require import Required, missing, missing_message
from kpilib.data.settings import Settings
from kpilib.data.text import mojibake

__all__ = [
    "Checker",
    "require",
    "dates",
    "numbers",
    "texts",
    "unique",
    "cut_short",
    "garbled",
    "date_bounds",
    "latest_date",
]

_SHOWN_ROWS = 5


@dataclass
class Checker:
    """Collects the problems of one load, per file."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def rows(self, raw: RawTable, mask: pd.Series) -> tuple[int, str]:
        positions = np.flatnonzero(mask.to_numpy(dtype=bool))
        line_of = raw.row_numbers()
        shown = ", ".join(str(int(line_of[i])) for i in positions[:_SHOWN_ROWS])
        more = ", …" if len(positions) > _SHOWN_ROWS else ""
        return len(positions), f"{'row' if len(positions) == 1 else 'rows'} {shown}{more}"

    def flag(
        self, raw: RawTable, column: str, mask: pd.Series, what: str, hint: str, *, warn=False
    ) -> None:
        if not mask.any():
            return
        n, where = self.rows(raw, mask)
        noun = "row has" if n == 1 else "rows have"
        message = f"{raw.name}: column {column}: {n} {noun} {what} ({where}). {hint}"
        (self.warnings if warn else self.errors).append(message)


_DATE_HINT = "Write dates as YYYY-MM-DD (a time may follow), or set day_first = true in kpi.toml for DD/MM/YYYY."
_NUMBER_HINT = (
    "Write plain numbers such as 1234.56 or 1234,56 (one decimal mark in the whole column), "
    "without currency signs."
)
_FIRST_DATE, _LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")
_LIMIT = 1e15


_RENAME = "rename the matching columns as docs/data-model.md shows."


def require(
    check: Checker, raw: RawTable, required: Required, table: str, fix: str = _RENAME
) -> bool:
    """Record the columns of *required* that the file of *table* lacks; whether none is
    missing (the one check of :mod:`kpilib.data.require`, per file)."""
    have = [str(c) for c in raw.frame.columns]
    lacking = missing(have, required)
    if lacking:
        shown = list(raw.file_columns) if raw.file_columns is not None else have
        check.errors.append(
            missing_message(
                raw.name,
                lacking,
                shown,
                required,
                expects=f"kpilib.load_dataset expects the {table} table",
                fix=fix,
            )
        )
    return not lacking


_NAT = np.iinfo(np.int64).min  # NaT in a datetime64 column's integers


def date_bounds(dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last dates of *dates* (NaT and NaT when it has none).

    On a datetime64 column, read from its integers, where NaT is the smallest:
    pandas' own min and max mask the NaT first (10M leads' five date columns and
    the orders': 0.35 s, measured)."""
    held = _date_ints(dates)
    if held is None:
        return dates.min(), dates.max()
    ints, unit = held
    last = ints.max()
    if last == _NAT:
        return pd.NaT, pd.NaT
    first = ints.min()
    if first == _NAT:
        first = ints[ints != _NAT].min()
    return _stamp(first, unit), _stamp(last, unit)


def latest_date(dates: pd.Series) -> pd.Timestamp:
    """The last date of *dates* (NaT when it has none): :func:`date_bounds`'s second,
    without looking for the first (a copy of the dates where some are missing)."""
    held = _date_ints(dates)
    if held is None:
        return dates.max()
    last = held[0].max()
    return pd.NaT if last == _NAT else _stamp(last, held[1])


def _date_ints(dates: pd.Series) -> tuple[np.ndarray, str] | None:
    """The integers of a non-empty datetime64 column and their unit; None otherwise."""
    values = dates.to_numpy()
    if values.dtype.kind != "M" or not len(values):
        return None
    return values.view("i8"), np.datetime_data(values.dtype)[0]


def _stamp(value: np.integer, unit: str) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(value), unit))


def dates(check: Checker, raw: RawTable, cols: list[str], settings: Settings) -> dict:
    out = {}
    for col in cols:
        if col in raw.frame.columns:
            out[col], bad = parse_date(raw.frame[col], day_first=settings.day_first)
            check.flag(raw, col, bad, "a date that does not parse", _DATE_HINT)
            first, last = date_bounds(out[col])  # NaT when no date
            if first is pd.NaT or (first >= _FIRST_DATE and last < _LAST_DATE):
                continue  # the usual case: no date out of bounds, the column not copied
            far = (out[col] < _FIRST_DATE) | (out[col] >= _LAST_DATE)
            check.flag(
                raw,
                col,
                far.fillna(False).astype(bool),
                "a date outside 1900-01-01 to 2199-12-31",
                "Such a date is a placeholder or a typo: fix it in the export, or leave the "
                "cell blank.",
            )
            out[col] = out[col].where(~far.fillna(False).astype(bool))
    return out


def numbers(
    check: Checker, raw: RawTable, cols: list[str], non_negative: list[str], settings: Settings
) -> dict:
    out = {}
    for col in cols:
        if col in raw.frame.columns:
            values = raw.frame[col]
            if _typed_number(values):  # no cell is text: no mark to read (Parquet, .xlsx)
                out[col], bad = parse_number(values)
            else:
                marks = number_marks(values)
                decimal = _decimal_mark(check, raw, col, marks, settings)
                out[col], bad = parse_number(values, decimal=decimal or ".", marks=marks)
                if decimal is None:
                    out[col] = out[col].where(marks == "")
                    bad = pd.Series(False, index=bad.index)
            check.flag(raw, col, bad, "a number that does not parse", _NUMBER_HINT)
            check.flag(
                raw,
                col,
                out[col].abs() >= _LIMIT,
                "a number of 10^15 or more",
                "Check the export: such an amount is a typo or an id in the wrong column.",
            )
            if col in non_negative:
                check.flag(
                    raw,
                    col,
                    out[col] < 0,
                    "a negative value",
                    f"{col.capitalize()} must be >= 0; record refunds or credits as a separate "
                    "category, or fix the export.",
                )
    return out


def _typed_number(values: pd.Series) -> bool:
    """Whether a column holds typed numbers only (booleans aside), as a Parquet file's
    may: :func:`number_marks` of each is "" (0.4 s of comparisons of 10M texts at
    10M leads, for nothing)."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _decimal_mark(
    check: Checker, raw: RawTable, col: str, marks: pd.Series, settings: Settings
) -> str | None:
    """The decimal mark of a number column, from its values' *marks*, else from
    the locale kpi.toml sets; None, with the problem recorded, when neither settles it."""
    point, comma = marks == ".", marks == ","
    if point.any() and comma.any():
        _, at_point = check.rows(raw, point)
        _, at_comma = check.rows(raw, comma)
        check.errors.append(
            f"{raw.name}: column {col}: both decimal marks are used: a point ({at_point}) and "
            f"a comma ({at_comma}). Write every number of a column with the same decimal mark."
        )
        return None
    if point.any() or comma.any():
        return "." if point.any() else ","
    two_ways = marks.str.startswith("?")
    if not two_ways.any():
        return "."
    if settings.decimal_mark:
        return settings.decimal_mark
    n, where = check.rows(raw, two_ways)
    first = str(raw.frame[col][two_ways].iloc[0]).strip()
    digits = first.replace(".", "").replace(",", "")
    as_decimal = first.replace(",", ".")
    check.errors.append(
        f"{raw.name}: column {col}: {n} {'value reads' if n == 1 else 'values read'} two "
        f"ways ({where}): {first} is {as_decimal} with a decimal mark, or {digits} with a "
        "thousands separator, and no value of the column settles it. Set locale in kpi.toml "
        '("en_GB" reads a point as the decimal mark, "fr_FR" a comma), or write the numbers '
        "without thousands separators."
    )
    return None


def cut_short(check: Checker, raw: RawTable, required: tuple[str, ...]) -> None:
    """Rows with fewer cells than the header: an error where a required value is lost."""
    columns = list(raw.frame.columns)
    if raw.widths is None or not len(raw.widths) or raw.widths.min() >= len(columns):
        return  # no row is short
    widths = pd.Series(raw.widths, index=raw.frame.index)
    lost = pd.Series(False, index=raw.frame.index)
    for col in required:
        if col in columns:
            cut = widths <= columns.index(col)
            check.flag(
                raw,
                col,
                cut,
                "no cell for this column (the row has fewer cells than the header)",
                "Give every row as many cells as the header has columns, or fix the export.",
            )
            lost |= cut
    short = (widths < len(columns)) & ~lost
    if short.any():
        n, where = check.rows(raw, short)
        check.warnings.append(
            f"{raw.name}: {n} {'row has' if n == 1 else 'rows have'} fewer cells than the "
            f"header ({where}); the missing cells are read as blank."
        )


def garbled(check: Checker, raw: RawTable, cols: list[str]) -> None:
    if not raw.maybe_garbled:
        return
    for col in cols:
        if col in raw.frame.columns:
            garbled = mojibake(raw.frame[col])
            if garbled.any():
                example = str(raw.frame[col][garbled].iloc[0]).strip()[:40]
                check.flag(
                    raw,
                    col,
                    garbled,
                    f"text that looks garbled, such as {example!r}",
                    "The file was saved as UTF-8 and later opened as Windows-1252: export it "
                    "again as CSV UTF-8.",
                    warn=True,
                )


def texts(raw: RawTable, cols: list[str]) -> dict:
    return {c: parse_text(raw.frame[c]) for c in cols if c in raw.frame.columns}


def _all_distinct(values: pd.Series) -> bool:
    """Whether the non-missing *values* are all different
    (:func:`kpilib.data.kernels.all_distinct`: an Arrow-backed column is not copied);
    False when Arrow cannot tell (mixed cells)."""
    import pyarrow as pa

    from kpilib.data.kernels import all_distinct

    try:
        return all_distinct(pa.array(values.array))
    except (pa.ArrowException, TypeError, ValueError):
        return False


def unique(check: Checker, raw: RawTable, values: pd.Series, column: str) -> None:
    if _all_distinct(values):  # the usual case, at a fraction of pandas' duplicated
        return
    dup = values.notna() & values.duplicated(keep=False)
    check.flag(
        raw,
        column,
        dup,
        "a duplicate id",
        f"Each {column} must appear once; remove or merge the duplicates.",
    )
