"""Charts of the objectives: attainment, teams, daily path, gaps, realism."""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
from matplotlib.ticker import FuncFormatter

from kpilib.charts._base import (
    GREY,
    OKABE_ITO,
    STATUS_COLOURS,
    FrameInput,
    check_section,
    empty,
    finish,
    fmt_or_default,
    money_axis,
    new_axes,
    percent_axis,
    resize,
    styled,
)
from kpilib.sections.objectives import Objective, ObjectivesSection
from kpilib.story.format import Formatter
from kpilib.story.phrases import METRICS, phrase
from kpilib.story.render import fact_text

__all__ = ["attainment_bars", "team_attainment", "cumulative_path", "gap_ranking", "target_realism"]

# blue (ahead) to vermillion (behind) through white: readable with colour-vision deficiencies
_DIVERGING = LinearSegmentedColormap.from_list(
    "kpi_diverging", [OKABE_ITO["vermillion"], "#FFFFFF", OKABE_ITO["blue"]]
)


_PATH = FrameInput(
    "cumulative_path",
    "path",
    ("day", "cumulative", "target_path"),
    "kpilib.kpis.pacing.cumulative_path(leads, targets, period=..., metric=...)",
    "report.objectives.paths[metric]",
)
_LEVEL = {"met": "good", "on_track": "good", "at_risk": "warn", "missed": "bad", "behind": "bad"}


def _order(metrics: Any) -> list[str]:
    known = list(METRICS["en"])
    return sorted(metrics, key=lambda m: (known.index(m) if m in known else len(known), m))


def _sorted(rows: list[Objective]) -> list[Objective]:
    order = _order([o.metric for o in rows])
    return sorted(rows, key=lambda o: order.index(o.metric))


