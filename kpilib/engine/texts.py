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

__all__ = ["BYTES", "HASH", "with_helpers", "may_change", "outside_ascii", "repeats"]

BYTES, HASH = "__kpilib_bytes_", "__kpilib_hash"
_LAST = "__kpilib_last_"


def with_helpers(
    lf: nw.LazyFrame, *, texts: Sequence[str] = (), ids: Sequence[str] = ()
) -> nw.LazyFrame:
    """*lf* (polars or DuckDB) with, for each of *texts*, its values' last character
    and length in bytes, and for the one column of *ids*, a 64-bit hash of it."""
    native = lf.to_native()
    if lf.implementation.is_polars():
        import polars as pl

        extra = [pl.col(c).str.slice(-1, 1).alias(_LAST + c) for c in texts]
        extra += [pl.col(c).str.len_bytes().alias(BYTES + c) for c in texts]
        extra += [pl.col(c).hash().alias(HASH) for c in ids]
        return nw.from_native(native.with_columns(extra))
    sql = [f'right("{c}", 1) AS "{_LAST + c}"' for c in texts]
    sql += [f'strlen("{c}") AS "{BYTES + c}"' for c in texts]
    sql += [f'hash("{c}") AS "{HASH}"' for c in ids]
    return nw.from_native(native.project(", ".join(["*", *sql])))


def may_change(col: str, *, unicode: bool) -> nw.Expr:
    """Whether a value of *col* might change under a strip, or is blank: one starts or
    ends with a character up to the space (every ASCII space, the blank text), or, when
    the strip removes *unicode* spaces too, with one outside ASCII. Needs
    :func:`with_helpers`; a false alarm only makes the scan strip the column."""
    x, last = nw.col(col), nw.col(_LAST + col)
    out = (x < "!") | (last < "!")
    if unicode:
        out = out | (x >= "\x80") | (last >= "\x80")
    return out.any()


def outside_ascii(col: str) -> nw.Expr:
    """Whether a value of *col* holds a character outside ASCII (more bytes than
    characters) or starts or ends with an ASCII control character. Needs
    :func:`with_helpers`."""
    x, last = nw.col(col), nw.col(_LAST + col)
    return ((nw.col(BYTES + col) != x.str.len_chars()) | (x < " ") | (last < " ")).any()


def repeats() -> nw.Expr:
    """Whether the hashed id column repeats a value (or two hashes collide, or two
    values are missing: a false alarm). Needs :func:`with_helpers` with *ids*."""
    return nw.col(HASH).n_unique() < nw.len()
