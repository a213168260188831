"""The acquisition page's phrases agree with their count at 0, 1 and 2, in English and French.

English reads 1 as singular and 0 and 2 as plural; French reads 0 and 1 as
singular (Babel's CLDR rules). The counts are the new customers of a month and
the channels below the LTV:CAC line.
"""

from __future__ import annotations

import dataclasses

from acq_data import two_channels
from phrase_counts import COUNTS, said

from kpilib import charts
from kpilib.sections.acquisition import build_acquisition
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase


def test_new_customers_of_the_month():
    values = {"cac": "€450", "month": "October 2026", "cost": "€900"}
    assert said("acq.cac", "en", "n", **values) == [
        f"Blended CAC was €450 in October 2026: €900 spent for {n}."
        for n in ("0 new customers", "1 new customer", "2 new customers")
    ]
    values = {"cac": "450 €", "month": "octobre 2026", "cost": "900 €"}
    assert said("acq.cac", "fr", "n", **values) == [
        f"Le CAC global s’établit à 450 € en octobre 2026 : 900 € dépensés pour {n}."
        for n in ("0 nouveau client", "1 nouveau client", "2 nouveaux clients")
    ]


def test_new_customers_of_the_month_to_date():
    values = {"cac": "€450", "month": "October 2026", "cost": "€900", "date": "12 October 2026"}
    assert said("acq.cac.mtd", "en", "n", **values) == [
        f"Month to date, blended CAC is €450: the €900 booked for October 2026 over the {n} "
        "won by 12 October 2026. It is not final and is not compared with closed months: a "
        "month’s costs are booked whole while its customers still come in."
        for n in ("0 new customers", "1 new customer", "2 new customers")
    ]
    values = {"cac": "450 €", "month": "octobre 2026", "cost": "900 €", "date": "12 octobre 2026"}
    assert said("acq.cac.mtd", "fr", "n", **values) == [
        f"Depuis le début du mois, le CAC global est de 450 € : les 900 € comptabilisés pour "
        f"octobre 2026 rapportés {n} acquis jusqu’au 12 octobre 2026. Ce chiffre est provisoire "
        "et n’est pas comparé aux mois clos : les coûts d’un mois sont comptabilisés en "
        "totalité alors que ses clients continuent d’arriver."
        for n in ("à 0 nouveau client", "à 1 nouveau client", "aux 2 nouveaux clients")
    ]


def test_channels_below_the_line_in_the_text():
    values = {
        "months": "12 months",
        "cohort": "October 2025",
        "ratio": "1.9:1",
        "total": "6",
        "min": "3.0:1",
    }
    assert said("acq.ltv", "en", "n", **values) == [
        "After 12 months, the October 2025 cohort’s LTV:CAC is 1.9:1 across channels; "
        f"{n} of 6 channels {verb} below the 3.0:1 line."
        for n, verb in (("0", "are"), ("1", "is"), ("2", "are"))
    ]
    # "de {cohort}" is elided before octobre
    values = {**values, "months": "12 mois", "cohort": "octobre 2025", "ratio": "1,9:1"}
    assert said("acq.ltv", "fr", "n", **{**values, "min": "3,0:1"}) == [
        "Après 12 mois, le ratio LTV:CAC de la cohorte d’octobre 2025 est de 1,9:1 tous canaux "
        f"confondus ; {n} sur 6 {verb} sous le seuil de 3,0:1."
        for n, verb in (("0 canal", "est"), ("1 canal", "est"), ("2 canaux", "sont"))
    ]


def test_channels_below_the_line_in_the_chart_title():
    values = {"total": "6", "min": "3.0:1", "months": "1 month", "cohort": "September 2026"}
    # English says "{n} of 6 channels" at every count
    assert said("acq.chart.ltv", "en", "n", **values) == [
        f"{n} of 6 channels below 3.0:1 after 1 month (cohort September 2026)" for n in COUNTS
    ]
    values = {**values, "min": "3,0:1", "months": "1 mois", "cohort": "septembre 2026"}
    assert said("acq.chart.ltv", "fr", "n", **values) == [
        f"{n} sur 6 sous le seuil de 3,0:1 après 1 mois (cohorte de septembre 2026)"
        for n in ("0 canal", "1 canal", "2 canaux")
    ]


def test_ltv_chart_without_the_count_of_channels_below_draws_nothing():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    # both channels are rated (0.7 and 0.3:1), but the section holds no count to state
    ax = charts.ltv_to_cac(dataclasses.replace(sec, channels_below=None), fmt=Formatter())
    assert ax.get_title(loc="left") == "LTV:CAC"
    # orders and costs are there: "no order yet", as it said, was untrue
    assert [t.get_text() for t in ax.texts] == ["Nothing to show: not enough history"]
    for missing, why in ((["costs"], "no cost data"), (["costs", "orders"], "no order yet")):
        bare = dataclasses.replace(sec, channels_below=None, missing=missing)
        ax = charts.ltv_to_cac(bare, fmt=Formatter())
        assert [t.get_text() for t in ax.texts] == [f"Nothing to show: {why}"]


def test_a_count_the_formatter_wrote_agrees_with_the_figure_shown():
    # "1 234" (French thousands, narrow no-break space) is plural
    said = phrase("acq.cac", "fr", n="1\u202f234", cac="450 €", month="octobre 2026", cost="900 €")
    assert " ".join(said.split()) == (
        "Le CAC global s’établit à 450 € en octobre 2026 : 900 € dépensés pour 1 234 nouveaux "
        "clients."
    )
