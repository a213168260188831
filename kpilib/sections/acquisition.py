"""The acquisition and value section: CAC, cost mix, channels, payback, LTV:CAC, projected value.

:func:`build_acquisition` computes, once, every figure the acquisition-and-value
page states, as :class:`~kpilib.sections.model.Fact` values, and the KPI frames
its charts draw. An open month's CAC is month-to-date: the month's booked costs
over the customers won so far. It is never compared with closed months (no
change, no finding), since the costs of a month are booked whole while its
customers still come in (docs/kpis.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period, resolve_as_of
from kpilib.data.schema import COST_CATEGORIES as SCHEMA_CATEGORIES
from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.value import cohort_value
from kpilib.sections.ltv import LTV_HORIZON, curve_cohorts, ltv_cohort, value_facts
from kpilib.sections.model import Basis, Fact, Finding, fact, missing
from kpilib.sections.projection import Projection, build_projection
from kpilib.sections.retention import RetentionSection, build_retention

__all__ = [
    "AcquisitionSection",
    "build_acquisition",
    "ltv_cohort",
    "LTV_HORIZON",
    "COST_CATEGORIES",
]

COST_CATEGORIES = (*SCHEMA_CATEGORIES, "other")


@dataclass
class AcquisitionSection:
    """Every fact of the acquisition-and-value page, and the frames its charts draw.

    CAC facts are of *period* (basis "actual" for a closed month,
    "month_to_date" for an open one); ``previous_*`` of the month before.
    ``cac_change`` is None unless both months are closed and known.
    ``cost_shares`` holds each cost category's share of the period's cost
    (``top_category`` the largest); ``channel_cac`` each channel's CAC
    (``highest_channel``, ``lowest_channel``). Payback and LTV:CAC are read on
    the cohort ``ltv_cohort``: acquired ``ltv_months`` (12) months before the
    period, or the oldest cohort when the data is younger; ``payback`` is NaN
    while that cohort has not covered its CAC (``payback_observed`` months
    observed so far). ``channel_ltv_to_cac`` holds the cohort's LTV:CAC per
    channel at the same month; ``channels_below`` of ``channels_rated`` fall
    below ``ltv_to_cac_min``. Frames: ``cac_frame`` (:func:`kpilib.cac`, every
    month), ``payback_frame`` and ``payback_by_channel`` (:func:`kpilib.payback`),
    ``cohort_value_frame`` (:func:`kpilib.cohort_value`), ``ltv_by_channel``
    (channel, cac, clv, ltv_to_cac of ``ltv_cohort``) and ``curve_cohorts``
    (the cohorts the value chart draws, oldest first). ``retention``: retention
    after a year and the customer lifetime. ``missing`` names the tables the
    page lacks ("costs", "orders").
    """

    period: str
    previous_period: str
    as_of: pd.Timestamp
    month_to_date: bool
    cac: Fact
    cost: Fact
    new_customers: Fact
    previous_cac: Fact | None
    previous_cost: Fact | None
    previous_new_customers: Fact | None
    cac_change: Fact | None
    ltv_to_cac: Fact
    previous_ltv_to_cac: Fact | None
    ltv_months: int
    payback: Fact
    previous_payback: Fact | None
    ltv_cohort: str | None = None
    payback_observed: Fact | None = None
    cohort_cac: Fact | None = None
    ltv_to_cac_min: Fact | None = None
    payback_max: Fact | None = None
    cost_shares: dict[str, Fact] = field(default_factory=dict)
    top_category: str | None = None
    channel_cac: dict[str, Fact] = field(default_factory=dict)
    highest_channel: str | None = None
    lowest_channel: str | None = None
    channel_ltv_to_cac: dict[str, Fact] = field(default_factory=dict)
    channels_below: Fact | None = None
    channels_rated: Fact | None = None
    projection: Projection = field(default_factory=Projection)
    retention: RetentionSection | None = None
    cac_frame: pd.DataFrame | None = None
    payback_frame: pd.DataFrame | None = None
    payback_by_channel: pd.DataFrame | None = None
    cohort_value_frame: pd.DataFrame | None = None
    ltv_by_channel: pd.DataFrame | None = None
    curve_cohorts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ltv_mature(self) -> bool:
        """Whether the cohort read is :data:`LTV_HORIZON` months old: before, its observed
        value is still growing, and neither a finding nor the tile's colour rests on it."""
        return self.ltv_months >= LTV_HORIZON


