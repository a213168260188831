"""The summary section: six headline tiles and the three findings that matter most.

Nothing is computed here that a section does not already hold: a tile reads
its facts from the objectives, acquisition and funnel sections, and the
findings are those sections' candidates, the best of each family first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kpilib.sections.model import Fact, Finding, Status, Unit, fact

__all__ = ["Tile", "SummarySection", "build_summary", "choose_findings", "TILES"]

TILES = ("new_customers", "revenue", "conversion", "cac", "ltv_to_cac", "payback")


@dataclass(frozen=True)
class Tile:
    """One headline tile.

    ``value`` is the figure shown; ``target``, ``attainment`` (value ÷
    target, on the value's own basis) and ``gap`` where a target exists; ``projected`` and
    ``projected_attainment`` while the period is open; ``change`` against
    ``previous`` (None when the two are not comparable, e.g. an open month
    against a closed one); ``significant`` whether a change of rates is beyond
    chance; ``status`` the status word, ``level`` the colour ("good", "warn",
    "bad" or "") and ``notes`` short qualifiers ("month_to_date", "immature").
    """

    key: str
    value: Fact
    target: Fact | None = None
    attainment: Fact | None = None
    gap: Fact | None = None
    projected: Fact | None = None
    projected_attainment: Fact | None = None
    previous: Fact | None = None
    change: Fact | None = None
    significant: bool | None = None
    status: Status | None = None
    level: str = ""
    months: int | None = None
    notes: tuple[str, ...] = ()


@dataclass
class SummarySection:
    """The headline tiles, in :data:`TILES` order, and the chosen findings."""

    tiles: list[Tile]
    findings: list[Finding] = field(default_factory=list)

    def tile(self, key: str) -> Tile:
        """The tile named *key*."""
        return next(t for t in self.tiles if t.key == key)


_LEVEL = {"met": "good", "on_track": "good", "at_risk": "warn", "missed": "bad", "behind": "bad"}


def _relative(now: Fact, before: Fact | None) -> Fact | None:
    if before is None or not (now.known and before.known) or before.value == 0:
        return None
    return fact(now.value / before.value - 1, "change", now.basis, now.period, now.source)


def _difference(now: Fact, before: Fact | None, unit: Unit) -> Fact | None:
    """*now* − *before* in *unit* (points of a rate, months), None unless both are known."""
    if before is None or not (now.known and before.known):
        return None
    return fact(now.value - before.value, unit, "observed", now.period, now.source)


def _objective_tile(key: str, objectives: Any, closed: bool) -> Tile:
    actual = objectives.company_actuals[key]
    before = objectives.previous_actuals.get(key)
    change = _relative(actual, before) if closed else None
    goal = objectives.get(key)
    if goal is None or not goal.target.known:
        return Tile(key, actual, previous=before, change=change)
    return Tile(
        key,
        goal.actual,
        target=goal.target,
        attainment=goal.attainment,
        gap=goal.gap,
        projected=None if closed else goal.projected,
        projected_attainment=None if closed else goal.projected_attainment,
        previous=before,
        change=change,
        status=goal.status,
        level=_LEVEL.get(goal.status, ""),
        notes=() if closed else ("month_to_date",),
    )


def build_summary(
    *,
    objectives: Any,
    acquisition: Any,
    funnel: Any,
    period: str,
    state: str,
    settings: Any,
    top: int = 3,
) -> SummarySection:
    """The summary of one report: tiles from the sections' facts, the top findings."""
    closed = state == "closed"
    tiles = [_objective_tile(k, objectives, closed) for k in ("new_customers", "revenue")]
    conv, prev_conv = funnel.conversion, funnel.previous_conversion
    tiles.append(
        Tile(
            "conversion",
            conv,
            previous=prev_conv,
            change=_difference(conv, prev_conv, "points"),
            significant=funnel.conversion_significant,
            notes=("immature",) if funnel.conversion_immature else (),
        )
    )
    cac = acquisition.cac
    tiles.append(
        Tile(
            "cac",
            cac,
            previous=acquisition.previous_cac,
            change=acquisition.cac_change,
            notes=("month_to_date",) if cac.basis == "month_to_date" else (),
        )
    )
    ltv = acquisition.ltv_to_cac
    s_min = settings.ltv_to_cac_min
    ltv_level = ""
    young = not acquisition.ltv_mature
    if ltv.known and not young:
        ltv_level = "good" if ltv.value >= s_min else "warn" if ltv.value >= 0.67 * s_min else "bad"
    tiles.append(
        Tile(
            "ltv_to_cac",
            ltv,
            previous=acquisition.previous_ltv_to_cac,
            change=_relative(ltv, acquisition.previous_ltv_to_cac),
            level=ltv_level,
            months=acquisition.ltv_months,
            notes=("immature",) if young and ltv.known else (),
        )
    )
    back, prev_back = acquisition.payback, acquisition.previous_payback
    tiles.append(
        Tile(
            "payback",
            back,
            previous=prev_back,
            change=_difference(back, prev_back, "months"),
            level=_payback_level(back, acquisition.ltv_months, settings.payback_max_months),
            months=acquisition.ltv_months,
        )
    )
    found = choose_findings(
        [*objectives.findings, *acquisition.findings, *funnel.findings], top=top
    )
    return SummarySection(tiles=tiles, findings=found)


def _payback_level(back: Fact, months: int, limit: int) -> str:
    """ "bad" when the cohort is old enough to have paid back and has not (or took too
    long), "good" when it paid back in time, "" while it is too young to tell."""
    if back.known:
        return "bad" if back.value > limit else "good"
    return "bad" if months >= limit else ""


def choose_findings(candidates: list[Finding], *, top: int = 3) -> list[Finding]:
    """The *top* findings: the best of each family first, then the best remaining, by score.

    Examples
    --------
    >>> c = [Finding("funnel", 0.8, "a"), Finding("funnel", 0.5, "b"),
    ...      Finding("acquisition", 0.1, "c"), Finding("funnel", 0.3, "d")]
    >>> [f.key for f in choose_findings(c)]
    ['a', 'b', 'c']
    """
    ranked = sorted(candidates, key=lambda f: -f.score)
    chosen: list[Finding] = []
    families: set[str] = set()
    for f in ranked:
        if f.family not in families:
            chosen.append(f)
            families.add(f.family)
    for f in ranked:
        if len(chosen) >= top:
            break
        if f not in chosen:
            chosen.append(f)
    return sorted(chosen[:top], key=lambda f: -f.score)
