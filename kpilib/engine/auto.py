"""The ``auto`` engine: compute on a scan only when the data is what the loader accepts.

:func:`kpilib.load_dataset` reads every row into pandas and refuses a dataset
with a duplicate lead id, a negative amount, a sale without a customer and the
rest; a scan (:func:`kpilib.engine.scan.scan_dataset`) would count such rows
as they are. :func:`open_auto` scans the folder on the engine
:func:`kpilib.engine.choose_engine` picks, then runs :func:`precheck` there:
one aggregate query a table telling whether any of the loader's refusals,
warnings or silent changes (a value it would read otherwise than the scan
does) is present. When one is, the folder is loaded with
:func:`kpilib.load_dataset`, which names the file, column and rows of each
problem (or, for a mere warning or change, gives the frames with its
warnings); else the scan is returned.

:data:`~kpilib.engine.refusals.REFUSALS` lists every problem the loader writes (the words of its
messages, in :mod:`kpilib.data.load` and :mod:`kpilib.data.checks`) and how
the pre-check finds it; ``tests/test_auto_engine_loaded.py`` fails when the loader
gains a message this list lacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import narwhals as nw

from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.data.schema import (
    MONTH_PATTERN,
    PERIOD_PATTERN,
    TABLES,
    date_columns,
    other_dates,
)
from kpilib.data.text import UNUSUAL_TEXT
from kpilib.engine import choose_engine, file_facts
from kpilib.engine.refusals import REFUSALS
from kpilib.engine.scan import ScannedDataset, scan_dataset
from kpilib.engine.texts import outside_ascii, repeats, with_helpers
from kpilib.errors import DataError

__all__ = ["REFUSALS", "open_auto", "precheck"]

_FIRST, _LAST = "1900-01-01", "2200-01-01"
_LIMIT = 1e15


def _kind(dtype: Any) -> str:
    import pyarrow as pa

    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return "text"
    if getattr(pa.types, "is_string_view", lambda _: False)(dtype):
        return "text"
    if pa.types.is_integer(dtype):
        return "whole"
    if pa.types.is_floating(dtype):
        return "float"
    if pa.types.is_timestamp(dtype) or pa.types.is_date(dtype):
        return "date"
    return "other"


def _schema_problems(path: Path, table: str, settings: Any) -> list[str]:
    """What the Parquet footer of *path* tells: names the loader would read otherwise,
    column types it would parse where a scan casts, leads columns it would warn about."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    names = schema.names
    found = []
    if len(set(names)) < len(names) or any(n != n.strip() or "\ufeff" in n for n in names):
        found.append(f"{table}: a column name repeated or padded")
    # every date column of the table, a cost line's date beside a period too (not only
    # those the loader parses, date_columns(table, settings, names)): the loader reads such
    # a date as text and looks for mojibake in it, so it must be typed as dates here
    spec, dates = TABLES[table], date_columns(table, settings)
    others = other_dates(names, settings) if table == "leads" else []
    kinds = {
        **{c: ("text", "whole") for c in spec.text},
        **{c: ("float", "whole") for c in spec.numbers},
        **{c: ("date",) for c in dates},
    }
    for name, dtype in zip(names, schema.types, strict=True):  # by position: names repeat
        if name in kinds and _kind(dtype) not in kinds[name]:
            found.append(f"{table}: column {name}: typed {dtype}")
        if name in others:
            found.append(f"{table}: column {name}: not a stage of kpi.toml")
    return found


def _text_checks(cols: list[str]) -> dict[str, nw.Expr]:
    """Whether a text may hold what :data:`kpilib.data.text.UNUSUAL_TEXT` looks for
    (the start of mojibake, a Unicode space at an end): a character outside
    ASCII (the scans strip every ASCII space and separator as Python does)."""
    return {f"{c}: text to read again": outside_ascii(c) for c in cols}


def _number_checks(
    cols: list[str],
    *,
    non_negative: tuple[str, ...],
    required: dict[str, str],
    nans: set[str],
) -> dict[str, nw.Expr]:
    """Infinite, huge, negative (for *non_negative*), and null or NaN (the columns of
    *nans*, :func:`kpilib.engine.file_facts.nans`): a refusal named by *required* for a
    column that must be filled, a silent change for the others."""
    out = {}
    for c in cols:
        x = nw.col(c)
        out[f"{c}: a number that does not parse"] = (x.abs() == float("inf")).any()
        out[f"{c}: a number of 10^15 or more"] = x.abs().max() >= _LIMIT
        if c in non_negative:
            out[f"{c}: a negative value"] = x.min() < 0
        if c in required:
            out[f"{c}: {required[c]}"] = _missing(x) | nw.lit(c in nans)
        elif c in nans:
            out[f"{c}: NaN, which the loader reads as blank"] = nw.lit(True)
    return out


def _missing(x: nw.Expr) -> nw.Expr:
    """Whether *x* has a missing value: fewer values than rows (DuckDB reads it from the
    Parquet statistics where the column is not computed)."""
    return x.count() < nw.len()


