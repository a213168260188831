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


# -- the four tables of issue 16 (retention, coaching, sales_cycle, forecast) -----------------

MORE = ("retention", "coaching", "sales_cycle", "forecast")
"""The tables :mod:`benchmarks.hand_duckdb_more` and :mod:`benchmarks.hand_polars_more`
compute as ``kpi kpis`` does for a month (``t["period"]``), besides :data:`KPIS`."""
STEPS = ((0, 1), (1, 2), (2, 3), (0, 3))
FORECAST_COLUMNS = ["period", "metric", "team", "actual_to_date", "expected", "low", "high"]


def mature_cohort(months: list[tuple[int, Any]], period: str, day: dt.datetime, window: int) -> str:
    """The lead cohort the coaching table reads: the latest month of the 12 up to *period*
    whose newest lead (*months*: month key, latest lead_at) is older than the window."""
    young = day + dt.timedelta(days=1) - dt.timedelta(days=window)
    end = month_key(period)
    ripe = [mk for mk, latest in months if end - 12 < mk <= end and latest < young]
    if not ripe:
        return period
    mk = max(ripe)
    return f"{mk // 12:04d}-{mk % 12 + 1:02d}"


def coaching(counts: Any, cohort: str, level: float = 0.9) -> Any:
    """The coaching table from per-rep counts (pandas: team, owner, r0..r3, young): each
    rep's rate shrunk towards the team's by a beta prior fitted by the method of moments."""
    import pandas as pd
    from scipy.stats import beta

    counts = counts.sort_values(["team", "owner"])
    totals = counts.groupby("team")[["r0", "r1", "r2", "r3"]].sum()
    reps = counts[counts["owner"] != "unknown"]
    tail = (1 - level) / 2
    blocks = []
    for i, (a, b) in enumerate(STEPS):
        d = pd.DataFrame({"team": reps["team"], "owner": reps["owner"], "step": i})
        d["n"], d["k"] = reps[f"r{a}"].astype(float), reps[f"r{b}"].astype(float)
        team_n, team_k = totals[f"r{a}"], totals[f"r{b}"]
        d["team_conversion"] = d["team"].map((team_k / team_n).where(team_n > 0))
        has = d[d["n"] > 0]
        g = has.groupby("team")
        n_sum, k_sum, m = g["n"].sum(), g["k"].sum(), g["n"].size()
        mu = k_sum / n_sum
        valid = (m >= 2) & (n_sum > 0) & (mu > 0) & (mu < 1)
        spread = (
            (has["n"] * (has["k"] / has["n"] - has["team"].map(mu)) ** 2).groupby(has["team"]).sum()
        )
        den = n_sum - (has["n"] ** 2).groupby(has["team"]).sum() / n_sum - (m - 1)
        rho = ((spread / (mu * (1 - mu)) - (m - 1)) / den).where(den > 0, 0.0)
        weight = n_sum.where(rho <= 0, np.minimum(1 / rho - 1, n_sum)).clip(lower=2.0)
        d["mu"], d["prior_weight"] = (
            d["team"].map(mu.where(valid)),
            d["team"].map(weight.where(valid)),
        )
        d["reps"] = d["team"].map(m).fillna(0)
        blocks.append(d)
    d = pd.concat(blocks, ignore_index=True).sort_values(["team", "step", "owner"], kind="stable")
    n, k, mu, w = d["n"], d["k"], d["mu"], d["prior_weight"]
    post_a, post_b = mu * w + k, (1 - mu) * w + n - k
    fitted = (n > 0) & mu.notna()
    d["conversion"] = (k / n).where(n > 0)
    d["shrunk_conversion"] = (post_a / (post_a + post_b)).where(fitted)
    d["ci_low"] = pd.Series(beta.ppf(tail, post_a, post_b), index=d.index).where(fitted)
    d["ci_high"] = pd.Series(beta.ppf(1 - tail, post_a, post_b), index=d.index).where(fitted)
    below, above = d["ci_high"] < d["team_conversion"], d["ci_low"] > d["team_conversion"]
    d["flag"] = np.where(below, "below", np.where(above, "above", "unclear"))
    d["rank"] = d.groupby(["team", "step"])["shrunk_conversion"].rank(ascending=False, method="min")
    d["rank"] = d["rank"].astype("Int64")
    d["from_stage"] = [STAGES[STEPS[s][0]] for s in d["step"]]
    d["to_stage"] = [STAGES[STEPS[s][1]] for s in d["step"]]
    d["note"] = np.where(
        n <= 0,
        "no lead reached " + d["from_stage"],
        np.where(
            d["reps"] < 2,
            "the only rep of the team with leads at this step: no team to compare with",
            np.where(
                mu.isna(),
                "every or no lead of the team reached " + d["to_stage"] + ": no spread to fit",
                "",
            ),
        ),
    )
    d["entered"], d["converted"] = n.astype("int64"), k.astype("int64")
    d["immature"], d["cohort"] = bool(counts["young"].sum() > 0), cohort
    columns = ["cohort", "team", "owner", "from_stage", "to_stage", "entered", "converted"]
    columns += ["conversion", "shrunk_conversion", "ci_low", "ci_high", "team_conversion"]
    return d[[*columns, "flag", "rank", "prior_weight", "immature", "note"]]


def truncated_before(first_lead: Any, window: int) -> int:
    """The month key from which a sale month is not truncated: its first day is at least
    the window after the data's first lead."""
    reach = first_lead + dt.timedelta(days=window)
    return (
        reach.year * 12 + reach.month - 1 + (1 if (reach.day, reach.time()) > (1, dt.time()) else 0)
    )


def window_days(folder: Any) -> int:
    """The conversion window of the dataset *folder* (its kpi.toml, [funnel])."""
    import tomllib
    from pathlib import Path

    settings = tomllib.loads((Path(folder) / "kpi.toml").read_text())
    return int(settings["funnel"]["conversion_window_days"])
