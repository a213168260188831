"""Private narwhals helpers shared by the KPI modules.

Every KPI function turns its native inputs into narwhals LazyFrames with
:func:`lazy_inputs`, works lazily, and hands the result back with
:func:`to_native` in the kind of its main input: pandas in, pandas out; polars
DataFrame in, polars DataFrame out; polars LazyFrame or DuckDB relation in, the
same lazy kind out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import narwhals as nw

from kpilib.data.require import require_columns
from kpilib.engine import pandas_input as P
from kpilib.engine.dates import (  # noqa: F401 - the frame helpers callers use as F.*
    censor,
    days_between,
    month_key,
    month_label,
    period_month_key,
    seconds_between,
)
from kpilib.engine.native import has_rows, to_arrays, to_native, to_pandas  # noqa: F401 - used as F.*
from kpilib.errors import DataError, ParameterError

NONE_KEY = "\x00"  # sentinel for a null join key


def lazy_inputs(
    optional: tuple[str, ...] = (),
    keep: dict[str, Sequence[str]] | None = None,
    sales: Sequence[str] | None = None,
    categories: dict[str, Sequence[str]] | None = None,
    **frames: Any,
) -> tuple[str, dict[str, nw.LazyFrame | None]]:
    """Wrap native frames as narwhals LazyFrames; return the output kind and them.

    The kind is the first frame's: "pandas", "polars", "polars-lazy" or "lazy"
    (any other lazy backend such as DuckDB). All frames must share a backend.
    pandas frames run on polars when it is installed (see
    :mod:`kpilib.engine.pandas_input`), all of them or, if one column cannot be
    converted, none. A frame given as None is an error unless its name is in
    *optional*. *keep* names, per frame, the columns besides ``*_at`` the
    calculation can read: a pandas frame is converted with only those.
    *sales* names the leads' columns a customer's first sale reads: pandas
    leads with a sale_at then also give a frame "sales" of the rows with a
    sale, and those columns are converted for it only; in any other case they
    are kept in "leads". Read it with :func:`sales_of`.
    *categories* names, per frame, text columns the calculation only groups on,
    stacking the groups with :func:`stack` (which makes them text again): a
    pandas frame hands them to polars as Categorical, a quarter of the memory.
    """
    keep = dict(keep or {})
    kind = ""
    impl = None
    out: dict[str, nw.LazyFrame | None] = {}
    natives: dict[str, Any] = {}
    for name, native in frames.items():
        if native is None:
            if name not in optional:
                raise DataError(
                    f"{name}: no table given (None). This calculation needs the {name} table; "
                    "load a dataset that has it or pass the frame."
                )
            out[name] = None
            continue
        try:
            obj = nw.from_native(native)
        except TypeError as exc:
            raise ParameterError(
                f"{name}: a {type(native).__name__} is not a data frame kpilib reads. Pass a "
                "pandas or polars DataFrame, a polars LazyFrame or a DuckDB relation."
            ) from exc
        if isinstance(obj, nw.DataFrame):
            this = "pandas" if obj.implementation.is_pandas() else str(obj.implementation)
            lf = obj.lazy()
            if this == "pandas":
                natives[name] = native
        else:
            this = "polars-lazy" if obj.implementation.is_polars() else "lazy"
            lf = obj
        if impl is None:
            kind, impl = this, lf.implementation
        elif lf.implementation != impl:
            raise ParameterError(
                f"{name} is a {lf.implementation} frame but the first table is {impl}. Pass "
                "every table from the same engine (convert the small ones first)."
            )
        out[name] = lf
    rows = None
    if sales is not None and "leads" in natives:
        rows = P.sale_rows_on_polars(natives["leads"], sales)
    if sales is not None and rows is None and "leads" in keep:
        keep["leads"] = [*keep["leads"], *sales]
    converted = {
        name: P.on_polars(native, keep.get(name), (categories or {}).get(name, ()))
        for name, native in natives.items()
    }
    if natives and all(lf is not None for lf in converted.values()):
        out.update(converted)
        if rows is not None:
            out["sales"] = rows
    return kind, out


def sales_of(frames: dict[str, nw.LazyFrame | None]) -> nw.LazyFrame:
    """The "sales" frame of :func:`lazy_inputs`' result, else the leads (a superset)."""
    sales = frames.get("sales")
    leads = frames["leads"]
    assert leads is not None
    return sales if sales is not None else leads


def require(lf: Any, table: str, columns: Sequence[str], what: str) -> None:
    """Check that *lf* (narwhals, or a native frame of any engine), the *table* input
    of ``kpilib.<what>``, has *columns* (:func:`kpilib.data.require.require_columns`:
    a :class:`DataError` naming them)."""
    require_columns(
        lf,
        columns,
        name=table,
        expects=f"kpilib.{what} expects the {table} table",
        fix=f"pass kpilib.load_dataset(folder).{table}, or rename the matching columns "
        "as docs/data-model.md shows.",
    )


