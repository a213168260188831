"""The appendix's text: how each figure is computed, and the data notes."""

from __future__ import annotations

from typing import Any

from kpilib.sections.appendix import AppendixSection
from kpilib.story.blocks import Narrative
from kpilib.story.format import Formatter
from kpilib.story.phrases import DEFINITIONS, phrase

__all__ = ["definitions", "appendix"]


def definitions(fmt: Formatter) -> Narrative:
    """One line per figure: how it is computed (the words of docs/)."""
    lines = DEFINITIONS[fmt.lang]
    return Narrative(
        [phrase("defs.line", fmt.lang, name=name, text=text) for name, text in lines],
        style="list",
        css="kpi-narrative kpi-definitions",
    )


def appendix(section: AppendixSection, fmt: Formatter, *, settings: Any) -> Narrative:
    """The data notes: validation warnings, missing tables, the conversion window and
    immature cohorts, how the CAC shares costs and its lag, how targets were read, missing targets, and the status words."""
    lang, notes = fmt.lang, Narrative(style="list", css="kpi-notes")
    say = notes.sentences.append
    notes.sentences.extend(section.warnings or [phrase("notes.none", lang)])
    what = {
        "targets": phrase("title.objectives", lang),
        "costs": phrase("tile.cac", lang),
        "orders": phrase("tile.ltv_to_cac", lang),
    }
    for table in section.missing_tables:
        say(phrase("notes.missing_table", lang, table=table, what=what.get(table, table)))
    if section.window is not None and section.window.known:
        days = fmt.number(section.window.value)
        say(
            phrase(
                "notes.window.derived" if section.window_derived else "notes.window.set",
                lang,
                days=days,
            )
        )
    if "costs" not in section.missing_tables:
        say(phrase(f"notes.cac.{section.cac_allocation}", lang))
        if section.cac_lag:
            say(phrase("notes.cac.lag", lang, n=section.cac_lag))
    if section.immature_cohorts:
        cohorts = ", ".join(fmt.month(c) for c in section.immature_cohorts)
        days = fmt.number(section.window.value) if section.window is not None else "—"
        say(phrase("notes.immature", lang, days=days, cohorts=cohorts))
    if "targets" not in section.missing_tables:
        if section.target_level == "none":
            say(phrase("obj.no_targets", lang, month=fmt.month(section.period)))
        if section.derived_targets:
            names = ", ".join(fmt.label(m, "metric") for m in section.derived_targets)
            say(phrase("obj.from_teams", lang, metrics=names))
        if section.missing_metrics:
            names = ", ".join(fmt.label(m, "metric") for m in section.missing_metrics)
            say(phrase("obj.missing", lang, what=names))
        if section.no_rep_targets:
            say(phrase("obj.missing", lang, what=phrase("obj.reps", lang)))
    say(
        phrase(
            "notes.status",
            lang,
            on_track=fmt.percent(settings.on_track),
            at_risk=fmt.percent(settings.at_risk),
        )
    )
    return notes
