"""The narrative's sentences, in English and French: headings, objectives, acquisition,
summary and appendix (the funnel page's are in :mod:`kpilib.story.phrases_funnel`).

Entries follow the shape :mod:`kpilib.story.phrases` describes (one template
per language, or plural forms with a declared count field); they are read
through :func:`kpilib.story.phrases.phrase`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SENTENCES"]

SENTENCES: dict[str, dict[str, Any]] = {
    # --- headings -----------------------------------------------------------
    "title.summary": {"en": "Sales report — {month}", "fr": "Rapport commercial — {month}"},
    "title.objectives": {"en": "Objectives", "fr": "Objectifs"},
    "title.acquisition": {
        "en": "Acquisition cost and customer value",
        "fr": "Coût d’acquisition et valeur client",
    },
    "title.funnel": {"en": "Lead funnel", "fr": "Entonnoir de conversion"},
    "title.appendix": {"en": "Appendix", "fr": "Annexe"},
    "subtitle": {
        "en": "{company} · {month} · data as of {date}",
        "fr": "{company} · {month} · données au {date}",
    },
    "findings": {"en": "What matters most", "fr": "L’essentiel"},
    "page.summary": {"en": "Summary", "fr": "Synthèse"},
    "page.pdf": {"en": "PDF pack, A4", "fr": "Dossier PDF, A4"},
    "sec.obj.company": {"en": "Company objectives", "fr": "Objectifs de l’entreprise"},
    "sec.obj.teams": {"en": "Teams", "fr": "Équipes"},
    "sec.obj.pace": {"en": "Pace through the month", "fr": "Rythme du mois"},
    "sec.obj.gaps": {"en": "Gaps, ranked", "fr": "Écarts, classés"},
    "sec.obj.realism": {
        "en": "Are the targets realistic?",
        "fr": "Les objectifs sont-ils réalistes ?",
    },
    "sec.acq.cac": {"en": "CAC over time", "fr": "Évolution du CAC"},
    "sec.acq.costs": {"en": "What the cost is made of", "fr": "Composition du coût"},
    "sec.acq.payback": {"en": "Cohort value against CAC", "fr": "Valeur des cohortes face au CAC"},
    "sec.acq.ltv": {"en": "LTV:CAC by channel", "fr": "LTV:CAC par canal"},
    "sec.fun.stages": {"en": "Stages and leaks", "fr": "Étapes et fuites"},
    "sec.fun.sources": {"en": "Conversion by source", "fr": "Conversion par source"},
    "sec.fun.trend": {
        "en": "Trend over the last 12 cohorts",
        "fr": "Tendance sur les 12 dernières cohortes",
    },
    # --- objectives -------------------------------------------------------
    "obj.closed": {
        "count": "met",
        "en": "In {month} the company met {met} of its {n} targets.",
        "fr": {
            "one": "En {month}, l’entreprise a atteint {met} objectif sur {n}.",
            "other": "En {month}, l’entreprise a atteint {met} objectifs sur {n}.",
        },
    },
    "obj.open": {
        "count": "ok",
        "en": {
            "one": "On {date}, {ok} of the company’s {n} objectives is on track for {month}.",
            "other": "On {date}, {ok} of the company’s {n} objectives are on track for {month}.",
        },
        "fr": {
            "one": "Au {date}, l’entreprise a {ok} objectif sur {n} en bonne voie pour {month}.",
            "other": "Au {date}, l’entreprise a {ok} objectifs sur {n} en bonne voie pour {month}.",
        },
    },
    "obj.best.closed": {
        "en": "{Metric} did best at {att} of target ({actual} for {target}).",
        "fr": "{Metric} : meilleur taux d’atteinte, {att} de l’objectif ({actual} pour {target}).",
    },
    "obj.worst.open": {
        "en": "{Metric}: {actual} of {target} so far, projected to close at {projected} "
        "({patt}): {status}; {required} a business day are needed from here.",
        "fr": "{Metric} : {actual} sur {target}, projection à {projected} ({patt}) : {status} ; "
        "il faut désormais {required} par jour ouvré.",
    },
    "obj.realism.high": {
        "en": "The {metric} target asks {ratio} of what the previous three months delivered: "
        "it looks ambitious.",
        "fr": "L’objectif de {metric} demande {ratio} de ce que les trois mois précédents ont "
        "produit : il paraît ambitieux.",
    },
    "obj.realism.ok": {
        "en": "Targets stay within {ratio} of the previous three months’ actuals: they look "
        "realistic.",
        "fr": "Les objectifs ne dépassent pas {ratio} du réalisé des trois mois précédents : "
        "ils paraissent réalistes.",
    },
    "obj.no_targets": {
        "en": "The dataset holds no target for {month}: attainment cannot be shown. Add "
        "targets.csv to follow objectives.",
        "fr": "Le jeu de données ne contient aucun objectif pour {month} : le taux d’atteinte "
        "ne peut pas être calculé. Ajoutez targets.csv pour suivre les objectifs.",
    },
    "obj.missing": {
        "en": "No target is set for {what}.",
        "fr": "Aucun objectif n’est fixé pour {what}.",
    },
    "obj.reps": {"en": "individual reps", "fr": "les commerciaux individuellement"},
    "status.on track": {"en": "on track", "fr": "en bonne voie"},
    "status.at risk": {"en": "at risk", "fr": "à risque"},
    "status.off track": {"en": "off track", "fr": "en retard"},
    # --- acquisition ------------------------------------------------------
    "sec.acq.projected": {
        "en": "Projected against observed value",
        "fr": "Valeur projetée face à la valeur observée",
    },
    "chart.proj.observed": {"en": "observed", "fr": "observé"},
    # --- summary ----------------------------------------------------------
    "tile.new_customers": {"en": "New customers", "fr": "Nouveaux clients"},
    "tile.revenue": {"en": "Revenue", "fr": "Chiffre d’affaires"},
    "tile.conversion": {"en": "Lead-to-sale conversion", "fr": "Conversion lead → vente"},
    "tile.cac": {"en": "Blended CAC", "fr": "CAC global"},
    "tile.ltv_to_cac": {"en": "LTV:CAC", "fr": "LTV:CAC"},
    "tile.payback": {"en": "CAC payback", "fr": "Délai de récupération du CAC"},
    "tile.of_target": {"en": "{att} of {target}", "fr": "{att} de {target}"},
    "tile.no_target": {"en": "no target", "fr": "pas d’objectif"},
    "tile.vs_prev": {"en": "{change} vs {prev}", "fr": "{change} vs {prev}"},
    "tile.same": {"en": "same as {prev}", "fr": "comme en {prev}"},
    "tile.cohort": {"en": "cohort {month}", "fr": "cohorte de {month}"},
    "tile.at_months": {
        "count": "n",
        "en": {
            "one": "after {n} month, cohort {month}",
            "other": "after {n} months, cohort {month}",
        },
        "fr": "à {n} mois, cohorte de {month}",
    },
    "tile.months": {
        "count": "n",
        "en": {"one": "{n} month", "other": "{n} months"},
        "fr": "{n} mois",
    },
    "tile.under_one": {"en": "< 1 month", "fr": "< 1 mois"},
    "tile.not_yet": {"en": "not yet", "fr": "pas encore"},
    "tile.immature": {"en": "immature", "fr": "immature"},
    "tile.na": {"en": "not available", "fr": "non disponible"},
    "none": {"en": "none", "fr": "aucun"},
    "who.company": {"en": "the company", "fr": "l’entreprise"},
    # --- appendix ---------------------------------------------------------
    "notes.title": {"en": "Data notes", "fr": "Notes sur les données"},
    "defs.title": {"en": "How each figure is computed", "fr": "Comment chaque chiffre est calculé"},
    "notes.none": {
        "en": "The dataset passed validation without warning.",
        "fr": "Le jeu de données a passé la validation sans avertissement.",
    },
    "notes.immature": {
        "en": "Immature lead cohorts (younger than the {days}-day conversion window): {cohorts}.",
        "fr": "Cohortes de leads immatures (plus récentes que la fenêtre de conversion de "
        "{days} jours) : {cohorts}.",
    },
    "notes.missing_table": {
        "en": "No {table} table in the dataset: {what} cannot be shown.",
        "fr": "Pas de table {table} dans le jeu de données : la rubrique « {what} » n’est "
        "pas disponible.",
    },
    "defs.line": {"en": "{name}: {text}", "fr": "{name} : {text}"},
}
