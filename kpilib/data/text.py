"""Text files: their bytes, their encoding and their CSV records.

One decoder and one delimiter sniffer for the whole kit: the dataset loader
(:mod:`kpilib.data.read`) and the importers read text through them.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kpilib.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "check_file",
    "make_folder",
    "read_bytes",
    "decode",
    "sniff",
    "CsvText",
    "read_csv_text",
    "split_csv",
    "mojibake",
    "DELIMITERS",
    "WHITESPACE",
]

DELIMITERS = (",", ";", "\t", "|")
# every character str.strip() removes and a regex's \s matches (str.isspace()), written
# out so that Arrow's regex engine, whose \s is narrower, means the same by them
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# what mojibake starts with: UTF-8 read as Windows-1252 or Latin-1 (Ã© for é)
MOJIBAKE_STARTS = ("Ã", "Â", "â€")
# the texts the fast paths (Arrow, scans) hand to the exact reader: those holding the
# start of mojibake, and those starting or ending with a space outside ASCII (Python's
# strip removes it; a scan's or Arrow's may not)
_OTHER_SPACES = "".join(c for c in WHITESPACE if c > "\x7f")
UNUSUAL_TEXT = f"{'|'.join(MOJIBAKE_STARTS)}|^[{_OTHER_SPACES}]|[{_OTHER_SPACES}]$"
_SCAN_LINES = 40
# charset-normalizer often ties on short files: the usual encodings of sales exports win ties
_PREFERRED = ("utf_8", "cp1252", "latin_1", "iso8859_15", "cp1250", "mac_roman")
# the encodings sales exports come in, tried before any other
_CANDIDATES = (*_PREFERRED, "cp1251", "cp850", "iso8859_2")
_LABELS = {
    "utf_8": "UTF-8",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "utf_32": "UTF-32",
    "cp1252": "Windows-1252",
    "cp1250": "Windows-1250",
    "latin_1": "ISO-8859-1",
    "iso8859_15": "ISO-8859-15",
    "mac_roman": "Mac Roman",
    "ascii": "UTF-8",
}
_RESAVE = "Export it again as CSV UTF-8."
_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")  # byte-order marks


def check_file(path: Path) -> None:
    """Raise a :class:`DataError` naming *path* unless it is a readable file."""
    name = path.name
    if path.is_symlink() and not path.exists():
        raise DataError(f"{name}: a link to a file that does not exist. Put the file itself there.")
    if path.is_dir():
        raise DataError(f"{name}: a folder, not a file. Put the {name} file itself there.")
    if not path.is_file():
        raise DataError(f"{name}: not a regular file. Put the {name} file itself there.")
    if not os.access(path, os.R_OK):
        raise DataError(
            f"{name}: cannot be read (permission denied). Give read access to the file."
        )


def make_folder(path: Path, *, option: str = "--out") -> Path:
    """Create the output folder *path* (with its parents) if missing and check
    that files can be written in it; a :class:`~kpilib.errors.ParameterError`
    naming it otherwise. Returns *path*."""
    from kpilib.errors import ParameterError

    hint = f"Give {option} a folder you can write to (it is created if missing)."
    if path.exists() and not path.is_dir():
        raise ParameterError(f"{path}: a file, not a folder. {hint}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(
            f"{path}: the folder cannot be created ({exc.strerror or exc}). {hint}"
        ) from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise ParameterError(f"{path}: cannot write in this folder (permission denied). {hint}")
    return path


def read_bytes(path: Path) -> bytes:
    """The bytes of *path*, or a :class:`DataError` naming it when it is not a readable file."""
    check_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"{path.name}: cannot be read ({exc.strerror or exc}). Check the file's access rights."
        ) from exc


def _utf16(body: bytes, codec: str, name: str) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        why = "an odd number of bytes" if len(body) % 2 else f"bytes {exc.start}-{exc.end}"
        raise DataError(
            f"{name}: UTF-16 text that does not decode ({why}: the file is cut short or "
            f"damaged). {_RESAVE}"
        ) from exc


def decode(raw: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode a text file's bytes: the text, the encoding's name and warnings.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32), except a UTF-16 mark in
    front of UTF-8 text, which is read as UTF-8 with a warning; NUL bytes
    without a mark mean UTF-16; strict UTF-8 next; else charset-normalizer's
    guess, the usual Western encodings winning ties.

    Examples
    --------
    >>> decode("Benoît".encode("cp1252"), "leads.csv")[:2]
    ('Benoît', 'Windows-1252')
    >>> decode(b"\\xff\\xfe" + "lead_id".encode("utf-16-le"), "leads.csv")[:2]
    ('lead_id', 'UTF-16')
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8", []
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{name}: marked as UTF-8 but byte {exc.start + 3} is not UTF-8. {_RESAVE}"
            ) from exc
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return raw.decode("utf-32"), "UTF-32", []
        except UnicodeDecodeError as exc:
            raise DataError(f"{name}: UTF-32 text that does not decode. {_RESAVE}") from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        body = raw[2:]
        if b"\x00" not in body:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                note = (
                    f"{name}: starts with a UTF-16 byte-order mark but holds UTF-8 text; read "
                    f"as UTF-8. {_RESAVE}"
                )
                return text, "UTF-8", [note]
        codec = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
        return _utf16(body, codec, name), "UTF-16", []
    if b"\x00" in raw[:4096]:
        even, odd = raw[0:4096:2].count(0), raw[1:4096:2].count(0)
        if max(even, odd) < len(raw[:4096]) // 8:
            raise DataError(f"{name}: not a text file (it holds binary data). {_RESAVE}")
        return _utf16(raw, "utf-16-be" if even > odd else "utf-16-le", name), "UTF-16", []
    try:
        return raw.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    return _guess(raw, name)


def _guess(raw: bytes, name: str) -> tuple[str, str, list[str]]:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw, cp_isolation=list(_CANDIDATES))) or list(from_bytes(raw))
    if not matches:
        raise DataError(f"{name}: not text in any encoding recognised. {_RESAVE}")
    best = min(m.chaos for m in matches)
    # every encoding that gives the least chaotic text, and those giving the same text
    tied = [e for m in matches if m.chaos <= best + 1e-9 for e in m.could_be_from_charset]
    chosen = next((e for e in _PREFERRED if e in tied), tied[0])
    try:
        text = raw.decode(chosen)
    except UnicodeDecodeError:  # pragma: no cover - charset-normalizer decoded it already
        chosen = matches[0].encoding
        text = str(matches[0])
    return text, _LABELS.get(chosen, chosen), []


def _records(lines: str, delimiter: str) -> list[list[str]]:
    try:
        return [r for r in csv.reader(io.StringIO(lines), delimiter=delimiter) if r]
    except csv.Error:
        return []


def _first_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting the whole text: a prefix giving more
    than *n* lines holds the first *n* whole."""
    size = 8192
    while True:
        lines = text[:size].splitlines()
        if len(lines) > n or size >= len(text):
            return lines[:n]
        size *= 4


