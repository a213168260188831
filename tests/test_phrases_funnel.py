"""The funnel page's phrases agree with their count at 0, 1 and 2, in English and French.

English reads 1 as singular and 0 and 2 as plural; French reads 0 and 1 as
singular (Babel's CLDR rules). English "{n}-day" never changes.
"""

from __future__ import annotations

import pytest
from phrase_counts import said

from kpilib.story.phrases import phrase


def test_leads_of_the_current_cohort():
    values = {"month": "May 2026", "conv": "50.0%", "sales": "1"}
    assert said("funnel.current", "en", "n", **values) == [
        "0 leads came in during May 2026; 50.0% of them have become a sale so far (1 of 0).",
        "1 lead came in during May 2026; its conversion to a sale stands at 50.0% so far (1 of 1).",
        "2 leads came in during May 2026; 50.0% of them have become a sale so far (1 of 2).",
    ]
    values = {"month": "mai 2026", "conv": "50,0 %", "sales": "1"}
    assert said("funnel.current", "fr", "n", **values) == [
        "0 lead est entré en mai 2026 ; sa conversion en vente atteint 50,0 % à ce jour (1 sur 0).",
        "1 lead est entré en mai 2026 ; sa conversion en vente atteint 50,0 % à ce jour (1 sur 1).",
        "2 leads sont entrés en mai 2026 ; 50,0 % d’entre eux ont abouti à une vente à ce jour "
        "(1 sur 2).",
    ]


def test_days_of_the_conversion_window():
    assert said("funnel.current.immature", "en", "n")[1] == (
        "This cohort is immature: some of its leads are younger than the 1-day conversion "
        "window, so its conversion will still rise."
    )
    assert said("funnel.current.immature", "fr", "n") == [
        f"Cette cohorte est immature : une partie de ses leads est plus récente que la fenêtre "
        f"de conversion de {n}, sa conversion va donc encore progresser."
        for n in ("0 jour", "1 jour", "2 jours")
    ]
    assert said("funnel.window.derived", "en", "n", share="90%") == [
        f"No conversion window is set in kpi.toml; 90% of the sales close within {n}, so each "
        f"lead is followed for {n}."
        for n in ("0 days", "1 day", "2 days")
    ]
    assert said("funnel.window.derived", "fr", "n", share="90 %") == [
        f"Aucune fenêtre de conversion n’est fixée dans kpi.toml ; 90 % des ventes se "
        f"concluent en {n} au plus, chaque lead est donc suivi pendant {n}."
        for n in ("0 jour", "1 jour", "2 jours")
    ]
    assert said("funnel.no_mature", "en", "n")[2] == (
        "No cohort is mature yet: every one still holds leads younger than the 2-day window, "
        "so no conversion is final and no trend is read."
    )
    assert said("funnel.no_mature", "fr", "n") == [
        f"Aucune cohorte n’est encore mature : toutes comptent des leads de moins de {n} ; "
        "aucune conversion n’est donc définitive et aucune tendance ne peut encore être établie."
        for n in ("0 jour", "1 jour", "2 jours")
    ]
    assert said("funnel.chart.trend.immature", "en", "n")[1] == (
        "immature: leads younger than the 1-day window, still converting"
    )
    assert said("funnel.chart.trend.immature", "fr", "n") == [
        f"immature : leads de moins de {n}, conversion encore en cours"
        for n in ("0 jour", "1 jour", "2 jours")
    ]


TREND = {"first": "5.0%", "m1": "August 2026", "last": "4.0%", "m2": "September 2026"}
TENDANCE = {"first": "5,0 %", "m1": "août 2026", "last": "4,0 %", "m2": "septembre 2026"}


@pytest.mark.parametrize(
    ("key", "en", "fr"),
    [
        (
            "find.fun.trend.down",
            "Lead-to-sale conversion fell from 5.0% (August 2026) to 4.0% (September 2026) "
            "over {n}, beyond chance.",
            "La conversion lead → vente est passée de 5,0 % (août 2026) à 4,0 % (septembre "
            "2026) sur {n}, une baisse qui ne s’explique pas par le hasard.",
        ),
        (
            "find.fun.trend.up",
            "Lead-to-sale conversion rose from 5.0% (August 2026) to 4.0% (September 2026) "
            "over {n}, beyond chance.",
            "La conversion lead → vente est passée de 5,0 % (août 2026) à 4,0 % (septembre "
            "2026) sur {n}, une hausse qui ne s’explique pas par le hasard.",
        ),
        (
            "funnel.chart.trend.up",
            "Conversion rose from 5.0% (August 2026) to 4.0% (September 2026) over {n}",
            "La conversion progresse de 5,0 % (août 2026) à 4,0 % (septembre 2026) sur {n}",
        ),
        (
            "funnel.chart.trend.down",
            "Conversion fell from 5.0% (August 2026) to 4.0% (September 2026) over {n}",
            "La conversion baisse de 5,0 % (août 2026) à 4,0 % (septembre 2026) sur {n}",
        ),
        (
            "funnel.chart.trend.flat",
            "Conversion moved from 5.0% (August 2026) to 4.0% (September 2026) over {n}: "
            "no clear change",
            "La conversion passe de 5,0 % (août 2026) à 4,0 % (septembre 2026) sur {n} : "
            "pas de changement net",
        ),
    ],
)
def test_mature_cohorts_of_a_trend(key, en, fr):
    # the figures are the template's own; only the cohorts' noun agrees with n
    assert said(key, "en", "n", **TREND) == [
        en.format(n=n) for n in ("0 mature cohorts", "1 mature cohort", "2 mature cohorts")
    ]
    assert said(key, "fr", "n", **TENDANCE) == [
        fr.format(n=n) for n in ("0 cohorte mature", "1 cohorte mature", "2 cohortes matures")
    ]


def test_leads_of_the_biggest_leak():
    values = {"month": "September 2026", "share": "63%", "a": "lead", "b": "visit"}
    en = "{n} of the September 2026 cohort, 63% of those lost, {v} between lead and visit: "
    assert said("find.fun.leak", "en", "lost", **values) == [
        en.format(n=n, v=v) + "the funnel’s biggest leak."
        for n, v in (("0 leads", "drop out"), ("1 lead", "drops out"), ("2 leads", "drop out"))
    ]
    values = {"month": "septembre 2026", "share": "63 %", "a": "lead", "b": "visite"}
    fr = "{n} en septembre 2026, soit 63 % des leads perdus, {v} entre lead et visite : "
    assert said("find.fun.leak", "fr", "lost", **values) == [
        fr.format(n=n, v=v) + "la plus grosse fuite de l’entonnoir."
        for n, v in (
            ("0 lead entré", "décroche"),
            ("1 lead entré", "décroche"),
            ("2 leads entrés", "décrochent"),
        )
    ]


def test_a_count_the_formatter_wrote_agrees_with_the_figure_shown():
    # "1 234" (French thousands, narrow no-break space) is plural
    said = phrase("funnel.chart.trend.flat", "fr", n="1\u202f234", **TENDANCE)
    assert " ".join(said.split()) == (
        "La conversion passe de 5,0 % (août 2026) à 4,0 % (septembre 2026) sur 1 234 cohortes "
        "matures : pas de changement net"
    )
