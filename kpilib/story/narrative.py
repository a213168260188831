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
tiles and findings in :mod:`kpilib._summary_text`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpilib.sections.highlights import differs
from kpilib.story.acquisition import acquisition_text, projection_text
from kpilib.story.blocks import Heading, Narrative, _cap, label, metric_name
from kpilib.story.format import Formatter, formatter
from kpilib.story.notes import appendix, definitions
from kpilib.story.phrases import METRICS, STAGES, phrase
from kpilib.story.summary import Tiles, findings, tiles

__all__ = [
    "Narrative",
    "Heading",
    "Formatter",
    "formatter",
    "heading",
    "subheading",
    "objectives",
    "acquisition_text",
    "projection_text",
    "funnel",
    "appendix",
    "label",
    "metric_name",
    "differs",
    "definitions",
    "tiles",
    "findings",
    "Tiles",
]


def _stage(stage: str, lang: str) -> str:
    return STAGES[lang].get(stage, label(stage))


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


# --- funnel ---------------------------------------------------------------------


def funnel(
    current: pd.DataFrame,
    fmt: Formatter,
    *,
    period: str,
    mature: pd.DataFrame | None = None,
    mature_cohort: str | None = None,
    by_source: pd.DataFrame | None = None,
    lost: pd.DataFrame | None = None,
    trend: pd.DataFrame | None = None,
    window_days: int | None = None,
) -> Narrative:
    """The period's cohort so far, the latest mature cohort's leaks, sources and trend.

    *current* and *mature* are :func:`kpilib.kpis.funnel.funnel` frames (no *by*);
    *by_source* is :func:`kpilib.kpis.funnel.funnel_trend` by source restricted to
    one cohort (leads, converted, overall_conversion, ci_low, ci_high);
    *lost* is :func:`kpilib.sections.highlights.lost_value`; *trend* is
    :func:`kpilib.kpis.funnel.funnel_trend` without *by*.
    """
    lang, out = fmt.lang, Narrative()
    month = fmt.month(period)
    if current is None or not len(current) or current["reached"].iloc[0] == 0:
        out.sentences.append(phrase("fun.empty", lang, month=month))
    else:
        out.sentences.append(
            phrase(
                "fun.overall",
                lang,
                leads=fmt.number(current["reached"].iloc[0]),
                month=month,
                sales=fmt.number(current["reached"].iloc[-1]),
                conv=fmt.percent(current["overall_conversion"].iloc[-1], 1),
            )
        )
        if bool(current["immature"].iloc[0]) and window_days:
            out.sentences.append(phrase("fun.immature", lang, days=window_days))
    if (
        mature is not None
        and len(mature)
        and mature["reached"].iloc[0] > 0
        and mature_cohort != period
    ):
        out.sentences.append(
            phrase(
                "fun.mature",
                lang,
                month=fmt.month(mature_cohort or period),
                leads=fmt.number(mature["reached"].iloc[0]),
                conv=fmt.percent(mature["overall_conversion"].iloc[-1], 1),
            )
        )
    base = mature if mature is not None and len(mature) else current
    if base is not None and len(base) > 1 and base["lost"].sum() > 0:
        i = int(base["lost"].to_numpy().argmax())
        out.sentences.append(
            phrase(
                "fun.leak",
                lang,
                a=_stage(base["stage"].iloc[i], lang),
                b=_stage(base["stage"].iloc[min(i + 1, len(base) - 1)], lang),
                lost=fmt.number(base["lost"].iloc[i]),
                share=fmt.percent(base["lost_share"].iloc[i]),
            )
        )
    if by_source is not None and len(by_source.dropna(subset=["overall_conversion"])) >= 2:
        src = by_source.dropna(subset=["overall_conversion"])
        best = src.loc[src["overall_conversion"].idxmax()]
        worst = src.loc[src["overall_conversion"].idxmin()]
        out.sentences.append(
            phrase(
                "fun.sources",
                lang,
                best=_cap(label(best["source"])),
                best_conv=fmt.percent(best["overall_conversion"], 1),
                best_ci=f"{fmt.percent(best['ci_low'], 1)}–{fmt.percent(best['ci_high'], 1)}",
                worst=label(worst["source"]),
                worst_conv=fmt.percent(worst["overall_conversion"], 1),
                worst_ci=f"{fmt.percent(worst['ci_low'], 1)}–{fmt.percent(worst['ci_high'], 1)}",
            )
        )
        if not differs(best["converted"], best["leads"], worst["converted"], worst["leads"]):
            out.sentences.append(phrase("fun.sources.overlap", lang))
    if lost is not None and len(lost) and lost["lost_value"].sum() > 0:
        per = lost.groupby("source", sort=True)["lost_value"].sum()
        out.sentences.append(
            phrase("fun.value", lang, source=_cap(label(per.idxmax())), value=fmt.money(per.max()))
        )
        by_stage = lost.groupby("stage", sort=False)["lost_value"].sum()
        out.sentences.append(
            phrase(
                "fun.value.stage",
                lang,
                stage=_stage(by_stage.idxmax(), lang),
                value=fmt.money(by_stage.max()),
            )
        )
    if trend is not None and len(trend):
        ripe = trend[~trend["immature"].astype(bool)]
        if len(ripe) >= 2:
            a, b = ripe.iloc[0], ripe.iloc[-1]
            if differs(a["converted"], a["leads"], b["converted"], b["leads"]):
                key = (
                    "fun.trend.up"
                    if b["overall_conversion"] > a["overall_conversion"]
                    else "fun.trend.down"
                )
            else:
                key = "fun.trend.flat"
            out.sentences.append(
                phrase(
                    key,
                    lang,
                    n=len(ripe),
                    first=fmt.percent(a["overall_conversion"], 1),
                    last=fmt.percent(b["overall_conversion"], 1),
                    m1=fmt.month(a["cohort"]),
                    m2=fmt.month(b["cohort"]),
                )
            )
        k = int(trend["immature"].astype(bool).sum())
        if k:
            out.sentences.append(phrase("fun.trend.immature", lang, k=k))
    return out
