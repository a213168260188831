"""Where each imported lead comes from, so that validation speaks of the export.

An import writes ``leads.csv`` and validates the folder; the loader's
messages name ``leads.csv``, its columns and its rows, which the user never
wrote. :func:`translate` turns them back into the export's file, column
labels and row numbers (as the export numbers them, title lines included).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kpilib.importers._mapping import CANONICAL

__all__ = ["Origin", "origin_of", "translate"]

_FLAGGED = re.compile(
    r"^leads\.csv: column (?P<column>\w+): (?P<body>.*?)\((?P<rows>rows? [0-9, …]+)\)"
    r"(?P<rest>.*)$",
    re.DOTALL,
)
_FIRST_ROW = 2  # leads.csv's first record, under its one header line


@dataclass
class Origin:
    """The export behind an imported leads table.

    ``rows[i]`` is the export row of the table's record ``i``; ``columns``
    gives, per canonical column, the export label it was read from (with
    ``files`` naming the joined file a label comes from, when not the export).
    """

    file: str
    rows: np.ndarray
    columns: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def origin_of(
    name: str,
    rows: np.ndarray,
    keep: Sequence[bool] | np.ndarray,
    cols: Mapping[str, str],
    **used: str | None,
) -> Origin:
    """The origin of records *keep* of an export: the canonical columns of *cols*, and *used*.

    Examples
    --------
    >>> o = origin_of("deals.csv", np.array([2, 3, 5]), [True, False, True],
    ...               {"lead_id": "Record ID", "stage": "Deal Stage"}, amount="Amount")
    >>> o.rows.tolist(), o.columns
    ([2, 5], {'lead_id': 'Record ID', 'amount': 'Amount'})
    """
    columns = {k: c for k, c in cols.items() if k in CANONICAL or k.endswith("_at")}
    columns |= {k: c for k, c in used.items() if c}
    return Origin(name, np.asarray(rows)[np.asarray(keep, dtype=bool)], columns)


def _rows(text: str, rows: np.ndarray) -> str:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    mapped = [
        str(int(rows[n - _FIRST_ROW])) if 0 <= n - _FIRST_ROW < len(rows) else str(n)
        for n in numbers
    ]
    more = ", …" if "…" in text else ""
    return f"{'row' if len(mapped) == 1 and not more else 'rows'} {', '.join(mapped)}{more}"


def translate(problems: Iterable[str], origin: Origin | None) -> list[str]:
    """*problems* of the written ``leads.csv``, told in terms of the export.

    Examples
    --------
    >>> o = Origin("deals.csv", np.array([4, 5, 9]), {"lead_id": "Record ID"})
    >>> translate(["leads.csv: column lead_id: 2 rows have a duplicate id (rows 3, 4). Fix."], o)
    ['deals.csv: column Record ID (lead_id): 2 rows have a duplicate id (rows 5, 9). Fix.']
    """
    if origin is None:
        return list(problems)
    out = []
    for problem in problems:
        hit = _FLAGGED.match(problem)
        if hit is None:
            if problem.startswith("leads.csv: "):
                problem = f"{origin.file} (imported as leads.csv): {problem[len('leads.csv: ') :]}"
            out.append(problem)
            continue
        column = hit["column"]
        label = origin.columns.get(column)
        where = f", from {origin.files[label]}" if label in origin.files else ""
        named = f"{label} ({column}{where})" if label else column
        out.append(
            f"{origin.file}: column {named}: {hit['body']}({_rows(hit['rows'], origin.rows)})"
            f"{hit['rest']}"
        )
    return out
