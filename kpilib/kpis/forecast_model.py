"""The arithmetic of :func:`kpilib.kpis.forecast.forecast` on the small tables it learns.

The engine reduces the leads to counts per team, stage and age band (what
was open, what was sold); this module turns them into rates, shrunk towards
the wider rate when a cell holds few leads, and into the expected close and
its interval. Nothing here reads a lead.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kpilib.engine.frames import NONE_KEY
from kpilib.kpis.forecast_blend import Blend, blend, quantile

__all__ = ["AGE_BANDS", "Learnt", "combine", "past_forecasts", "shared_snapshots", "shrink"]

AGE_BANDS = (7, 14, 21, 30, 45, 60, 90, 120, 180)
"""Upper bounds (days, exclusive) of the age bands an open lead's chance is learnt by;
a last band holds the older leads."""


# (the leads' native frame, {key: counts or a past period's forecast}) within a backtest
SHARED: contextvars.ContextVar[tuple[Any, dict] | None] = contextvars.ContextVar(
    "kpilib_forecast_snapshots", default=None
)


@contextlib.contextmanager
def shared_snapshots(leads: Any) -> Iterator[None]:
    """Within the block, the forecasts on *leads* read each past period once.

    The forecasts of a backtest, made from the same day of successive months,
    learn from mostly the same past periods, seen from the same day of each:
    a period's counts (:func:`kpilib.kpis.forecast_history.learn`) and its own
    past forecast (:func:`past_forecasts`) depend on that period and that day
    only, not on the month forecast, so they are computed once and reused:
    the same figures.
    """
    entry = SHARED.get()
    if entry is not None and entry[0] is leads:  # within a block on the same leads: shared
        yield
        return
    token = SHARED.set((leads, {}))
    try:
        yield
    finally:
        SHARED.reset(token)


def shared(leads: Any) -> dict:
    """The figures shared within :func:`shared_snapshots` of *leads*; a new, unshared dict
    outside it."""
    entry = SHARED.get()
    return entry[1] if entry is not None and entry[0] is leads else {}


@dataclass(frozen=True)
class Learnt:
    """Counts read on the past periods (pandas, team = the null-key sentinel when none).

    ``pipeline``: _k (periods back), team, _stage, _band, n (leads open at
    the snapshot), won (sold by that period's end); ``arrivals``: _k, team,
    n (leads created from the snapshot to the period's end), won;
    ``recent_leads``: team, n, leads created over ``recent_days`` business
    days before as_of; ``deals``: team, n (sales), amount, amount2 (sum of
    squared amounts) over the history; ``firsts``: team, new (first sales)
    over the same span, None without customer_id. ``pipeline`` and
    ``arrivals`` are None when no past period is covered by the data.
    """

    pipeline: pd.DataFrame | None
    arrivals: pd.DataFrame | None
    recent_leads: pd.DataFrame
    recent_days: int
    deals: pd.DataFrame
    firsts: pd.DataFrame | None
    outcomes: pd.DataFrame | None
    history: int
    # per _k, what names its period and day (the key of its counts), and the figures
    # shared within shared_snapshots; empty: nothing shared
    snapshots: dict[int, tuple] | None = None
    known: dict | None = None


def shrink(won: object, n: object, prior: object, weight: float) -> object:
    """``(won + weight × prior) / (n + weight)``: a rate pulled towards *prior* when *n* is small.

    Examples
    --------
    >>> shrink(3, 4, 0.25, 4.0)  # (3 + 4 × 0.25) / (4 + 4)
    0.5
    """
    return (won + weight * prior) / (n + weight)  # type: ignore[operator]


def _chance(cells: pd.DataFrame, hist: pd.DataFrame | None, m: float) -> pd.Series:
    """The learnt chance of each row of *cells* (team, _stage, _band) to be sold by the
    period's end: the team's cell shrunk to the company's cell, the company's to its
    stage, the stage's to all (:func:`shrink`); the widest rate that knows it when its own
    cell was never seen."""
    if hist is None or not hist["n"].sum():
        return pd.Series(np.nan, index=cells.index)
    p0 = hist["won"].sum() / hist["n"].sum()
    stage = hist.groupby("_stage")[["n", "won"]].sum()
    ps = shrink(stage["won"], stage["n"], p0, m)
    cell = hist.groupby(["_stage", "_band"])[["n", "won"]].sum()
    pc = shrink(cell["won"], cell["n"], ps.reindex(cell.index.get_level_values(0)).to_numpy(), m)
    team = hist.groupby(["team", "_stage", "_band"])[["n", "won"]].sum()
    wider = pc.reindex(team.index.droplevel(0)).to_numpy()
    pt = shrink(team["won"], team["n"], wider, m)

    def at(rates: pd.Series, keys: list[str]) -> np.ndarray:
        index = pd.MultiIndex.from_frame(cells[keys]) if len(keys) > 1 else cells[keys[0]]
        return rates.reindex(index).to_numpy(dtype="float64")

    chance = at(pt, ["team", "_stage", "_band"])  # type: ignore[arg-type]
    for rates, keys in ((pc, ["_stage", "_band"]), (ps, ["_stage"])):
        chance = np.where(np.isnan(chance), at(rates, keys), chance)  # type: ignore[arg-type]
    return pd.Series(np.where(np.isnan(chance), p0, chance), index=cells.index)


def _by_team(
    frame: pd.DataFrame | None, value: str, num: str, den: str, m: float
) -> tuple[dict, float]:
    """Per team ``num / den`` shrunk to the whole's, and the whole's (NaN without data)."""
    if frame is None or not len(frame) or not frame[den].sum():
        return {}, math.nan
    whole = frame[num].sum() / frame[den].sum()
    grouped = frame.groupby("team")[[num, den]].sum()
    rates = shrink(grouped[num], grouped[den], whole, m)
    return rates.rename(value).to_dict(), whole


def past_forecasts(learnt: Learnt, m: float) -> pd.DataFrame | None:
    """_k, team, forecast, run_rate, close: the sales of each of the ``history`` periods
    learnt from, as the pipeline forecast and the run rate would have said on the same day.

    Period *k*'s forecast is its sales to that day + its open leads × the chances
    learnt on the ``history`` periods before it (:func:`_chance`) + the leads that
    then arrived × their share sold, learnt on the same periods; its run rate is
    its sales to that day × the business days of the period ÷ those elapsed. A
    period with no earlier one the data covers is left out; None without any.
    """
    hist, new, got = learnt.pipeline, learnt.arrivals, learnt.outcomes
    if hist is None or new is None or got is None:
        return None
    h, rows = learnt.history, []
    known = learnt.known if learnt.known is not None else {}
    snapshots = learnt.snapshots or {}
    for k in sorted(got["_k"].unique()):
        key = ("past", snapshots.get(k), h, m)
        if key[1] is not None and key in known:
            if known[key] is not None:
                rows.append(known[key].assign(_k=k))
            continue
        row = _past_forecast(hist, new, got, k, h, m)
        if key[1] is not None:
            known[key] = row
        if row is not None:
            rows.append(row)
    return pd.concat(rows, ignore_index=True) if rows else None


def _past_forecast(
    hist: pd.DataFrame, new: pd.DataFrame, got: pd.DataFrame, k: int, h: int, m: float
) -> pd.DataFrame | None:
    """The rows of :func:`past_forecasts` for the period *k* back; None when no period
    before it is covered."""
    before = hist[(hist["_k"] > k) & (hist["_k"] <= k + h)]
    if not len(before):
        return None
    cells = hist[hist["_k"] == k]
    sold = (cells["n"] * _chance(cells, before, m)).groupby(cells["team"]).sum()
    came = new[new["_k"] == k]
    rate, rate0 = _by_team(new[(new["_k"] > k) & (new["_k"] <= k + h)], "c", "won", "n", m)
    share = came["team"].map(rate).astype("float64").fillna(0.0 if rate0 != rate0 else rate0)
    arrived = (came["n"] * share).groupby(came["team"]).sum()
    own = got[got["_k"] == k].set_index("team")
    teams = sorted(set(own.index) | set(sold.index) | set(arrived.index))
    to_date = own["to_date"].reindex(teams, fill_value=0).astype("float64")
    return pd.DataFrame(
        {
            "_k": k,
            "team": teams,
            "forecast": (
                to_date
                + sold.reindex(teams, fill_value=0.0)
                + arrived.reindex(teams, fill_value=0.0)
            ).to_numpy(),
            "run_rate": (to_date * float(own["factor"].iloc[0])).to_numpy() if len(own) else 0.0,
            "close": own["close"].reindex(teams, fill_value=0).astype("float64").to_numpy(),
        }
    )


def _plain_team(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """*frame* with its team column as Python objects: the merges and group-bys below
    run on it many times, faster than on Arrow-backed text."""
    if frame is None or "team" not in frame.columns or frame["team"].dtype == object:
        return frame
    return frame.assign(team=frame["team"].astype(object))


def _plain_teams(learnt: Learnt) -> Learnt:
    """:func:`_plain_team` on every table of *learnt*."""
    return replace(
        learnt,
        pipeline=_plain_team(learnt.pipeline),
        arrivals=_plain_team(learnt.arrivals),
        recent_leads=_plain_team(learnt.recent_leads),
        deals=_plain_team(learnt.deals),
        firsts=_plain_team(learnt.firsts),
        outcomes=_plain_team(learnt.outcomes),
    )


def _recent(frame: pd.DataFrame | None, history: int) -> pd.DataFrame | None:
    """The rows of the *history* latest periods (``_k`` ≤ history), None when none."""
    if frame is None:
        return None
    out = frame[frame["_k"] <= history]
    return out if len(out) else None


def combine(
    learnt: Learnt,
    now: pd.DataFrame,
    actuals: pd.DataFrame,
    *,
    days_left: int,
    run_rate: float,
    metrics: Sequence[str],
    prior_weight: float,
    level: float,
) -> pd.DataFrame:
    """metric, team (sentinel = company), actual_to_date, expected, low, high.

    *now* holds the open pipeline (team, _stage, _band, n), *actuals* the
    period's actuals so far (metric, team, value); *run_rate* is the period's
    business days ÷ those elapsed (NaN when none). Company rows add up every
    team's part, leads without a team included; a team row is given for every
    team with an open lead, a lead in the pace window or an actual.
    """
    m = prior_weight
    learnt, now, actuals = _plain_teams(learnt), _plain_team(now), _plain_team(actuals)
    mix = blend(past_forecasts(learnt, m))
    if run_rate != run_rate:
        mix = Blend()  # nothing elapsed: no run rate to blend with
    hist = _recent(learnt.pipeline, learnt.history)
    now = now.assign(p=_chance(now, hist, m))
    arrive, arrive0 = _by_team(_recent(learnt.arrivals, learnt.history), "c", "won", "n", m)
    if hist is not None and math.isnan(arrive0):
        arrive0 = 0.0  # no lead arrived in those stretches of the past periods: none expected
    value, value0 = _by_team(learnt.deals, "mu", "amount", "n", m)
    square, square0 = _by_team(learnt.deals, "mu2", "amount2", "n", m)
    deals = learnt.deals.assign(new=0.0)
    if learnt.firsts is not None:
        firsts = learnt.firsts.set_index("team")["new"]
        deals = deals.assign(
            new=deals["team"].astype(object).map(firsts).astype("float64").fillna(0.0)
        )
    newness, newness0 = _by_team(deals, "q", "new", "n", m)
    pace = learnt.recent_leads.set_index("team")["n"] / max(learnt.recent_days, 1)
    if hist is None:
        pace = pace * math.nan
    got = actuals.set_index(["metric", "team"])["value"]

    teams = sorted(set(now["team"]) | set(pace.index) | set(actuals["team"]))
    cells = {team: cell for team, cell in now.groupby("team", sort=False)}
    nothing = np.zeros(0)
    rows = []
    for team in teams:
        cell = cells.get(team)
        p = nothing if cell is None else cell["p"].to_numpy(dtype="float64")
        n = nothing if cell is None else cell["n"].to_numpy(dtype="float64")
        q = min(newness.get(team, newness0), 1.0)
        mu = value.get(team, value0)
        var_amount = max(square.get(team, square0) - mu * mu, 0.0)
        arrivals = float(pace.get(team, 0.0)) * days_left * arrive.get(team, arrive0)
        sold = float((n * p).sum())
        spread = float((n * p * (1 - p)).sum())
        parts = {
            "sales": (sold + arrivals, spread + arrivals),
            "new_customers": (
                q * (sold + arrivals),
                float((n * p * q * (1 - p * q)).sum()) + q * arrivals,
            ),
            "revenue": (
                mu * (sold + arrivals),
                var_amount * sold + mu * mu * spread + arrivals * (var_amount + mu * mu),
            ),
        }
        w = mix.weights.get(team, mix.default)
        for metric in metrics:
            actual = float(got.get((metric, team), 0.0))
            add, var = parts[metric]
            if mix.spread:  # the run rate's addition: actual × (all ÷ elapsed − 1)
                add = w * add + (1 - w) * actual * (run_rate - 1)
            rows.append({"metric": metric, "team": team, "add": add, "var": var})
    frame = pd.DataFrame(rows, columns=["metric", "team", "add", "var"])
    company = frame.groupby("metric", as_index=False, sort=False)[["add", "var"]].sum(min_count=1)
    company["team"] = NONE_KEY
    out = pd.concat([company, frame[frame["team"] != NONE_KEY]], ignore_index=True)
    company_actual = actuals.groupby("metric")["value"].sum()
    out["actual_to_date"] = [
        float(company_actual.get(mt, 0.0)) if tm == NONE_KEY else float(got.get((mt, tm), 0.0))
        for mt, tm in zip(out["metric"], out["team"], strict=True)
    ]
    out["expected"] = out["actual_to_date"] + out["add"]
    # the interval: the chance of the leads, or the blend's error in the past periods
    # (s × expected), whichever is wider, at Student's t over those periods
    s2, periods = zip(*(mix.spread.get(tm, (math.nan, 0)) for tm in out["team"]), strict=True)
    measured = np.nan_to_num(np.asarray(s2, dtype="float64")) * out["expected"] ** 2
    half = np.array([quantile(level, k) for k in periods]) * np.sqrt(
        np.maximum(out["var"], measured)
    )
    out["low"] = out["actual_to_date"] + np.maximum(out["add"] - half, 0.0)
    out["high"] = out["expected"] + half
    order = {mt: i for i, mt in enumerate(("sales", "new_customers", "revenue"))}
    out = out.assign(_o=out["metric"].map(order), _c=out["team"] != NONE_KEY)
    out = out.sort_values(["_o", "_c", "team"], ignore_index=True)
    return out[["metric", "team", "actual_to_date", "expected", "low", "high"]]
