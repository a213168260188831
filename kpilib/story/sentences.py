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
    "cac.change": {
        "en": "That is {change} against {prev} ({prev_cac}).",
        "fr": "Soit {change} par rapport à {prev} ({prev_cac}).",
    },
    "cac.none": {
        "en": "No new customer in {month}: CAC cannot be computed ({cost} spent).",
        "fr": "Aucun nouveau client en {month} : le CAC ne peut être calculé ({cost} dépensés).",
    },
    "cac.no_costs": {
        "en": "The dataset holds no cost: CAC cannot be shown. Add costs.csv.",
        "fr": "Le jeu de données ne contient aucun coût : le CAC ne peut pas être calculé. "
        "Ajoutez costs.csv.",
    },
    "cac.channels": {
        "en": "{high} is the costliest channel at {high_cac} per customer; {low} the cheapest "
        "at {low_cac}.",
        "fr": "{high} est le canal le plus coûteux, à {high_cac} par client ; {low} le moins "
        "coûteux, à {low_cac}.",
    },
    "cac.breakdown": {
        "en": "{Category} make up the largest share of cost ({share}).",
        "fr": "Les {category} représentent la plus grosse part du coût ({share}).",
    },
    "pb.paid": {
        "en": "The {cohort} cohort covered its CAC of {cac} after {months}.",
        "fr": "La cohorte de {cohort} a récupéré son CAC de {cac} en {months}.",
    },
    "pb.first": {
        "en": "The {cohort} cohort covered its CAC of {cac} within its first month.",
        "fr": "La cohorte de {cohort} a récupéré son CAC de {cac} dès son premier mois.",
    },
    "pb.not_yet": {
        "en": "The {cohort} cohort has not yet covered its CAC of {cac} after {months}.",
        "fr": "La cohorte de {cohort} n’a pas encore récupéré son CAC de {cac} au bout de {months}.",
    },
    "ltv.channels": {
        "en": "After {months}, LTV:CAC is {ratio} across channels; {below} below the {min} line.",
        "fr": "Après {months}, le ratio LTV:CAC est de {ratio} tous canaux confondus ; {below} "
        "sous le seuil de {min}.",
    },
    "ltv.count": {
        "count": "n",
        "en": {
            "=0": "no channel is",
            "one": "{n} of {total} channels is",
            "other": "{n} of {total} channels are",
        },
        "fr": {
            "=0": "aucun canal n’est",
            "one": "{n} canal sur {total} est",
            "other": "{n} canaux sur {total} sont",
        },
    },
    "ltv.one": {"en": "{channel} is", "fr": "{channel} est"},
    "ltv.immature": {
        "en": "These lifetime values are observed, not projected: young cohorts will still "
        "grow (the projection follows below).",
        "fr": "Ces valeurs vie client sont mesurées, non projetées : les cohortes récentes "
        "vont encore progresser (la projection suit plus bas).",
    },
    "proj.observed": {
        "en": "Observed: the {cohort} cohort has earned {value} of margin per customer in "
        "{months}, an LTV:CAC of {ratio} measured so far.",
        "fr": "Observé : la cohorte de {cohort} a rapporté {value} de marge par client en "
        "{months}, soit un LTV:CAC mesuré de {ratio} à ce jour.",
    },
    "proj.projected": {
        "en": "Projected: the BG/NBD and Gamma-Gamma models, fitted on every order up to "
        "{as_of}, expect {value} per customer over {horizon}, discounted at {rate} a year: "
        "an LTV:CAC of {ratio}, a model's expectation, not a measurement.",
        "fr": "Projeté : les modèles BG/NBD et Gamma-Gamma, ajustés sur toutes les commandes "
        "jusqu’au {as_of}, prévoient {value} par client sur {horizon}, actualisés à {rate} "
        "par an : un LTV:CAC de {ratio}, une estimation du modèle, pas une mesure.",
    },
    "proj.payback": {
        "en": "The {cohort} cohort has not covered its CAC yet; the models expect it to "
        "after {months}.",
        "fr": "La cohorte de {cohort} n’a pas encore récupéré son CAC ; les modèles prévoient "
        "qu’elle le récupère au bout de {months}.",
    },
    "proj.never": {
        "en": "The {cohort} cohort has not covered its CAC yet, and the models do not expect "
        "it to within {horizon}.",
        "fr": "La cohorte de {cohort} n’a pas encore récupéré son CAC, et les modèles ne prévoient "
        "pas qu’elle le récupère d’ici {horizon}.",
    },
    "proj.none": {
        "en": "No projection: {reason}",
        "fr": "Pas de projection : {reason}",
    },
    "sec.acq.projected": {
        "en": "Projected against observed value",
        "fr": "Valeur projetée face à la valeur observée",
    },
    "chart.proj": {
        "en": "{cohort}: {value} per customer expected by month {horizon} (undiscounted), "
        "{observed} so far",
        "fr": "{cohort} : {value} par client attendus au mois {horizon} (non actualisés), "
        "{observed} à ce jour",
    },
    "chart.proj.observed": {"en": "observed", "fr": "observé"},
    "chart.proj.projected": {"en": "projected (model)", "fr": "projeté (modèle)"},
    "ltv.no_orders": {
        "en": "The dataset holds no order yet: customer value and payback cannot be shown.",
        "fr": "Le jeu de données ne contient encore aucune commande : la valeur client et le "
        "délai de récupération du CAC ne peuvent pas être calculés.",
    },
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
