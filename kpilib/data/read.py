"""Reading one table file into text cells, whatever its format.

CSV (comma or semicolon, UTF-8 with or without BOM, UTF-16 with BOM, or
Windows-1252), Parquet and .xlsx. Every cell comes back as text or, for typed
formats, as the value the file holds; parsing happens in :mod:`kpilib.data.load`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpilib.errors import DataError

__all__ = ["RawTable", "read_table", "SUFFIXES"]

SUFFIXES = (".csv", ".parquet", ".xlsx")


@dataclass
class RawTable:
    """One file's cells, before parsing.

    ``frame`` has the file's columns (names stripped); ``first_row`` is the
    file row number of the frame's first record (header = row 1), so record
    ``i`` is row ``first_row + i``. ``decimal_comma`` says whether numbers are
    written 1234,5 rather than 1234.5.
    """

    name: str
    frame: pd.DataFrame
    first_row: int = 2
    decimal_comma: bool = False
    # every column of the file (names stripped), when only some were read into frame
    file_columns: list[str] | None = None

    @property
    def columns_found(self) -> str:
        """The file's column names for a message, "none" when it has none."""
        names = self.file_columns if self.file_columns is not None else self.frame.columns
        return ", ".join(str(c) for c in names) or "none"


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{name}: the file is neither UTF-8 nor Windows-1252 text ({exc}). "
            "Save it again as CSV UTF-8."
        ) from exc


def _separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    return sep if counts[sep] else ","


def _read_csv(path: Path) -> RawTable:
    text = _decode(path.read_bytes(), path.name)
    sep = _separator(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(
            f"{path.name}: not a readable CSV table ({exc}). Check that every row has "
            "as many separators as the header."
        ) from exc
    return RawTable(path.name, frame, 2, decimal_comma=sep == ";")


def _read_parquet(path: Path, columns: Callable[[str], bool] | None) -> RawTable:
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
        keep = [c for c in names if columns is None or columns(c.strip())]
        frame = pq.read_table(path, columns=keep).to_pandas()
    except Exception as exc:  # pyarrow raises several unrelated types
        raise DataError(f"{path.name}: not a readable Parquet file ({exc}).") from exc
    return RawTable(path.name, frame, 2, file_columns=[str(c).strip() for c in names])


def _read_xlsx(path: Path) -> RawTable:
    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several unrelated types
        raise DataError(f"{path.name}: not a readable .xlsx workbook ({exc}).") from exc
    return RawTable(path.name, frame, 2)


def read_table(path: Path, columns: Callable[[str], bool] | None = None) -> RawTable:
    """Read *path* (CSV, Parquet or .xlsx); a Parquet file is read only for the
    columns whose (stripped) name *columns* accepts, when given."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(path)
    elif suffix == ".parquet":
        raw = _read_parquet(path, columns)
    elif suffix == ".xlsx":
        raw = _read_xlsx(path)
    else:
        raise DataError(f"{path.name}: unsupported format; use one of {', '.join(SUFFIXES)}.")
    raw.frame.columns = [str(c).strip() for c in raw.frame.columns]
    return raw
