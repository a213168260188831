"""The sentences of the narrative, in English and French.

Each entry is a :meth:`str.format` template whose fields receive values
already formatted by :class:`kpilib.story.format.Formatter`. Keep both languages in
step: a test checks that every key has both and the same fields.
"""

from __future__ import annotations

import string

__all__ = ["PHRASES", "METRICS", "STAGES", "CATEGORIES", "phrase", "fields"]

METRICS = {
    "en": {
        "leads": "leads",
        "visits": "visits",
        "offers": "offers",
        "sales": "sales",
        "new_customers": "new customers",
        "revenue": "revenue",
    },
    "fr": {
        "leads": "leads",
        "visits": "visites",
        "offers": "offres",
        "sales": "ventes",
        "new_customers": "nouveaux clients",
        "revenue": "chiffre d’affaires",
    },
}

STAGES = {
    "en": {"lead": "lead", "visit": "visit", "offer": "offer", "sale": "sale"},
    "fr": {"lead": "lead", "visit": "visite", "offer": "offre", "sale": "vente"},
}

CATEGORIES = {
    "en": {
        "salaries": "salaries",
        "bonuses": "bonuses",
        "expenses": "expenses",
        "campaigns": "campaigns",
        "other": "other",
    },
    "fr": {
        "salaries": "salaires",
        "bonuses": "primes",
        "expenses": "frais",
        "campaigns": "campagnes",
        "other": "autres",
    },
}

