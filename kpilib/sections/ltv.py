"""Payback and LTV:CAC of the cohort the acquisition page reads, blended and per channel.

:func:`ltv_cohort` chooses the cohort and after how many months it is read;
:func:`value_facts` fills the acquisition section's payback and LTV:CAC facts
from the payback and cohort-value tables (:mod:`kpilib.sections.acquisition`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period
from kpilib.engine import frames as F
from kpilib.kpis.tables import dataset_payback
from kpilib.kpis.value import cohort_value
from kpilib.sections.model import Basis, Fact, Unit, fact

if TYPE_CHECKING:
    from kpilib.sections.acquisition import AcquisitionSection

__all__ = ["LTV_HORIZON", "ltv_cohort", "curve_cohorts", "value_facts"]

LTV_HORIZON = 12
"""Months after acquisition at which payback and LTV:CAC are read (or the history there is)."""


def _months_between(first: str, last: str) -> int:
    a, b = parse_period(first), parse_period(last)
    return b.last_month - a.last_month


def ltv_cohort(
    cohorts: Any, period: str, *, horizon: int = LTV_HORIZON, as_of: str | None = None
) -> tuple[str | None, int]:
    """The cohort payback and LTV:CAC are read on, and after how many months.

    The cohort acquired *horizon* months before *period*, read after *horizon*
    months; when the data starts later, the oldest cohort up to *period*, read
    at its age in *as_of*'s month ("YYYY-MM", default *period*), at most
    *horizon*. None when no cohort is up to *period*.

    Examples
    --------
    >>> ltv_cohort(["2024-10", "2026-10"], "2026-10")
    ('2025-10', 12)
    >>> ltv_cohort(["2026-08", "2026-09", "2026-10"], "2026-10")
    ('2026-08', 2)
    >>> ltv_cohort(["2024-11", "2024-12"], "2024-11")  # the data's first month, seen then
    ('2024-11', 0)
    >>> ltv_cohort(["2024-11", "2024-12"], "2024-11", as_of="2026-10")  # seen 23 months on
    ('2024-11', 12)
    >>> ltv_cohort([], "2026-10")
    (None, 0)
    """
    before = sorted(str(c) for c in cohorts if str(c) <= period)
    if not before:
        return None, 0
    cohort = max(before[0], parse_period(period).shift(-horizon).label)
    age = _months_between(cohort, max(as_of or period, period))
    return cohort, min(horizon, age)


def curve_cohorts(values: pd.DataFrame, period: str, keep: str | None) -> list[str]:
    """Up to 4 cohorts for the value chart: *period*'s and those 6, 12, … months
    before it that have customers, with *keep* (the cohort read) always among them."""
    present = set(values["cohort"])
    span = parse_period(period)
    wanted = [c for c in (span.shift(-6 * k).label for k in range(8)) if c in present][:4]
    if keep is not None and keep in present and keep not in wanted:
        wanted = [*wanted[:3], keep]
    return sorted(wanted)


def _at(values: pd.DataFrame, cohort: str, months: int, **keys: str) -> float:
    """Cumulative margin per customer of *cohort* at *months* (NaN when not observed)."""
    rows = values[(values["cohort"] == cohort) & (values["months_since"] == months)]
    for k, v in keys.items():
        rows = rows[rows[k] == v]
    return float(rows["cumulative_margin_per_customer"].iloc[0]) if len(rows) else math.nan


def _ratio(clv: float, cost: float) -> float:
    return clv / cost if cost == cost and cost > 0 else math.nan


def value_facts(out: AcquisitionSection, dataset: Dataset, day: dt.datetime) -> None:
    """Payback and LTV:CAC of the cohort read, blended and per channel."""
    values = out.cohort_value_frame
    assert values is not None
    paid = dataset_payback(dataset, as_of=day)
    by_channel = dataset_payback(dataset, as_of=day, by="channel")
    out.payback_frame, out.payback_by_channel = paid, by_channel
    cohort, months = ltv_cohort(paid["cohort"], out.period, as_of=f"{day:%Y-%m}")
    out.ltv_cohort, out.ltv_months = cohort, months
    if cohort is None:
        return
    out.curve_cohorts = curve_cohorts(values, out.period, cohort)
    by = paid.set_index("cohort")
    at = f"months_since={months}"

    def cell(c: str, column: str, unit: Unit, basis: Basis) -> Fact:
        value = by.loc[c, column] if c in by.index else math.nan
        return fact(value, unit, basis, c, f"payback[cohort={c}].{column}")

    def read(c: str) -> tuple[Fact, Fact]:
        ratio = _ratio(_at(values, c, months), cell(c, "cac", "money", "actual").value)
        source = f"cohort_value[cohort={c}, {at}] / payback[cohort={c}].cac"
        return (
            fact(ratio, "ratio", "observed", c, source),
            cell(c, "payback_months", "months", "observed"),
        )

    out.ltv_to_cac, out.payback = read(cohort)
    out.cohort_cac = cell(cohort, "cac", "money", "actual")
    out.payback_observed = cell(cohort, "months_observed", "months", "observed")
    before = parse_period(cohort).shift(-1).label
    if before in by.index:
        out.previous_ltv_to_cac, out.previous_payback = read(before)
    # per channel, at the same month: the channel's curve over the channel's CAC
    channel_values = F.to_pandas(
        cohort_value(dataset.leads, dataset.orders, as_of=day, by="channel")
    )
    own = by_channel[by_channel["cohort"] == cohort].sort_values("channel")
    frame = pd.DataFrame({"channel": own["channel"].astype(str), "cac": own["cac"]})
    frame["clv"] = [_at(channel_values, cohort, months, channel=c) for c in frame["channel"]]
    frame["ltv_to_cac"] = frame["clv"] / frame["cac"].where(frame["cac"] > 0)
    out.ltv_by_channel = frame.reset_index(drop=True)
    rated = frame.dropna(subset=["ltv_to_cac"])
    for channel, ratio in zip(rated["channel"], rated["ltv_to_cac"], strict=True):
        out.channel_ltv_to_cac[channel] = fact(
            ratio,
            "ratio",
            "observed",
            cohort,
            f"cohort_value[cohort={cohort}, channel={channel}, {at}] / "
            f"payback[cohort={cohort}, channel={channel}].cac",
        )
    minimum = dataset.settings.ltv_to_cac_min
    below = int((rated["ltv_to_cac"] < minimum).sum())
    where = f"ltv_by_channel[cohort={cohort}]"
    out.channels_below = fact(below, "count", "observed", cohort, f"{where}: ltv_to_cac < min")
    out.channels_rated = fact(len(rated), "count", "observed", cohort, f"{where}: rated")
