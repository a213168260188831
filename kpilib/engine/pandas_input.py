"""pandas input, run on polars: the conversion of the columns a calculation reads.

:func:`kpilib.engine.frames.lazy_inputs` hands each pandas frame to :func:`on_polars`.
The KPI code is narwhals; over pandas it is several times slower than over
polars, so pandas input is converted to polars (when polars is installed) and
the result converted back. The conversion is the price of pandas input, paid
on every call, so it reads only what the calculation needs:

- the columns it names (others stay in the schema as all-null columns);
- for a customer's first sale, the rows holding a sale only (about 5% of the
  leads), through :func:`sale_rows_on_polars`;

and it shares memory where it can: numpy datetimes keep their int64 values
under a null mask; pandas' Arrow-backed text (the default ``str`` dtype) is
handed over as Arrow. Columns are prepared on a small pool of threads (NumPy
and Arrow release the GIL), then polars imports them together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import narwhals as nw
import numpy as np

# Engine that runs pandas input: "polars" (when installed; the result is converted
# back to pandas) or "pandas" (narwhals over pandas, several times slower).
PANDAS_ENGINE = "polars"

_NAT = np.iinfo(np.int64).min
_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _pool() -> ThreadPoolExecutor:
    """The threads that prepare columns (up to four, no more than the cores).

    One pool per process: a child forked after the pool was made (multiprocessing
    on Linux) has none of its threads, and would wait forever on it.
    """
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        workers = max(1, min(4, os.cpu_count() or 1))
        _POOL = (os.getpid(), ThreadPoolExecutor(workers, thread_name_prefix="kpilib"))
    return _POOL[1]


# within converted_once: its conversions, and whether it is lean
_CONVERTED: ContextVar[tuple[dict[tuple[Any, ...], tuple[Any, Any]], bool] | None] = ContextVar(
    "kpilib_converted", default=None
)


@contextmanager
def converted_once(*, lean: bool = False) -> Iterator[None]:
    """Within the block, each pandas frame is converted once per set of columns read.

    The report model's sections read the same frames a hundred times (the
    forecast's backtest alone forecasts twelve months); each call converted
    them again. The frames must not change within the block (the report's
    are the dataset's, which nothing writes to); outside it, every call
    converts what it is given, as the frames may have changed since.

    *lean* keeps only the conversions that cost little memory: the sale rows
    (:func:`sale_rows_on_polars`) and frames without text, whose dates and
    numbers polars shares with pandas. A text column of every row is a copy
    (160 MB at 10M leads), and is converted again when read again.
    """
    if _CONVERTED.get() is not None:  # within an enclosing block: its conversions serve
        yield
        return
    token = _CONVERTED.set(({}, lean))
    try:
        yield
    finally:
        _CONVERTED.reset(token)


def _once(kind: str, native: Any, args: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """``make()``, or, within :func:`converted_once`, what it gave for the same frame
    (the very object, kept alive beside it, so that its id is not reused) and *args*."""
    block = _CONVERTED.get()
    if block is None:
        return make()
    cache, lean = block
    key = (kind, id(native), args)
    hit = cache.get(key)
    if hit is not None and hit[0] is native:
        return hit[1]
    value = make()
    if not (lean and kind == "frame" and _holds_text(value)):
        cache[key] = (native, value)
    return value


def _holds_text(frame: nw.LazyFrame | None) -> bool:
    """Whether a converted frame holds a text column (a copy of the pandas one)."""
    if frame is None:
        return False
    import polars as pl

    schema = frame.to_native().collect_schema()
    return any(isinstance(t, (pl.String, pl.Categorical, pl.Enum)) for t in schema.dtypes())


def _modules() -> tuple[Any, Any] | None:
    """(polars, pyarrow) when pandas input runs on polars, else None."""
    if PANDAS_ENGINE != "polars":
        return None
    try:
        import polars as pl
    except ImportError:  # pragma: no cover - polars is an optional engine
        return None
    import pyarrow as pa

    return pl, pa


def on_polars(
    native: Any, keep: Sequence[str] | None = None, categories: Sequence[str] = ()
) -> nw.LazyFrame | None:
    """A pandas frame as a polars LazyFrame, or None when it must stay on pandas.

    With *keep*, only the ``*_at`` columns and those named in *keep* are
    converted; the others stay in the schema as all-null columns (so that
    messages still list every column found) and cost nothing. Text columns
    named in *categories* come as polars Categorical: 4 bytes a row instead of
    16 (160 MB a column at 10M rows), for about 0.2 s more a column; the
    calculation must only group on them (see ``lazy_inputs``). None when polars
    is unavailable or a column cannot be typed by Arrow or polars.
    """
    args = (None if keep is None else tuple(keep), tuple(categories))
    return _once("frame", native, args, lambda: _on_polars(native, keep, categories))


def _on_polars(
    native: Any, keep: Sequence[str] | None, categories: Sequence[str]
) -> nw.LazyFrame | None:
    modules = _modules()
    if modules is None:
        return None
    pl = modules[0]
    names = list(native.columns)
    used = names
    if keep is not None and all(isinstance(c, str) for c in names):
        used = [c for c in names if c.endswith("_at") or c in keep]
    frame = _polars_frame(native, used, None, *modules, categories=categories)
    if frame is None:
        return None
    nulls = [pl.lit(None).alias(c) for c in names if c not in used]
    lf = frame.lazy()
    return nw.from_native(lf.with_columns(nulls).select(names) if nulls else lf)


def sale_rows_on_polars(native: Any, columns: Sequence[str]) -> nw.LazyFrame | None:
    """The leads that hold a sale, with ``sale_at`` and *columns* (those present), on polars.

    What a customer's first sale reads (ids, team, owner) is converted for
    these rows only, not for every lead: at 10M leads each text column costs
    about 160 MB and 0.1 s in polars. None for anything but a pandas frame
    with a ``sale_at`` column and text column names, or when the frame must
    stay on pandas (see :func:`on_polars`).
    """
    return _once("sales", native, tuple(columns), lambda: _sale_rows(native, columns))


def _sale_rows(native: Any, columns: Sequence[str]) -> nw.LazyFrame | None:
    modules = _modules()
    if modules is None or not type(native).__module__.startswith("pandas"):
        return None
    if "sale_at" not in native.columns or not all(isinstance(c, str) for c in native.columns):
        return None
    cols = ["sale_at", *[c for c in columns if c in native.columns and c != "sale_at"]]
    rows = native["sale_at"].notna().to_numpy()
    frame = _polars_frame(native, cols, rows, *modules)
    return None if frame is None else nw.from_native(frame.lazy())


def _polars_frame(
    native: Any, used: list[Any], rows: Any, pl: Any, pa: Any, categories: Sequence[str] = ()
) -> Any:
    """The columns *used* of a pandas frame (rows where the mask *rows* holds) in polars.

    Text columns named in *categories* are dictionary-encoded (or taken as the
    loader read them from a Parquet file's dictionaries:
    :mod:`kpilib.data.dictionaries`). None when a column cannot be typed by Arrow
    or polars.
    """
    from kpilib.data.dictionaries import encoded

    positions = None if rows is None else np.flatnonzero(rows)
    mask = None if rows is None else pa.array(rows)

    def column(series: Any) -> Any:
        stamps = _timestamps(series, positions, pa)
        if stamps is not None:
            return stamps
        if _arrow_backed(series):
            values = series.array.__arrow_array__()  # Arrow's own buffers: no copy
            form = encoded(values) if series.name in categories else None
            if form is not None:  # read from the file as a dictionary: already encoded
                return form if mask is None else form.filter(mask)
            values = values if mask is None else values.filter(mask)
        else:
            values = pa.array(
                series if positions is None else series.iloc[positions], from_pandas=True
            )
        text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        return values.dictionary_encode() if text and series.name in categories else values

    try:
        arrays = list(_pool().map(column, [native[c] for c in used]))
        table = pa.Table.from_arrays(arrays, names=[str(c) for c in used])
        frame = pl.from_arrow(table)
    except (TypeError, ValueError, pa.ArrowException, pl.exceptions.PolarsError):
        return None  # a column Arrow or polars cannot type: stay on pandas
    # time-zone aware datetimes came as UTC instants (Arrow-typed ones keep their zone:
    # converting them to it changes nothing)
    zones = {
        str(c): str(native[c].dtype.tz)
        for c in used
        if getattr(native[c].dtype, "tz", None) is not None
    }
    if zones:
        frame = frame.with_columns(pl.col(c).dt.convert_time_zone(z) for c, z in zones.items())
    return frame


def _arrow_backed(series: Any) -> bool:
    """Whether a pandas column keeps its values in Arrow (``str``, ``ArrowDtype``)."""
    dtype = series.dtype
    return getattr(dtype, "storage", None) == "pyarrow" or type(dtype).__name__ == "ArrowDtype"


def _timestamps(series: Any, positions: Any, pa: Any) -> Any:
    """A numpy-backed datetime column as an Arrow timestamp array, else None.

    The int64 values are shared with pandas, not copied (unless rows are
    picked); only the null mask is built from NaT. Several times faster than
    Arrow's own pandas conversion, which copies them. Time-zone aware columns
    come as UTC instants; :func:`_polars_frame` converts them back to their zone.
    """
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        unit, zone = np.datetime_data(dtype)[0], None
        values = series.to_numpy().view("int64")
    elif getattr(dtype, "kind", None) == "M" and hasattr(series.array, "asi8"):
        unit, zone = dtype.unit, "UTC"  # pandas' time-zone aware datetimes, as instants
        values = series.array.asi8
    else:
        return None
    if unit not in ("ns", "us", "ms"):
        return None
    values = np.ascontiguousarray(values if positions is None else values[positions])
    valid = values != _NAT
    return pa.Array.from_buffers(
        pa.timestamp(unit, zone),
        len(values),
        [pa.py_buffer(np.packbits(valid, bitorder="little")), pa.py_buffer(values)],
        null_count=len(values) - int(np.count_nonzero(valid)),
    )