def _blended(frame: pd.DataFrame | None, period: str) -> pd.Series | None:
    if frame is None or not len(frame):
        return None
    rows = frame[frame["channel"].isna() & (frame["period"] == period)]
    return rows.iloc[0] if len(rows) else None


def _cac_facts(row: pd.Series | None, period: str, basis: Basis) -> tuple[Fact, Fact, Fact]:
    src = f"cac[period={period}, channel=blended]"
    if row is None:
        return tuple(missing(u, basis, period, src) for u in ("money", "money", "count"))  # type: ignore[return-value]
    return (
        fact(row["cac"], "money", basis, period, src),
        fact(row["cost"], "money", basis, period, f"{src}.cost"),
        fact(row["new_customers"], "count", basis, period, f"{src}.new_customers"),
    )


def build_acquisition(dataset: Dataset, *, period: str, as_of: Any = None) -> AcquisitionSection:
    """Compute the acquisition-and-value page of *period* as seen on *as_of*.

    *as_of* defaults to the latest date in the data. See :class:`AcquisitionSection`.
    A period that is not a month ("2026-Q4") is refused with a
    :class:`~kpilib.errors.ParameterError`.
    """
    s = dataset.settings
    day = resolve_as_of(as_of, dataset.as_of)
    span = parse_period(period, fiscal_year_start=s.fiscal_year_start)
    if span.months != 1:
        raise ParameterError(
            f"period {period!r} is not a month. The acquisition section reads monthly CAC "
            "and monthly cohorts: write the period as YYYY-MM, e.g. 2026-10."
        )
    prev = span.shift(-1).label
    open_month = day < span.end - dt.timedelta(days=1)
    basis: Basis = "month_to_date" if open_month else "actual"
    leads, orders = dataset.leads, dataset.orders
    missing_tables = [t for t in ("costs", "orders") if not F.has_rows(getattr(dataset, t))]

    cac_frame = None
    if "costs" not in missing_tables:
        # with kpi.toml's allocation of shared costs and lag ([cac]): ds.cac(as_of=day)
        cac_frame = F.to_pandas(dataset.cac(as_of=day))
    now = _blended(cac_frame, period)
    before = _blended(cac_frame, prev)
    cac_now, cost_now, new_now = _cac_facts(now, period, basis)
    prev_facts = _cac_facts(before, prev, "actual") if before is not None else (None, None, None)
    change = None
    if not open_month and prev_facts[0] is not None and cac_now.known and prev_facts[0].known:
        if prev_facts[0].value > 0:
            change = fact(
                cac_now.value / prev_facts[0].value - 1,
                "change",
                "actual",
                period,
                f"cac[period={period}] / cac[period={prev}] - 1",
            )
    out = AcquisitionSection(
        period=period,
        previous_period=prev,
        as_of=pd.Timestamp(day),
        month_to_date=bool(open_month),
        cac=cac_now,
        cost=cost_now,
        new_customers=new_now,
        previous_cac=prev_facts[0],
        previous_cost=prev_facts[1],
        previous_new_customers=prev_facts[2],
        cac_change=change,
        ltv_to_cac=missing("ratio", "observed", None, "payback"),
        previous_ltv_to_cac=None,
        ltv_months=0,
        payback=missing("months", "observed", None, "payback"),
        previous_payback=None,
        cac_frame=cac_frame,
        missing=missing_tables,
    )
    out.payback_max = fact(
        s.payback_max_months, "months", "target", None, "kpi.toml value.payback_max_months"
    )
    out.ltv_to_cac_min = fact(
        s.ltv_to_cac_min, "ratio", "target", None, "kpi.toml value.ltv_to_cac_min"
    )
    if now is not None and now["cost"] > 0:
        for c in COST_CATEGORIES:
            if f"cost_{c}" in now and now[f"cost_{c}"] > 0:
                out.cost_shares[c] = fact(
                    now[f"cost_{c}"] / now["cost"],
                    "rate",
                    basis,
                    period,
                    f"cac[period={period}, channel=blended].cost_{c} / cost",
                )
        if out.cost_shares:
            out.top_category = max(out.cost_shares, key=lambda c: out.cost_shares[c].value)
    if cac_frame is not None:
        rows = cac_frame[(cac_frame["period"] == period) & cac_frame["channel"].notna()]
        rows = rows.dropna(subset=["cac"]).sort_values("channel")
        for channel, value in zip(rows["channel"].astype(str), rows["cac"], strict=True):
            out.channel_cac[channel] = fact(
                value, "money", basis, period, f"cac[period={period}, channel={channel}]"
            )
        if out.channel_cac:
            values = {k: v.value for k, v in out.channel_cac.items()}
            out.highest_channel = max(values, key=lambda k: values[k])
            out.lowest_channel = min(values, key=lambda k: values[k])
    if "orders" not in missing_tables:
        out.cohort_value_frame = F.to_pandas(cohort_value(leads, orders, as_of=day))
        out.curve_cohorts = curve_cohorts(out.cohort_value_frame, period, None)
        if "costs" not in missing_tables:
            value_facts(out, dataset, day)
    out.projection = build_projection(dataset, period=period, as_of=day, cohort=out.ltv_cohort)
    out.retention = build_retention(dataset, period=period, as_of=day, projection=out.projection)
    out.findings = _findings(out)
    return out


