"""The sales cycle sentences of the funnel page, from :class:`~kpilib.sections.cycle.CycleSection`.

Every figure is a fact of the section formatted by :func:`~kpilib.story.render.fact_text`;
nothing here computes one. An open month's cycle is said to be so far; the trend is
stated only when it moved beyond chance over the closed months.
"""

from __future__ import annotations

from kpilib.sections.cycle import CycleSection
from kpilib.sections.model import Fact
from kpilib.story.blocks import Narrative
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text

__all__ = ["cycle_text", "days_text"]


def days_text(f: Fact, fmt: Formatter) -> str:
    """A number of days with its word, in whole days: "35 days", "1 jour".

    Examples
    --------
    >>> from kpilib.sections.model import fact
    >>> days_text(fact(34.6, "days", "actual", "2026-10", "t"), Formatter())
    '35 days'
    >>> days_text(fact(1.2, "days", "actual", "2026-10", "t"), Formatter(lang="fr"))
    '1 jour'
    """
    n = fact_text(f, fmt)
    return phrase("cycle.days", fmt.lang, n=n) if f.known else n


def cycle_text(section: CycleSection, fmt: Formatter) -> Narrative:
    """The period's sales cycle (median and 80th percentile) and its trend when it moved.

    Parameters
    ----------
    section
        The cycle section of the report model.
    fmt
        The formatter of the report's language and locale.

    Returns
    -------
    Narrative
        One or two sentences.
    """
    lang, month = fmt.lang, fmt.month(section.period)
    if not section.median.known:
        return Narrative([phrase("cycle.none", lang, month=month)])
    out = [
        phrase(
            "cycle.open" if section.open else "cycle.closed",
            lang,
            month=month,
            median=days_text(section.median, fmt),
            p80=days_text(section.p80, fmt),
            sales=fact_text(section.sales, fmt),
        )
    ]
    if section.truncated and section.window.known:
        out.append(phrase("cycle.truncated", lang, month=month, n=fact_text(section.window, fmt)))
    v = section.verdict
    if v is not None and v.direction != "flat":
        out.append(
            phrase(
                f"cycle.trend.{v.direction}",
                lang,
                first=days_text(v.first, fmt),
                last=days_text(v.last, fmt),
                m1=fmt.month(str(v.first.period)),
                m2=fmt.month(str(v.last.period)),
                n=fact_text(v.months, fmt),
            )
        )
    return Narrative(out)