@styled
def attainment_bars(
    section: ObjectivesSection, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Company attainment per metric against the 100% line, coloured by status word.

    A closed month shows attainment (blue met, vermillion missed); an open one
    the actual so far, darker, inside its projection to the close, lighter,
    coloured on track / at risk / behind. Each bar is labelled with its
    attainment, actual and target (and the projection while open).
    """
    fmt = fmt_or_default(fmt)
    check_section(section, ObjectivesSection, chart="attainment_bars", field="report.objectives")
    rows = [o for o in _sorted(section.company) if o.ratio.known][::-1]
    ax = new_axes(ax, height=2.9)
    if not rows:
        return empty(ax, fmt, "no_targets", phrase("title.objectives", fmt.lang))
    y = np.arange(len(rows))
    colours = [STATUS_COLOURS[_LEVEL[o.status]] for o in rows]
    actual = [o.attainment.value if o.attainment.known else 0.0 for o in rows]
    ratio = [o.ratio.value for o in rows]
    if not section.closed:
        ax.barh(y, ratio, color=colours, alpha=0.35, label=phrase("chart.att.projected", fmt.lang))
        ax.barh(y, actual, color=colours, label=phrase("chart.att.actual", fmt.lang))
        # under the axis label, clear of the bars' labels on the right
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False, fontsize=8
        )
    else:
        ax.barh(y, actual, color=colours)
    ax.axvline(1.0, color=OKABE_ITO["black"], linewidth=1)
    for yi, o in zip(y, rows, strict=True):
        values = {
            "att": fact_text(o.attainment, fmt),
            "actual": fact_text(o.actual, fmt),
            "target": fact_text(o.target, fmt),
        }
        if section.closed:
            text = phrase("chart.att.bar.closed", fmt.lang, **values)
        else:
            text = phrase(
                "chart.att.bar.open",
                fmt.lang,
                patt=fact_text(o.projected_attainment, fmt),
                **values,
            )
        ax.text(max(o.ratio.value, 1.0) + 0.015, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, [fmt.label(o.metric, "metric") for o in rows])
    ax.set_xlim(0, max(1.0, max(ratio)) * 1.6)
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.att.x", fmt.lang))
    ax.grid(axis="y", visible=False)
    worst = section.worst()
    assert worst is not None
    values = {
        "n": len(rows),
        "metric": fmt.label(worst.metric, "metric"),
        "att": fact_text(worst.ratio, fmt),
    }
    if not section.closed:
        title = phrase("chart.att.open", fmt.lang, ok=section.met, **values)
    elif section.met == len(rows):
        title = phrase("chart.att.all", fmt.lang, **values)
    else:
        title = phrase("chart.att.closed", fmt.lang, met=section.met, **values)
    return finish(ax, title)


@styled
def team_attainment(
    section: ObjectivesSection,
    *,
    fmt: Formatter | None = None,
    max_teams: int = 12,
    ax: Axes | None = None,
) -> Axes:
    """Attainment of each team on each metric (projected while open), a heatmap centred on 100%.

    Past *max_teams* teams, only those furthest behind (two thirds of the rows)
    and furthest ahead (one third) on revenue, or the first metric, are drawn,
    and the axis says so.
    """
    fmt = fmt_or_default(fmt)
    check_section(section, ObjectivesSection, chart="team_attainment", field="report.objectives")
    rows = [o for o in section.teams if o.ratio.known]
    ax = new_axes(ax, height=2.6 if len({o.team for o in rows}) <= 6 else 3.6)
    if not rows:
        return empty(ax, fmt, "no_targets", phrase("title.objectives", fmt.lang))
    frame = pd.DataFrame({"team": [o.team for o in rows], "metric": [o.metric for o in rows]})
    frame["ratio"] = [o.ratio.value for o in rows]
    grid = frame.pivot_table(index="team", columns="metric", values="ratio", aggfunc="first")
    grid = grid[_order(grid.columns)]
    metrics = [o.metric for o in rows]
    metric = "revenue" if "revenue" in metrics else metrics[0]
    total = len(grid)
    if total > max_teams:
        # a readable heatmap: the teams furthest behind and furthest ahead on the metric
        ranked = grid[metric].sort_values(na_position="first")
        keep = [*ranked.index[: max_teams - max_teams // 3], *ranked.index[-(max_teams // 3) :]]
        grid = grid.loc[keep]
    low, high = float(np.nanmin(grid.to_numpy())), float(np.nanmax(grid.to_numpy()))
    norm = TwoSlopeNorm(vcenter=1.0, vmin=min(low, 0.99), vmax=max(high, 1.01))
    ax.imshow(grid.to_numpy(dtype="float64"), cmap=_DIVERGING, norm=norm, aspect="auto")
    for (i, j), value in np.ndenumerate(grid.to_numpy(dtype="float64")):
        if not np.isnan(value):
            ax.text(j, i, fmt.percent(value), ha="center", va="center", fontsize=8.5)
    ax.set_xticks(range(grid.shape[1]), [fmt.label(m, "metric") for m in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [fmt.label(t, "team") for t in grid.index])
    ax.grid(False)
    ax.tick_params(length=0)
    if total > len(grid):
        ax.set_ylabel(
            phrase(
                "chart.teams.some",
                fmt.lang,
                n=len(grid),
                total=total,
                metric=fmt.label(metric, "metric"),
            )
        )
    of_metric = [o for o in rows if o.metric == metric]
    title = phrase("chart.att.x", fmt.lang)
    if len(of_metric) >= 2:
        best, worst = section.best(of_metric), section.worst(of_metric)
        assert best is not None and worst is not None
        title = phrase(
            "chart.teams.closed" if section.closed else "chart.teams.open",
            fmt.lang,
            best=fmt.label(best.team, "team"),
            worst=fmt.label(worst.team, "team"),
            metric=fmt.label(metric, "metric"),
            att_best=fact_text(best.ratio, fmt),
            att_worst=fact_text(worst.ratio, fmt),
        )
    return finish(ax, title)


@styled
def cumulative_path(
    path: pd.DataFrame,
    *,
    metric: str,
    period: str,
    objective: Objective | None = None,
    fmt: Formatter | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The cumulative actual day by day (:func:`kpilib.kpis.pacing.cumulative_path`)
    against the target path; *objective*, the company objective of *metric*,
    gives the title's figures and the projection drawn to the close."""
    fmt = fmt_or_default(fmt)
    _PATH.check(path)
    ax = new_axes(ax, height=3.0)
    name = fmt.label(metric, "metric")
    seen = path.dropna(subset=["cumulative"])
    if not len(seen):
        return empty(ax, fmt, "no_leads", name)
    ax.plot(
        seen["day"],
        seen["cumulative"],
        color=OKABE_ITO["blue"],
        linewidth=2.2,
        label=phrase("chart.path.actual", fmt.lang),
    )
    Metric = name[:1].upper() + name[1:]
    if objective is not None and objective.target.known:
        ax.plot(
            path["day"],
            path["target_path"],
            color=GREY,
            linestyle="--",
            linewidth=1.4,
            label=phrase("chart.path.target", fmt.lang),
        )
        if objective.closed:
            end, att, verb = objective.actual, objective.attainment, "chart.path.closed"
        else:
            end, att, verb = objective.projected, objective.projected_attainment, "chart.path.open"
            if end.known:
                ax.plot(
                    [seen["day"].iloc[-1], path["day"].iloc[-1]],
                    [float(seen["cumulative"].iloc[-1]), end.value],
                    color=OKABE_ITO["blue"],
                    linestyle=":",
                    linewidth=1.4,
                )
        title = phrase(
            "chart.path",
            fmt.lang,
            Metric=Metric,
            verb=phrase(verb, fmt.lang),
            actual=fact_text(end, fmt),
            att=fact_text(att, fmt),
            target=fact_text(objective.target, fmt),
        )
    else:
        unit = fmt.money if metric == "revenue" else fmt.number
        actual = unit(float(seen["cumulative"].iloc[-1]))
        title = phrase("chart.path.nt", fmt.lang, Metric=Metric, actual=actual)
    if metric == "revenue":
        money_axis(ax.yaxis, fmt)
    ax.set_ylabel(phrase("chart.path.y", fmt.lang, metric=name, Metric=Metric))
    ax.set_xlabel(phrase("chart.path.x", fmt.lang, month=fmt.month(period)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(mdates.num2date(v).day)))
    ax.set_ylim(bottom=0)
    ax.set_xlim(path["day"].iloc[0], path["day"].iloc[-1])
    ax.legend(loc="upper left")
    return finish(ax, title)


@styled
def gap_ranking(
    section: ObjectivesSection,
    *,
    fmt: Formatter | None = None,
    top: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Targets below 100% (projected while open), company, teams and reps, by shortfall."""
    fmt = fmt_or_default(fmt)
    check_section(section, ObjectivesSection, chart="gap_ranking", field="report.objectives")
    rows = [o for o in section.company + section.teams + section.reps if o.ratio.known]
    ax = new_axes(ax, height=2.9)
    if not rows:
        return empty(ax, fmt, "no_targets", phrase("title.objectives", fmt.lang))
    behind = sorted((o for o in rows if o.shortfall.value > 0), key=lambda o: o.shortfall.value)
    behind = behind[-top:]
    if not behind:
        return finish(_none_behind(ax, fmt), phrase("chart.gaps.none", fmt.lang))
    names = [_who(o, fmt) + " · " + fmt.label(o.metric, "metric") for o in behind]
    y = np.arange(len(behind))
    ax.barh(y, [o.shortfall.value for o in behind], color=OKABE_ITO["vermillion"])
    for yi, o in zip(y, behind, strict=True):
        ax.text(o.shortfall.value, yi, f"  {fact_text(o.shortfall, fmt)}", va="center", fontsize=8)
    ax.set_yticks(y, names)
    ax.set_xlim(0, behind[-1].shortfall.value * 1.5)
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.gaps.x" if section.closed else "chart.gaps.x.open", fmt.lang))
    ax.grid(axis="y", visible=False)
    worst = behind[-1]
    title = phrase(
        "chart.gaps" if section.closed else "chart.gaps.open",
        fmt.lang,
        who=_who(worst, fmt),
        metric=fmt.label(worst.metric, "metric"),
        short=fact_text(worst.shortfall, fmt),
    )
    return finish(ax, title)


def _who(o: Objective, fmt: Formatter) -> str:
    if o.scope == "company":
        return phrase("chart.company", fmt.lang)
    return fmt.label(o.team, "team") if o.scope == "team" else fmt.label(o.owner, "owner")


def _none_behind(ax: Axes, fmt: Formatter) -> Axes:
    ax.set_axis_off()
    resize(ax, 0.8)
    return ax


@styled
def target_realism(
    section: ObjectivesSection, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Each company target against the average actual of the previous three periods."""
    fmt = fmt_or_default(fmt)
    check_section(section, ObjectivesSection, chart="target_realism", field="report.objectives")
    rows = [o for o in _sorted(section.company) if o.realism.known][::-1]
    ax = new_axes(ax, height=2.6)
    if not rows:
        return empty(ax, fmt, "few", phrase("chart.realism.x", fmt.lang))
    y = np.arange(len(rows))
    values = [o.realism.value for o in rows]
    colours = [OKABE_ITO["orange"] if r > 1.15 else OKABE_ITO["sky"] for r in values]
    ax.barh(y, values, color=colours)
    ax.axvline(1.0, color=OKABE_ITO["black"], linewidth=1)
    for yi, o in zip(y, rows, strict=True):
        ax.text(o.realism.value, yi, f"  {fact_text(o.realism, fmt)}", va="center", fontsize=8)
    ax.set_yticks(y, [fmt.label(o.metric, "metric") for o in rows])
    ax.set_xlim(0, max(1.2, max(values) * 1.25))
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.realism.x", fmt.lang))
    ax.grid(axis="y", visible=False)
    top = section.realism()
    assert top is not None
    name = fmt.label(top.metric, "metric")
    title = phrase(
        "chart.realism",
        fmt.lang,
        Metric=name[:1].upper() + name[1:],
        metric=name,
        ratio=fact_text(top.realism, fmt),
    )
    return finish(ax, title)
