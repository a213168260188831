"""Charts of acquisition cost and customer value: CAC, cost mix, cohort curves, LTV:CAC."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from kpilib.charts._base import (
    OKABE_ITO,
    SERIES,
    empty,
    finish,
    fmt_or_default,
    money_axis,
    new_axes,
    styled,
)
from kpilib.data.periods import parse_period
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase

__all__ = ["cac_trend", "cost_breakdown", "cohort_curves", "ltv_to_cac"]

_CATEGORY_COLOURS = {
    "salaries": OKABE_ITO["blue"],
    "bonuses": OKABE_ITO["sky"],
    "expenses": OKABE_ITO["orange"],
    "campaigns": OKABE_ITO["vermillion"],
    "other": "#BBBBBB",
}


def _last_months(frame: pd.DataFrame, period: str, months: int) -> pd.DataFrame:
    first = parse_period(period).shift(-(months - 1)).label
    return frame[(frame["period"] >= first) & (frame["period"] <= period)]


def _month_ticks(ax: Axes, labels: list[str], fmt: Formatter) -> None:
    x = np.arange(len(labels))
    step = max(1, -(-len(labels) // 7))  # at most 7 labels: readable on A4
    ax.set_xticks(x[::step], [fmt.month_short(p) for p in labels[::step]])


@styled
def cac_trend(
    cac_frame: pd.DataFrame,
    *,
    period: str,
    fmt: Formatter | None = None,
    months: int = 12,
    ax: Axes | None = None,
) -> Axes:
    """Blended CAC (black) and CAC per channel over the last *months* months."""
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=3.4)
    if cac_frame is None or not len(cac_frame):
        return empty(ax, fmt, "no_costs", phrase("tile.cac", fmt.lang))
    frame = _last_months(cac_frame, period, months)
    labels = sorted(frame["period"].unique())
    x = {p: i for i, p in enumerate(labels)}
    channels = sorted(frame["channel"].dropna().unique())
    for colour, channel in zip(SERIES * 3, channels, strict=False):
        rows = frame[frame["channel"] == channel]
        ax.plot(
            rows["period"].map(x),
            rows["cac"],
            color=colour,
            linewidth=1.3,
            marker="o",
            markersize=2.5,
            label=fmt.label(channel),
        )
    blended = frame[frame["channel"].isna()]
    ax.plot(
        blended["period"].map(x),
        blended["cac"],
        color=OKABE_ITO["black"],
        linewidth=2.6,
        label=phrase("chart.cac.blended", fmt.lang),
    )
    _month_ticks(ax, labels, fmt)
    money_axis(ax.yaxis, fmt)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(phrase("chart.cac.y", fmt.lang, sym=fmt.currency_symbol))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    by = blended.set_index("period")["cac"]
    now = by.get(period, np.nan)
    prev = by.get(parse_period(period).shift(-1).label, np.nan)
    month = fmt.month(period)
    if pd.notna(now) and pd.notna(prev) and prev:
        key = "chart.cac.up" if now > prev else "chart.cac.down"
        change = fmt.percent(abs(now / prev - 1))
        title = phrase(key, fmt.lang, change=change, cac=fmt.money(now), month=month)
    else:
        title = phrase("chart.cac.flat", fmt.lang, cac=fmt.money(now), month=month)
    return finish(ax, title)


@styled
def cost_breakdown(
    cac_frame: pd.DataFrame,
    *,
    period: str,
    fmt: Formatter | None = None,
    months: int = 12,
    ax: Axes | None = None,
) -> Axes:
    """Acquisition cost per month stacked by category (salaries, bonuses, expenses, campaigns)."""
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=3.0)
    if cac_frame is None or not len(cac_frame):
        return empty(
            ax, fmt, "no_costs", phrase("chart.costs.y", fmt.lang, sym=fmt.currency_symbol)
        )
    frame = _last_months(cac_frame[cac_frame["channel"].isna()], period, months).sort_values(
        "period"
    )
    x = np.arange(len(frame))
    bottom = np.zeros(len(frame))
    for category, colour in _CATEGORY_COLOURS.items():
        values = frame[f"cost_{category}"].fillna(0).to_numpy(dtype="float64")
        if values.sum() == 0:
            continue
        ax.bar(
            x,
            values,
            bottom=bottom,
            color=colour,
            width=0.75,
            label=fmt.label(category, "category"),
        )
        bottom += values
    _month_ticks(ax, frame["period"].tolist(), fmt)
    money_axis(ax.yaxis, fmt)
    ax.set_ylabel(phrase("chart.costs.y", fmt.lang, sym=fmt.currency_symbol))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="x", visible=False)
    now = frame[frame["period"] == period]
    title = phrase("chart.costs.y", fmt.lang, sym=fmt.currency_symbol)
    if len(now) and now["cost"].iloc[0] > 0:
        shares = {c: now[f"cost_{c}"].iloc[0] / now["cost"].iloc[0] for c in _CATEGORY_COLOURS}
        top = max(shares, key=lambda c: shares[c])
        name = fmt.label(top, "category")
        title = phrase(
            "chart.costs",
            fmt.lang,
            Category=name[:1].upper() + name[1:],
            category=name,
            share=fmt.percent(shares[top]),
            month=fmt.month(period),
        )
    return finish(ax, title)


@styled
def cohort_curves(
    values: pd.DataFrame,
    payback: pd.DataFrame,
    *,
    period: str,
    fmt: Formatter | None = None,
    cohorts: int = 4,
    spacing: int = 6,
    ax: Axes | None = None,
) -> Axes:
    """Cumulative margin per customer of a few cohorts, each with its CAC and payback point.

    The cohorts shown are *period*'s and those *spacing*, 2 × *spacing*, …
    months before it (those present), oldest first; each cohort's CAC is the
    dashed line of its colour and its payback month is marked with a dot.
    """
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=3.4)
    sym = fmt.currency_symbol
    if values is None or not len(values):
        return empty(ax, fmt, "no_orders", phrase("chart.curves.y", fmt.lang, sym=sym))
    span = parse_period(period)
    wanted = [span.shift(-spacing * k).label for k in range(cohorts * 2)]
    present = [c for c in wanted if c in set(values["cohort"])][:cohorts][::-1]
    costs = payback.set_index("cohort") if payback is not None and len(payback) else pd.DataFrame()
    paid = 0
    for colour, cohort in zip(SERIES, present, strict=False):
        rows = values[values["cohort"] == cohort].sort_values("months_since")
        ax.plot(
            rows["months_since"],
            rows["cumulative_margin_per_customer"],
            color=colour,
            linewidth=2,
            label=fmt.month_short(cohort),
        )
        if cohort in costs.index and pd.notna(costs.loc[cohort, "cac"]):
            cac = costs.loc[cohort, "cac"]
            ax.axhline(cac, color=colour, linestyle="--", linewidth=1)
            month = costs.loc[cohort, "payback_months"]
            if pd.notna(month):
                paid += 1
                hit = rows[rows["months_since"] == month]
                if len(hit):
                    ax.plot(
                        month,
                        hit["cumulative_margin_per_customer"].iloc[0],
                        "o",
                        color=colour,
                        markersize=7,
                        markeredgecolor="black",
                    )
    ax.plot([], [], "k--", linewidth=1, label=phrase("chart.curves.cac", fmt.lang))
    ax.plot(
        [],
        [],
        "o",
        color="white",
        markeredgecolor="black",
        label=phrase("chart.curves.payback", fmt.lang),
    )
    money_axis(ax.yaxis, fmt)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(phrase("chart.curves.x", fmt.lang))
    ax.set_ylabel(phrase("chart.curves.y", fmt.lang, sym=sym))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    title = phrase("chart.curves", fmt.lang, paid=paid, n=len(present))
    return finish(ax, title)


@styled
def ltv_to_cac(
    payback_by_channel: pd.DataFrame,
    *,
    cohort: str,
    months: int,
    fmt: Formatter | None = None,
    minimum: float = 3.0,
    ax: Axes | None = None,
) -> Axes:
    """LTV:CAC per channel for one cohort against the *minimum* (3:1) line."""
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=2.8)
    rows = payback_by_channel if payback_by_channel is not None else pd.DataFrame()
    if len(rows):
        rows = rows[rows["cohort"] == cohort].dropna(subset=["ltv_to_cac"])
    if not len(rows):
        return empty(ax, fmt, "no_orders", "LTV:CAC")
    rows = rows.sort_values("ltv_to_cac")
    y = np.arange(len(rows))
    colours = [
        OKABE_ITO["blue"] if v >= minimum else OKABE_ITO["vermillion"] for v in rows["ltv_to_cac"]
    ]
    ax.barh(y, rows["ltv_to_cac"], color=colours)
    ax.axvline(minimum, color=OKABE_ITO["black"], linewidth=1.2, linestyle="--")
    ax.text(minimum, -0.6, f" {fmt.ratio(minimum)}", fontsize=8, va="bottom")
    for yi, v in zip(y, rows["ltv_to_cac"], strict=True):
        ax.text(v, yi, f"  {fmt.ratio(v)}", va="center", fontsize=8)
    ax.set_yticks(y, [fmt.label(c) for c in rows["channel"]])
    ax.set_xlim(0, max(minimum * 1.3, float(rows["ltv_to_cac"].max()) * 1.25))
    ax.set_xlabel(phrase("chart.ltv.x", fmt.lang, months=months, month=fmt.month(cohort)))
    ax.grid(axis="y", visible=False)
    above = int((rows["ltv_to_cac"] >= minimum).sum())
    title = phrase(
        "chart.ltv", fmt.lang, above=above, n=len(rows), min=fmt.ratio(minimum), months=months
    )
    return finish(ax, title)


@styled
def projected_curves(
    curves: pd.DataFrame,
    result: pd.DataFrame,
    *,
    cohorts: list[str],
    fmt: Formatter | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Cumulative margin per customer of *cohorts*: observed solid, projected dashed, CAC dotted.

    *curves* is ``projected_cohort_value(...).curves`` (its ``projected`` column
    says which months are model expectation); *result* is
    :func:`kpilib.projected_payback` output, for each cohort's CAC and
    projected CLV. The title reads the first cohort.
    """
    fmt = fmt_or_default(fmt)
    ax = new_axes(ax, height=3.4)
    sym = fmt.currency_symbol
    present = [c for c in cohorts if curves is not None and c in set(curves["cohort"])]
    if not present:
        return empty(ax, fmt, "no_orders", phrase("chart.curves.y", fmt.lang, sym=sym))
    info = result.set_index("cohort") if result is not None else pd.DataFrame()
    col = "projected_cumulative_margin_per_customer"
    for colour, cohort in zip(SERIES, present, strict=False):
        rows = curves[curves["cohort"] == cohort].sort_values("months_since")
        seen = rows[~rows["projected"]]
        # the projected line starts at the last observed month, so the two join
        ahead = pd.concat([seen.tail(1), rows[rows["projected"]]])
        ax.plot(
            seen["months_since"],
            seen[col],
            color=colour,
            linewidth=2.2,
            label=fmt.month_short(cohort),
        )
        ax.plot(ahead["months_since"], ahead[col], color=colour, linewidth=1.6, linestyle="--")
        if cohort in info.index and pd.notna(info.loc[cohort, "cac"]):
            ax.axhline(info.loc[cohort, "cac"], color=colour, linestyle=":", linewidth=1.2)
    ax.plot([], [], "k-", linewidth=2.2, label=phrase("chart.proj.observed", fmt.lang))
    ax.plot([], [], "k--", linewidth=1.6, label=phrase("chart.proj.projected", fmt.lang))
    ax.plot([], [], "k:", linewidth=1.2, label=phrase("chart.curves.cac", fmt.lang))
    money_axis(ax.yaxis, fmt)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(phrase("chart.curves.x", fmt.lang))
    ax.set_ylabel(phrase("chart.curves.y", fmt.lang, sym=sym))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    first = curves[curves["cohort"] == present[0]]
    horizon = int(first["months_since"].max())
    # "so far" is the margin seen up to as_of, the figure the narrative calls observed
    so_far = info.loc[present[0], "clv"] if present[0] in info.index else np.nan
    title = phrase(
        "chart.proj",
        fmt.lang,
        cohort=fmt.month(present[0]),
        value=fmt.money(first.loc[first["months_since"] == horizon, col].iloc[0]),
        horizon=horizon,
        observed=fmt.money(so_far),
    )
    return finish(ax, title)
