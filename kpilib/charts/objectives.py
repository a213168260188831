"""Charts of the objectives: attainment, teams, daily path, gaps, realism."""

from __future__ import annotations

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
    empty,
    finish,
    fmt_or_default,
    money_axis,
    new_axes,
    percent_axis,
    styled,
)
from kpilib.story.format import Formatter
from kpilib.story.phrases import METRICS, phrase

__all__ = ["attainment_bars", "team_attainment", "cumulative_path", "gap_ranking", "target_realism"]

# blue (ahead) to vermillion (behind) through white: readable with colour-vision deficiencies
_DIVERGING = LinearSegmentedColormap.from_list(
    "kpi_diverging", [OKABE_ITO["vermillion"], "#FFFFFF", OKABE_ITO["blue"]]
)


def _period_rows(att: pd.DataFrame, period: str, scope: str) -> pd.DataFrame:
    if att is None or not len(att):
        return pd.DataFrame(columns=["metric", "attainment"])
    rows = att[(att["period"] == period) & (att["scope"] == scope)].copy()
    rows["ratio"] = rows["projected_attainment"].fillna(rows["attainment"]).astype("float64")
    return rows


def _status(ratio: float, on_track: float, at_risk: float) -> str:
    return "good" if ratio >= on_track else "warn" if ratio >= at_risk else "bad"


def _order(metrics: pd.Series) -> list[str]:
    known = list(METRICS["en"])
    return sorted(metrics, key=lambda m: (known.index(m) if m in known else len(known), m))


@styled
def attainment_bars(
    att: pd.DataFrame,
    *,
    period: str,
    fmt: Formatter | None = None,
    on_track: float = 0.95,
    at_risk: float = 0.85,
    ax: Axes | None = None,
) -> Axes:
    """Company attainment per metric against the 100% line (projection while open).

    Bars are coloured by status (blue on track, orange at risk, vermillion
    off track) and labelled with the actual against the target.
    """
    fmt = fmt_or_default(fmt)
    rows = _period_rows(att, period, "company")
    ax = new_axes(ax, height=2.9)
    if not len(rows):
        return empty(ax, fmt, "no_targets", phrase("title.objectives", fmt.lang))
    rows = rows.set_index("metric").loc[_order(rows["metric"])[::-1]]
    is_open = rows["projected"].notna().any()
    y = np.arange(len(rows))
    colours = [STATUS_COLOURS[_status(r, on_track, at_risk)] for r in rows["ratio"]]
    if is_open:
        ax.barh(
            y,
            rows["ratio"],
            color=colours,
            alpha=0.35,
            label=phrase("chart.att.projected", fmt.lang),
        )
        ax.barh(y, rows["attainment"], color=colours, label=phrase("chart.att.actual", fmt.lang))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        ax.barh(y, rows["ratio"], color=colours)
    ax.axvline(1.0, color=OKABE_ITO["black"], linewidth=1)
    for yi, (metric, row) in zip(y, rows.iterrows(), strict=True):
        unit = fmt.money if metric == "revenue" else fmt.number
        text = f"{fmt.percent(row['ratio'])}  ({unit(row['actual'])} / {unit(row['target'])})"
        ax.text(max(row["ratio"], 1.0) + 0.015, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, [fmt.label(m, "metric") for m in rows.index])
    ax.set_xlim(0, max(1.0, float(rows["ratio"].max())) * 1.5)
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.att.x", fmt.lang))
    ax.grid(axis="y", visible=False)
    worst = rows["ratio"].idxmin()
    values = {
        "n": len(rows),
        "metric": fmt.label(worst, "metric"),
        "att": fmt.percent(rows.loc[worst, "ratio"]),
    }
    if is_open:
        title = phrase(
            "chart.att.open", fmt.lang, ok=int((rows["ratio"] >= on_track).sum()), **values
        )
    elif (rows["attainment"] >= 1).all():
        title = phrase("chart.att.all", fmt.lang, **values)
    else:
        title = phrase(
            "chart.att.closed", fmt.lang, met=int((rows["attainment"] >= 1).sum()), **values
        )
    return finish(ax, title)


