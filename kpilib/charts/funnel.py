"""Charts of the lead funnel: stages, conversion by source, trend over cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from kpilib.charts._base import (
    GREY,
    OKABE_ITO,
    empty,
    finish,
    fmt_or_default,
    new_axes,
    percent_axis,
    styled,
)
from kpilib.story.blocks import _cap
from kpilib.story.format import Formatter
from kpilib.story.narrative import differs
from kpilib.story.phrases import phrase

__all__ = ["funnel_stages", "source_conversion", "conversion_trend"]


@styled
def funnel_stages(
    frame: pd.DataFrame, *, cohort: str, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Leads reaching each stage (bars), step conversion and leads lost after each stage."""
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=2.6)
    if frame is None or not len(frame) or frame["reached"].iloc[0] == 0:
        return empty(ax, fmt, "no_leads", phrase("title.funnel", fmt.lang))
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
    for yi, (_, row) in zip(y, frame.iterrows(), strict=True):
        text = fmt.number(row["reached"])
        if row.name > 0:
            text += "  · " + phrase(
                "chart.funnel.step", fmt.lang, conv=fmt.percent(row["step_conversion"], 1)
            )
        ax.text(row["reached"] + top * 0.01, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, [fmt.label(s, "stage") for s in frame["stage"]])
    ax.set_xlim(0, top * 1.45)
    ax.xaxis.set_major_formatter(lambda v, _: fmt.number(v))
    ax.set_xlabel(phrase("chart.funnel.x", fmt.lang, month=fmt.month(cohort)))
    ax.grid(axis="y", visible=False)
    title = phrase("title.funnel", fmt.lang)
    if frame["lost"].sum() > 0:
        i = int(frame["lost"].to_numpy().argmax())
        title = phrase(
            "chart.funnel",
            fmt.lang,
            a=_cap(fmt.label(frame["stage"].iloc[i], "stage")),
            b=fmt.label(frame["stage"].iloc[min(i + 1, len(frame) - 1)], "stage"),
            share=fmt.percent(frame["lost_share"].iloc[i]),
        )
    return finish(ax, title)


@styled
def source_conversion(
    by_source: pd.DataFrame, *, cohort: str, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Lead-to-sale conversion per source with its 95% interval, best at the top.

    *by_source* has one row per source: source, leads, converted,
    overall_conversion, ci_low, ci_high (one cohort of
    :func:`kpilib.kpis.funnel.funnel_trend` by source).
    """
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=2.8)
    rows = by_source.dropna(subset=["overall_conversion"]) if by_source is not None else None
    if rows is None or not len(rows):
        return empty(ax, fmt, "no_leads", phrase("tile.conversion", fmt.lang))
    rows = rows.sort_values("overall_conversion").reset_index(drop=True)
    y = np.arange(len(rows))
    conv = rows["overall_conversion"].to_numpy(dtype="float64")
    err = np.clip(
        np.vstack(
            [
                conv - rows["ci_low"].to_numpy(dtype="float64"),
                rows["ci_high"].to_numpy(dtype="float64") - conv,
            ]
        ),
        0,
        None,
    )
    ax.errorbar(
        conv, y, xerr=err, fmt="o", color=OKABE_ITO["blue"], ecolor=GREY, elinewidth=2, capsize=3
    )
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        ax.text(
            r["ci_high"],
            yi,
            f"  {fmt.percent(r['overall_conversion'], 1)}  (n = {fmt.number(r['leads'])})",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [fmt.label(s) for s in rows["source"]])
    ax.set_xlim(0, float(rows["ci_high"].max()) * 1.45)
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.sources.x", fmt.lang, month=fmt.month(cohort)))
    best, worst = rows.iloc[-1], rows.iloc[0]
    title = phrase(
        "chart.sources",
        fmt.lang,
        best=_cap(fmt.label(best["source"])),
        worst=fmt.label(worst["source"]),
        best_conv=fmt.percent(best["overall_conversion"], 1),
        worst_conv=fmt.percent(worst["overall_conversion"], 1),
    )
    return finish(ax, title)


@styled
def conversion_trend(
    trend: pd.DataFrame, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Lead-to-sale conversion of the last monthly cohorts with its 95% band; immature cohorts hollow."""
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=3.0)
    if trend is None or not len(trend):
        return empty(ax, fmt, "no_leads", phrase("chart.trend.y", fmt.lang))
    trend = trend.reset_index(drop=True)
    x = np.arange(len(trend))
    conv = trend["overall_conversion"].to_numpy(dtype="float64")
    ax.fill_between(
        x,
        trend["ci_low"].astype("float64"),
        trend["ci_high"].astype("float64"),
        color=OKABE_ITO["sky"],
        alpha=0.3,
        linewidth=0,
        label=phrase("chart.trend.ci", fmt.lang),
    )
    ax.plot(x, conv, color=OKABE_ITO["blue"], linewidth=1.6)
    young = trend["immature"].astype(bool).to_numpy()
    ax.plot(
        x[~young],
        conv[~young],
        "o",
        color=OKABE_ITO["blue"],
        label=phrase("chart.trend.mature", fmt.lang),
    )
    if young.any():
        ax.plot(
            x[young],
            conv[young],
            "o",
            markerfacecolor="white",
            markeredgecolor=OKABE_ITO["blue"],
            label=phrase("chart.trend.immature", fmt.lang),
        )
    step = max(1, -(-len(trend) // 7))  # at most 7 labels: readable on A4
    ax.set_xticks(x[::step], [fmt.month_short(c) for c in trend["cohort"][::step]])
    percent_axis(ax.yaxis, fmt, 1)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(phrase("chart.trend.y", fmt.lang))
    ax.set_xlabel(phrase("chart.trend.x", fmt.lang))
    ax.legend(loc="lower left")
    ripe = trend[~young]
    title = phrase("chart.trend.y", fmt.lang)
    if len(ripe) >= 2:
        a, b = ripe.iloc[0], ripe.iloc[-1]
        key = "chart.trend.flat"
        if differs(a["converted"], a["leads"], b["converted"], b["leads"]):
            key = (
                "chart.trend.up"
                if b["overall_conversion"] > a["overall_conversion"]
                else "chart.trend.down"
            )
        title = phrase(
            key,
            fmt.lang,
            first=fmt.percent(a["overall_conversion"], 1),
            last=fmt.percent(b["overall_conversion"], 1),
            n=len(ripe),
        )
    return finish(ax, title)
