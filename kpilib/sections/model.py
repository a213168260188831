"""The facts the pack states, as typed values.

A :class:`Fact` is one figure with everything needed to say it honestly: its
unit, whether it is actual, projected, month-to-date, observed or modelled,
the period or cohort it belongs to, and the KPI table row it comes from.
Sections hold facts; the story and the charts render them and never compute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

__all__ = [
    "Basis",
    "Fact",
    "Finding",
    "Status",
    "Unit",
    "fact",
    "facts",
    "status_of",
    "missing",
]

Unit = Literal["count", "money", "rate", "ratio", "months", "days", "points", "change"]
"""count: a whole number of things; money: the dataset's currency; rate: a fraction
(0.873 is 87.3%); ratio: a multiple (LTV:CAC 2.4); months, days: durations; points: a
difference of two rates; change: a relative change (0.18 is +18%)."""

Basis = Literal["actual", "projected", "target", "month_to_date", "observed", "modelled"]
"""actual: counted in the data up to as_of for a closed period (or the part of an open
one, said so); projected: the open period's actual run to its close; target: from
targets; month_to_date: an open month's value that will still change; observed: read
on cohorts' history; modelled: a model's expectation beyond what is observed."""

Status = Literal["met", "missed", "on_track", "at_risk", "behind", "no_target"]
"""A closed period *met* a target at 100% or more, else *missed* it; an open period is
*on_track*, *at_risk* or *behind* by its projection."""


@dataclass(frozen=True)
class Fact:
    """One figure the pack states.

    Examples
    --------
    >>> f = Fact(122.0, "count", "actual", "2026-10", "attainment[2026-10 new_customers company]")
    >>> f.known, f.value
    (True, 122.0)
    >>> missing("money", "actual", "2026-10", "cac").known
    False
    """

    value: float
    unit: Unit
    basis: Basis
    period: str | None
    source: str

    @property
    def known(self) -> bool:
        """Whether the value is a number (not NaN or None)."""
        return self.value is not None and not (
            isinstance(self.value, float) and math.isnan(self.value)
        )


def fact(value: object, unit: Unit, basis: Basis, period: str | None, source: str) -> Fact:
    """A :class:`Fact` whose value is a plain float (NaN when missing).

    Examples
    --------
    >>> import numpy as np
    >>> fact(np.int64(3), "count", "actual", "2026-10", "t").value
    3.0
    >>> fact(None, "count", "actual", "2026-10", "t").known
    False
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    return Fact(number, unit, basis, period, source)


def missing(unit: Unit, basis: Basis, period: str | None, source: str) -> Fact:
    """A fact whose value is unknown (NaN), with why in *source*."""
    return Fact(math.nan, unit, basis, period, source)


def status_of(
    ratio: float, *, closed: bool, on_track: float = 0.95, at_risk: float = 0.85
) -> Status:
    """The status word of an attainment *ratio* (projected while the period is open).

    A closed period meets a target only at 100% or more; an open one is on track
    from *on_track*, at risk from *at_risk*, behind below.

    Examples
    --------
    >>> status_of(0.95, closed=True), status_of(1.0, closed=True)
    ('missed', 'met')
    >>> status_of(0.97, closed=False), status_of(0.9, closed=False), status_of(0.5, closed=False)
    ('on_track', 'at_risk', 'behind')
    >>> status_of(float("nan"), closed=True)
    'no_target'
    """
    if ratio is None or math.isnan(ratio):
        return "no_target"
    if closed:
        return "met" if ratio >= 1 else "missed"
    return "on_track" if ratio >= on_track else "at_risk" if ratio >= at_risk else "behind"


@dataclass(frozen=True)
class Finding:
    """A candidate finding of a section: a phrase key and the facts it states.

    *family* is the section (``objectives``, ``acquisition``, ``funnel``);
    *score* orders candidates (larger matters more); *key* names the phrase in
    :mod:`kpilib.story.phrases`; *facts* fill its number fields and *names* its
    name fields, each ``kind:code`` (``metric:revenue``, ``stage:offer``,
    ``month:2026-07``, ``team:South``: codes shown through display labels when
    rendered); *digits* the decimals a fact is shown with where not the default.
    """

    family: str
    score: float
    key: str
    facts: dict[str, Fact] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    digits: dict[str, int] = field(default_factory=dict)


def facts(obj: Any) -> Any:
    """Every :class:`Fact` held by *obj* (a report, a section, a tile…) as one table.

    Columns: ``field`` (where it sits, e.g. ``tiles[0].value``), ``value``,
    ``unit``, ``basis``, ``period`` and ``source`` (the KPI table row it comes
    from). For an analyst: which figure the pack states, and where it comes from.

    Examples
    --------
    >>> f = Finding("objectives", 1.0, "k", {"att": fact(0.5, "rate", "actual", "2026-10", "t")})
    >>> facts(f)[["field", "value", "unit"]].to_dict("records")
    [{'field': 'facts[att]', 'value': 0.5, 'unit': 'rate'}]
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []

    def walk(item: Any, path: str) -> None:
        if isinstance(item, Fact):
            rows.append({"field": path, **{f.name: getattr(item, f.name) for f in fields(Fact)}})
        elif is_dataclass(item) and not isinstance(item, type):
            for f in fields(item):
                walk(getattr(item, f.name), f"{path}.{f.name}" if path else f.name)
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(value, f"{path}[{key}]")
        elif isinstance(item, (list, tuple)):
            for i, value in enumerate(item):
                walk(value, f"{path}[{i}]")

    walk(obj, "")
    columns = ["field", "value", "unit", "basis", "period", "source"]
    return pd.DataFrame(rows, columns=columns)
