"""The KPI tables of one period, and their export to CSV or Excel (``kpi kpis``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.methods import KpiMethods
from kpilib.data.periods import pace, parse_period, resolve_as_of
from kpilib.data.require import require_kind
from kpilib.data.text import make_folder
from kpilib.engine import frames as F
from kpilib.engine.pandas_input import converted_once
from kpilib.errors import ParameterError
from kpilib.kpis.acquisition import CAC_COLUMNS
from kpilib.kpis.coaching import COACHING_COLUMNS, coaching_frame
from kpilib.kpis.columns import empty_table, for_writing
from kpilib.kpis.cycle import CYCLE_COLUMNS
from kpilib.kpis.forecast import FORECAST_COLUMNS
from kpilib.kpis.funnel import FUNNEL_COLUMNS
from kpilib.kpis.objectives import ATTAINMENT_COLUMNS
from kpilib.kpis.retention import RETENTION_COLUMNS
from kpilib.kpis.value import COHORT_VALUE_COLUMNS, PAYBACK_COLUMNS

__all__ = [
    "check_dataset",
    "check_tables",
    "compute_all",
    "dataset_attainment",
    "dataset_payback",
    "dataset_coaching",
    "dataset_sales_cycle",
    "coaching_cohort",
    "write_tables",
    "neutralise",
    "TABLE_NAMES",
]

TABLE_NAMES = (
    "attainment",
    "cac",
    "funnel",
    "cohort_value",
    "payback",
    "retention",
    "coaching",
    "sales_cycle",
    "forecast",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_dataset(dataset: Any, who: str) -> None:
    """Check that ``kpilib.<who>`` was given a dataset (loaded or scanned)."""
    require_kind(
        dataset,
        KpiMethods,
        name="dataset",
        expects=f"kpilib.{who} expects a dataset: pass kpilib.load_dataset(folder), or "
        "kpilib.engine.scan.open_dataset(folder, engine=...).",
    )


def dataset_attainment(dataset: Dataset, *, period: str, as_of: Any) -> pd.DataFrame:
    """``dataset.attainment`` (:func:`kpilib.kpis.objectives.attainment` with its
    settings) as pandas; empty with its columns when the dataset has no targets."""
    check_dataset(dataset, "kpis.tables.dataset_attainment")
    if not F.has_rows(dataset.targets):
        return empty_table(ATTAINMENT_COLUMNS)
    return F.to_pandas(dataset.attainment(period=period, as_of=as_of))


def dataset_payback(dataset: Dataset, *, as_of: Any, by: str | None = None) -> pd.DataFrame:
    """``dataset.payback`` (:func:`kpilib.kpis.value.payback` with its thresholds) as
    pandas (the dataset must have orders and costs)."""
    check_dataset(dataset, "kpis.tables.dataset_payback")
    return F.to_pandas(dataset.payback(as_of=as_of, by=by))  # type: ignore[arg-type]


def compute_all(
    dataset: Dataset,
    *,
    period: str,
    as_of: Any = None,
    tables: Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every KPI table of *period*, as pandas frames (whatever engine the
    dataset's tables are on: a :func:`kpilib.engine.scan.scan_dataset` computes there).

    - attainment: targets of periods overlapping *period* (so 2026-10 also
      gives 2026-Q4 and FY2026), at company, team and rep level;
    - cac: *period* as a whole, blended row (channel empty) then channels;
    - funnel: the lead cohort of *period*, first for all sources (source
      empty) then per source, with the dataset's conversion window
      (kpi.toml's, else derived from the data: see ``Dataset.conversion_window``);
    - cohort_value and payback: every acquisition cohort up to as_of;
    - retention: every acquisition cohort up to as_of, month by month (the
      month holding as_of marked ``partial`` while it is open).
    - coaching: per team, rep and step, on the lead cohort the report's funnel
      page reads (:func:`coaching_cohort`: the latest mature one of the 12 up
      to *period*) with the same window, in a ``cohort`` column first;
    - sales_cycle: the 12 sale months up to *period*, for the company
      (source and team empty), then per source, then per team.
    - forecast: the close of sales, new customers and revenue of an open
      *period* (company, then per team); empty when it is closed or future.

    A table whose input the dataset lacks (no targets, costs or orders) is
    empty, with its columns. Settings (stages, thresholds, fiscal year,
    window) come from ``dataset.settings``. *tables* (names of
    :data:`TABLE_NAMES`) computes those only, in :data:`TABLE_NAMES` order.

    Examples
    --------
    >>> from kpilib.data.load import load_dataset
    >>> tables = compute_all(load_dataset("data/sample"), period="2026-10")
    >>> sorted(tables)  # doctest: +NORMALIZE_WHITESPACE
    ['attainment', 'cac', 'coaching', 'cohort_value', 'forecast', 'funnel', 'payback',
     'retention', 'sales_cycle']
    """
    check_dataset(dataset, "compute_all")
    s = dataset.settings
    parse_period(period, fiscal_year_start=s.fiscal_year_start)
    day = resolve_as_of(as_of, dataset.as_of)
    wanted = check_tables(tables)
    makers: dict[str, Callable[[], pd.DataFrame]] = {
        "attainment": lambda: dataset_attainment(dataset, period=period, as_of=day),
        "cac": lambda: (
            F.to_pandas(dataset.cac(period=period, as_of=day))
            if dataset.costs is not None
            else empty_table(CAC_COLUMNS)
        ),
        "funnel": lambda: _funnel_table(dataset, period=period, as_of=day),
        "cohort_value": lambda: (
            F.to_pandas(dataset.cohort_value(as_of=day))
            if dataset.orders is not None
            else empty_table(COHORT_VALUE_COLUMNS)
        ),
        "payback": lambda: (
            dataset_payback(dataset, as_of=day)
            if dataset.orders is not None and dataset.costs is not None
            else empty_table(PAYBACK_COLUMNS)
        ),
        "retention": lambda: (
            F.to_pandas(dataset.retention(as_of=day))
            if dataset.orders is not None
            else empty_table(RETENTION_COLUMNS)
        ),
        "coaching": lambda: dataset_coaching(dataset, period=period, as_of=day),
        "sales_cycle": lambda: dataset_sales_cycle(dataset, period=period, as_of=day),
        "forecast": lambda: _forecast_table(dataset, period=period, as_of=day),
    }
    assert list(makers) == list(TABLE_NAMES)
    # the tables read the same pandas frames: their sale rows and dates go to polars once
    with converted_once(lean=True):
        return {name: makers[name]() for name in TABLE_NAMES if name in wanted}


