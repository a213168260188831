"""Lazy scans of a Parquet dataset, for data larger than memory or on Spark.

:func:`scan_dataset` opens a dataset folder without loading it: each table is a
polars LazyFrame, a DuckDB relation or a Spark DataFrame over its Parquet file, or over a folder
of part files (``leads/part-0.parquet``, ``leads/part-1.parquet``, …). Only
the canonical columns are selected, normalised lazily as
:func:`kpilib.load_dataset` does (texts stripped, blank as missing, dates as
naive ``Datetime("us")``, measures as ``Float64``), so every KPI function takes
the tables as they are and reads only the columns and row groups it needs.
Opening reads each table's text columns once, on polars and DuckDB, to tell
which hold padded or blank values: only those are stripped in the queries.
The results are lazy too: collect them (polars) or fetch them (DuckDB); they
are small.

Row-level validation (duplicate ids, negative amounts, dates that do not
parse) needs the whole table and is not done here: validate the export once
with ``kpi validate`` or :func:`kpilib.load_dataset` on a sample of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.methods import KpiMethods
from kpilib.data.require import require_columns
from kpilib.data.schema import TABLES, date_columns
from kpilib.data.settings import Settings, load_settings
from kpilib.engine import ENGINES
from kpilib.engine import frames as F
from kpilib.engine.file_facts import plain_texts
from kpilib.engine.parts import scan_parts, table_parts
from kpilib.engine.texts import may_change, strip_set, with_helpers
from kpilib.errors import DataError, ParameterError

__all__ = ["ENGINES", "ScannedDataset", "open_dataset", "scan_dataset", "spark_session"]

Backend = Literal["polars", "duckdb", "spark"]
_TEXT = {name: list(t.text) for name, t in TABLES.items()}
_NUMBERS = {name: list(t.numbers) for name, t in TABLES.items()}
_REQUIRED = {name: list(t.required) for name, t in TABLES.items()}


@dataclass
class ScannedDataset(KpiMethods):
    """A dataset whose tables are lazy frames over Parquet files.

    The fields are those of :class:`kpilib.Dataset`, but ``leads``,
    ``targets``, ``costs`` and ``orders`` are polars LazyFrames, DuckDB
    relations or Spark DataFrames (``None`` when absent), and ``backend``
    says which. The KPI methods (``ds.funnel(period=...)`` and the rest) are
    those of :class:`kpilib.Dataset` and return lazy results.
    """

    leads: Any
    targets: Any = None
    costs: Any = None
    orders: Any = None
    settings: Settings = field(default_factory=Settings)
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    files: dict[str, str] = field(default_factory=dict)
    backend: Backend = "polars"

    @cached_property
    def as_of(self) -> pd.Timestamp:
        """The latest date recorded in leads and orders (one aggregate query a table, run
        once: the command and every KPI method ask for it)."""
        frames = {}
        for name, native in (("leads", self.leads), ("orders", self.orders)):
            if native is not None:
                lf = nw.from_native(native)
                # the scan's frames hold the date columns the loader parses, and no other
                cols = date_columns(name, self.settings, F.columns(lf))
                frames[name] = (lf, cols)
        latest = F.latest_date(**frames)
        return pd.NaT if latest is None else pd.Timestamp(latest)

    @cached_property
    def first_date(self) -> pd.Timestamp:
        """The earliest ``lead_at`` (one aggregate query, run once)."""
        lf = nw.from_native(self.leads)
        first = lf.select(nw.col("lead_at").min().alias("m")).collect().item(0, 0)
        return pd.NaT if first is None else pd.Timestamp(first)

    tables = Dataset.tables


def _text(col: str, spaces: str | None) -> nw.Expr:
    text = nw.col(col).cast(nw.String).str.strip_chars(spaces)
    return nw.when(text != "").then(text).alias(col)


def _clean_texts(lf: nw.LazyFrame, cols: list[str]) -> set[str]:
    """The text columns of *cols* that no value would change in :func:`_text` (none
    padded with spaces, none blank): read as they are, they spare every query of the
    dataset a strip of each of their values. One aggregate query over those columns,
    on each value's first and last character (:func:`kpilib.engine.texts.may_change`)."""
    schema = lf.collect_schema()
    texts = [c for c in cols if schema[c] == nw.String]
    if not texts:
        return set()
    unicode = lf.implementation.is_polars()  # polars strips Unicode spaces too
    changed = [may_change(c, unicode=unicode).alias(c) for c in texts]
    row = with_helpers(lf, last=texts).select(*changed).collect().rows()[0]
    return {c for c, dirty in zip(texts, row, strict=True) if not dirty}


def _date(lf: nw.LazyFrame, col: str, table: str) -> nw.Expr:
    dtype = lf.collect_schema()[col]
    expr = nw.col(col)
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None:
        zone = _duckdb_utc() if lf.implementation.is_duckdb() else "UTC"
        expr = expr.dt.convert_time_zone(zone).dt.replace_time_zone(None)
    elif not (isinstance(dtype, nw.Datetime) or dtype == nw.Date):
        raise DataError(
            f"{table}: column {col} holds {dtype}, not dates. A scanned Parquet dataset needs "
            "typed dates (Parquet timestamp or date); convert the column when writing the "
            "files, or load the dataset with kpilib.load_dataset, which parses text dates."
        )
    return expr.cast(nw.Datetime("us")).alias(col)


