"""The KPI tables as one Excel workbook: a sheet per table, formatted by column kind.

Each column is formatted by its kind (:mod:`kpilib.kpis.columns`): money in
the dataset's currency with its symbol and minor unit, rates as percentages,
counts and months as whole numbers, days to one decimal, dates as
YYYY-MM-DD; a ``measure`` column (attainment's target, actual...) cell by
cell, money on a revenue row and a count on the others. Every sheet has a
bold header row that stays in view (frozen), an autofilter over the table,
and columns as wide as their longest shown value. Values are those of
:func:`kpilib.kpis.columns.for_writing` (money rounded to the minor unit);
text is neutralised (:func:`kpilib.kpis.tables.neutralise`) before it gets here,
and control characters a worksheet cannot hold (``\x00``-``\x1f`` but tab, line
feed and carriage return) are shown as U+FFFD, the replacement character.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_symbol
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kpilib.kpis.columns import Kind, for_writing, kinds, minor_digits, money_rows

__all__ = ["FORMATS", "money_format", "write_workbook"]

#: The Excel number format of each kind (money's is :func:`money_format`'s).
FORMATS: dict[str, str] = {
    "count": "#,##0",
    "months": "0",
    "rate": "0.0%",
    "days": "0.0",
    "number": "0.00",
    "date": "yyyy-mm-dd",
    "flag": "General",
    "text": "General",
}
_FRACTION = "#,##0.00"  # a count's projection or average (measure columns)
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def money_format(currency: str, locale: str) -> str:
    """The Excel number format of an amount in *currency*, its symbol placed as in
    *locale* and as many decimals as its minor unit.

    Examples
    --------
    >>> money_format("EUR", "fr_FR")
    '#,##0.00" €"'
    >>> money_format("USD", "en_US"), money_format("JPY", "en_GB")
    ('"$"#,##0.00', '"JP¥"#,##0')
    """
    try:
        where = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        where = Locale.parse("en_GB")
    symbol = get_currency_symbol(currency, where).replace('"', "")
    digits = minor_digits(currency)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    pattern = where.currency_formats["standard"].pattern.split(";")[0].strip()
    if pattern.startswith("¤"):
        return f'"{symbol}"{number}'
    return f'{number}" {symbol}"'


def _cell(value: Any) -> Any:
    """A value openpyxl writes: None for a missing one, Python scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):  # control characters a worksheet cannot hold, shown as �
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if hasattr(value, "item"):  # a numpy scalar
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _shown(value: Any, number_format: str) -> str:
    """About the text Excel shows for *value* in *number_format* (for column widths)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return "2026-10-31"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if number_format.endswith("%"):
        return f"{value * 100:,.1f}%"
    decimals = number_format.split(".")[1].count("0") if "." in number_format else 0
    quoted = number_format.split('"')[1::2]  # the currency symbol, with its space
    return f"{value:,.{decimals}f}" + "".join(quoted)


def _formats(frame: pd.DataFrame, kind: Kind, money: str, money_rows: list[bool]) -> list[str]:
    """The number format of each cell of a column of *kind*."""
    if kind == "money":
        return [money] * len(frame)
    if kind != "measure":
        return [FORMATS[kind]] * len(frame)
    return [money if row else _FRACTION for row in money_rows]


def _sheet(book: Workbook, name: str, frame: pd.DataFrame, money: str, currency: str) -> None:
    """Add *frame* (as written) to *book* as sheet *name*."""
    sheet = book.create_sheet(title=name[:31])
    columns = [str(c) for c in frame.columns]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    column_kinds = kinds(frame)
    written = for_writing(frame, currency)
    by_row = money_rows(frame).tolist()
    for j, name_ in enumerate(columns, start=1):
        kind = column_kinds[name_]
        values = [_cell(v) for v in written[name_].astype(object).tolist()]
        formats = _formats(frame, kind, money, by_row)
        if kind == "measure":  # a count's whole values as whole numbers
            formats = [
                f if f == money or not isinstance(v, int) else FORMATS["count"]
                for f, v in zip(formats, values, strict=True)
            ]
        width = len(name_)
        for i, (value, number_format) in enumerate(zip(values, formats, strict=True), start=2):
            cell = sheet.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif value is not None:
                cell.number_format = number_format
            width = max(width, len(_shown(value, number_format)))
        letter = get_column_letter(j)
        sheet.column_dimensions[letter].width = min(_MAX_WIDTH, max(_MIN_WIDTH, width + 2))
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(columns)))
    sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"


def write_workbook(
    tables: dict[str, pd.DataFrame], path: Path, *, currency: str, locale: str
) -> None:
    """Write *tables* to the workbook *path*, a sheet per table in their order.

    Money is shown in *currency* (its symbol placed as *locale* places it);
    see the module's docstring for every other format.
    """
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    money = money_format(currency, locale)
    for name, frame in tables.items():
        _sheet(book, name, frame, money, currency)
    book.save(path)