def check_tables(tables: Sequence[str] | None) -> set[str]:
    """The table names asked for (all of :data:`TABLE_NAMES` for None); an unknown or
    empty choice is a :class:`~kpilib.errors.ParameterError`.

    Examples
    --------
    >>> sorted(check_tables(["cac", "funnel"]))
    ['cac', 'funnel']
    """
    if tables is None:
        return set(TABLE_NAMES)
    if isinstance(tables, str):
        tables = [tables]
    unknown = [t for t in tables if t not in TABLE_NAMES]
    choose = f"choose among {', '.join(TABLE_NAMES)}."
    if not tables:
        raise ParameterError(f"tables: none given; {choose}")
    if unknown:
        verb = "is not a table" if len(unknown) == 1 else "are not tables"
        raise ParameterError(f"tables: {', '.join(map(repr, unknown))} {verb}; {choose}")
    return set(tables)


def _funnel_table(dataset: Dataset, *, period: str, as_of: Any) -> pd.DataFrame:
    """The funnel of *period*'s lead cohort, all sources (source empty) then per source."""
    overall = F.to_pandas(dataset.funnel(period=period, as_of=as_of))
    overall.insert(0, "source", pd.Series(pd.NA, index=overall.index, dtype="str"))
    out = pd.concat(
        [overall, F.to_pandas(dataset.funnel(period=period, by="source", as_of=as_of))],
        ignore_index=True,
    )
    assert list(out.columns) == ["source", *FUNNEL_COLUMNS]
    return out


def _forecast_table(dataset: Dataset, *, period: str, as_of: Any) -> pd.DataFrame:
    """The forecast of an open *period*; empty, as a missing table is, when it is closed
    or future at the day *as_of* (told by the calendar: the leads are not read) or the
    leads have no sale_at."""
    span = parse_period(period, fiscal_year_start=dataset.settings.fiscal_year_start)
    if pace(span, as_of).state != "open":
        return empty_table(FORECAST_COLUMNS)
    if "sale_at" in F.columns(nw.from_native(dataset.leads).lazy()):
        forecast = F.to_pandas(dataset.forecast(period=period, as_of=as_of))
        if len(forecast):
            return forecast
    return empty_table(FORECAST_COLUMNS)


def coaching_cohort(dataset: Dataset, *, period: str, as_of: Any) -> str:
    """The lead cohort the report's funnel page reads for *period*: the latest cohort of
    the 12 up to *period* that is mature at *as_of* under the dataset's window, else
    *period* itself (:mod:`kpilib.sections.funnel` shows the same)."""
    day = resolve_as_of(as_of, dataset.as_of)
    last = parse_period(period).first_month
    periods = 12 + max(0, day.year * 12 + day.month - 1 - last)
    trend = F.to_pandas(dataset.funnel_trend(periods=periods, as_of=day))
    ripe = trend[(trend["cohort"] <= period) & ~trend["immature"].astype(bool)].tail(12)
    ripe = ripe[ripe["cohort"] > parse_period(period).shift(-12).label]
    return str(ripe["cohort"].iloc[-1]) if len(ripe) else period


