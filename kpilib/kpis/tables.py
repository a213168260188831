"""The KPI tables of one period, and their export to CSV or Excel (``kpi kpis``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period, resolve_as_of
from kpilib.data.text import make_folder
from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.acquisition import CAC_COLUMNS
from kpilib.kpis.forecast import FORECAST_COLUMNS
from kpilib.kpis.funnel import FUNNEL_COLUMNS
from kpilib.kpis.objectives import ATTAINMENT_COLUMNS
from kpilib.kpis.value import COHORT_VALUE_COLUMNS, PAYBACK_COLUMNS

__all__ = [
    "compute_all",
    "dataset_attainment",
    "dataset_payback",
    "write_tables",
    "neutralise",
    "TABLE_NAMES",
]

TABLE_NAMES = ("attainment", "cac", "funnel", "cohort_value", "payback", "forecast")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})


def dataset_attainment(dataset: Dataset, *, period: str, as_of: Any) -> pd.DataFrame:
    """``dataset.attainment`` (:func:`kpilib.kpis.objectives.attainment` with its
    settings) as pandas; empty with its columns when the dataset has no targets."""
    if not F.has_rows(dataset.targets):
        return _empty(ATTAINMENT_COLUMNS)
    return F.to_pandas(dataset.attainment(period=period, as_of=as_of))


def dataset_payback(dataset: Dataset, *, as_of: Any, by: str | None = None) -> pd.DataFrame:
    """``dataset.payback`` (:func:`kpilib.kpis.value.payback` with its thresholds) as
    pandas (the dataset must have orders and costs)."""
    return F.to_pandas(dataset.payback(as_of=as_of, by=by))  # type: ignore[arg-type]


def compute_all(dataset: Dataset, *, period: str, as_of: Any = None) -> dict[str, pd.DataFrame]:
    """Every KPI table of *period*, as pandas frames (whatever engine the
    dataset's tables are on: a :func:`kpilib.engine.scan.scan_dataset` computes there).

    - attainment: targets of periods overlapping *period* (so 2026-10 also
      gives 2026-Q4 and FY2026), at company, team and rep level;
    - cac: *period* as a whole, blended row (channel empty) then channels;
    - funnel: the lead cohort of *period*, first for all sources (source
      empty) then per source, with the dataset's conversion window
      (kpi.toml's, else derived from the data: see ``Dataset.conversion_window``);
    - cohort_value and payback: every acquisition cohort up to as_of;
    - forecast: the close of sales, new customers and revenue of an open
      *period* (company, then per team); empty when it is closed or future.

    A table whose input the dataset lacks (no targets, costs or orders) is
    empty, with its columns. Settings (stages, thresholds, fiscal year,
    window) come from ``dataset.settings``.

    Examples
    --------
    >>> from kpilib.data.load import load_dataset
    >>> tables = compute_all(load_dataset("data/sample"), period="2026-10")
    >>> sorted(tables)
    ['attainment', 'cac', 'cohort_value', 'forecast', 'funnel', 'payback']
    """
    s = dataset.settings
    parse_period(period, fiscal_year_start=s.fiscal_year_start)
    day = resolve_as_of(as_of, dataset.as_of)
    out: dict[str, pd.DataFrame] = {}
    out["attainment"] = dataset_attainment(dataset, period=period, as_of=day)
    if dataset.costs is not None:
        out["cac"] = F.to_pandas(dataset.cac(period=period, as_of=day))
    else:
        out["cac"] = _empty(CAC_COLUMNS)
    overall = F.to_pandas(dataset.funnel(period=period, as_of=day))
    overall.insert(0, "source", pd.Series(pd.NA, index=overall.index, dtype="str"))
    out["funnel"] = pd.concat(
        [overall, F.to_pandas(dataset.funnel(period=period, by="source", as_of=day))],
        ignore_index=True,
    )
    if dataset.orders is not None:
        out["cohort_value"] = F.to_pandas(dataset.cohort_value(as_of=day))
    else:
        out["cohort_value"] = _empty(COHORT_VALUE_COLUMNS)
    if dataset.orders is not None and dataset.costs is not None:
        out["payback"] = dataset_payback(dataset, as_of=day)
    else:
        out["payback"] = _empty(PAYBACK_COLUMNS)
    out["forecast"] = _empty(FORECAST_COLUMNS)
    if "sale_at" in F.columns(nw.from_native(dataset.leads).lazy()):
        forecast = F.to_pandas(dataset.forecast(period=period, as_of=day))
        if len(forecast):  # else closed or future: empty, as the missing tables are
            out["forecast"] = forecast
    assert list(out["forecast"].columns) == FORECAST_COLUMNS
    assert list(out["funnel"].columns) == ["source", *FUNNEL_COLUMNS]
    return {name: out[name] for name in TABLE_NAMES}


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
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        text = values.map(lambda v: isinstance(v, str))
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
) -> list[Path]:
    """Write the tables of :func:`compute_all` to *out*, one file each.

    Files are named after the tables (``attainment.csv``, ``cac.csv``,
    ``funnel.csv``, ``cohort_value.csv``, ``payback.csv``, ``forecast.csv``, or ``.xlsx``); empty
    cells stand for missing values; text that a spreadsheet would run as a
    formula is neutralised (see :func:`neutralise`). Returns the paths
    written, in that order. All files are written first under temporary
    names, then renamed: a failure leaves the folder as it was. An *out*
    that is a file, or a folder that cannot be created or written, is a
    :class:`~kpilib.errors.ParameterError`.
    """
    if fmt not in ("csv", "xlsx"):
        raise ParameterError(f"format {fmt!r} is not supported; choose csv or xlsx.")
    tables = compute_all(dataset, period=period, as_of=as_of)
    folder = make_folder(Path(out))
    written: list[tuple[Path, Path]] = []
    try:
        for name, frame in tables.items():
            path = folder / f"{name}.{fmt}"
            part = folder / f".{name}.{fmt}.part"
            written.append((part, path))
            safe = neutralise(frame)
            if fmt == "csv":
                safe.to_csv(part, index=False)
            else:
                safe.to_excel(part, index=False, sheet_name=name, engine="openpyxl")
        for part, path in written:
            part.replace(path)
    except OSError as exc:
        for part, _ in written:
            part.unlink(missing_ok=True)
        raise ParameterError(
            f"{folder}: the tables could not be written ({exc.strerror or exc}); none was "
            "changed. Give --out a folder you can write to."
        ) from exc
    return [path for _, path in written]
