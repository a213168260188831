"""The acquisition-and-value page's sentences, from its section's facts.

Nothing here computes a figure: each number is a fact of
:class:`~kpilib.sections.acquisition.AcquisitionSection` formatted by
:func:`~kpilib.story.render.fact_text`. An open month's CAC is said to be
month-to-date and is not compared with closed months; a projected value says
it is discounted, at which rate.
"""

from __future__ import annotations

from dataclasses import replace

from kpilib.sections.acquisition import AcquisitionSection
from kpilib.sections.model import Fact
from kpilib.story.blocks import Narrative, _cap, months_text
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text, name_text
from kpilib.story.retention import retention_text

__all__ = ["acquisition_text", "projection_text", "size"]


def size(change: Fact) -> Fact:
    """A relative change as its size, a rate (−27% → 27%), for "rose/fell N%" sentences."""
    return replace(change, value=abs(change.value), unit="rate")


def _say(key: str, fmt: Formatter, **values: object) -> str:
    """The phrase *key* with each fact among *values* formatted by its unit."""
    shown = {k: fact_text(v, fmt) if isinstance(v, Fact) else v for k, v in values.items()}
    return phrase(key, fmt.lang, **shown)


def _cac_text(sec: AcquisitionSection, fmt: Formatter) -> list[str]:
    lang, month = fmt.lang, fmt.month(sec.period)
    if "costs" in sec.missing:
        return [phrase("acq.no_costs", lang)]
    values = {
        "cac": fact_text(sec.cac, fmt),
        "cost": fact_text(sec.cost, fmt),
        "n": fact_text(sec.new_customers, fmt),
        "month": month,
        "date": fmt.date(sec.as_of),
    }
    mtd = ".mtd" if sec.month_to_date else ""
    key = f"acq.cac{mtd}" if sec.cac.known else f"acq.cac.none{mtd}"
    out = [phrase(key, lang, **values)]
    prev = fmt.month(sec.previous_period)
    if sec.cac_change is not None and sec.previous_cac is not None:
        change, prev_cac = fact_text(sec.cac_change, fmt), fact_text(sec.previous_cac, fmt)
        out.append(phrase("acq.cac.change", lang, change=change, prev=prev, prev_cac=prev_cac))
    elif sec.month_to_date and sec.previous_cac is not None and sec.previous_cac.known:
        prev_cac = fact_text(sec.previous_cac, fmt)
        out.append(phrase("acq.cac.previous", lang, prev=prev, prev_cac=prev_cac))
    if sec.top_category is not None:
        name = fmt.label(sec.top_category, "category")
        share = fact_text(sec.cost_shares[sec.top_category], fmt)
        out.append(phrase("acq.mix", lang, Category=_cap(name), category=name, share=share))
    high, low = sec.highest_channel, sec.lowest_channel
    if high is not None and low is not None and high != low:
        name = name_text("channel", high, fmt)
        out.append(
            phrase(
                "acq.channels.mtd" if sec.month_to_date else "acq.channels",
                lang,
                High=_cap(name),
                high=name,
                high_cac=fact_text(sec.channel_cac[high], fmt),
                low=name_text("channel", low, fmt),
                low_cac=fact_text(sec.channel_cac[low], fmt),
            )
        )
    return out


def _value_text(sec: AcquisitionSection, fmt: Formatter) -> list[str]:
    lang = fmt.lang
    if "orders" in sec.missing:
        return [phrase("acq.no_orders", lang)]
    cohort_cac = sec.cohort_cac
    if sec.ltv_cohort is None or cohort_cac is None or not cohort_cac.known:
        return []
    cohort = fmt.month(sec.ltv_cohort)
    if sec.payback.known:
        key = "acq.pb.first" if sec.payback.value == 0 else "acq.pb.paid"
        months = sec.payback
    else:
        key, months = "acq.pb.not_yet", sec.payback_observed
    out = [
        phrase(
            key,
            lang,
            cohort=cohort,
            cac=fact_text(cohort_cac, fmt),
            months=fact_text(months, fmt) if months is not None else "—",
        )
    ]
    rated, below = sec.channels_rated, sec.channels_below
    if sec.ltv_to_cac.known and rated is not None and below is not None and rated.value > 0:
        out.append(
            phrase(
                "acq.ltv",
                lang,
                months=months_text(sec.ltv_months, fmt),
                cohort=cohort,
                ratio=fact_text(sec.ltv_to_cac, fmt),
                n=fact_text(below, fmt),
                total=fact_text(rated, fmt),
                min=fact_text(sec.ltv_to_cac_min, fmt) if sec.ltv_to_cac_min else "—",
            )
        )
        out.append(phrase("acq.ltv.observed", lang))
    return out


def acquisition_text(section: AcquisitionSection, fmt: Formatter) -> Narrative:
    """CAC of the period (month-to-date while open) against the previous month when
    comparable, the cost mix, the channels, then payback and LTV:CAC of the cohort read,
    and how long customers stay (:func:`kpilib.story.retention.retention_text`)."""
    value = [*_value_text(section, fmt), *retention_text(section.retention, fmt)]
    return Narrative([*_cac_text(section, fmt), *value])


def projection_text(section: AcquisitionSection, fmt: Formatter) -> Narrative:
    """Which value is observed and which projected (discounted, at which rate), or why
    there is no projection."""
    lang, p = fmt.lang, section.projection
    if p.reason is not None:
        why = phrase(
            f"acq.why.{p.reason}",
            lang,
            month=fmt.month(section.period),
            cohort=fmt.month(p.cohort) if p.cohort else "—",
            date=fmt.date(section.as_of),
            n=fact_text(p.buyers, fmt) if p.buyers is not None else "—",
            repeat=fact_text(p.repeat_buyers, fmt) if p.repeat_buyers is not None else "—",
            error=p.error or "—",
        )
        return Narrative([phrase("acq.proj.none", lang, reason=why)])
    assert p.cohort is not None
    cohort = fmt.month(p.cohort)
    out = Narrative()
    out.sentences.append(
        _say(
            "acq.proj.observed",
            fmt,
            cohort=cohort,
            value=p.observed_value,
            months=p.months_observed,
            ratio=p.observed_ltv_to_cac,
        )
    )
    out.sentences.append(
        _say(
            "acq.proj.projected",
            fmt,
            as_of=fmt.date(p.fitted_to),
            value=p.value,
            horizon=p.horizon,
            rate=p.discount_rate,
            ratio=p.ltv_to_cac,
        )
    )
    if p.young is not None and p.young_payback is not None:
        young = fmt.month(p.young)
        if p.young_payback.known:
            months = fact_text(p.young_payback, fmt)
            out.sentences.append(phrase("acq.proj.payback", lang, cohort=young, months=months))
        else:
            horizon = fact_text(p.horizon, fmt)
            out.sentences.append(phrase("acq.proj.never", lang, cohort=young, horizon=horizon))
    return out
