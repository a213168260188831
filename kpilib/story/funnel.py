"""The funnel page's narrative, rendered from :class:`~kpilib.sections.funnel.FunnelSection`.

Every figure is a fact of the section formatted by :func:`~kpilib.story.render.fact_text`;
nothing here computes one. The text says which cohort it reads, that an immature cohort
will still rise, and calls a change a change only beyond chance; the charts' titles
(:mod:`kpilib.charts.funnel`) state the leak, the sources and the trend.
"""

from __future__ import annotations

from kpilib.sections.funnel import FunnelSection
from kpilib.sections.model import Fact
from kpilib.story.blocks import Narrative, _cap
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text, name_text

__all__ = ["funnel_text"]


def _rate(f: Fact, fmt: Formatter) -> str:
    """A conversion rate with one decimal: funnel rates are a few percent."""
    return fact_text(f, fmt, 1)


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


def _value(section: FunnelSection, fmt: Formatter) -> list[str]:
    """The source and the stage whose lost leads were worth the most (no chart states it)."""
    if section.lost_source_value is None or section.lost_stage_value is None:
        return []
    return [
        phrase(
            "funnel.value",
            fmt.lang,
            source=_cap(name_text("source", str(section.lost_source), fmt)),
            value=fact_text(section.lost_source_value, fmt),
            stage=name_text("stage", str(section.lost_stage), fmt),
            stage_value=fact_text(section.lost_stage_value, fmt),
        )
    ]


def funnel_text(section: FunnelSection, fmt: Formatter) -> Narrative:
    """The funnel page's few sentences before its charts.

    The period's cohort so far (and whether it is immature), the conversion
    window when derived from the data, the mature cohort the charts show and
    the one before it, and the value lost by source and stage (only when that
    cohort is mature: an immature cohort's losses are still moving). The
    biggest leak, the sources and the trend are stated by the charts' titles.

    Parameters
    ----------
    section
        The funnel section of the report model.
    fmt
        The formatter of the report's language and locale.

    Returns
    -------
    Narrative
        The sentences, one paragraph.
    """
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
    if not section.conversion_immature:
        sentences += _value(section, fmt)
    return Narrative(sentences)
