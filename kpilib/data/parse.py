"""Cell parsers: text, numbers and dates, vectorised.

Each returns the parsed series and a boolean mask of the cells that held a
value but could not be parsed, so validation can name those rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kpilib.data.text import WHITESPACE

__all__ = [
    "is_blank",
    "parse_text",
    "number_marks",
    "parse_number",
    "parse_date",
    "DAY_FIRST_FORMATS",
]

DAY_FIRST_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)


def parse_text(values: pd.Series) -> pd.Series:
    """Strip text; blank becomes missing; whole floats from Excel lose their ``.0``.

    Examples
    --------
    >>> parse_text(pd.Series([" a ", "  ", None, "b"], dtype="str")).tolist()
    ['a', nan, nan, 'b']
    >>> parse_text(pd.Series([12.0, 1.5, None])).tolist()
    ['12', '1.5', nan]
    """
    if values.dtype == pd.StringDtype("pyarrow", na_value=np.nan):
        return _arrow_text(values)
    if pd.api.types.is_float_dtype(values) or values.dtype == object:
        as_obj = values.astype(object)
        is_whole = as_obj.map(lambda v: isinstance(v, float) and v.is_integer()).astype(bool)
        if is_whole.any():
            as_obj = as_obj.where(~is_whole, as_obj[is_whole].map(lambda v: str(int(v))))
        values = as_obj
    text = values.astype("str").str.strip()
    text = text.where(values.notna() & (text != ""))
    return text.astype("str")


def _arrow_text(values: pd.Series) -> pd.Series:
    """:func:`parse_text` of a column already text on Arrow (a Parquet file's), in Arrow:
    the same values and type as through pandas' string methods, which converted the
    blank cells' mask to numpy and back (~0.35 s of CPU for a leads file's five text
    columns at 10M rows). A column that stripping would not change is not stripped:
    telling so from its bytes costs a fraction of stripping it, and from its
    dictionary's texts, when it was read as one, a fraction of that."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from kpilib.data.dictionaries import dictionaries
    from kpilib.data.kernels import strip_changes

    column = pa.array(values.array)
    few = dictionaries(values.array.__arrow_array__())  # read from a file's dictionaries
    if not strip_changes(column if few is None else few):  # the usual case: nothing copied
        return pd.Series(values.array, index=values.index, name=values.name)
    trimmed = pc.utf8_trim_whitespace(column)
    blank = pc.equal(pc.binary_length(trimmed), 0)
    text = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
    return pd.Series(pd.array(text, dtype=values.dtype), index=values.index, name=values.name)


def is_blank(values: pd.Series) -> pd.Series:
    """Cells holding nothing: missing, or only spaces in a text column."""
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return values.isna() | (values.astype("str").str.strip() == "")
    return values.isna()