_UTC = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Zulu"}


def _duckdb_utc() -> str:
    """The name of UTC in DuckDB's default connection, whose time zone is set to UTC when
    it is another (the machine's own zone, by default).

    DuckDB keeps a time zone in the connection, not in the column: zoned times become
    times of day in the connection's zone only, and kpilib compares dates as UTC (as
    :func:`spark_session` sets Spark's session).
    """
    import duckdb

    con = duckdb.default_connection()
    zone = con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0]
    if zone in _UTC:
        return str(zone)
    con.execute("SET TimeZone = 'UTC'").fetchall()
    return "UTC"


def _normalise(
    lf: nw.LazyFrame, table: str, settings: Settings, name: str, clean: set[str]
) -> nw.LazyFrame:
    have = lf.collect_schema().names()
    required = [*_REQUIRED[table], *([("period", "date")] if table == "costs" else [])]
    require_columns(
        lf,
        required,
        name=name,
        expects=f"kpilib.engine.scan.scan_dataset expects the {table} table",
        fix="rename the matching columns as docs/data-model.md shows.",
    )
    dates = date_columns(table, settings, have)
    spaces = strip_set(lf)
    exprs = [nw.col(c) if c in clean else _text(c, spaces) for c in _TEXT[table] if c in have]
    exprs += [_date(lf, c, name) for c in dates]
    exprs += [nw.col(c).cast(nw.Float64) for c in _NUMBERS[table] if c in have]
    out = lf.select(*exprs)
    if table == "costs" and "period" not in have:
        out = out.with_columns(period=nw.col("date").dt.to_string("%Y-%m")).drop("date")
    if table in ("costs", "targets"):
        blanks = [c for c in ("channel", "team", "owner") if c not in have and c in _TEXT[table]]
        if blanks:
            out = out.with_columns(*[nw.lit(None, nw.String).alias(c) for c in blanks])
    if table == "targets":
        names = {"new_customers": "new_customers", "revenue": "revenue"}
        for stage in settings.stages:
            names[stage] = names[f"{stage}s"] = f"{stage}s"
        out = out.with_columns(
            metric=nw.col("metric").replace_strict(
                list(names), list(names.values()), default=nw.col("metric"), return_dtype=nw.String
            )
        )
    if table == "orders":
        rate = nw.col("revenue") * settings.gross_margin_rate
        margin = nw.col("gross_margin").fill_null(rate) if "gross_margin" in have else rate
        out = out.with_columns(gross_margin=margin)
    if table == "leads" and "source" not in have:
        out = out.with_columns(source=nw.lit("unknown", nw.String))
    return out


