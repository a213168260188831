"""How each figure is computed, one line per figure, in English and French.

The words of docs/kpis.md, shown in the appendix as "name: definition"
(:func:`kpilib.story.notes.definitions`). French lines carry French typography.
"""

from __future__ import annotations

from kpilib.story.typography import typeset

__all__ = ["DEFINITIONS"]

_LINES = {
    "en": [
        ("Attainment", "actual ÷ target; gap = target − actual."),
        (
            "Projected",
            "actual × business days in the period ÷ business days elapsed (open periods only).",
        ),
        ("Realism", "target ÷ average actual of the three previous periods."),
        ("CAC", "acquisition costs (salaries, bonuses, expenses, campaigns) ÷ new customers."),
        (
            "Channel CAC",
            "the channel’s direct costs plus its share of shared costs (shared as the data "
            "notes say), ÷ the channel’s new customers.",
        ),
        ("Cohort value", "cumulative gross margin per customer by months since acquisition."),
        ("CAC payback", "first month where the cohort’s cumulative margin per customer ≥ its CAC."),
        ("LTV:CAC", "observed lifetime value (cumulative margin per customer) ÷ CAC."),
        (
            "Retention",
            "a cohort’s customers with an order in a month ÷ its customers; after a year = "
            "month 12, over the cohorts whose 12th month is over (an open month counts nowhere).",
        ),
        (
            "Customer lifetime",
            "months a customer stays within the value horizon: the sum of a survival curve, "
            "from BG/NBD’s probability of being alive, or from the cohort curves (pooled "
            "month-to-month retention).",
        ),
        (
            "Funnel",
            "leads that entered in the period, followed to the as-of date; step conversion = "
            "reached ÷ reached at the previous stage; 95% Wilson intervals.",
        ),
        ("Immature cohort", "a lead cohort younger than the conversion window."),
        (
            "Value lost",
            "leads lost at a stage × share of that stage's leads that became a sale × the "
            "source's average deal.",
        ),
        (
            "Rep coaching",
            "each rep’s conversion per step on the funnel’s cohort, drawn towards the team’s "
            "by a beta prior fitted on the team’s reps (method of moments); 90% posterior "
            "intervals; a rep lies below the team when the whole interval does.",
        ),
        (
            "Sales cycle",
            "days from lead to sale of the sales dated in the month: median and 80th "
            "percentile; its trend by a Mann-Kendall test on the closed months.",
        ),
        (
            "Headline LTV:CAC and payback",
            "read on the cohort acquired 12 months before the period (or the oldest one).",
        ),
        ("Change", "a change inside its 95% confidence interval is not called a rise or a drop."),
        (
            "Pipeline forecast",
            "actual so far + each open lead’s chance to be sold by the period’s end (learnt on "
            "the six previous periods by stage and age) + the leads still to come at the recent "
            "pace, blended with the run rate as the two erred on those periods; 80% range; "
            "backtested on the 12 previous months.",
        ),
    ],
    "fr": [
        ("Atteinte", "réalisé ÷ objectif ; écart = objectif − réalisé."),
        (
            "Projection",
            "réalisé × jours ouvrés de la période ÷ jours ouvrés écoulés (périodes en cours).",
        ),
        ("Réalisme", "objectif ÷ réalisé moyen des trois périodes précédentes."),
        ("CAC", "coûts d’acquisition (salaires, primes, frais, campagnes) ÷ nouveaux clients."),
        (
            "CAC par canal",
            "coûts directs du canal plus sa part des coûts partagés (répartis comme le disent "
            "les notes sur les données) ÷ nouveaux clients du canal.",
        ),
        (
            "Valeur de cohorte",
            "marge brute cumulée par client selon les mois depuis l’acquisition.",
        ),
        (
            "Délai de récupération du CAC",
            "premier mois où la marge cumulée par client de la cohorte ≥ son CAC.",
        ),
        ("LTV:CAC", "valeur vie client observée (marge cumulée par client) ÷ CAC."),
        (
            "Fidélisation",
            "clients d’une cohorte ayant commandé dans un mois ÷ ses clients ; après un an = "
            "12ᵉ mois, sur les cohortes dont le 12ᵉ mois est clos (un mois en cours ne compte pas).",
        ),
        (
            "Durée de vie client",
            "mois passés comme client sur l’horizon de valeur : somme d’une courbe de survie, "
            "tirée de la probabilité d’être actif du modèle BG/NBD ou des courbes de cohortes "
            "(fidélisation d’un mois sur l’autre, cumulée).",
        ),
        (
            "Entonnoir",
            "leads entrés dans la période, suivis jusqu’à la date d’arrêté ; conversion d’étape = "
            "atteints ÷ atteints à l’étape précédente ; intervalles de Wilson à 95 %.",
        ),
        ("Cohorte immature", "cohorte de leads plus récente que la fenêtre de conversion."),
        (
            "Valeur perdue",
            "leads perdus à une étape × part des leads de l’étape ayant abouti à une vente × "
            "panier moyen de la source.",
        ),
        (
            "Accompagnement des commerciaux",
            "conversion de chaque commercial par étape sur la cohorte de l’entonnoir, rapprochée "
            "de celle de l’équipe par une loi bêta ajustée sur ses commerciaux (méthode des "
            "moments) ; intervalles a posteriori à 90 % ; un commercial est sous son équipe "
            "quand tout l’intervalle l’est.",
        ),
        (
            "Cycle de vente",
            "jours entre le lead et la vente des ventes datées du mois : médiane et 80ᵉ "
            "centile ; tendance par un test de Mann-Kendall sur les mois clos.",
        ),
        (
            "LTV:CAC et délai de récupération du CAC de la synthèse",
            "lus sur la cohorte acquise 12 mois avant la période (ou la plus ancienne).",
        ),
        (
            "Variation",
            "une variation dans son intervalle de confiance à 95 % n’est dite ni hausse ni baisse.",
        ),
        (
            "Prévision par le pipeline",
            "réalisé à ce jour + chance de chaque lead ouvert d’être vendu avant la fin de la "
            "période (apprise sur les six périodes précédentes selon l’étape et l’âge) + leads "
            "encore à venir au rythme récent, mêlée au rythme actuel selon leurs erreurs sur ces "
            "périodes ; fourchette à 80 % ; testée sur les 12 mois précédents.",
        ),
    ],
}

DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    lang: [(typeset(name, lang), typeset(text, lang)) for name, text in lines]
    for lang, lines in _LINES.items()
}
