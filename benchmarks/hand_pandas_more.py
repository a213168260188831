"""Retention, coaching, sales cycle and forecast in pandas (see :mod:`benchmarks.baselines`).

The four tables ``kpi kpis`` computes besides the five of
:mod:`benchmarks.hand_pandas`, for the month ``t["period"]`` with the conversion
window ``t["window"]`` (days), as a user who knows pandas would write them:
boolean masks and vectorised groupbys over the tables in memory, scipy for the
coaching table's few thousand rows (:func:`benchmarks.baselines.coaching`). The
forecast is written for a closed month only (the benchmark's): empty.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from benchmarks import baselines as B
from benchmarks.hand_pandas import _cohorts, _dates, _label, _mk, _orders_since
from benchmarks.hand_pandas import _day as _latest


def _day(t: dict) -> dt.datetime:
    leads = t["leads"]
    return _latest([(leads, _dates(leads)), (t["orders"], ["order_date"])])


def retention(t: dict) -> pd.DataFrame:
    day = _day(t)
    as_of_key = day.year * 12 + day.month - 1
    month_open = (day + dt.timedelta(days=1)).month == day.month
    buyers, grid = _cohorts(t["leads"], day)
    o = _orders_since(t["orders"], buyers, day + dt.timedelta(days=1))
    active = o.groupby(["_c", "months_since"])["customer_id"].nunique().rename("active")
    out = grid.join(active, on=["_c", "months_since"])
    n = out["active"].fillna(0).astype("int64")
    return pd.DataFrame(
        {
            "cohort": _label(out["_c"]).to_numpy(),
            "months_since": out["months_since"].astype("int64"),
            "customers": out["customers"].astype("int64"),
            "active": n,
            "retention": n / out["customers"],
            "partial": (out["_c"] + out["months_since"] == as_of_key) & month_open,
        }
    )


def coaching(t: dict) -> pd.DataFrame:
    leads, period, window = t["leads"], t["period"], t["window"]
    day = _day(t)
    cutoff = day + dt.timedelta(days=1)
    alive = leads["lead_at"][leads["lead_at"] < cutoff]
    latest = alive.groupby(_mk(alive)).max()
    cohort = B.mature_cohort(list(latest.items()), period, day, window)
    start = dt.datetime(int(cohort[:4]), int(cohort[5:7]), 1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    at = leads["lead_at"]
    rows = leads[(at >= start) & (at < end) & (at < cutoff)]
    limit = rows["lead_at"] + dt.timedelta(days=window)
    kept = [(rows[f"{s}_at"] < cutoff) & (rows[f"{s}_at"] <= limit) for s in B.STAGES[1:]]
    reached = [kept[-1]]  # a lead reached a stage when it reached it or any later one
    for k in reversed(kept[:-1]):
        reached.insert(0, k | reached[0])
    young = cutoff - dt.timedelta(days=window)
    counts = (
        pd.DataFrame(
            {
                "team": rows["team"].fillna("unknown"),
                "owner": rows["owner"].fillna("unknown"),
                "r0": 1,
                **{f"r{i + 1}": r for i, r in enumerate(reached)},
                "young": rows["lead_at"] >= young,
            }
        )
        .groupby(["team", "owner"], as_index=False)
        .sum()
    )
    return B.coaching(counts, cohort)


def sales_cycle(t: dict) -> pd.DataFrame:
    leads, period, window = t["leads"], t["period"], t["window"]
    day = _day(t)
    cutoff = day + dt.timedelta(days=1)
    end = B.month_key(period)
    first = leads["lead_at"].min()
    sold = leads[(leads["lead_at"] < cutoff) & (leads["sale_at"] < cutoff)]
    mk = _mk(sold["sale_at"])
    keep = (mk > end - 12) & (mk <= end)
    sold = sold[keep]
    sales = pd.DataFrame(
        {
            "mk": mk[keep],
            "source": sold["source"].fillna("unknown"),
            "team": sold["team"].fillna("unknown"),
            # on seconds, then days, as kpilib does (seconds times 1/86400, the percentile
            # to the second first: the same last bit on every engine)
            "secs": (sold["sale_at"] - sold["lead_at"]).dt.total_seconds(),
        }
    )
    parts = []
    for keys in (["mk"], ["mk", "source"], ["mk", "team"]):
        g = sales.groupby(keys)["secs"]
        part = pd.DataFrame(
            {
                "sales": g.size(),
                "median_days": g.median() * (1 / 86_400),
                "p80_days": g.quantile(0.8).round(0) * (1 / 86_400),
            }
        ).reset_index()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(
        {
            "month": _label(out["mk"]).to_numpy(),
            "source": out["source"],
            "team": out["team"],
            "sales": out["sales"].astype("int64"),
            "median_days": out["median_days"],
            "p80_days": out["p80_days"],
            "truncated": out["mk"] < B.truncated_before(first, window),
        }
    )


def forecast(t: dict) -> pd.DataFrame:
    period = t["period"]
    if B.paces([period], _day(t))[period].state != "closed":
        raise NotImplementedError("the hand-written forecast covers a closed month only")
    return pd.DataFrame(
        {
            c: pd.Series(dtype="str" if i < 3 else "float64")
            for i, c in enumerate(B.FORECAST_COLUMNS)
        }
    )


__all__ = ["retention", "coaching", "sales_cycle", "forecast"]
