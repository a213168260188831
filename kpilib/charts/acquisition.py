"""Charts of acquisition cost and customer value: CAC, cost mix, cohort curves, LTV:CAC.

Each chart draws the frames of an
:class:`~kpilib.sections.acquisition.AcquisitionSection` and its title states
the section's facts through :func:`~kpilib.story.render.fact_text`: nothing
here computes a figure. :func:`cac_trend` and :func:`cost_breakdown` also
draw a bare :func:`kpilib.cac` frame in a notebook, under a plain title.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from kpilib.charts._base import (
    OKABE_ITO,
    SERIES,
    FrameInput,
    check_section,
    empty,
    finish,
    fmt_or_default,
    money_axis,
    new_axes,
    styled,
)
from kpilib.data.periods import parse_period
from kpilib.errors import ParameterError
from kpilib.sections.acquisition import AcquisitionSection
from kpilib.story.acquisition import projection_text, size
from kpilib.story.blocks import _cap, months_text
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import below_text, fact_text

__all__ = ["cac_trend", "cost_breakdown", "cohort_curves", "ltv_to_cac", "projected_curves"]

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
    step = max(1, -(-len(labels) // 7))  # at most 7 labels: readable on A4
    ticks = list(range(len(labels) - 1, -1, -step))[::-1]  # the period's month is labelled
    ax.set_xticks(ticks, [fmt.month_short(labels[i]) for i in ticks])


def _hollow_key(ax: Axes, marker: str, text: str) -> None:
    """A legend entry for a marker drawn in the series' colours: hollow, black edge."""
    ax.plot([], [], marker, color="white", markeredgecolor="black", label=text)


_CAC = "kpilib.cac(leads, costs)"


def _source(
    source: AcquisitionSection | pd.DataFrame | None,
    period: str | None,
    chart: str,
    columns: list[str],
) -> tuple[AcquisitionSection | None, pd.DataFrame | None, str]:
    """The section (or None), its CAC frame and its period, from a section or a frame
    of :func:`kpilib.cac` (checked: a pandas DataFrame with *columns*, and a *period*)."""
    if isinstance(source, AcquisitionSection):
        return source, source.cac_frame, source.period
    FrameInput(chart, "source", tuple(columns), _CAC, "report.acquisition").check(source)
    if period is None:
        raise ParameterError(
            f"charts.{chart}: period is required when drawing a frame of {_CAC} rather than "
            f'report.acquisition; pass period="2026-10", the last month to show.'
        )
    return None, source, period


def _cac_title(sec: AcquisitionSection, fmt: Formatter) -> str:
    month, lang = fmt.month(sec.period), fmt.lang
    cac = fact_text(sec.cac, fmt)
    if not sec.cac.known:
        # no new customer (yet): the cost has no customer to be divided by
        key = "acq.chart.cac.none.mtd" if sec.month_to_date else "acq.chart.cac.none"
        return phrase(key, lang, month=month, cost=fact_text(sec.cost, fmt))
    if sec.month_to_date:
        prev = sec.previous_cac
        if prev is None or not prev.known:
            return phrase("acq.chart.cac.mtd.alone", lang, cac=cac, month=month)
        return phrase(
            "acq.chart.cac.mtd",
            lang,
            cac=cac,
            month=month,
            prev=fmt.month(sec.previous_period),
            prev_cac=fact_text(prev, fmt),
        )
    change = sec.cac_change
    if change is None or change.value == 0:
        return phrase("acq.chart.cac.flat", lang, cac=cac, month=month)
    key = "acq.chart.cac.up" if change.value > 0 else "acq.chart.cac.down"
    return phrase(key, lang, change=fact_text(size(change), fmt), cac=cac, month=month)


