"""Retention and customer lifetime as sentences, from the retention section's facts.

Nothing here computes a figure: each number is a fact of
:class:`~kpilib.sections.retention.RetentionSection` formatted by
:func:`~kpilib.story.render.fact_text`. "After a year" is said only of the
cohorts that have lived a whole 12th month; without one, the text says it is
too early. The lifetime sentence names its source (the BG/NBD model or the
cohort curves); :func:`lifetime_text` gives both estimates and says when they
disagree widely.
"""

from __future__ import annotations

from kpilib.sections.retention import RetentionSection
from kpilib.story.blocks import Narrative
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text

__all__ = ["retention_text", "lifetime_text"]


def retention_text(sec: RetentionSection | None, fmt: Formatter) -> list[str]:
    """ "Customers stay N months on average; M% are still buying after a year", as far
    as the data tells (the value part of the acquisition page)."""
    if sec is None or sec.reason is not None:
        return []
    lang = fmt.lang
    year = sec.year_retention is not None and sec.year_cohorts is not None
    counts = {
        "rate": fact_text(sec.year_retention, fmt) if sec.year_retention else "—",
        "n": fact_text(sec.year_cohorts, fmt) if sec.year_cohorts else "0",
    }
    if sec.lifetime is None or sec.used is None:
        return [phrase("ret.year", lang, **counts) if year else phrase("ret.young", lang)]
    values = {
        "months": fact_text(sec.lifetime, fmt),
        "horizon": fact_text(sec.horizon, fmt),
        "source": phrase(f"ret.source.{sec.used}", lang),
    }
    if year:
        return [phrase("ret.stay.year", lang, **values, **counts)]
    return [phrase("ret.stay.young", lang, **values)]


def lifetime_text(sec: RetentionSection | None, fmt: Formatter) -> Narrative:
    """Both lifetimes (the model's, the cohort curves'), which one the page quotes and
    why, and whether they disagree widely."""
    lang = fmt.lang
    if sec is None or sec.reason == "no_orders":
        return Narrative([phrase("ret.no_orders", lang)])
    horizon = fact_text(sec.horizon, fmt)
    cohorts = sec.cohort_months is not None and sec.cohort_months.known
    cohort_values = {
        "months": fact_text(sec.cohort_months, fmt) if sec.cohort_months else "—",
        "churn": fact_text(sec.cohort_churn, fmt, 1) if sec.cohort_churn else "—",
        "observed": fact_text(sec.cohort_observed, fmt) if sec.cohort_observed else "—",
        # past the months observed, the curve runs on at the pooled rate (basis modelled)
        "then": phrase("ret.then_pooled", lang)
        if sec.cohort_months is not None and sec.cohort_months.basis == "modelled"
        else "",
    }
    out = Narrative()
    if sec.used == "model":
        assert sec.model_months is not None and sec.model_churn is not None
        out.sentences.append(
            phrase(
                "ret.model",
                lang,
                horizon=horizon,
                months=fact_text(sec.model_months, fmt),
                churn=fact_text(sec.model_churn, fmt, 1),
            )
        )
        if sec.cohorts_mature:
            out.sentences.append(phrase("ret.cohorts", lang, **cohort_values))
            out.sentences.append(phrase("ret.disagree" if sec.disagree else "ret.agree", lang))
        elif cohorts:
            out.sentences.append(
                phrase("ret.cohorts.short", lang, horizon=horizon, **cohort_values)
            )
    elif sec.used == "cohorts":
        out.sentences.append(phrase("ret.cohorts.only", lang, horizon=horizon, **cohort_values))
    elif cohorts:
        out.sentences.append(phrase("ret.cohorts.short", lang, horizon=horizon, **cohort_values))
        out.sentences.append(phrase("ret.no_model", lang))
    else:
        out.sentences.append(phrase("ret.none", lang))
    return out