def scan_dataset(
    path: str | Path, *, backend: Backend = "polars", session: Any = None
) -> ScannedDataset:
    """Open the Parquet dataset at *path* lazily, on polars or DuckDB.

    Each table is ``<table>.parquet`` or a folder ``<table>/`` of Parquet part
    files (searched recursively, e.g. one file per month); ``kpi.toml`` is
    read as by :func:`kpilib.load_dataset`. Nothing but the Parquet footers and
    (polars, DuckDB) one aggregate over the text columns is read until a result
    is collected.

    Parameters
    ----------
    path
        The dataset folder.
    backend
        "polars" (tables are ``polars.LazyFrame``), "duckdb" (tables are
        ``duckdb.DuckDBPyRelation``) or "spark" (``pyspark.sql.DataFrame``).
    session
        For Spark, the SparkSession (default: the active one). DuckDB scans
        use DuckDB's default connection (kpilib's calculations keep their
        intermediate results on the input's connection); set its memory
        limit and spill folder with ``duckdb.execute("SET memory_limit = '4GB'")``.
        A column of zoned times sets that connection's time zone to UTC, in which
        kpilib reads every time.

    Returns
    -------
    ScannedDataset
        The lazy tables, settings and warnings.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from kpilib.kpis.acquisition import cac
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "leads").mkdir()
    >>> for i, month in enumerate(["2026-09", "2026-10"]):
    ...     pd.DataFrame({
    ...         "lead_id": [f"L{i}"], "lead_at": pd.to_datetime([f"{month}-01"]),
    ...         "source": ["ads"], "sale_at": pd.to_datetime([f"{month}-15"]),
    ...         "customer_id": [f"C{i}"],
    ...     }).to_parquet(folder / "leads" / f"part-{i}.parquet")
    >>> pd.DataFrame({"period": ["2026-10"], "category": ["campaigns"], "amount": [300.0]}
    ...              ).to_parquet(folder / "costs.parquet")
    >>> ds = scan_dataset(folder, backend="polars")
    >>> type(ds.leads).__name__
    'LazyFrame'
    >>> result = cac(ds.leads, ds.costs).collect()  # blended row (channel None), then channels
    >>> result.select("period", "channel", "cost", "new_customers", "cac").rows()
    [('2026-10', None, 300.0, 1, 300.0), ('2026-10', 'ads', 300.0, 1, 300.0)]
    """
    if backend not in ("polars", "duckdb", "spark"):
        raise ParameterError(
            f"backend = {backend!r} is invalid; expected 'polars', 'duckdb' or 'spark'."
        )
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(
            f"{folder}: no such folder. Give the folder that holds leads.parquet (or leads/) "
            "and kpi.toml."
        )
    settings = load_settings(folder / "kpi.toml")
    tables: dict[str, Any] = {}
    files: dict[str, str] = {}
    warnings: list[str] = []
    for table in ("leads", "targets", "costs", "orders"):
        found = table_parts(folder, table)
        if not found:
            if table == "leads":
                text = sorted(p.name for p in folder.glob("leads.*") if p.suffix != ".parquet")
                hint = (
                    f" {text[0]} is there, but a scan reads Parquet only: load the folder "
                    "with kpilib.load_dataset (the report's --engine pandas), or write the "
                    "tables as Parquet."
                    if text
                    else " A dataset needs at least its leads; see docs/data-model.md."
                )
                raise DataError(
                    f"{folder}: no leads.parquet and no leads/ folder of Parquet files.{hint}"
                )
            tables[table] = None
            continue
        name = found[0].name if len(found) == 1 and found[0].parent == folder else f"{table}/"
        files[table] = name if len(found) == 1 else f"{table}/ ({len(found)} files)"
        lf, rows = scan_parts(found, backend, session)
        if table == "leads" and not rows:  # as the loader refuses it
            raise DataError(
                f"{name}: no rows under the header. A dataset needs at least one lead: "
                "export the leads again."
            )
        if table == "leads" and "source" not in lf.collect_schema().names():
            warnings.append(f"{name}: no source column; every lead counts under source 'unknown'.")
        texts = [c for c in _TEXT[table] if c in lf.collect_schema().names()]
        # Spark runs each query as a job: its texts are stripped in every query, as before
        clean: set[str] = set()
        if backend != "spark":
            clean = plain_texts(found, texts)  # the dictionaries of few-valued columns
            clean |= _clean_texts(lf, [c for c in texts if c not in clean])
        tables[table] = _normalise(lf, table, settings, name, clean).to_native()
    return ScannedDataset(
        **tables, settings=settings, warnings=warnings, path=folder, files=files, backend=backend
    )


def spark_session() -> Any:
    """The active SparkSession, else one built from Spark's own configuration.

    A new session follows what PySpark reads from the environment:
    ``SPARK_REMOTE`` (a Spark Connect server, ``sc://host:15002``),
    ``spark-defaults.conf`` in ``SPARK_CONF_DIR`` (``spark.master`` and the
    rest), or ``PYSPARK_SUBMIT_ARGS``; with none of them, local mode on every
    core; it draws no console progress bar. Its time zone is set to UTC: kpilib
    compares dates as UTC.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ParameterError(
            "engine 'spark' needs PySpark: pip install \"kpilib[spark]\" (PySpark 4, Java 17+)."
        ) from exc
    spark = SparkSession.getActiveSession()
    if spark is None:
        # no console progress bars: each notebook's kernel would draw them over the
        # terminal running kpi report
        builder = SparkSession.builder.appName("kpilib")
        spark = builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


def open_dataset(
    path: str | Path, *, engine: str = "pandas", session: Any = None
) -> Dataset | ScannedDataset:
    """The dataset at *path*, loaded into pandas or scanned on *engine*.

    ``engine="auto"`` is :func:`kpilib.engine.auto.open_auto`: a scan on the engine
    :func:`kpilib.engine.choose_engine` picks, when its pre-check finds nothing the
    loader would refuse, else pandas. ``engine="pandas"`` is
    :func:`kpilib.load_dataset` (CSV or Parquet, every row validated); "polars",
    "duckdb" and "spark" are :func:`scan_dataset` (Parquet, read lazily: the KPIs
    run on that engine and only their results, small, come to pandas in
    :mod:`kpilib.sections.highlights`). For Spark, *session* defaults to
    :func:`spark_session`.

    Examples
    --------
    >>> open_dataset("data/sample").leads.shape[0] > 0
    True
    >>> open_dataset("data/sample", engine="spreadsheet")
    Traceback (most recent call last):
    ...
    kpilib.errors.ParameterError: engine = 'spreadsheet' is invalid; expected 'auto', 'pandas', 'polars', 'duckdb' or 'spark'.
    """
    if engine not in ENGINES:
        raise ParameterError(
            f"engine = {engine!r} is invalid; expected 'auto', 'pandas', 'polars', 'duckdb' "
            "or 'spark'."
        )
    if engine == "auto":
        from kpilib.engine.auto import open_auto

        return open_auto(path)
    if engine == "pandas":
        from kpilib.data.load import load_dataset

        return load_dataset(path)
    if engine == "spark" and session is None:
        session = spark_session()
    return scan_dataset(path, backend=engine, session=session)  # type: ignore[arg-type]
