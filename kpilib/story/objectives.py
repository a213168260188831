"""The objectives page's sentences, from :class:`kpilib.sections.objectives.ObjectivesSection`.

A closed month is told by attainment and the words met / missed; an open one
by its projection and the words on track / at risk / behind, every projected
figure called projected.
"""

from __future__ import annotations

from typing import Any

from kpilib.sections.objectives import Objective, ObjectivesSection
from kpilib.story.blocks import Narrative, _cap
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text, name_text

__all__ = ["objectives_text", "status_text"]


def status_text(o: Objective, fmt: Formatter) -> str:
    """The status word of *o* in *fmt*'s language ("" without a target)."""
    return "" if o.status == "no_target" else phrase(f"status.{o.status}", fmt.lang)


def _who(o: Objective, fmt: Formatter) -> str:
    kind, _, code = o.who.partition(":")
    return name_text(kind, code, fmt)


def objectives_text(section: ObjectivesSection, fmt: Formatter, *, as_of: Any) -> Narrative:
    """What the objectives say: targets met or on track, the worst gap, teams, realism."""
    lang, out = fmt.lang, Narrative()
    month = fmt.month(section.period)
    say = out.sentences.append
    if not section.company:
        say(phrase("obj.no_targets", lang, month=month))
        return out
    if section.target_level == "teams":
        names = ", ".join(fmt.label(o.metric, "metric") for o in section.company if o.from_teams)
        say(phrase("obj.from_teams", lang, metrics=names))
    n = len(section.company)
    if section.closed:
        say(phrase("obj.closed", lang, met=section.met, n=n, month=month))
    else:
        say(phrase("obj.open", lang, ok=section.met, n=n, month=month, date=fmt.date(as_of)))
    worst = section.worst()
    if worst is not None:
        metric = _cap(fmt.label(worst.metric, "metric"))
        values = {
            "actual": fact_text(worst.actual, fmt),
            "target": fact_text(worst.target, fmt),
            "att": fact_text(worst.attainment, fmt),
            "gap": fact_text(worst.gap, fmt),
        }
        if not section.closed:
            say(
                phrase(
                    "obj.worst.open",
                    lang,
                    Metric=metric,
                    projected=fact_text(worst.projected, fmt),
                    patt=fact_text(worst.projected_attainment, fmt),
                    status=status_text(worst, fmt),
                    required=fact_text(worst.required_per_day, fmt),
                    **values,
                )
            )
        elif worst.status == "missed":
            say(phrase("obj.worst.missed", lang, Metric=metric, **values))
            best = section.best()
            if best is not None and best.metric != worst.metric:
                say(
                    phrase(
                        "obj.best.closed",
                        lang,
                        Metric=_cap(fmt.label(best.metric, "metric")),
                        att=fact_text(best.attainment, fmt),
                        actual=fact_text(best.actual, fmt),
                        target=fact_text(best.target, fmt),
                    )
                )
        else:
            say(phrase("obj.all_met", lang, metric=fmt.label(worst.metric, "metric"), **values))
    _teams(section, fmt, say)
    top = section.realism()
    if top is None:
        say(phrase("obj.realism.none", lang, month=month))
    elif top.realism.value > 1.15:
        say(
            phrase(
                "obj.realism.high",
                lang,
                metric=fmt.label(top.metric, "metric"),
                ratio=fact_text(top.realism, fmt),
            )
        )
    else:
        say(
            phrase(
                "obj.realism.ok",
                lang,
                ratio=fact_text(top.realism, fmt),
            )
        )
    if section.missing_metrics:
        names = ", ".join(fmt.label(m, "metric") for m in section.missing_metrics)
        say(phrase("obj.missing", lang, what=names))
    if not section.reps:
        say(phrase("obj.missing", lang, what=phrase("obj.reps", lang)))
    return out


def _teams(section: ObjectivesSection, fmt: Formatter, say: Any) -> None:
    """The best and worst team on revenue (or the first metric teams have targets for)."""
    metrics = [o.metric for o in section.teams if o.ratio.known]
    if not metrics:
        return
    metric = "revenue" if "revenue" in metrics else metrics[0]
    rows = [o for o in section.teams if o.metric == metric and o.ratio.known]
    if len(rows) < 2:
        return
    best, worst = section.best(rows), section.worst(rows)
    assert best is not None and worst is not None
    key = "obj.teams.closed" if section.closed else "obj.teams.open"
    say(
        phrase(
            key,
            fmt.lang,
            metric=fmt.label(metric, "metric"),
            best=_who(best, fmt),
            worst=_who(worst, fmt),
            att_best=fact_text(best.ratio, fmt),
            att_worst=fact_text(worst.ratio, fmt),
        )
    )