PHRASES: dict[str, dict[str, str]] = {
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
        "en": "In {month} the company met {met} of its {n} targets.",
        "fr": "En {month}, l’entreprise a atteint {met} de ses {n} objectifs.",
    },
    "obj.open": {
        "en": "On {date}, {ok} of the company’s {n} objectives are on track for {month}.",
        "fr": "Au {date}, {ok} des {n} objectifs de l’entreprise sont en bonne voie pour {month}.",
    },
    "obj.worst.closed": {
        "en": "{Metric} reached {actual} against a target of {target} ({att}), a gap of {gap}.",
        "fr": "{Metric} : {actual} pour un objectif de {target} ({att}), soit un écart de {gap}.",
    },
    "obj.best.closed": {
        "en": "{Metric} did best at {att} of target ({actual} for {target}).",
        "fr": "{Metric} fait le mieux avec {att} de l’objectif ({actual} pour {target}).",
    },
    "obj.worst.open": {
        "en": "{Metric}: {actual} of {target} so far, projected to close at {projected} "
        "({patt}): {status}; {required} a business day are needed from here.",
        "fr": "{Metric} : {actual} sur {target}, projection à {projected} ({patt}) : {status} ; "
        "il faut {required} par jour ouvré.",
    },
    "obj.teams": {
        "en": "By team ({metric}), {best} leads at {att_best} of target; {worst} lags at "
        "{att_worst}.",
        "fr": "Par équipe ({metric}), {best} mène avec {att_best} de l’objectif ; {worst} "
        "suit à {att_worst}.",
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
        "fr": "Les objectifs restent à {ratio} des réalisations des trois mois précédents : "
        "ils paraissent réalistes.",
    },
    "obj.no_targets": {
        "en": "The dataset holds no target for {month}: attainment cannot be shown. Add "
        "targets.csv to follow objectives.",
        "fr": "Le jeu de données n’a aucun objectif pour {month} : l’atteinte ne peut être "
        "montrée. Ajoutez targets.csv pour suivre les objectifs.",
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
    "cac.blended": {
        "en": "Blended CAC was {cac} in {month}: {cost} spent for {n} new customers.",
        "fr": "Le CAC global est de {cac} en {month} : {cost} dépensés pour {n} nouveaux clients.",
    },
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
        "fr": "Le jeu de données n’a aucun coût : le CAC ne peut être montré. Ajoutez costs.csv.",
    },
    "cac.channels": {
        "en": "{high} is the costliest channel at {high_cac} per customer; {low} the cheapest "
        "at {low_cac}.",
        "fr": "{high} est le canal le plus cher, {high_cac} par client ; {low} le moins cher, "
        "{low_cac}.",
    },
    "cac.breakdown": {
        "en": "{Category} make up the largest share of cost ({share}).",
        "fr": "Les {category} forment la plus grosse part du coût ({share}).",
    },
    "pb.paid": {
        "en": "The {cohort} cohort covered its CAC of {cac} after {months}.",
        "fr": "La cohorte {cohort} a couvert son CAC de {cac} après {months}.",
    },
    "pb.first": {
        "en": "The {cohort} cohort covered its CAC of {cac} within its first month.",
        "fr": "La cohorte {cohort} a couvert son CAC de {cac} dès son premier mois.",
    },
    "pb.not_yet": {
        "en": "The {cohort} cohort has not yet covered its CAC of {cac} after {months}.",
        "fr": "La cohorte {cohort} n’a pas encore couvert son CAC de {cac} après {months}.",
    },
    "ltv.channels": {
        "en": "After {months}, LTV:CAC is {ratio} across channels; {below} below the {min} line.",
        "fr": "Après {months}, le ratio LTV:CAC est de {ratio} tous canaux ; {below} "
        "sous la ligne {min}.",
    },
    "ltv.count": {
        "en": "{n} of {total} channels are",
        "fr": "{n} canaux sur {total} sont",
    },
    "ltv.immature": {
        "en": "These lifetime values are observed, not projected: young cohorts will still "
        "grow (the projection follows below).",
        "fr": "Ces valeurs vie client sont observées, non projetées : les cohortes récentes "
        "vont encore croître (la projection suit plus bas).",
    },
    "proj.observed": {
        "en": "Observed: the {cohort} cohort has earned {value} of margin per customer in "
        "{months}, an LTV:CAC of {ratio} measured so far.",
        "fr": "Observé : la cohorte {cohort} a rapporté {value} de marge par client en "
        "{months}, soit un LTV:CAC mesuré de {ratio} à ce jour.",
    },
    "proj.projected": {
        "en": "Projected: the BG/NBD and Gamma-Gamma models, fitted on every order up to "
        "{as_of}, expect {value} per customer over {horizon}, discounted at {rate} a year: "
        "an LTV:CAC of {ratio}, a model's expectation, not a measurement.",
        "fr": "Projeté : les modèles BG/NBD et Gamma-Gamma, ajustés sur toutes les commandes "
        "jusqu’au {as_of}, prévoient {value} par client sur {horizon}, actualisés à {rate} "
        "par an : un LTV:CAC de {ratio}, une espérance de modèle, pas une mesure.",
    },
    "proj.payback": {
        "en": "The {cohort} cohort has not covered its CAC yet; the models expect it to "
        "after {months}.",
        "fr": "La cohorte {cohort} n’a pas encore couvert son CAC ; les modèles prévoient "
        "qu’elle le fera après {months}.",
    },
    "proj.never": {
        "en": "The {cohort} cohort has not covered its CAC yet, and the models do not expect "
        "it to within {horizon}.",
        "fr": "La cohorte {cohort} n’a pas encore couvert son CAC, et les modèles ne prévoient "
        "pas qu’elle le fasse sous {horizon}.",
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
        "fr": "Le jeu de données n’a encore aucune commande : valeur client et retour sur CAC "
        "ne peuvent être montrés.",
    },
    # --- funnel -----------------------------------------------------------
    "fun.overall": {
        "en": "Of the {leads} leads that came in during {month}, {sales} have become a sale "
        "so far ({conv}).",
        "fr": "Sur les {leads} leads entrés en {month}, {sales} sont devenus une vente à ce "
        "jour ({conv}).",
    },
    "fun.immature": {
        "en": "The cohort is immature: it is younger than the {days}-day conversion window, "
        "so its conversion will still rise.",
        "fr": "La cohorte est immature : elle a moins que la fenêtre de conversion de "
        "{days} jours, sa conversion va encore monter.",
    },
    "fun.mature": {
        "en": "The latest cohort past the conversion window, {month}, turned {conv} of its "
        "{leads} leads into sales.",
        "fr": "La dernière cohorte sortie de la fenêtre de conversion, {month}, a transformé "
        "{conv} de ses {leads} leads en ventes.",
    },
    "fun.leak": {
        "en": "The biggest leak is between {a} and {b}: {lost} leads, {share} of all losses.",
        "fr": "La plus grosse fuite se situe entre {a} et {b} : {lost} leads, {share} des pertes.",
    },
    "fun.sources": {
        "en": "{best} converts best ({best_conv}, 95% interval {best_ci}); {worst} least "
        "({worst_conv}, {worst_ci}).",
        "fr": "{best} convertit le mieux ({best_conv}, intervalle à 95 % {best_ci}) ; {worst} "
        "le moins ({worst_conv}, {worst_ci}).",
    },
    "fun.sources.overlap": {
        "en": "Their intervals overlap: the difference may be chance.",
        "fr": "Leurs intervalles se chevauchent : l’écart peut être dû au hasard.",
    },
    "fun.value": {
        "en": "{source} loses the most value: about {value} of deals at its average deal size.",
        "fr": "{source} perd le plus de valeur : environ {value} d’affaires à son panier moyen.",
    },
    "fun.value.stage": {
        "en": "By stage, the leads lost at the {stage} stage are worth the most: about {value}.",
        "fr": "Par étape, les leads perdus à l’étape {stage} valent le plus : environ {value}.",
    },
    "fun.trend.up": {
        "en": "Over the last {n} mature cohorts, conversion rose from {first} ({m1}) to "
        "{last} ({m2}).",
        "fr": "Sur les {n} dernières cohortes mûres, la conversion est passée de {first} "
        "({m1}) à {last} ({m2}).",
    },
    "fun.trend.down": {
        "en": "Over the last {n} mature cohorts, conversion fell from {first} ({m1}) to "
        "{last} ({m2}).",
        "fr": "Sur les {n} dernières cohortes mûres, la conversion a baissé de {first} "
        "({m1}) à {last} ({m2}).",
    },
    "fun.trend.flat": {
        "en": "Over the last {n} mature cohorts, conversion moved from {first} ({m1}) to "
        "{last} ({m2}), within its confidence interval: no clear change.",
        "fr": "Sur les {n} dernières cohortes mûres, la conversion passe de {first} ({m1}) "
        "à {last} ({m2}), dans son intervalle de confiance : pas de changement net.",
    },
    "fun.trend.immature": {
        "en": "The {k} most recent cohorts are still immature and shown hollow.",
        "fr": "Les {k} cohortes les plus récentes sont encore immatures (points creux).",
    },
    "fun.empty": {
        "en": "No lead came in during {month}: the funnel cannot be shown.",
        "fr": "Aucun lead n’est entré en {month} : l’entonnoir ne peut être montré.",
    },
    # --- chart titles and axes -------------------------------------------
    "chart.empty": {"en": "Nothing to show: {why}", "fr": "Rien à montrer : {why}"},
    "chart.att.closed": {
        "en": "Met {met} of {n} targets; {metric} furthest behind at {att}",
        "fr": "{met} objectifs atteints sur {n} ; {metric} le plus en retard à {att}",
    },
    "chart.att.open": {
        "en": "{ok} of {n} objectives on track; {metric} projected at {att}",
        "fr": "{ok} objectifs sur {n} en bonne voie ; {metric} projeté à {att}",
    },
    "chart.att.all": {
        "en": "All {n} targets met; {metric} lowest at {att}",
        "fr": "Les {n} objectifs atteints ; {metric} le plus bas à {att}",
    },
    "chart.att.x": {"en": "Attainment (% of target)", "fr": "Atteinte (% de l’objectif)"},
    "chart.att.actual": {"en": "actual", "fr": "réalisé"},
    "chart.att.projected": {"en": "projected at close", "fr": "projection à la clôture"},
    "chart.teams": {
        "en": "{best} leads on {metric} at {att_best}; {worst} lags at {att_worst}",
        "fr": "{best} mène en {metric} à {att_best} ; {worst} suit à {att_worst}",
    },
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
    "chart.path.y": {"en": "Cumulative {metric}", "fr": "{Metric} cumulé"},
    "chart.path.x": {"en": "Day of {month}", "fr": "Jour de {month}"},
    "chart.path.actual": {"en": "actual", "fr": "réalisé"},
    "chart.path.target": {"en": "target path", "fr": "trajectoire cible"},
    "chart.gaps": {
        "en": "Largest shortfall: {who} {metric}, {short} below target",
        "fr": "Plus gros écart : {who} {metric}, {short} sous l’objectif",
    },
    "chart.gaps.none": {
        "en": "Every target met or exceeded",
        "fr": "Tous les objectifs atteints ou dépassés",
    },
    "chart.gaps.x": {"en": "Shortfall (% of target)", "fr": "Écart (% de l’objectif)"},
    "chart.company": {"en": "company", "fr": "entreprise"},
    "chart.realism": {
        "en": "{Metric} target asks {ratio} of the last three months’ average",
        "fr": "L’objectif {metric} demande {ratio} de la moyenne des trois derniers mois",
    },
    "chart.realism.x": {
        "en": "Target ÷ average of previous 3 months (%)",
        "fr": "Objectif ÷ moyenne des 3 mois précédents (%)",
    },
    "chart.cac.up": {
        "en": "Blended CAC rose {change} to {cac} in {month}",
        "fr": "Le CAC global monte de {change} à {cac} en {month}",
    },
    "chart.cac.down": {
        "en": "Blended CAC fell {change} to {cac} in {month}",
        "fr": "Le CAC global baisse de {change} à {cac} en {month}",
    },
    "chart.cac.flat": {
        "en": "Blended CAC at {cac} in {month}",
        "fr": "CAC global à {cac} en {month}",
    },
    "chart.cac.y": {"en": "CAC ({sym} per new customer)", "fr": "CAC ({sym} par nouveau client)"},
    "chart.cac.blended": {"en": "blended", "fr": "global"},
    "chart.costs": {
        "en": "{Category} are {share} of acquisition cost in {month}",
        "fr": "Les {category} font {share} du coût d’acquisition en {month}",
    },
    "chart.costs.y": {"en": "Acquisition cost ({sym})", "fr": "Coût d’acquisition ({sym})"},
    "chart.curves": {
        "en": "{paid} of {n} cohorts shown have covered their CAC",
        "fr": "{paid} des {n} cohortes montrées ont couvert leur CAC",
    },
    "chart.curves.y": {
        "en": "Cumulative margin per customer ({sym})",
        "fr": "Marge cumulée par client ({sym})",
    },
    "chart.curves.x": {"en": "Months since acquisition", "fr": "Mois depuis l’acquisition"},
    "chart.curves.cac": {"en": "CAC", "fr": "CAC"},
    "chart.curves.payback": {"en": "payback", "fr": "CAC couvert"},
    "chart.ltv": {
        "en": "{above} of {n} channels clear {min} after {months} months",
        "fr": "{above} canaux sur {n} dépassent {min} après {months} mois",
    },
    "chart.ltv.x": {
        "en": "LTV:CAC after {months} months (cohort {month})",
        "fr": "LTV:CAC après {months} mois (cohorte {month})",
    },
    "chart.funnel": {
        "en": "{a} → {b} loses the most leads: {share} of all losses",
        "fr": "{a} → {b} perd le plus de leads : {share} des pertes",
    },
    "chart.funnel.x": {"en": "Leads of the {month} cohort", "fr": "Leads de la cohorte {month}"},
    "chart.funnel.kept": {"en": "went on to the next stage", "fr": "passés à l’étape suivante"},
    "chart.funnel.lost": {"en": "lost at this stage", "fr": "perdus à cette étape"},
    "chart.funnel.step": {"en": "{conv} of previous", "fr": "{conv} de l’étape précédente"},
    "chart.sources": {
        "en": "{best} converts best at {best_conv}; {worst} least at {worst_conv}",
        "fr": "{best} convertit le mieux ({best_conv}) ; {worst} le moins ({worst_conv})",
    },
    "chart.sources.x": {
        "en": "Lead-to-sale conversion, {month} cohort (95% interval)",
        "fr": "Conversion lead → vente, cohorte {month} (intervalle à 95 %)",
    },
    "chart.trend.flat": {
        "en": "Conversion holds near {last}: no clear change over {n} mature cohorts",
        "fr": "La conversion reste vers {last} : pas de changement net sur {n} cohortes mûres",
    },
    "chart.trend.up": {
        "en": "Conversion rose from {first} to {last} over {n} mature cohorts",
        "fr": "La conversion passe de {first} à {last} sur {n} cohortes mûres",
    },
    "chart.trend.down": {
        "en": "Conversion fell from {first} to {last} over {n} mature cohorts",
        "fr": "La conversion baisse de {first} à {last} sur {n} cohortes mûres",
    },
    "chart.trend.y": {"en": "Lead-to-sale conversion", "fr": "Conversion lead → vente"},
    "chart.trend.x": {"en": "Lead cohort (month)", "fr": "Cohorte de leads (mois)"},
    "chart.trend.mature": {"en": "mature cohort", "fr": "cohorte mûre"},
    "chart.trend.immature": {"en": "immature (still rising)", "fr": "immature (va encore monter)"},
    "chart.trend.ci": {"en": "95% interval", "fr": "intervalle à 95 %"},
    "why.no_targets": {
        "en": "no target for this period",
        "fr": "aucun objectif pour cette période",
    },
    "why.no_costs": {"en": "no cost data", "fr": "aucune donnée de coût"},
    "why.no_orders": {"en": "no order yet", "fr": "aucune commande pour l’instant"},
    "why.no_leads": {"en": "no lead in this cohort", "fr": "aucun lead dans cette cohorte"},
    "why.few": {"en": "not enough history", "fr": "historique insuffisant"},
    # --- summary ----------------------------------------------------------
    "tile.new_customers": {"en": "New customers", "fr": "Nouveaux clients"},
    "tile.revenue": {"en": "Revenue", "fr": "Chiffre d’affaires"},
    "tile.conversion": {"en": "Lead-to-sale conversion", "fr": "Conversion lead → vente"},
    "tile.cac": {"en": "Blended CAC", "fr": "CAC global"},
    "tile.ltv_to_cac": {"en": "LTV:CAC", "fr": "LTV:CAC"},
    "tile.payback": {"en": "CAC payback", "fr": "Retour sur CAC"},
    "tile.of_target": {"en": "{att} of {target}", "fr": "{att} de {target}"},
    "tile.no_target": {"en": "no target", "fr": "pas d’objectif"},
    "tile.vs_prev": {"en": "{change} vs {prev}", "fr": "{change} vs {prev}"},
    "tile.same": {"en": "same as {prev}", "fr": "comme en {prev}"},
    "tile.cohort": {"en": "cohort {month}", "fr": "cohorte {month}"},
    "tile.at_months": {
        "en": "after {n} months, cohort {month}",
        "fr": "à {n} mois, cohorte {month}",
    },
    "tile.months": {"en": "{n} months", "fr": "{n} mois"},
    "tile.month": {"en": "{n} month", "fr": "{n} mois"},
    "tile.not_yet": {"en": "not yet", "fr": "pas encore"},
    "tile.immature": {"en": "immature", "fr": "immature"},
    "tile.na": {"en": "not available", "fr": "non disponible"},
    "none": {"en": "none", "fr": "aucun"},
    # --- appendix ---------------------------------------------------------
    "notes.title": {"en": "Data notes", "fr": "Notes sur les données"},
    "defs.title": {"en": "How each figure is computed", "fr": "Comment chaque chiffre est calculé"},
    "notes.none": {
        "en": "The dataset passed validation without warning.",
        "fr": "Le jeu de données a passé la validation sans avertissement.",
    },
    "notes.immature": {
        "en": "Immature lead cohorts (younger than the {days}-day conversion window): {cohorts}.",
        "fr": "Cohortes de leads immatures (plus jeunes que la fenêtre de {days} jours) : "
        "{cohorts}.",
    },
    "notes.missing_table": {
        "en": "No {table} table in the dataset: {what} cannot be shown.",
        "fr": "Pas de table {table} dans le jeu de données : {what} ne peut être montré.",
    },
}