def _date_checks(cols: list[str]) -> dict[str, nw.Expr]:
    import datetime as dt

    first, last = dt.datetime.fromisoformat(_FIRST), dt.datetime.fromisoformat(_LAST)
    return {
        f"{c}: a date outside 1900-01-01 to 2199-12-31": (nw.col(c).min() < nw.lit(first))
        | (nw.col(c).max() >= nw.lit(last))
        for c in cols
    }


def _distinct(cols: list[str]) -> nw.Expr:
    """Fewer distinct keys than rows (nulls count as one value: a false alarm only
    makes the data go through the loader)."""
    if len(cols) == 1:
        return repeats()
    key = nw.concat_str([nw.col(c).fill_null("\0") for c in cols], separator="\x1f")
    return key.n_unique() < nw.len()


def _leads(have: list[str], raw: list[str], settings: Any, nans: set[str]) -> dict[str, nw.Expr]:
    stages = [c for c in settings.stage_columns if c in have]
    checks = {
        "lead_id: no lead_id": _missing(nw.col("lead_id")),
        "lead_id: a duplicate id": _distinct(["lead_id"]),
        "lead_at: no lead_at date": _missing(nw.col("lead_at")),
    }
    if "source" in raw:
        checks["source: blank in every row"] = nw.col("source").null_count() == nw.len()
    if "sale_at" in have:
        sale = ~nw.col("sale_at").is_null()
        if "customer_id" in have:
            sale = sale & nw.col("customer_id").is_null()
        checks["customer_id: a sale without a customer_id"] = sale.any()
    for prev, col in zip(stages, stages[1:], strict=False):
        checks[f"{col}: a {col} before its {prev}"] = (nw.col(col) < nw.col(prev)).any()
    checks |= _date_checks(date_columns("leads", settings, have))
    checks |= _number_checks(
        [c for c in ("amount",) if c in have], non_negative=("amount",), required={}, nans=nans
    )
    return checks


def _metric_names(settings: Any) -> list[str]:
    names = {"new_customers", "revenue"} | {f"{s}s" for s in settings.stages}
    return sorted(names)


def _targets(have: list[str], raw: list[str], settings: Any, nans: set[str]) -> dict[str, nw.Expr]:
    period, metric = nw.col("period"), nw.col("metric")
    return {
        "period: a period that does not parse": _missing(period)
        | (~period.str.contains(PERIOD_PATTERN)).any(),
        "metric: an unknown metric": _missing(metric)
        | (~metric.is_in(_metric_names(settings))).any(),
        "period: a duplicate target": _distinct(["period", "metric", "team", "owner"]),
        "target: a target of 0": (nw.col("target") == 0).any(),
    } | _number_checks(
        ["target"], non_negative=("target",), required={"target": "no target value"}, nans=nans
    )


def _costs(have: list[str], raw: list[str], settings: Any, nans: set[str]) -> dict[str, nw.Expr]:
    period = nw.col("period")
    checks = {"category: no category": _missing(nw.col("category"))}
    if "period" in raw:
        checks["period: a period that does not parse"] = (
            _missing(period) | (~period.str.contains(MONTH_PATTERN)).any()
        )
    return checks | _number_checks(
        ["amount"], non_negative=("amount",), required={"amount": "no amount"}, nans=nans
    )


def _orders(have: list[str], raw: list[str], settings: Any, nans: set[str]) -> dict[str, nw.Expr]:
    checks = {
        "order_id: a duplicate id": _distinct(["order_id"]),
        "customer_id: no customer_id": _missing(nw.col("customer_id")),
    }
    numbers = [c for c in ("revenue", "gross_margin") if c in raw]
    return checks | _number_checks(
        numbers, non_negative=("revenue",), required={"revenue": "no revenue"}, nans=nans
    )


_CHECKS = {"leads": _leads, "targets": _targets, "costs": _costs, "orders": _orders}


def _table_problems(ds: ScannedDataset, table: str, path: Path) -> list[str]:
    """The problems of one table: the footer's, else one aggregate query (and, when a
    text column holds characters outside ASCII, one pattern over those columns)."""
    import pyarrow.parquet as pq

    settings = ds.settings
    found = _schema_problems(path, table, settings)
    if found:
        return found
    raw = pq.read_schema(path).names
    native = getattr(ds, table)
    have = nw.from_native(native).collect_schema().names()
    texts = [c for c in TABLES[table].text if c in raw]
    ids = {"leads": ["lead_id"], "orders": ["order_id"]}.get(table, [])
    checks = _CHECKS[table](have, raw, settings, file_facts.nans(path, TABLES[table].numbers))
    if ids and file_facts.increasing(path, ids[0]):  # distinct, and in ASCII: no hash to count
        del checks[f"{ids[0]}: a duplicate id"]
        texts = [c for c in texts if c != ids[0]]
        ids = []
    plain = file_facts.plain_texts([path], texts)  # in ASCII: no text to read again
    texts = [c for c in texts if c not in plain]
    lf = with_helpers(nw.from_native(native), sizes=texts, ids=ids)
    if table == "orders":
        checks |= _date_checks(["order_date"])
    checks |= _text_checks(texts)
    row = lf.select(*[expr.alias(name) for name, expr in checks.items()]).collect().rows()[0]
    found = [f"{table}: {name}" for name, hit in zip(checks, row, strict=True) if hit]
    if table == "costs" and "period" not in raw:
        found += _cost_dates(path, ds.backend)
    again = [c for c in texts if f"{table}: {c}: text to read again" in found]
    problems = [f for f in found if not f.endswith(": text to read again")]
    if problems or not again:
        return problems
    row = lf.select(*[nw.col(c).str.contains(UNUSUAL_TEXT).any().alias(c) for c in again])
    hits = row.collect().rows()[0]
    return [f"{table}: {c}: text garbled or padded" for c, h in zip(again, hits, strict=True) if h]


