"""Text columns of few values, read from a Parquet file's dictionaries and remembered so.

A column such as ``source``, ``team`` or ``owner`` is stored in Parquet as a
dictionary (its few texts) and one index a row. The loader reads it that way
(:func:`read_parquet`): Arrow then decodes indices instead of 10M texts, and
the texts pandas holds (``large_string``) are written once from the dictionary
rather than read as ``string`` and copied to ``large_string``. The frames are
the same as :meth:`pyarrow.Table.to_pandas` gives.

The dictionary form is kept beside the pandas column, keyed by the very Arrow
array that column holds, for as long as that array lives (:func:`encoded`):

- the loader's text checks (strip, mojibake) read the dictionary's few texts
  instead of every row's;
- pandas input, converted to polars to compute
  (:mod:`kpilib.engine.pandas_input`), takes a grouping column as the
  dictionary (a polars Categorical) instead of hashing every row again.

A column changed since (stripped, filled, filtered) holds another array and is
read as it is. The indices are kept in the narrowest integer their dictionaries
fit: 20 MB a column at 10M rows in ``int16``, against 160 MB of texts.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from kpilib.data.kernels import cast

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow.parquet as pq

__all__ = [
    "read_parquet",
    "encoded",
    "dictionaries",
    "remember",
    "text_dictionaries",
    "few_valued",
    "is_text",
    "DICTIONARY_BYTES",
]

DICTIONARY_BYTES = 2.0
"""Bytes a filled value under which a column chunk is read as a dictionary. A text
stored plainly takes at least five (a 4-byte length and one byte); a column chunk of
dictionary indices, one or two. Read as a dictionary, a column stored plainly would be
hashed value by value (10M lead ids: 1.7 s, measured)."""

# id of a pandas column's Arrow array -> (a weak reference to it, its dictionary form)
_ENCODED: dict[int, tuple[weakref.ref, pa.ChunkedArray]] = {}


def few_valued(meta: pq.FileMetaData, column: int) -> bool:
    """Whether the column *column* of a Parquet file is stored as dictionary indices in
    every row group (:data:`DICTIONARY_BYTES`)."""
    for group in range(meta.num_row_groups):
        chunk = meta.row_group(group).column(column)
        stats = chunk.statistics
        nulls = stats.null_count if stats is not None and stats.has_null_count else 0
        filled = chunk.num_values - nulls
        if not chunk.has_dictionary_page or chunk.total_uncompressed_size > DICTIONARY_BYTES * max(
            filled, 1
        ):
            return False
    return True


def is_text(dtype: pa.DataType) -> bool:
    """Whether *dtype* is Arrow's text (``string`` or ``large_string``)."""
    return pa.types.is_string(dtype) or pa.types.is_large_string(dtype)


def text_dictionaries(file: pq.ParquetFile, columns: Sequence[str]) -> list[str]:
    """The text columns of *columns* a Parquet *file* stores as dictionaries
    (:func:`few_valued`); none when its columns are nested (Arrow's fields and the
    file's columns then do not match one to one)."""
    schema, meta = file.schema_arrow, file.metadata
    if meta.num_columns != len(schema):
        return []
    wanted = set(columns)
    return [
        field.name
        for i, field in enumerate(schema)
        if field.name in wanted and is_text(field.type) and few_valued(meta, i)
    ]


def read_parquet(
    path: Path, columns: Sequence[str], *, file: pq.ParquetFile | None = None
) -> pd.DataFrame:
    """The *columns* of the Parquet file *path* as pandas, as
    ``pyarrow.parquet.read_table(path, columns=columns).to_pandas()`` gives them; its
    text columns of few values are read as dictionaries and remembered so
    (:func:`encoded`). *file*: *path* already opened (its footer read).

    Each Arrow column is let go as soon as pandas has its values
    (``self_destruct``): at 10M leads the read peaked at 2.1 GB instead of 2.3-2.4 GB
    (``read_table(...).to_pandas()``), the frames being 1.3 GB.
    """
    import pyarrow.parquet as pq

    few = text_dictionaries(file if file is not None else pq.ParquetFile(path), columns)
    table = pq.read_table(path, columns=list(columns), read_dictionary=few)
    names, arrays = table.column_names, table.columns
    del table  # each column is freed once replaced or converted
    kept: dict[int, pa.ChunkedArray] = {}
    for i, column in enumerate(arrays):
        if names[i] in few:  # not a column the file declares a dictionary (a category)
            kept[i] = _narrow(column)
            arrays[i] = cast(kept[i], pa.large_string())  # what pandas' str holds
    whole = pa.Table.from_arrays(arrays, names=names)
    del arrays
    # a block a column: a column Arrow holds as numpy does is handed over, not copied into
    # a block of its dtype (0.25-0.36 s against 0.63-0.92 s for 10M leads)
    frame = whole.to_pandas(split_blocks=True, self_destruct=True)  # whole is not used again
    del whole
    # what the read freed goes back to the system: polars, which computes on pandas
    # input, allocates from its own heap and would not reuse it (peak 2.37-2.43 GB to
    # 2.30 GB for the nine tables at 10M leads)
    pa.default_memory_pool().release_unused()
    for i, form in kept.items():
        remember(frame.iloc[:, i].array.__arrow_array__(), form)
    return frame


def _narrow(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """*column* (dictionary-encoded) with indices in the narrowest integer its
    dictionaries fit."""
    size = max((len(chunk.dictionary) for chunk in column.chunks), default=0)
    width = pa.int8() if size <= 127 else pa.int16() if size <= 32_767 else None
    if width is None:
        return column
    chunks = [
        pa.DictionaryArray.from_arrays(cast(c.indices, width), c.dictionary) for c in column.chunks
    ]
    return pa.chunked_array(chunks, pa.dictionary(width, column.type.value_type))


def remember(texts: Any, form: pa.ChunkedArray) -> None:
    """Keep *form*, the dictionary encoding of the Arrow array *texts*, while *texts*
    lives."""
    key = id(texts)

    def gone(ref: weakref.ref, key: int = key) -> None:
        if _ENCODED.get(key, (None,))[0] is ref:
            del _ENCODED[key]

    _ENCODED[key] = (weakref.ref(texts, gone), form)


def encoded(texts: Any) -> pa.ChunkedArray | None:
    """The dictionary form of the Arrow array *texts* (a pandas column's, as
    ``series.array.__arrow_array__()`` gives it), when it was read so; else None."""
    hit = _ENCODED.get(id(texts))
    if hit is None or hit[0]() is not texts:
        return None
    return hit[1]


def dictionaries(texts: Any) -> pa.ChunkedArray | None:
    """Every text the Arrow array *texts* can hold, when it was read as a dictionary:
    the dictionaries of its chunks (a value in none of them is in no row); else None."""
    form = encoded(texts)
    if form is None:
        return None
    return pa.chunked_array([c.dictionary for c in form.chunks], form.type.value_type)
