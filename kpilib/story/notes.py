"""The appendix's text: how each figure is computed, and the data notes."""

from __future__ import annotations

import pandas as pd

from kpilib.story.blocks import Narrative
from kpilib.story.format import Formatter
from kpilib.story.phrases import DEFINITIONS, METRICS, phrase

__all__ = ["definitions", "appendix", "objectives_missing"]


def definitions(fmt: Formatter) -> Narrative:
    """One line per figure: how it is computed (the words of docs/)."""
    lines = DEFINITIONS[fmt.lang]
    return Narrative(
        [phrase("defs.line", fmt.lang, name=name, text=text) for name, text in lines], style="list"
    )


def appendix(
    fmt: Formatter,
    *,
    warnings: list[str],
    trend: pd.DataFrame | None = None,
    att: pd.DataFrame | None = None,
    period: str,
    window_days: int | None = None,
    missing_tables: list[str] | None = None,
) -> Narrative:
    """The data notes: validation warnings, immature cohorts, missing targets and tables."""
    lang, notes = fmt.lang, Narrative(style="list", css="kpi-notes")
    notes.sentences.extend(warnings or [phrase("notes.none", lang)])
    what = {
        "targets": phrase("title.objectives", lang),
        "costs": phrase("tile.cac", lang),
        "orders": phrase("tile.ltv_to_cac", lang),
    }
    for table in missing_tables or []:
        notes.sentences.append(
            phrase("notes.missing_table", lang, table=table, what=what.get(table, table))
        )
    if trend is not None and len(trend) and trend["immature"].any():
        cohorts = ", ".join(
            fmt.month(c) for c in trend.loc[trend["immature"].astype(bool), "cohort"]
        )
        notes.sentences.append(
            phrase("notes.immature", lang, days=window_days or 0, cohorts=cohorts)
        )
    if att is not None:
        notes.sentences.extend(objectives_missing(att, fmt, period=period))
    return notes


def objectives_missing(att: pd.DataFrame, fmt: Formatter, *, period: str) -> list[str]:
    """Sentences naming the metrics (and levels) without a target in *period*."""
    lang = fmt.lang
    rows = att[att["period"] == period] if len(att) else att
    company = set(rows.loc[rows["scope"] == "company", "metric"]) if len(rows) else set()
    if not company:
        return [phrase("obj.no_targets", lang, month=fmt.month(period))]
    out = []
    missing = [m for m in METRICS["en"] if m not in company]
    if missing:
        out.append(
            phrase("obj.missing", lang, what=", ".join(fmt.label(m, "metric") for m in missing))
        )
    if not (rows["scope"] == "rep").any():
        out.append(phrase("obj.missing", lang, what=phrase("obj.reps", lang)))
    return out
