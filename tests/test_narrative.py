"""Narrative: sentences built from small KPI frames, in English and French."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from acq_data import two_channels

from kpilib.data.settings import Settings
from kpilib.sections.acquisition import build_acquisition
from kpilib.sections.objectives import objectives_section
from kpilib.story import narrative
from kpilib.story.format import Formatter, formatter
from kpilib.story.objectives import objectives_text
from kpilib.story.phrases import PHRASES, fields, templates

EN = Formatter(lang="en", locale="en_IE", currency="EUR")
FR = Formatter(lang="fr", locale="fr_FR", currency="EUR")
NB = "\u202f"  # narrow no-break space, French thousands and before %


def _plain(text: str) -> str:
    """French spacing made visible as plain spaces, for readable expectations."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _att(rows: list[dict]) -> pd.DataFrame:
    cols = [
        "period",
        "metric",
        "scope",
        "team",
        "owner",
        "target",
        "actual",
        "gap",
        "attainment",
        "projected",
        "projected_attainment",
        "required_per_business_day",
        "status",
        "trailing_average",
        "realism",
    ]
    frame = pd.DataFrame(rows).reindex(columns=cols)
    for c in ("period", "metric", "scope", "team", "owner", "status"):
        frame[c] = frame[c].astype("str").where(frame[c].notna(), None)
    return frame


# Closed October: leads 90 of 100 (90%), revenue 12,000 of 10,000 (120%);
# North revenue 7,200 / 6,000 = 120%, South 3,000 / 4,000 = 75%;
# leads realism = 100 / 80 = 125% (> 115%: ambitious).
CLOSED = _att(
    [
        dict(
            period="2026-10",
            metric="leads",
            scope="company",
            target=100.0,
            actual=90.0,
            gap=10.0,
            attainment=0.9,
            trailing_average=80.0,
            realism=1.25,
        ),
        dict(
            period="2026-10",
            metric="revenue",
            scope="company",
            target=10000.0,
            actual=12000.0,
            gap=-2000.0,
            attainment=1.2,
            trailing_average=10000.0,
            realism=1.0,
        ),
        dict(
            period="2026-10",
            metric="revenue",
            scope="team",
            team="North",
            target=6000.0,
            actual=7200.0,
            gap=-1200.0,
            attainment=1.2,
        ),
        dict(
            period="2026-10",
            metric="revenue",
            scope="team",
            team="South",
            target=4000.0,
            actual=3000.0,
            gap=1000.0,
            attainment=0.75,
        ),
        dict(
            period="2026-Q4",
            metric="revenue",
            scope="company",
            target=30000.0,
            actual=12000.0,
            gap=18000.0,
            attainment=0.4,
        ),
    ]
)


def test_formatter_follows_the_locale():
    assert (EN.money(2554.41), EN.percent(0.873, 1), EN.number(12345)) == (
        "€2,554",
        "87.3%",
        "12,345",
    )
    assert _plain(FR.money(2554.41)) == "2 554 €"
    assert _plain(FR.percent(0.873, 1)) == "87,3 %"
    assert (EN.month("2026-10"), FR.month("2026-10")) == ("October 2026", "octobre 2026")
    assert (EN.date("2026-10-31"), FR.date("2026-10-31")) == ("31 October 2026", "31 octobre 2026")
    assert (EN.change(0.18), EN.change(-0.05), EN.ratio(3.24)) == ("+18%", "−5%", "3.2:1")
    assert EN.money(np.nan) == "–"


def test_formatter_language_overrides_the_locale():
    assert formatter(Settings(locale="en_IE", language="en"), "fr").locale == "fr_FR"
    assert formatter(Settings(locale="fr_BE", language="fr"), None).locale == "fr_BE"
    with pytest.raises(
        ValueError, match=r"^lang = 'de' is not supported\. Accepted languages: en, fr\.$"
    ):
        formatter(Settings(), "de")


def test_every_phrase_has_both_languages_with_the_same_fields():
    # plural forms included: tests/test_phrases.py checks each form
    for key, texts in PHRASES.items():
        assert set(texts) - {"count"} == {"en", "fr"}, key
        en = {f.lower() for t in templates(texts, "en").values() for f in fields(t)}
        assert en == {f.lower() for t in templates(texts, "fr").values() for f in fields(t)}, key


