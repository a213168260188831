"""Reading an export file into cells, whatever its encoding and layout.

CSV (decoded and split by :mod:`kpilib.data.text`, the loader's reader: any
delimiter and encoding it recognises) and .xlsx (within the loader's cell
limits, :func:`kpilib.data.read.xlsx_rows`). Report titles, filter lines and date ranges above
the header are kept aside as the *preamble*; total, copyright and
confidentiality lines below the data are dropped. The header is the first
row, among the first 40, that holds the most known column labels: the
importer's aliases and the labels the user named in ``mapping.toml
[columns]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpilib.data.read import xlsx_rows
from kpilib.data.text import decode, read_bytes, sniff, split_csv
from kpilib.errors import DataError
from kpilib.importers._mapping import Mapping
from kpilib.importers._text import clean_label, label_key

__all__ = ["Export", "read_export"]

_SCAN = 40
_FOOTER = re.compile(
    r"^((sub-?|sous-)?totals?|total g[ée]n[ée]ral|totaux|gesamt|summe)\s*(:|\(|$)"
    r"|^(grand totals?|confidential|informations? confidentielles?|copyright|©)",
    re.IGNORECASE,
)


@dataclass
class Export:
    """One export file's cells.

    ``frame`` holds the data rows under the file's own (cleaned) labels, as
    text for CSV and as the stored values for .xlsx; ``rows`` is the file row
    number (1-based, as a spreadsheet shows it) of each record; ``preamble``
    the text of the lines above the header.
    """

    name: str
    frame: pd.DataFrame
    rows: np.ndarray
    preamble: list[str] = field(default_factory=list)
    typed: bool = False


def _score(row: list[object], known: set[str]) -> int:
    return sum(1 for cell in row if cell is not None and label_key(cell) in known)


def _header_index(rows: list[list[object]], known: set[str]) -> tuple[int, int]:
    best, best_score = 0, 0
    for i, row in enumerate(rows[:_SCAN]):
        score = _score(row, known)
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _csv_rows(text: str, name: str, known: set[str]) -> list[list[object]]:
    delimiter = sniff(text, score=lambda rows: _header_index(rows, known)[1])
    return list(split_csv(text, name, delimiter, keep_blank=True)[0])


def _xlsx_rows(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types
        raise DataError(
            f"{path.name}: not a readable .xlsx workbook ({exc}). Export it again as .xlsx or CSV."
        ) from exc
    try:
        return xlsx_rows(book.worksheets[0], path.name, keep_blank=True)[0]
    except DataError:
        raise
    except Exception as exc:  # a damaged sheet fails while it streams
        raise DataError(
            f"{path.name}: not a readable .xlsx workbook ({exc}). Export it again as .xlsx or CSV."
        ) from exc
    finally:
        book.close()


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _footer(row: list[object]) -> bool:
    """A blank row, or one whose first filled cell starts like a total or a legal notice."""
    for cell in row:
        if cell is None:
            continue
        if isinstance(cell, str):
            text = cell.strip()
            if not text:
                continue
            return bool(_FOOTER.match(text))
        return False
    return True


def _labels(header: list[object]) -> list[str]:
    labels: list[str] = []
    for i, cell in enumerate(header):
        label = clean_label(cell) if not _blank(cell) else f"column {i + 1}"
        n, base = 2, label
        while label in labels:
            label, n = f"{base} ({n})", n + 1
        labels.append(label)
    return labels


def _no_header(
    name: str, what: str, expected: Sequence[str], mapped: list[str], mapping: Mapping | None
) -> str:
    sample = ", ".join(expected)
    if not mapped or mapping is None:
        return (
            f"{name}: no header row found in the first {_SCAN} rows; expected labels "
            f"such as {sample}. Check that the file is {what}, exported with its default "
            "columns, or name the columns in mapping.toml [columns]."
        )
    return (
        f"{name}: no header row found in the first {_SCAN} rows: no row holds two of the "
        f"labels named in {mapping.name} [columns] ({', '.join(mapped)}) or of {what} "
        f"(such as {sample}). Check each label in [columns] against the file's header "
        "(spelling, language), and that the file is the right export."
    )


def read_export(
    path: Path,
    *,
    known: Iterable[str],
    what: str,
    expected: Sequence[str],
    mapping: Mapping | None = None,
) -> Export:
    """Read the export at *path*; *known* are labels that identify its header.

    *what* names the expected export in messages ("a HubSpot deals export"),
    *expected* the labels to quote when no header is found. The labels of
    *mapping*'s ``[columns]`` count as known too.
    """
    mapped = list(dict.fromkeys(mapping.columns.values())) if mapping else []
    keys = {label_key(k) for k in [*known, *mapped]}
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(f"{path}: no such file. Check the path of the export.")
    if suffix == ".xlsx":
        rows, typed = _xlsx_rows(path), True
    elif suffix in (".csv", ".tsv", ".txt"):
        text = decode(read_bytes(path), path.name)[0]
        rows, typed = _csv_rows(text, path.name, keys), False
    else:
        raise DataError(
            f"{path.name}: unsupported file type {suffix or '(none)'}. Export as CSV or .xlsx "
            "(open an .xls file in a spreadsheet and save it as .xlsx)."
        )
    index, score = _header_index(rows, keys)
    if score < 2:
        raise DataError(_no_header(path.name, what, expected, mapped, mapping))
    labels = _labels(rows[index])
    width = len(labels)
    body = [(i + 1, r) for i, r in enumerate(rows[index + 1 :], start=index + 1)]
    kept = [(n, (list(r) + [None] * width)[:width]) for n, r in body if not _footer(r)]
    cells = list(zip(*(r for _, r in kept), strict=True)) or [()] * width
    frame = pd.DataFrame(
        {i: pd.Series(list(col), dtype=object) for i, col in enumerate(cells)}, dtype=object
    )
    frame.columns = labels
    preamble = [
        ", ".join(clean_label(c) for c in r if not _blank(c)) for r in rows[:index] if any(r)
    ]
    return Export(path.name, frame, np.array([n for n, _ in kept], dtype=int), preamble, typed)
