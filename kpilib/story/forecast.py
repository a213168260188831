"""The forecast's sentences on the objectives page, from
:class:`kpilib.sections.forecast.ForecastSection`.

Per metric: what is counted so far, the pipeline forecast of the close with its
80% range, the run rate; then which of the two the backtest says to trust, with
the measured errors it rests on.
"""

from __future__ import annotations

from kpilib.sections.forecast import ForecastSection
from kpilib.story.blocks import Narrative, _cap
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text

__all__ = ["forecast_text"]


def forecast_text(section: ForecastSection, fmt: Formatter) -> Narrative:
    """One item per metric: the forecast beside the run rate and which to trust.

    A closed or future period, or one with nothing to learn from, gets one
    sentence saying why there is no forecast.
    """
    lang = fmt.lang
    month = fmt.month(section.period)
    if section.reason is not None:
        return Narrative([phrase(f"fc.{section.reason}", lang, month=month, Month=_cap(month))])
    out = Narrative(style="list")
    for line in section.lines:
        text = phrase(
            "fc.line",
            lang,
            Metric=_cap(fmt.label(line.metric, "metric")),
            actual=fact_text(line.actual, fmt),
            expected=fact_text(line.expected, fmt),
            low=fact_text(line.low, fmt),
            high=fact_text(line.high, fmt),
            run_rate=fact_text(line.run_rate, fmt),
        )
        months = fact_text(line.months, fmt)
        if line.trust == "untested":
            trust = phrase("fc.untested", lang, months=months)
        else:
            trust = phrase(
                f"fc.trust.{line.trust}",
                lang,
                months=months,
                day=section.day,
                error=fact_text(line.error, fmt, 1),
                error_rr=fact_text(line.error_run_rate, fmt, 1),
                covered=fact_text(line.covered, fmt),
                within=fact_text(line.within, fmt),
            )
        out.sentences.append(f"{text} {trust}")
    return out
