"""Phrases of the funnel page's rep coaching and sales cycle (report model).

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields. Counts that change the words
around them: the reps compared or left ``n``, the sales of a month ``sales``,
a number of days ``n`` (:func:`kpilib.story.cycle.days_text`), the months
of a trend ``n``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PHRASES_COACH"]

PHRASES_COACH: dict[str, dict[str, Any]] = {
    # --- rep coaching ---------------------------------------------------------
    "sec.fun.coaching": {"en": "Reps against their team", "fr": "Commerciaux face à leur équipe"},
    "coach.unavailable": {
        "en": "The leads have no team or rep column: reps cannot be compared with their team.",
        "fr": "Les leads n’ont pas de colonne d’équipe ou de commercial : les commerciaux ne "
        "peuvent pas être comparés à leur équipe.",
    },
    "coach.immature": {
        "en": "The {month} cohort is still immature: no rep is compared with their team yet.",
        "fr": "La cohorte de {month} est encore immature : aucun commercial n’est encore "
        "comparé à son équipe.",
    },
    "coach.few": {
        "en": "Fewer than two reps per team have leads in the {month} cohort: no rep can be "
        "compared with their team.",
        "fr": "Moins de deux commerciaux par équipe ont des leads dans la cohorte de {month} : "
        "aucun commercial ne peut être comparé à son équipe.",
    },
    "coach.intro": {
        "count": "n",
        "en": {
            "one": "On the {month} cohort, {n} rep is compared with their team; each rep’s "
            "rate is drawn towards the team’s the fewer leads the rep has, so that luck on a "
            "few leads ranks nobody first.",
            "other": "On the {month} cohort, {n} reps are compared with their team; each rep’s "
            "rate is drawn towards the team’s the fewer leads the rep has, so that luck on a "
            "few leads ranks nobody first.",
        },
        "fr": {
            "one": "Sur la cohorte de {month}, {n} commercial est comparé à son équipe ; le "
            "taux de chacun est rapproché de celui de l’équipe d’autant plus qu’il a peu de "
            "leads, pour que la chance sur quelques leads ne classe personne en tête.",
            "other": "Sur la cohorte de {month}, {n} commerciaux sont comparés à leur équipe ; "
            "le taux de chacun est rapproché de celui de l’équipe d’autant plus qu’il a peu de "
            "leads, pour que la chance sur quelques leads ne classe personne en tête.",
        },
    },
    "coach.below": {
        "en": "{owner} ({team}) may need support: {conv} ({converted} of {entered}) of their "
        "leads became sales, {shrunk} once drawn towards the team ({level} interval {low} to "
        "{high}), against {team_rate} for the team{steps}.",
        "fr": "{owner} ({team}) pourrait avoir besoin d’un accompagnement : {conv} "
        "({converted} sur {entered}) de ses leads sont devenus des ventes, {shrunk} une fois "
        "rapproché de l’équipe (intervalle à {level} : {low} à {high}), contre {team_rate} "
        "pour l’équipe{steps}.",
    },
    "coach.below.steps": {
        "en": "; the gap lies in {steps}",
        "fr": " ; l’écart porte sur {steps}",
    },
    "coach.below.more": {
        "count": "n",
        "en": {
            "one": "{n} more rep lies below their team beyond the {level} interval (see the "
            "coaching table).",
            "other": "{n} more reps lie below their team beyond the {level} interval (see the "
            "coaching table).",
        },
        "fr": {
            "one": "{n} autre commercial se situe sous son équipe au-delà de l’intervalle à "
            "{level} (voir la table coaching).",
            "other": "{n} autres commerciaux se situent sous leur équipe au-delà de "
            "l’intervalle à {level} (voir la table coaching).",
        },
    },
    "coach.chance": {
        "en": "Among {n} reps and with a {level} interval, up to about {chance} can lie below "
        "their team by chance alone: each name is a question to ask, not a verdict.",
        "fr": "Sur {n} commerciaux, avec un intervalle à {level}, jusqu’à environ {chance} "
        "peuvent se situer sous leur équipe par le seul fait du hasard : chaque nom est une "
        "question à poser, pas un verdict.",
    },
    "coach.above": {
        "count": "n",
        "en": {
            "=1": "{names} converts above their team beyond the interval.",
            "other": "{n} reps convert above their team beyond the interval: {names}.",
        },
        "fr": {
            "=1": "{names} convertit au-dessus de son équipe au-delà de l’intervalle.",
            "other": "{n} commerciaux convertissent au-dessus de leur équipe au-delà de "
            "l’intervalle : {names}.",
        },
    },
    "coach.others": {
        "count": "n",
        "en": {"one": "{n} other", "other": "{n} others"},
        "fr": {"one": "{n} autre", "other": "{n} autres"},
    },
    "coach.rest": {
        "count": "n",
        "en": {
            "=1": "For the other rep, too few leads to tell: the team’s rate lies within the "
            "rep’s {level} interval.",
            "other": "For the other {n} reps, too few leads to tell: the team’s rate lies "
            "within each one’s {level} interval.",
        },
        "fr": {
            "=1": "Pour l’autre commercial, trop peu de leads pour conclure : le taux de "
            "l’équipe est dans son intervalle à {level}.",
            "other": "Pour les {n} autres commerciaux, trop peu de leads pour conclure : le "
            "taux de l’équipe est dans l’intervalle à {level} de chacun.",
        },
    },
    "coach.clear": {
        "count": "n",
        "en": {
            "=1": "No rep lies clearly below their team: the team’s rate lies within the rep’s "
            "{level} interval, too few leads to tell a gap from luck.",
            "other": "No rep lies clearly below their team: for all {n} reps, the team’s rate "
            "lies within their {level} interval, too few leads to tell a gap from luck.",
        },
        "fr": {
            "=1": "Aucun commercial n’est nettement sous son équipe : le taux de l’équipe est "
            "dans son intervalle à {level} ; trop peu de leads pour distinguer un écart du "
            "hasard.",
            "other": "Aucun commercial n’est nettement sous son équipe : pour les {n} "
            "commerciaux, le taux de l’équipe est dans leur intervalle à {level} ; trop peu de "
            "leads pour distinguer un écart du hasard.",
        },
    },
    # --- sales cycle ----------------------------------------------------------
    "sec.fun.cycle": {"en": "Sales cycle", "fr": "Cycle de vente"},
    "cycle.days": {
        "count": "n",
        "en": {"one": "{n} day", "other": "{n} days"},
        "fr": {"one": "{n} jour", "other": "{n} jours"},
    },
    "cycle.closed": {
        "count": "sales",
        "en": {
            "one": "In {month}, a sale took {median} from lead to sale ({sales} sale; 80% "
            "within {p80}).",
            "other": "In {month}, a sale took {median} from lead to sale (median of {sales} "
            "sales; 80% within {p80}).",
        },
        "fr": {
            "one": "En {month}, une vente a pris {median} entre le lead et la vente ({sales} "
            "vente ; 80 % en {p80} au plus).",
            "other": "En {month}, une vente a pris {median} entre le lead et la vente (médiane "
            "de {sales} ventes ; 80 % en {p80} au plus).",
        },
    },
    "cycle.open": {
        "count": "sales",
        "en": {
            "one": "So far in {month}, a sale took {median} from lead to sale ({sales} sale to "
            "date; 80% within {p80}).",
            "other": "So far in {month}, a sale took {median} from lead to sale (median of "
            "{sales} sales to date; 80% within {p80}).",
        },
        "fr": {
            "one": "Depuis le début de {month}, une vente a pris {median} entre le lead et la "
            "vente ({sales} vente à ce jour ; 80 % en {p80} au plus).",
            "other": "Depuis le début de {month}, une vente a pris {median} entre le lead et la "
            "vente (médiane de {sales} ventes à ce jour ; 80 % en {p80} au plus).",
        },
    },
    "cycle.none": {
        "en": "No sale is dated in {month}: there is no sales cycle to read.",
        "fr": "Aucune vente n’est datée de {month} : pas de cycle de vente à lire.",
    },
    "cycle.truncated": {
        "count": "n",
        "en": "The data’s first lead came less than the {n}-day conversion window before "
        "{month} began: sales of older leads are missing, so this cycle reads short.",
        "fr": {
            "one": "Le premier lead des données date de moins que la fenêtre de conversion de "
            "{n} jour avant le début de {month} : les ventes de leads plus anciens manquent, ce "
            "cycle est donc sous-estimé.",
            "other": "Le premier lead des données date de moins que la fenêtre de conversion de "
            "{n} jours avant le début de {month} : les ventes de leads plus anciens manquent, ce "
            "cycle est donc sous-estimé.",
        },
    },
    "cycle.trend.up": {
        "count": "n",
        "en": "The median rose from {first} ({m1}) to {last} ({m2}): a lengthening beyond "
        "chance over {n} closed months.",
        "fr": "La médiane est passée de {first} ({m1}) à {last} ({m2}) : un allongement "
        "qui ne s’explique pas par le hasard sur {n} mois clos.",
    },
    "cycle.trend.down": {
        "count": "n",
        "en": "The median fell from {first} ({m1}) to {last} ({m2}): a shortening beyond "
        "chance over {n} closed months.",
        "fr": "La médiane est passée de {first} ({m1}) à {last} ({m2}) : un "
        "raccourcissement qui ne s’explique pas par le hasard sur {n} mois clos.",
    },
    "cycle.chart.up": {
        "en": "The sales cycle lengthened: median {first} ({m1}) to {last} ({m2})",
        "fr": "Le cycle de vente s’allonge : médiane de {first} ({m1}) à {last} ({m2})",
    },
    "cycle.chart.down": {
        "en": "The sales cycle shortened: median {first} ({m1}) to {last} ({m2})",
        "fr": "Le cycle de vente raccourcit : médiane de {first} ({m1}) à {last} ({m2})",
    },
    "cycle.chart.flat": {
        "count": "n",
        "en": "Days from lead to sale: no clear change over {n} closed months",
        "fr": "Jours entre lead et vente : pas de changement net sur {n} mois clos",
    },
    "cycle.chart.few": {
        "en": "Days from lead to sale, by month of sale",
        "fr": "Jours entre lead et vente, par mois de vente",
    },
    "cycle.chart.median": {"en": "median", "fr": "médiane"},
    "cycle.chart.p80": {"en": "80th percentile", "fr": "80e centile"},
    "cycle.chart.open": {"en": "month to date", "fr": "mois en cours"},
    "why.no_sales": {"en": "no sale in these months", "fr": "aucune vente sur ces mois"},
    "why.one_month": {
        "en": "sales in one month only, no trend",
        "fr": "des ventes sur un seul mois, pas de tendance",
    },
    "cycle.chart.axis": {"en": "days from lead to sale", "fr": "jours entre lead et vente"},
}