def columns(lf: nw.LazyFrame) -> list[str]:
    """Column names of *lf*."""
    return lf.collect_schema().names()


def with_optional(lf: nw.LazyFrame, names: Sequence[str]) -> nw.LazyFrame:
    """Add each missing text column of *names* as all-null String."""
    have = set(columns(lf))
    extra = [nw.lit(None, nw.String).alias(n) for n in names if n not in have]
    return lf.with_columns(*extra) if extra else lf


def latest_date(**frames: tuple[nw.LazyFrame | None, Sequence[str]]) -> Any:
    """Latest value over the given date columns of the given frames (None if none)."""
    found = []
    for lf, cols in frames.values():
        if lf is None:
            continue
        present = [c for c in cols if c in columns(lf)]
        if not present:
            continue
        if lf.implementation.is_duckdb() and len(present) > 1:
            value = _latest_by_statistics(lf, present)
        else:
            value = lf.select(max_of(present).alias("m")).collect().item(0, 0)
        if value is not None and value == value:
            found.append(value)
    return max(found) if found else None


def _latest_by_statistics(lf: nw.LazyFrame, cols: Sequence[str]) -> Any:
    """Latest value over the date columns *cols* of a DuckDB frame, read from few rows.

    The latest of the first column bounds the answer from below; each other
    column is then read only where it is at least that. DuckDB keeps each
    column's range per group of rows (for its tables and Parquet files), so
    that filter skips every group holding older dates: on data stored about
    in date order (10M leads: 0.03 s instead of 0.12 s), it reads the tail
    only. Stored in any other order, every group is read, as by one query.
    Columns of different types (a date and a datetime) are read by one query,
    where SQL compares them.
    """
    schema = lf.collect_schema()
    bound = lf.select(nw.col(cols[0]).max()).collect().item(0, 0)
    if bound is None or len({schema[c] for c in cols}) > 1:
        return lf.select(max_of(cols).alias("m")).collect().item(0, 0)
    later = [
        lf.filter(nw.col(c) >= bound).select(nw.col(c).max()).collect().item(0, 0) for c in cols[1:]
    ]
    return max([bound, *[v for v in later if v is not None]])


def max_of(cols: Sequence[str]) -> nw.Expr:
    """The largest value over the columns *cols* (Spark's greatest wants two or more)."""
    if len(cols) == 1:
        return nw.col(cols[0]).max()
    return nw.max_horizontal(*[nw.col(c).max() for c in cols])


def date_columns(lf: nw.LazyFrame) -> list[str]:
    """The ``*_at`` columns of a leads frame."""
    return [c for c in columns(lf) if c.endswith("_at")]


def count_if(condition: nw.Expr) -> nw.Expr:
    """1 where *condition* holds, else 0 (to sum)."""
    return nw.when(condition).then(nw.lit(1)).otherwise(nw.lit(0))


def ratio(num: nw.Expr, den: nw.Expr) -> nw.Expr:
    """``num / den``, null when the denominator is 0 or null."""
    return nw.when(den != 0).then(num / den)


def first_sales(leads: nw.LazyFrame, cutoff: dt.datetime | None = None) -> nw.LazyFrame:
    """One row per customer: the lead that holds its first sale (ties: lowest lead_id).

    With *cutoff*, the data as seen then: only leads created and sales dated
    before it count. lead_id, source, team and owner may be absent (null).
    Columns: customer_id, acquired_at, lead_id, source, team, owner.
    """
    leads = with_optional(leads, ["lead_id", "source", "team", "owner"])
    sold = [~nw.col("sale_at").is_null()]
    if cutoff is not None:
        sold = [nw.col("lead_at") < cutoff, nw.col("sale_at") < cutoff]
    return (
        leads.filter(*sold, ~nw.col("customer_id").is_null())
        .select("customer_id", "sale_at", "lead_id", "source", "team", "owner")
        .unique(subset=["customer_id"], keep="first", order_by=["sale_at", "lead_id"])
        .select(
            "customer_id",
            nw.col("sale_at").alias("acquired_at"),
            "lead_id",
            "source",
            "team",
            "owner",
        )
    )


