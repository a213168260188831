"""Hand-written baselines: the five KPI tables in idiomatic pandas, polars and DuckDB SQL.

Each engine module (:mod:`benchmarks.hand_pandas`, :mod:`benchmarks.hand_polars`,
:mod:`benchmarks.hand_duckdb`) computes the same tables as kpilib's
``attainment``, ``cac``, ``cohort_value``, ``payback`` and ``funnel(by="source")``
with their default options, written the way an engineer who knows the engine
would write them for this data: no narwhals, no generality the benchmark data
does not need (targets are monthly; funnel stages are lead, visit, offer, sale).
Definitions follow DESIGN.md and the kpilib docstrings; the runner checks that
every table equals kpilib's.

This module holds what the three share: the scalar work done in Python
(as-of day, business days of each target period) and the registry.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

__all__ = ["KPIS", "STAGES", "CATEGORIES", "NONE_KEY", "Pace", "as_of_day", "paces", "month_key"]

KPIS = ("attainment", "cac", "cohort_value", "payback", "funnel")
STAGES = ("lead", "visit", "offer", "sale")
CATEGORIES = ("salaries", "bonuses", "expenses", "campaigns")
NONE_KEY = "\x00"
TRAILING = 3
NO_CUSTOMER = "no new customer in the period"


class Pace(NamedTuple):
    """A monthly target period at the as-of day."""

    key: int  # year * 12 + month - 1
    state: str  # closed | open | future
    total: int  # business days in the period
    elapsed: int  # business days from its start to the as-of day inclusive


def month_key(label: str) -> int:
    """``"2026-10"`` as ``year * 12 + month - 1``."""
    return int(label[:4]) * 12 + int(label[5:7]) - 1


def as_of_day(latest: Any) -> dt.datetime:
    """Midnight of the day of *latest* (a datetime-like)."""
    stamp = np.datetime64(latest, "D").astype(object)
    return dt.datetime(stamp.year, stamp.month, stamp.day)


def _first(key: int) -> np.datetime64:
    return np.datetime64(f"{key // 12:04d}-{key % 12 + 1:02d}-01", "D")


def paces(labels: list[str], day: dt.datetime) -> dict[str, Pace]:
    """Where each monthly period stands at *day* (Monday-Friday business days)."""
    out = {}
    today = np.datetime64(day.date(), "D")
    for label in labels:
        key = month_key(label)
        start, end = _first(key), _first(key + 1)
        total = int(np.busday_count(start, end))
        if today >= end - 1:
            out[label] = Pace(key, "closed", total, total)
        elif today < start:
            out[label] = Pace(key, "future", total, 0)
        else:
            out[label] = Pace(key, "open", total, int(np.busday_count(start, today + 1)))
    return out


def registry(engine: str) -> dict[str, Callable[[Any], Any]]:
    """``{kpi: function(tables) -> table}`` of *engine*: "pandas", "polars" or "duckdb"."""
    module = importlib.import_module(f"benchmarks.hand_{engine}")
    return {k: getattr(module, k) for k in KPIS}
