"""The sales cycle of the funnel page: days from lead to sale of the period's sales.

Read on sales (:func:`kpilib.kpis.cycle.sales_cycle`), not on lead cohorts:
the period's sales and the days each took from its lead. The trend is the
same measure on each of the twelve sale months up to the period; its verdict
(a Mann-Kendall test on the monthly medians) reads the months closed at
as_of only. An open period's figures are its sales so far (month to date).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.kpis.significance import Z95, mann_kendall_z
from kpilib.kpis.tables import dataset_sales_cycle
from kpilib.sections.model import Fact, fact, missing

__all__ = ["CycleSection", "CycleTrend", "build_cycle", "MIN_MONTHS"]

MIN_MONTHS = 4
"""Closed months with sales the trend's verdict needs."""


@dataclass(frozen=True)
class CycleTrend:
    """The median cycle over the closed months of the twelve.

    ``first`` and ``last`` are the oldest and latest closed months' medians
    (their ``period`` is the month); ``months`` how many closed months; ``direction``
    "up" or "down" when the Mann-Kendall test says so at 95% (``significant``)
    and the two ends moved that way, else "flat".
    """

    direction: Literal["up", "down", "flat"]
    first: Fact
    last: Fact
    months: Fact
    significant: bool


@dataclass
class CycleSection:
    """What the funnel page says about the sales cycle.

    - ``table``: the ``sales_cycle`` table of ``kpi kpis`` (company, sources,
      teams; twelve months up to the period); ``trend``: its company rows;
    - ``sales``, ``median`` and ``p80``: the period's sales and their cycle in
      days (basis "actual" when the period is closed, "month_to_date" when open);
    - ``by_source`` and ``by_team``: the period's rows per source and team;
    - ``truncated``: the period's month starts less than the conversion window
      (``window``, days) after the data's first lead, so its cycle reads short;
    - ``verdict``: the trend over the closed months that are not truncated,
      None with fewer than :data:`MIN_MONTHS`.
    """

    period: str
    open: bool
    table: pd.DataFrame
    trend: pd.DataFrame
    sales: Fact
    median: Fact
    p80: Fact
    by_source: pd.DataFrame
    by_team: pd.DataFrame
    truncated: bool
    window: Fact
    verdict: CycleTrend | None


def _month_fact(row: pd.Series, col: str, basis: str) -> Fact:
    src = f"sales_cycle[month={row['month']}, source=, team=]"
    unit = "count" if col == "sales" else "days"
    return fact(row[col], unit, basis, str(row["month"]), src)  # type: ignore[arg-type]


def verdict(trend: pd.DataFrame, closed: list[str]) -> CycleTrend | None:
    """The trend of the median cycle over the *closed* months of *trend* (company rows)."""
    done = trend[trend["month"].isin(closed)]
    if len(done) < MIN_MONTHS:
        return None
    z = mann_kendall_z(done["median_days"].tolist())
    a, b = done.iloc[0], done.iloc[-1]
    significant = bool(z == z and abs(z) > Z95)
    direction: Literal["up", "down", "flat"] = "flat"
    if significant:
        moved = b["median_days"] - a["median_days"]
        if moved != 0 and (moved > 0) == (z > 0):
            direction = "up" if z > 0 else "down"
        else:
            significant = False
    months = fact(len(done), "count", "observed", str(b["month"]), "sales_cycle[closed months]")
    first, last = _month_fact(a, "median_days", "actual"), _month_fact(b, "median_days", "actual")
    return CycleTrend(direction, first, last, months, significant)


def build_cycle(dataset: Dataset, *, period: str, as_of: pd.Timestamp, state: str) -> CycleSection:
    """The sales cycle of *period* (a month) as seen on *as_of*.

    Parameters
    ----------
    dataset
        A loaded or scanned dataset.
    period
        The month reported, "YYYY-MM".
    as_of
        The day the data is seen on.
    state
        "closed", "open" or "future" (:func:`kpilib.sections.build.period_state`).

    Returns
    -------
    CycleSection
        Its facts and tables.

    Examples
    --------
    >>> from kpilib.data.load import load_dataset
    >>> s = build_cycle(load_dataset("data/sample"), period="2026-10",
    ...                 as_of=pd.Timestamp("2026-10-31"), state="closed")
    >>> s.sales.value, round(s.median.value, 1), round(s.p80.value, 1), s.verdict.direction
    (131.0, 34.7, 56.2, 'flat')
    """
    day = pd.Timestamp(as_of).normalize()
    table = dataset_sales_cycle(dataset, period=period, as_of=day)
    company = table["source"].isna() & table["team"].isna()
    trend = table[company].reset_index(drop=True)
    basis = "month_to_date" if state == "open" else "actual"
    now = trend[trend["month"] == period]
    src = f"sales_cycle[month={period}, source=, team=]"
    if len(now):
        row = now.iloc[0]
        sales = _month_fact(row, "sales", basis)
        median, p80 = _month_fact(row, "median_days", basis), _month_fact(row, "p80_days", basis)
    else:
        sales = fact(0, "count", basis, period, src)  # type: ignore[arg-type]
        median = missing("days", basis, period, src)  # type: ignore[arg-type]
        p80 = missing("days", basis, period, src)  # type: ignore[arg-type]
    # a month is closed once as_of reaches its last day
    ends = pd.to_datetime(trend["month"] + "-01") + pd.offsets.MonthEnd(0)
    closed = trend.loc[(ends <= day) & ~trend["truncated"].astype(bool), "month"].tolist()
    days = dataset.conversion_window(as_of=day).days
    window = fact(days, "days", "observed", None, "conversion_window")
    in_period = table["month"] == period
    return CycleSection(
        period=period,
        open=state == "open",
        table=table,
        trend=trend,
        sales=sales,
        median=median,
        p80=p80,
        by_source=table[in_period & table["source"].notna()].reset_index(drop=True),
        by_team=table[in_period & table["team"].notna()].reset_index(drop=True),
        truncated=bool(len(now) and now["truncated"].iloc[0]),
        window=window,
        verdict=verdict(trend, closed),
    )
