"""The five KPI tables in DuckDB SQL over in-memory tables (see :mod:`benchmarks.baselines`).

``t["con"]`` is a connection holding tables ``leads``, ``targets``, ``costs`` and
``orders``; each function returns an Arrow table. Scalars (the as-of day, the
business days of each target period) are computed in Python and inlined.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from benchmarks.baselines import CATEGORIES, NO_CUSTOMER, STAGES, TRAILING, as_of_day, paces

_COST = ["cost", *[f"cost_{c}" for c in CATEGORIES], "cost_other"]


def _mk(col: str) -> str:
    return f"(year({col}) * 12 + month({col}) - 1)"


def _ts(value: dt.datetime) -> str:
    return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"


def _day(con, dates: list[str], with_orders: bool) -> dt.datetime:
    parts = [f"(SELECT max({c}) FROM leads)" for c in dates]
    if with_orders:
        parts.append("(SELECT max(order_date) FROM orders)")
    return as_of_day(con.sql(f"SELECT greatest({', '.join(parts)})").fetchall()[0][0])


def _dates(con) -> list[str]:
    return [c for c in con.table("leads").columns if c.endswith("_at")]


def _first_sales(cutoff: str) -> str:
    """CTE body: one row per customer, its first sale before cutoff (ties: lowest lead_id)."""
    return f"""
        SELECT customer_id, sale_at, source, team, owner FROM leads
        WHERE sale_at < {cutoff} AND lead_at < {cutoff} AND customer_id IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY sale_at, lead_id) = 1"""


# -- attainment ---------------------------------------------------------------------------------


def attainment(t: dict) -> pa.Table:
    con = t["con"]
    dates = _dates(con)
    first_key, latest = con.sql(
        f"SELECT {_mk('min(lead_at)')}, greatest({', '.join(f'max({c})' for c in dates)}) FROM leads"
    ).fetchall()[0]
    day = as_of_day(latest)
    cutoff = _ts(day + dt.timedelta(days=1))
    events = []
    for stage in STAGES:
        col = f"{stage}_at"
        where = f"FROM l WHERE {col} < {cutoff} GROUP BY ALL"
        events.append(
            f"SELECT '{stage}s' AS metric, {_mk(col)} AS mk, team, owner, count(*)::DOUBLE AS value {where}"
        )
        if stage == "sale":
            events.append(
                f"SELECT 'revenue', {_mk(col)}, team, owner, coalesce(sum(amount), 0) {where}"
            )
    events.append(
        f"SELECT 'new_customers', {_mk('sale_at')}, team, owner, count(*)::DOUBLE FROM fs GROUP BY ALL"
    )
    scopes = con.sql("SELECT DISTINCT team IS NOT NULL, owner IS NOT NULL FROM targets").fetchall()
    levels = []
    for has_team, has_owner in scopes:
        keys = ["team"] * has_team + ["owner"] * has_owner
        where = " AND ".join(f"{k} IS NOT NULL" for k in keys) or "TRUE"
        levels.append(
            f"SELECT metric, mk, {'team' if has_team else chr(39) * 2} AS _team, "
            f"{'owner' if has_owner else chr(39) * 2} AS _owner, sum(value) AS value "
            f"FROM ev WHERE {where} GROUP BY ALL"
        )
    labels = [
        r[0]
        for r in con.sql("SELECT DISTINCT period FROM targets WHERE period IS NOT NULL").fetchall()
    ]
    pace = paces(labels, day)
    rows = ", ".join(
        f"('{k}', {p.key}, '{p.state}', {p.total}.0, {p.elapsed}.0)" for k, p in pace.items()
    )
    measurable = "'leads', 'visits', 'offers', 'sales', 'revenue', 'new_customers'"
    query = f"""
    WITH l AS (SELECT * FROM leads WHERE lead_at < {cutoff}),
    fs AS ({_first_sales(cutoff)}),
    ev AS ({" UNION ALL ".join(events)}),
    lv AS ({" UNION ALL ".join(levels)}),
    pc(period, key, state, total, elapsed) AS (VALUES {rows}),
    tg AS (
        SELECT t.period, t.metric, t.team, t.owner, t.target, coalesce(t.team, '') AS _team,
               coalesce(t.owner, '') AS _owner, pc.key, pc.state, pc.total, pc.elapsed
        FROM targets t LEFT JOIN pc USING (period)
    ),
    j AS (
        SELECT tg.period, tg.metric, tg.team, tg.owner, tg._team, tg._owner, tg.state, tg.total,
               tg.elapsed, max(tg.target) AS target,
               coalesce(sum(lv.value) FILTER (WHERE lv.mk = tg.key), 0) AS v0,
               coalesce(sum(lv.value) FILTER (WHERE lv.mk < tg.key AND lv.mk >= {first_key}), 0) AS trail,
               least({TRAILING}, greatest(0, any_value(tg.key) - {first_key}))::DOUBLE AS ntrail
        FROM tg LEFT JOIN lv ON lv.metric = tg.metric AND lv._team = tg._team
            AND lv._owner = tg._owner AND lv.mk BETWEEN tg.key - {TRAILING} AND tg.key
        GROUP BY tg.period, tg.metric, tg.team, tg.owner, tg._team, tg._owner, tg.state,
                 tg.total, tg.elapsed, tg.key
    ),
    a AS (
        SELECT *, CASE WHEN metric IN ({measurable}) THEN v0 END AS actual,
               CASE WHEN ntrail <> 0 THEN trail / ntrail END AS trailing_average,
               total - elapsed AS left_days
        FROM j
    ),
    b AS (
        SELECT *, target - actual AS gap,
               CASE WHEN state = 'open' AND elapsed > 0 THEN actual * total / elapsed END AS projected
        FROM a
    ),
    c AS (
        SELECT *, CASE WHEN target <> 0 THEN projected / target END AS projected_attainment
        FROM b
    )
    SELECT period, metric,
           CASE WHEN _owner <> '' THEN 'rep' WHEN _team <> '' THEN 'team' ELSE 'company' END AS scope,
           team, owner, target, actual, gap,
           CASE WHEN target <> 0 THEN actual / target END AS attainment,
           projected, projected_attainment,
           CASE WHEN state <> 'closed' AND left_days > 0 AND actual IS NOT NULL
                THEN greatest(gap, 0) / left_days END AS required_per_business_day,
           CASE WHEN projected_attainment IS NULL OR isnan(projected_attainment) THEN NULL
                WHEN projected_attainment >= 0.95 THEN 'on track'
                WHEN projected_attainment >= 0.85 THEN 'at risk' ELSE 'off track' END AS status,
           trailing_average,
           CASE WHEN trailing_average <> 0 THEN target / trailing_average END AS realism
    FROM c
    ORDER BY period, metric,
             CASE WHEN _owner <> '' THEN 2 WHEN _team <> '' THEN 1 ELSE 0 END,
             team NULLS FIRST, owner NULLS FIRST
    """
    return con.sql(query).to_arrow_table()


# -- cac ----------------------------------------------------------------------------------------


def _cac_ctes(day: dt.datetime) -> str:
    """CTEs ending in ``cac_out`` (period, channel, costs..., new_customers)."""
    cutoff = _ts(day + dt.timedelta(days=1))
    as_of_key = day.year * 12 + day.month - 1
    cats = ", ".join(
        f"coalesce(sum(amount) FILTER (WHERE category = '{c}'), 0) AS cost_{c}" for c in CATEGORIES
    )
    known = ", ".join(f"'{c}'" for c in CATEGORIES)
    sums = ", ".join(f"sum({c}) AS {c}" for c in _COST)
    alloc = ", ".join(f"ch.{c} + ch.share * coalesce(s.{c}, 0) AS {c}" for c in _COST)
    direct = ", ".join(f"coalesce(d.{c}, 0) AS {c}" for c in _COST)
    return f"""
    c AS (
        SELECT period, coalesce(channel, '') AS channel, category, coalesce(amount, 0) AS amount
        FROM costs
        WHERE CAST(substr(period, 1, 4) AS INT) * 12 + CAST(substr(period, 6, 2) AS INT) - 1 <= {as_of_key}
    ),
    lines AS (
        SELECT period, channel, sum(amount) AS cost, {cats},
               coalesce(sum(amount) FILTER (WHERE category NOT IN ({known})), 0) AS cost_other
        FROM c GROUP BY period, channel
    ),
    blended AS (SELECT period, {sums} FROM lines GROUP BY period),
    fs AS ({_first_sales(cutoff)}),
    nc AS (
        SELECT strftime(sale_at, '%Y-%m') AS period, coalesce(source, 'unknown') AS channel,
               count(*) AS new_customers
        FROM fs GROUP BY ALL
    ),
    ch0 AS (
        SELECT coalesce(d.period, n.period) AS period, coalesce(d.channel, n.channel) AS channel,
               {direct}, coalesce(n.new_customers, 0) AS new_customers
        FROM (SELECT * FROM lines WHERE channel <> '') d
        FULL JOIN nc n ON d.period = n.period AND d.channel = n.channel
    ),
    ch AS (
        SELECT *, CASE WHEN sum(new_customers) OVER w > 0
                       THEN new_customers / sum(new_customers) OVER w ELSE 0 END AS share
        FROM ch0 WHERE period IN (SELECT period FROM blended)
        WINDOW w AS (PARTITION BY period)
    ),
    cac_out AS (
        SELECT b.*, NULL::VARCHAR AS channel, coalesce(n.new_customers, 0) AS new_customers
        FROM blended b
        LEFT JOIN (SELECT period, sum(new_customers) AS new_customers FROM nc GROUP BY period) n
        USING (period)
        UNION ALL BY NAME
        SELECT ch.period, ch.channel, {alloc}, ch.new_customers
        FROM ch LEFT JOIN (SELECT * FROM lines WHERE channel = '') s USING (period)
    )"""


def _cac_select() -> str:
    return f"""
    SELECT period, channel, cost, new_customers::BIGINT AS new_customers,
           CASE WHEN new_customers <> 0 THEN cost / new_customers END AS cac,
           CASE WHEN new_customers = 0 THEN '{NO_CUSTOMER}' END AS cac_note,
           {", ".join(_COST[1:])}
    FROM cac_out"""


def cac(t: dict) -> pa.Table:
    con = t["con"]
    day = _day(con, _dates(con), with_orders=False)
    query = f"WITH {_cac_ctes(day)} {_cac_select()} ORDER BY period, channel NULLS FIRST"
    return con.sql(query).to_arrow_table()


# -- cohort value and payback -------------------------------------------------------------------


def _curve_ctes(day: dt.datetime) -> str:
    """CTEs ending in ``curve`` (c, cohort, months_since, customers, margins)."""
    cutoff = _ts(day + dt.timedelta(days=1))
    as_of_key = day.year * 12 + day.month - 1
    return f"""
    buyers AS (
        SELECT customer_id, {_mk("sale_at")} AS c FROM ({_first_sales(cutoff)})
    ),
    cohorts AS (SELECT c, count(*) AS customers FROM buyers GROUP BY c),
    grid AS (
        SELECT c, customers, unnest(range(0, {as_of_key} - c + 1)) AS months_since FROM cohorts
    ),
    margins AS (
        SELECT b.c, greatest({_mk("o.order_date")} - b.c, 0) AS months_since,
               sum(o.gross_margin) AS m
        FROM orders o JOIN buyers b USING (customer_id)
        WHERE o.order_date < {cutoff}
        GROUP BY ALL
    ),
    curve AS (
        SELECT c, printf('%04d-%02d', c // 12, c % 12 + 1) AS cohort, months_since, customers,
               coalesce(m, 0) / customers AS margin_per_customer,
               sum(coalesce(m, 0) / customers) OVER (PARTITION BY c ORDER BY months_since)
                   AS cumulative_margin_per_customer
        FROM grid LEFT JOIN margins USING (c, months_since)
    )"""


def cohort_value(t: dict) -> pa.Table:
    con = t["con"]
    day = _day(con, _dates(con), with_orders=True)
    query = f"""WITH {_curve_ctes(day)}
    SELECT cohort, months_since, customers, margin_per_customer, cumulative_margin_per_customer
    FROM curve ORDER BY c, months_since"""
    return con.sql(query).to_arrow_table()


def payback(t: dict) -> pa.Table:
    con = t["con"]
    day = _day(con, _dates(con), with_orders=True)
    query = f"""WITH {_curve_ctes(day)}, {_cac_ctes(day)},
    cacs AS (
        SELECT period AS cohort, CASE WHEN new_customers <> 0 THEN cost / new_customers END AS cac
        FROM cac_out WHERE channel IS NULL
    ),
    p AS (
        SELECT cohort, max(customers) AS customers, max(cac) AS cac,
               min(months_since) FILTER (WHERE cac IS NOT NULL
                   AND cumulative_margin_per_customer >= cac)::DOUBLE AS payback_months,
               max(months_since) AS months_observed,
               arg_max(cumulative_margin_per_customer, months_since) AS clv
        FROM curve LEFT JOIN cacs USING (cohort)
        GROUP BY cohort
    ),
    q AS (SELECT *, CASE WHEN cac <> 0 THEN clv / cac END AS ltv_to_cac FROM p)
    SELECT cohort, customers, cac, payback_months, months_observed, clv, ltv_to_cac,
           coalesce(ltv_to_cac < 3.0, false) AS flag_ltv_to_cac,
           CASE WHEN cac IS NULL THEN false
                WHEN payback_months IS NOT NULL THEN payback_months > 12
                ELSE months_observed > 12 END AS flag_payback
    FROM q ORDER BY cohort"""
    return con.sql(query).to_arrow_table()


# -- funnel -------------------------------------------------------------------------------------


Z = 1.959963984540054


def funnel(t: dict) -> pa.Table:
    con = t["con"]
    day = _day(con, _dates(con), with_orders=False)
    cutoff = _ts(day + dt.timedelta(days=1))
    cols = [f"{s}_at" for s in STAGES]
    censored = ", ".join(f"CASE WHEN {c} < {cutoff} THEN {c} END AS {c}" for c in cols)
    reached = []
    for i in range(len(cols)):
        cond = " OR ".join(f"{c} IS NOT NULL" for c in cols[i:])
        reached.append(f"count(*) FILTER (WHERE {cond}) AS r{i}")
    medians = [
        f"median((epoch_us({c}) - epoch_us({p})) / 1e6) * (1 / 86400::DOUBLE) AS d{i}"
        for i, (p, c) in enumerate(zip(cols, cols[1:], strict=False), 1)
    ]
    last = len(cols) - 1
    blocks = [
        f"SELECT source, '{stage}' AS stage, {i} AS i, r{i} AS reached, r{max(i - 1, 0)} AS prev, "
        f"{f'r{i} - r{i + 1}' if i < last else '0'} AS lost, r0 AS first, "
        f"{f'd{i}' if i else 'NULL::DOUBLE'} AS median_days_from_previous FROM wide"
        for i, stage in enumerate(STAGES)
    ]
    z2 = Z * Z
    query = f"""
    WITH l AS (SELECT source, {censored} FROM leads WHERE lead_at < {cutoff}),
    wide AS (SELECT source, {", ".join(reached + medians)} FROM l GROUP BY source),
    long AS ({" UNION ALL ".join(blocks)}),
    w AS (
        SELECT *, reached / prev AS p, prev::DOUBLE AS n, sum(lost) OVER (PARTITION BY source) AS lost_all
        FROM long
    ),
    ci AS (
        SELECT *, (p + {z2} / (2 * n)) / (1 + {z2} / n) AS centre,
               {Z} / (1 + {z2} / n) * sqrt(p * (1 - p) / n + {z2} / (4 * n * n)) AS half
        FROM w WHERE n > 0
        UNION ALL BY NAME SELECT *, NULL AS centre, NULL AS half FROM w WHERE NOT n > 0
    )
    SELECT source, stage, reached::BIGINT AS reached,
           CASE WHEN n > 0 THEN p END AS step_conversion,
           CASE WHEN first > 0 THEN reached / first END AS overall_conversion,
           lost::BIGINT AS lost,
           CASE WHEN lost_all > 0 THEN lost / lost_all END AS lost_share,
           CASE WHEN n > 0 THEN greatest(centre - half, 0) END AS ci_low,
           CASE WHEN n > 0 THEN least(centre + half, 1) END AS ci_high,
           median_days_from_previous, false AS immature
    FROM ci ORDER BY source NULLS FIRST, i
    """
    return con.sql(query).to_arrow_table()
