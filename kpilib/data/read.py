"""Reading one table file into cells, whatever its format.

CSV (comma, semicolon, tab or pipe, in any encoding :mod:`kpilib.data.text`
recognises), Parquet and .xlsx. Every cell comes back as text or, for typed
formats, as the value the file holds; parsing happens in
:mod:`kpilib.data.parse` and :mod:`kpilib.data.load`. A header naming a
column twice is refused; so is a row with more cells than the header, and a
workbook past :data:`MAX_COLUMNS` or :data:`MAX_CELLS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from kpilib.data.plain_csv import filled_rows, plain_cells
from kpilib.data.text import check_file, read_csv_text, split_csv
from kpilib.errors import DataError

if TYPE_CHECKING:  # pandas is imported where frames are made: kpi validate's quick path
    import pandas as pd  # reads header names here without it

__all__ = ["RawTable", "read_table", "xlsx_rows", "SUFFIXES", "MAX_CELLS", "MAX_COLUMNS"]

SUFFIXES = (".csv", ".parquet", ".xlsx")
# a workbook is refused past these (its cells are Python objects in memory)
MAX_COLUMNS = 1_000
MAX_CELLS = 5_000_000


@dataclass
class RawTable:
    """One file's cells, before parsing.

    ``frame`` has the file's columns (names stripped); ``rows`` holds the
    file row number of each record (header = row 1), as a spreadsheet or a
    text editor shows it; ``widths`` how many cells each record gave (CSV
    only), so a row cut short can be told from a blank cell; ``encoding``
    the text encoding of a CSV file; ``notes`` warnings about the file.
    """

    name: str
    frame: pd.DataFrame
    rows: np.ndarray | None = None
    widths: np.ndarray | None = None
    encoding: str | None = None
    # every column of the file (names stripped), when only some were read into frame
    file_columns: list[str] | None = None
    notes: list[str] = field(default_factory=list)
    # False when the file's text holds none of the characters of mojibake (Ã, Â, â€)
    maybe_garbled: bool = True

    def row_numbers(self) -> np.ndarray:
        """The file row number of each record."""
        if self.rows is not None:
            return self.rows
        return np.arange(2, 2 + len(self.frame))

    @property
    def columns_found(self) -> str:
        """The file's column names for a message, "none" when it has none."""
        names = self.file_columns if self.file_columns is not None else self.frame.columns
        shown = [str(c)[:40] for c in list(names)[:20]]
        more = f", … ({len(names)} in all)" if len(names) > 20 else ""
        return ", ".join(shown) + more if shown else "none"


def _header_names(cells: list[object]) -> list[str]:
    names = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).replace("\ufeff", "").strip()
        names.append(text or f"column {i + 1}")
    return names


def _duplicates(name: str, names: list[str], wanted: Callable[[str], bool] | None) -> None:
    seen: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        seen.setdefault(n, []).append(i + 1)
    twice = [(n, at) for n, at in seen.items() if len(at) > 1 and (wanted is None or wanted(n))]
    if twice:
        problems = [
            f"{name}: column {n} appears {len(at)} times (columns {', '.join(map(str, at))}; "
            "names are compared without surrounding spaces). Keep one column of that name: "
            "remove or rename the others."
            for n, at in twice
        ]
        raise DataError("\n".join(problems), problems)


def _table(
    name: str,
    records: list[list[object]],
    lines: list[int],
    columns: Callable[[str], bool] | None,
    *,
    encoding: str | None = None,
) -> RawTable:
    import pandas as pd

    if not records:
        raise DataError(f"{name}: the file is empty. Export the table again with its header row.")
    header = _header_names(records[0])
    _duplicates(name, header, columns)
    width = len(header)
    body = records[1:]
    widths = np.fromiter(map(len, body), dtype=int, count=len(body))
    long = [
        lines[i + 1]
        for i in np.flatnonzero(widths > width)
        if any(c not in (None, "") and str(c).strip() for c in body[i][width:])
    ]
    if long:
        shown = ", ".join(map(str, long[:5])) + (", …" if len(long) > 5 else "")
        noun = "row has" if len(long) == 1 else "rows have"
        raise DataError(
            f"{name}: {len(long)} {noun} more cells than the header's {width} (row "
            f"{shown}). A value holds an unquoted separator, or the header lacks a column: "
            "quote such values or name every column."
        )
    if (widths != width).any():  # pad short rows; past the header, cells are blank
        body = [(list(r) + [None] * width)[:width] for r in body]
    columns_of = list(zip(*body, strict=True)) if body else [()] * width
    if encoding:  # CSV: every cell is text, a missing one None
        cells = [pa.array(col, type=pa.large_string()) for col in columns_of]
        keep = np.flatnonzero(filled_rows(cells, len(body)))
        data = {i: pd.Series(col.take(keep), dtype="str") for i, col in enumerate(cells)}
    else:  # a workbook's cells: numbers, dates, text or None
        keep = np.array(
            [
                i
                for i, r in enumerate(body)
                if any(c is not None and (not isinstance(c, str) or c.strip()) for c in r)
            ],
            dtype=int,
        )
        data = {i: pd.Series(_objects(col)[keep], dtype=object) for i, col in enumerate(columns_of)}
    rows = np.asarray(lines[1:], dtype=int)[keep]
    return _raw(name, header, data, rows, widths[keep], encoding)


