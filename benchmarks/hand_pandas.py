"""The five KPI tables in idiomatic, vectorised pandas (see :mod:`benchmarks.baselines`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from benchmarks.baselines import (
    CATEGORIES,
    NO_CUSTOMER,
    NONE_KEY,
    STAGES,
    TRAILING,
    as_of_day,
    month_key,
    paces,
)

_EPOCH = 1970 * 12
_COST = ["cost", *[f"cost_{c}" for c in CATEGORIES], "cost_other"]


def _mk(s: pd.Series) -> np.ndarray:
    """Month keys (year * 12 + month - 1) of a datetime64 series without NaT."""
    return s.to_numpy().astype("datetime64[M]").astype(np.int64) + _EPOCH


def _label(keys: np.ndarray | pd.Series) -> pd.Series:
    keys = np.asarray(keys)
    months = (keys // 12 - 1970) * 12 + keys % 12
    return pd.Series(months.astype("datetime64[M]")).dt.strftime("%Y-%m").astype("str")


def _day(frames: list[tuple[pd.DataFrame, list[str]]]) -> dt.datetime:
    return as_of_day(max(f[c].max() for f, cols in frames for c in cols))


def _dates(leads: pd.DataFrame) -> list[str]:
    return [c for c in leads.columns if c.endswith("_at")]


def _first_sales(leads: pd.DataFrame, cutoff: dt.datetime) -> pd.DataFrame:
    """One row per customer: its first sale before *cutoff* (ties: lowest lead_id)."""
    ok = (leads["sale_at"] < cutoff) & (leads["lead_at"] < cutoff) & leads["customer_id"].notna()
    sales = leads.loc[ok, ["customer_id", "sale_at", "lead_id", "source", "team", "owner"]]
    return sales.sort_values(["sale_at", "lead_id"]).drop_duplicates("customer_id")


# -- attainment ---------------------------------------------------------------------------------


def attainment(t: dict) -> pd.DataFrame:
    leads, targets = t["leads"], t["targets"]
    dates = _dates(leads)
    first_key = int(_mk(leads["lead_at"].dropna()).min())
    day = _day([(leads, dates)])
    cutoff = day + dt.timedelta(days=1)
    alive = leads["lead_at"] < cutoff

    parts = []
    for stage in STAGES:
        at = leads[f"{stage}_at"]
        ok = alive & (at < cutoff)
        cols = ["team", "owner"] + (["amount"] if stage == "sale" else [])
        events = leads.loc[ok, cols].assign(_mk=_mk(at[ok]))
        g = events.groupby(["_mk", "team", "owner"], dropna=False)
        parts.append(g.size().rename("value").reset_index().assign(metric=f"{stage}s"))
        if stage == "sale":
            revenue = g["amount"].sum().rename("value").reset_index()
            parts.append(revenue.assign(metric="revenue"))
    buyers = _first_sales(leads, cutoff)
    new = buyers.assign(_mk=_mk(buyers["sale_at"])).groupby(["_mk", "team", "owner"], dropna=False)
    parts.append(new.size().rename("value").reset_index().assign(metric="new_customers"))
    monthly = pd.concat(parts, ignore_index=True)
    monthly["value"] = monthly["value"].astype("float64")

    targets = targets.assign(
        _team=targets["team"].fillna(NONE_KEY), _owner=targets["owner"].fillna(NONE_KEY)
    )
    levels = []
    for has_team, has_owner in targets[["_team", "_owner"]].ne(NONE_KEY).drop_duplicates().values:
        keys = ["team"] * int(has_team) + ["owner"] * int(has_owner)
        rows = monthly.dropna(subset=keys) if keys else monthly
        lv = rows.groupby(["metric", "_mk", *keys])["value"].sum().reset_index()
        lv["_team"] = lv["team"] if has_team else NONE_KEY
        lv["_owner"] = lv["owner"] if has_owner else NONE_KEY
        levels.append(lv[["metric", "_mk", "_team", "_owner", "value"]])
    level = pd.concat(levels, ignore_index=True)

    pace = paces(targets["period"].dropna().unique().tolist(), day)
    info = pd.DataFrame(pace, index=["_key", "_state", "_total", "_elapsed"]).T
    targets = targets.join(info, on="period")
    key = ["metric", "_team", "_owner", "_mk"]
    out = targets
    trail = np.zeros(len(out))
    n_trail = np.zeros(len(out))
    for k in range(TRAILING + 1):
        shifted = out[key[:3]].assign(_mk=out["_key"].astype("int64") - k)
        v = shifted.merge(level, on=key, how="left")["value"].fillna(0.0).to_numpy()
        if k == 0:
            actual = v
        else:
            valid = (shifted["_mk"] >= first_key).to_numpy()
            trail += np.where(valid, v, 0.0)
            n_trail += valid
    measurable = ["leads", "visits", "offers", "sales", "revenue", "new_customers"]
    target = out["target"].to_numpy(dtype="float64")
    actual = np.where(out["metric"].isin(measurable), actual, np.nan)
    state = out["_state"].to_numpy()
    total = out["_total"].to_numpy(dtype="float64")
    elapsed = out["_elapsed"].to_numpy(dtype="float64")
    left = total - elapsed
    gap = target - actual
    with np.errstate(divide="ignore", invalid="ignore"):
        projected = np.where((state == "open") & (elapsed > 0), actual * total / elapsed, np.nan)
        trailing = np.where(n_trail != 0, trail / n_trail, np.nan)
        pa = np.where(target != 0, projected / target, np.nan)
        required = np.where(
            (state != "closed") & (left > 0) & ~np.isnan(actual), np.maximum(gap, 0) / left, np.nan
        )
        result = pd.DataFrame(
            {
                "period": out["period"],
                "metric": out["metric"],
                "scope": np.where(
                    out["_owner"] != NONE_KEY,
                    "rep",
                    np.where(out["_team"] != NONE_KEY, "team", "company"),
                ),
                "team": out["team"],
                "owner": out["owner"],
                "target": target,
                "actual": actual,
                "gap": gap,
                "attainment": np.where(target != 0, actual / target, np.nan),
                "projected": projected,
                "projected_attainment": pa,
                "required_per_business_day": required,
                "status": np.select(
                    [np.isnan(pa), pa >= 0.95, pa >= 0.85],
                    [None, "on track", "at risk"],
                    "off track",
                ),
                "trailing_average": trailing,
                "realism": np.where(trailing != 0, target / trailing, np.nan),
            }
        )
    rank = result["scope"].map({"company": 0, "team": 1, "rep": 2})
    result = result.assign(_rank=rank).sort_values(
        ["period", "metric", "_rank", "team", "owner"], na_position="first"
    )
    return result.drop(columns="_rank").reset_index(drop=True)


# -- cac ----------------------------------------------------------------------------------------


def _cac(leads: pd.DataFrame, costs: pd.DataFrame, day: dt.datetime) -> pd.DataFrame:
    cutoff = day + dt.timedelta(days=1)
    as_of_key = day.year * 12 + day.month - 1
    period = costs["period"]
    ck = period.str.slice(0, 4).astype("int64") * 12 + period.str.slice(5, 7).astype("int64") - 1
    c = costs.loc[ck <= as_of_key]
    amount = c["amount"].fillna(0.0)
    lines = pd.DataFrame(
        {
            "period": c["period"],
            "channel": c["channel"].fillna(NONE_KEY),
            "cost": amount,
            **{f"cost_{k}": amount.where(c["category"] == k, 0.0) for k in CATEGORIES},
            "cost_other": amount.where(~c["category"].isin(CATEGORIES), 0.0),
        }
    )
    lines = lines.groupby(["period", "channel"], as_index=False)[_COST].sum()
    blended = lines.groupby("period")[_COST].sum()
    shared = lines[lines["channel"] == NONE_KEY].set_index("period")[_COST]

    buyers = _first_sales(leads, cutoff)
    nc = (
        buyers.assign(
            period=_label(_mk(buyers["sale_at"])).to_numpy(),
            channel=buyers["source"].fillna("unknown"),
        )
        .groupby(["period", "channel"])
        .size()
        .rename("new_customers")
    )
    direct = lines[lines["channel"] != NONE_KEY].set_index(["period", "channel"])
    ch = direct.join(nc, how="outer").fillna({c: 0.0 for c in _COST} | {"new_customers": 0})
    ch = ch[ch.index.get_level_values("period").isin(blended.index)].reset_index()
    total = ch.groupby("period")["new_customers"].transform("sum")
    share = (ch["new_customers"] / total).where(total > 0, 0.0)
    sh = shared.reindex(ch["period"]).fillna(0.0).to_numpy()
    ch[_COST] = ch[_COST].to_numpy() + share.to_numpy()[:, None] * sh
    bl = blended.join(nc.groupby("period").sum()).fillna({"new_customers": 0}).reset_index()
    bl["channel"] = None
    out = pd.concat([bl, ch], ignore_index=True)
    out["new_customers"] = out["new_customers"].astype("int64")
    ok = out["new_customers"] != 0
    out["cac"] = (out["cost"] / out["new_customers"]).where(ok)
    out["cac_note"] = pd.Series(NO_CUSTOMER, index=out.index).where(~ok)
    out = out.sort_values(["period", "channel"], na_position="first").reset_index(drop=True)
    cols = ["period", "channel", "cost", "new_customers", "cac", "cac_note", *_COST[1:]]
    return out[cols]


def cac(t: dict) -> pd.DataFrame:
    leads = t["leads"]
    return _cac(leads, t["costs"], _day([(leads, _dates(leads))]))


# -- cohort value and payback -------------------------------------------------------------------


def _cohorts(leads: pd.DataFrame, day: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The buyers (customer_id, _c: the month key of their first sale) and the grid of
    every cohort's months up to *day* (_c, customers, months_since)."""
    cutoff = day + dt.timedelta(days=1)
    as_of_key = day.year * 12 + day.month - 1
    buyers = _first_sales(leads, cutoff)
    buyers = pd.DataFrame({"customer_id": buyers["customer_id"], "_c": _mk(buyers["sale_at"])})
    cohorts = buyers.groupby("_c").size().rename("customers").reset_index()
    span = as_of_key - cohorts["_c"].to_numpy() + 1
    grid = pd.DataFrame(
        {
            "_c": np.repeat(cohorts["_c"].to_numpy(), span),
            "customers": np.repeat(cohorts["customers"].to_numpy(), span),
            "months_since": np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span),
        }
    )
    return buyers, grid


