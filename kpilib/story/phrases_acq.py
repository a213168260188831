"""The sentences of the acquisition-and-value page and its findings, in English and French.

Merged into :data:`kpilib.story.phrases.PHRASES`. Every figure comes in a field,
formatted from a section's fact; a count that varies is a field ``n`` placed
so that the sentence reads in the singular and the plural.
"""

from __future__ import annotations

__all__ = ["PHRASES_ACQ"]

PHRASES_ACQ: dict[str, dict[str, str]] = {
    # --- findings for page 1 ----------------------------------------------
    "acq.find.cac_up": {
        "en": "Blended CAC rose {change} to {cac} in {month}; new customers went from {n0} "
        "in {prev} to {n1}.",
        "fr": "Le CAC global augmente de {change} à {cac} en {month} ; les nouveaux clients "
        "passent de {n0} en {prev} à {n1}.",
    },
    "acq.find.cac_down": {
        "en": "Blended CAC fell {change} to {cac} in {month}; new customers went from {n0} "
        "in {prev} to {n1}.",
        "fr": "Le CAC global baisse de {change} à {cac} en {month} ; les nouveaux clients "
        "passent de {n0} en {prev} à {n1}.",
    },
    "acq.find.channel": {
        "en": "{Channel} costs {cac} per new customer in {month}, {times}× the blended {blended}.",
        "fr": "{Channel} coûte {cac} par nouveau client en {month}, {times} fois le CAC "
        "global de {blended}.",
    },
    "acq.find.channel.mtd": {
        "en": "{Channel} costs {cac} per new customer so far in {month} (month to date), "
        "{times}× the blended {blended}.",
        "fr": "{Channel} coûte {cac} par nouveau client depuis le début de {month} (mois en "
        "cours), {times} fois le CAC global de {blended}.",
    },
    "acq.find.ltv_low": {
        "en": "{Channel} returns {ratio} on its acquisition cost after {months} (cohort "
        "{cohort}), below the {min} line.",
        "fr": "{Channel} rapporte {ratio} de son coût d’acquisition après {months} (cohorte "
        "{cohort}), sous la ligne {min}.",
    },
    # --- the page's text ----------------------------------------------------
    "acq.no_costs": {
        "en": "The dataset holds no cost: CAC cannot be shown. Add costs.csv.",
        "fr": "Le jeu de données n’a aucun coût : le CAC ne peut être montré. Ajoutez costs.csv.",
    },
    "acq.no_orders": {
        "en": "The dataset holds no order yet: customer value and CAC payback cannot be shown. "
        "Add orders.csv.",
        "fr": "Le jeu de données n’a encore aucune commande : la valeur client et le délai de "
        "récupération du CAC ne peuvent être montrés. Ajoutez orders.csv.",
    },
    "acq.cac": {
        "en": "Blended CAC was {cac} in {month}: {cost} spent for {n} new customers.",
        "fr": "Le CAC global est de {cac} en {month} : {cost} dépensés pour {n} nouveaux clients.",
    },
    "acq.cac.mtd": {
        "en": "Month to date, blended CAC is {cac}: the {cost} booked for {month} over the "
        "{n} new customers won by {date}. It is not final and is not compared with closed "
        "months: a month’s costs are booked whole while its customers still come in.",
        "fr": "Depuis le début du mois, le CAC global est de {cac} : les {cost} comptabilisés "
        "pour {month} rapportés aux {n} nouveaux clients gagnés au {date}. Ce chiffre est "
        "provisoire et n’est pas comparé aux mois clos : les coûts d’un mois sont "
        "comptabilisés en entier alors que ses clients arrivent encore.",
    },
    "acq.cac.none": {
        "en": "No new customer in {month}: CAC cannot be computed ({cost} spent).",
        "fr": "Aucun nouveau client en {month} : le CAC ne peut être calculé ({cost} dépensés).",
    },
    "acq.cac.none.mtd": {
        "en": "No new customer yet in {month} by {date}: CAC cannot be computed ({cost} booked).",
        "fr": "Aucun nouveau client en {month} au {date} : le CAC ne peut être calculé "
        "({cost} comptabilisés).",
    },
    "acq.cac.change": {
        "en": "That is {change} against {prev} ({prev_cac}).",
        "fr": "Soit {change} par rapport à {prev} ({prev_cac}).",
    },
    "acq.cac.previous": {
        "en": "For reference, {prev}, the last closed month, ended at {prev_cac}.",
        "fr": "Pour mémoire, {prev}, dernier mois clos, a fini à {prev_cac}.",
    },
    "acq.mix": {
        "en": "{Category} make up the largest share of cost ({share}).",
        "fr": "Les {category} forment la plus grosse part du coût ({share}).",
    },
    "acq.channels": {
        "en": "{High} is the costliest channel at {high_cac} per customer; {low} the "
        "cheapest at {low_cac}.",
        "fr": "{High} est le canal le plus cher, {high_cac} par client ; {low} le moins "
        "cher, {low_cac}.",
    },
    "acq.channels.mtd": {
        "en": "So far this month, {high} is the costliest channel at {high_cac} per customer; "
        "{low} the cheapest at {low_cac}.",
        "fr": "Depuis le début du mois, {high} est le canal le plus cher, {high_cac} par "
        "client ; {low} le moins cher, {low_cac}.",
    },
    "acq.chart.cac.mtd.alone": {
        "en": "Blended CAC {cac} month to date in {month}, not final",
        "fr": "CAC global de {cac} depuis le début de {month}, provisoire",
    },
    "acq.pb.paid": {
        "en": "The {cohort} cohort covered its CAC of {cac} after {months}.",
        "fr": "La cohorte {cohort} a couvert son CAC de {cac} après {months}.",
    },
    "acq.pb.first": {
        "en": "The {cohort} cohort covered its CAC of {cac} within its first month.",
        "fr": "La cohorte {cohort} a couvert son CAC de {cac} dès son premier mois.",
    },
    "acq.pb.not_yet": {
        "en": "The {cohort} cohort has not yet covered its CAC of {cac} after {months}.",
        "fr": "La cohorte {cohort} n’a pas encore couvert son CAC de {cac} après {months}.",
    },
    "acq.ltv": {
        "en": "After {months}, the {cohort} cohort’s LTV:CAC is {ratio} across channels; "
        "channels below the {min} line: {n} of {total}.",
        "fr": "Après {months}, le LTV:CAC de la cohorte {cohort} est de {ratio} tous "
        "canaux ; canaux sous la ligne {min} : {n} sur {total}.",
    },
    "acq.ltv.observed": {
        "en": "These lifetime values are observed, not projected: young cohorts will still "
        "grow (the projection follows below).",
        "fr": "Ces valeurs vie client sont observées, non projetées : les cohortes récentes "
        "vont encore croître (la projection suit plus bas).",
    },
    "acq.proj.observed": {
        "en": "Observed: the {cohort} cohort has earned {value} of margin per customer in "
        "{months}, an LTV:CAC of {ratio} measured so far.",
        "fr": "Observé : la cohorte {cohort} a rapporté {value} de marge par client en "
        "{months}, soit un LTV:CAC mesuré de {ratio} à ce jour.",
    },
    "acq.proj.projected": {
        "en": "Projected: the BG/NBD and Gamma-Gamma models, fitted on every order up to "
        "{as_of}, expect {value} per customer over {horizon}, discounted at {rate} a year: "
        "an LTV:CAC of {ratio}, a model’s expectation, not a measurement.",
        "fr": "Projeté : les modèles BG/NBD et Gamma-Gamma, ajustés sur toutes les commandes "
        "jusqu’au {as_of}, prévoient {value} par client sur {horizon}, actualisés à {rate} "
        "par an : un LTV:CAC de {ratio}, une espérance de modèle, pas une mesure.",
    },
    "acq.proj.payback": {
        "en": "The {cohort} cohort has not covered its CAC yet; the models expect it to "
        "after {months}.",
        "fr": "La cohorte {cohort} n’a pas encore couvert son CAC ; les modèles prévoient "
        "qu’elle le fera après {months}.",
    },
    "acq.proj.never": {
        "en": "The {cohort} cohort has not covered its CAC yet, and the models do not expect "
        "it to within {horizon}.",
        "fr": "La cohorte {cohort} n’a pas encore couvert son CAC, et les modèles ne "
        "prévoient pas qu’elle le fasse sous {horizon}.",
    },
    "acq.proj.none": {
        "en": "No projection: {reason}.",
        "fr": "Pas de projection : {reason}.",
    },
    "acq.why.no_orders": {
        "en": "the dataset holds no order",
        "fr": "le jeu de données n’a aucune commande",
    },
    "acq.why.no_costs": {
        "en": "the dataset holds no cost, so there is no CAC to set the value against",
        "fr": "le jeu de données n’a aucun coût, donc aucun CAC face auquel placer la valeur",
    },
    "acq.why.no_customers": {
        "en": "no customer was acquired by {month}",
        "fr": "aucun client n’a été acquis avant la fin de {month}",
    },
    "acq.why.no_cohort": {
        "en": "the {cohort} cohort has no customer",
        "fr": "la cohorte {cohort} n’a aucun client",
    },
    "acq.why.data": {
        "en": "the orders cannot be read by the models: {error}",
        "fr": "les commandes ne peuvent être lues par les modèles : {error}",
    },
    "acq.why.fit": {
        "en": "the models could not be fitted on the orders up to {date} (customers with an "
        "order: {n}; repeat buyers: {repeat})",
        "fr": "les modèles n’ont pu être ajustés sur les commandes jusqu’au {date} (clients "
        "ayant commandé : {n} ; clients ayant racheté : {repeat})",
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
    "acq.chart.cac.mtd.label": {
        "en": "blended, month to date",
        "fr": "global, mois en cours",
    },
    "acq.chart.costs": {
        "en": "{Category} are {share} of acquisition cost in {month}",
        "fr": "Les {category} font {share} du coût d’acquisition en {month}",
    },
    "acq.chart.payback.paid": {
        "en": "The {cohort} cohort covered its CAC of {cac} after {months}",
        "fr": "La cohorte {cohort} a couvert son CAC de {cac} après {months}",
    },
    "acq.chart.payback.first": {
        "en": "The {cohort} cohort covered its CAC of {cac} within its first month",
        "fr": "La cohorte {cohort} a couvert son CAC de {cac} dès son premier mois",
    },
    "acq.chart.payback.not_yet": {
        "en": "The {cohort} cohort has not yet covered its CAC of {cac} after {months}",
        "fr": "La cohorte {cohort} n’a pas encore couvert son CAC de {cac} après {months}",
    },
    "acq.chart.ltv": {
        "en": "Channels below {min} after {months} (cohort {cohort}): {n} of {total}",
        "fr": "Canaux sous {min} après {months} (cohorte {cohort}) : {n} sur {total}",
    },
    "acq.chart.ltv.x": {
        "en": "LTV:CAC after {months} (cohort {cohort})",
        "fr": "LTV:CAC après {months} (cohorte {cohort})",
    },
    "acq.chart.proj": {
        "en": "{cohort}: {value} per customer over {horizon}, discounted at {rate} a year; "
        "{observed} earned so far",
        "fr": "{cohort} : {value} par client sur {horizon}, actualisés à {rate} par an ; "
        "{observed} gagnés à ce jour",
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
