"""A dataset's tables as typed Arrow columns, for the quick path of ``kpi validate``.

:func:`read_plain` gives, for one table file, the columns
:func:`kpilib.load_dataset` reads, typed as its frames hold them (texts
stripped with blank as null, dates as naive microsecond timestamps, numbers
as floats), without pandas. It reads only what it can show the loader reads
alike and declines (``None``) everything else: a CSV file that is not plain
(:func:`kpilib.data.plain_csv.plain_cells`), decoded with a warning or
holding a character of mojibake; a cell that is not an ISO date or a plain
number with a point; a Parquet column typed otherwise than its kind; an
.xlsx workbook. The caller then loads the folder with the loader, which
names every problem. A blank record, which the loader drops, is read: it
leaves a required text blank, which the caller's checks decline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
from pyarrow._compute import MatchSubstringOptions, TrimOptions

from kpilib.data.kernels import call, cast, every, matches, some, text_bytes
from kpilib.data.plain_csv import plain_cells
from kpilib.data.read import _header_names
from kpilib.data.schema import TABLES, date_columns, loader_reads
from kpilib.data.settings import Settings
from kpilib.data.text import WHITESPACE, check_file, read_csv_text

__all__ = ["PlainTable", "read_plain"]

# the cells read without doubt: an ISO date, a time of day to the minute or the second
# after it (Arrow's cast to a zone-free timestamp reads these lengths as those forms only,
# and refuses an impossible day or time, a zone or any other character), and a number
# with at most a point for decimal mark (15 characters at most: below 10^15, and its sign
# and whether it is 0, what the checks compare, do not depend on the parser's rounding)
_ISO_LENGTHS = {len("2026-10-01"), len("2026-10-01 12:30"), len("2026-10-01 12:30:00")}
_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_LONGEST_NUMBER = 15
# a cell the loader reads two ways (1.234: a decimal point or a thousands separator)
_TWO_WAYS = r"^-?[1-9][0-9]{0,2}\.[0-9]{3}$"
# the leads' texts with few distinct values, read from Parquet as dictionaries (their
# checks then look at each distinct value once)
_LABELS = ("source", "team", "owner")
_MICROSECONDS = pa.timestamp("us")


@dataclass
class PlainTable:
    """One table file read as the loader reads it.

    ``columns`` maps each column the loader reads to its typed Arrow column;
    ``names`` lists every column of the file; ``encoding`` is a CSV file's
    text encoding (None for Parquet); ``bounds`` the first and last date of each
    date column, which :mod:`kpilib.data.quick` fills as it checks them.
    """

    file: str
    columns: dict[str, pa.ChunkedArray]
    names: list[str]
    rows: int
    encoding: str | None = None
    # the first and last value of each date column (microseconds), once checked
    bounds: dict[str, tuple[int, int] | None] = field(default_factory=dict)


def read_plain(path: Path, table: str, settings: Settings) -> PlainTable | None:
    """The columns of *path* that :func:`kpilib.load_dataset` reads for *table*, typed
    as it types them; None when it cannot be shown to read them alike.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "leads.csv"
    >>> _ = path.write_text("lead_id,lead_at,amount\\nL1, 2026-10-01 ,12.5\\n")
    >>> plain = read_plain(path, "leads", Settings())
    >>> plain.columns["lead_at"].to_pylist(), plain.columns["amount"].to_pylist()
    ([datetime.datetime(2026, 10, 1, 0, 0)], [12.5])
    >>> _ = path.write_text("lead_id,lead_at\\nL1,01/10/2026\\n")
    >>> read_plain(path, "leads", Settings()) is None  # no ISO date: the loader decides
    True
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(path, table, settings)
    if suffix == ".parquet":
        return _parquet(path, table, settings)
    return None


def _kinds(table: str, settings: Settings, names: list[str]) -> dict[str, str]:
    """The kind of each column the loader types, for a file with the column *names*:
    no cost line's date where a period is given (the loader parses none there)."""
    spec = TABLES[table]
    kinds = dict.fromkeys(spec.text, "text") | dict.fromkeys(spec.numbers, "number")
    return kinds | dict.fromkeys(date_columns(table, settings, names), "date")


def _csv(path: Path, table: str, settings: Settings) -> PlainTable | None:
    # decoded and sniffed as the loader does (kpilib.data.read): what it warns about
    # (a note of the decoder, mojibake) or refuses (NUL characters) is left to it
    csv_text = read_csv_text(path, loader_reads(table))
    if csv_text.notes or csv_text.binary or csv_text.maybe_garbled:
        return None
    cells = plain_cells(csv_text.text, csv_text.delimiter, data=csv_text.utf8)
    if cells is None:
        return None
    first, body, lines = cells
    names = _header_names(list(first))
    rows = len(lines) - 1
    if len(set(names)) < len(names):
        return None
    kinds = _kinds(table, settings, names)
    columns = {}
    for name, cells_of in zip(names, body, strict=True):
        if name in kinds:
            typed = _typed(cells_of, kinds[name])
            if typed is None:
                return None
            columns[name] = pa.chunked_array([typed])
    return PlainTable(path.name, columns, names, rows, csv_text.encoding)