def _orders_since(orders: pd.DataFrame, buyers: pd.DataFrame, cutoff: dt.datetime) -> pd.DataFrame:
    """The buyers' orders before *cutoff* with their cohort (_c) and months_since it."""
    o = orders.loc[
        (orders["order_date"] < cutoff) & orders["customer_id"].notna(),
        ["customer_id", "order_date", "gross_margin"],
    ]
    o = o.merge(buyers, on="customer_id")
    o["months_since"] = np.maximum(_mk(o["order_date"]) - o["_c"], 0)
    return o


def _cohort_value(leads: pd.DataFrame, orders: pd.DataFrame, day: dt.datetime) -> pd.DataFrame:
    buyers, grid = _cohorts(leads, day)
    o = _orders_since(orders, buyers, day + dt.timedelta(days=1))
    margins = o.groupby(["_c", "months_since"])["gross_margin"].sum().rename("_m")
    out = grid.join(margins, on=["_c", "months_since"])
    out["margin_per_customer"] = out["_m"].fillna(0.0) / out["customers"]
    out["cumulative_margin_per_customer"] = out.groupby("_c")["margin_per_customer"].cumsum()
    out["cohort"] = _label(out["_c"]).to_numpy()
    return out


def cohort_value(t: dict) -> pd.DataFrame:
    leads, orders = t["leads"], t["orders"]
    day = _day([(leads, _dates(leads)), (orders, ["order_date"])])
    out = _cohort_value(leads, orders, day)
    cols = ["cohort", "months_since", "customers", "margin_per_customer"]
    return out[[*cols, "cumulative_margin_per_customer"]]