@styled
def cac_trend(
    source: AcquisitionSection | pd.DataFrame | None,
    *,
    period: str | None = None,
    fmt: Formatter | None = None,
    months: int = 12,
    ax: Axes | None = None,
) -> Axes:
    """Blended CAC (black) and CAC per channel over the last *months* months.

    An open month (month-to-date CAC) is drawn apart: a hollow point off the
    lines, labelled month to date. The title states the section's CAC, its
    change when comparable; on a bare frame it names the chart.
    """
    fmt = fmt_or_default(fmt)
    sec, frame, period = _source(source, period, "cac_trend", ["period", "channel", "cac"])
    ax = new_axes(ax, height=3.4)
    if frame is None or not len(frame):
        return empty(ax, fmt, "no_costs", phrase("tile.cac", fmt.lang))
    frame = _last_months(frame, period, months)
    labels = sorted(frame["period"].unique())
    x = {p: i for i, p in enumerate(labels)}
    is_open = sec is not None and sec.month_to_date
    lines = frame[frame["period"] != period] if is_open else frame
    channels = sorted(frame["channel"].dropna().unique())
    for colour, channel in zip(SERIES * 3, channels, strict=False):
        rows = lines[lines["channel"] == channel]
        ax.plot(
            rows["period"].map(x),
            rows["cac"],
            color=colour,
            linewidth=1.3,
            marker="o",
            markersize=2.5,
            label=fmt.label(channel),
        )
    blended = lines[lines["channel"].isna()]
    ax.plot(
        blended["period"].map(x),
        blended["cac"],
        color=OKABE_ITO["black"],
        linewidth=2.6,
        label=phrase("chart.cac.blended", fmt.lang),
    )
    if is_open and sec is not None and sec.cac.known:
        ax.plot(
            [x[period]],
            [sec.cac.value],
            "o",
            markersize=8,
            markerfacecolor="white",
            markeredgecolor=OKABE_ITO["black"],
            markeredgewidth=1.8,
            label=phrase("acq.chart.cac.mtd.label", fmt.lang),
        )
    _month_ticks(ax, labels, fmt)
    money_axis(ax.yaxis, fmt)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(phrase("chart.cac.y", fmt.lang, sym=fmt.currency_symbol))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    title = _cac_title(sec, fmt) if sec is not None else phrase("sec.acq.cac", fmt.lang)
    return finish(ax, title)


@styled
def cost_breakdown(
    source: AcquisitionSection | pd.DataFrame | None,
    *,
    period: str | None = None,
    fmt: Formatter | None = None,
    months: int = 12,
    ax: Axes | None = None,
) -> Axes:
    """Acquisition cost per month stacked by category (salaries, bonuses, expenses, campaigns).

    The title states the section's largest category share; on a bare frame it
    names the chart.
    """
    fmt = fmt_or_default(fmt)
    costs = [f"cost_{c}" for c in _CATEGORY_COLOURS]
    sec, frame, period = _source(source, period, "cost_breakdown", ["period", "channel", *costs])
    ax = new_axes(ax, height=3.0)
    y_label = phrase("chart.costs.y", fmt.lang, sym=fmt.currency_symbol)
    if frame is None or not len(frame):
        return empty(ax, fmt, "no_costs", y_label)
    frame = _last_months(frame[frame["channel"].isna()], period, months).sort_values("period")
    bottom = pd.Series(0.0, index=frame.index)
    for category, colour in _CATEGORY_COLOURS.items():
        values = frame[f"cost_{category}"].fillna(0).astype("float64")
        if not (values > 0).any():
            continue
        name = fmt.label(category, "category")
        ax.bar(range(len(frame)), values, bottom=bottom, color=colour, width=0.75, label=name)
        bottom = bottom + values
    _month_ticks(ax, frame["period"].tolist(), fmt)
    money_axis(ax.yaxis, fmt)
    ax.set_ylabel(y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="x", visible=False)
    title = phrase("sec.acq.costs", fmt.lang)
    if sec is not None and sec.top_category is not None:
        name = fmt.label(sec.top_category, "category")
        title = phrase(
            "acq.chart.costs",
            fmt.lang,
            Category=_cap(name),
            category=name,
            share=fact_text(sec.cost_shares[sec.top_category], fmt),
            month=fmt.month(sec.period),
        )
    return finish(ax, title)


