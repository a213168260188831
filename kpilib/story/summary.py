"""The summary page's narrative: the six headline tiles and the three findings."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpilib.sections.highlights import differs
from kpilib.story.blocks import Narrative
from kpilib.story.format import Formatter
from kpilib.story.phrases import fill, phrase

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
    "cac.change": {
        "en": "Blended CAC {verb} {change} to {cac} while new customers went from {n0} to {n1}.",
        "fr": "Le CAC global {verb} de {change} à {cac}, les nouveaux clients passant de {n0} "
        "à {n1}.",
    },
    "cac.channel": {
        "en": "{Channel} costs {cac} per new customer, {times} the blended {blended}.",
        "fr": "{Channel} coûte {cac} par nouveau client, soit {times} le CAC global de {blended}.",
    },
    "ltv.low": {
        "en": "{Channel} returns {ratio} on its acquisition cost after {months} months, "
        "below the {min} line.",
        "fr": "{Channel} : un LTV:CAC de {ratio} après {months} mois, sous le seuil de {min}.",
    },
    "fun.sources": {
        "en": "Leads from {best_name} convert to sales at {best} against {worst} for {worst_name} "
        "(cohort {month}): a real gap, outside the 95% intervals.",
        "fr": "Les leads de la source {best_name} se convertissent en ventes à {best}, contre "
        "{worst} pour la source {worst_name} (cohorte de {month}) : un écart réel, hors des "
        "intervalles de confiance à 95 %.",
    },
    "fun.trend": {
        "en": "Lead-to-sale conversion {verb} from {first} to {last} over {n} mature cohorts, "
        "beyond chance.",
        "fr": "La conversion lead → vente {verb} de {first} à {last} sur {n} cohortes matures, "
        "un écart que le hasard n’explique pas.",
    },
    "fun.leak": {
        "en": "{share} of lost leads drop out between {a} and {b}: the funnel’s biggest leak.",
        "fr": "{share} des leads perdus sortent de l’entonnoir entre {a} et {b} : la plus "
        "grosse fuite.",
    },
    "verb.up": {"en": "rose", "fr": "augmente"},
    "verb.down": {"en": "fell", "fr": "baisse"},
    "status.good": {"en": "on target", "fr": "dans l’objectif"},
    "status.warn": {"en": "watch", "fr": "à surveiller"},
    "status.bad": {"en": "behind", "fr": "en retard"},
    "noise": {"en": "within noise", "fr": "dans la marge d’erreur"},
}


def _t(key: str, lang: str, **values: object) -> str:
    return fill(FINDINGS[key], lang, **values)


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
                else phrase("tile.under_one", lang)
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
    cac_frame: pd.DataFrame | None = None,
    payback_by_channel: pd.DataFrame | None = None,
    ltv_cohort: str | None = None,
    ltv_months: int = 12,
    ltv_to_cac_min: float = 3.0,
    funnel_frame: pd.DataFrame | None = None,
    by_source: pd.DataFrame | None = None,
    source_cohort: str | None = None,
    trend: pd.DataFrame | None = None,
    top: int = 3,
) -> Narrative:
    """The *top* findings that matter most, one per family where possible.

    Candidates, each scored by size: the largest shortfall against a target
    (1 − attainment), the blended CAC change (its size) or the costliest
    channel (times the blended CAC), the channel furthest below the LTV:CAC
    line, a significant gap between sources or over the trend of mature
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
            who = (
                fmt.label(worst["team"]) if worst["scope"] == "team" else fmt.label(worst["owner"])
            )
            if worst["scope"] == "company":
                who = phrase("who.company", lang)
            if worst["ratio"] < 1:
                text = _t(
                    "obj.miss",
                    lang,
                    Who=_cap(who) if worst["scope"] == "company" else who,
                    att=fmt.percent(worst["ratio"]),
                    metric=fmt.label(worst["metric"], "metric"),
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
                    metric=fmt.label(best["metric"], "metric"),
                    att=fmt.percent(best["ratio"]),
                )
                cand.append(("objectives", 0.05, text))
    if cac_frame is not None and len(cac_frame):
        blended = cac_frame[cac_frame["channel"].isna()].set_index("period")
        prev = blended.index[blended.index < period]
        if period in blended.index and len(prev) and pd.notna(blended.loc[period, "cac"]):
            now, before = blended.loc[period], blended.loc[prev[-1]]
            if pd.notna(before["cac"]) and before["cac"] > 0:
                change = now["cac"] / before["cac"] - 1
                text = _t(
                    "cac.change",
                    lang,
                    verb=_t("verb.up" if change > 0 else "verb.down", lang),
                    change=fmt.percent(abs(change)),
                    cac=fmt.money(now["cac"]),
                    n0=fmt.number(before["new_customers"]),
                    n1=fmt.number(now["new_customers"]),
                )
                cand.append(("acquisition", abs(float(change)), text))
            channels = cac_frame[
                (cac_frame["period"] == period) & cac_frame["channel"].notna()
            ].dropna(subset=["cac"])
            if len(channels):
                high = channels.loc[channels["cac"].idxmax()]
                times = high["cac"] / now["cac"]
                text = _t(
                    "cac.channel",
                    lang,
                    Channel=_cap(fmt.label(high["channel"])),
                    cac=fmt.money(high["cac"]),
                    times=fmt.number(times, 1) + "×",
                    blended=fmt.money(now["cac"]),
                )
                cand.append(("acquisition", float(times - 1) / 4, text))
    if payback_by_channel is not None and len(payback_by_channel) and ltv_cohort:
        rows = payback_by_channel[payback_by_channel["cohort"] == ltv_cohort].dropna(
            subset=["ltv_to_cac"]
        )
        if len(rows):
            low = rows.loc[rows["ltv_to_cac"].idxmin()]
            if low["ltv_to_cac"] < ltv_to_cac_min:
                text = _t(
                    "ltv.low",
                    lang,
                    Channel=_cap(fmt.label(low["channel"])),
                    ratio=fmt.ratio(low["ltv_to_cac"]),
                    months=ltv_months,
                    min=fmt.ratio(ltv_to_cac_min),
                )
                cand.append(("acquisition", float(1 - low["ltv_to_cac"] / ltv_to_cac_min), text))
    if by_source is not None and len(by_source.dropna(subset=["overall_conversion"])) >= 2:
        src = by_source.dropna(subset=["overall_conversion"])
        best = src.loc[src["overall_conversion"].idxmax()]
        worst = src.loc[src["overall_conversion"].idxmin()]
        if differs(best["converted"], best["leads"], worst["converted"], worst["leads"]):
            text = _t(
                "fun.sources",
                lang,
                best_name=fmt.label(best["source"]),
                best=fmt.percent(best["overall_conversion"], 1),
                worst=fmt.percent(worst["overall_conversion"], 1),
                worst_name=fmt.label(worst["source"]),
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
        text = _t(
            "fun.leak",
            lang,
            share=fmt.percent(funnel_frame["lost_share"].iloc[i]),
            a=fmt.label(funnel_frame["stage"].iloc[i], "stage"),
            b=fmt.label(funnel_frame["stage"].iloc[i + 1], "stage")
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
