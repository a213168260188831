"""Phrases of the funnel page, its findings and its charts (report model).

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields. A count that changes the
words around it is declared under ``"count"`` with the plural forms of each
language (see :mod:`kpilib.story.phrases`): the leads of a cohort ``n``, the
mature cohorts of a trend ``n``, the days of the conversion window ``n`` (in
French; English writes "{n}-day"), the leads of the biggest leak ``lost``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PHRASES_FUNNEL"]

PHRASES_FUNNEL: dict[str, dict[str, Any]] = {
    # --- the page ---------------------------------------------------------
    "funnel.empty": {
        "en": "No lead came in during {month}: the funnel cannot be shown.",
        "fr": "Aucun lead n’est entré en {month} : l’entonnoir ne peut pas être affiché.",
    },
    "funnel.current": {
        "count": "n",
        "en": {
            "one": "{n} lead came in during {month}; its conversion to a sale stands at {conv} "
            "so far ({sales} of {n}).",
            "other": "{n} leads came in during {month}; {conv} of them have become a sale so far "
            "({sales} of {n}).",
        },
        "fr": {
            "one": "{n} lead est entré en {month} ; sa conversion en vente atteint {conv} à ce "
            "jour ({sales} sur {n}).",
            "other": "{n} leads sont entrés en {month} ; {conv} d’entre eux ont abouti à une "
            "vente à ce jour ({sales} sur {n}).",
        },
    },
    "funnel.current.immature": {
        "count": "n",
        "en": "This cohort is immature: some of its leads are younger than the {n}-day "
        "conversion window, so its conversion will still rise.",
        "fr": {
            "one": "Cette cohorte est immature : une partie de ses leads est plus récente que la "
            "fenêtre de conversion de {n} jour, sa conversion va donc encore progresser.",
            "other": "Cette cohorte est immature : une partie de ses leads est plus récente que "
            "la fenêtre de conversion de {n} jours, sa conversion va donc encore progresser.",
        },
    },
    "funnel.window.derived": {
        "count": "n",
        "en": {
            "one": "No conversion window is set in kpi.toml; {share} of the sales close within "
            "{n} day, so each lead is followed for {n} day.",
            "other": "No conversion window is set in kpi.toml; {share} of the sales close within "
            "{n} days, so each lead is followed for {n} days.",
        },
        "fr": {
            "one": "Aucune fenêtre de conversion n’est fixée dans kpi.toml ; {share} des ventes "
            "se concluent en {n} jour au plus, chaque lead est donc suivi pendant {n} jour.",
            "other": "Aucune fenêtre de conversion n’est fixée dans kpi.toml ; {share} des ventes "
            "se concluent en {n} jours au plus, chaque lead est donc suivi pendant {n} jours.",
        },
    },
    "funnel.mature": {
        "en": "The latest mature cohort, {month}, turned {conv} of its leads into sales "
        "({sales} of {leads}).",
        "fr": "La dernière cohorte mature, {month}, a converti {conv} de ses leads en ventes "
        "({sales} sur {leads}).",
    },
    "funnel.previous.differs": {
        "en": "The cohort before it, {month}, converted {conv}: the change is beyond chance.",
        "fr": "La cohorte précédente, {month}, convertissait {conv} de ses leads : l’écart ne "
        "s’explique pas par le hasard.",
    },
    "funnel.previous.noise": {
        "en": "The cohort before it, {month}, converted {conv}: the change may be chance.",
        "fr": "La cohorte précédente, {month}, convertissait {conv} de ses leads : l’écart peut "
        "être dû au hasard.",
    },
    "funnel.no_mature": {
        "count": "n",
        "en": "No cohort is mature yet: every one still holds leads younger than the "
        "{n}-day window, so no conversion is final and no trend is read.",
        "fr": {
            "one": "Aucune cohorte n’est encore mature : toutes comptent des leads de moins de "
            "{n} jour ; aucune conversion n’est donc définitive et aucune tendance ne peut "
            "encore être établie.",
            "other": "Aucune cohorte n’est encore mature : toutes comptent des leads de moins de "
            "{n} jours ; aucune conversion n’est donc définitive et aucune tendance ne peut "
            "encore être établie.",
        },
    },
    "funnel.value": {
        "en": "{source} loses the most value, about {value} of deals at its average deal "
        "size; by stage, the leads lost at the {stage} stage are worth the most, about "
        "{stage_value}.",
        "fr": "{source} perd le plus de valeur, environ {value} de ventes manquées, à son "
        "panier moyen ; par étape, les leads perdus à l’étape {stage} valent le plus, environ "
        "{stage_value}.",
    },
    # --- findings for page 1 --------------------------------------------
    "find.fun.trend.down": {
        "count": "n",
        "en": {
            "one": "Lead-to-sale conversion fell from {first} ({m1}) to {last} ({m2}) over {n} "
            "mature cohort, beyond chance.",
            "other": "Lead-to-sale conversion fell from {first} ({m1}) to {last} ({m2}) over {n} "
            "mature cohorts, beyond chance.",
        },
        "fr": {
            "one": "La conversion lead → vente est passée de {first} ({m1}) à {last} ({m2}) sur "
            "{n} cohorte mature, une baisse qui ne s’explique pas par le hasard.",
            "other": "La conversion lead → vente est passée de {first} ({m1}) à {last} ({m2}) "
            "sur {n} cohortes matures, une baisse qui ne s’explique pas par le hasard.",
        },
    },
    "find.fun.trend.up": {
        "count": "n",
        "en": {
            "one": "Lead-to-sale conversion rose from {first} ({m1}) to {last} ({m2}) over {n} "
            "mature cohort, beyond chance.",
            "other": "Lead-to-sale conversion rose from {first} ({m1}) to {last} ({m2}) over {n} "
            "mature cohorts, beyond chance.",
        },
        "fr": {
            "one": "La conversion lead → vente est passée de {first} ({m1}) à {last} ({m2}) sur "
            "{n} cohorte mature, une hausse qui ne s’explique pas par le hasard.",
            "other": "La conversion lead → vente est passée de {first} ({m1}) à {last} ({m2}) "
            "sur {n} cohortes matures, une hausse qui ne s’explique pas par le hasard.",
        },
    },
    "find.fun.sources": {
        "en": "Leads from {best_name} convert to sales at {best} against {worst} for "
        "{worst_name} (cohort of {month}): a gap beyond chance.",
        "fr": "Les leads de la source {best_name} se convertissent en ventes à {best}, contre "
        "{worst} pour la source {worst_name} (leads entrés en {month}) : un écart qui ne "
        "s’explique pas par le hasard.",
    },
    "find.fun.leak": {
        "count": "lost",
        "en": {
            "one": "{lost} lead of the {month} cohort, {share} of those lost, drops out between "
            "{a} and {b}: the funnel’s biggest leak.",
            "other": "{lost} leads of the {month} cohort, {share} of those lost, drop out between "
            "{a} and {b}: the funnel’s biggest leak.",
        },
        "fr": {
            "one": "{lost} lead entré en {month}, soit {share} des leads perdus, décroche entre "
            "{a} et {b} : la plus grosse fuite de l’entonnoir.",
            "other": "{lost} leads entrés en {month}, soit {share} des leads perdus, décrochent "
            "entre {a} et {b} : la plus grosse fuite de l’entonnoir.",
        },
    },
    # --- charts -----------------------------------------------------------
    "funnel.chart.cohort.mature": {
        "en": "Lead cohort of {month} (mature)",
        "fr": "Leads entrés en {month} (cohorte mature)",
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
        "({worst_conv}), un écart qui ne s’explique pas par le hasard",
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
        "count": "n",
        "en": {
            "one": "Conversion rose from {first} ({m1}) to {last} ({m2}) over {n} mature cohort",
            "other": "Conversion rose from {first} ({m1}) to {last} ({m2}) over {n} mature cohorts",
        },
        "fr": {
            "one": "La conversion progresse de {first} ({m1}) à {last} ({m2}) sur {n} cohorte "
            "mature",
            "other": "La conversion progresse de {first} ({m1}) à {last} ({m2}) sur {n} "
            "cohortes matures",
        },
    },
    "funnel.chart.trend.down": {
        "count": "n",
        "en": {
            "one": "Conversion fell from {first} ({m1}) to {last} ({m2}) over {n} mature cohort",
            "other": "Conversion fell from {first} ({m1}) to {last} ({m2}) over {n} mature cohorts",
        },
        "fr": {
            "one": "La conversion baisse de {first} ({m1}) à {last} ({m2}) sur {n} cohorte mature",
            "other": "La conversion baisse de {first} ({m1}) à {last} ({m2}) sur {n} cohortes "
            "matures",
        },
    },
    "funnel.chart.trend.flat": {
        "count": "n",
        "en": {
            "one": "Conversion moved from {first} ({m1}) to {last} ({m2}) over {n} mature "
            "cohort: no clear change",
            "other": "Conversion moved from {first} ({m1}) to {last} ({m2}) over {n} mature "
            "cohorts: no clear change",
        },
        "fr": {
            "one": "La conversion passe de {first} ({m1}) à {last} ({m2}) sur {n} cohorte "
            "mature : pas de changement net",
            "other": "La conversion passe de {first} ({m1}) à {last} ({m2}) sur {n} cohortes "
            "matures : pas de changement net",
        },
    },
    "funnel.chart.trend.few": {
        "en": "Lead-to-sale conversion by cohort: too few mature cohorts for a trend",
        "fr": "Conversion lead → vente par cohorte : trop peu de cohortes matures pour dégager "
        "une tendance",
    },
    "funnel.chart.trend.mature": {"en": "mature cohort", "fr": "cohorte mature"},
    "funnel.chart.trend.immature": {
        "count": "n",
        "en": "immature: leads younger than the {n}-day window, still converting",
        "fr": {
            "one": "immature : leads de moins de {n} jour, conversion encore en cours",
            "other": "immature : leads de moins de {n} jours, conversion encore en cours",
        },
    },
    "funnel.chart.trend.immature.any": {
        "en": "immature: still converting",
        "fr": "immature : conversion encore en cours",
    },
}