def dataset_coaching(dataset: Dataset, *, period: str, as_of: Any) -> pd.DataFrame:
    """``dataset.coaching`` on :func:`coaching_cohort` as pandas, with a ``cohort``
    column first; empty with its columns when the leads have no team or owner column."""
    if not {"team", "owner"} <= set(nw.from_native(dataset.leads).collect_schema().names()):
        return empty_table(["cohort", *COACHING_COLUMNS])
    cohort = coaching_cohort(dataset, period=period, as_of=as_of)
    table = coaching_frame(dataset.coaching(period=cohort, as_of=as_of))
    table.insert(0, "cohort", pd.Series(cohort, index=table.index, dtype="str"))
    return table


def dataset_sales_cycle(dataset: Dataset, *, period: str, as_of: Any) -> pd.DataFrame:
    """``dataset.sales_cycle`` of the 12 months up to *period* as pandas: the company
    (source and team empty), then per source, then per team."""
    if parse_period(period).kind != "month":
        return empty_table(["month", "source", "team", *CYCLE_COLUMNS[1:]])
    parts = []
    tables = dataset.sales_cycles(period=period, by=(None, "source", "team"), as_of=as_of)
    for table in tables:
        part = F.to_pandas(table)
        for col in ("source", "team"):
            if col not in part.columns:
                part.insert(1, col, pd.Series(pd.NA, index=part.index, dtype="str"))
        parts.append(part[["month", "source", "team", *CYCLE_COLUMNS[1:]]])
    return pd.concat(parts, ignore_index=True)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells a spreadsheet would run as a formula start with ``'``.

    Cells of text columns starting with =, +, -, @, a tab or a carriage
    return are prefixed with an apostrophe; numbers are left alone.

    Examples
    --------
    >>> safe = neutralise(pd.DataFrame({"source": ["=HYPERLINK(1)", "web"], "n": [-1, 2]}))
    >>> safe.to_dict("list")
    {'source': ["'=HYPERLINK(1)", 'web'], 'n': [-1, 2]}
    """
    require_kind(
        frame,
        pd.DataFrame,
        name="frame",
        expects="kpilib.kpis.tables.neutralise expects a pandas DataFrame, such as a table "
        "of kpilib.compute_all(dataset, period=...).",
    )
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        text = values.map(lambda v: isinstance(v, str)).astype(bool)  # bool when empty too
        risky = text & values.where(text, "").astype(str).str.startswith(_FORMULA_START)
        if risky.any():
            out[col] = values.astype(object).where(~risky, "'" + values[risky].astype(str))
    return out


def write_tables(
    dataset: Dataset,
    *,
    period: str,
    as_of: Any = None,
    out: str | Path,
    fmt: Literal["csv", "xlsx"] = "csv",
    tables: Sequence[str] | None = None,
) -> list[Path]:
    """Write the tables of :func:`compute_all` to *out*: a CSV file each, or one workbook
    (*tables*: those only).

    - ``csv``: ``attainment.csv``, ``cac.csv``, ``funnel.csv``,
      ``cohort_value.csv``, ``payback.csv``, ``retention.csv``, ``coaching.csv``,
      ``sales_cycle.csv`` and ``forecast.csv`` (:data:`TABLE_NAMES`); empty cells stand for
      missing values;
    - ``xlsx``: ``kpis.xlsx``, a sheet per table in that order, with number
      formats, a frozen header row and an autofilter (:mod:`kpilib.kpis.workbook`).

    Numbers are written as :func:`kpilib.kpis.columns.for_writing` gives them:
    money rounded to the minor unit of the dataset's currency, counts as whole
    numbers. Text that a spreadsheet would run as a formula is neutralised
    (see :func:`neutralise`). Returns the paths written. Files are written first
    under temporary names, then renamed: a failure leaves the folder as it
    was. An *out* that is a file, or a folder that cannot be created or
    written, is a :class:`~kpilib.errors.ParameterError`.
    """
    check_dataset(dataset, "write_tables")
    if fmt not in ("csv", "xlsx"):
        raise ParameterError(f"format {fmt!r} is not supported; choose csv or xlsx.")
    computed = compute_all(dataset, period=period, as_of=as_of, tables=tables)
    settings = dataset.settings
    folder = make_folder(Path(out))
    names = list(computed) if fmt == "csv" else ["kpis"]
    written = [(folder / f".{name}.{fmt}.part", folder / f"{name}.{fmt}") for name in names]
    try:
        if fmt == "xlsx":
            safe = {name: neutralise(frame) for name, frame in computed.items()}
            from kpilib.kpis.workbook import write_workbook  # openpyxl: only for xlsx

            write_workbook(safe, written[0][0], currency=settings.currency, locale=settings.locale)
        else:
            for (part, _), frame in zip(written, computed.values(), strict=True):
                for_writing(neutralise(frame), settings.currency, text=True).to_csv(
                    part, index=False
                )
        for part, path in written:
            part.replace(path)
    except BaseException as exc:  # nothing half-written, whatever stopped the writing
        for part, _ in written:
            part.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        raise ParameterError(
            f"{folder}: the tables could not be written ({exc.strerror or exc}); none was "
            "changed. Give --out a folder you can write to."
        ) from exc
    return [path for _, path in written]
