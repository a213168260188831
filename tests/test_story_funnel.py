"""The funnel page's sentences, findings and chart titles, rendered from the section.

Dataset ``_honest`` as of 2026-10-31 with a 30-day window (visits 5, offers 7 and
sales 10 days after the lead):

cohort   source  leads  visits  offers  sales  amount
2026-08  ads     1,000  400     -       50     1,000
2026-09  ads     100    40      10      6      1,000
2026-09  web     100    40      10      4      500
2026-09  events  800    320     80      38     200
2026-10  web     200    50      10      2      500    (immature)
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from pathlib import Path

import pandas as pd
import pytest
from kpi_fixtures import cohort_leads, cohort_rows

from kpilib import charts
from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.data.settings import Settings
from kpilib.sections.funnel import FunnelSection, build_funnel
from kpilib.sections.model import Fact
from kpilib.story.format import Formatter
from kpilib.story.funnel import funnel_text
from kpilib.story.render import finding_text

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
DAY = pd.Timestamp("2026-10-31")
EN = Formatter(lang="en", locale="en_IE", currency="EUR")
FR = Formatter(lang="fr", locale="fr_FR", currency="EUR")


def _section(*cohorts: list[dict]) -> FunnelSection:
    """The section of October 2026 as of 10-31 with a 30-day window."""
    ds = Dataset(leads=cohort_leads(*cohorts), settings=Settings(conversion_window_days=30))
    return build_funnel(ds, period="2026-10", as_of=DAY)


def _honest() -> FunnelSection:
    return _section(
        cohort_rows("2026-08", "ads", 1000, 400, 50, 1000.0),
        cohort_rows("2026-09", "ads", 100, 40, 6, 1000.0, offers=10),
        cohort_rows("2026-09", "web", 100, 40, 4, 500.0, offers=10),
        cohort_rows("2026-09", "events", 800, 320, 38, 200.0, offers=80),
        cohort_rows("2026-10", "web", 200, 50, 2, 500.0, offers=10),
    )


def _drop() -> FunnelSection:
    # 100 of 1,000 then 50 of 1,000: z ≈ 4.3, beyond chance; no lead in October
    return _section(
        cohort_rows("2026-08", "ads", 1000, 400, 100, 1000.0),
        cohort_rows("2026-09", "ads", 1000, 400, 50, 1000.0),
    )


def _derived_mid_month() -> FunnelSection:
    # no kpi.toml, other sources, seen on 10-15
    leads = cohort_leads(
        cohort_rows("2026-08", "linkedin", 300, 120, 30, 800.0),
        cohort_rows("2026-09", "linkedin", 300, 120, 12, 800.0),
        cohort_rows("2026-09", "trade_show", 100, 60, 20, 2500.0),
        cohort_rows("2026-10", "trade_show", 80, 20, 3, 2500.0),
    )
    return build_funnel(Dataset(leads=leads), period="2026-10", as_of=pd.Timestamp("2026-10-15"))


def _no_mature() -> FunnelSection:
    return _section(cohort_rows("2026-10", "web", 30, 10, 3, 100.0))


@pytest.fixture(scope="module")
def honest():
    return _honest()


def test_hand_checked_text_in_english(honest):
    # October: 2 of 200 = 1.0%. September: 48 of 1,000 = 4.8%, August 50 of 1,000 = 5.0%
    # (z = 0.2 / 0.97 ≈ 0.2: chance). Lost value: events 480 × 38/800 × 200 + 240 × 38/320
    # × 200 + 42 × 38/80 × 200 = 4,560 + 5,700 + 3,990 = 14,250; ads 3,600 + 4,500 + 2,400;
    # web 1,200 + 1,500 + 1,200; visit stage 4,500 + 1,500 + 5,700 = 11,700
    assert funnel_text(honest, EN).text == (
        "200 leads came in during October 2026; 1.0% of them have become a sale so far "
        "(2 of 200). This cohort is immature: some of its leads are younger than the "
        "30-day conversion window, so its conversion will still rise. "
        "The latest mature cohort, September 2026, turned 4.8% of its leads into sales "
        "(48 of 1,000). The cohort before it, August 2026, converted 5.0%: the change may "
        "be chance. Events loses the most value, about €14,250 of deals at its average deal "
        "size; by stage, the leads lost at the visit stage are worth the most, about €11,700."
    )


def test_hand_checked_text_in_french(honest):
    text = " ".join(funnel_text(honest, FR).text.split())  # plain spaces for the check
    # the same figures as in English; the source "events" is labelled "Événements" in French
    assert text == (
        "200 leads sont entrés en octobre 2026 ; 1,0 % d’entre eux ont abouti à une vente "
        "à ce jour (2 sur 200). Cette cohorte est immature : une partie de ses leads est "
        "plus récente que la fenêtre de conversion de 30 jours, sa conversion va donc encore "
        "progresser. La dernière cohorte mature, septembre 2026, a converti 4,8 % de ses "
        "leads en ventes (48 sur 1 000). La cohorte précédente, août 2026, convertissait "
        "5,0 % de ses leads : l’écart peut être dû au hasard. Événements perd le plus de "
        "valeur, environ 14 250 € de ventes manquées, à son panier moyen ; par étape, les "
        "leads perdus à l’étape visite valent le plus, environ 11 700 €."
    )


def test_a_real_drop_is_called_a_drop():
    section = _drop()
    assert funnel_text(section, EN).sentences[:2] == [
        "No lead came in during October 2026: the funnel cannot be shown.",
        "The latest mature cohort, September 2026, turned 5.0% of its leads into sales "
        "(50 of 1,000).",
    ]
    # 100 of 1,000 then 50 of 1,000: z ≈ 4.3
    assert funnel_text(section, EN).sentences[2] == (
        "The cohort before it, August 2026, converted 10.0%: the change is beyond chance."
    )
    assert [finding_text(f, EN) for f in section.findings][0] == (
        "Lead-to-sale conversion fell from 10.0% (August 2026) to 5.0% (September 2026) "
        "over 2 mature cohorts, beyond chance."
    )
    ax = charts.conversion_trend(section.trend, verdict=section.verdict, fmt=EN)
    assert _title(ax) == (
        "Conversion fell from 10.0% (August 2026) to 5.0% (September 2026) over 2 mature cohorts"
    )


def test_a_derived_window_is_said():
    section = _derived_mid_month()
    # sales all 10 days after their lead: a 10-day window, 90% of sales within it
    said = (
        "No conversion window is set in kpi.toml; 90% of the sales close within 10 days, "
        "so each lead is followed for 10 days."
    )
    assert said in funnel_text(section, EN).sentences


def test_no_mature_cohort_says_so():
    section = _no_mature()
    # the value lost by a cohort still converting is not said
    assert funnel_text(section, EN).sentences[2:] == [
        "No cohort is mature yet: every one still holds leads younger than the 30-day "
        "window, so no conversion is final and no trend is read."
    ]
    ax = charts.funnel_stages(
        section.mature, cohort=section.cohort, immature=section.conversion_immature, fmt=FR
    )
    assert (
        _title(ax)
        == "Leads entrés en octobre 2026 (cohorte immature) : leads atteignant chaque étape"
    )


def test_chart_titles_name_the_cohort_and_state_the_facts(honest):
    ax = charts.funnel_stages(honest.mature, cohort=honest.cohort, leak=honest.leak, fmt=EN)
    assert _title(ax) == (
        "Lead cohort of September 2026 (mature): lead → visit loses the most leads, 63% of losses"
    )
    ax = charts.source_conversion(
        honest.by_source,
        cohort=honest.cohort,
        best=honest.best,
        worst=honest.worst,
        differ=honest.sources_differ,
        fmt=FR,
    )
    assert _title(ax) == (
        "Leads entrés en septembre 2026 (cohorte mature) : ads convertit le mieux (6,0 %), "
        "web le moins (4,0 %), un écart qui peut être dû au hasard"
    )
    ax = charts.conversion_trend(honest.trend, verdict=honest.verdict, window=honest.window, fmt=EN)
    assert _title(ax) == (
        "Conversion moved from 5.0% (August 2026) to 4.8% (September 2026) over 2 mature "
        "cohorts: no clear change"
    )


# --- every number said is a fact of the section -------------------------------------

NUMBER = re.compile(r"\d[\d,.\u00a0\u202f ]*\d|\d")


def _title(ax) -> str:
    return " ".join(ax.get_title(loc="left").split())


def _facts(value: object) -> list[Fact]:
    """Every fact held by a section (its fields, leak, sources, verdict, findings)."""
    if isinstance(value, Fact):
        return [value]
    if isinstance(value, list):
        return [f for v in value for f in _facts(v)]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _facts(v)]
    if is_dataclass(value):
        return [f for field in fields(value) for f in _facts(getattr(value, field.name))]
    return []


def _number(token: str, fmt: Formatter) -> float:
    token = re.sub(r"[\u00a0\u202f ]", "", token)
    if fmt.lang == "fr":
        return float(token.replace(",", "."))
    return float(token.replace(",", ""))


def _texts(section: FunnelSection, fmt: Formatter) -> list[str]:
    out = list(funnel_text(section, fmt).sentences)
    out += [finding_text(f, fmt) for f in section.findings]
    axes = [
        charts.funnel_stages(
            section.mature,
            cohort=section.cohort,
            immature=section.conversion_immature,
            leak=section.leak,
            fmt=fmt,
        ),
        charts.source_conversion(
            section.by_source,
            cohort=section.cohort,
            immature=section.conversion_immature,
            best=section.best,
            worst=section.worst,
            differ=section.sources_differ,
            fmt=fmt,
        ),
        charts.conversion_trend(
            section.trend, verdict=section.verdict, window=section.window, fmt=fmt
        ),
    ]
    return out + [_title(ax) for ax in axes]


def _check(section: FunnelSection, fmt: Formatter) -> int:
    """Assert every number in the page's text is a fact, and "N% (a of b)" holds."""
    months = {fmt.month(str(c)) for c in section.trend["cohort"]} | {fmt.month(section.period)}
    values = [f.value for f in _facts(section) if f.known]
    checked = 0
    for text in _texts(section, fmt):
        for a, b in re.findall(
            r"\((\d[\d,\u00a0\u202f ]*) (?:of|sur) (\d[\d,\u00a0\u202f ]*)\)", text
        ):
            share = re.findall(r"(\d+(?:[.,]\d)?)\s?%[^()%]*\(" + re.escape(a), text)
            assert share, text
            assert _number(share[-1], fmt) == pytest.approx(
                round(_number(a, fmt) / _number(b, fmt) * 100, 1), abs=0.051
            ), text
        plain = text
        for month in sorted(months, key=len, reverse=True):
            plain = plain.replace(month, "")
        plain = re.sub(r"95\s?% interval|intervalle de confiance à 95\s?%", "", plain)  # the level
        for match in NUMBER.finditer(plain):
            token = match.group()
            number = _number(token, fmt)
            after = plain[match.end() :].lstrip("\u00a0\u202f ")
            candidates = [number / 100] if after.startswith("%") else [number]
            digits = (
                len(token.split("." if fmt.lang == "en" else ",")[-1])
                if re.search(r"[.,]\d$", token)
                else 0
            )
            tolerance = 0.5 * 10**-digits * (0.01 if after.startswith("%") else 1)
            assert any(abs(v - c) <= tolerance + 1e-9 for v in values for c in candidates), (
                f"{token!r} in {text!r} is no fact of the section"
            )
            checked += 1
    return checked


@pytest.mark.parametrize("fmt", [EN, FR], ids=["en", "fr"])
@pytest.mark.parametrize(
    "make",
    [_honest, _drop, _derived_mid_month, _no_mature],
    ids=["honest", "drop", "derived", "young"],
)
def test_every_number_is_a_fact(make, fmt):
    assert _check(make(), fmt) > 3


@pytest.mark.parametrize("fmt", [EN, FR], ids=["en", "fr"])
def test_every_number_is_a_fact_on_the_sample(fmt):
    ds = load_dataset(SAMPLE)
    assert _check(build_funnel(ds, period="2026-10", as_of=DAY), fmt) > 10
    assert _check(build_funnel(ds, period="2026-10", as_of=pd.Timestamp("2026-10-15")), fmt) > 10