# spaces (what \s matches, no-break ones among them) and apostrophes, written out so
# that pandas runs the replacement on Arrow, not cell by cell in Python
_SPACES = f"[{WHITESPACE}']"
# one cell's notation, first match wins: the decimal mark it shows, "?." / "?," when it
# reads both ways (1.234, 1,234), "" for a whole number
_NOTATIONS = (
    (r"[+-]?\d+(?:[eE][+-]?\d+)?", ""),
    (r"[+-]?[1-9]\d{0,2}\.\d{3}", "?."),
    (r"[+-]?[1-9]\d{0,2},\d{3}", "?,"),
    (r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?", "."),
    (r"[+-]?\d*,\d+", ","),
    (r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", "."),
    (r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?", ","),
)
_WHOLE = _NOTATIONS[0][0]


def number_marks(values: pd.Series) -> pd.Series:
    """The notation of each text cell: the decimal mark it shows.

    "." or "," when the cell shows its decimal mark (1234.5, 1,234.5, 12,5,
    1.234,5); "?." or "?," when it reads two ways (1.234 and 1,234: a decimal
    or a thousands mark); "" for whole numbers and blank or typed cells;
    "bad" for text that is no number. Spaces and apostrophes are thousands
    marks and are ignored.

    Examples
    --------
    >>> number_marks(pd.Series(["1234.56", "1 234,5", "1.234", "12", "1,234,567", "12a"])).tolist()
    ['.', ',', '?.', '', '.', 'bad']
    >>> number_marks(pd.Series([1234.5, None])).tolist()  # typed: nothing to read
    ['', '']
    """
    out = pd.Series("", index=values.index, dtype="str")
    if pd.api.types.is_numeric_dtype(values):  # typed numbers (Parquet): no cell is text
        return out
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        texts = values.notna()
    else:
        texts = values.map(lambda v: isinstance(v, str)).astype(bool)
    text = values[texts].astype("str").str.replace(_SPACES, "", regex=True)
    text = text[(text != "") & ~text.str.fullmatch(_WHOLE)]
    if text.empty:
        return out
    # the first notation the cell matches in full names it; each pass runs on Arrow
    # where pandas finds the pattern means the same there (else on Python's re)
    codes = np.full(len(text), "bad", dtype=object)
    left = np.arange(len(text))
    for pattern, mark in _NOTATIONS[1:]:  # no cell left is whole (_NOTATIONS[0])
        hit = text.iloc[left].str.fullmatch(pattern).to_numpy(dtype=bool)
        codes[left[hit]] = mark
        left = left[~hit]
        if not len(left):
            break
    out[text.index] = pd.Series(codes, index=text.index, dtype="str")
    return out


def parse_number(
    values: pd.Series, *, decimal: str = ".", marks: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse numbers whose decimal mark is *decimal* ("." or ","), or typed numbers.

    The other mark, spaces and apostrophes may separate thousands. A cell
    whose notation contradicts *decimal* (12,5 when it is ".") is bad, never
    read as another number; so is text that is no number, and infinity.
    *marks*, when given, are the cells' :func:`number_marks`, already computed.

    Examples
    --------
    >>> parse_number(pd.Series(["1 234,5", "12", "1.234"]), decimal=",")[0].tolist()
    [1234.5, 12.0, 1234.0]
    """
    blank = is_blank(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        out = values.astype("float64")
        out = out.where(~np.isinf(out))
        return out, values.notna() & out.isna()
    marks = number_marks(values) if marks is None else marks
    other = "," if decimal == "." else "."
    bad = (marks == "bad") | (marks == other)
    if values.dtype == object:
        typed = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        typed = typed.astype(bool)
    else:
        typed = pd.Series(False, index=values.index)
    text = values.where(~typed, "").astype("str").str.replace(_SPACES, "", regex=True)
    text = text.str.replace(other, "", regex=False).str.replace(decimal, ".", regex=False)
    out = pd.to_numeric(text.where(~blank & ~bad & ~typed), errors="coerce").astype("float64")
    if typed.any():
        out[typed] = values[typed].astype("float64")
    out = out.where(~np.isinf(out))
    bad |= ~blank & out.isna()
    return out.where(~bad), bad


def _naive(parsed: pd.Series) -> pd.Series:
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def parse_date(values: pd.Series, *, day_first: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse ISO dates (with time, with or without zone: zoned ones go to UTC),
    or day-first dates (31/10/2026) when ``day_first``; typed dates pass through.
    """
    blank = is_blank(values)
    if pd.api.types.is_datetime64_any_dtype(values):
        return _naive(values), pd.Series(False, index=values.index)
    if values.dtype == object:
        typed = values.map(lambda v: isinstance(v, dt.date)).astype(bool)
        if typed.any():
            as_text = values.where(~typed, values[typed].map(lambda v: v.isoformat()))
            values = as_text
    text = values.astype("str").str.strip().where(~blank)
    iso_like = text.str.match(
        r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
    )
    iso_like = iso_like.fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if iso_like.any():
        parsed = pd.to_datetime(text[iso_like], format="ISO8601", errors="coerce", utc=True)
        out[iso_like] = _naive(parsed)
    if day_first:
        for fmt in DAY_FIRST_FORMATS:
            todo = ~blank & out.isna()
            if not todo.any():
                break
            parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            out[todo] = parsed.astype("datetime64[us]")
    bad = ~blank & out.isna()
    return out, bad