def _closed(att: pd.DataFrame):
    return objectives_section(att, period="2026-10", closed=True)


def test_objectives_closed_period_in_english():
    text = objectives_text(_closed(CLOSED), EN, as_of="2026-10-31").text
    assert text == (
        "In October 2026 the company met 1 of its 2 targets. "
        "Leads missed its target by 10: 90 of 100 (90%). "
        "Revenue did best at 120% of target (€12,000 for €10,000). "
        "By team (revenue), North reached 120% of its target; South 75%. "
        "The leads target asks 125% of what the previous three months delivered: it looks "
        "ambitious. "
        "No target is set for visits, offers, sales, new customers. "
        "No target is set for individual reps."
    )


def test_objectives_closed_period_in_french():
    text = _plain(objectives_text(_closed(CLOSED), FR, as_of="2026-10-31").text)
    assert text == (
        "En octobre 2026, l’entreprise a atteint 1 objectif sur 2. "
        "Leads : objectif manqué de 10, 90 sur 100 (90 %). "
        "Chiffre d’affaires : meilleur taux d’atteinte, 120 % de l’objectif (12 000 € pour "
        "10 000 €). "
        "Par équipe (chiffre d’affaires), North atteint 120 % de son objectif ; South, 75 %. "
        "L’objectif de leads demande 125 % de ce que les trois mois précédents ont produit : "
        "il paraît ambitieux. "
        "Aucun objectif n’est fixé pour visites, offres, ventes, nouveaux clients. "
        "Aucun objectif n’est fixé pour les commerciaux individuellement."
    )


def test_objectives_open_period_tells_projection_and_status():
    # 11 of 22 business days: 40 leads projects to 80 (80% of 100): behind (below the
    # 85% of at risk), 60 left over 11 days = 5.45 a day.
    att = _att(
        [
            dict(
                period="2026-10",
                metric="leads",
                scope="company",
                target=100.0,
                actual=40.0,
                gap=60.0,
                attainment=0.4,
                projected=80.0,
                projected_attainment=0.8,
                required_per_business_day=60 / 11,
                status="off track",
            ),
            dict(
                period="2026-10",
                metric="sales",
                scope="company",
                target=10.0,
                actual=6.0,
                gap=4.0,
                attainment=0.6,
                projected=12.0,
                projected_attainment=1.2,
                required_per_business_day=4 / 11,
                status="on track",
            ),
            dict(
                period="2026-10",
                metric="sales",
                scope="rep",
                team="North",
                owner="Ann",
                target=5.0,
                actual=3.0,
                gap=2.0,
                attainment=0.6,
                projected=6.0,
                projected_attainment=1.2,
                required_per_business_day=2 / 11,
                status="on track",
            ),
        ]
    )
    section = objectives_section(att, period="2026-10", closed=False)
    text = objectives_text(section, EN, as_of="2026-10-15").text
    assert text == (
        "On 15 October 2026, 1 of the company’s 2 objectives is on track for October 2026. "
        "Leads: 40 of 100 so far, projected to close at 80 (80%): behind; 5 a business day "
        "are needed from here. "
        "Whether the targets are realistic cannot be judged: no month of the data before "
        "October 2026 has an actual to compare them with. "
        "No target is set for visits, offers, new customers, revenue."
    )


def test_objectives_without_targets_says_so():
    empty = _att([])
    assert objectives_text(_closed(empty), EN, as_of="2026-10-31").sentences == [
        "The dataset holds no target for October 2026: attainment cannot be shown. Add "
        "targets.csv to follow objectives."
    ]


def test_acquisition_narrative():
    # acq_data.two_channels: October 8,000 / 4 = 2,000 against September's 9,000 / 3 =
    # 3,000 (−33%); ads 6,000 / 2 = 3,000, web 2,000 / 2 = 1,000; payback and LTV:CAC
    # read on the September cohort, min(12, 1) = 1 month old: not paid back
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    text = narrative.acquisition_text(sec, EN).text
    assert text.startswith(
        "Blended CAC was €2,000 in October 2026: €8,000 spent for 4 new customers. "
        "That is −33% against September 2026 (€3,000). "
    )
    assert (
        "Ads is the costliest channel at €3,000 per customer; Web the cheapest at €1,000. " in text
    )
    assert "The September 2026 cohort has not yet covered its CAC of €3,000 after 1 month." in text


