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
from kpilib.kpis.forecast_arrays import codes, split_rows, sum_by, total, with_k
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


def _chance(cells: pd.DataFrame, hist: pd.DataFrame | None, m: float) -> np.ndarray:
    """The learnt chance of each row of *cells* (team, _stage, _band) to be sold by the
    period's end: the team's cell shrunk to the company's cell, the company's to its
    stage, the stage's to all (:func:`shrink`); the widest rate that knows it when its own
    cell was never seen. NaN for every row without history."""
    if hist is None or not hist["n"].sum():
        return np.full(len(cells), np.nan)
    return _chances(cells, hist, m)


def _chances(cells: pd.DataFrame, hist: pd.DataFrame, m: float) -> np.ndarray:
    """:func:`_chance` on arrays: the counts added per stage, cell and team's cell by
    integer codes (counts are exact in any order)."""
    teams, (ct, ht) = codes(cells["team"].to_numpy(), hist["team"].to_numpy())
    stages, (cs, hs) = codes(cells["_stage"].to_numpy(), hist["_stage"].to_numpy())
    bands, (cb, hb) = codes(cells["_band"].to_numpy(), hist["_band"].to_numpy())
    n, won = hist["n"].to_numpy(dtype="float64"), hist["won"].to_numpy(dtype="float64")
    p0 = hist["won"].sum() / hist["n"].sum()
    width = len(stages) * len(bands)

    def rates(key: np.ndarray, size: int, prior: Any) -> np.ndarray:
        """Per key seen, its count shrunk to *prior* (per key, or one for all); NaN unseen."""
        seen = np.bincount(key, minlength=size) > 0
        out = np.full(size, np.nan)
        prior = prior[seen] if isinstance(prior, np.ndarray) else prior
        out[seen] = shrink(
            np.bincount(key, won, size)[seen], np.bincount(key, n, size)[seen], prior, m
        )
        return out

    ps = rates(hs, len(stages), p0)
    pc = rates(hs * len(bands) + hb, width, np.repeat(ps, len(bands)))
    pt = rates(
        (ht * len(stages) + hs) * len(bands) + hb, len(teams) * width, np.tile(pc, len(teams))
    )
    cell = cs * len(bands) + cb
    chance = pt[ct * width + cell]
    for wider in (pc[cell], ps[cs]):
        chance = np.where(np.isnan(chance), wider, chance)
    return np.where(np.isnan(chance), p0, chance)


def _by_team(frame: pd.DataFrame | None, num: str, den: str, m: float) -> tuple[dict, float]:
    """Per team ``num / den`` shrunk to the whole's, and the whole's (NaN without data)."""
    whole_den = total(frame[den]) if frame is not None and len(frame) else 0
    if not whole_den:
        return {}, math.nan
    whole = total(frame[num]) / whole_den
    keys = frame["team"].to_numpy()
    teams, top = sum_by(frame[num], keys)
    rates = shrink(top, sum_by(frame[den], keys)[1], whole, m)
    return dict(zip(teams.tolist(), rates.tolist(), strict=True)), whole


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
    h, rows = learnt.history, {}
    known = learnt.known if learnt.known is not None else {}
    snapshots = learnt.snapshots or {}
    for k in sorted(got["_k"].unique()):
        key = ("past", snapshots.get(k), h, m)
        if key[1] is not None and key in known:
            row = known[key]
        else:
            row = _past_forecast(hist, new, got, k, h, m)
            if key[1] is not None:
                known[key] = row
        if row is not None:
            rows[k] = row
    return with_k(rows)


def _past_forecast(
    hist: pd.DataFrame, new: pd.DataFrame, got: pd.DataFrame, k: int, h: int, m: float
) -> pd.DataFrame | None:
    """The rows of :func:`past_forecasts` for the period *k* back; None when no period
    before it is covered."""
    at = hist["_k"].to_numpy()
    before = hist[(at > k) & (at <= k + h)]
    if not len(before):
        return None
    cells = hist[at == k]
    chance = _chance(cells, before, m)
    sold = _as_dict(*sum_by(cells["n"].to_numpy() * chance, cells["team"].to_numpy()))
    at = new["_k"].to_numpy()
    came = new[at == k]
    rate, rate0 = _by_team(new[(at > k) & (at <= k + h)], "won", "n", m)
    share = np.array([rate.get(t, np.nan) for t in came["team"]], dtype="float64")
    share = np.where(np.isnan(share), 0.0 if rate0 != rate0 else rate0, share)
    arrived = _as_dict(*sum_by(came["n"].to_numpy() * share, came["team"].to_numpy()))
    own = got[got["_k"].to_numpy() == k]
    to_date = dict(zip(own["team"], own["to_date"].tolist(), strict=True))
    close = dict(zip(own["team"], own["close"].tolist(), strict=True))
    teams = sorted(set(to_date) | set(sold) | set(arrived))
    so_far = np.array([to_date.get(t, 0) for t in teams], dtype="float64")
    return pd.DataFrame(
        {
            "team": teams,
            "forecast": (
                so_far
                + np.array([sold.get(t, 0.0) for t in teams], dtype="float64")
                + np.array([arrived.get(t, 0.0) for t in teams], dtype="float64")
            ),
            "run_rate": so_far * float(own["factor"].iloc[0]) if len(own) else 0.0,
            "close": np.array([close.get(t, 0) for t in teams], dtype="float64"),
        }
    )


