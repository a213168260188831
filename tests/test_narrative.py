"""Narrative: sentences built from small KPI frames, in English and French."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from acq_data import two_channels

from kpilib.data.settings import Settings
from kpilib.sections.acquisition import build_acquisition
from kpilib.story import narrative
from kpilib.story.format import Formatter, formatter
from kpilib.story.phrases import PHRASES, fields
from kpilib.story.summary import FINDINGS

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
    for key, texts in {**PHRASES, **FINDINGS}.items():
        assert set(texts) == {"en", "fr"}, key
        lower = {f.lower() for f in fields(texts["en"])}
        assert lower == {f.lower() for f in fields(texts["fr"])}, key


def test_objectives_closed_period_in_english():
    text = narrative.objectives(CLOSED, EN, period="2026-10").text
    assert text == (
        "In October 2026 the company met 1 of its 2 targets. "
        "Leads reached 90 against a target of 100 (90%), a gap of 10. "
        "Revenue did best at 120% of target (€12,000 for €10,000). "
        "By team (revenue), North leads at 120% of target; South lags at 75%. "
        "The leads target asks 125% of what the previous three months delivered: it looks "
        "ambitious. "
        "No target is set for visits, offers, sales, new customers. "
        "No target is set for individual reps."
    )


def test_objectives_closed_period_in_french():
    text = _plain(narrative.objectives(CLOSED, FR, period="2026-10").text)
    assert text == (
        "En octobre 2026, l’entreprise a atteint 1 de ses 2 objectifs. "
        "Leads : 90 pour un objectif de 100 (90 %), soit un écart de 10. "
        "Chiffre d’affaires fait le mieux avec 120 % de l’objectif (12 000 € pour 10 000 €). "
        "Par équipe (chiffre d’affaires), North mène avec 120 % de l’objectif ; South suit à 75 %. "
        "L’objectif de leads demande 125 % de ce que les trois mois précédents ont produit : "
        "il paraît ambitieux. "
        "Aucun objectif n’est fixé pour visites, offres, ventes, nouveaux clients. "
        "Aucun objectif n’est fixé pour les commerciaux individuellement."
    )


def test_objectives_open_period_tells_projection_and_status():
    # 11 of 22 business days: 40 leads projects to 80 (80% of 100): off track,
    # 60 left over 11 days = 5.45 a day.
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
    text = narrative.objectives(att, EN, period="2026-10", as_of="2026-10-15").text
    assert text == (
        "On 15 October 2026, 1 of the company’s 2 objectives are on track for October 2026. "
        "Leads: 40 of 100 so far, projected to close at 80 (80%): off track; 5 a business day "
        "are needed from here. "
        "No target is set for visits, offers, new customers, revenue."
    )


def test_objectives_without_targets_says_so():
    empty = _att([])
    assert narrative.objectives(empty, EN, period="2026-10").sentences == [
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
        "Ads is the costliest channel at €3,000 per customer; web the cheapest at €1,000. " in text
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


def _funnel(reached: list[int], immature: bool) -> pd.DataFrame:
    stages = ["lead", "visit", "offer", "sale"]
    lost = [a - b for a, b in zip(reached, reached[1:], strict=False)] + [0]
    total = sum(lost)
    return pd.DataFrame(
        {
            "stage": stages,
            "reached": reached,
            "step_conversion": [1.0] + [b / a for a, b in zip(reached, reached[1:], strict=False)],
            "overall_conversion": [r / reached[0] for r in reached],
            "lost": lost,
            "lost_share": [x / total for x in lost],
            "immature": immature,
        }
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


def test_funnel_narrative_is_honest_about_immaturity_and_noise():
    current = _funnel([200, 50, 10, 2], immature=True)
    mature = _funnel([1000, 400, 100, 50], immature=False)
    # 1,000 → 400 loses 600 of 950 lost (63%)
    by_source = pd.DataFrame(
        {
            "source": ["ads", "web"],
            "leads": [100, 100],
            "converted": [6, 4],  # 6% vs 4%: inside the noise at n = 100
            "overall_conversion": [0.06, 0.04],
            "ci_low": [0.028, 0.016],
            "ci_high": [0.125, 0.098],
        }
    )
    trend = _trend([50, 48, 2], leads=1000, immature=[False, False, True])
    text = narrative.funnel(
        current,
        EN,
        period="2026-10",
        mature=mature,
        mature_cohort="2026-07",
        by_source=by_source,
        trend=trend,
        window_days=90,
    ).text
    assert text == (
        "Of the 200 leads that came in during October 2026, 2 have become a sale so far (1.0%). "
        "The cohort is immature: it is younger than the 90-day conversion window, so its "
        "conversion will still rise. "
        "The latest cohort past the conversion window, July 2026, turned 5.0% of its 1,000 "
        "leads into sales. "
        "The biggest leak is between lead and visit: 600 leads, 63% of all losses. "
        "Ads converts best (6.0%, 95% interval 2.8%–12.5%); web least (4.0%, 1.6%–9.8%). "
        "Their intervals overlap: the difference may be chance. "
        "Over the last 2 mature cohorts, conversion moved from 5.0% (August 2026) to 4.8% "
        "(September 2026), within its confidence interval: no clear change. "
        "The 1 most recent cohorts are still immature and shown hollow."
    )


def test_funnel_trend_calls_a_real_drop_a_drop():
    # 100 of 1,000 then 50 of 1,000: z ≈ 4.3, beyond chance
    trend = _trend([100, 50], leads=1000, immature=[False, False])
    text = narrative.funnel(None, EN, period="2026-10", trend=trend).text
    assert text == (
        "No lead came in during October 2026: the funnel cannot be shown. "
        "Over the last 2 mature cohorts, conversion fell from 10.0% (September 2026) to 5.0% "
        "(October 2026)."
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


def test_findings_pick_one_per_family_by_size():
    trend = _trend([100, 50], leads=1000, immature=[False, False])
    found = narrative.findings(
        EN,
        period="2026-10",
        att=CLOSED,
        acquisition=build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31"),
        trend=trend,
    ).sentences
    # objectives: South 75% (score 0.5); CAC −33% (0.33) beats ads 1.5× (0.125);
    # funnel: a real fall (0.8)
    assert found == [
        "Lead-to-sale conversion fell from 10.0% to 5.0% over 2 mature cohorts, beyond chance.",
        "South reached 75% of its revenue target (€3,000 of €4,000): the largest shortfall "
        "this month.",
        "Blended CAC fell 33% to €2,000 in October 2026; new customers went from 3 in "
        "September 2026 to 4.",
    ]


def test_tiles_render_values_changes_and_status():
    frame = pd.DataFrame(
        {
            "tile": ["new_customers", "conversion", "payback"],
            "value": [122.0, 0.052, 0.0],
            "previous": [81.0, 0.047, 0.0],
            "change": [122 / 81 - 1, 0.005, 0.0],
            "change_kind": ["relative", "points", "absolute"],
            "target": [128.0, np.nan, np.nan],
            "attainment": [122 / 128, np.nan, np.nan],
            "status": ["good", None, "good"],
            "reference": ["2026-10", "2026-07", "2026-10"],
            "previous_reference": ["2026-09", "2026-06", "2026-09"],
            "months": [np.nan, np.nan, 0.0],
            "immature": [False, False, False],
            "significant": [None, False, None],
        }
    )
    tiles = narrative.tiles(frame, EN)
    assert tiles.text.splitlines() == [
        "New customers | 122 | 95% of 128 | +51% vs September 2026 | on target",
        "Lead-to-sale conversion | 5.2% | cohort July 2026 | +0.5\xa0pts vs June 2026 · within noise",
        "CAC payback | < 1 month | cohort October 2026 | same as September 2026 | on target",
    ]
    assert tiles._repr_html_().count('class="kpi-tile kpi-good"') == 2