def sniff(text: str, *, score: Callable[[list[list[str]]], int] | None = None) -> str:
    """The delimiter of CSV *text*: the one under which *score* (say, the known
    column labels found) is highest, then the one splitting the first lines
    into the most cells, consistently.

    Examples
    --------
    >>> sniff("lead_id;lead_at;amount\\nL1;2026-10-01;1234.56\\n")
    ';'
    """
    head = "\n".join(_first_lines(text, _SCAN_LINES))
    best, best_key = ",", (-1, -1.0, -1)
    for sep in DELIMITERS:
        records = _records(head, sep)
        if not records:
            continue
        widths = [len(r) for r in records]
        first = widths[0]
        consistent = sum(w == first for w in widths) / len(widths) if first > 1 else 0.0
        key = (score(records) if score else 0, consistent, first)
        if key > best_key:
            best, best_key = sep, key
    return best


@dataclass(frozen=True)
class CsvText:
    """A CSV file's bytes, decoded, and its delimiter (:func:`read_csv_text`).

    ``data`` is the file's bytes; ``text`` those decoded under ``encoding`` (a
    name :func:`decode` gives), ``notes`` its warnings; ``delimiter`` the one
    :func:`sniff` finds.
    """

    data: bytes
    text: str
    encoding: str
    delimiter: str
    notes: list[str] = field(default_factory=list)

    @property
    def binary(self) -> bool:
        """Whether the text holds NUL characters: no text file."""
        return "\x00" in self.text

    @property
    def maybe_garbled(self) -> bool:
        """Whether the text holds a character mojibake starts with (Ã, Â, â€)."""
        return any(c in self.text for c in MOJIBAKE_STARTS)

    @property
    def utf8(self) -> bytes | None:
        """The text in UTF-8 when the file's bytes are that (UTF-8 without a
        byte-order mark), else None."""
        if self.encoding == "UTF-8" and not self.data.startswith(_MARKS):
            return self.data
        return None