def _as_dict(keys: np.ndarray, values: np.ndarray) -> dict:
    return dict(zip(keys.tolist(), values.tolist(), strict=True))


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
    out = frame[frame["_k"].to_numpy() <= history]
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
    chance = _chance(now, hist, m)
    arrive, arrive0 = _by_team(_recent(learnt.arrivals, learnt.history), "won", "n", m)
    if hist is not None and math.isnan(arrive0):
        arrive0 = 0.0  # no lead arrived in those stretches of the past periods: none expected
    value, value0 = _by_team(learnt.deals, "amount", "n", m)
    square, square0 = _by_team(learnt.deals, "amount2", "n", m)
    deals = learnt.deals.assign(new=0.0)
    if learnt.firsts is not None:
        firsts = dict(zip(learnt.firsts["team"], learnt.firsts["new"].tolist(), strict=True))
        new = np.array([firsts.get(t, np.nan) for t in deals["team"]], dtype="float64")
        deals = deals.assign(new=np.where(np.isnan(new), 0.0, new))
    newness, newness0 = _by_team(deals, "new", "n", m)
    recent = learnt.recent_leads
    per_day = recent["n"].to_numpy() / max(learnt.recent_days, 1)
    per_day = per_day * math.nan if hist is None else per_day
    pace = dict(zip(recent["team"], per_day.tolist(), strict=True))
    pairs = zip(actuals["metric"], actuals["team"], strict=True)
    got = dict(zip(pairs, actuals["value"].tolist(), strict=True))

    teams = sorted(set(now["team"]) | set(pace) | set(actuals["team"]))
    names, (code,) = codes(now["team"].to_numpy())
    cells = dict(zip(names.tolist(), split_rows(code, len(names)), strict=True))
    n_all = now["n"].to_numpy(dtype="float64")
    nothing = np.zeros(0)
    keys, adds, variances = [], [], []
    for team in teams:
        rows = cells.get(team)
        p = nothing if rows is None else chance[rows]
        n = nothing if rows is None else n_all[rows]
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
            keys.append((metric, team))
            adds.append(add)
            variances.append(var)
    return _company_and_teams(keys, adds, variances, got, actuals, mix, level)


def _company_and_teams(
    keys: list[tuple[str, str]],
    adds: list[float],
    variances: list[float],
    got: dict,
    actuals: pd.DataFrame,
    mix: Blend,
    level: float,
) -> pd.DataFrame:
    """:func:`combine`'s table from each team's addition and variance per metric (*keys*
    in team then metric order): the company's added up, the interval, sorted by metric
    (sales, new customers, revenue), company first then the teams."""
    metric_of = np.array([mt for mt, _ in keys], dtype=object)
    sums = pd.DataFrame({"add": adds, "var": variances}, dtype="float64")
    company = sums.groupby(metric_of, sort=False).sum(min_count=1)
    by_metric = dict(zip(company.index.tolist(), company.to_numpy().tolist(), strict=True))
    company_actual = actuals.groupby("metric")["value"].sum()
    order = {mt: i for i, mt in enumerate(("sales", "new_customers", "revenue"))}
    position = {key: i for i, key in enumerate(keys)}
    rows: list[tuple[str, str, float, float, float]] = []
    for metric in sorted(company.index, key=lambda mt: order.get(mt, len(order))):
        actual = float(company_actual.get(metric, 0.0))
        rows.append((metric, NONE_KEY, actual, *by_metric[metric]))
        for (mt, tm), i in position.items():
            if mt == metric and tm != NONE_KEY:
                rows.append((mt, tm, float(got.get((mt, tm), 0.0)), adds[i], variances[i]))
    metric, team, actual, add, var = (
        (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 5
    )
    actual_to_date = np.array(actual, dtype="float64")
    add, var = np.array(add, dtype="float64"), np.array(var, dtype="float64")
    expected = actual_to_date + add
    # the interval: the chance of the leads, or the blend's error in the past periods
    # (s × expected), whichever is wider, at Student's t over those periods
    s2, periods = (
        zip(*(mix.spread.get(tm, (math.nan, 0)) for tm in team), strict=True) if team else ((), ())
    )
    measured = np.nan_to_num(np.asarray(s2, dtype="float64")) * expected**2
    t = {k: quantile(level, k) for k in set(periods)}
    half = np.array([t[k] for k in periods], dtype="float64") * np.sqrt(np.maximum(var, measured))
    return pd.DataFrame(
        {
            "metric": metric,
            "team": team,
            "actual_to_date": actual_to_date,
            "expected": expected,
            "low": actual_to_date + np.maximum(add - half, 0.0),
            "high": expected + half,
        }
    )