def _objects(cells: tuple[object, ...]) -> np.ndarray:
    array = np.empty(len(cells), dtype=object)
    array[:] = cells
    return array


def _raw(
    name: str,
    header: list[str],
    data: dict[int, pd.Series],
    rows: np.ndarray,
    widths: np.ndarray,
    encoding: str | None,
) -> RawTable:
    import pandas as pd

    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    frame.columns = header
    return RawTable(name, frame, rows, widths, encoding)


def _plain_table(
    name: str,
    text: str,
    delimiter: str,
    columns: Callable[[str], bool] | None,
    encoding: str,
    data: bytes | None = None,
) -> RawTable | None:
    """The table :func:`_table` makes of plain CSV *text*, read by Arrow; None when
    the text is not plain (:func:`kpilib.data.plain_csv.plain_cells`). *data*, when
    given, is *text* in UTF-8 (:attr:`kpilib.data.text.CsvText.utf8`)."""
    import pandas as pd

    cells = plain_cells(text, delimiter, data=data)
    if cells is None:
        return None
    first, body, lines = cells
    header = _header_names(list(first))
    _duplicates(name, header, columns)
    keep = np.flatnonzero(filled_rows(body, len(lines) - 1))
    series = {i: pd.Series(col.take(keep), dtype="str") for i, col in enumerate(body)}
    widths = np.full(len(keep), len(header), dtype=int)
    return _raw(name, header, series, lines[1:][keep], widths, encoding)


def _read_csv(path: Path, columns: Callable[[str], bool] | None) -> RawTable:
    csv_text = read_csv_text(path, columns)
    if csv_text.binary:
        raise DataError(
            f"{path.name}: not a text file (it holds NUL characters). Export it again as CSV UTF-8."
        )
    text, delimiter = csv_text.text, csv_text.delimiter
    raw = _plain_table(path.name, text, delimiter, columns, csv_text.encoding, csv_text.utf8)
    if raw is None:
        records, lines = split_csv(text, path.name, delimiter)
        raw = _table(path.name, records, lines, columns, encoding=csv_text.encoding)
    raw.notes.extend(csv_text.notes)
    raw.maybe_garbled = csv_text.maybe_garbled
    return raw


def _read_parquet(path: Path, columns: Callable[[str], bool] | None) -> RawTable:
    import pyarrow.parquet as pq

    from kpilib.data.dictionaries import read_parquet

    check_file(path)
    try:
        file = pq.ParquetFile(path)  # the footer, read once for the names and the dictionaries
        names = file.schema_arrow.names
        _duplicates(path.name, _header_names(names), columns)
        keep = [c for c in names if columns is None or columns(c.strip())]
        frame = read_parquet(path, keep, file=file)
    except DataError:
        raise
    except Exception as exc:  # pyarrow raises several unrelated types
        raise DataError(f"{path.name}: not a readable Parquet file ({exc}).") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(path.name, frame, file_columns=[str(c).strip() for c in names])


def _read_xlsx(path: Path, columns: Callable[[str], bool] | None) -> RawTable:
    from openpyxl import load_workbook

    check_file(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types
        raise DataError(f"{path.name}: not a readable .xlsx workbook ({exc}).") from exc
    try:
        records, lines = xlsx_rows(book.worksheets[0], path.name)
    except DataError:
        raise
    except Exception as exc:  # a damaged sheet fails while it streams
        raise DataError(f"{path.name}: not a readable .xlsx workbook ({exc}).") from exc
    finally:
        book.close()
    return _table(path.name, records, lines, columns)


def xlsx_rows(
    sheet: object, name: str, *, keep_blank: bool = False
) -> tuple[list[list[object]], list[int]]:
    """The rows of a read-only worksheet and their row numbers, within
    :data:`MAX_COLUMNS` and :data:`MAX_CELLS` whatever size the sheet declares.

    Trailing empty cells are dropped; so are empty rows, unless *keep_blank*
    (then they are empty lists, each counting as one cell).
    """
    sheet.reset_dimensions()  # type: ignore[attr-defined]
    records: list[list[object]] = []
    lines: list[int] = []
    cells = 0
    limit = (
        f"Keep the workbook under {MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells, with no "
        "stray cell far from the table, or save the table as CSV or Parquet."
    )
    for number, cells_of_row in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        row = list(cells_of_row or ())
        while row and row[-1] is None:
            row.pop()
        if not row and not keep_blank:
            continue
        if len(row) > MAX_COLUMNS:
            raise DataError(f"{name}: row {number} has a cell in column {len(row):,}. {limit}")
        cells += max(len(row), 1)
        if cells > MAX_CELLS:
            raise DataError(f"{name}: the sheet holds more than {MAX_CELLS:,} cells. {limit}")
        records.append(row)
        lines.append(number)
    return records, lines


def read_table(path: Path, columns: Callable[[str], bool] | None = None) -> RawTable:
    """Read *path* (CSV, Parquet or .xlsx); *columns*, when given, says which
    (stripped) column names the caller reads: a Parquet file is read only for
    those, and only those must not be duplicated."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, columns)
    if suffix == ".parquet":
        return _read_parquet(path, columns)
    if suffix == ".xlsx":
        return _read_xlsx(path, columns)
    raise DataError(f"{path.name}: unsupported format; use one of {', '.join(SUFFIXES)}.")