def _typed(cells: pa.Array, kind: str) -> pa.Array | None:
    """CSV cells as the loader parses them (stripped as Python strips, blank as null);
    None when a cell might read otherwise."""
    text, sizes = _stripped(cells)
    if kind == "text":
        return text
    if kind == "date":
        # compared one length at a time: np.unique imports numpy.ma (20 ms)
        if not np.logical_or.reduce([sizes == n for n in _ISO_LENGTHS]).all():
            return None
        try:
            return cast(text, _MICROSECONDS)
        except pa.ArrowInvalid:  # anything but an ISO date and a real day and time
            return None
    if (sizes.max() if len(sizes) else 0) > _LONGEST_NUMBER or not every(matches(text, _NUMBER)):
        return None
    two_ways = matches(text, _TWO_WAYS)
    point = call("match_substring", text, options=MatchSubstringOptions("."))
    if some(two_ways) and not some(call("and", call("invert", two_ways), point)):
        return None  # no cell settles the decimal mark: the loader asks for a locale
    return cast(text, pa.float64())


def _stripped(cells: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """*cells* (none null) stripped as Python strips, blank as null, and the size in
    bytes of each text left. Read from the offsets: Arrow strips only a column with a
    text that starts or ends with a byte up to the space or outside ASCII."""
    offsets, data = text_bytes(cells)
    sizes = np.diff(offsets)
    filled = sizes > 0
    ends = np.concatenate((data[offsets[:-1][filled]], data[offsets[1:][filled] - 1]))
    if len(ends) and (ends.min() <= ord(" ") or ends.max() >= 0x80):
        cells = call("utf8_trim", cells, options=TrimOptions(WHITESPACE))
        sizes = np.diff(text_bytes(cells)[0])
        filled = sizes > 0
    if not filled.all():  # blanks become nulls: a validity bitmap over the same texts
        bits = np.concatenate((np.zeros(cells.offset, dtype=bool), filled))
        validity = pa.py_buffer(np.packbits(bits, bitorder="little"))
        buffers = [validity, *cells.buffers()[1:]]
        cells = pa.Array.from_buffers(cells.type, len(cells), buffers, offset=cells.offset)
    return cells, sizes[filled]


def _parquet(path: Path, table: str, settings: Settings) -> PlainTable | None:
    import pyarrow.parquet as pq

    check_file(path)
    try:
        schema = pq.read_schema(path)
    except Exception:  # pyarrow raises several unrelated types: the loader names the file
        return None
    names = schema.names
    if len(set(names)) < len(names) or any(n != n.strip() or "\ufeff" in n for n in names):
        return None  # the loader strips names: it would read them otherwise
    reads, kinds = loader_reads(table), _kinds(table, settings, names)
    # a date column the loader leaves unparsed (a cost line's date beside a period): it
    # still looks for mojibake in its texts, so it must hold no text
    unparsed = [c for c in date_columns(table, settings) if c in names and c not in kinds]
    if any(not _typed_as(schema.field(c).type, "date") for c in unparsed):
        return None
    keep = [n for n in names if reads(n) and n in kinds]
    if any(not _typed_as(schema.field(n).type, kinds[n]) for n in keep):
        return None
    labels = [n for n in keep if n in _LABELS] if table == "leads" else []
    # ParquetFile, not read_table: pyarrow.dataset, which read_table uses, imports pandas
    try:
        read = pq.ParquetFile(path, read_dictionary=labels).read(columns=keep)
    except Exception:  # a damaged column: as above
        return None
    columns = {}
    for name in keep:
        column = read.column(name)
        if kinds[name] == "date" and column.type != _MICROSECONDS:
            column = cast(column, _MICROSECONDS)  # exact from seconds, ms or a date (midnight)
        columns[name] = column
    return PlainTable(path.name, columns, names, read.num_rows)


def _typed_as(dtype: pa.DataType, kind: str) -> bool:
    """Whether a Parquet column of *dtype* holds *kind* as the loader's frame does: text
    as strings, numbers as integers or floats, dates as zone-free timestamps to the
    microsecond or as dates."""
    if kind == "text":
        return pa.types.is_string(dtype) or pa.types.is_large_string(dtype)
    if kind == "number":
        return pa.types.is_integer(dtype) or pa.types.is_floating(dtype)
    if pa.types.is_timestamp(dtype):
        return dtype.tz is None and dtype.unit in ("s", "ms", "us")
    return pa.types.is_date32(dtype)
