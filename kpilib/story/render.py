"""Facts and findings as text: the one place a :class:`~kpilib.sections.model.Fact` is formatted.

A fact is formatted by its unit (a count as a whole number, money in the
dataset's currency, a rate as a percentage, …); a finding fills its phrase
with its facts formatted this way and its names shown through display labels.
Nothing here computes a figure: a sentence says what its section holds.
"""

from __future__ import annotations

from typing import Any

from kpilib.sections.model import Fact, Finding
from kpilib.story.blocks import _cap, months_text
from kpilib.story.format import Formatter
from kpilib.story.labels import KINDS
from kpilib.story.phrases import phrase

__all__ = ["fact_text", "finding_text", "name_text", "below_text"]


def fact_text(f: Fact, fmt: Formatter, digits: int | None = None) -> str:
    """*f* formatted by its unit; "—" when its value is unknown.

    Rates default to whole percentages, days and counts to whole numbers.

    Examples
    --------
    >>> from kpilib.sections.model import fact
    >>> fmt = Formatter()
    >>> fact_text(fact(0.4848, "rate", "actual", "2026-10", "t"), fmt)
    '48%'
    >>> fact_text(fact(1173000, "money", "target", "2026-10", "t"), fmt)
    '€1,173,000'
    >>> fact_text(fact(2, "months", "observed", "2026-01", "t"), fmt)
    '2 months'
    >>> fact_text(fact(None, "count", "actual", "2026-10", "t"), fmt)
    '—'
    """
    if not f.known:
        return "—"
    v = f.value
    if f.unit == "money":
        return fmt.money(v, digits or 0)
    if f.unit == "rate":
        return fmt.percent(v, digits or 0)
    if f.unit == "ratio":
        return fmt.ratio(v, 1 if digits is None else digits)
    if f.unit == "months":
        return months_text(v, fmt)
    if f.unit == "points":
        return fmt.points(v, 1 if digits is None else digits)
    if f.unit == "change":
        return fmt.change(v, digits or 0)
    return fmt.number(v, digits or 0)


def name_text(kind: str, code: str, fmt: Formatter) -> str:
    """A code shown as its display label (:meth:`Formatter.label`, so kpi.toml's
    ``[labels]`` apply): a metric, stage, channel or source, team or rep; a month
    by its name; ``company`` as "the company".

    Examples
    --------
    >>> fmt = Formatter(lang="fr", locale="fr_FR")
    >>> name_text("metric", "revenue", fmt), name_text("stage", "offer", fmt)
    ('chiffre d’affaires', 'offre')
    >>> name_text("source", "paid_search", fmt), name_text("month", "2026-07", fmt)
    ('Recherche payante', 'juillet 2026')
    """
    if kind == "month":
        return fmt.month(code)
    if kind == "company":
        return phrase("who.company", fmt.lang)
    if kind == "rep":
        kind = "owner"
    if kind in KINDS:
        return fmt.label(code, kind)  # type: ignore[arg-type]
    return fmt.label(code)


def finding_text(f: Finding, fmt: Formatter) -> str:
    """The sentence of finding *f* in *fmt*'s language, capitalised.

    Name fields are given as ``kind:code`` (``metric:revenue``, ``stage:offer``,
    ``month:2026-07``, ``team:South``); each is also given capitalised, as
    ``Who`` for ``who``.
    """
    digits = f.digits
    values: dict[str, Any] = {k: fact_text(v, fmt, digits.get(k)) for k, v in f.facts.items()}
    for key, spec in f.names.items():
        kind, _, code = spec.partition(":")
        text = name_text(kind, code, fmt)
        values[key] = text
        values[_cap(key)] = _cap(text)
    return _cap(phrase(f.key, fmt.lang, **values))


def below_text(f: Fact, line: Fact, fmt: Formatter) -> str:
    """*f* formatted so that a value under *line* never reads as the line itself:
    with one more decimal while the two round alike (2.98 against 3.0 → "2.98:1").

    Examples
    --------
    >>> from kpilib.sections.model import fact
    >>> line = fact(3.0, "ratio", "target", None, "settings")
    >>> below_text(fact(2.98, "ratio", "observed", None, "t"), line, Formatter())
    '2.98:1'
    >>> below_text(fact(2.5, "ratio", "observed", None, "t"), line, Formatter())
    '2.5:1'
    """
    text = fact_text(f, fmt)
    if f.known and line.known and f.value < line.value and text == fact_text(line, fmt):
        return fact_text(f, fmt, 2)
    return text
