"""Charts of the lead funnel: stages, conversion by source, trend over cohorts.

Each chart draws a frame of :class:`~kpilib.sections.funnel.FunnelSection` and
titles it with the section's facts (the cohort it shows, the finding); without
those facts (a KPI frame drawn in a notebook) the title names the cohort only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from kpilib.charts._base import (
    GREY,
    OKABE_ITO,
    FrameInput,
    empty,
    finish,
    fmt_or_default,
    new_axes,
    percent_axis,
    styled,
)
from kpilib.sections.funnel import Leak, SourceRate, TrendVerdict
from kpilib.sections.model import Fact
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text, name_text

__all__ = ["funnel_stages", "source_conversion", "conversion_trend"]


def _cohort(cohort: str, immature: bool, fmt: Formatter) -> str:
    key = "immature" if immature else "mature"
    return phrase(f"funnel.chart.cohort.{key}", fmt.lang, month=fmt.month(cohort))


# fmt: off
_STAGES = FrameInput("funnel_stages", "frame", ("stage", "reached", "lost", "step_conversion"),
                     "kpilib.funnel(leads, period=...)", "report.funnel.current")
# fmt: on


@styled
def funnel_stages(
    frame: pd.DataFrame,
    *,
    cohort: str,
    immature: bool = False,
    leak: Leak | None = None,
    fmt: Formatter | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Leads reaching each stage (bars), step conversion and leads lost after each stage.

    *frame* is a :func:`kpilib.kpis.funnel.funnel` frame (no *by*) of the lead
    cohort *cohort*; the title names the cohort, mature or *immature*, and
    states *leak* (the section's biggest leak) when given.
    """
    fmt = fmt_or_default(fmt)
    _STAGES.check(frame)
    ax = new_axes(ax, height=1.9)
    head = _cohort(cohort, immature, fmt)
    if frame is None or not len(frame) or frame["reached"].iloc[0] == 0:
        return empty(ax, fmt, "no_leads", head)
    frame = frame.reset_index(drop=True)
    y = np.arange(len(frame))[::-1]
    kept = frame["reached"] - frame["lost"]
    ax.barh(
        y, kept, color=OKABE_ITO["blue"], height=0.6, label=phrase("chart.funnel.kept", fmt.lang)
    )
    ax.barh(
        y,
        frame["lost"],
        left=kept,
        color=OKABE_ITO["orange"],
        height=0.6,
        label=phrase("chart.funnel.lost", fmt.lang),
    )
    ax.legend(loc="lower right")
    top = float(frame["reached"].iloc[0])
    for i, yi in enumerate(y):
        text = fmt.number(frame["reached"].iloc[i])
        if i > 0:
            step = fmt.percent(frame["step_conversion"].iloc[i], 1)
            text += "  · " + phrase("chart.funnel.step", fmt.lang, conv=step)
        ax.text(frame["reached"].iloc[i] + top * 0.01, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, [name_text("stage", s, fmt) for s in frame["stage"]])
    ax.set_xlim(0, top * 1.45)
    ax.xaxis.set_major_formatter(lambda v, _: fmt.number(v))
    ax.set_xlabel(phrase("chart.funnel.x", fmt.lang, month=fmt.month(cohort)))
    ax.grid(axis="y", visible=False)
    if leak is None:
        return finish(ax, phrase("funnel.chart.stages.none", fmt.lang, cohort=head))
    title = phrase(
        "funnel.chart.stages",
        fmt.lang,
        cohort=head,
        a=name_text("stage", leak.stage, fmt),
        b=name_text("stage", leak.next_stage, fmt),
        share=fact_text(leak.share, fmt),
    )
    return finish(ax, title)


# fmt: off
_SOURCES = FrameInput("source_conversion", "by_source",
                      ("source", "leads", "overall_conversion", "ci_low", "ci_high"),
                      'kpilib.funnel_trend(leads, by="source", periods=1)', "report.funnel.by_source")
# fmt: on


