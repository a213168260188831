"""The funnel section: lead cohorts, their conversion and leaks, censoring-safe.

Computed once from the dataset's funnel tables (``dataset.funnel`` and
``dataset.funnel_trend``, with its conversion window: configured in kpi.toml,
else derived from the data). A cohort younger than the window at as_of is
*immature*: its conversion will still rise. The page's figures about
conversion, sources and leaks are read on the latest *mature* cohort, and the
trend's verdict on mature cohorts only: no finding rests on an immature
cohort.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.methods import ConversionWindow
from kpilib.engine import frames as F
from kpilib.kpis.leakage import lost_value
from kpilib.kpis.significance import differs
from kpilib.sections.model import Fact, Finding, fact, missing
from kpilib.sections.trend import TrendVerdict, trend_fact, trend_periods, up_to
from kpilib.sections.trend import verdict as trend_verdict

__all__ = [
    "FunnelSection",
    "Leak",
    "SourceRate",
    "TrendVerdict",
    "build_funnel",
    "TREND_SCORE",
    "SOURCES_SCORE",
]

TREND_SCORE = 0.8
"""Score of a trend finding (beyond chance, over two mature cohorts or more)."""
SOURCES_SCORE = 0.5
"""Score of a best/worst source gap beyond chance."""


@dataclass(frozen=True)
class SourceRate:
    """Lead-to-sale conversion of one source in the shown cohort, with its 95% interval."""

    source: str
    conversion: Fact
    ci_low: Fact
    ci_high: Fact
    leads: Fact
    converted: Fact


@dataclass(frozen=True)
class Leak:
    """The stage pair that loses the most leads in the shown cohort.

    ``lost`` leads reached *stage* but not *next_stage*; ``share`` is their part
    of all the cohort's lost leads.
    """

    stage: str
    next_stage: str
    lost: Fact
    share: Fact


@dataclass
class FunnelSection:
    """What the funnel page states.

    - ``window`` (days; unknown without a window) and ``window_derived``
      (read from the data, not set in kpi.toml: ``window_share`` of the sales,
      90%, closed within it; None when configured);
    - the period's own lead cohort: ``current`` (its funnel), ``leads``,
      ``sales``, ``current_conversion`` and ``current_immature``;
    - the cohort shown: ``cohort``, the latest mature cohort up to the period
      (the period itself, immature, when no cohort is mature:
      ``conversion_immature``); ``conversion`` its lead-to-sale conversion,
      ``previous_conversion`` that of the mature cohort before it and
      ``conversion_significant`` whether they differ beyond chance;
      ``mature`` its funnel with ``mature_leads`` and ``mature_sales``;
      ``leak`` its biggest leak;
    - ``by_source`` its conversion per source with 95% intervals, ``best`` and
      ``worst`` sources, ``sources_differ`` (beyond chance);
    - ``lost`` the value lost per source and stage
      (:func:`kpilib.kpis.leakage.lost_value`), with
      the source and the stage that lose the most (``lost_source``,
      ``lost_stage`` and their values);
    - ``trend`` the last 12 cohorts (``immature`` per cohort),
      ``immature_cohorts``, and ``verdict`` over its mature cohorts;
    - ``findings`` for page 1, family "funnel".
    """

    period: str
    as_of: pd.Timestamp
    window: Fact
    window_derived: bool
    window_share: Fact | None
    current: pd.DataFrame
    current_immature: bool
    leads: Fact
    sales: Fact
    current_conversion: Fact
    cohort: str
    conversion: Fact
    previous_conversion: Fact | None
    conversion_significant: bool | None
    conversion_immature: bool
    mature: pd.DataFrame
    mature_leads: Fact
    mature_sales: Fact
    leak: Leak | None
    by_source: pd.DataFrame
    best: SourceRate | None
    worst: SourceRate | None
    sources_differ: bool | None
    lost: pd.DataFrame
    lost_source: str | None
    lost_source_value: Fact | None
    lost_stage: str | None
    lost_stage_value: Fact | None
    trend: pd.DataFrame
    immature_cohorts: list[str]
    verdict: TrendVerdict | None
    findings: list[Finding] = field(default_factory=list)


def _window_fact(window: ConversionWindow, day: pd.Timestamp) -> Fact:
    if window.days is None:
        return missing("days", "observed", None, "conversion_window[no sale]")
    if window.derived:
        src = f"conversion_window[quantile={window.quantile}, as_of={day:%Y-%m-%d}]"
        return fact(window.days, "days", "observed", None, src)
    return fact(window.days, "days", "actual", None, "kpi.toml[funnel.conversion_window_days]")


def _window_share(window: ConversionWindow) -> Fact | None:
    if not window.derived:
        return None
    return fact(
        window.quantile, "rate", "observed", None, f"conversion_window[quantile={window.quantile}]"
    )


def _cohort_facts(frame: pd.DataFrame, cohort: str) -> tuple[Fact, Fact, Fact]:
    """Leads, sales and lead-to-sale conversion of a funnel frame (no *by*)."""
    src = f"funnel[period={cohort}, stage={{}}]"
    if frame is None or not len(frame):
        return (
            fact(0, "count", "observed", cohort, src.format("lead")),
            fact(0, "count", "observed", cohort, src.format("sale")),
            missing("rate", "observed", cohort, src.format("sale")),
        )
    first, last = frame.iloc[0], frame.iloc[-1]
    return (
        fact(first["reached"], "count", "observed", cohort, src.format(first["stage"])),
        fact(last["reached"], "count", "observed", cohort, src.format(last["stage"])),
        fact(last["overall_conversion"], "rate", "observed", cohort, src.format(last["stage"])),
    )


def _source_rate(row: pd.Series, cohort: str) -> SourceRate:
    src = f"funnel_trend[cohort={cohort}, source={row['source']}]"

    def one(col: str, unit: Any) -> Fact:
        return fact(row[col], unit, "observed", cohort, src)

    return SourceRate(
        source=str(row["source"]),
        conversion=one("overall_conversion", "rate"),
        ci_low=one("ci_low", "rate"),
        ci_high=one("ci_high", "rate"),
        leads=one("leads", "count"),
        converted=one("converted", "count"),
    )


def _leak(frame: pd.DataFrame, cohort: str) -> Leak | None:
    """The stage that loses the most leads to the next (first such stage on a tie)."""
    if frame is None or len(frame) < 2 or frame["lost"].sum() <= 0:
        return None
    i = int(frame["lost"].to_numpy().argmax())
    stage, following = str(frame["stage"].iloc[i]), str(frame["stage"].iloc[i + 1])
    src = f"funnel[period={cohort}, stage={stage}]"
    return Leak(
        stage=stage,
        next_stage=following,
        lost=fact(frame["lost"].iloc[i], "count", "observed", cohort, src),
        share=fact(frame["lost_share"].iloc[i], "rate", "observed", cohort, src),
    )


def _top(lost: pd.DataFrame, col: str, cohort: str) -> tuple[str | None, Fact | None]:
    """The *col* value (source or stage) that loses the most value, and that value."""
    if not len(lost) or lost["lost_value"].sum() <= 0:
        return None, None
    per = lost.groupby(col, sort=col == "source")["lost_value"].sum()
    name = str(per.idxmax())
    src = f"lost_value[period={cohort}, {col}={name}]"
    return name, fact(per.max(), "money", "modelled", cohort, src)


def build_funnel(dataset: Dataset, *, period: str, as_of: pd.Timestamp) -> FunnelSection:
    """The funnel section of *period* as seen on *as_of*.

    Reads ``dataset.funnel`` and ``dataset.funnel_trend`` (the dataset's
    conversion window, stages and fiscal year): the period's cohort, the last
    12 monthly cohorts, the latest mature cohort up to the period (and its
    funnel and sources), and the lost value of that cohort.

    Parameters
    ----------
    dataset
        A loaded or scanned dataset.
    period
        The month reported, "YYYY-MM".
    as_of
        The day the data is seen on.

    Returns
    -------
    FunnelSection
        Its facts, frames and candidate findings.

    Examples
    --------
    >>> from kpilib.data.load import load_dataset
    >>> section = build_funnel(load_dataset("data/sample"), period="2026-10",
    ...                        as_of=pd.Timestamp("2026-10-31"))
    >>> section.cohort, section.mature_sales.value, section.window.value
    ('2026-07', 118.0, 90.0)
    """
    day = pd.Timestamp(as_of).normalize()
    window = dataset.conversion_window(as_of=day)
    current = F.to_pandas(dataset.funnel(period=period, as_of=day))
    periods = trend_periods(period, day)
    trend = up_to(F.to_pandas(dataset.funnel_trend(periods=periods, as_of=day)), period)
    leads, sales, current_conv = _cohort_facts(current, period)
    current_immature = bool(len(current) and current["immature"].iloc[0])

    upto = trend[trend["cohort"] <= period] if len(trend) else trend
    ripe = upto[~upto["immature"].astype(bool)] if len(upto) else upto
    previous, significant = None, None
    if len(ripe):
        shown = ripe.iloc[-1]
        cohort, immature = str(shown["cohort"]), False
        conversion = trend_fact(shown)
        if len(ripe) >= 2:
            before = ripe.iloc[-2]
            previous = trend_fact(before)
            significant = differs(
                before["converted"], before["leads"], shown["converted"], shown["leads"]
            )
    else:
        # no mature cohort: the period's own cohort, said to be immature when it is
        cohort, immature, conversion = period, current_immature, current_conv
    mature = current if cohort == period else F.to_pandas(dataset.funnel(period=cohort, as_of=day))
    mature_leads, mature_sales, _ = _cohort_facts(mature, cohort)

    by_source = F.to_pandas(dataset.funnel_trend(by="source", periods=periods, as_of=day))
    by_source = by_source[by_source["cohort"] == cohort].reset_index(drop=True)
    rated = by_source.dropna(subset=["overall_conversion"])
    best = worst = None
    differ = None
    if len(rated) >= 2:
        top = rated.loc[rated["overall_conversion"].idxmax()]
        bottom = rated.loc[rated["overall_conversion"].idxmin()]
        best, worst = _source_rate(top, cohort), _source_rate(bottom, cohort)
        differ = differs(top["converted"], top["leads"], bottom["converted"], bottom["leads"])

    per_source = F.to_pandas(dataset.funnel(period=cohort, by="source", as_of=day))
    lost = lost_value(per_source, dataset.leads)
    lost_source, lost_source_value = _top(lost, "source", cohort)
    lost_stage, lost_stage_value = _top(lost, "stage", cohort)

    section = FunnelSection(
        period=period,
        as_of=day,
        window=_window_fact(window, day),
        window_derived=window.derived,
        window_share=_window_share(window),
        current=current,
        current_immature=current_immature,
        leads=leads,
        sales=sales,
        current_conversion=current_conv,
        cohort=cohort,
        conversion=conversion,
        previous_conversion=previous,
        conversion_significant=significant,
        conversion_immature=immature,
        mature=mature,
        mature_leads=mature_leads,
        mature_sales=mature_sales,
        leak=_leak(mature, cohort),
        by_source=by_source,
        best=best,
        worst=worst,
        sources_differ=differ,
        lost=lost,
        lost_source=lost_source,
        lost_source_value=lost_source_value,
        lost_stage=lost_stage,
        lost_stage_value=lost_stage_value,
        trend=trend,
        immature_cohorts=[str(c) for c in trend.loc[trend["immature"].astype(bool), "cohort"]]
        if len(trend)
        else [],
        verdict=trend_verdict(trend),
    )
    section.findings = findings(section)
    return section


def findings(section: FunnelSection) -> list[Finding]:
    """Candidate findings of the funnel page, none resting on an immature cohort.

    - the trend, when it rests on two mature cohorts or more and is beyond
      chance (score 0.8);
    - the best against the worst source of the shown cohort, when they differ
      beyond chance (score 0.5);
    - the biggest leak of the shown cohort (score: its share of losses ÷ 3).

    The shown cohort counts only when mature.
    """
    out: list[Finding] = []
    v = section.verdict
    if v is not None and v.significant and v.cohorts.value >= 2:
        out.append(
            Finding(
                "funnel",
                TREND_SCORE,
                f"find.fun.trend.{v.direction}",
                {"first": v.first, "last": v.last, "n": v.cohorts},
                {"m1": f"month:{v.first.period}", "m2": f"month:{v.last.period}"},
                {"first": 1, "last": 1},
            )
        )
    if section.conversion_immature:
        return out
    month = f"month:{section.cohort}"
    if section.sources_differ and section.best is not None and section.worst is not None:
        b, w = section.best, section.worst
        out.append(
            Finding(
                "funnel",
                SOURCES_SCORE,
                "find.fun.sources",
                {"best": b.conversion, "worst": w.conversion},
                {
                    "best_name": f"source:{b.source}",
                    "worst_name": f"source:{w.source}",
                    "month": month,
                },
                {"best": 1, "worst": 1},
            )
        )
    leak = section.leak
    if leak is not None and leak.share.known:
        out.append(
            Finding(
                "funnel",
                leak.share.value / 3,
                "find.fun.leak",
                {"share": leak.share, "lost": leak.lost},
                {"a": f"stage:{leak.stage}", "b": f"stage:{leak.next_stage}", "month": month},
            )
        )
    return out
