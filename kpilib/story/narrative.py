"""The pack's text in English or French, rendered from the report model's sections.

Every sentence is filled from a section's facts and formatted by a
:class:`~kpilib.story.format.Formatter` (Babel): nothing is typed by hand and
nothing is computed here. The text is honest about uncertainty: a change inside
its confidence interval is not called a rise or a drop, an immature cohort is
said to be one, a missing target is said to be missing.

The builders return :class:`Narrative` objects, which display as HTML in
Jupyter and in the report. All text is escaped when rendered, so a source
named ``<script>`` shows as text.

This module gathers the page renderers for the notebooks: the summary's tiles
and findings (:mod:`kpilib.story.summary`), the objectives page
(:mod:`kpilib.story.objectives`), acquisition and value
(:mod:`kpilib.story.acquisition`, with retention and lifetime from
:mod:`kpilib.story.retention`), the funnel (:mod:`kpilib.story.funnel`) and
the appendix (:mod:`kpilib.story.notes`); the sentences live in
:mod:`kpilib.story.phrases`.
"""

from __future__ import annotations

from typing import Any

from kpilib.story.acquisition import acquisition_text, projection_text
from kpilib.story.blocks import Heading, Narrative, label, metric_name
from kpilib.story.forecast import forecast_text
from kpilib.story.format import Formatter, formatter
from kpilib.story.funnel import funnel_text
from kpilib.story.notes import appendix, definitions
from kpilib.story.objectives import objectives_text
from kpilib.story.phrases import phrase
from kpilib.story.retention import lifetime_text
from kpilib.story.summary import Tiles, findings, tiles

__all__ = [
    "Narrative",
    "Heading",
    "Formatter",
    "formatter",
    "heading",
    "subheading",
    "objectives_text",
    "forecast_text",
    "acquisition_text",
    "projection_text",
    "lifetime_text",
    "funnel_text",
    "appendix",
    "label",
    "metric_name",
    "definitions",
    "tiles",
    "findings",
    "Tiles",
]


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
