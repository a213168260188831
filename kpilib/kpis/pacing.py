"""The daily path of a metric through a period against its target path.

:func:`cumulative_path` counts a metric day by day through a period, as
:func:`kpilib.kpis.objectives.attainment` counts it for the whole period, and sets
the cumulative actual against a target that accrues evenly over business days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from kpilib.data.periods import parse_period, resolve_as_of
from kpilib.engine import frames as F

__all__ = ["cumulative_path", "PATH_COLUMNS"]

PATH_COLUMNS = ["day", "business_day", "actual", "cumulative", "target_path", "target"]
# what a new customer is counted on: its first sale (lead_id breaks ties), in that team
_SALE_COLUMNS = ["team", "lead_id", "customer_id"]


def _daily(
    lf: nw.LazyFrame,
    sales: nw.LazyFrame,
    metric: str,
    team: str | None,
    start: dt.datetime,
    cutoff: dt.datetime,
) -> pd.Series:
    """The metric's total per day for events dated in [*start*, *cutoff*), by day.

    *sales* holds at least the leads' rows with a sale (``F.sales_of``).
    Computed on the leads' own engine (pandas input runs on polars); only the
    daily totals, at most a period's days, come back as pandas.
    """
    have = set(F.columns(lf))
    column = f"{metric[:-1]}_at" if metric.endswith("s") else f"{metric}_at"
    total = nw.len().cast(nw.Float64)
    if metric == "revenue":
        need, column = {"sale_at", "amount"}, "sale_at"
        total = nw.col("amount").cast(nw.Float64).fill_null(0.0).sum()
    elif metric == "new_customers":
        need, column = {"sale_at", "customer_id"}, "sale_at"
    else:
        need = {column}
    if not need <= have:
        return pd.Series([], dtype="float64")
    if metric == "new_customers":
        # each customer once, on its first sale, in that lead's team: as attainment counts
        firsts = F.first_sales(sales)
        lf = firsts.select("team", nw.col("acquired_at").alias(column))
    if team is not None and "team" in have:
        lf = lf.filter(nw.col("team") == team)
    daily = F.to_pandas(
        lf.filter(nw.col(column) >= start, nw.col(column) < cutoff)
        .group_by(nw.col(column).dt.truncate("1d").alias("day"))
        .agg(total.alias("actual"))
        .to_native()
    )
    day = pd.to_datetime(daily["day"])
    if day.dt.tz is not None:  # Spark's timestamps carry the session's zone, UTC
        day = day.dt.tz_convert("UTC").dt.tz_localize(None)
    return daily.set_index(day.dt.as_unit("us"))["actual"]


def cumulative_path(
    leads: pd.DataFrame,
    targets: pd.DataFrame | None,
    *,
    period: str,
    metric: str = "revenue",
    team: str | None = None,
    as_of: Any = None,
) -> pd.DataFrame:
    """Cumulative actual of *metric* day by day through *period*, against the target path.

    ``actual`` is the day's count (``revenue``: the amount of the day's sales;
    ``new_customers``: customers whose first sale is that day; any other
    metric ``<stage>s``: leads whose ``<stage>_at`` is that day), counted as
    :func:`kpilib.kpis.objectives.attainment` counts the period. ``cumulative`` is
    its running sum up to *as_of* (NaN after). ``target_path = target ×
    business days elapsed ÷ business days in the period`` (Monday-Friday), so
    the path reaches the target on the period's last business day; NaN when
    no target is set for the period, metric and team (owner blank).

    Parameters
    ----------
    leads
        Leads with lead_at, ``<stage>_at`` columns, team, customer_id, amount.
    targets
        Targets (period, metric, team, owner, target) or None.
    period
        A month, quarter or fiscal year label.
    metric
        leads, visits, offers, sales, new_customers or revenue.
    team
        A team name, or None for the whole company.
    as_of
        Last day counted; default the latest date in *leads*.

    Returns
    -------
    pandas.DataFrame
        One row per calendar day of the period: day (datetime), business_day
        (business days elapsed, count), actual, cumulative (metric unit;
        revenue in currency), target_path, target (metric unit).

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_at": pd.to_datetime(["2026-10-01", "2026-10-02"])})
    >>> targets = pd.DataFrame({"period": ["2026-10"], "metric": ["leads"],
    ...                         "team": [None], "owner": [None], "target": [44.0]})
    >>> path = cumulative_path(leads, targets, period="2026-10", metric="leads")
    >>> path.loc[:2, ["business_day", "cumulative", "target_path"]]
       business_day  cumulative  target_path
    0             1         1.0          2.0
    1             2         2.0          4.0
    2             2         NaN          4.0
    """
    span = parse_period(period)
    # on pandas input, what the first sales read is converted for the rows with a sale only
    _, frames = F.lazy_inputs(keep={"leads": ["team", "amount"]}, sales=_SALE_COLUMNS, leads=leads)
    lf = frames["leads"]
    assert lf is not None
    F.require(lf, "leads", ["lead_at"], "kpis.pacing.cumulative_path")
    if targets is not None:
        F.require(
            targets,
            "targets",
            ["period", "metric", "target"],
            "kpis.pacing.cumulative_path",
        )
    latest = F.latest_date(leads=(lf, F.date_columns(lf))) if as_of is None else None
    day_of = resolve_as_of(as_of, latest)
    days = pd.date_range(span.start, span.end - pd.Timedelta(days=1), freq="D").as_unit("us")
    cutoff = min(span.end, day_of + dt.timedelta(days=1))
    daily = _daily(lf, F.sales_of(frames), metric, team, span.start, cutoff)
    actual = daily.reindex(days, fill_value=0.0).to_numpy(dtype="float64")
    cumulative = np.cumsum(actual)
    cumulative[days > day_of] = np.nan
    is_business = np.is_busday(days.values.astype("datetime64[D]"))
    elapsed = np.cumsum(is_business)
    total = max(int(elapsed[-1]), 1)
    target = np.nan
    targets = F.to_pandas(targets)
    if targets is not None and len(targets):
        rows = targets[(targets["period"] == span.label) & (targets["metric"] == metric)]
        rows = rows[rows["owner"].isna()] if "owner" in rows else rows
        if "team" in rows:
            rows = rows[rows["team"].isna()] if team is None else rows[rows["team"] == team]
        if len(rows):
            target = float(rows["target"].iloc[0])
    return pd.DataFrame(
        {
            "day": days,
            "business_day": elapsed.astype("int64"),
            "actual": actual,
            "cumulative": cumulative,
            "target_path": target * elapsed / total,
            "target": np.full(len(days), target),
        }
    )