def payback(t: dict) -> pd.DataFrame:
    leads, orders = t["leads"], t["orders"]
    day = _day([(leads, _dates(leads)), (orders, ["order_date"])])
    curve = _cohort_value(leads, orders, day)
    cacs = _cac(leads, t["costs"], day)
    cacs = cacs.loc[cacs["channel"].isna(), ["period", "cac"]].rename(columns={"period": "cohort"})
    rows = curve.merge(cacs, on="cohort", how="left")
    cum = rows["cumulative_margin_per_customer"]
    rows["_hit"] = rows["months_since"].where(rows["cac"].notna() & (cum >= rows["cac"]))
    g = rows.groupby("cohort")
    out = pd.DataFrame(
        {
            "customers": g["customers"].max(),
            "cac": g["cac"].max(),
            "payback_months": g["_hit"].min().astype("float64"),
            "months_observed": g["months_since"].max(),
            "clv": g["cumulative_margin_per_customer"].last(),
        }
    ).reset_index()
    cac_ = out["cac"]
    out["ltv_to_cac"] = (out["clv"] / cac_).where(cac_.notna() & (cac_ != 0))
    out["flag_ltv_to_cac"] = (out["ltv_to_cac"] < 3.0).where(out["ltv_to_cac"].notna(), False)
    pb = out["payback_months"]
    out["flag_payback"] = np.where(
        cac_.isna(), False, np.where(pb.notna(), pb > 12, out["months_observed"] > 12)
    )
    return out.astype({"flag_ltv_to_cac": bool, "flag_payback": bool})


