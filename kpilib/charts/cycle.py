"""The sales-cycle chart of the funnel page: days from lead to sale by month of sale.

It draws :class:`~kpilib.sections.cycle.CycleSection` and titles it with the
section's verdict; it computes nothing.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from kpilib.charts._base import (
    GREY,
    OKABE_ITO,
    check_section,
    empty,
    finish,
    fmt_or_default,
    new_axes,
    styled,
)
from kpilib.sections.cycle import CycleSection
from kpilib.story.cycle import days_text
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text

__all__ = ["sales_cycle_trend"]


def _title(section: CycleSection, fmt: Formatter) -> str:
    v = section.verdict
    if v is None:
        return phrase("cycle.chart.few", fmt.lang)
    if v.direction == "flat":
        return phrase("cycle.chart.flat", fmt.lang, n=fact_text(v.months, fmt))
    return phrase(
        f"cycle.chart.{v.direction}",
        fmt.lang,
        first=days_text(v.first, fmt),
        last=days_text(v.last, fmt),
        m1=fmt.month(str(v.first.period)),
        m2=fmt.month(str(v.last.period)),
    )


@styled
def sales_cycle_trend(
    section: CycleSection, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Median days from lead to sale per month of sale (solid), and the days within which
    80% of the month's sales closed (dashed). An open month's point is hollow (month to
    date); months the data starts too late for (truncated) are greyed. The title states
    the section's verdict over the closed months.
    """
    check_section(section, CycleSection, chart="sales_cycle_trend", field="report.cycle")
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=2.1)
    trend = section.trend
    if trend is None or not len(trend):
        return empty(ax, fmt, "no_sales", phrase("cycle.chart.few", fmt.lang))
    if len(trend) < 2:  # one point is no trend: the sentence states it
        return empty(ax, fmt, "one_month", phrase("cycle.chart.few", fmt.lang))
    x = np.arange(len(trend))
    median = trend["median_days"].to_numpy(dtype="float64")
    p80 = trend["p80_days"].to_numpy(dtype="float64")
    partial = (trend["month"] == section.period).to_numpy() & section.open
    full = ~partial
    ax.plot(
        x[full],
        p80[full],
        "--",
        color=OKABE_ITO["sky"],
        linewidth=1.2,
        label=phrase("cycle.chart.p80", fmt.lang),
    )
    ax.plot(
        x[full],
        median[full],
        "-o",
        color=OKABE_ITO["blue"],
        linewidth=1.6,
        markersize=4,
        label=phrase("cycle.chart.median", fmt.lang),
    )
    if partial.any():
        ax.plot(
            x[partial],
            median[partial],
            "o",
            color=OKABE_ITO["blue"],
            markerfacecolor="white",
            label=phrase("cycle.chart.open", fmt.lang),
        )
    short = trend["truncated"].astype(bool).to_numpy()
    if short.any():
        ax.axvspan(x[short].min() - 0.5, x[short].max() + 0.5, color=GREY, alpha=0.12, lw=0)
    step = max(1, -(-len(trend) // 7))  # at most 7 labels: readable on A4
    ax.set_xticks(x[::step], [fmt.month_short(m) for m in trend["month"][::step]])
    ax.set_xlim(-0.5, len(trend) - 0.5)
    ax.set_ylim(bottom=0, top=float(np.nanmax(p80)) * 1.15 if np.isfinite(p80).any() else None)
    ax.set_ylabel(phrase("cycle.chart.axis", fmt.lang))
    ax.legend(loc="lower left", fontsize=7.5, ncol=3)
    return finish(ax, _title(section, fmt))