@styled
def team_attainment(
    att: pd.DataFrame, *, period: str, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Attainment of each team on each metric, as an annotated heatmap centred on 100%."""
    fmt = fmt_or_default(fmt)
    rows = _period_rows(att, period, "team")
    ax = new_axes(ax, height=2.6)
    if not len(rows):
        return empty(ax, fmt, "no_targets", phrase("title.objectives", fmt.lang))
    grid = rows.pivot_table(index="team", columns="metric", values="ratio", aggfunc="first")
    grid = grid[_order(grid.columns)]
    low, high = float(np.nanmin(grid.to_numpy())), float(np.nanmax(grid.to_numpy()))
    norm = TwoSlopeNorm(vcenter=1.0, vmin=min(low, 0.99), vmax=max(high, 1.01))
    ax.imshow(grid.to_numpy(dtype="float64"), cmap=_DIVERGING, norm=norm, aspect="auto")
    for (i, j), value in np.ndenumerate(grid.to_numpy(dtype="float64")):
        if not np.isnan(value):
            ax.text(j, i, fmt.percent(value), ha="center", va="center", fontsize=8.5)
    ax.set_xticks(range(grid.shape[1]), [fmt.label(m, "metric") for m in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [fmt.label(t) for t in grid.index])
    ax.grid(False)
    ax.tick_params(length=0)
    metric = "revenue" if "revenue" in grid.columns else grid.columns[0]
    col = grid[metric].dropna()
    title = phrase("chart.att.x", fmt.lang)
    if len(col) >= 2:
        title = phrase(
            "chart.teams",
            fmt.lang,
            best=fmt.label(col.idxmax()),
            worst=fmt.label(col.idxmin()),
            metric=fmt.label(metric, "metric"),
            att_best=fmt.percent(col.max()),
            att_worst=fmt.percent(col.min()),
        )
    return finish(ax, title)


@styled
def cumulative_path(
    path: pd.DataFrame,
    *,
    metric: str,
    period: str,
    fmt: Formatter | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The cumulative actual day by day against the target path (:func:`kpilib.kpis.pacing.cumulative_path`)."""
    fmt = fmt_or_default(fmt)
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
    target = float(path["target"].iloc[0])
    unit = fmt.money if metric == "revenue" else fmt.number
    actual = float(seen["cumulative"].iloc[-1])
    if not np.isnan(target):
        ax.plot(
            path["day"],
            path["target_path"],
            color=GREY,
            linestyle="--",
            linewidth=1.4,
            label=phrase("chart.path.target", fmt.lang),
        )
        closed = len(seen) == len(path)
        if closed:
            end, verb = actual, phrase("chart.path.closed", fmt.lang)
        else:
            done = max(int(seen["business_day"].iloc[-1]), 1)
            end, verb = (
                actual * int(path["business_day"].iloc[-1]) / done,
                phrase("chart.path.open", fmt.lang),
            )
            ax.plot(
                [seen["day"].iloc[-1], path["day"].iloc[-1]],
                [actual, end],
                color=OKABE_ITO["blue"],
                linestyle=":",
                linewidth=1.4,
            )
        title = phrase(
            "chart.path",
            fmt.lang,
            Metric=name[:1].upper() + name[1:],
            verb=verb,
            actual=unit(end),
            att=fmt.percent(end / target if target else np.nan),
            target=unit(target),
        )
    else:
        title = phrase(
            "chart.path.nt", fmt.lang, Metric=name[:1].upper() + name[1:], actual=unit(actual)
        )
    if metric == "revenue":
        money_axis(ax.yaxis, fmt)
    ax.set_ylabel(phrase("chart.path.y", fmt.lang, metric=name, Metric=name[:1].upper() + name[1:]))
    ax.set_xlabel(phrase("chart.path.x", fmt.lang, month=fmt.month(period)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(mdates.num2date(v).day)))
    ax.set_ylim(bottom=0)
    ax.set_xlim(path["day"].iloc[0], path["day"].iloc[-1])
    ax.legend(loc="upper left")
    return finish(ax, title)


@styled
def gap_ranking(
    att: pd.DataFrame,
    *,
    period: str,
    fmt: Formatter | None = None,
    top: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Objectives below target, company and teams, ranked by shortfall (% of target)."""
    fmt = fmt_or_default(fmt)
    rows = pd.concat([_period_rows(att, period, s) for s in ("company", "team", "rep")])
    ax = new_axes(ax, height=2.9)
    if not len(rows):
        return empty(ax, fmt, "no_targets", phrase("title.objectives", fmt.lang))
    rows = rows.assign(short=1 - rows["ratio"]).dropna(subset=["short"])
    behind = rows[rows["short"] > 0].nlargest(top, "short").iloc[::-1]
    if not len(behind):
        return finish(_none_behind(ax, fmt), phrase("chart.gaps.none", fmt.lang))
    names = [f"{_who(r, fmt)} · {fmt.label(r['metric'], 'metric')}" for _, r in behind.iterrows()]
    y = np.arange(len(behind))
    ax.barh(y, behind["short"], color=OKABE_ITO["vermillion"])
    for yi, (_, r) in zip(y, behind.iterrows(), strict=True):
        unit = fmt.money if r["metric"] == "revenue" else fmt.number
        gap = r["target"] - (r["projected"] if pd.notna(r["projected"]) else r["actual"])
        ax.text(
            r["short"], yi, f"  {fmt.percent(r['short'])} ({unit(gap)})", va="center", fontsize=8
        )
    ax.set_yticks(y, names)
    ax.set_xlim(0, float(behind["short"].max()) * 1.5)
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.gaps.x", fmt.lang))
    ax.grid(axis="y", visible=False)
    worst = behind.iloc[-1]
    title = phrase(
        "chart.gaps",
        fmt.lang,
        who=_who(worst, fmt),
        metric=fmt.label(worst["metric"], "metric"),
        short=fmt.percent(worst["short"]),
    )
    return finish(ax, title)


def _who(row: pd.Series, fmt: Formatter) -> str:
    if row["scope"] == "company":
        return phrase("chart.company", fmt.lang)
    if row["scope"] == "team":
        return fmt.label(row["team"])
    return fmt.label(row["owner"])


def _none_behind(ax: Axes, fmt: Formatter) -> Axes:
    ax.set_axis_off()
    ax.figure.set_size_inches(ax.figure.get_size_inches()[0], 0.8)
    return ax


@styled
def target_realism(
    att: pd.DataFrame, *, period: str, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Each company target against the average actual of the previous three periods."""
    fmt = fmt_or_default(fmt)
    rows = _period_rows(att, period, "company")
    ax = new_axes(ax, height=2.6)
    rows = rows.dropna(subset=["realism"]) if len(rows) else rows
    if not len(rows):
        return empty(ax, fmt, "few", phrase("chart.realism.x", fmt.lang))
    rows = rows.set_index("metric").loc[_order(rows["metric"])[::-1]]
    y = np.arange(len(rows))
    colours = [OKABE_ITO["orange"] if r > 1.15 else OKABE_ITO["sky"] for r in rows["realism"]]
    ax.barh(y, rows["realism"], color=colours)
    ax.axvline(1.0, color=OKABE_ITO["black"], linewidth=1)
    for yi, r in zip(y, rows["realism"], strict=True):
        ax.text(r, yi, f"  {fmt.percent(r)}", va="center", fontsize=8)
    ax.set_yticks(y, [fmt.label(m, "metric") for m in rows.index])
    ax.set_xlim(0, max(1.2, float(rows["realism"].max()) * 1.25))
    percent_axis(ax.xaxis, fmt)
    ax.set_xlabel(phrase("chart.realism.x", fmt.lang))
    ax.grid(axis="y", visible=False)
    top = rows["realism"].idxmax()
    name = fmt.label(top, "metric")
    title = phrase(
        "chart.realism",
        fmt.lang,
        Metric=name[:1].upper() + name[1:],
        metric=name,
        ratio=fmt.percent(rows.loc[top, "realism"]),
    )
    return finish(ax, title)