def _cost_dates(path: Path, backend: str) -> list[str]:
    """The range of the cost lines' dates, which the scan turns into months (a second
    query over the small costs table)."""
    from kpilib.engine.parts import scan_parts
    from kpilib.engine.scan import _date

    lf, _ = scan_parts([path], backend, None)
    lf = lf.select(_date(lf, "date", path.name))
    checks = _date_checks(["date"])
    row = lf.select(*[e.alias(n) for n, e in checks.items()]).collect().rows()[0]
    return [f"costs: {name}" for name, hit in zip(checks, row, strict=True) if hit]


def precheck(ds: ScannedDataset) -> list[str]:
    """What in the scanned dataset *ds* :func:`kpilib.load_dataset` would refuse, warn
    about or read otherwise.

    Each table costs one aggregate query on the scan's engine, over the columns the
    loader reads (and a second one over the text columns holding characters outside
    ASCII, or over the dates of cost lines without a period).

    Parameters
    ----------
    ds
        A scan of a folder of single Parquet files (``<table>.parquet``), as
        :func:`kpilib.engine.choose_engine` picks them.

    Returns
    -------
    list of str
        One line per finding, "table: column: what"; empty when there is none.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"lead_id": ["L1", "L1"], "lead_at": pd.to_datetime(["2026-10-01"] * 2)}
    ...              ).to_parquet(folder / "leads.parquet")
    >>> precheck(scan_dataset(folder, backend="polars"))
    ['leads: lead_id: a duplicate id']
    """
    assert ds.path is not None
    found = []
    for table, name in ds.files.items():
        found += _table_problems(ds, table, ds.path / name)
    return found


def _ids_in_order(folder: Path) -> None:
    """Ask :func:`kpilib.engine.file_facts.increasing` about the lead and order ids held
    as text, as :func:`precheck` will: ids it proves are plain texts the scan then reads
    as they are without a query of its own (10M lead ids: 0.3 s of DuckDB's). Whole-
    number ids are left to the pre-check: the scan does not strip them, and
    ``increasing`` remembers texts only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for table, ids in (("leads", "lead_id"), ("orders", "order_id")):
        path = folder / f"{table}.parquet"
        schema = pq.read_schema(path) if path.is_file() else None
        if schema is not None and ids in schema.names:
            dtype = schema.field(ids).type
            if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
                file_facts.increasing(path, ids)


def open_auto(path: str | Path) -> Dataset | ScannedDataset:
    """The dataset at *path* on the engine ``auto`` picks.

    Parameters
    ----------
    path
        The dataset folder.

    Returns
    -------
    ScannedDataset or Dataset
        A scan on :func:`kpilib.engine.choose_engine`'s engine when the folder holds
        single Parquet files only and :func:`precheck` finds nothing there; else
        :func:`kpilib.load_dataset`'s pandas frames.

    Raises
    ------
    kpilib.errors.DataError
        Whatever :func:`kpilib.load_dataset` raises, word for word: the data it
        refuses goes through it.

    Examples
    --------
    >>> type(open_auto("data/sample")).__name__  # CSV files: loaded into pandas
    'Dataset'
    """
    import pyarrow as pa

    from kpilib.data.settings import load_settings

    folder = Path(path)
    engine = choose_engine(folder)
    if engine == "pandas":
        return load_dataset(folder)
    try:
        settings = load_settings(folder / "kpi.toml")
        found = [
            problem
            for table in TABLES
            if (folder / f"{table}.parquet").is_file()
            for problem in _schema_problems(folder / f"{table}.parquet", table, settings)
        ]
        if not found:  # the footers say the scan reads the files as the loader does
            _ids_in_order(folder)  # read once, here: the scan need not ask about them
            ds = scan_dataset(folder, backend=engine)  # type: ignore[arg-type]
            found = precheck(ds)
    except DataError:  # kpi.toml, a column missing: the loader says which
        found = ["the scan refused the folder"]
    except (OSError, pa.ArrowException):  # a damaged file: the loader names it
        found = ["a footer that does not read"]
    return load_dataset(folder) if found else ds
