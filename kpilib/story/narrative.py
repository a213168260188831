"""Narrative built from the KPI frames, in English or French.

Every sentence is filled from a KPI frame and formatted by a
:class:`~kpilib.story.format.Formatter` (Babel): nothing is typed by hand. The text
is honest about uncertainty: a change inside its confidence interval is not
called a rise or a drop, an immature cohort is said to be one, a missing
target is said to be missing.

The builders return :class:`Narrative` objects, which display as HTML in
Jupyter and in the report. All text is escaped when rendered, so a source
named ``<script>`` shows as text.

The sentences themselves live in :mod:`kpilib.story.phrases`; the summary page's
tiles and findings in :mod:`kpilib.story.summary`; the objectives page renders
its section in :mod:`kpilib.story.objectives` (``objectives_text``), the funnel
page in :mod:`kpilib.story.funnel` (``funnel_text``), both re-exported here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpilib.data.periods import parse_period
from kpilib.story.blocks import Heading, Narrative, _cap, label, metric_name, months_text
from kpilib.story.format import Formatter, formatter
from kpilib.story.funnel import funnel_text
from kpilib.story.notes import appendix, definitions
from kpilib.story.phrases import CATEGORIES, METRICS, phrase
from kpilib.story.summary import Tiles, findings, tiles
from kpilib.story.value import projected_value

__all__ = [
    "Narrative",
    "Heading",
    "Formatter",
    "formatter",
    "heading",
    "subheading",
    "objectives",
    "acquisition",
    "projected_value",
    "funnel_text",
    "appendix",
    "label",
    "metric_name",
    "definitions",
    "tiles",
    "findings",
    "Tiles",
]


def _value(fmt: Formatter, metric: str, value: float) -> str:
    return fmt.money(value) if metric == "revenue" else fmt.number(value)


def heading(
    section: str,
    fmt: Formatter,
    *,
    company: str,
    period: str,
    as_of: Any,
    level: int = 1,
    cover: bool = False,
) -> Heading:
    """The localized title of a section with company, month and as-of date.

    Examples
    --------
    >>> h = heading("funnel", Formatter(), company="Acme", period="2026-10", as_of="2026-10-31")
    >>> h.text, h.subtitle
    ('Lead funnel', 'Acme · October 2026 · data as of 31 October 2026')
    """
    month = fmt.month(period)
    sub = phrase("subtitle", fmt.lang, company=company, month=month, date=fmt.date(as_of))
    return Heading(phrase(f"title.{section}", fmt.lang, month=month), level, sub, cover)


def subheading(key: str, fmt: Formatter) -> Heading:
    """A level-2 heading from the phrase catalogue (e.g. "findings")."""
    return Heading(phrase(key, fmt.lang), 2)


# --- objectives ---------------------------------------------------------------


def _ratio_col(rows: pd.DataFrame) -> pd.Series:
    """Projected attainment where the period is open, else attainment."""
    return rows["projected_attainment"].fillna(rows["attainment"])


def objectives(att: pd.DataFrame, fmt: Formatter, *, period: str, as_of: Any = None) -> Narrative:
    """What the objectives say: targets met or on track, the worst gap, teams, realism.

    *att* is :func:`kpilib.kpis.objectives.attainment` output (rows of other
    periods are ignored). A closed period is told by attainment, an open one
    by projection and status.
    """
    lang, out = fmt.lang, Narrative()
    month = fmt.month(period)
    rows = att[att["period"] == period] if len(att) else att
    company = rows[rows["scope"] == "company"] if len(rows) else rows
    if not len(company):
        out.sentences.append(phrase("obj.no_targets", lang, month=month))
        return out
    company = company.assign(ratio=_ratio_col(company)).reset_index(drop=True)
    is_open = company["status"].notna().any()
    n = len(company)
    if is_open:
        ok = int((company["status"] == "on track").sum())
        out.sentences.append(
            phrase("obj.open", lang, ok=ok, n=n, month=month, date=fmt.date(as_of))
        )
    else:
        met = int((company["attainment"] >= 1).sum())
        out.sentences.append(phrase("obj.closed", lang, met=met, n=n, month=month))
    valid = company[company["ratio"].notna()]
    if len(valid):
        worst = valid.loc[valid["ratio"].idxmin()]
        values = {
            "Metric": _cap(metric_name(worst["metric"], lang)),
            "actual": _value(fmt, worst["metric"], worst["actual"]),
            "target": _value(fmt, worst["metric"], worst["target"]),
            "att": fmt.percent(worst["attainment"]),
            "gap": _value(fmt, worst["metric"], worst["gap"]),
        }
        if is_open:
            values.update(
                projected=_value(fmt, worst["metric"], worst["projected"]),
                patt=fmt.percent(worst["projected_attainment"]),
                status=phrase(f"status.{worst['status']}", lang),
                required=_value(fmt, worst["metric"], worst["required_per_business_day"]),
            )
            out.sentences.append(phrase("obj.worst.open", lang, **values))
        else:
            out.sentences.append(phrase("obj.worst.closed", lang, **values))
            best = valid.loc[valid["ratio"].idxmax()]
            if best["metric"] != worst["metric"]:
                out.sentences.append(
                    phrase(
                        "obj.best.closed",
                        lang,
                        Metric=_cap(metric_name(best["metric"], lang)),
                        att=fmt.percent(best["attainment"]),
                        actual=_value(fmt, best["metric"], best["actual"]),
                        target=_value(fmt, best["metric"], best["target"]),
                    )
                )
    teams = rows[(rows["scope"] == "team")]
    if len(teams):
        teams = teams.assign(ratio=_ratio_col(teams)).dropna(subset=["ratio"])
        metric = "revenue" if (teams["metric"] == "revenue").any() else teams["metric"].iloc[0]
        mt = teams[teams["metric"] == metric]
        if len(mt) >= 2:
            best, worst = mt.loc[mt["ratio"].idxmax()], mt.loc[mt["ratio"].idxmin()]
            out.sentences.append(
                phrase(
                    "obj.teams",
                    lang,
                    best=label(best["team"]),
                    worst=label(worst["team"]),
                    metric=metric_name(metric, lang),
                    att_best=fmt.percent(best["ratio"]),
                    att_worst=fmt.percent(worst["ratio"]),
                )
            )
    realism = company.dropna(subset=["realism"])
    if len(realism):
        top = realism.loc[realism["realism"].idxmax()]
        if top["realism"] > 1.15:
            out.sentences.append(
                phrase(
                    "obj.realism.high",
                    lang,
                    metric=metric_name(top["metric"], lang),
                    ratio=fmt.percent(top["realism"]),
                )
            )
        else:
            out.sentences.append(phrase("obj.realism.ok", lang, ratio=fmt.percent(top["realism"])))
    missing = [m for m in METRICS["en"] if m not in set(company["metric"])]
    if missing:
        names = ", ".join(metric_name(m, lang) for m in missing)
        out.sentences.append(phrase("obj.missing", lang, what=names))
    if not (rows["scope"] == "rep").any():
        out.sentences.append(phrase("obj.missing", lang, what=phrase("obj.reps", lang)))
    return out


# --- acquisition and value ----------------------------------------------------


def acquisition(
    cac_frame: pd.DataFrame,
    fmt: Formatter,
    *,
    period: str,
    payback: pd.DataFrame | None = None,
    payback_by_channel: pd.DataFrame | None = None,
    ltv_to_cac_min: float = 3.0,
    horizon: int = 12,
) -> Narrative:
    """CAC of the period against the previous one, channels, cost mix, payback, LTV:CAC.

    *cac_frame* is :func:`kpilib.kpis.acquisition.cac` over several periods (the
    period and the one before at least); *payback* and *payback_by_channel*
    are :func:`kpilib.kpis.value.payback` output, blended and by channel (None or
    empty when the dataset has no orders).
    """
    lang, out = fmt.lang, Narrative()
    month = fmt.month(period)
    if cac_frame is None or not len(cac_frame):
        out.sentences.append(phrase("cac.no_costs", lang))
    else:
        blended = cac_frame[cac_frame["channel"].isna()].set_index("period")
        if period in blended.index:
            now = blended.loc[period]
            if pd.isna(now["cac"]):
                out.sentences.append(
                    phrase("cac.none", lang, month=month, cost=fmt.money(now["cost"]))
                )
            else:
                out.sentences.append(
                    phrase(
                        "cac.blended",
                        lang,
                        cac=fmt.money(now["cac"]),
                        month=month,
                        cost=fmt.money(now["cost"]),
                        n=fmt.number(now["new_customers"]),
                    )
                )
                prev = parse_period(period).shift(-1).label
                if prev in blended.index and pd.notna(blended.loc[prev, "cac"]):
                    before = blended.loc[prev, "cac"]
                    out.sentences.append(
                        phrase(
                            "cac.change",
                            lang,
                            change=fmt.change(now["cac"] / before - 1),
                            prev=fmt.month(prev),
                            prev_cac=fmt.money(before),
                        )
                    )
            shares = {
                c: now[f"cost_{c}"] / now["cost"]
                for c in ("salaries", "bonuses", "expenses", "campaigns", "other")
                if f"cost_{c}" in now and now["cost"] > 0
            }
            if shares:
                top = max(shares, key=lambda c: shares[c])
                name = CATEGORIES[lang][top]
                out.sentences.append(
                    phrase(
                        "cac.breakdown",
                        lang,
                        Category=_cap(name),
                        category=name,
                        share=fmt.percent(shares[top]),
                    )
                )
        channels = cac_frame[(cac_frame["period"] == period) & cac_frame["channel"].notna()]
        channels = channels.dropna(subset=["cac"])
        if len(channels) >= 2:
            high = channels.loc[channels["cac"].idxmax()]
            low = channels.loc[channels["cac"].idxmin()]
            out.sentences.append(
                phrase(
                    "cac.channels",
                    lang,
                    high=_cap(label(high["channel"])),
                    high_cac=fmt.money(high["cac"]),
                    low=label(low["channel"]),
                    low_cac=fmt.money(low["cac"]),
                )
            )
    if payback is None or not len(payback):
        out.sentences.append(phrase("ltv.no_orders", lang))
        return out
    # payback and LTV:CAC are read on the cohort *horizon* months old (or the oldest)
    observed = payback[payback["cohort"] <= period]["months_observed"]
    months = min(horizon, int(observed.max())) if len(observed) else 0
    cohort = parse_period(period).shift(-months).label
    own = payback[payback["cohort"] == cohort]
    if len(own) and pd.notna(own["cac"].iloc[0]):
        row = own.iloc[0]
        key = "pb.paid" if pd.notna(row["payback_months"]) else "pb.not_yet"
        if key == "pb.paid" and row["payback_months"] == 0:
            key = "pb.first"
        n = row["payback_months"] if key == "pb.paid" else row["months_observed"]
        out.sentences.append(
            phrase(
                key,
                lang,
                cohort=fmt.month(cohort),
                cac=fmt.money(row["cac"]),
                months=months_text(n, fmt),
            )
        )
    if payback_by_channel is not None and len(payback_by_channel):
        rows = payback_by_channel[payback_by_channel["cohort"] == cohort].dropna(
            subset=["ltv_to_cac"]
        )
        blended = payback[payback["cohort"] == cohort]
        if len(rows) and len(blended):
            below = rows[rows["ltv_to_cac"] < ltv_to_cac_min]
            if len(below) == 1:
                count = label(below["channel"].iloc[0]) + (" is" if lang == "en" else " est")
            elif len(below) == 0:
                count = phrase("none", lang) + (" is" if lang == "en" else " n’est")
            else:
                count = phrase("ltv.count", lang, n=len(below), total=len(rows))
            out.sentences.append(
                phrase(
                    "ltv.channels",
                    lang,
                    months=months_text(months, fmt),
                    ratio=fmt.ratio(blended["ltv_to_cac"].iloc[0]),
                    below=count,
                    min=fmt.ratio(ltv_to_cac_min),
                )
            )
        out.sentences.append(phrase("ltv.immature", lang))
    return out
