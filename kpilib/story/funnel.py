"""The funnel page's narrative, rendered from :class:`~kpilib.sections.funnel.FunnelSection`.

Every figure is a fact of the section formatted by :func:`~kpilib.story.render.fact_text`;
nothing here computes one. The text says which cohort it reads, that an immature cohort
will still rise, and calls a change a rise or a fall only beyond chance.
"""

from __future__ import annotations

from kpilib.sections.funnel import FunnelSection
from kpilib.sections.model import Fact
from kpilib.story.blocks import Narrative, _cap
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text, name_text

__all__ = ["funnel_text", "cohort_title"]


def _rate(f: Fact, fmt: Formatter) -> str:
    """A conversion rate with one decimal: funnel rates are a few percent."""
    return fact_text(f, fmt, 1)


def cohort_title(section: FunnelSection, fmt: Formatter) -> str:
    """The cohort the page's charts show: "Lead cohort of July 2026 (mature)"."""
    key = "immature" if section.conversion_immature else "mature"
    return phrase(f"funnel.chart.cohort.{key}", fmt.lang, month=fmt.month(section.cohort))


def _current(section: FunnelSection, fmt: Formatter) -> list[str]:
    lang, month = fmt.lang, fmt.month(section.period)
    if not section.leads.known or section.leads.value == 0:
        return [phrase("funnel.empty", lang, month=month)]
    out = [
        phrase(
            "funnel.current",
            lang,
            n=fact_text(section.leads, fmt),
            month=month,
            conv=_rate(section.current_conversion, fmt),
            sales=fact_text(section.sales, fmt),
        )
    ]
    if section.current_immature and section.window.known:
        out.append(phrase("funnel.current.immature", lang, n=fact_text(section.window, fmt)))
    return out


def _shown(section: FunnelSection, fmt: Formatter) -> list[str]:
    lang = fmt.lang
    if section.conversion_immature:
        if not section.window.known:
            return []
        return [phrase("funnel.no_mature", lang, n=fact_text(section.window, fmt))]
    out = []
    if section.cohort != section.period and section.mature_leads.value:
        out.append(
            phrase(
                "funnel.mature",
                lang,
                month=fmt.month(section.cohort),
                conv=_rate(section.conversion, fmt),
                sales=fact_text(section.mature_sales, fmt),
                leads=fact_text(section.mature_leads, fmt),
            )
        )
    before = section.previous_conversion
    if before is not None and before.period is not None:
        key = "differs" if section.conversion_significant else "noise"
        out.append(
            phrase(
                f"funnel.previous.{key}",
                lang,
                month=fmt.month(before.period),
                conv=_rate(before, fmt),
            )
        )
    return out


def _leaks(section: FunnelSection, fmt: Formatter) -> list[str]:
    lang, out = fmt.lang, []
    leak = section.leak
    if leak is not None:
        out.append(
            phrase(
                "funnel.leak",
                lang,
                a=name_text("stage", leak.stage, fmt),
                b=name_text("stage", leak.next_stage, fmt),
                n=fact_text(leak.lost, fmt),
                share=fact_text(leak.share, fmt),
            )
        )
    best, worst = section.best, section.worst
    if best is not None and worst is not None:
        out.append(
            phrase(
                "funnel.sources",
                lang,
                best=_cap(name_text("source", best.source, fmt)),
                best_conv=_rate(best.conversion, fmt),
                best_low=_rate(best.ci_low, fmt),
                best_high=_rate(best.ci_high, fmt),
                worst=name_text("source", worst.source, fmt),
                worst_conv=_rate(worst.conversion, fmt),
                worst_low=_rate(worst.ci_low, fmt),
                worst_high=_rate(worst.ci_high, fmt),
            )
        )
        key = "differ" if section.sources_differ else "noise"
        out.append(phrase(f"funnel.sources.{key}", lang))
    if section.lost_source is not None and section.lost_source_value is not None:
        out.append(
            phrase(
                "funnel.value",
                lang,
                source=_cap(name_text("source", section.lost_source, fmt)),
                value=fact_text(section.lost_source_value, fmt),
            )
        )
    if section.lost_stage is not None and section.lost_stage_value is not None:
        out.append(
            phrase(
                "funnel.value.stage",
                lang,
                stage=name_text("stage", section.lost_stage, fmt),
                value=fact_text(section.lost_stage_value, fmt),
            )
        )
    return out


def _trend(section: FunnelSection, fmt: Formatter) -> list[str]:
    lang, out = fmt.lang, []
    if not len(section.trend):
        return out
    v = section.verdict
    if v is None:
        out.append(phrase("funnel.trend.few", lang))
    else:
        out.append(
            phrase(
                f"funnel.trend.{v.direction}",
                lang,
                n=fact_text(v.cohorts, fmt),
                first=_rate(v.first, fmt),
                last=_rate(v.last, fmt),
                m1=fmt.month(v.first.period),
                m2=fmt.month(v.last.period),
            )
        )
    if section.immature_cohorts and section.window.known:
        months = ", ".join(fmt.month(c) for c in section.immature_cohorts)
        out.append(
            phrase("funnel.trend.immature", lang, n=fact_text(section.window, fmt), months=months)
        )
    return out


def funnel_text(section: FunnelSection, fmt: Formatter) -> Narrative:
    """The funnel page's sentences: the period's cohort so far (and whether it is
    immature), the conversion window when derived from the data, the mature cohort
    shown and the one before it, its leak, sources and lost value (only when that
    cohort is mature), the trend over mature cohorts and the immature cohorts drawn
    apart."""
    sentences = _current(section, fmt)
    if section.window_derived and section.window_share is not None:
        sentences.append(
            phrase(
                "funnel.window.derived",
                fmt.lang,
                share=fact_text(section.window_share, fmt),
                n=fact_text(section.window, fmt),
            )
        )
    sentences += _shown(section, fmt)
    if not section.conversion_immature:  # an immature cohort's leaks are still moving
        sentences += _leaks(section, fmt)
    sentences += _trend(section, fmt)
    return Narrative(sentences)