@styled
def source_conversion(
    by_source: pd.DataFrame,
    *,
    cohort: str,
    immature: bool = False,
    best: SourceRate | None = None,
    worst: SourceRate | None = None,
    differ: bool | None = None,
    fmt: Formatter | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Lead-to-sale conversion per source with its 95% interval, best at the top.

    *by_source* has one row per source: source, leads, converted,
    overall_conversion, ci_low, ci_high (one cohort of
    :func:`kpilib.kpis.funnel.funnel_trend` by source). The title names the
    cohort and states the section's *best* and *worst* sources and whether they
    *differ* beyond chance, when given.
    """
    fmt = fmt_or_default(fmt)
    _SOURCES.check(by_source)
    ax = new_axes(ax, height=2.1)
    head = _cohort(cohort, immature, fmt)
    rows = by_source.dropna(subset=["overall_conversion"]) if by_source is not None else None
    if rows is None or not len(rows):
        return empty(ax, fmt, "no_leads", head)
    rows = rows.sort_values("overall_conversion").reset_index(drop=True)
    y = np.arange(len(rows))
    conv = rows["overall_conversion"].to_numpy(dtype="float64")
    low = rows["ci_low"].to_numpy(dtype="float64")
    high = rows["ci_high"].to_numpy(dtype="float64")
    err = np.clip(np.vstack([conv - low, high - conv]), 0, None)
    ax.errorbar(
        conv, y, xerr=err, fmt="o", color=OKABE_ITO["blue"], ecolor=GREY, elinewidth=2, capsize=3
    )
    for i, yi in enumerate(y):
        shown = f"  {fmt.percent(conv[i], 1)}  (n = {fmt.number(rows['leads'].iloc[i])})"
        ax.text(high[i], yi, shown, va="center", fontsize=8)
    ax.set_yticks(y, [fmt.label(s, "source") for s in rows["source"]])
    ax.set_xlim(0, float(np.nanmax(high)) * 1.45)
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.sources.x", fmt.lang, month=fmt.month(cohort)))
    if best is None or worst is None:
        return finish(ax, phrase("funnel.chart.sources.none", fmt.lang, cohort=head))
    title = phrase(
        f"funnel.chart.sources.{'differ' if differ else 'noise'}",
        fmt.lang,
        cohort=head,
        best=name_text("source", best.source, fmt),
        worst=name_text("source", worst.source, fmt),
        best_conv=fact_text(best.conversion, fmt, 1),
        worst_conv=fact_text(worst.conversion, fmt, 1),
    )
    return finish(ax, title)


# fmt: off
_TREND = FrameInput("conversion_trend", "trend",
                    ("cohort", "overall_conversion", "ci_low", "ci_high", "immature"),
                    "kpilib.funnel_trend(leads)", "report.funnel.trend")
# fmt: on


@styled
def conversion_trend(
    trend: pd.DataFrame,
    *,
    verdict: TrendVerdict | None = None,
    window: Fact | None = None,
    fmt: Formatter | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Lead-to-sale conversion of the last monthly cohorts; immature ones drawn apart.

    Mature cohorts are a solid line with their 95% band; immature cohorts
    (younger than the conversion *window*, their conversion still rising) a
    separate light dashed segment with hollow markers on a shaded stretch,
    never joined to the mature line. The title states the section's *verdict*
    over mature cohorts.
    """
    fmt = fmt_or_default(fmt)
    _TREND.check(trend)
    ax = new_axes(ax, height=2.3)
    if trend is None or not len(trend):
        return empty(ax, fmt, "no_leads", phrase("chart.trend.y", fmt.lang))
    trend = trend.reset_index(drop=True)
    x = np.arange(len(trend))
    conv = trend["overall_conversion"].to_numpy(dtype="float64")
    young = trend["immature"].astype(bool).to_numpy()
    ripe = ~young
    ax.fill_between(
        x[ripe],
        trend["ci_low"].to_numpy(dtype="float64")[ripe],
        trend["ci_high"].to_numpy(dtype="float64")[ripe],
        color=OKABE_ITO["sky"],
        alpha=0.3,
        linewidth=0,
        label=phrase("chart.trend.ci", fmt.lang),
    )
    ax.plot(
        x[ripe],
        conv[ripe],
        "-o",
        color=OKABE_ITO["blue"],
        linewidth=1.6,
        label=phrase("funnel.chart.trend.mature", fmt.lang),
    )
    if young.any():
        ax.axvspan(x[young].min() - 0.5, x[young].max() + 0.5, color=GREY, alpha=0.08, lw=0)
        legend = (
            phrase("funnel.chart.trend.immature", fmt.lang, n=fact_text(window, fmt))
            if window is not None and window.known
            else phrase("funnel.chart.trend.immature.any", fmt.lang)
        )
        ax.plot(
            x[young],
            conv[young],
            "--o",
            color=OKABE_ITO["sky"],
            linewidth=1.2,
            markerfacecolor="white",
            markeredgecolor=OKABE_ITO["sky"],
            label=legend,
        )
    step = max(1, -(-len(trend) // 7))  # at most 7 labels: readable on A4
    ax.set_xticks(x[::step], [fmt.month_short(c) for c in trend["cohort"][::step]])
    ax.set_xlim(-0.5, len(trend) - 0.5)
    percent_axis(ax.yaxis, fmt, 1)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(phrase("chart.trend.y", fmt.lang))
    ax.set_xlabel(phrase("chart.trend.x", fmt.lang))
    ax.legend(loc="lower left", fontsize=7.5)
    if verdict is None:
        return finish(ax, phrase("funnel.chart.trend.few", fmt.lang))
    title = phrase(
        f"funnel.chart.trend.{verdict.direction}",
        fmt.lang,
        first=fact_text(verdict.first, fmt, 1),
        last=fact_text(verdict.last, fmt, 1),
        n=fact_text(verdict.cohorts, fmt),
        m1=fmt.month(str(verdict.first.period)),
        m2=fmt.month(str(verdict.last.period)),
    )
    return finish(ax, title)