def wilson(lf: nw.LazyFrame, k: str, n: str, z: float = 1.959963984540054) -> nw.LazyFrame:
    """Add ci_low and ci_high: the Wilson score interval of k successes in n trials.

    Null when n is 0. Built in small steps (one long expression overflows
    Spark's code generation).
    """
    z2 = z * z
    p = nw.col("_p")
    lf = lf.with_columns(
        _n=nw.col(n).cast(nw.Float64),
        _p=ratio(nw.col(k).cast(nw.Float64), nw.col(n).cast(nw.Float64)),
    )
    lf = lf.with_columns(
        _c=(p + z2 / (2 * nw.col("_n"))) / (1 + z2 / nw.col("_n")),
        _h=(z / (1 + z2 / nw.col("_n")))
        * ((p * (1 - p) / nw.col("_n") + z2 / (4 * nw.col("_n") * nw.col("_n"))).sqrt()),
    )
    lf = lf.with_columns(
        ci_low=nw.when(nw.col("_n") > 0).then(
            nw.max_horizontal(nw.col("_c") - nw.col("_h"), nw.lit(0.0))
        ),
        ci_high=nw.when(nw.col("_n") > 0).then(
            nw.min_horizontal(nw.col("_c") + nw.col("_h"), nw.lit(1.0))
        ),
    )
    return lf.drop("_n", "_p", "_c", "_h")


def stack(frames: Sequence[nw.LazyFrame], cols: Sequence[str]) -> nw.LazyFrame:
    """Concatenate vertically, each frame first reduced to *cols* in that order.

    Integer columns become Int64 and float columns Float64, so that engines
    whose counts are unsigned (polars' ``len``) stack with the others; group
    keys converted as categories (``lazy_inputs(categories=...)``) become text.
    """

    def unify(f: nw.LazyFrame) -> nw.LazyFrame:
        schema = f.collect_schema()
        exprs = []
        for c in cols:
            dtype = schema[c]
            if dtype.is_integer():
                exprs.append(nw.col(c).cast(nw.Int64))
            elif dtype.is_float():
                exprs.append(nw.col(c).cast(nw.Float64))
            elif dtype == nw.Categorical:
                exprs.append(nw.col(c).cast(nw.String))
            else:
                exprs.append(nw.col(c))
        return f.select(*exprs)

    return nw.concat([unify(f) for f in frames], how="vertical")


def materialise_small(lf: nw.LazyFrame) -> nw.LazyFrame:
    """Compute a small intermediate once when the engine would recompute it per use.

    DuckDB re-runs a relation's whole plan at every reference (a union of N
    copies runs it N times), and polars does not always share a sub-plan used
    several times. DuckDB relations are materialised on their own connection
    (so relations of any connection work), polars frames collected and handed
    back lazy. pandas is eager anyway; other engines are left as they are.
    """
    if lf.implementation.is_duckdb():
        return nw.from_native(lf.to_native().materialize())
    if lf.implementation.is_polars():
        return lf.collect().lazy()
    return lf


def small_frame(like: nw.LazyFrame, data: dict[str, list], dtypes: dict[str, Any]) -> nw.LazyFrame:
    """A small table built in Python, as a LazyFrame of *like*'s engine.

    *data* maps each column to its values, *dtypes* to its narwhals dtype
    (String, Int64, Float64 or Boolean), which also types an empty table.
    DuckDB and Spark tables are made on *like*'s connection or session.
    """
    import pyarrow as pa

    arrow = {nw.String: pa.string(), nw.Int64: pa.int64(), nw.Float64: pa.float64()}
    arrow[nw.Boolean] = pa.bool_()
    schema = pa.schema([(c, arrow[dtypes[c]]) for c in data])
    table = pa.table(data, schema=schema)
    impl = like.implementation
    if impl.is_duckdb():
        # read by its name from this frame (DuckDB's scan of Python objects), on *like*'s
        # connection: 10,000 rows as one SQL text of literals took DuckDB 30 s to parse
        _kpilib_small = table  # noqa: F841
        return nw.from_native(like.to_native().query("_kpilib_like", "FROM _kpilib_small"))
    if impl.is_polars():
        return nw.from_native(table).lazy(backend="polars")
    if impl.is_pandas_like():
        return nw.from_native(table.to_pandas()).lazy()
    return nw.from_native(table).lazy(backend=impl, session=like.to_native().sparkSession)


def lookup(col: str, mapping: dict[Any, Any], dtype: Any) -> nw.Expr:
    """Map the values of *col* through *mapping*; values not in it give null."""
    if not mapping:  # a placeholder no value matches (a null literal fails on pandas)
        dummy = {nw.String: "", nw.Boolean: False, nw.Float64: 0.0}.get(dtype, 0)
        mapping = {NONE_KEY: dummy}
    keys = list(mapping)
    return (
        nw.col(col)
        .replace_strict(keys, [mapping[k] for k in keys], default=None, return_dtype=dtype)
        .cast(dtype)
    )