def test_acquisition_without_new_customers_or_costs():
    # November: 8,000 of costs, no customer; no orders
    data = dataclasses.replace(two_channels(), orders=None)
    data.costs = pd.concat(
        [data.costs, data.costs.iloc[1:].assign(period="2026-11")], ignore_index=True
    )
    sec = build_acquisition(data, period="2026-11", as_of="2026-11-30")
    text = narrative.acquisition_text(sec, EN).text
    assert text.startswith(
        "No new customer in November 2026: CAC cannot be computed (€8,000 spent)."
    )
    assert text.endswith(
        "The dataset holds no order yet: customer value and CAC payback cannot be shown. "
        "Add orders.csv."
    )
    bare = dataclasses.replace(two_channels(), costs=None)
    assert (
        narrative.acquisition_text(build_acquisition(bare, period="2026-10"), EN).sentences[0]
        == "The dataset holds no cost: CAC cannot be shown. Add costs.csv."
    )


def _trend(converted: list[int], leads: int, immature: list[bool]) -> pd.DataFrame:
    months = [f"2026-{m:02d}" for m in range(11 - len(converted), 11)]
    conv = [c / leads for c in converted]
    return pd.DataFrame(
        {
            "cohort": months,
            "leads": leads,
            "converted": converted,
            "overall_conversion": conv,
            "ci_low": [c - 0.01 for c in conv],
            "ci_high": [c + 0.01 for c in conv],
            "immature": immature,
        }
    )


def test_narrative_html_escapes_data():
    data = two_channels()
    data.leads["source"] = data.leads["source"].replace({"ads": "<script>alert(1)</script>"})
    data.costs["channel"] = data.costs["channel"].replace({"ads": "<script>alert(1)</script>"})
    sec = build_acquisition(data, period="2026-10", as_of="2026-10-31")
    shown = narrative.acquisition_text(sec, EN)._repr_html_()
    assert "<script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is the costliest channel" in shown


def test_heading_escapes_company():
    head = narrative.heading(
        "objectives", FR, company="A&B <i>", period="2026-10", as_of="2026-10-31"
    )
    assert head._repr_html_() == (
        '<h1 class="kpi-heading">Objectifs</h1>'
        '<p class="kpi-subtitle">A&amp;B &lt;i&gt; · octobre 2026 · données au 31 octobre 2026</p>'
    )


@pytest.mark.parametrize(
    ("allocation", "lag", "lang", "said"),
    [
        (
            "new_customers",
            0,
            "en",
            [
                "Channel CAC: costs that name no channel are shared between channels in "
                "proportion to their new customers (kpi.toml, cac.allocation)."
            ],
        ),
        (
            "leads",
            1,
            "en",
            [
                "Channel CAC: costs that name no channel are shared between channels in "
                "proportion to their leads (kpi.toml, cac.allocation).",
                "CAC lag: the costs of a month are set against the new customers 1 month "
                "later (kpi.toml, cac.lag).",
            ],
        ),
        (
            "none",
            2,
            "fr",
            [
                "CAC par canal : les coûts sans canal ne sont pas répartis ; ils ne comptent "
                "que dans le CAC global (kpi.toml, cac.allocation).",
                "Décalage du CAC : les coûts d’un mois sont rapportés aux nouveaux clients 2 "
                "mois plus tard (kpi.toml, cac.lag).",
            ],
        ),
    ],
)
def test_the_appendix_states_the_cac_allocation_and_lag(allocation, lag, lang, said):
    from kpilib.sections.appendix import AppendixSection
    from kpilib.story.notes import appendix

    section = AppendixSection(
        period="2026-10",
        warnings=[],
        missing_tables=[],
        immature_cohorts=[],
        window=None,
        window_derived=False,
        target_level="company",
        missing_metrics=[],
        no_rep_targets=False,
        cac_allocation=allocation,
        cac_lag=lag,
    )
    settings = Settings()
    sentences = appendix(section, formatter(settings, lang), settings=settings).sentences
    # the warnings line first, the status words last; the CAC notes between
    assert [_plain(s) for s in sentences[1:-1]] == said
    # without costs there is no CAC to explain
    bare = dataclasses.replace(section, missing_tables=["costs"])
    assert not any(
        "cac." in s for s in appendix(bare, formatter(settings, lang), settings=settings).sentences
    )