# -- funnel -------------------------------------------------------------------------------------


Z = 1.959963984540054


def wilson(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of k successes in n trials (NaN where n = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = n.astype("float64")
        p = k / n
        z2 = Z * Z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = Z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        low = np.where(n > 0, np.maximum(centre - half, 0.0), np.nan)
        high = np.where(n > 0, np.minimum(centre + half, 1.0), np.nan)
    return low, high


def funnel(t: dict) -> pd.DataFrame:
    leads = t["leads"]
    day = _day([(leads, _dates(leads))])
    cutoff = day + dt.timedelta(days=1)
    cols = [f"{s}_at" for s in STAGES]
    alive = leads.loc[leads["lead_at"] < cutoff, ["source", *cols]]
    at = [alive[c].where(alive[c] < cutoff) for c in cols]
    reached = [at[-1].notna()]
    for a in reversed(at[:-1]):
        reached.insert(0, a.notna() | reached[0])
    parts = {"source": alive["source"]}
    parts |= {f"r{i}": r for i, r in enumerate(reached)}
    parts |= {f"d{i}": (at[i] - at[i - 1]).dt.total_seconds() for i in range(1, len(at))}
    g = pd.DataFrame(parts).groupby("source", dropna=False, sort=True)
    sums = g[[f"r{i}" for i in range(len(cols))]].sum()
    medians = g[[f"d{i}" for i in range(1, len(cols))]].median() * (1 / 86400)  # seconds to days
    r = sums.to_numpy(dtype="int64")  # sources x stages
    n_src, n_st = r.shape
    prev = np.concatenate([r[:, :1], r[:, :-1]], axis=1)
    lost = np.concatenate([r[:, :-1] - r[:, 1:], np.zeros((n_src, 1), dtype="int64")], axis=1)
    total_lost = lost.sum(axis=1, keepdims=True)
    low, high = wilson(r, prev)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "source": np.repeat(sums.index.to_numpy(dtype=object), n_st),
                "stage": np.tile(np.array(STAGES, dtype=object), n_src),
                "reached": r.ravel(),
                "step_conversion": np.where(prev > 0, r / prev, np.nan).ravel(),
                "overall_conversion": np.where(r[:, :1] > 0, r / r[:, :1], np.nan).ravel(),
                "lost": lost.ravel(),
                "lost_share": np.where(total_lost > 0, lost / total_lost, np.nan).ravel(),
                "ci_low": low.ravel(),
                "ci_high": high.ravel(),
                "median_days_from_previous": np.concatenate(
                    [np.full((n_src, 1), np.nan), medians.to_numpy(dtype="float64")], axis=1
                ).ravel(),
                "immature": np.zeros(n_src * n_st, dtype=bool),
            }
        )
    return out


__all__ = ["attainment", "cac", "cohort_value", "payback", "funnel", "month_key"]
