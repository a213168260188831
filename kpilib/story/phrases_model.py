"""Phrases of the summary tiles, the objectives page and their findings (report model).

Merged into :data:`kpilib.story.phrases.PHRASES`; the same rules apply: every
key in English and French with the same fields.
"""

from __future__ import annotations

__all__ = ["PHRASES_MODEL"]

PHRASES_MODEL: dict[str, dict[str, str]] = {
    # --- status words (defined once: docs/kpis.md and the appendix) ------
    "status.met": {"en": "met", "fr": "atteint"},
    "status.missed": {"en": "missed", "fr": "manqué"},
    "status.on_track": {"en": "on track", "fr": "en bonne voie"},
    "status.at_risk": {"en": "at risk", "fr": "à risque"},
    "status.behind": {"en": "behind", "fr": "en retard"},
    # --- tiles ------------------------------------------------------------
    "tile.so_far": {"en": "{att} of {target} so far", "fr": "{att} de {target} à ce jour"},
    "tile.projected": {
        "en": "projected {projected} ({patt})",
        "fr": "projection {projected} ({patt})",
    },
    "tile.missed_by": {"en": "missed by {gap}", "fr": "manqué de {gap}"},
    "tile.month_to_date": {"en": "month to date", "fr": "mois en cours"},
    "noise": {"en": "within noise", "fr": "dans la marge d’erreur"},
    # --- objectives page --------------------------------------------------
    "obj.from_teams": {
        "en": "Targets are set per team only: the company targets of {metrics} are the sums "
        "of the team targets.",
        "fr": "Les objectifs sont fixés par équipe seulement : ceux de l’entreprise pour "
        "{metrics} sont la somme des objectifs des équipes.",
    },
    "obj.worst.missed": {
        "en": "{Metric} missed its target by {gap}: {actual} of {target} ({att}).",
        "fr": "{Metric} : objectif manqué de {gap}, {actual} sur {target} ({att}).",
    },
    "obj.all_met": {
        "en": "Every target was met; the tightest, {metric}, at {att} ({actual} of {target}).",
        "fr": "Tous les objectifs sont atteints ; le plus juste, {metric}, à {att} "
        "({actual} sur {target}).",
    },
    "obj.teams.closed": {
        "en": "By team ({metric}), {best} reached {att_best} of its target; {worst} {att_worst}.",
        "fr": "Par équipe ({metric}), {best} atteint {att_best} de son objectif ; {worst}, "
        "{att_worst}.",
    },
    "obj.teams.open": {
        "en": "By team ({metric}), {best} is projected at {att_best} of its target; {worst} at "
        "{att_worst}.",
        "fr": "Par équipe ({metric}), {best} est en projection à {att_best} de son objectif ; "
        "{worst} à {att_worst}.",
    },
    "obj.realism.none": {
        "en": "Whether the targets are realistic cannot be judged: no month of the data "
        "before {month} has an actual to compare them with.",
        "fr": "Le réalisme des objectifs ne peut être jugé : aucun mois des données avant "
        "{month} n’a de réalisé auquel les comparer.",
    },
    # --- findings ---------------------------------------------------------
    "find.obj.missed": {
        "en": "{Who} missed its {metric} target by {gap}: {actual} of {target} ({att}).",
        "fr": "{Who} a manqué son objectif de {metric} de {gap} : {actual} sur {target} ({att}).",
    },
    "find.obj.all_met": {
        "en": "Every target was met; {metric} led at {att} of target.",
        "fr": "Tous les objectifs sont atteints ; {metric} en tête à {att} de l’objectif.",
    },
    "find.obj.projected_short": {
        "en": "{Who} is projected to close {metric} at {projected} of {target} ({patt}), with "
        "{actual} so far.",
        "fr": "{Who} finirait le mois à {projected} sur {target} en {metric} ({patt}), avec "
        "{actual} à ce jour.",
    },
    "find.obj.projected_ahead": {
        "en": "Every target is projected to be met; the tightest, {metric} for {who}, at "
        "{projected} of {target} ({patt}).",
        "fr": "Tous les objectifs sont en voie d’être atteints ; le plus juste, {metric} pour "
        "{who}, à {projected} sur {target} ({patt}).",
    },
    # --- charts -----------------------------------------------------------
    "chart.att.bar.closed": {
        "en": "{att} ({actual} / {target})",
        "fr": "{att} ({actual} / {target})",
    },
    "chart.att.bar.open": {
        "en": "{att} ({actual} / {target}) · projected {patt}",
        "fr": "{att} ({actual} / {target}) · projection {patt}",
    },
    "chart.teams.closed": {
        "en": "{best} leads on {metric} at {att_best} of target; {worst} lowest at {att_worst}",
        "fr": "{best} mène en {metric} à {att_best} de l’objectif ; {worst} le plus bas à "
        "{att_worst}",
    },
    "chart.teams.open": {
        "en": "Projected {metric}: {best} leads at {att_best} of target; {worst} lowest at "
        "{att_worst}",
        "fr": "{metric} en projection : {best} mène à {att_best} de l’objectif ; {worst} le "
        "plus bas à {att_worst}",
    },
    "chart.teams.some": {
        "en": "{n} of {total} teams: furthest behind and ahead on {metric}",
        "fr": "{n} équipes sur {total} : les plus en retard et en avance en {metric}",
    },
    "chart.gaps.open": {
        "en": "Largest projected shortfall: {who} {metric}, {short} below target",
        "fr": "Plus gros écart en projection : {who} {metric}, {short} sous l’objectif",
    },
    "chart.gaps.x.open": {
        "en": "Projected shortfall (% of target)",
        "fr": "Écart en projection (% de l’objectif)",
    },
    # --- appendix: status words -------------------------------------------
    "notes.status": {
        "en": "Status words: a closed month met a target at 100% or more, else missed it (by "
        "the gap); an open month is on track (projected ≥ {on_track}), at risk (≥ {at_risk}) "
        "or behind, by its projection, and projected figures say so.",
        "fr": "Statuts : un mois clos a atteint un objectif à 100 % ou plus, sinon l’a manqué "
        "(de l’écart) ; un mois en cours est en bonne voie (projection ≥ {on_track}), à risque "
        "(≥ {at_risk}) ou en retard, selon sa projection, toujours dite projection.",
    },
    "notes.window.derived": {
        "en": "No conversion window is set in kpi.toml: it is derived from the data, {days} "
        "days (90% of sales close within it). Younger cohorts are immature.",
        "fr": "Aucune fenêtre de conversion n’est fixée dans kpi.toml : elle est tirée des "
        "données, {days} jours (90 % des ventes se concluent dans ce délai). Les cohortes "
        "plus jeunes sont immatures.",
    },
    "notes.cac.new_customers": {
        "en": "Channel CAC: costs that name no channel are shared between channels in "
        "proportion to their new customers (kpi.toml, cac.allocation).",
        "fr": "CAC par canal : les coûts sans canal sont répartis entre les canaux au prorata "
        "de leurs nouveaux clients (kpi.toml, cac.allocation).",
    },
    "notes.cac.leads": {
        "en": "Channel CAC: costs that name no channel are shared between channels in "
        "proportion to their leads (kpi.toml, cac.allocation).",
        "fr": "CAC par canal : les coûts sans canal sont répartis entre les canaux au prorata "
        "de leurs leads (kpi.toml, cac.allocation).",
    },
    "notes.cac.none": {
        "en": "Channel CAC: costs that name no channel are not shared; they count in the "
        "blended CAC only (kpi.toml, cac.allocation).",
        "fr": "CAC par canal : les coûts sans canal ne sont pas répartis ; ils ne comptent que "
        "dans le CAC global (kpi.toml, cac.allocation).",
    },
    "notes.cac.lag": {
        "count": "n",
        "en": {
            "one": "CAC lag: the costs of a month are set against the new customers {n} "
            "month later (kpi.toml, cac.lag).",
            "other": "CAC lag: the costs of a month are set against the new customers {n} "
            "months later (kpi.toml, cac.lag).",
        },
        "fr": {
            "one": "Décalage du CAC : les coûts d’un mois sont rapportés aux nouveaux clients "
            "{n} mois plus tard (kpi.toml, cac.lag).",
            "other": "Décalage du CAC : les coûts d’un mois sont rapportés aux nouveaux clients "
            "{n} mois plus tard (kpi.toml, cac.lag).",
        },
    },
    "notes.window.set": {
        "en": "Conversion window: {days} days (kpi.toml). Younger cohorts are immature.",
        "fr": "Fenêtre de conversion : {days} jours (kpi.toml). Les cohortes plus jeunes sont "
        "immatures.",
    },
}
