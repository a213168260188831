"""Phrases of the funnel page, its findings and its charts (report model).

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields. A count that changes the
words around it is the field ``n``.
"""

from __future__ import annotations

__all__ = ["PHRASES_FUNNEL"]

PHRASES_FUNNEL: dict[str, dict[str, str]] = {
    # --- the page ---------------------------------------------------------
    "funnel.empty": {
        "en": "No lead came in during {month}: the funnel cannot be shown.",
        "fr": "Aucun lead n’est entré en {month} : l’entonnoir ne peut être montré.",
    },
    "funnel.current": {
        "en": "{n} leads came in during {month}; {conv} of them have become a sale so far "
        "({sales} of {n}).",
        "fr": "{n} leads sont entrés en {month} ; {conv} d’entre eux sont devenus une vente "
        "à ce jour ({sales} sur {n}).",
    },
    "funnel.current.immature": {
        "en": "This cohort is immature: some of its leads are younger than the {n}-day "
        "conversion window, so its conversion will still rise.",
        "fr": "Cette cohorte est immature : une partie de ses leads a moins que la fenêtre "
        "de conversion de {n} jours, sa conversion va donc encore monter.",
    },
    "funnel.window.derived": {
        "en": "No conversion window is set in kpi.toml; {share} of the sales close within "
        "{n} days, so each lead is followed for {n} days.",
        "fr": "Aucune fenêtre de conversion n’est fixée dans kpi.toml ; {share} des ventes "
        "se concluent en {n} jours au plus, chaque lead est donc suivi {n} jours.",
    },
    "funnel.mature": {
        "en": "The latest mature cohort, {month}, turned {conv} of its leads into sales "
        "({sales} of {leads}).",
        "fr": "La dernière cohorte mûre, {month}, a transformé {conv} de ses leads en ventes "
        "({sales} sur {leads}).",
    },
    "funnel.previous.differs": {
        "en": "The cohort before it, {month}, converted {conv}: the change is beyond chance.",
        "fr": "La cohorte précédente, {month}, convertissait {conv} : l’écart dépasse le hasard.",
    },
    "funnel.previous.noise": {
        "en": "The cohort before it, {month}, converted {conv}: the change may be chance.",
        "fr": "La cohorte précédente, {month}, convertissait {conv} : l’écart peut être dû "
        "au hasard.",
    },
    "funnel.no_mature": {
        "en": "No cohort is mature yet: every one still holds leads younger than the "
        "{n}-day window, so no conversion is final and no trend is read.",
        "fr": "Aucune cohorte n’est encore mûre : toutes ont des leads de moins de {n} jours, "
        "aucune conversion n’est définitive et aucune tendance n’est lue.",
    },
    "funnel.value": {
        "en": "{source} loses the most value, about {value} of deals at its average deal "
        "size; by stage, the leads lost at the {stage} stage are worth the most, about "
        "{stage_value}.",
        "fr": "{source} perd le plus de valeur, environ {value} d’affaires à son panier "
        "moyen ; par étape, les leads perdus à l’étape {stage} valent le plus, environ "
        "{stage_value}.",
    },
    # --- findings for page 1 --------------------------------------------
    "find.fun.trend.down": {
        "en": "Lead-to-sale conversion fell from {first} ({m1}) to {last} ({m2}) over {n} "
        "mature cohorts, beyond chance.",
        "fr": "La conversion lead → vente a baissé de {first} ({m1}) à {last} ({m2}) sur "
        "{n} cohortes mûres, au-delà du hasard.",
    },
    "find.fun.trend.up": {
        "en": "Lead-to-sale conversion rose from {first} ({m1}) to {last} ({m2}) over {n} "
        "mature cohorts, beyond chance.",
        "fr": "La conversion lead → vente est passée de {first} ({m1}) à {last} ({m2}) sur "
        "{n} cohortes mûres, au-delà du hasard.",
    },
    "find.fun.sources": {
        "en": "Leads from {best_name} convert to sales at {best} against {worst} for "
        "{worst_name} (cohort of {month}): a gap beyond chance.",
        "fr": "Les leads {best_name} se convertissent en ventes à {best} contre {worst} pour "
        "{worst_name} (leads entrés en {month}) : un écart au-delà du hasard.",
    },
    "find.fun.leak": {
        "en": "{share} of the lost leads of the {month} cohort ({lost}) drop out between "
        "{a} and {b}: the funnel’s biggest leak.",
        "fr": "{share} des leads perdus parmi ceux entrés en {month} ({lost}) sortent entre "
        "{a} et {b} : la plus grosse fuite de l’entonnoir.",
    },
    # --- charts -----------------------------------------------------------
    "funnel.chart.cohort.mature": {
        "en": "Lead cohort of {month} (mature)",
        "fr": "Leads entrés en {month} (cohorte mûre)",
    },
    "funnel.chart.cohort.immature": {
        "en": "Lead cohort of {month} (immature)",
        "fr": "Leads entrés en {month} (cohorte immature)",
    },
    "funnel.chart.stages": {
        "en": "{cohort}: {a} → {b} loses the most leads, {share} of losses",
        "fr": "{cohort} : {a} → {b} perd le plus de leads, {share} des pertes",
    },
    "funnel.chart.stages.none": {
        "en": "{cohort}: leads reaching each stage",
        "fr": "{cohort} : leads atteignant chaque étape",
    },
    "funnel.chart.sources.differ": {
        "en": "{cohort}: {best} converts best at {best_conv}, {worst} least at "
        "{worst_conv}, beyond chance",
        "fr": "{cohort} : {best} convertit le mieux ({best_conv}), {worst} le moins "
        "({worst_conv}), au-delà du hasard",
    },
    "funnel.chart.sources.noise": {
        "en": "{cohort}: {best} converts best at {best_conv}, {worst} least at "
        "{worst_conv}, a gap that may be chance",
        "fr": "{cohort} : {best} convertit le mieux ({best_conv}), {worst} le moins "
        "({worst_conv}), un écart qui peut être dû au hasard",
    },
    "funnel.chart.sources.none": {
        "en": "{cohort}: lead-to-sale conversion by source",
        "fr": "{cohort} : conversion lead → vente par source",
    },
    "funnel.chart.trend.up": {
        "en": "Conversion rose from {first} ({m1}) to {last} ({m2}) over {n} mature cohorts",
        "fr": "La conversion passe de {first} ({m1}) à {last} ({m2}) sur {n} cohortes mûres",
    },
    "funnel.chart.trend.down": {
        "en": "Conversion fell from {first} ({m1}) to {last} ({m2}) over {n} mature cohorts",
        "fr": "La conversion baisse de {first} ({m1}) à {last} ({m2}) sur {n} cohortes mûres",
    },
    "funnel.chart.trend.flat": {
        "en": "Conversion moved from {first} ({m1}) to {last} ({m2}) over {n} mature "
        "cohorts: no clear change",
        "fr": "La conversion passe de {first} ({m1}) à {last} ({m2}) sur {n} cohortes "
        "mûres : pas de changement net",
    },
    "funnel.chart.trend.few": {
        "en": "Lead-to-sale conversion by cohort: too few mature cohorts for a trend",
        "fr": "Conversion lead → vente par cohorte : trop peu de cohortes mûres pour une tendance",
    },
    "funnel.chart.trend.mature": {"en": "mature cohort", "fr": "cohorte mûre"},
    "funnel.chart.trend.immature": {
        "en": "immature: leads younger than the {n}-day window, still converting",
        "fr": "immature : leads de moins de {n} jours, encore en conversion",
    },
    "funnel.chart.trend.immature.any": {
        "en": "immature: still converting",
        "fr": "immature : encore en conversion",
    },
}
