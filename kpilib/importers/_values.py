"""Cell values of exports: ids, amounts and yes/no flags, vectorised.

Each parser takes a column of raw cells (text from CSV, stored values from
.xlsx) and returns the parsed column; problems are raised as one
:class:`~kpilib.errors.DataError` naming the file, column and rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpilib.errors import DataError
from kpilib.importers._files import Export
from kpilib.importers._text import plural, rows_text

__all__ = ["blank_mask", "parse_amounts", "parse_flags", "parse_ids", "parse_texts"]

# How Excel and its kin show a long number: one digit, up to 14 decimals, a signed
# exponent ("1.89165E+11", "1,23457E+15"). A hexadecimal id such as
# 401013266745e5661589292315434968 has no sign after its "e", so it is text.
_SCIENTIFIC = r"^[+-]?\d(?:[.,]\d{1,14})?[eE][+-]\d{1,3}$"
_TRUE = {"true", "yes", "1", "y", "x", "oui", "vrai", "won", "gagne", "gagnee", "ja", "si", "sim"}
_FALSE = {"false", "no", "0", "n", "non", "faux", "nein", "nao", ""}


def only_text(values: pd.Series) -> bool:
    """Whether every cell is text or missing (CSV cells), so no typed value needs care."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def blank_mask(values: pd.Series) -> pd.Series:
    """Cells holding nothing: missing, or text of spaces only."""
    text = values.astype(object).astype("str").str.strip()
    return (values.isna() | (text == "")).astype(bool)


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped text; whole floats from .xlsx lose their ``.0``."""
    obj = values.astype(object)
    if not only_text(obj):
        whole = obj.map(lambda v: isinstance(v, float) and v.is_integer()).astype(bool)
        if whole.any():
            obj = obj.where(~whole, obj[whole].map(lambda v: str(int(v))))
    return obj.astype("str").str.strip()


def parse_texts(values: pd.Series) -> pd.Series:
    """Cells as stripped text, blank as missing.

    Examples
    --------
    >>> parse_texts(pd.Series([" North ", "", None, 12.0])).tolist()
    ['North', nan, nan, '12']
    """
    text = _as_text(values)
    return text.where(~blank_mask(values)).astype("str")


def parse_ids(values: pd.Series, export: Export, column: str) -> pd.Series:
    """Ids as text; ids that Excel turned into scientific notation are an error.

    Only Excel's own notation (``1.89165E+11``: one digit, a signed
    exponent) is refused; ids that merely hold digits around an ``e``, such as
    hexadecimal ones, are kept as they are.

    Examples
    --------
    >>> from kpilib.importers._files import Export
    >>> ex = Export("deals.csv", pd.DataFrame(), np.array([2, 3, 4]))
    >>> parse_ids(pd.Series(["0042", 189165000123.0, None]), ex, "Record ID").tolist()
    ['0042', '189165000123', nan]
    >>> parse_ids(pd.Series(["52e7", "839201755440e7301928374650192837"]), ex, "mql_id").tolist()
    ['52e7', '839201755440e7301928374650192837']
    """
    text = parse_texts(values)
    sci = text.str.match(_SCIENTIFIC).fillna(False).astype(bool)
    if sci.any():
        n, where = rows_text(export.rows, sci)
        example = text[sci].iloc[0]
        raise DataError(
            f"{export.name}: column {column}: {n} {'id is' if n == 1 else 'ids are'} in Excel "
            f"scientific notation, such as {example} ({where}); their last digits are lost. "
            "Export the file again and do not open and save it in Excel (or import it in "
            "Excel with this column as Text)."
        )
    return text


def _decimal_comma(text: pd.Series) -> bool:
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    if both.any():
        last = text[both].map(lambda v: v.rfind(",") > v.rfind("."))
        return bool(last.mean() > 0.5)
    comma_decimal = text.str.contains(r",(?:\d{1,2}|\d{4,})$", regex=True).any()
    dot_thousands = text.str.contains(r"^-?\d{1,3}(?:\.\d{3}){2,}$", regex=True).any()
    return bool(comma_decimal or dot_thousands)


def parse_amounts(values: pd.Series, export: Export, column: str) -> pd.Series:
    """Money as float; blank and ``--`` stay missing, never 0.

    Accepts ``1234.5``, ``1,234.56``, ``1.234,56``, ``1 234,56``, currency
    signs and codes; the decimal mark is decided per column.

    Examples
    --------
    >>> from kpilib.importers._files import Export
    >>> ex = Export("ads.csv", pd.DataFrame(), np.array([2, 3, 4, 5]))
    >>> parse_amounts(pd.Series(["1,234.56", "--", "", "€ 12"]), ex, "Cost").tolist()
    [1234.56, nan, nan, 12.0]
    >>> parse_amounts(pd.Series(["1 234,5", "7,25"]), ex, "Montant").tolist()
    [1234.5, 7.25]
    """
    obj = values.astype(object)
    numeric = pd.Series(False, index=values.index)
    if not only_text(obj):
        numeric = obj.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        numeric = numeric.astype(bool) & obj.notna()
    text = obj.astype("str").str.strip()
    empty = blank_mask(values) | text.isin(["--", "-", "—", "n/a", "N/A", "nan"]) | obj.isna()
    text = text.str.replace(r"[\s\u00a0\u202f'€$£¥]|[A-Z]{3}", "", regex=True)
    todo = ~numeric & ~empty
    if todo.any() and _decimal_comma(text[todo]):
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    out[todo] = pd.to_numeric(text[todo], errors="coerce")
    out[numeric] = obj[numeric].astype("float64")
    bad = todo & out.isna()
    if bad.any():
        n, where = rows_text(export.rows, bad)
        raise DataError(
            f"{export.name}: column {column}: {n} {'row has' if n == 1 else 'rows have'} an "
            f"amount that does not parse, such as {values[bad].iloc[0]!r} ({where}). Write "
            "amounts as numbers (1234.56 or 1 234,56) or leave them blank."
        )
    return out


def parse_flags(values: pd.Series, export: Export, column: str) -> pd.Series:
    """Yes/no cells (true/false, 1/0, oui/non, …) as a boolean column; blank is False.

    Examples
    --------
    >>> from kpilib.importers._files import Export
    >>> ex = Export("opps.csv", pd.DataFrame(), np.array([2, 3, 4]))
    >>> parse_flags(pd.Series(["TRUE", "0", "Oui"]), ex, "Won").tolist()
    [True, False, True]
    """
    key = parse_texts(values).fillna("").str.casefold()
    key = key.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    true, false = key.isin(_TRUE), key.isin(_FALSE)
    bad = ~true & ~false
    if bad.any():
        n, where = rows_text(export.rows, bad)
        raise DataError(
            f"{export.name}: column {column}: {n} {'row has' if n == 1 else 'rows have'} a "
            f"value that is neither yes nor no, such as {values[bad].iloc[0]!r} ({where}). "
            "Accepted: true/false, yes/no, 1/0, oui/non."
        )
    return true.astype(bool)


def convert_currency(
    amounts: pd.Series,
    codes: pd.Series,
    export: Export,
    column: str,
    *,
    rates: dict[str, float] | None,
    currency: str | None,
) -> tuple[pd.Series, str | None]:
    """Amounts in one currency, and that currency's code.

    One currency passes through. Several are refused unless *rates* gives,
    for each, the value of one unit in *currency* (the dataset's currency).

    Examples
    --------
    >>> from kpilib.importers._files import Export
    >>> ex = Export("deals.csv", pd.DataFrame(), np.array([2, 3, 4]))
    >>> amounts, codes = pd.Series([100.0, 50.0, np.nan]), pd.Series(["EUR", "USD", "USD"])
    >>> out, code = convert_currency(amounts, codes, ex, "Amount", rates={"USD": 0.9},
    ...                              currency="EUR")
    >>> out.tolist(), code
    ([100.0, 45.0, nan], 'EUR')
    """
    codes = parse_texts(codes).str.upper()
    used = codes.where(amounts.notna()).dropna()
    found = list(dict.fromkeys(used.sort_values()))
    if not rates:
        if len(found) > 1:
            counts = used.value_counts().reindex(found)
            listed = ", ".join(f"{c}: {plural(int(n), 'row')}" for c, n in counts.items())
            raise DataError(
                f"{export.name}: column {column}: amounts are in {len(found)} currencies "
                f"({listed}). A dataset has one currency: give a rate table (kpi import "
                "--rates rates.csv --currency EUR, where rates.csv has the columns currency,rate "
                "and rate is the value of one unit in EUR), or export the amounts in the "
                "company currency."
            )
        if currency and found and found[0] != currency:
            raise DataError(
                f"{export.name}: column {column}: amounts are in {found[0]}, not in the dataset "
                f"currency {currency}. Give a rate table (--rates rates.csv) or use "
                f"--currency {found[0]}."
            )
        return amounts, currency or (found[0] if found else None)
    if currency is None:
        raise DataError(
            "A rate table was given without the dataset currency. Add --currency (currency= in "
            "Python): the code the rates convert into, such as EUR."
        )
    table = {k.upper(): float(v) for k, v in rates.items()} | {currency: 1.0}
    missing = [c for c in found if c not in table]
    if missing:
        mask = codes.isin(missing) & amounts.notna()
        n, where = rows_text(export.rows, mask)
        raise DataError(
            f"{export.name}: column {column}: the rate table has no rate for "
            f"{', '.join(missing)} ({plural(n, 'row')}: {where}). Add a line currency,rate for "
            "each."
        )
    factor = codes.map(table).astype("float64").fillna(1.0)
    return amounts * factor, currency
