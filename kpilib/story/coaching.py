"""The rep coaching sentences of the funnel page, from
:class:`~kpilib.sections.coaching.CoachingSection`.

Every figure is a fact of the section formatted by :func:`~kpilib.story.render.fact_text`;
nothing here computes one. A rep is named as possibly needing support only when the
section says its interval lies wholly below the team's rate; every other rep is "too
few leads to tell". Nothing is said on an immature cohort.
"""

from __future__ import annotations

from babel.lists import format_list

from kpilib.sections.coaching import CoachingSection, RepGap
from kpilib.story.blocks import Narrative
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text, name_text

__all__ = ["coaching_text", "NAMED"]

NAMED = 3
"""Reps named below (and above) their team at most; the others are counted."""


def _rate(f, fmt: Formatter) -> str:
    """A conversion rate with one decimal: lead-to-sale rates are a few percent."""
    return fact_text(f, fmt, 1)


def _below(gap: RepGap, level: str, fmt: Formatter) -> str:
    steps = ""
    if gap.steps:
        names = [
            f"{name_text('stage', a, fmt)} → {name_text('stage', b, fmt)}" for a, b in gap.steps
        ]
        steps = phrase("coach.below.steps", fmt.lang, steps=format_list(names, locale=fmt.locale))
    return phrase(
        "coach.below",
        fmt.lang,
        owner=name_text("owner", gap.owner, fmt),
        team=name_text("team", gap.team, fmt),
        conv=_rate(gap.conversion, fmt),
        converted=fact_text(gap.converted, fmt),
        entered=fact_text(gap.entered, fmt),
        shrunk=_rate(gap.shrunk, fmt),
        low=_rate(gap.ci_low, fmt),
        high=_rate(gap.ci_high, fmt),
        team_rate=_rate(gap.team_rate, fmt),
        level=level,
        steps=steps,
    )


def coaching_text(section: CoachingSection, fmt: Formatter) -> Narrative:
    """Who may need support, and that the other gaps are too few leads to tell.

    The reps compared and on which cohort; each rep whose lead-to-sale interval lies
    wholly below the team's rate (at most :data:`NAMED`, the others counted), with the
    chance of such a gap; the reps above their team; the rest, too few leads to tell.

    Parameters
    ----------
    section
        The coaching section of the report model.
    fmt
        The formatter of the report's language and locale.

    Returns
    -------
    Narrative
        The sentences, one paragraph.
    """
    lang, month = fmt.lang, fmt.month(section.cohort)
    if not section.available:
        return Narrative([phrase("coach.unavailable", lang)])
    if section.immature:
        return Narrative([phrase("coach.immature", lang, month=month)])
    n = int(section.reps.value)
    if n == 0:
        return Narrative([phrase("coach.few", lang, month=month)])
    level = fact_text(section.level, fmt)
    out = [phrase("coach.intro", lang, month=month, n=fact_text(section.reps, fmt))]
    below, above = section.below, section.above
    out += [_below(gap, level, fmt) for gap in below[:NAMED]]
    if len(below) > NAMED:
        out.append(phrase("coach.below.more", lang, n=fmt.number(len(below) - NAMED), level=level))
    if below:
        # under one rep: one decimal, so that a small chance does not read "about 0"
        chance = fact_text(section.by_chance, fmt, 1 if section.by_chance.value < 1 else 0)
        out.append(
            phrase("coach.chance", lang, n=fact_text(section.reps, fmt), level=level, chance=chance)
        )
    if above:
        names = [
            f"{name_text('owner', g.owner, fmt)} ({name_text('team', g.team, fmt)})"
            for g in above[:NAMED]
        ]
        if len(above) > NAMED:
            names.append(phrase("coach.others", lang, n=fmt.number(len(above) - NAMED)))
        out.append(
            phrase(
                "coach.above",
                lang,
                n=fmt.number(len(above)),
                names=format_list(names, locale=fmt.locale),
            )
        )
    rest = n - len(below) - len(above)
    if below or above:
        if rest:
            out.append(phrase("coach.rest", lang, n=fmt.number(rest), level=level))
    else:
        out.append(phrase("coach.clear", lang, n=fmt.number(n), level=level))
    return Narrative(out)
