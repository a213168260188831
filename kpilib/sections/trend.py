"""The conversion trend of the funnel section: the twelve lead cohorts up to the period,
and whether their conversion drifted, read on the mature ones only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpilib.kpis.significance import Z95, trend_z
from kpilib.sections.model import Fact, fact

__all__ = ["TREND_COHORTS", "TrendVerdict", "trend_fact", "trend_periods", "up_to", "verdict"]

TREND_COHORTS = 12
"""Monthly lead cohorts in the trend, ending with the period's."""


@dataclass(frozen=True)
class TrendVerdict:
    """The conversion trend over the mature cohorts of the twelve.

    ``first`` and ``last`` are the oldest and latest mature cohorts'
    conversion (their ``period`` is the cohort); ``cohorts`` how many mature
    cohorts the trend holds; ``direction`` "up" or "down" when the Cochran-Armitage
    test over all of them says so at 95% (``significant``) and the two ends moved
    that way, else "flat".
    """

    direction: Literal["up", "down", "flat"]
    first: Fact
    last: Fact
    cohorts: Fact
    significant: bool


def _month_index(day: pd.Timestamp) -> int:
    return day.year * 12 + day.month - 1


def trend_periods(period: str, as_of: pd.Timestamp) -> int:
    """How many cohorts up to as_of's month hold the twelve up to *period*: a past
    period's trend ends with it, not at as_of, and each cohort is still judged mature or
    not at as_of.

    Examples
    --------
    >>> trend_periods("2026-10", pd.Timestamp("2026-10-15")), trend_periods("2025-08", pd.Timestamp("2026-10-31"))
    (12, 26)
    """
    return TREND_COHORTS + max(0, _month_index(as_of) - _month_index(pd.Timestamp(period)))


def up_to(trend: pd.DataFrame, period: str) -> pd.DataFrame:
    """The last :data:`TREND_COHORTS` cohorts of *trend* up to *period*."""
    if not len(trend):
        return trend
    return trend[trend["cohort"] <= period].tail(TREND_COHORTS).reset_index(drop=True)


def trend_fact(row: pd.Series) -> Fact:
    """The conversion of one cohort row of a funnel trend, as a fact."""
    src = f"funnel_trend[cohort={row['cohort']}]"
    return fact(row["overall_conversion"], "rate", "observed", str(row["cohort"]), src)


def verdict(trend: pd.DataFrame) -> TrendVerdict | None:
    """The trend of the mature cohorts of *trend* (Cochran-Armitage test over all of
    them, not the first against the last); None with fewer than two. It is stated
    between the first and the latest mature cohort."""
    ripe = trend[~trend["immature"].astype(bool)] if len(trend) else trend
    if len(ripe) < 2:
        return None
    a, b = ripe.iloc[0], ripe.iloc[-1]
    z = trend_z(ripe["converted"].tolist(), ripe["leads"].tolist())
    significant = bool(abs(z) > Z95) if z == z else False
    direction: Literal["up", "down", "flat"] = "flat"
    if significant:
        direction = "up" if z > 0 else "down"
        # the ends quoted must move the way the trend does, or no direction is claimed
        moved = b["overall_conversion"] - a["overall_conversion"]
        if (moved > 0) != (z > 0) or moved == 0:
            direction, significant = "flat", False
    n = fact(len(ripe), "count", "observed", str(b["cohort"]), "funnel_trend[mature cohorts]")
    return TrendVerdict(direction, trend_fact(a), trend_fact(b), n, significant)
