"""Pipeline forecast of an open period's close: sales, new customers and revenue.

:func:`forecast` adds to what is counted so far (as
:func:`kpilib.kpis.objectives.attainment` counts it) what the open pipeline
and the leads still to come are expected to bring before the period ends,
with an 80% interval. Everything it learns is read on the data as seen at
as_of: the past periods' outcomes it learns from had closed by then.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import narwhals as nw
import pandas as pd

from kpilib.data.periods import Period, pace, parse_period, resolve_as_of
from kpilib.data.schema import STAGES
from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.forecast_history import learn, pipeline, team_key
from kpilib.kpis.forecast_model import AGE_BANDS, combine, shared
from kpilib.kpis.objectives import _monthly_actuals

__all__ = [
    "forecast",
    "period_actuals",
    "month_closes",
    "forecast_leads",
    "FORECAST_COLUMNS",
    "FORECAST_METRICS",
    "AGE_BANDS",
]

FORECAST_COLUMNS = ["period", "metric", "team", "actual_to_date", "expected", "low", "high"]
FORECAST_METRICS = ("sales", "new_customers", "revenue")
_N = F.NONE_KEY
# what a new customer is counted on: its first sale (lead_id breaks ties), in that team
_SALE_COLUMNS = ["lead_at", "team", "owner", "lead_id", "customer_id"]
FORECAST_READS = ["team", "owner", "amount", "lead_id", "customer_id"]
"""The lead columns the forecast reads besides the ``*_at`` dates."""
_DTYPES = {
    "period": nw.String,
    "metric": nw.String,
    "team": nw.String,
    **{c: nw.Float64 for c in FORECAST_COLUMNS[3:]},
}


def forecast_leads(leads: Any) -> nw.LazyFrame:
    """*leads* as the forecast reads them (:data:`FORECAST_READS`; pandas input on
    polars): within :func:`kpilib.engine.pandas_input.converted_once`, the very frame
    each forecast of the block reads, so the key of its shared past snapshots
    (:func:`kpilib.kpis.forecast_model.shared_snapshots`)."""
    _, frames = F.lazy_inputs(keep={"leads": FORECAST_READS}, leads=leads)
    lf = frames["leads"]
    assert lf is not None
    return lf


def _inputs(leads: Any) -> tuple[str, nw.LazyFrame, nw.LazyFrame, dict]:
    """The output kind, the leads and the rows a first sale reads, as LazyFrames, and
    the figures shared by the forecasts of a backtest (keyed by the leads as read,
    before any missing optional column is added: that makes a new frame each call)."""
    kind, frames = F.lazy_inputs(
        keep={"leads": FORECAST_READS},
        sales=_SALE_COLUMNS,
        leads=leads,
    )
    lf = frames["leads"]
    assert lf is not None
    F.require(lf, "leads", ["lead_at", "sale_at"], "forecast")
    known = shared(lf.to_native())
    return kind, F.with_optional(lf, ["team", "owner", "lead_id"]), F.sales_of(frames), known


def _measurable(lf: nw.LazyFrame) -> list[str]:
    have = F.columns(lf)
    return [
        m
        for m in FORECAST_METRICS
        if m == "sales" or {"revenue": "amount", "new_customers": "customer_id"}[m] in have
    ]


def _by_month(
    lf: nw.LazyFrame, sales: nw.LazyFrame, first: int, last: int, cutoff: dt.datetime
) -> pd.DataFrame:
    """_mk, metric, team (sentinel for none), value: each month's actuals from month key
    *first* to *last*, counted up to *cutoff*.

    Counted by :func:`kpilib.kpis.objectives.attainment`'s own monthly actuals,
    so that the company and team figures are its ``actual`` column.
    """
    monthly = _monthly_actuals(lf.filter(nw.col("lead_at") < cutoff), sales, ("sale",), cutoff)
    out = (
        monthly.filter(
            nw.col("_mk") >= first,
            nw.col("_mk") <= last,
            nw.col("metric").is_in(list(FORECAST_METRICS)),
        )
        .with_columns(team=team_key())
        .group_by("_mk", "metric", "team")
        .agg(nw.col("value").sum())
    )
    return F.to_pandas(out.to_native())


def _actuals(
    lf: nw.LazyFrame, sales: nw.LazyFrame, span: Period, cutoff: dt.datetime
) -> pd.DataFrame:
    """metric, team (sentinel for none), value: the period's actuals up to *cutoff*."""
    months = _by_month(lf, sales, span.first_month, span.last_month, cutoff)
    return months.groupby(["metric", "team"], as_index=False)["value"].sum()


