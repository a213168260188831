"""The Parquet files a scan reads for a table, and their columns' names.

:func:`table_parts` finds a table's file (or part files) in a dataset folder;
:func:`scan_parts` opens them on an engine, with the column names as
:func:`kpilib.load_dataset` reads them: a name padded with spaces (or a
byte-order mark) is read stripped, and a name given twice is refused with the
loader's own message. An engine left to itself would read ``" source "`` as
another column than ``source`` (every lead under source "unknown") and fail
with a traceback on a repeated name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import narwhals as nw

from kpilib.data.files import table_files
from kpilib.data.read import _duplicates, _header_names
from kpilib.data.text import check_file
from kpilib.errors import DataError, ParameterError


def table_parts(folder: Path, table: str) -> list[Path]:
    """The Parquet files of *table*: ``<table>.parquet`` as the loader finds it
    (:func:`kpilib.data.files.table_files`, Parquet only: a scan reads no other format
    and looks at none beside it), or the part files of a folder ``<table>/`` (or of a
    folder ``<table>.parquet/``, as Spark writes a table), which only a scan reads."""
    single = folder / f"{table}.parquet"
    parts = folder / table
    if single.exists() and parts.is_dir():
        raise DataError(
            f"{folder}: {table} is given twice ({single.name} and {parts.name}/). Keep one."
        )
    if single.is_dir():  # a table written by Spark: a folder of part files
        parts = single
    elif table_files(folder, table, suffixes=(".parquet",)):  # a file, or a link (to nothing)
        return [single]
    if parts.is_dir():
        found = sorted(parts.rglob("*.parquet"))
        if not found:
            raise DataError(
                f"{parts}: the folder holds no .parquet file. Put the {table} part files "
                "there, or remove the folder."
            )
        return found
    return []


def _footers(files: list[Path]) -> tuple[dict[str, str], int]:
    """Refuse, by name, a part that is no readable Parquet file (a folder, a link to
    nothing, a truncated file), or that names a column twice; its footer is read,
    not its rows. The names to read stripped ({name in a file: stripped name}), and
    the rows of every part."""
    import pyarrow.parquet as pq

    padded: dict[str, str] = {}
    first: tuple[Path, list[str]] | None = None
    rows = 0
    for path in files:
        check_file(path)
        try:
            meta = pq.read_metadata(path)
            names = meta.schema.to_arrow_schema().names
        except Exception as exc:  # pyarrow raises several unrelated types
            raise DataError(
                f"{path.name}: not a readable Parquet file ({exc}). Write the table again."
            ) from exc
        rows += meta.num_rows
        clean = _header_names(names)
        _duplicates(path.name, clean, None)  # an engine cannot tell the two apart
        first = first or (path, clean)
        if set(clean) != set(first[1]):  # the engines read parts of one set of columns
            missing = [c for c in first[1] if c not in clean]
            extra = [c for c in clean if c not in first[1]]
            said = [
                f"it {k} {', '.join(v)}" for k, v in (("has no", missing), ("adds", extra)) if v
            ]
            raise DataError(
                f"{path}: its columns differ from those of {first[0]}: {'; '.join(said)}. "
                "Write every part of a table with the same columns."
            )
        padded |= {n: c for n, c in zip(names, clean, strict=True) if n != c}
    return padded, rows


def scan_parts(files: list[Path], backend: str, session: Any) -> tuple[nw.LazyFrame, int]:
    """The Parquet *files* as one lazy table on *backend* ("polars", "duckdb" or
    "spark"; Spark in *session*, else the active one), its columns named as the
    loader names them; and its rows, as the footers count them."""
    padded, rows = _footers(files)
    names = [str(p) for p in files]
    if backend == "polars":
        import polars as pl

        lf = nw.from_native(pl.scan_parquet(names))
    elif backend == "spark":
        from pyspark.sql import SparkSession

        spark = session if session is not None else SparkSession.getActiveSession()
        if spark is None:
            raise ParameterError(
                "backend = 'spark' needs a SparkSession: start one and pass it as "
                "session=spark (or make it the active session)."
            )
        lf = nw.from_native(spark.read.parquet(*names))
    else:
        import duckdb

        # the default connection, so that every table of the dataset shares one (DuckDB
        # joins relations of one connection only)
        lf = nw.from_native(duckdb.default_connection().read_parquet(names))
    if padded:
        present = set(lf.collect_schema().names())
        lf = lf.rename({n: c for n, c in padded.items() if n in present})
    return lf, rows
