"""The forecast of the objectives page: the pipeline forecast beside the run rate, and which
of the two the past months say to trust.

Computed once from :func:`kpilib.kpis.forecast.forecast` and
:func:`kpilib.kpis.backtest.backtest_forecast`: the backtest forecasts each of
the 12 months closed before the period from the same day of the month as
as_of, with only what was known then, and measures both guides against the
close. The narrative names the better guide per metric from those measured
errors, never from a fixed belief.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import narwhals as nw
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import pace, parse_period
from kpilib.engine import frames as F
from kpilib.engine.pandas_input import converted_once
from kpilib.kpis.backtest import backtest_forecast, backtest_summary
from kpilib.kpis.forecast import FORECAST_COLUMNS, FORECAST_METRICS, forecast_leads
from kpilib.kpis.forecast_model import shared_snapshots
from kpilib.sections.model import Fact, fact

__all__ = ["ForecastLine", "ForecastSection", "build_forecast", "BACKTEST_MONTHS", "MIN_MONTHS"]

BACKTEST_MONTHS = 12
"""Closed months before the period the forecast is backtested on."""
MIN_MONTHS = 3
"""Fewer backtested months than this say nothing about which guide to trust."""
EVEN = 0.1
"""Mean errors less than this share (a tenth) of the smaller apart are told as even."""

Trust = Literal["forecast", "run_rate", "even", "untested"]


@dataclass(frozen=True)
class ForecastLine:
    """One metric at company level: so far, the forecast of the close, the run rate.

    ``months`` are the backtested months, ``covered`` those whose close fell in
    the 80% range, ``within`` those the forecast got within 5% of; ``error`` and
    ``error_run_rate`` the mean absolute errors (fractions of the close).
    """

    metric: str
    actual: Fact
    expected: Fact
    low: Fact
    high: Fact
    run_rate: Fact
    months: Fact
    covered: Fact
    within: Fact
    error: Fact
    error_run_rate: Fact
    trust: Trust


@dataclass
class ForecastSection:
    """What the page says of the close.

    ``state`` is the period's at as_of; ``reason`` says why there is no
    forecast: "closed", "future", "no_sales" (the leads have no sale_at) or
    "no_history" (no past period to learn from). ``table`` is the forecast
    frame (``forecast.csv``), ``backtest`` the month-by-month backtest and
    ``summary`` its measures (:func:`kpilib.kpis.backtest.backtest_summary`).
    """

    period: str
    state: str
    day: int
    lines: list[ForecastLine] = field(default_factory=list)
    reason: str | None = None
    table: pd.DataFrame | None = None
    backtest: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None

    def get(self, metric: str) -> ForecastLine | None:
        """The company line of *metric*, None when the data cannot measure it."""
        return next((line for line in self.lines if line.metric == metric), None)


def _trust(error: float, error_run_rate: float, months: int) -> Trust:
    if months < MIN_MONTHS or error != error or error_run_rate != error_run_rate:
        return "untested"
    if abs(error - error_run_rate) < EVEN * min(error, error_run_rate):
        return "even"
    return "forecast" if error < error_run_rate else "run_rate"


def _line(
    row: pd.Series, summary: pd.DataFrame, total: int, elapsed: int, period: str
) -> ForecastLine:
    metric = str(row["metric"])
    unit = "money" if metric == "revenue" else "count"
    src = f"forecast[period={period}, metric={metric}, company]"
    measured = summary[(summary["metric"] == metric) & (summary["level"] == "company")]
    bt = f"backtest_summary[metric={metric}, company]"
    months = int(measured["cases"].iloc[0]) if len(measured) else 0
    m = measured.iloc[0] if len(measured) else pd.Series(dtype="float64")
    error, error_rr = (
        float(m.get("mape", float("nan"))),
        float(m.get("mape_run_rate", float("nan"))),
    )
    run_rate = row["actual_to_date"] * total / elapsed if elapsed else float("nan")
    return ForecastLine(
        metric=metric,
        actual=fact(row["actual_to_date"], unit, "month_to_date", period, f"{src}.actual_to_date"),
        expected=fact(row["expected"], unit, "modelled", period, f"{src}.expected"),
        low=fact(row["low"], unit, "modelled", period, f"{src}.low"),
        high=fact(row["high"], unit, "modelled", period, f"{src}.high"),
        run_rate=fact(
            run_rate,
            unit,
            "projected",
            period,
            f"{src}.actual_to_date × {total} / {elapsed} business days",
        ),
        months=fact(months, "count", "observed", None, f"{bt}.cases"),
        covered=fact(round(m.get("coverage", 0.0) * months), "count", "observed", None, f"{bt}"),
        within=fact(round(m.get("within_5", 0.0) * months), "count", "observed", None, f"{bt}"),
        error=fact(error, "rate", "observed", None, f"{bt}.mape"),
        error_run_rate=fact(error_rr, "rate", "observed", None, f"{bt}.mape_run_rate"),
        trust=_trust(error, error_rr, months),
    )


def build_forecast(dataset: Dataset, *, period: str, as_of: pd.Timestamp) -> ForecastSection:
    """The forecast of *period* as seen on *as_of*, with its backtest on the months before.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": ["L1"], "lead_at": pd.to_datetime(["2026-10-01"]),
    ...                       "sale_at": pd.to_datetime([None])})
    >>> build_forecast(Dataset(leads=leads), period="2026-10",
    ...                as_of=pd.Timestamp("2026-10-31")).reason
    'closed'
    """
    s = dataset.settings
    span = parse_period(period, fiscal_year_start=s.fiscal_year_start)
    state = pace(span, as_of)
    out = ForecastSection(period=period, state=state.state, day=as_of.day)
    if state.state != "open":
        out.reason = state.state
        return out
    native = nw.from_native(dataset.leads)
    if "sale_at" not in F.columns(native.lazy()):
        out.reason = "no_sales"
        return out
    # the forecast and its backtest read the same past months from the same day of each:
    # each is read once (the leads converted once, so that the two see the same frame)
    with converted_once(), shared_snapshots(forecast_leads(dataset.leads).to_native()):
        table = F.to_pandas(dataset.forecast(period=period, as_of=as_of))
        out.table = table.reindex(columns=FORECAST_COLUMNS)
        company = table[table["team"].isna()]
        if not len(company) or company["expected"].isna().all():
            out.reason = "no_history"
            return out
        out.backtest = backtest_forecast(
            dataset.leads,
            day=as_of.day,
            last=BACKTEST_MONTHS,
            as_of=as_of,
            stages=s.stages,
            fiscal_year_start=s.fiscal_year_start,
        )
    out.summary = backtest_summary(out.backtest)
    for metric in FORECAST_METRICS:
        rows = company[company["metric"] == metric]
        if len(rows):
            out.lines.append(_line(rows.iloc[0], out.summary, state.total, state.elapsed, period))
    return out