def read_csv_text(path: Path, known: Callable[[str], bool] | None = None) -> CsvText:
    """Read the CSV file at *path*, decode it (:func:`decode`) and sniff its delimiter
    (:func:`sniff`): the one under which the first record holds the most column names
    *known* accepts (stripped) wins.

    Raises :class:`~kpilib.errors.DataError` naming the file when it cannot be read or
    decoded.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "leads.csv"
    >>> _ = path.write_bytes("lead_id;lead_at;note\\nL1;2026-10-01;Benoît, 3\\n".encode("cp1252"))
    >>> csv_text = read_csv_text(path, {"lead_id", "lead_at"}.__contains__)
    >>> csv_text.delimiter, csv_text.encoding, csv_text.utf8 is None
    (';', 'Windows-1252', True)
    """
    data = read_bytes(path)
    text, encoding, notes = decode(data, path.name)

    def score(records: list[list[str]]) -> int:
        return sum(bool(known and known(c.strip())) for c in records[0])

    return CsvText(data, text, encoding, sniff(text, score=score), notes)


def split_csv(
    text: str, name: str, delimiter: str, *, keep_blank: bool = False
) -> tuple[list[list[str]], list[int]]:
    """The records of CSV *text* and the line each ends on; blank lines are
    dropped unless *keep_blank* (then they are empty records)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    records, lines = [], []
    try:
        for record in reader:
            if record or keep_blank:
                records.append(record)
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(
            f"{name}: not a readable CSV table at line {reader.line_num + 1} ({exc}). Check the "
            "quotes on that line, or export the file again."
        ) from exc
    return records, lines


_MOJIBAKE = re.compile(
    f"(?:{'|'.join(MOJIBAKE_STARTS)})"
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def mojibake(values: pd.Series) -> pd.Series:
    """Cells whose text looks like UTF-8 read as Windows-1252 or Latin-1 (``Ã©`` for ``é``)."""
    import pandas as pd

    if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
        return pd.Series(False, index=values.index)
    if values.dtype == object:
        values = values.where(values.map(lambda v: isinstance(v, str)).astype(bool), "")
    text = values.astype("str")
    if _all_ascii(text):  # mojibake starts with a letter outside ASCII (Ã, Â, â)
        return pd.Series(False, index=values.index)
    return text.str.contains(_MOJIBAKE).fillna(False).astype(bool)


def _all_ascii(text: pd.Series) -> bool:
    """Whether every text of an Arrow-backed string column is ASCII, missing ones aside
    (one pass over its bytes, no regular expression); False for other storage."""
    if getattr(text.dtype, "storage", None) not in ("pyarrow", "pyarrow_numpy"):
        return False
    import pyarrow.compute as pc

    from kpilib.data.dictionaries import dictionaries

    values = text.array.__arrow_array__()
    few = dictionaries(values)  # read from a file's dictionaries: their texts tell
    return pc.all(pc.string_is_ascii(values if few is None else few)).as_py() is not False