def _payback_title(sec: AcquisitionSection, fmt: Formatter) -> str:
    cost = sec.cohort_cac
    if sec.ltv_cohort is None or cost is None or not cost.known:
        return phrase("sec.acq.payback", fmt.lang)
    values = {"cohort": fmt.month(sec.ltv_cohort), "cac": fact_text(cost, fmt)}
    if sec.payback.known:
        key = "acq.chart.payback.first" if sec.payback.value == 0 else "acq.chart.payback.paid"
        months = sec.payback
    else:
        key, months = "acq.chart.payback.not_yet", sec.payback_observed
    return phrase(key, fmt.lang, months=fact_text(months, fmt) if months else "—", **values)


@styled
def cohort_curves(
    section: AcquisitionSection, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Cumulative margin per customer of the section's ``curve_cohorts``, each with its
    CAC (dashed, its colour) and payback month (a dot); the title states the payback of
    the cohort payback and LTV:CAC are read on."""
    fmt = fmt_or_default(fmt)
    check_section(section, AcquisitionSection, chart="cohort_curves", field="report.acquisition")
    ax = new_axes(ax, height=3.4)
    values = section.cohort_value_frame
    sym = fmt.currency_symbol
    if values is None or not len(values) or not section.curve_cohorts:
        return empty(ax, fmt, "no_orders", phrase("chart.curves.y", fmt.lang, sym=sym))
    paid = section.payback_frame
    costs = paid.set_index("cohort") if paid is not None and len(paid) else pd.DataFrame()
    for colour, cohort in zip(SERIES, section.curve_cohorts, strict=False):
        rows = values[values["cohort"] == cohort].sort_values("months_since")
        curve = rows["cumulative_margin_per_customer"]
        ax.plot(
            rows["months_since"], curve, color=colour, linewidth=2, label=fmt.month_short(cohort)
        )
        if cohort in costs.index and pd.notna(costs.loc[cohort, "cac"]):
            ax.axhline(costs.loc[cohort, "cac"], color=colour, linestyle="--", linewidth=1)
            hit = rows[rows["months_since"] == costs.loc[cohort, "payback_months"]]
            if len(hit):
                ax.plot(
                    hit["months_since"],
                    hit["cumulative_margin_per_customer"],
                    "o",
                    color=colour,
                    markersize=7,
                    markeredgecolor="black",
                )
    ax.plot([], [], "k--", linewidth=1, label=phrase("chart.curves.cac", fmt.lang))
    _hollow_key(ax, "o", phrase("chart.curves.payback", fmt.lang))
    money_axis(ax.yaxis, fmt)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(phrase("chart.curves.x", fmt.lang))
    ax.set_ylabel(phrase("chart.curves.y", fmt.lang, sym=sym))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ax.get_xlim()[1] < 1:  # month 0 only: whole months on the axis, not ±0.04
        ax.set_xlim(-0.5, 1.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return finish(ax, _payback_title(section, fmt))


@styled
def ltv_to_cac(
    section: AcquisitionSection, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """LTV:CAC per channel of the cohort read, against the minimum (3:1) line; the title
    states how many channels fall below it."""
    fmt = fmt_or_default(fmt)
    check_section(section, AcquisitionSection, chart="ltv_to_cac", field="report.acquisition")
    ax = new_axes(ax, height=2.8)
    rows = section.ltv_by_channel
    rows = rows.dropna(subset=["ltv_to_cac"]) if rows is not None else pd.DataFrame()
    minimum = section.ltv_to_cac_min
    below, rated = section.channels_below, section.channels_rated
    # the title counts the channels below the line: without that count it states nothing
    if (
        not len(rows)
        or minimum is None
        or section.ltv_cohort is None
        or below is None
        or rated is None
    ):
        lacks = [t for t in ("orders", "costs") if t in section.missing]
        return empty(ax, fmt, f"no_{lacks[0]}" if lacks else "few", "LTV:CAC")
    rows = rows.sort_values("ltv_to_cac")
    line = minimum.value
    colours = [
        OKABE_ITO["blue"] if v >= line else OKABE_ITO["vermillion"] for v in rows["ltv_to_cac"]
    ]
    y = range(len(rows))
    ax.barh(y, rows["ltv_to_cac"], color=colours)
    ax.axvline(line, color=OKABE_ITO["black"], linewidth=1.2, linestyle="--")
    ax.text(line, -0.6, f" {fact_text(minimum, fmt)}", fontsize=8, va="bottom")
    for yi, channel in zip(y, rows["channel"], strict=True):
        shown = below_text(section.channel_ltv_to_cac[channel], minimum, fmt)
        ax.text(
            section.channel_ltv_to_cac[channel].value, yi, f"  {shown}", va="center", fontsize=8
        )
    ax.set_yticks(y, [fmt.label(c) for c in rows["channel"]])
    ax.set_xlim(0, max(line * 1.3, float(rows["ltv_to_cac"].max()) * 1.25))
    months, cohort = months_text(section.ltv_months, fmt), fmt.month(section.ltv_cohort)
    ax.set_xlabel(phrase("acq.chart.ltv.x", fmt.lang, months=months, cohort=cohort))
    ax.grid(axis="y", visible=False)
    title = phrase(
        "acq.chart.ltv",
        fmt.lang,
        min=fact_text(minimum, fmt),
        months=months,
        cohort=cohort,
        n=fact_text(below, fmt),
        total=fact_text(rated, fmt),
    )
    return finish(ax, title)


@styled
def projected_curves(
    section: AcquisitionSection, *, fmt: Formatter | None = None, ax: Axes | None = None
) -> Axes:
    """Cumulative margin per customer of the projection's cohort and young cohort: observed
    solid, projected dashed (undiscounted), CAC dotted, and the discounted projected CLV at
    the horizon as a diamond, the figure the title and the text state."""
    fmt = fmt_or_default(fmt)
    check_section(section, AcquisitionSection, chart="projected_curves", field="report.acquisition")
    ax = new_axes(ax, height=3.4)
    sym = fmt.currency_symbol
    p = section.projection
    if not p.drawn:
        text = projection_text(section, fmt).text
        return empty(ax, fmt, "no_orders", phrase("sec.acq.projected", fmt.lang), text=text)
    info = p.result.set_index("cohort") if p.result is not None else pd.DataFrame()
    col = "projected_cumulative_margin_per_customer"
    shown = [c for c in (p.cohort, p.young) if c is not None]
    for colour, cohort in zip(SERIES, shown, strict=False):
        rows = p.curves[p.curves["cohort"] == cohort].sort_values("months_since")
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
    if p.value.known and p.horizon.known:
        ax.plot([p.horizon.value], [p.value.value], "D", color=SERIES[0], markeredgecolor="black")
    ax.plot([], [], "k-", linewidth=2.2, label=phrase("chart.proj.observed", fmt.lang))
    ax.plot([], [], "k--", linewidth=1.6, label=phrase("acq.chart.proj.line", fmt.lang))
    _hollow_key(ax, "D", phrase("acq.chart.proj.clv", fmt.lang))
    ax.plot([], [], "k:", linewidth=1.2, label=phrase("chart.curves.cac", fmt.lang))
    money_axis(ax.yaxis, fmt)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(phrase("chart.curves.x", fmt.lang))
    ax.set_ylabel(phrase("chart.curves.y", fmt.lang, sym=sym))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    title = phrase(
        "acq.chart.proj",
        fmt.lang,
        cohort=fmt.month(p.cohort),
        value=fact_text(p.value, fmt),
        horizon=fact_text(p.horizon, fmt),
        rate=fact_text(p.discount_rate, fmt),
        observed=fact_text(p.observed_value, fmt),
    )
    return finish(ax, _cap(title))
