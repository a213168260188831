"""What the pipeline forecast learns from the periods before the one it forecasts.

On the leads' own engine: the leads open on a day, by team, furthest stage and
age band, and how many of them were sold by a period's end; the leads that
arrived after that day; the pace of arrivals; the amounts and new customers
per sale. Only small counts come back, as pandas, for
:mod:`kpilib.kpis.forecast_model`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import narwhals as nw

from kpilib.data.periods import Period, business_days, pace
from kpilib.engine import frames as F
from kpilib.kpis.forecast_arrays import with_k
from kpilib.kpis.forecast_model import AGE_BANDS, Learnt, _plain_team

__all__ = ["learn", "pipeline", "team_key"]

_N = F.NONE_KEY


def team_key() -> nw.Expr:
    """The lead's team as text, the null-key sentinel when it has none (to group on)."""
    return nw.col("team").cast(nw.String).fill_null(_N)


def _stage_at(stages: Sequence[str], have: list[str], t: dt.datetime) -> nw.Expr:
    """The furthest stage before the last one that a lead reached before *t*."""
    expr: Any = None
    for stage in reversed(stages[1:-1]):
        col = f"{stage}_at"
        if col not in have:
            continue
        cond = nw.col(col) < t
        expr = (
            nw.when(cond).then(nw.lit(stage))
            if expr is None
            else expr.when(cond).then(nw.lit(stage))
        )
    return nw.lit(stages[0]) if expr is None else expr.otherwise(nw.lit(stages[0]))


def _band_at(t: dt.datetime) -> nw.Expr:
    """The age band (index into :data:`AGE_BANDS`, last = older) of a lead at *t*."""
    expr: Any = None
    for i, days in enumerate(AGE_BANDS):
        cond = nw.col("lead_at") >= t - dt.timedelta(days=days)
        expr = nw.when(cond).then(nw.lit(i)) if expr is None else expr.when(cond).then(nw.lit(i))
    return expr.otherwise(nw.lit(len(AGE_BANDS)))


def _open_at(lf: nw.LazyFrame, t: dt.datetime, max_age_days: int) -> nw.LazyFrame:
    """Leads open at *t*: created before it (at most *max_age_days* before), not sold or
    lost before it."""
    keep = [
        nw.col("lead_at") < t,
        nw.col("lead_at") >= t - dt.timedelta(days=max_age_days),
        nw.col("sale_at").is_null() | (nw.col("sale_at") >= t),
    ]
    if "lost_at" in F.columns(lf):
        keep.append(nw.col("lost_at").is_null() | (nw.col("lost_at") >= t))
    return lf.filter(*keep)


def pipeline(
    lf: nw.LazyFrame, stages: Sequence[str], t: dt.datetime, end: dt.datetime, max_age: int
) -> nw.LazyFrame:
    """team, _stage, _band, n, won: leads open at *t* and those of them sold before *end*."""
    have = F.columns(lf)
    return (
        _open_at(lf, t, max_age)
        .with_columns(
            team=team_key(),
            _stage=_stage_at(stages, have, t),
            _band=_band_at(t),
            _won=F.count_if(nw.col("sale_at") < end),
        )
        .group_by("team", "_stage", "_band")
        .agg(nw.len().alias("n"), nw.col("_won").sum().alias("won"))
    )


def _arrivals(lf: nw.LazyFrame, t: dt.datetime, end: dt.datetime) -> nw.LazyFrame:
    """team, n, won: leads created in [*t*, *end*) and those of them sold before *end*."""
    return (
        lf.filter(nw.col("lead_at") >= t, nw.col("lead_at") < end)
        .with_columns(
            team=team_key(),
            _won=F.count_if(nw.col("sale_at") < end),
        )
        .group_by("team")
        .agg(nw.len().alias("n"), nw.col("_won").sum().alias("won"))
    )


def _snapshot(past: Period, offset: dt.timedelta) -> dt.datetime:
    """The day of *past* at *offset* from its start (its last day at the latest)."""
    return min(past.start + offset, past.end - dt.timedelta(days=1))


def _outcomes(lf: nw.LazyFrame, t: dt.datetime, past: Period) -> nw.LazyFrame:
    """team, to_date, close: sales of *past* before *t* and by its end (by sale_at)."""
    return (
        lf.filter(nw.col("sale_at") >= past.start, nw.col("sale_at") < past.end)
        .with_columns(team=team_key(), _before=F.count_if(nw.col("sale_at") < t))
        .group_by("team")
        .agg(nw.col("_before").sum().alias("to_date"), nw.len().alias("close"))
    )


