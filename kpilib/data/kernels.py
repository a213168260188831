"""Arrow's compute functions for ``kpi validate``'s quick path, without ``pyarrow.compute``.

Importing :mod:`pyarrow.compute` wraps each of Arrow's ~280 compute functions in a
documented Python function: 35-45 ms (``python -X importtime``), a seventh of the
0.3 s a whole ``kpi validate`` of a small folder may take. Those wrappers, and the
methods of Arrow's arrays built on them (``cast``, ``filter``, ``drop_null``...),
end in ``call_function``, which :func:`call` calls directly, with the options
classes :mod:`pyarrow.compute` re-exports from the same extension module.

No Python value is passed to a kernel but through its options: Arrow turns a
Python value into a scalar with a check that imports pandas.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from pyarrow._compute import CastOptions, MatchSubstringOptions, call_function

__all__ = ["call", "cast", "matches", "every", "some", "all_distinct", "text_bytes"]


def call(name: str, *args: Any, options: Any = None) -> Any:
    """Arrow's compute function *name* on *args*, with its *options* (default: the
    function's own).

    Examples
    --------
    >>> call("utf8_length", pa.array(["ab", None])).to_pylist()
    [2, None]
    """
    return call_function(name, list(args), options)


def cast(values: Any, to: pa.DataType) -> Any:
    """*values* as *to*, refusing (``ArrowInvalid``) what does not convert exactly."""
    return call("cast", values, options=CastOptions.safe(to))


def matches(values: Any, pattern: str) -> Any:
    """Whether each text of *values* matches the RE2 *pattern* somewhere (null for a null)."""
    return call("match_substring_regex", values, options=MatchSubstringOptions(pattern))


def every(mask: Any) -> bool:
    """Whether every non-null value of the boolean *mask* is true.

    Examples
    --------
    >>> every(pa.array([True, None])), every(pa.array([True, False]))
    (True, False)
    """
    return call("all", mask).as_py() is not False


def some(mask: Any) -> bool:
    """Whether a value of the boolean *mask* is true."""
    return call("any", mask).as_py() is True


def all_distinct(values: Any) -> bool:
    """Whether the non-null *values* are all different: at once when they are in
    strictly increasing order (as exports and generated files often are: one
    comparison a value, no hashing), else counted by Arrow's hash.

    Examples
    --------
    >>> all_distinct(pa.array(["L1", None, "L2"])), all_distinct(pa.array([2, 1, 2]))
    (True, False)
    """
    valid = call("drop_null", values) if values.null_count else values
    n = len(valid)
    if n < 2 or every(call("less", valid.slice(0, n - 1), valid.slice(1))):
        return True
    return call("count_distinct", valid).as_py() == n


def text_bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (one more than values: text *i* is ``data[offsets[i]:offsets[i + 1]]``)
    and the UTF-8 bytes of the string array *values*, as views of its buffers.

    Examples
    --------
    >>> offsets, data = text_bytes(pa.array(["ab", "", "c"]).slice(1))
    >>> offsets.tolist(), bytes(data[offsets[0] : offsets[-1]])
    ([2, 2, 3], b'c')
    """
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    _, offsets, data = values.buffers()
    empty = np.zeros(0, dtype=np.uint8)
    if offsets is None:  # no value at all
        return np.zeros(1, dtype=width), empty
    starts = np.frombuffer(offsets, dtype=width)[values.offset :][: len(values) + 1]
    return starts, empty if data is None else np.frombuffer(data, dtype=np.uint8)


def plain_ends(values: pa.Array) -> bool | None:
    """Of a string array without nulls, read from its bytes (a fraction of the cost of
    taking each text's first and last character): False when a text is empty or has a
    byte up to the space at either end (an ASCII space or control character; a
    character outside ASCII starts and ends with bytes from 0x80); otherwise None when
    a byte is outside ASCII (those texts' ends are still to be read), else True.

    Examples
    --------
    >>> plain_ends(pa.array(["a", "b c"])), plain_ends(pa.array(["a ", "b"]))
    (True, False)
    >>> plain_ends(pa.array([""])), plain_ends(pa.array(["é"])), plain_ends(pa.array([], pa.string()))
    (False, None, True)
    """
    if not len(values):
        return True
    offsets, data = text_bytes(values)
    starts, stops = offsets[:-1], offsets[1:]
    if (stops <= starts).any():
        return False  # an empty text
    if min(data[starts].min(), data[stops - 1].min()) <= ord(" "):
        return False
    return True if data[offsets[0] : offsets[-1]].max() < 0x80 else None


def outside_ascii(values: pa.Array) -> pa.Array:
    """The texts of *values* with a character outside ASCII."""
    return call("filter", values, call("invert", call("string_is_ascii", values)))


def strip_changes(column: Any) -> bool:
    """False when stripping the whitespace of the string array or chunked array
    *column* (``utf8_trim_whitespace``) would change no text and leave none empty,
    nulls aside; True when it may (a control character at an end counts). The texts'
    bytes are read (:func:`plain_ends`), and only the texts outside ASCII are stripped
    to tell."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        values = call("drop_null", chunk) if chunk.null_count else chunk
        plain = plain_ends(values)
        if plain is None:
            others = outside_ascii(values)
            stripped = call("utf8_trim_whitespace", others)
            plain = every(
                call("equal", call("binary_length", stripped), call("binary_length", others))
            )
        if not plain:
            return True
    return False
