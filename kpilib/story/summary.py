"""The summary page's narrative: the six headline tiles and the three findings."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpilib.sections.highlights import differs
from kpilib.story.blocks import Narrative, label, metric_name
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import finding_text

__all__ = ["Tiles", "tiles", "findings", "FINDINGS"]

FINDINGS = {
    "obj.miss": {
        "en": "{Who} reached {att} of its {metric} target ({actual} of {target}): the "
        "largest shortfall this month.",
        "fr": "{Who} atteint {att} de son objectif de {metric} ({actual} sur {target}) : "
        "le plus gros écart du mois.",
    },
    "obj.all": {
        "en": "Every target was met; {metric} led at {att} of target.",
        "fr": "Tous les objectifs sont atteints ; {metric} en tête à {att} de l’objectif.",
    },
    "fun.sources": {
        "en": "Leads from {best_name} convert to sales at {best} against {worst} for {worst_name} "
        "(cohort {month}): a real gap, outside the 95% intervals.",
        "fr": "Les leads {best_name} convertissent à {best} contre {worst} pour {worst_name} "
        "(cohorte {month}) : un écart réel, hors des intervalles à 95 %.",
    },
    "fun.trend": {
        "en": "Lead-to-sale conversion {verb} from {first} to {last} over {n} mature cohorts, "
        "beyond chance.",
        "fr": "La conversion lead → vente {verb} de {first} à {last} sur {n} cohortes mûres, "
        "au-delà du hasard.",
    },
    "fun.leak": {
        "en": "{share} of lost leads drop out between {a} and {b}: the funnel’s biggest leak.",
        "fr": "{share} des leads perdus sortent entre {a} et {b} : la plus grosse fuite.",
    },
    "verb.up": {"en": "rose", "fr": "monte"},
    "verb.down": {"en": "fell", "fr": "baisse"},
    "status.good": {"en": "on target", "fr": "dans l’objectif"},
    "status.warn": {"en": "watch", "fr": "à surveiller"},
    "status.bad": {"en": "behind", "fr": "en retard"},
    "noise": {"en": "within noise", "fr": "dans la marge d’erreur"},
}


def _t(key: str, lang: str, **values: object) -> str:
    return FINDINGS[key][lang].format(**values)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class Tiles:
    """The headline tiles as HTML; every text escaped."""

    items: list[dict[str, str]]

    def _repr_html_(self) -> str:
        cells = []
        for item in self.items:
            parts = [
                f'<div class="kpi-tile-label">{html.escape(item["label"])}</div>',
                f'<div class="kpi-tile-value">{html.escape(item["value"])}</div>',
            ]
            for key in ("detail", "change", "status"):
                if item.get(key):
                    parts.append(f'<div class="kpi-tile-{key}">{html.escape(item[key])}</div>')
            css = f"kpi-tile kpi-{item.get('level') or 'neutral'}"
            cells.append(f'<div class="{css}">{"".join(parts)}</div>')
        return f'<div class="kpi-tiles">{"".join(cells)}</div>'

    @property
    def text(self) -> str:
        """All tiles as plain text, one per line."""
        return "\n".join(
            " | ".join(v for k, v in item.items() if k != "level" and v) for item in self.items
        )


def tiles(frame: pd.DataFrame, fmt: Formatter) -> Tiles:
    """Format :func:`kpilib.sections.highlights.headline` as tiles."""
    lang, items = fmt.lang, []
    for _, row in frame.iterrows():
        tile = row["tile"]
        level = row["status"] if isinstance(row["status"], str) else ""
        item = {"label": phrase(f"tile.{tile}", lang), "level": level}
        value = row["value"]
        if tile == "revenue":
            item["value"] = fmt.money(value)
        elif tile == "new_customers":
            item["value"] = fmt.number(value)
        elif tile == "conversion":
            item["value"] = fmt.percent(value, 1)
        elif tile == "cac":
            item["value"] = fmt.money(value)
        elif tile == "ltv_to_cac":
            item["value"] = fmt.ratio(value)
        else:
            item["value"] = (
                phrase("tile.not_yet", lang)
                if pd.isna(value)
                else ("< 1 " + ("month" if lang == "en" else "mois"))
                if value == 0
                else phrase("tile.months", lang, n=fmt.number(value))
            )
        if pd.isna(value) and tile != "payback":
            item["value"] = phrase("tile.na", lang)
        if tile in ("new_customers", "revenue"):
            if pd.notna(row["target"]):
                unit = fmt.money if tile == "revenue" else fmt.number
                item["detail"] = phrase(
                    "tile.of_target",
                    lang,
                    att=fmt.percent(row["attainment"]),
                    target=unit(row["target"]),
                )
            else:
                item["detail"] = phrase("tile.no_target", lang)
        elif tile == "ltv_to_cac" and pd.notna(row["months"]):
            item["detail"] = phrase(
                "tile.at_months", lang, n=int(row["months"]), month=fmt.month(row["reference"])
            )
        elif isinstance(row["reference"], str):
            item["detail"] = phrase("tile.cohort", lang, month=fmt.month(row["reference"]))
            if tile == "cac":
                item["detail"] = fmt.month(row["reference"])
            if row["immature"]:
                item["detail"] += " · " + phrase("tile.immature", lang)
        if pd.notna(row["change"]) and isinstance(row["previous_reference"], str):
            kind = row["change_kind"]
            change = (
                fmt.points(row["change"])
                if kind == "points"
                else fmt.change(row["change"])
                if kind == "relative"
                else ("+" if row["change"] >= 0 else "−")
                + phrase("tile.months", lang, n=fmt.number(abs(row["change"])))
            )
            prev = fmt.month(row["previous_reference"])
            text = phrase("tile.vs_prev", lang, change=change, prev=prev)
            if kind == "absolute" and row["change"] == 0:
                text = phrase("tile.same", lang, prev=prev)
            if row.get("significant") is False or row.get("significant") is np.False_:
                text += " · " + _t("noise", lang)
            item["change"] = text
        if item["level"]:
            item["status"] = _t(f"status.{item['level']}", lang)
        items.append(item)
    return Tiles(items)


def findings(
    fmt: Formatter,
    *,
    period: str,
    att: pd.DataFrame | None = None,
    acquisition: Any = None,
    funnel_frame: pd.DataFrame | None = None,
    by_source: pd.DataFrame | None = None,
    source_cohort: str | None = None,
    trend: pd.DataFrame | None = None,
    top: int = 3,
) -> Narrative:
    """The *top* findings that matter most, one per family where possible.

    Candidates, each scored by size: the largest shortfall against a target
    (1 − attainment), the findings of the *acquisition* section
    (:class:`kpilib.sections.acquisition.AcquisitionSection`), a significant gap between sources or over the trend of mature
    cohorts, and the biggest leak of the funnel. The best of each family
    (objectives, acquisition, funnel) is kept, then the best remaining ones,
    ordered by score.
    """
    lang = fmt.lang
    cand: list[tuple[str, float, str]] = []
    if att is not None and len(att):
        rows = att[(att["period"] == period)].copy()
        rows["ratio"] = rows["projected_attainment"].fillna(rows["attainment"])
        rows = rows.dropna(subset=["ratio"])
        if len(rows):
            worst = rows.loc[rows["ratio"].idxmin()]
            unit = fmt.money if worst["metric"] == "revenue" else fmt.number
            who = label(worst["team"]) if worst["scope"] == "team" else label(worst["owner"])
            if worst["scope"] == "company":
                who = phrase("chart.company", lang)
                who = "the company" if lang == "en" else "l’entreprise"
            if worst["ratio"] < 1:
                text = _t(
                    "obj.miss",
                    lang,
                    Who=_cap(who) if worst["scope"] == "company" else who,
                    att=fmt.percent(worst["ratio"]),
                    metric=metric_name(worst["metric"], lang),
                    actual=unit(worst["actual"]),
                    target=unit(worst["target"]),
                )
                cand.append(("objectives", float(1 - worst["ratio"]) * 2, text))
            else:
                company = rows[rows["scope"] == "company"]
                best = company.loc[company["ratio"].idxmax()] if len(company) else worst
                text = _t(
                    "obj.all",
                    lang,
                    metric=metric_name(best["metric"], lang),
                    att=fmt.percent(best["ratio"]),
                )
                cand.append(("objectives", 0.05, text))
    if acquisition is not None:  # an AcquisitionSection: its findings, rendered
        for found in acquisition.findings:
            cand.append((found.family, found.score, finding_text(found, fmt)))
    if by_source is not None and len(by_source.dropna(subset=["overall_conversion"])) >= 2:
        src = by_source.dropna(subset=["overall_conversion"])
        best = src.loc[src["overall_conversion"].idxmax()]
        worst = src.loc[src["overall_conversion"].idxmin()]
        if differs(best["converted"], best["leads"], worst["converted"], worst["leads"]):
            text = _t(
                "fun.sources",
                lang,
                best_name=label(best["source"]),
                best=fmt.percent(best["overall_conversion"], 1),
                worst=fmt.percent(worst["overall_conversion"], 1),
                worst_name=label(worst["source"]),
                month=fmt.month(source_cohort or period),
            )
            cand.append(("funnel", 0.5, text))
    if trend is not None and len(trend):
        ripe = trend[~trend["immature"].astype(bool)]
        if len(ripe) >= 2:
            a, b = ripe.iloc[0], ripe.iloc[-1]
            if differs(a["converted"], a["leads"], b["converted"], b["leads"]):
                up = b["overall_conversion"] > a["overall_conversion"]
                text = _t(
                    "fun.trend",
                    lang,
                    verb=_t("verb.up" if up else "verb.down", lang),
                    first=fmt.percent(a["overall_conversion"], 1),
                    last=fmt.percent(b["overall_conversion"], 1),
                    n=len(ripe),
                )
                cand.append(("funnel", 0.8, text))
    if funnel_frame is not None and len(funnel_frame) > 1 and funnel_frame["lost"].sum() > 0:
        i = int(funnel_frame["lost"].to_numpy().argmax())
        from kpilib.story.phrases import STAGES

        stages = STAGES[lang]
        text = _t(
            "fun.leak",
            lang,
            share=fmt.percent(funnel_frame["lost_share"].iloc[i]),
            a=stages.get(funnel_frame["stage"].iloc[i], funnel_frame["stage"].iloc[i]),
            b=stages.get(funnel_frame["stage"].iloc[i + 1], funnel_frame["stage"].iloc[i + 1])
            if i + 1 < len(funnel_frame)
            else "",
        )
        cand.append(("funnel", float(funnel_frame["lost_share"].iloc[i]) / 3, text))
    cand.sort(key=lambda c: -c[1])
    chosen, families = [], set()
    for family, score, text in cand:
        if family not in families:
            chosen.append((score, text))
            families.add(family)
    for _family, score, text in cand:
        if len(chosen) >= top:
            break
        if (score, text) not in chosen:
            chosen.append((score, text))
    chosen.sort(key=lambda c: -c[0])
    return Narrative([_cap(t) for _, t in chosen[:top]], style="numbered", css="kpi-findings")
