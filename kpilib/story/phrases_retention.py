"""The sentences of retention and customer lifetime, in English and French.

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields. ``{n}`` counts the cohorts
old enough to have a whole twelfth month and changes the words around it (plural
forms below). Months come formatted with their unit (``{months}`` is "28
months", "28 mois"); so are ``{horizon}`` (the value horizon) and ``{observed}``
(the months the cohort curves observe). ``{then}`` is ``ret.then_pooled`` when
the cohort curve runs on at its pooled rate past the months observed, else empty.

French: the cohort curves are « les courbes de cohortes », churn « l’attrition
mensuelle », a month « le douzième mois ».
"""

from __future__ import annotations

from typing import Any

__all__ = ["PHRASES_RETENTION"]

PHRASES_RETENTION: dict[str, dict[str, Any]] = {
    "sec.acq.retention": {
        "en": "Retention and customer lifetime",
        "fr": "Fidélisation et durée de vie client",
    },
    # --- the sentence of the value part --------------------------------------
    "ret.stay.year": {
        "count": "n",
        "en": {
            "one": "Customers stay {months} on average over their first {horizon} "
            "({source}); {rate} are still buying after a year (they ordered in their twelfth "
            "month; {n} cohort old enough).",
            "other": "Customers stay {months} on average over their first {horizon} "
            "({source}); {rate} are still buying after a year (they ordered in their twelfth "
            "month; {n} cohorts old enough).",
        },
        "fr": {
            "one": "Les clients restent {months} en moyenne sur les {horizon} suivant leur "
            "acquisition ({source}) ; {rate} achètent encore après un an (ils ont commandé dans leur "
            "douzième mois ; {n} cohorte assez ancienne).",
            "other": "Les clients restent {months} en moyenne sur les {horizon} suivant leur "
            "acquisition ({source}) ; {rate} achètent encore après un an (ils ont commandé dans leur "
            "douzième mois ; {n} cohortes assez anciennes).",
        },
    },
    "ret.stay.young": {
        "en": "Customers stay {months} on average over their first {horizon} "
        "({source}); no cohort has lived a whole twelfth month yet, so it is too early to say "
        "how many are still buying after a year.",
        "fr": "Les clients restent {months} en moyenne sur les {horizon} suivant leur acquisition "
        "({source}) ; aucune cohorte n’a encore vécu un douzième mois complet : il est trop tôt "
        "pour dire combien achètent encore après un an.",
    },
    "ret.year": {
        "count": "n",
        "en": {
            "one": "After a year, {rate} of customers are still buying (they ordered in their "
            "twelfth month; {n} cohort old enough).",
            "other": "After a year, {rate} of customers are still buying (they ordered in "
            "their twelfth month; {n} cohorts old enough).",
        },
        "fr": {
            "one": "Après un an, {rate} des clients achètent encore (ils ont commandé dans leur "
            "douzième mois ; {n} cohorte assez ancienne).",
            "other": "Après un an, {rate} des clients achètent encore (ils ont commandé dans "
            "leur douzième mois ; {n} cohortes assez anciennes).",
        },
    },
    "ret.young": {
        "en": "No cohort has lived a whole twelfth month yet: it is too early to say how many "
        "customers are still buying after a year.",
        "fr": "Aucune cohorte n’a encore vécu un douzième mois complet : il est trop tôt pour dire "
        "combien de clients achètent encore après un an.",
    },
    "ret.source.model": {
        "en": "BG/NBD model",
        "fr": "modèle BG/NBD",
    },
    "ret.source.cohorts": {
        "en": "cohort curves",
        "fr": "courbes de cohortes",
    },
    # --- the lifetime's two estimates (retention cell) ------------------------
    "ret.model": {
        "en": "Over their first {horizon}, the BG/NBD model expects customers to stay "
        "{months} (monthly churn {churn}): it tells a customer who is quiet this month from "
        "one who has left.",
        "fr": "Sur les {horizon} suivant leur acquisition, le modèle BG/NBD prévoit que les "
        "clients "
        "restent {months} (attrition mensuelle de {churn}) : il distingue un client qui n’a "
        "pas commandé ce mois-ci d’un client parti.",
    },
    "ret.cohorts": {
        "en": "The cohort curves give {months} (monthly churn {churn}; observed over "
        "{observed}{then}): they count every month without an order as a loss.",
        "fr": "Les courbes de cohortes donnent {months} (attrition mensuelle de {churn} ; "
        "observées sur {observed}{then}) : elles comptent chaque mois sans commande comme "
        "un départ.",
    },
    "ret.cohorts.only": {
        "en": "Over their first {horizon}, the cohort curves give {months} (monthly churn "
        "{churn}; observed over {observed}{then}): they count every month without an order "
        "as a loss. The BG/NBD model was not fitted, so there is no second estimate.",
        "fr": "Sur les {horizon} suivant leur acquisition, les courbes de cohortes donnent "
        "{months} (attrition mensuelle de {churn} ; observées sur {observed}{then}) : elles "
        "comptent chaque mois sans commande comme un départ. Le modèle BG/NBD n’a pas été "
        "ajusté : il n’y a pas de seconde estimation.",
    },
    "ret.then_pooled": {
        "en": ", then at the pooled rate",
        "fr": ", puis au taux moyen",
    },
    "ret.disagree": {
        "en": "The two disagree widely, because only the cohort curves read a quiet month as "
        "a departure; the lifetime the page quotes is the model’s.",
        "fr": "Les deux estimations divergent nettement, car seules les courbes de cohortes "
        "lisent un mois sans commande comme un départ ; la durée de vie citée est celle du "
        "modèle.",
    },
    "ret.agree": {
        "en": "The two estimates are close; the lifetime the page quotes is the model’s.",
        "fr": "Les deux estimations sont proches ; la durée de vie citée est celle du modèle.",
    },
    "ret.cohorts.short": {
        "en": "The cohort curves cover only {observed}: too short to estimate a lifetime over "
        "{horizon}.",
        "fr": "Les courbes de cohortes ne couvrent que {observed} : trop peu pour estimer une "
        "durée de vie sur {horizon}.",
    },
    "ret.no_model": {
        "en": "The BG/NBD model was not fitted, so there is no model estimate either.",
        "fr": "Le modèle BG/NBD n’a pas été ajusté : il n’y a pas non plus d’estimation du modèle.",
    },
    "ret.none": {
        "en": "No lifetime can be estimated yet: no cohort has a whole month after its first, "
        "and the BG/NBD model was not fitted.",
        "fr": "Aucune durée de vie ne peut encore être estimée : aucune cohorte n’a de mois "
        "complet après le premier, et le modèle BG/NBD n’a pas été ajusté.",
    },
    "ret.no_orders": {
        "en": "The dataset holds no order yet: retention cannot be shown.",
        "fr": "Le jeu de données ne contient encore aucune commande : la fidélisation ne peut "
        "pas être montrée.",
    },
    # --- chart --------------------------------------------------------------------
    "ret.chart.year": {
        "count": "n",
        "en": {
            "one": "{rate} of customers ordered in their twelfth month ({n} cohort old enough)",
            "other": "{rate} of customers ordered in their twelfth month ({n} cohorts old enough)",
        },
        "fr": {
            "one": "{rate} des clients ont commandé dans leur douzième mois ({n} cohorte assez "
            "ancienne)",
            "other": "{rate} des clients ont commandé dans leur douzième mois ({n} cohortes assez "
            "anciennes)",
        },
    },
    "ret.chart.young": {
        "en": "Share of each cohort ordering, month by month; no cohort has a whole twelfth month "
        "yet",
        "fr": "Part de chaque cohorte qui commande, mois par mois ; aucune cohorte n’a encore "
        "de douzième mois complet",
    },
    "ret.chart.pooled": {
        "en": "All cohorts",
        "fr": "Toutes",
    },
    "ret.chart.x": {
        "en": "Months since acquisition",
        "fr": "Mois depuis l’acquisition",
    },
    "ret.chart.y": {
        "en": "Acquisition cohort",
        "fr": "Cohorte d’acquisition",
    },
    "ret.chart.partial": {
        "en": "hatched: month still open (partial, not churn)",
        "fr": "hachuré : mois en cours (partiel, pas de l’attrition)",
    },
}
