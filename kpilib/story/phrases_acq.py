"""The sentences of the acquisition-and-value page and its findings, in English and French.

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields. A count that changes the words
around it is declared under ``"count"`` with the plural forms of each language
(see :mod:`kpilib.story.phrases`): the new customers of a month ``n``, the
channels below the LTV:CAC line ``n`` (of ``total``). Months come formatted
with their unit (``{months}`` is "1 month", "12 mois") and need no forms.

French follows the catalogue's terms: the CAC is « récupéré », its payback is
the « délai de récupération du CAC », a projection is « une estimation du
modèle », and a cohort is written "la cohorte de {cohort}", elided when filled
("la cohorte d’octobre 2025").
"""

from __future__ import annotations

from typing import Any

__all__ = ["PHRASES_ACQ"]

PHRASES_ACQ: dict[str, dict[str, Any]] = {
    # --- findings for page 1 ----------------------------------------------
    "acq.find.cac_up": {
        "en": "Blended CAC rose {change} to {cac} in {month}; new customers went from {n0} "
        "in {prev} to {n1}.",
        "fr": "Le CAC global a augmenté de {change} en {month}, à {cac} ; le nombre de "
        "nouveaux clients est passé de {n0} en {prev} à {n1}.",
    },
    "acq.find.cac_down": {
        "en": "Blended CAC fell {change} to {cac} in {month}; new customers went from {n0} "
        "in {prev} to {n1}.",
        "fr": "Le CAC global a baissé de {change} en {month}, à {cac} ; le nombre de "
        "nouveaux clients est passé de {n0} en {prev} à {n1}.",
    },
    "acq.find.channel": {
        "en": "{Channel} costs {cac} per new customer in {month}, {times}× the blended {blended}.",
        "fr": "{Channel} coûte {cac} par nouveau client en {month}, soit {times} fois le CAC "
        "global ({blended}).",
    },
    "acq.find.channel.mtd": {
        "en": "{Channel} costs {cac} per new customer so far in {month} (month to date), "
        "{times}× the blended {blended}.",
        "fr": "{Channel} coûte {cac} par nouveau client depuis le début de {month} (mois en "
        "cours), soit {times} fois le CAC global ({blended}).",
    },
    "acq.find.ltv_low": {
        "en": "{Channel} returns {ratio} on its acquisition cost after {months} (cohort "
        "{cohort}), below the {min} line.",
        "fr": "{Channel} affiche un LTV:CAC de {ratio} après {months} (cohorte de {cohort}), "
        "sous le seuil de {min}.",
    },
    # --- the page's text ----------------------------------------------------
    "acq.no_costs": {
        "en": "The dataset holds no cost: CAC cannot be shown. Add costs.csv.",
        "fr": "Le jeu de données ne contient aucun coût : le CAC ne peut pas être calculé. "
        "Ajoutez costs.csv.",
    },
    "acq.no_orders": {
        "en": "The dataset holds no order yet: customer value and CAC payback cannot be shown. "
        "Add orders.csv.",
        "fr": "Le jeu de données ne contient encore aucune commande : la valeur client et le "
        "délai de récupération du CAC ne peuvent pas être calculés. Ajoutez orders.csv.",
    },
    "acq.cac": {
        "count": "n",
        "en": {
            "one": "Blended CAC was {cac} in {month}: {cost} spent for {n} new customer.",
            "other": "Blended CAC was {cac} in {month}: {cost} spent for {n} new customers.",
        },
        "fr": {
            "one": "Le CAC global s’établit à {cac} en {month} : {cost} dépensés pour {n} "
            "nouveau client.",
            "other": "Le CAC global s’établit à {cac} en {month} : {cost} dépensés pour {n} "
            "nouveaux clients.",
        },
    },
    "acq.cac.mtd": {
        "count": "n",
        "en": {
            "one": "Month to date, blended CAC is {cac}: the {cost} booked for {month} over the "
            "{n} new customer won by {date}. It is not final and is not compared with closed "
            "months: a month’s costs are booked whole while its customers still come in.",
            "other": "Month to date, blended CAC is {cac}: the {cost} booked for {month} over "
            "the {n} new customers won by {date}. It is not final and is not compared with "
            "closed months: a month’s costs are booked whole while its customers still come in.",
        },
        "fr": {
            "one": "Depuis le début du mois, le CAC global est de {cac} : les {cost} "
            "comptabilisés pour {month} rapportés à {n} nouveau client acquis jusqu’au {date}. "
            "Ce chiffre est provisoire et n’est pas comparé aux mois clos : les coûts d’un mois "
            "sont comptabilisés en totalité alors que ses clients continuent d’arriver.",
            "other": "Depuis le début du mois, le CAC global est de {cac} : les {cost} "
            "comptabilisés pour {month} rapportés aux {n} nouveaux clients acquis jusqu’au "
            "{date}. Ce chiffre est provisoire et n’est pas comparé aux mois clos : les coûts "
            "d’un mois sont comptabilisés en totalité alors que ses clients continuent "
            "d’arriver.",
        },
    },
    "acq.cac.none": {
        "en": "No new customer in {month}: CAC cannot be computed ({cost} spent).",
        "fr": "Aucun nouveau client en {month} : le CAC ne peut pas être calculé ({cost} "
        "dépensés).",
    },
    "acq.cac.none.mtd": {
        "en": "No new customer yet in {month} by {date}: CAC cannot be computed ({cost} booked).",
        "fr": "Aucun nouveau client n’a encore été gagné en {month} (situation au {date}) : le "
        "CAC ne peut pas être calculé ({cost} comptabilisés).",
    },
    "acq.cac.change": {
        "en": "That is {change} against {prev} ({prev_cac}).",
        "fr": "Soit {change} par rapport à {prev} ({prev_cac}).",
    },
    "acq.cac.previous": {
        "en": "For reference, {prev}, the last closed month, ended at {prev_cac}.",
        "fr": "Pour mémoire, le CAC de {prev}, dernier mois clos, s’est établi à {prev_cac}.",
    },
    "acq.mix": {
        "en": "{Category} make up the largest share of cost ({share}).",
        "fr": "Les {category} représentent la plus grosse part du coût ({share}).",
    },
    "acq.channels": {
        "en": "{High} is the costliest channel at {high_cac} per customer; {low} the "
        "cheapest at {low_cac}.",
        "fr": "{High} est le canal le plus coûteux, à {high_cac} par client ; {low} le moins "
        "coûteux, à {low_cac}.",
    },
    "acq.channels.mtd": {
        "en": "So far this month, {high} is the costliest channel at {high_cac} per customer; "
        "{low} the cheapest at {low_cac}.",
        "fr": "Depuis le début du mois, {high} est le canal le plus coûteux, à {high_cac} par "
        "client ; {low} le moins coûteux, à {low_cac}.",
    },
    "acq.chart.cac.mtd.alone": {
        "en": "Blended CAC {cac} month to date in {month}, not final",
        "fr": "CAC global de {cac} depuis le début de {month}, provisoire",
    },
    "acq.pb.paid": {
        "en": "The {cohort} cohort covered its CAC of {cac} after {months}.",
        "fr": "La cohorte de {cohort} a récupéré son CAC de {cac} en {months}.",
    },
    "acq.pb.first": {
        "en": "The {cohort} cohort covered its CAC of {cac} within its first month.",
        "fr": "La cohorte de {cohort} a récupéré son CAC de {cac} dès son premier mois.",
    },
    "acq.pb.not_yet": {
        "en": "The {cohort} cohort has not yet covered its CAC of {cac} after {months}.",
        "fr": "La cohorte de {cohort} n’a pas encore récupéré son CAC de {cac} au bout de "
        "{months}.",
    },
    "acq.ltv": {
        "count": "n",
        "en": {
            "one": "After {months}, the {cohort} cohort’s LTV:CAC is {ratio} across channels; "
            "{n} of {total} channels is below the {min} line.",
            "other": "After {months}, the {cohort} cohort’s LTV:CAC is {ratio} across channels; "
            "{n} of {total} channels are below the {min} line.",
        },
        "fr": {
            "one": "Après {months}, le ratio LTV:CAC de la cohorte de {cohort} est de {ratio} "
            "tous canaux confondus ; {n} canal sur {total} est sous le seuil de {min}.",
            "other": "Après {months}, le ratio LTV:CAC de la cohorte de {cohort} est de {ratio} "
            "tous canaux confondus ; {n} canaux sur {total} sont sous le seuil de {min}.",
        },
    },
    "acq.ltv.observed": {
        "en": "These lifetime values are observed, not projected: young cohorts will still "
        "grow (the projection follows below).",
        "fr": "Ces valeurs vie client sont mesurées, non projetées : les cohortes récentes "
        "vont encore progresser (la projection figure plus bas).",
    },
    "acq.proj.observed": {
        "en": "Observed: the {cohort} cohort has earned {value} of margin per customer in "
        "{months}, an LTV:CAC of {ratio} measured so far.",
        "fr": "Observé : la cohorte de {cohort} a rapporté {value} de marge par client en "
        "{months}, soit un LTV:CAC mesuré de {ratio} à ce jour.",
    },
    "acq.proj.projected": {
        "en": "Projected: the BG/NBD and Gamma-Gamma models, fitted on every order up to "
        "{as_of}, expect {value} per customer over {horizon}, discounted at {rate} a year: "
        "an LTV:CAC of {ratio}, a model’s expectation, not a measurement.",
        "fr": "Projeté : les modèles BG/NBD et Gamma-Gamma, ajustés sur toutes les commandes "
        "jusqu’au {as_of}, prévoient {value} par client sur {horizon}, actualisés à {rate} "
        "par an : un LTV:CAC de {ratio}, une estimation du modèle, pas une mesure.",
    },
    "acq.proj.payback": {
        "en": "The {cohort} cohort has not covered its CAC yet; the models expect it to "
        "after {months}.",
        "fr": "La cohorte de {cohort} n’a pas encore récupéré son CAC ; les modèles prévoient "
        "qu’elle le récupère au bout de {months}.",
    },
    "acq.proj.never": {
        "en": "The {cohort} cohort has not covered its CAC yet, and the models do not expect "
        "it to within {horizon}.",
        "fr": "La cohorte de {cohort} n’a pas encore récupéré son CAC, et les modèles ne "
        "prévoient pas qu’elle le récupère d’ici {horizon}.",
    },
    "acq.proj.none": {
        "en": "No projection: {reason}.",
        "fr": "Pas de projection : {reason}.",
    },
    "acq.why.no_orders": {
        "en": "the dataset holds no order",
        "fr": "le jeu de données ne contient aucune commande",
    },
    "acq.why.no_costs": {
        "en": "the dataset holds no cost, so there is no CAC to set the value against",
        "fr": "le jeu de données ne contient aucun coût, donc aucun CAC auquel comparer la valeur",
    },
    "acq.why.no_customers": {
        "en": "no customer was acquired by {month}",
        "fr": "aucun client n’a été acquis avant la fin de {month}",
    },
    "acq.why.no_cohort": {
        "en": "the {cohort} cohort has no customer",
        "fr": "la cohorte de {cohort} ne compte aucun client",
    },
    "acq.why.data": {
        "en": "the orders cannot be read by the models: {error}",
        "fr": "les modèles ne peuvent pas lire les commandes : {error}",
    },
    "acq.why.fit": {
        "en": "the models could not be fitted on the orders up to {date} (customers with an "
        "order: {n}; repeat buyers: {repeat})",
        "fr": "les modèles n’ont pas pu être ajustés sur les commandes jusqu’au {date} "
        "(clients ayant commandé : {n} ; clients ayant commandé plus d’une fois : {repeat})",
    },
    # --- chart titles and labels -----------------------------------------------
    "acq.chart.cac.up": {
        "en": "Blended CAC rose {change} to {cac} in {month}",
        "fr": "Le CAC global augmente de {change} à {cac} en {month}",
    },
    "acq.chart.cac.down": {
        "en": "Blended CAC fell {change} to {cac} in {month}",
        "fr": "Le CAC global baisse de {change} à {cac} en {month}",
    },
    "acq.chart.cac.flat": {
        "en": "Blended CAC at {cac} in {month}",
        "fr": "CAC global à {cac} en {month}",
    },
    "acq.chart.cac.mtd": {
        "en": "Blended CAC {cac} month to date in {month}, not final; {prev} closed at {prev_cac}",
        "fr": "CAC global de {cac} depuis le début de {month}, provisoire ; {prev} clos à "
        "{prev_cac}",
    },
    "acq.chart.cac.none": {
        "en": "No new customer in {month}: no CAC for its {cost} of cost",
        "fr": "Aucun nouveau client en {month} : pas de CAC pour ses {cost} de coûts",
    },
    "acq.chart.cac.none.mtd": {
        "en": "No new customer yet in {month}: no CAC so far for its {cost} of cost",
        "fr": "Aucun nouveau client pour l’instant en {month} : pas encore de CAC pour ses "
        "{cost} de coûts",
    },
    "acq.chart.cac.mtd.label": {
        "en": "blended, month to date",
        "fr": "global, mois en cours",
    },
    "acq.chart.costs": {
        "en": "{Category} are {share} of acquisition cost in {month}",
        "fr": "Les {category} représentent {share} du coût d’acquisition en {month}",
    },
    "acq.chart.payback.paid": {
        "en": "The {cohort} cohort covered its CAC of {cac} after {months}",
        "fr": "La cohorte de {cohort} a récupéré son CAC de {cac} en {months}",
    },
    "acq.chart.payback.first": {
        "en": "The {cohort} cohort covered its CAC of {cac} within its first month",
        "fr": "La cohorte de {cohort} a récupéré son CAC de {cac} dès son premier mois",
    },
    "acq.chart.payback.not_yet": {
        "en": "The {cohort} cohort has not yet covered its CAC of {cac} after {months}",
        "fr": "La cohorte de {cohort} n’a pas encore récupéré son CAC de {cac} au bout de {months}",
    },
    "acq.chart.ltv": {
        "count": "n",
        "en": "{n} of {total} channels below {min} after {months} (cohort {cohort})",
        "fr": {
            "one": "{n} canal sur {total} sous le seuil de {min} après {months} (cohorte de "
            "{cohort})",
            "other": "{n} canaux sur {total} sous le seuil de {min} après {months} (cohorte de "
            "{cohort})",
        },
    },
    "acq.chart.ltv.x": {
        "en": "LTV:CAC after {months} (cohort {cohort})",
        "fr": "LTV:CAC après {months} (cohorte de {cohort})",
    },
    "acq.chart.proj": {
        "en": "{cohort}: {value} per customer over {horizon}, discounted at {rate} a year; "
        "{observed} earned so far",
        "fr": "{cohort} : {value} par client sur {horizon}, actualisés à {rate} par an ; "
        "{observed} rapportés à ce jour",
    },
    "acq.chart.proj.line": {
        "en": "projected (model, undiscounted)",
        "fr": "projeté (modèle, non actualisé)",
    },
    "acq.chart.proj.clv": {
        "en": "projected CLV, discounted",
        "fr": "CLV projetée, actualisée",
    },
}