def _with_company(raw: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """*keys*, metric, team (None = company), actual: the company rows added, sorted."""
    teams = raw[raw["team"] != _N]
    company = raw.groupby([*keys, "metric"], as_index=False)["value"].sum().assign(team=_N)
    out = pd.concat([company, teams], ignore_index=True)
    out = out.sort_values([*keys, "metric", "team"], ignore_index=True)
    team = out["team"].astype(object).where(out["team"] != _N, None)
    return pd.DataFrame(
        {**{k: out[k] for k in keys}, "metric": out["metric"], "team": team, "actual": out["value"]}
    )


def period_actuals(
    leads: Any, *, period: str, as_of: Any = None, fiscal_year_start: int = 1
) -> pd.DataFrame:
    """Sales, new customers and revenue of *period* counted up to *as_of*, company and per team.

    As :func:`kpilib.kpis.objectives.attainment` counts its ``actual``: sales
    by sale_at, revenue the amount of those sales, new customers by their first
    sale, a team's from the lead's team.

    Returns
    -------
    pandas.DataFrame
        metric, team (None = company), actual (count; revenue in currency),
        sorted by metric then team, company first.

    Examples
    --------
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-09-20", "2026-10-02"]),
    ...     "sale_at": pd.to_datetime(["2026-10-05", "2026-10-20"]),
    ...     "team": ["North", "South"], "amount": [100.0, 50.0]})
    >>> period_actuals(leads, period="2026-10", as_of="2026-10-15")
        metric   team  actual
    0  revenue   None   100.0
    1  revenue  North   100.0
    2    sales   None     1.0
    3    sales  North     1.0
    """
    _, lf, sales, _ = _inputs(leads)
    span = parse_period(period, fiscal_year_start=fiscal_year_start)
    day = resolve_as_of(as_of, _latest(lf, as_of))
    cutoff = min(day + dt.timedelta(days=1), span.end)
    return _with_company(_actuals(lf, sales, span, cutoff), [])


def month_closes(leads: Any, *, months: Sequence[str]) -> pd.DataFrame:
    """The close of each of *months* (labels "YYYY-MM"): :func:`period_actuals` at each
    month's last day, counted in one pass.

    A customer's first sale does not move when later sales are seen, so every
    month is counted as seen at the last month's end.

    Returns
    -------
    pandas.DataFrame
        period, metric, team (None = company), actual; sorted by period, metric
        and team, company first.

    Examples
    --------
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-09-20", "2026-10-02"]),
    ...     "sale_at": pd.to_datetime(["2026-09-25", "2026-10-20"])})
    >>> month_closes(leads, months=["2026-09", "2026-10"])
        period metric  team  actual
    0  2026-09  sales  None     1.0
    1  2026-10  sales  None     1.0
    """
    _, lf, sales, _ = _inputs(leads)
    spans = [parse_period(m) for m in months]
    if not spans:
        return pd.DataFrame({c: [] for c in ("period", "metric", "team", "actual")})
    first, last = min(s.first_month for s in spans), max(s.last_month for s in spans)
    raw = _by_month(lf, sales, first, last, max(s.end for s in spans))
    raw = raw[raw["_mk"].isin([s.first_month for s in spans])]
    raw = raw.assign(period=[f"{k // 12:04d}-{k % 12 + 1:02d}" for k in raw["_mk"]])
    return _with_company(raw.drop(columns="_mk"), ["period"])


def forecast(
    leads: Any,
    *,
    period: str,
    as_of: Any = None,
    history: int = 6,
    pace_periods: int = 3,
    max_age_days: int = 365,
    prior_weight: float = 20.0,
    level: float = 0.8,
    stages: Sequence[str] | None = None,
    fiscal_year_start: int = 1,
) -> Any:
    """Forecast of the close of an open *period*: sales, new customers and revenue.

    ``expected = actual_to_date + pipeline + arrivals`` per metric, for the
    company and each team:

    - ``actual_to_date`` is counted as :func:`kpilib.kpis.objectives.attainment`
      counts ``actual`` (sales by sale_at, revenue the amount of those sales,
      new customers by their first sale) up to *as_of*;
    - ``pipeline``: each lead open at as_of (created at most *max_age_days*
      before, not sold, not lost) converts before the period ends with the
      chance learnt for its team, furthest stage and age band
      (:data:`AGE_BANDS`): in each of the *history* previous periods, on the
      day at the same distance from its start, the leads open then in that
      cell and the share of them sold by that period's end. Cells are shrunk
      towards the company's (and the company's towards the stage's) with
      *prior_weight* leads of weight;
    - ``arrivals``: leads per business day since *pace_periods* periods before
      × business days left × the share of the leads created in the same
      stretch of the past periods that were sold by their end;
    - new customers = sales × the history's new customers per sale; revenue =
      sales × its average amount per sale (missing amounts as 0).

    That pipeline forecast is blended with the run rate (``actual_to_date`` ×
    business days of the period ÷ those elapsed), per team, with the weight
    :func:`kpilib.kpis.forecast_blend.blend` learns from how the two erred on
    the *history* previous periods, each forecast as on the same day from the
    *history* periods before it; the company rows add up the teams'. Without
    two such periods, or before the first business day, the pipeline forecast
    alone.

    ``low`` and ``high`` bound a *level* interval of the close: ± Student's t
    (over the past periods measured) × the larger of the leads' chance (the
    Poisson-binomial pipeline and the Poisson arrivals; revenue compounded
    with the spread of amounts) and the blend's relative error on those
    periods × expected. ``low`` is never below ``actual_to_date``.

    Parameters
    ----------
    leads
        Leads: lead_at, sale_at, optional team, lost_at, ``<stage>_at``,
        customer_id (new customers), amount (revenue).
    period
        A month, quarter or fiscal year that is open at *as_of*.
    as_of
        Day of the data's view; default the latest ``*_at`` date of *leads*.
    history
        Past periods learnt from (those the data covers).
    pace_periods
        Full periods before *period* over which the arrival pace is read.
    max_age_days
        Open leads older than this are taken as dead.
    prior_weight
        Leads (sales, for amounts) of weight given to the wider rate.
    level
        Coverage of the interval, in (0, 1).
    stages
        Funnel stages; default lead, visit, offer, sale.
    fiscal_year_start
        Month that starts the fiscal year.

    Returns
    -------
    Frame of the input's kind: period, metric, team (empty = company),
    actual_to_date, expected, low, high (counts; revenue in currency), sorted
    by metric (sales, new_customers, revenue), company first then teams. Empty,
    with these columns, when *period* is closed or not started at *as_of*. A
    metric the data cannot measure (no customer_id, no amount) has no rows;
    without any past period to learn from, expected, low and high are NaN.

    Examples
    --------
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-08-03", "2026-09-01", "2026-10-01"]),
    ...     "sale_at": pd.to_datetime(["2026-08-20", None, "2026-10-05"]),
    ...     "amount": [100.0, None, 100.0]})
    >>> out = forecast(leads, period="2026-10", as_of="2026-10-15")
    >>> out[["metric", "actual_to_date", "expected"]]
        metric  actual_to_date  expected
    0    sales             1.0       1.5
    1  revenue           100.0     150.0
    """
    if not 0 < level < 1:
        raise ParameterError(f"level = {level} is not a coverage: give a number between 0 and 1.")
    if history < 1 or pace_periods < 1 or max_age_days < 1:
        raise ParameterError(
            "history, pace_periods and max_age_days must be at least 1 "
            f"(got {history}, {pace_periods}, {max_age_days})."
        )
    kind, lf, sales, known = _inputs(leads)
    stages = tuple(stages) if stages is not None else STAGES
    span = parse_period(period, fiscal_year_start=fiscal_year_start)
    day = resolve_as_of(as_of, _latest(lf, as_of))
    state = pace(span, day)
    # a period closed or not started has no forecast: the leads' first date is not read
    first = first_lead(lf, known) if state.state == "open" else None
    if first is None or first != first:
        return F.to_native(F.small_frame(lf, {c: [] for c in FORECAST_COLUMNS}, _DTYPES), kind)
    cutoff = day + dt.timedelta(days=1)
    learnt = learn(
        lf,
        sales,
        known=known,
        span=span,
        cutoff=cutoff,
        first_month=first.year * 12 + first.month - 1,
        stages=stages,
        history=history,
        pace_periods=pace_periods,
        max_age=max_age_days,
    )
    now = F.to_arrays(pipeline(lf, stages, cutoff, span.end, max_age_days).to_native())
    table = combine(
        learnt,
        now,
        _actuals(lf, sales, span, cutoff),
        days_left=state.left,
        run_rate=state.total / state.elapsed if state.elapsed else math.nan,
        metrics=_measurable(lf),
        prior_weight=prior_weight,
        level=level,
    )
    table.insert(0, "period", span.label)
    data = {c: table[c].tolist() for c in FORECAST_COLUMNS}
    data["team"] = [None if t == _N else t for t in data["team"]]
    return F.to_native(F.small_frame(lf, data, _DTYPES), kind)


def first_lead(lf: nw.LazyFrame, known: dict) -> Any:
    """The earliest lead_at of the leads: read once into *known*, the figures shared
    within :func:`~kpilib.kpis.forecast_model.shared_snapshots` (the backtest's months
    ask it each)."""
    if ("first",) not in known:
        known[("first",)] = lf.select(nw.col("lead_at").min()).collect().item(0, 0)
    return known[("first",)]


def _latest(lf: nw.LazyFrame, as_of: Any) -> Any:
    """The latest date of the leads when *as_of* is not given (None when it is: not read)."""
    return F.latest_date(leads=(lf, F.date_columns(lf))) if as_of is None else None
