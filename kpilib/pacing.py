"""The daily path of a metric through a period against its target path.

:func:`cumulative_path` counts a metric day by day through a period, as
:func:`kpilib.objectives.attainment` counts it for the whole period, and sets
the cumulative actual against a target that accrues evenly over business days.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kpilib.periods import parse_period, resolve_as_of

__all__ = ["cumulative_path", "PATH_COLUMNS"]

PATH_COLUMNS = ["day", "business_day", "actual", "cumulative", "target_path", "target"]


def _events(leads: pd.DataFrame, metric: str) -> tuple[pd.Series, pd.Series]:
    """Dates of the metric's events and the weight of each (1, or the amount)."""
    if metric == "revenue":
        if "sale_at" not in leads or "amount" not in leads:
            return pd.Series([], dtype="datetime64[us]"), pd.Series([], dtype="float64")
        return leads["sale_at"], leads["amount"].fillna(0.0).astype("float64")
    if metric == "new_customers":
        if "sale_at" not in leads or "customer_id" not in leads:
            return pd.Series([], dtype="datetime64[us]"), pd.Series([], dtype="float64")
        sales = leads.loc[leads["sale_at"].notna(), ["customer_id", "sale_at"]]
        first = sales.sort_values("sale_at", kind="stable").drop_duplicates("customer_id")
        return first["sale_at"], pd.Series(1.0, index=first.index)
    column = f"{metric[:-1]}_at" if metric.endswith("s") else f"{metric}_at"
    if column not in leads:
        return pd.Series([], dtype="datetime64[us]"), pd.Series([], dtype="float64")
    return leads[column], pd.Series(1.0, index=leads.index)


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
    :func:`kpilib.objectives.attainment` counts the period. ``cumulative`` is
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
    dates, weights = _events(leads, metric)
    if team is not None and "team" in leads:
        keep = leads.loc[dates.index, "team"] == team
        dates, weights = dates[keep.fillna(False)], weights[keep.fillna(False)]
    latest = leads[[c for c in leads.columns if c.endswith("_at")]].max().max()
    day_of = resolve_as_of(as_of, latest if pd.notna(latest) else None)
    days = pd.date_range(span.start, span.end - pd.Timedelta(days=1), freq="D").as_unit("us")
    day_index = dates.dt.floor("D")
    inside = day_index.notna() & (day_index >= span.start) & (day_index < span.end)
    inside &= day_index <= day_of
    daily = weights[inside].groupby(day_index[inside]).sum()
    actual = daily.reindex(days, fill_value=0.0).to_numpy(dtype="float64")
    cumulative = np.cumsum(actual)
    cumulative[days > day_of] = np.nan
    is_business = np.is_busday(days.values.astype("datetime64[D]"))
    elapsed = np.cumsum(is_business)
    total = max(int(elapsed[-1]), 1)
    target = np.nan
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
