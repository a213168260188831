"""Cheap facts about the text columns of a scan, which narwhals cannot compute cheaply.

A scan strips a text column only when one of its values would change (see
:func:`kpilib.engine.scan.scan_dataset`), and the ``auto`` engine's pre-check
(:mod:`kpilib.engine.auto`) looks for mojibake and duplicate ids. Each is one
aggregate query, over 10M values at a time: comparing every value with its
stripped self took DuckDB 3 s of CPU for 10M lead ids, comparing its first and
last character with ``"!"`` 0.6 s. :func:`with_helpers` adds the columns those
cheap tests read (each value's last character, its length in bytes, a hash of
the ids) in the engine's own terms: narwhals' ``str.slice(-1)`` costs as much
as the strip on DuckDB, and it has no byte length or hash.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw

__all__ = [
    "BYTES",
    "HASH",
    "SPACES",
    "ASCII_SPACES",
    "strip_set",
    "with_helpers",
    "may_change",
    "outside_ascii",
    "repeats",
]

BYTES, HASH = "__kpilib_bytes_", "__kpilib_hash"
_LAST = "__kpilib_last_"
# what Python's str.strip removes (the loader strips so): ASCII's spaces, the four
# separators \x1c-\x1f, and the Unicode spaces (no-break, ideographic...)
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
ASCII_SPACES = SPACES[:10]


def strip_set(lf: nw.LazyFrame) -> str | None:
    """The characters a scan on *lf*'s engine strips from texts: Python's on polars; its
    ASCII ones on DuckDB (each character more slows DuckDB's trim down: 2.5 s of CPU for
    10M ids with six, 3.4 s with ten, measured; the ``auto`` engine's pre-check finds the
    others); Spark's own default elsewhere."""
    if lf.implementation.is_polars():
        return SPACES
    if lf.implementation.is_duckdb():
        return ASCII_SPACES
    return None


def with_helpers(
    lf: nw.LazyFrame,
    *,
    last: Sequence[str] = (),
    sizes: Sequence[str] = (),
    ids: Sequence[str] = (),
) -> nw.LazyFrame:
    """*lf* (polars or DuckDB) with the last character of each text of *last*, the
    length in bytes of each of *sizes*, and a 64-bit hash of the one column of *ids*."""
    native = lf.to_native()
    if lf.implementation.is_polars():
        import polars as pl

        extra = [pl.col(c).str.slice(-1, 1).alias(_LAST + c) for c in last]
        extra += [pl.col(c).str.len_bytes().alias(BYTES + c) for c in sizes]
        extra += [pl.col(c).hash().alias(HASH) for c in ids]
        return nw.from_native(native.with_columns(extra))
    sql = [f'right("{c}", 1) AS "{_LAST + c}"' for c in last]
    sql += [f'strlen("{c}") AS "{BYTES + c}"' for c in sizes]
    sql += [f'hash("{c}") AS "{HASH}"' for c in ids]
    return nw.from_native(native.project(", ".join(["*", *sql])))


def may_change(col: str, *, unicode: bool) -> nw.Expr:
    """Whether a value of *col* might change under a strip, or is blank: one starts or
    ends with a character up to the space (every ASCII space and separator, the blank
    text), or, when the strip removes *unicode* spaces too, with one outside ASCII.
    Needs :func:`with_helpers` (*last*); a false alarm only makes the scan strip the
    column."""
    x, last = nw.col(col), nw.col(_LAST + col)
    out = (x < "!") | (last < "!")
    if unicode:
        out = out | (x >= "\x80") | (last >= "\x80")
    return out.any()


def outside_ascii(col: str) -> nw.Expr:
    """Whether a value of *col* holds a character outside ASCII (more bytes than
    characters). Needs :func:`with_helpers` (*sizes*)."""
    return (nw.col(BYTES + col) != nw.col(col).str.len_chars()).any()


def repeats() -> nw.Expr:
    """Whether the hashed id column repeats a value (or two hashes collide, or two
    values are missing: a false alarm). Needs :func:`with_helpers` with *ids*."""
    return nw.col(HASH).n_unique() < nw.len()
