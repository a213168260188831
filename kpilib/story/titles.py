"""Chart titles, axis labels and legends, in English and French.

Entries follow the shape :mod:`kpilib.story.phrases` describes; a title states
the chart's finding, not its metric.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TITLES"]

TITLES: dict[str, dict[str, Any]] = {
    # --- chart titles and axes -------------------------------------------
    "chart.empty": {"en": "Nothing to show: {why}", "fr": "Rien à montrer : {why}"},
    "chart.att.closed": {
        "count": "met",
        "en": "Met {met} of {n} targets; {metric} furthest behind at {att}",
        "fr": {
            "one": "{met} objectif atteint sur {n} ; le plus gros retard : {metric}, à {att}",
            "other": "{met} objectifs atteints sur {n} ; le plus gros retard : {metric}, à {att}",
        },
    },
    "chart.att.open": {
        "count": "ok",
        "en": "{ok} of {n} objectives on track; {metric} projected at {att}",
        "fr": {
            "one": "{ok} objectif sur {n} en bonne voie ; projection la plus basse : {metric}, "
            "à {att}",
            "other": "{ok} objectifs sur {n} en bonne voie ; projection la plus basse : "
            "{metric}, à {att}",
        },
    },
    "chart.att.all": {
        "count": "n",
        "en": {
            "one": "Target met ({n} of {n}): {metric} at {att}",
            "other": "All {n} targets met; {metric} lowest at {att}",
        },
        "fr": {
            "one": "Objectif atteint ({n} sur {n}) : {metric} à {att}",
            "other": "Les {n} objectifs sont atteints ; {metric} au plus bas, à {att}",
        },
    },
    "chart.att.x": {
        "en": "Attainment (% of target)",
        "fr": "Taux d’atteinte (% de l’objectif)",
    },
    "chart.att.actual": {"en": "actual", "fr": "réalisé"},
    "chart.att.projected": {"en": "projected at close", "fr": "projection à la clôture"},
    "chart.path": {
        "en": "{Metric} {verb} {actual}, {att} of its {target} target",
        "fr": "{Metric} : {actual} {verb}, {att} de l’objectif de {target}",
    },
    "chart.path.nt": {
        "en": "{Metric} reached {actual}; no target set",
        "fr": "{Metric} : {actual}, sans objectif",
    },
    "chart.path.closed": {"en": "closed at", "fr": "à la clôture"},
    "chart.path.open": {"en": "projected at", "fr": "en projection"},
    "chart.path.y": {"en": "Cumulative {metric}", "fr": "{Metric} (cumul)"},
    "chart.path.x": {"en": "Day of {month}", "fr": "Jour du mois ({month})"},
    "chart.path.actual": {"en": "actual", "fr": "réalisé"},
    "chart.path.target": {"en": "target path", "fr": "trajectoire cible"},
    "chart.gaps": {
        "en": "Largest shortfall: {who} {metric}, {short} below target",
        "fr": "Plus gros écart : {who}, {metric}, {short} sous l’objectif",
    },
    "chart.gaps.none": {
        "en": "Every target met or exceeded",
        "fr": "Tous les objectifs atteints ou dépassés",
    },
    "chart.gaps.x": {"en": "Shortfall (% of target)", "fr": "Écart (% de l’objectif)"},
    "chart.company": {"en": "company", "fr": "entreprise"},
    "chart.realism": {
        "en": "{Metric} target asks {ratio} of the last three months’ average",
        "fr": "Objectif de {metric} : {ratio} de la moyenne des 3 derniers mois",
    },
    "chart.realism.x": {
        "en": "Target ÷ average of previous 3 months (%)",
        "fr": "Objectif ÷ moyenne des 3 mois précédents (%)",
    },
    "chart.cac.y": {"en": "CAC ({sym} per new customer)", "fr": "CAC ({sym} par nouveau client)"},
    "chart.cac.blended": {"en": "blended", "fr": "global"},
    "chart.costs.y": {"en": "Acquisition cost ({sym})", "fr": "Coût d’acquisition ({sym})"},
    "chart.curves.y": {
        "en": "Cumulative margin per customer ({sym})",
        "fr": "Marge cumulée par client ({sym})",
    },
    "chart.curves.x": {"en": "Months since acquisition", "fr": "Mois depuis l’acquisition"},
    "chart.curves.cac": {"en": "CAC", "fr": "CAC"},
    "chart.curves.payback": {"en": "payback", "fr": "CAC récupéré"},
    "chart.ltv": {
        "count": "above",
        "en": {
            "one": "{above} of {n} channels clears {min} after {months} months",
            "other": "{above} of {n} channels clear {min} after {months} months",
        },
        "fr": {
            "one": "{above} canal sur {n} dépasse {min} après {months} mois",
            "other": "{above} canaux sur {n} dépassent {min} après {months} mois",
        },
    },
    "chart.funnel.x": {"en": "Leads of the {month} cohort", "fr": "Leads de la cohorte de {month}"},
    "chart.funnel.kept": {"en": "went on to the next stage", "fr": "passés à l’étape suivante"},
    "chart.funnel.lost": {"en": "lost at this stage", "fr": "perdus à cette étape"},
    "chart.funnel.step": {"en": "{conv} of previous", "fr": "{conv} de l’étape précédente"},
    "chart.sources.x": {
        "en": "Lead-to-sale conversion, {month} cohort (95% interval)",
        "fr": "Conversion lead → vente, cohorte de {month} (intervalle de confiance à 95 %)",
    },
    "chart.trend.y": {"en": "Lead-to-sale conversion", "fr": "Conversion lead → vente"},
    "chart.trend.x": {"en": "Lead cohort (month)", "fr": "Cohorte de leads (mois)"},
    "chart.trend.ci": {"en": "95% interval", "fr": "intervalle de confiance à 95 %"},
    "why.no_targets": {
        "en": "no target for this period",
        "fr": "aucun objectif pour cette période",
    },
    "why.no_costs": {"en": "no cost data", "fr": "aucune donnée de coût"},
    "why.no_orders": {"en": "no order yet", "fr": "aucune commande pour l’instant"},
    "why.no_leads": {"en": "no lead in this cohort", "fr": "aucun lead dans cette cohorte"},
    "why.few": {"en": "not enough history", "fr": "historique insuffisant"},
}