def _counts(
    kind: str, lf: nw.LazyFrame, stages: Sequence[str], t: dt.datetime, past: Period, max_age: int
) -> nw.LazyFrame:
    """What :func:`learn` reads of the period *past* seen at *t*: its open pipeline
    ("pipe"), its arrivals after *t* ("new") or its sales before and after *t* ("out")."""
    if kind == "pipe":
        return pipeline(lf, stages, t, past.end, max_age)
    if kind == "new":
        return _arrivals(lf, t, past.end)
    return _outcomes(lf, t, past)


def _run_rate_factor(past: Period, t: dt.datetime) -> float:
    """Business days in *past* ÷ those elapsed by the day before *t* (NaN when none)."""
    state = pace(past, t - dt.timedelta(days=1))
    return state.total / state.elapsed if state.elapsed else float("nan")


def learn(
    lf: nw.LazyFrame,
    sales: nw.LazyFrame,
    *,
    known: dict,
    span: Period,
    cutoff: dt.datetime,
    first_month: int,
    stages: Sequence[str],
    history: int,
    pace_periods: int,
    max_age: int,
) -> Learnt:
    """What the forecast learns from the periods before *span*, as seen at *cutoff*.

    The snapshots go 2 × *history* periods back: the *history* latest teach the
    rates; each of them is also forecast, for :mod:`kpilib.kpis.forecast_blend`,
    from the *history* before it. *known* holds the counts already read in this
    backtest (:func:`~kpilib.kpis.forecast_model.shared`): each is read once.
    """
    offset = cutoff - span.start
    todo: dict[str, list[nw.LazyFrame]] = {"pipe": [], "new": [], "out": []}
    keys: dict[str, dict[int, tuple]] = {"pipe": {}, "new": {}, "out": {}}
    factors = {}
    for k in range(1, 2 * history + 1):
        past = span.shift(-k)
        if past.first_month < first_month:
            break  # the data does not cover that period
        t = _snapshot(past, offset)
        if k <= history:
            factors[k] = _run_rate_factor(past, t)
        for kind in ("pipe", "new", "out") if k <= history else ("pipe", "new"):
            key = (kind, past.label, t, tuple(stages), max_age)
            keys[kind][k] = key
            if key not in known:
                counts = _counts(kind, lf, stages, t, past, max_age)
                todo[kind].append(counts.with_columns(_k=nw.lit(k)))
    cols = ["_k", "team", "_stage", "_band", "n", "won"]
    shapes = {"pipe": cols, "new": cols[:2] + cols[4:], "out": ["_k", "team", "to_date", "close"]}
    tables = {}
    for kind, frames in todo.items():
        if frames:
            read = F.to_arrays(F.stack(frames, shapes[kind]).to_native())
            at = read["_k"].to_numpy()
            # the team as Python text: the model's merges and group-bys run on it many times
            read = _plain_team(read.drop(columns="_k"))
            for k, key in keys[kind].items():
                if key not in known:
                    known[key] = read[at == k]
        tables[kind] = with_k({k: known[key] for k, key in keys[kind].items()})
    hist, new, closes = tables["pipe"], tables["new"], tables["out"]
    if closes is not None:
        closes["factor"] = closes["_k"].map(factors).astype("float64")
    # the pace of arrivals: leads per business day since pace_periods before the period
    since = max(span.shift(-pace_periods).first_month, first_month)
    pace_start = dt.datetime(since // 12, since % 12 + 1, 1)
    recent = F.to_arrays(
        lf.filter(nw.col("lead_at") >= pace_start, nw.col("lead_at") < cutoff)
        .with_columns(team=team_key())
        .group_by("team")
        .agg(nw.len().alias("n"))
        .to_native()
    )
    # value per sale and new customers per sale, over the history window
    start = span.shift(-history).start
    have = F.columns(lf)
    amount = nw.col("amount").cast(nw.Float64).fill_null(0.0) if "amount" in have else nw.lit(0.0)
    deals = F.to_arrays(
        lf.filter(nw.col("sale_at") >= start, nw.col("sale_at") < cutoff)
        .with_columns(team=team_key(), _a=amount)
        .with_columns(_a2=nw.col("_a") * nw.col("_a"))
        .group_by("team")
        .agg(
            nw.len().alias("n"),
            nw.col("_a").sum().alias("amount"),
            nw.col("_a2").sum().alias("amount2"),
        )
        .to_native()
    )
    firsts = None
    if "customer_id" in have:
        firsts = F.to_arrays(
            F.first_sales(sales, cutoff)
            .filter(nw.col("acquired_at") >= start)
            .with_columns(team=team_key())
            .group_by("team")
            .agg(nw.len().alias("new"))
            .to_native()
        )
    return Learnt(
        snapshots=keys["pipe"],
        known=known,
        history=history,
        outcomes=closes,
        pipeline=hist,
        arrivals=new,
        recent_leads=recent,
        recent_days=business_days(pace_start, cutoff),
        deals=deals,
        firsts=firsts,
    )
