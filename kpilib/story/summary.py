"""The summary page's text: the six headline tiles and the findings, from the summary section.

Every figure is a fact of :class:`kpilib.sections.summary.SummarySection`,
formatted by :mod:`kpilib.story.render`: a tile never puts a projected
percentage beside an actual count, and says "month to date" where the month
is still open.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from kpilib.sections.summary import SummarySection, Tile
from kpilib.story.blocks import Narrative
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase
from kpilib.story.render import fact_text, finding_text

__all__ = ["Tiles", "tiles", "findings", "tile_item"]


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


def _value(tile: Tile, fmt: Formatter) -> str:
    lang, v = fmt.lang, tile.value
    if tile.key == "payback":
        if not v.known:
            return phrase("tile.not_yet", lang)
        return phrase("tile.under_one", lang) if v.value == 0 else fact_text(v, fmt)
    if not v.known:
        return phrase("tile.na", lang)
    return fact_text(v, fmt, 1 if tile.key == "conversion" else None)


def _detail(tile: Tile, fmt: Formatter) -> str:
    lang = fmt.lang
    if tile.key in ("new_customers", "revenue"):
        if tile.target is None:
            return phrase("tile.no_target", lang)
        parts = []
        values = {"att": fact_text(tile.attainment, fmt), "target": fact_text(tile.target, fmt)}
        if tile.projected is not None:
            parts.append(phrase("tile.so_far", lang, **values))
            parts.append(
                phrase(
                    "tile.projected",
                    lang,
                    projected=fact_text(tile.projected, fmt),
                    patt=fact_text(tile.projected_attainment, fmt),
                )
            )
        else:
            parts.append(phrase("tile.of_target", lang, **values))
            if tile.status == "missed" and tile.gap is not None:
                parts.append(phrase("tile.missed_by", lang, gap=fact_text(tile.gap, fmt)))
        return " · ".join(parts)
    period = tile.value.period
    if tile.key == "cac":
        text = fmt.month(period) if period else ""
        if "month_to_date" in tile.notes:
            text += " · " + phrase("tile.month_to_date", lang)
        return text
    if tile.key == "ltv_to_cac" and tile.months is not None and period:
        text = phrase("tile.at_months", lang, n=tile.months, month=fmt.month(period))
    elif not period:
        return ""
    else:
        text = phrase("tile.cohort", lang, month=fmt.month(period))
    if "immature" in tile.notes:
        text += " · " + phrase("tile.immature", lang)
    return text


def _change(tile: Tile, fmt: Formatter) -> str:
    lang = fmt.lang
    if tile.change is None or not tile.change.known or tile.previous is None:
        return ""
    prev = tile.previous.period
    when = fmt.month(prev) if prev else ""
    if tile.change.unit == "months" and tile.change.value == 0:
        return phrase("tile.same", lang, prev=when)
    if tile.change.unit == "months":
        sign = "+" if tile.change.value > 0 else "−"
        text = sign + fact_text(replace(tile.change, value=abs(tile.change.value)), fmt)
    else:
        text = fact_text(tile.change, fmt)
    out = phrase("tile.vs_prev", lang, change=text, prev=when)
    if tile.significant is False:
        out += " · " + phrase("noise", lang)
    return out


def tile_item(tile: Tile, fmt: Formatter) -> dict[str, str]:
    """One tile's texts: label, value, detail, change, status and colour level."""
    item = {
        "label": phrase(f"tile.{tile.key}", fmt.lang),
        "value": _value(tile, fmt),
        "detail": _detail(tile, fmt),
        "change": _change(tile, fmt),
        "level": tile.level,
    }
    if tile.status and tile.status != "no_target":
        item["status"] = phrase(f"status.{tile.status}", fmt.lang)
    return item


def tiles(section: SummarySection, fmt: Formatter) -> Tiles:
    """The summary section's tiles as displayable HTML."""
    return Tiles([tile_item(t, fmt) for t in section.tiles])


def findings(section: SummarySection, fmt: Formatter) -> Narrative:
    """The summary's findings, one numbered sentence each."""
    return Narrative(
        [finding_text(f, fmt) for f in section.findings], style="numbered", css="kpi-findings"
    )
