"""Cell parsers: text, numbers and dates, vectorised.

Each returns the parsed series and a boolean mask of the cells that held a
value but could not be parsed, so validation can name those rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["is_blank", "parse_text", "parse_number", "parse_date", "DAY_FIRST_FORMATS"]

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
    """Strip text; blank becomes missing; whole floats from Excel lose their ``.0``."""
    if pd.api.types.is_float_dtype(values) or values.dtype == object:
        as_obj = values.astype(object)
        is_whole = as_obj.map(lambda v: isinstance(v, float) and v.is_integer())
        if is_whole.any():
            as_obj = as_obj.where(~is_whole, as_obj[is_whole].map(lambda v: str(int(v))))
        values = as_obj
    text = values.astype("str").str.strip()
    text = text.where(values.notna() & (text != ""))
    return text.astype("str")


def is_blank(values: pd.Series) -> pd.Series:
    """Cells holding nothing: missing, or only spaces in a text column."""
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return values.isna() | (values.astype("str").str.strip() == "")
    return values.isna()


def parse_number(values: pd.Series, *, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written 1234.5, 1 234,5 (with ``decimal_comma``) or typed."""
    blank = is_blank(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        out = values.astype("float64")
        return out, pd.Series(False, index=values.index)
    text = values.astype("str").str.strip()
    text = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if decimal_comma:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    out = pd.to_numeric(text.where(~blank), errors="coerce").astype("float64")
    bad = ~blank & out.isna()
    out = out.where(~np.isinf(out))
    bad |= ~blank & out.isna()
    return out, bad


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
        typed = values.map(lambda v: isinstance(v, dt.date))
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
