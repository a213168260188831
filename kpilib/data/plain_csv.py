"""A fast reader for plain CSV text, giving exactly the cells of the exact one.

:func:`kpilib.data.text.split_csv` reads CSV with Python's :mod:`csv` module
(``skipinitialspace``, lenient quotes), cell by cell, to know the line each
record ends on. Most files are plain: no quoted line break, no quote that is
not a whole field, no lone carriage return, no row wider or narrower than the
header, and spaces after a delimiter (which Python's reader drops) only where
no field is quoted. For those, Arrow's CSV parser gives the same cells in a
fraction of the time, and a record's line is its line in the file (blank
lines skipped by both). :func:`plain_cells` reads such text and declines
(``None``) whatever it cannot show to be plain, so the caller falls back to
the exact reader."""

from __future__ import annotations

import csv
import re

import numpy as np
import pyarrow as pa

from kpilib.data.text import WHITESPACE

__all__ = ["plain_cells", "filled_rows"]

_FILLED = f"[^{WHITESPACE}]"  # literal characters, none special in a class for RE2
_QUOTE = '"'
_FIRST_LINE = re.compile(r"[^\r\n]+")  # the first line that is not blank


def _quoted_fields(delimiter: str) -> re.Pattern[str]:
    """A whole quoted field: after a line break or *delimiter*, quotes doubled inside,
    no line break inside, and a delimiter or the line's end right after."""
    sep = re.escape(delimiter)
    return re.compile(rf'[{sep}\n]"[^"\r\n]*(?:""[^"\r\n]*)*"(?=[{sep}\r\n]|\Z)')


def _leading_space(text: str, delimiter: str) -> bool:
    return text.startswith(" ") or "\n " in text or f"{delimiter} " in text


def _plain_text(text: str, delimiter: str) -> bool | None:
    """None when Arrow and Python's csv module might split *text* differently (a
    quote that is not a whole quoted field, a quoted line break, a lone carriage
    return); else whether a field starts with spaces, which Python's reader
    (``skipinitialspace``) drops: allowed only in text without quotes, where no
    field is quoted and so every field loses them."""
    if ("\r" in text and text.count("\r") != text.count("\r\n")) or text.startswith("\ufeff"):
        return None
    if _QUOTE not in text:
        return _leading_space(text, delimiter)
    rest = _quoted_fields(delimiter).sub("", "\n" + text)
    if _QUOTE in rest or _leading_space(rest, delimiter):
        return None
    return False


def _line_numbers(data: bytes) -> tuple[np.ndarray, int]:
    """The number (from 1) of each non-blank line of *data*, and its longest line in bytes."""
    buf = np.frombuffer(data, dtype=np.uint8)
    if not len(buf):
        return np.zeros(0, dtype=int), 0
    ends = np.flatnonzero(buf == ord("\n"))
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(buf)]))
    length = stops - starts
    first = buf[np.minimum(starts, len(buf) - 1)]
    blank = (length == 0) | ((length == 1) & (first == ord("\r")))
    return np.flatnonzero(~blank) + 1, int(length.max())


def plain_cells(
    text: str, delimiter: str, *, data: bytes | None = None
) -> tuple[list[str], list[pa.Array], np.ndarray] | None:
    """The records of CSV *text* when it is plain, else None.

    Returns the header's cells, the body's columns as Arrow strings (one per
    header cell, blank cells as ``""``) and the line each record (header
    first) stands on; the same records, cells and lines as
    ``split_csv(text, name, delimiter)``, which it leaves to read any text
    that is not provably plain. *data*, when given, is *text* in UTF-8 (the file's own
    bytes, saving their encoding again).

    Examples
    --------
    >>> header, body, lines = plain_cells("a,b\\n\\n1,x\\n", ",")
    >>> header, [c.to_pylist() for c in body], lines.tolist()
    (['a', 'b'], [['1'], ['x']], [1, 3])
    >>> plain_cells('a,b\\n1,"x\\ny"\\n', ",") is None  # a record over two lines
    True
    """
    import pyarrow.csv as pa_csv

    spaces = _plain_text(text, delimiter)
    if spaces is None:
        return None
    try:
        data = text.encode("utf-8") if data is None else data
    except UnicodeEncodeError:  # a lone surrogate
        return None
    lines, longest = _line_numbers(data)
    # Python's reader refuses a field past its limit: a line within it holds none
    if not len(lines) or longest >= csv.field_size_limit():
        return None
    header_line = _FIRST_LINE.search(text)
    if header_line is None:
        return None
    width = len(next(csv.reader([header_line.group()], delimiter=delimiter)))
    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=True,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:  # a row wider or narrower than the header, above all
        return None
    if table.num_rows != len(lines):
        return None
    cells = [c.combine_chunks() for c in table.columns]
    if spaces:
        import pyarrow.compute as pc  # imported only where needed: kpi validate starts faster

        cells = [pc.utf8_ltrim(c, characters=" ") for c in cells]
    header = [c[0].as_py() for c in cells]
    body = [c.slice(1) for c in cells]
    return header, body, lines


def filled_rows(columns: list[pa.Array], rows: int) -> np.ndarray:
    """Whether each of *rows* records holds a cell with more than whitespace (what
    ``any(c.strip() for c in record)`` says), over its *columns* as Arrow strings
    (a null is a missing cell)."""
    import pyarrow.compute as pc

    filled = np.zeros(rows, dtype=bool)
    left = np.arange(rows)  # the records with no filled cell so far
    for column in columns:
        if not len(left):
            break
        cells = column if len(left) == rows else column.take(left)
        hit = pc.fill_null(pc.match_substring_regex(cells, _FILLED), False)
        hit = hit.to_numpy(zero_copy_only=False)
        filled[left[hit]] = True
        left = left[~hit]
    return filled
