"""Header labels and cell text: normalising, matching aliases, naming rows.

Exports label their columns in the exporting user's language, with stray
BOMs, curly quotes, odd dashes and, after a re-save, mojibake. Labels are
compared through :func:`label_key`, which folds all of that away.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["fix_mojibake", "label_key", "match_columns", "plural", "rows_text", "snake"]

_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "´": "'",
        "`": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "−": "-",
    }
)
_SHOWN_ROWS = 5


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Windows-1252 (``Ã©`` → ``é``).

    Examples
    --------
    >>> fix_mojibake("Date de crÃ©ation")
    'Date de création'
    >>> fix_mojibake("Montant")
    'Montant'
    """
    if not re.search("[ÃÂâ][\u0080-\u00ff\u0152-\u2122]", text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text


def clean_label(label: object) -> str:
    """A header cell as text: BOM, mojibake and surrounding spaces removed."""
    text = fix_mojibake(str(label).replace("\ufeff", ""))
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def label_key(label: object) -> str:
    """The comparison key of a header label: cleaned, accent-free, casefolded.

    Examples
    --------
    >>> label_key("\\ufeff Date de Création ")
    'date de creation'
    >>> label_key("Date entered “Closed Won (Sales Pipeline)”")
    'date entered "closed won (sales pipeline)"'
    """
    text = unicodedata.normalize("NFKD", clean_label(label))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def match_columns(
    columns: Iterable[object], aliases: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """Map each field of *aliases* to the first column whose label matches one alias.

    Examples
    --------
    >>> match_columns(["Montant", "Record ID"], {"amount": ["Amount", "montant"], "id": ["ID"]})
    {'amount': 'Montant'}
    """
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(label_key(col), str(col))
    found: dict[str, str] = {}
    for field, labels in aliases.items():
        for label in labels:
            col = by_key.get(label_key(label))
            if col is not None:
                found[field] = col
                break
    return found


def snake(values: pd.Series) -> pd.Series:
    """Source and channel values as lower-case words joined by ``_``.

    Examples
    --------
    >>> snake(pd.Series(["Paid search", "PAID_SEARCH", "Réseaux sociaux", None])).tolist()
    ['paid_search', 'paid_search', 'reseaux_sociaux', nan]
    """
    keys = {v: label_key(v) for v in values.dropna().unique()}
    text = values.map(keys).astype("str")
    text = text.str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_")
    return text.where(values.notna() & (text != ""))


def rows_text(rows: np.ndarray, mask: np.ndarray | pd.Series) -> tuple[int, str]:
    """Count of flagged records and ``"rows 3, 7, …"`` naming their file rows.

    Examples
    --------
    >>> rows_text(np.array([2, 3, 4]), np.array([True, False, True]))
    (2, 'rows 2, 4')
    """
    picked = np.asarray(rows)[np.asarray(mask, dtype=bool)]
    shown = ", ".join(str(int(r)) for r in picked[:_SHOWN_ROWS])
    more = ", …" if len(picked) > _SHOWN_ROWS else ""
    return len(picked), f"{'row' if len(picked) == 1 else 'rows'} {shown}{more}"


def plural(n: int, word: str) -> str:
    """``"1 row"``, ``"2 rows"``.

    Examples
    --------
    >>> plural(1, "deal"), plural(3, "deal")
    ('1 deal', '3 deals')
    """
    return f"{n} {word}{'' if n == 1 else 's'}"