def _findings(out: AcquisitionSection) -> list[Finding]:
    """Candidate findings for page 1: the CAC change (closed months only), the
    costliest channel, the channel furthest below the LTV:CAC line."""
    found: list[Finding] = []
    month = {"month": f"month:{out.period}"}
    change = out.cac_change
    if change is not None and change.value != 0 and out.previous_new_customers is not None:
        size = fact(abs(change.value), "rate", "actual", out.period, f"abs({change.source})")
        key = "acq.find.cac_up" if change.value > 0 else "acq.find.cac_down"
        facts = {
            "change": size,
            "cac": out.cac,
            "n0": out.previous_new_customers,
            "n1": out.new_customers,
        }
        names = {**month, "prev": f"month:{out.previous_period}"}
        found.append(Finding("acquisition", abs(change.value), key, facts, names))
    if len(out.channel_cac) >= 2 and out.highest_channel and out.cac.known and out.cac.value > 0:
        high = out.channel_cac[out.highest_channel]
        times = fact(
            high.value / out.cac.value,
            "count",
            high.basis,
            out.period,
            f"{high.source} / {out.cac.source}",
        )
        key = "acq.find.channel.mtd" if out.month_to_date else "acq.find.channel"
        found.append(
            Finding(
                "acquisition",
                (times.value - 1) / 4,
                key,
                {"cac": high, "times": times, "blended": out.cac},
                {"Channel": f"channel:{out.highest_channel}", **month},
                {"times": 1},
            )
        )
    minimum = out.ltv_to_cac_min
    if (
        out.ltv_mature
        and out.channel_ltv_to_cac
        and minimum is not None
        and out.ltv_cohort is not None
    ):
        channel = min(out.channel_ltv_to_cac, key=lambda c: out.channel_ltv_to_cac[c].value)
        low = out.channel_ltv_to_cac[channel]
        if low.value < minimum.value:
            months = fact(out.ltv_months, "months", "observed", out.ltv_cohort, "ltv_months")
            found.append(
                Finding(
                    "acquisition",
                    1 - low.value / minimum.value,
                    "acq.find.ltv_low",
                    {"ratio": low, "months": months, "min": minimum},
                    {"Channel": f"channel:{channel}", "cohort": f"month:{out.ltv_cohort}"},
                )
            )
    # scores only order the findings: rounded, the engines' last-digit differences vanish
    return [replace(f, score=round(f.score, 9)) for f in found]
