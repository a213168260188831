"""What a Parquet file tells about its columns more cheaply than a query over its scan.

A scan asks whether each text column needs stripping
(:func:`kpilib.engine.scan.scan_dataset`), and the ``auto`` engine's pre-check
(:mod:`kpilib.engine.auto`) whether ids repeat, texts leave ASCII and numbers
hold NaN. Over 10M leads each is one aggregate query that reads every value;
some of the answers are in the file for less:

- a text column of a few distinct values is stored as a dictionary and
  indices: Arrow reads the dictionary as it is (0.03 s for 10M sources,
  against DuckDB's 0.26 s for their first and last characters, measured), and
  its values are all the column's texts (:func:`plain_texts`);
- ids in strictly increasing order are distinct: one comparison a value, no
  hash table (:func:`increasing`);
- NaN, which DuckDB answers from the file's statistics (they leave it out), is
  read by Arrow itself (:func:`nans`).

Each answer is a proof or nothing: a column these cannot tell about is left to
the query. A column :func:`increasing` proves is remembered for the file as it is
(its path, size and time of change), so that :func:`plain_texts` does not ask
about it again: the ``auto`` engine proves its ids before the scan opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kpilib.data.dictionaries import is_text, text_dictionaries
from kpilib.data.kernels import call, every, plain_ends, some

__all__ = ["plain_texts", "increasing", "nans"]

# (file, size, time of change) -> columns proven filled and plain by increasing()
_PROVEN: dict[tuple[str, int, int], set[str]] = {}


def _key(path: Path) -> tuple[str, int, int]:
    stat = Path(path).stat()
    return str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns


def plain_texts(files: Sequence[Path], columns: Sequence[str]) -> set[str]:
    """The text columns of *columns* whose every text, in every file of *files*, is in
    ASCII with no space or control character at either end and is not empty (nulls
    aside): no strip changes them, and no text in them is garbled.

    Only the columns stored as dictionaries in every file are read, as dictionaries
    (:func:`kpilib.data.dictionaries.text_dictionaries`); the others are left out,
    for the query to tell.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.parquet"
    >>> pq.write_table(pa.table({"team": ["North", "South"] * 50, "owner": ["Ann ", "Bo"] * 50,
    ...                          "id": [f"L{i}" for i in range(100)]}), path)
    >>> sorted(plain_texts([path], ["team", "owner", "id"]))  # "Ann " is padded; ids plain
    ['team']
    """
    proven = set(columns)
    for path in files:
        proven &= _PROVEN.get(_key(path), set())
    candidates = set(columns) - proven
    for path in files:
        if not candidates:
            return proven
        file = pq.ParquetFile(path)
        candidates &= set(text_dictionaries(file, candidates))
    plain = set(candidates)
    for path in files if plain else []:
        file = pq.ParquetFile(path, read_dictionary=sorted(plain))
        for group in range(file.num_row_groups):  # a group at a time: its indices only
            read = file.read_row_group(group, columns=sorted(plain))
            for c in list(plain):
                for chunk in read.column(c).chunks:
                    values = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
                    values = call("drop_null", values) if values.null_count else values
                    if plain_ends(values) is not True:
                        plain.discard(c)
                        break
            if not plain:
                return proven
    return plain | proven


def increasing(path: Path, column: str) -> bool:
    """Whether *column* of the Parquet file *path* is filled and strictly increasing,
    as a scan reads it (whole numbers, or texts in ASCII with no space or control
    character at either end, which no strip changes): then its values are distinct.

    Exports and generated files usually list their ids in order. One comparison a
    value, read row group by row group, proves it without the hash table a distinct
    count builds (10M lead ids: 0.3 s against DuckDB's 0.8 s, measured); a column
    out of order is given up at its first group out of order.
    """
    key = _key(path)
    if column in _PROVEN.get(key, ()):
        return True
    file = pq.ParquetFile(path)
    last, text = None, is_text(file.schema_arrow.field(column).type)
    for group in range(file.num_row_groups):
        values = file.read_row_group(group, columns=[column]).column(0).combine_chunks()
        if values.null_count or not len(values):
            return False
        if is_text(values.type):
            if plain_ends(values) is not True:
                return False
        elif not pa.types.is_integer(values.type):
            return False
        n = len(values)
        if last is not None and not every(call("less", last, values.slice(0, 1))):
            return False
        if not every(call("less", values.slice(0, n - 1), values.slice(1))):
            return False
        last = values.slice(n - 1)
    if text:  # a plain text column: the scan reads it as it is (plain_texts)
        _PROVEN.setdefault(key, set()).add(column)
    return True


def nans(path: Path, columns: Sequence[str]) -> set[str]:
    """The columns of *columns* in the Parquet file *path* holding a NaN, read by Arrow.

    DuckDB 2.0 cannot be asked: it answers ``isnan`` and ``max`` from the file's
    statistics, which leave NaN out, and whether it does depends on the other
    expressions of the query (measured: ``bool_or(isnan(x))``, ``sum(isnan(x))`` and
    ``max(x)`` each false or a number over a NaN). Reading the numbers through text
    in the scan was sure, but took seven times as long (1.4M order margins: 0.15 s
    against 0.02 s). A column of whole numbers holds no NaN and is not read.
    """
    schema = pq.read_schema(path)
    floats = [
        c for c in columns if c in schema.names and pa.types.is_floating(schema.field(c).type)
    ]
    if not floats:
        return set()
    file, found = pq.ParquetFile(path), set()
    for group in range(file.num_row_groups):  # a group at a time, to hold little
        if len(found) == len(floats):
            break
        read = file.read_row_group(group, columns=[c for c in floats if c not in found])
        found |= {c for c in read.column_names if some(call("is_nan", read.column(c)))}
    return found
