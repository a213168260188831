"""Retention, coaching, sales cycle and forecast in DuckDB SQL (see :mod:`benchmarks.baselines`).

The four tables ``kpi kpis`` computes besides the five of
:mod:`benchmarks.hand_duckdb`, for the month ``t["period"]`` with the conversion
window ``t["window"]`` (days), as a user who knows DuckDB would write them: SQL
for everything that reads the leads and orders, pandas and scipy for the
coaching table's few thousand rows (:func:`benchmarks.baselines.coaching`).
The forecast is written for a closed month only (the benchmark's): empty.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa

from benchmarks import baselines as B
from benchmarks.hand_duckdb import _curve_ctes, _dates, _day, _mk, _ts


def retention(t: dict) -> pa.Table:
    con = t["con"]
    day = _day(con, _dates(con), with_orders=True)
    cutoff = _ts(day + dt.timedelta(days=1))
    as_of_key = day.year * 12 + day.month - 1
    month_open = (day + dt.timedelta(days=1)).month == day.month
    query = f"""WITH {_curve_ctes(day)},
    active AS (
        SELECT b.c, greatest({_mk("o.order_date")} - b.c, 0) AS months_since,
               count(DISTINCT o.customer_id) AS active
        FROM orders o JOIN buyers b USING (customer_id)
        WHERE o.order_date < {cutoff}
        GROUP BY ALL
    )
    SELECT printf('%04d-%02d', c // 12, c % 12 + 1) AS cohort, months_since, customers,
           coalesce(active, 0) AS active, coalesce(active, 0) / customers AS retention,
           c + months_since = {as_of_key} AND {month_open} AS partial
    FROM grid LEFT JOIN active USING (c, months_since)
    ORDER BY c, months_since"""
    return con.sql(query).to_arrow_table()


def coaching(t: dict) -> pa.Table:
    con, period, window = t["con"], t["period"], t["window"]
    day = _day(con, _dates(con), with_orders=True)
    cutoff = _ts(day + dt.timedelta(days=1))
    months = con.sql(
        f"SELECT {_mk('lead_at')} AS mk, max(lead_at) FROM leads WHERE lead_at < {cutoff} "
        "GROUP BY mk"
    ).fetchall()
    cohort = B.mature_cohort(months, period, day, window)
    start = dt.datetime(int(cohort[:4]), int(cohort[5:7]), 1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    later = [f"{s}_at" for s in B.STAGES[1:]]
    kept = ", ".join(
        f"CASE WHEN {c} < {cutoff} AND {c} <= lead_at + INTERVAL {window} DAY THEN {c} END AS {c}"
        for c in later
    )
    reached = [
        f"count(*) FILTER (WHERE {' OR '.join(f'{c} IS NOT NULL' for c in later[i:])}) AS r{i + 1}"
        for i in range(len(later))
    ]
    young = _ts(day + dt.timedelta(days=1) - dt.timedelta(days=window))
    counts = con.sql(
        f"""WITH l AS (
            SELECT coalesce(team, 'unknown') AS team, coalesce(owner, 'unknown') AS owner,
                   lead_at, {kept}
            FROM leads
            WHERE lead_at >= {_ts(start)} AND lead_at < {_ts(end)} AND lead_at < {cutoff}
        )
        SELECT team, owner, count(*) AS r0, {", ".join(reached)},
               count(*) FILTER (WHERE lead_at >= {young}) AS young
        FROM l GROUP BY ALL"""
    ).df()
    table = B.coaching(counts, cohort)
    return pa.Table.from_pandas(table, preserve_index=False)


def sales_cycle(t: dict) -> pa.Table:
    con, period, window = t["con"], t["period"], t["window"]
    day = _day(con, _dates(con), with_orders=True)
    cutoff = _ts(day + dt.timedelta(days=1))
    end = B.month_key(period)
    (first,) = con.sql("SELECT min(lead_at) FROM leads").fetchall()[0]
    query = f"""
    WITH s AS (
        SELECT {_mk("sale_at")} AS mk, coalesce(source, 'unknown') AS source,
               coalesce(team, 'unknown') AS team,
               (epoch_us(sale_at) - epoch_us(lead_at)) / 1e6 AS secs
        FROM leads
        WHERE lead_at < {cutoff} AND sale_at < {cutoff}
          AND {_mk("sale_at")} > {end - 12} AND {_mk("sale_at")} <= {end}
    )
    SELECT printf('%04d-%02d', mk // 12, mk % 12 + 1) AS month, source, team,
           count(*) AS sales, quantile_cont(secs, 0.5) * (1 / 86400::DOUBLE) AS median_days,
           round(quantile_cont(secs, 0.8)) * (1 / 86400::DOUBLE) AS p80_days, mk < {B.truncated_before(first, window)} AS truncated
    FROM s
    GROUP BY GROUPING SETS ((mk), (mk, source), (mk, team))
    ORDER BY CASE grouping(source, team) WHEN 3 THEN 0 WHEN 1 THEN 1 ELSE 2 END, mk, source, team"""
    return con.sql(query).to_arrow_table()


def forecast(t: dict) -> pa.Table:
    con, period = t["con"], t["period"]
    day = _day(con, _dates(con), with_orders=True)
    if B.paces([period], day)[period].state != "closed":
        raise NotImplementedError("the hand-written forecast covers a closed month only")
    empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in B.FORECAST_COLUMNS})
    return pa.Table.from_pandas(empty.astype({c: "str" for c in B.FORECAST_COLUMNS[:3]}))
