"""Retention heatmap: the share of each cohort that orders, month by month since acquisition.

It draws the frames of a :class:`~kpilib.sections.retention.RetentionSection`
(held by the acquisition section) and its title states the section's month-12
retention through :func:`~kpilib.story.render.fact_text`: nothing here computes
a figure. Cells of the month still open are hatched and left without a number:
they are partial, not churn.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from kpilib.charts._base import check_section, empty, finish, fmt_or_default, new_axes, styled
from kpilib.sections.acquisition import AcquisitionSection
from kpilib.sections.retention import YEAR_MONTH
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text

__all__ = ["retention_heatmap"]


@styled
def retention_heatmap(
    section: AcquisitionSection, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Cohorts of the 12 months before the period (rows, oldest on top; its cohorts up
    to the period when the data starts later) by months 1–12 since acquisition: the share that ordered in each month, and a last row pooled over
    every cohort whose month is whole. The title states month-12 retention."""
    check_section(
        section, AcquisitionSection, chart="retention_heatmap", field="report.acquisition"
    )
    fmt = fmt_or_default(fmt)
    ret = section.retention
    title = phrase("sec.acq.retention", fmt.lang)
    if ret is None or ret.heat is None or ret.pooled is None or not len(ret.pooled):
        why = "no_orders" if ret is None or ret.reason == "no_orders" else "few"
        return empty(ax or new_axes(), fmt, why, title)
    cohorts = sorted(ret.heat["cohort"].unique())
    rows = [*(fmt.month_short(c) for c in cohorts), phrase("ret.chart.pooled", fmt.lang)]
    # a row is about a quarter inch: a few cohorts do not take the page's height of twelve
    ax = new_axes(ax, height=min(4.4, 1.3 + 0.26 * len(rows)))
    grid = np.full((len(rows), YEAR_MONTH), np.nan)
    partial = np.zeros_like(grid, dtype=bool)
    index = {c: i for i, c in enumerate(cohorts)}
    heat = ret.heat
    for c, m, r, p in zip(
        heat["cohort"], heat["months_since"], heat["retention"], heat["partial"], strict=True
    ):
        grid[index[c], m - 1] = r
        partial[index[c], m - 1] = bool(p)
    for m, r in zip(ret.pooled["months_since"], ret.pooled["retention"], strict=True):
        grid[-1, m - 1] = r
    shown = np.where(partial, np.nan, grid)
    top = float(np.nanmax(shown)) if np.isfinite(shown).any() else 1.0
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=max(top, 0.01), aspect="auto")
    ax.grid(False)
    for i in range(len(rows)):
        for j in range(YEAR_MONTH):
            if partial[i, j]:
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="#999999"
                    )
                )
            elif np.isfinite(grid[i, j]):
                dark = grid[i, j] > top * 0.6
                ax.text(
                    j,
                    i,
                    fmt.percent(grid[i, j], 0),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                    fontweight="bold" if i == len(rows) - 1 else "normal",
                )
    ax.axhline(len(rows) - 1.5, color="black", linewidth=1.0)
    ax.set_xticks(range(YEAR_MONTH), [fmt.number(m) for m in range(1, YEAR_MONTH + 1)])
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel(f"{phrase('ret.chart.x', fmt.lang)} ({phrase('ret.chart.partial', fmt.lang)})")
    ax.set_ylabel(phrase("ret.chart.y", fmt.lang))
    if ret.year_retention is not None and ret.year_cohorts is not None:
        title = phrase(
            "ret.chart.year",
            fmt.lang,
            rate=fact_text(ret.year_retention, fmt),
            n=fact_text(ret.year_cohorts, fmt),
        )
    else:
        title = phrase("ret.chart.young", fmt.lang)
    return finish(ax, title)