DEFINITIONS = {
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
            "the channel’s direct costs plus its share of shared costs, by new customers.",
        ),
        ("Cohort value", "cumulative gross margin per customer by months since acquisition."),
        ("CAC payback", "first month where the cohort’s cumulative margin per customer ≥ its CAC."),
        ("LTV:CAC", "observed lifetime value (cumulative margin per customer) ÷ CAC."),
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
            "Headline LTV:CAC and payback",
            "read on the cohort acquired 12 months before the period (or the oldest one).",
        ),
        ("Change", "a change inside its 95% confidence interval is not called a rise or a drop."),
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
            "coûts directs du canal plus sa part des coûts partagés, au prorata des nouveaux clients.",
        ),
        (
            "Valeur de cohorte",
            "marge brute cumulée par client selon les mois depuis l’acquisition.",
        ),
        (
            "Retour sur CAC",
            "premier mois où la marge cumulée par client de la cohorte ≥ son CAC.",
        ),
        ("LTV:CAC", "valeur vie client observée (marge cumulée par client) ÷ CAC."),
        (
            "Entonnoir",
            "leads entrés dans la période, suivis jusqu’à la date d’arrêté ; conversion d’étape = "
            "atteints ÷ atteints à l’étape précédente ; intervalles de Wilson à 95 %.",
        ),
        ("Cohorte immature", "cohorte de leads plus jeune que la fenêtre de conversion."),
        (
            "Valeur perdue",
            "leads perdus à une étape × part des leads de l’étape devenus une vente × panier "
            "moyen de la source.",
        ),
        (
            "LTV:CAC et retour sur CAC de la synthèse",
            "lus sur la cohorte acquise 12 mois avant la période (ou la plus ancienne).",
        ),
        (
            "Variation",
            "une variation dans son intervalle de confiance à 95 % n’est dite ni hausse ni baisse.",
        ),
    ],
}


def fields(template: str) -> set[str]:
    """Names of the fields in a template.

    Examples
    --------
    >>> sorted(fields("{a} and {b}"))
    ['a', 'b']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def phrase(key: str, lang: str, **values: object) -> str:
    """The sentence *key* in *lang* with *values* filled in.

    Examples
    --------
    >>> phrase("tile.months", "fr", n="3")
    '3 mois'
    """
    return PHRASES[key][lang].format(**values)


from kpilib.story.phrases_acq import PHRASES_ACQ  # noqa: E402

PHRASES.update(PHRASES_ACQ)
