"""The five KPI tables in idiomatic polars, lazy queries (see :mod:`benchmarks.baselines`)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from benchmarks.baselines import (
    CATEGORIES,
    NO_CUSTOMER,
    NONE_KEY,
    STAGES,
    TRAILING,
    as_of_day,
    paces,
)

_COST = ["cost", *[f"cost_{c}" for c in CATEGORIES], "cost_other"]


def _mk(col: str | pl.Expr) -> pl.Expr:
    e = pl.col(col) if isinstance(col, str) else col
    return e.dt.year().cast(pl.Int64) * 12 + e.dt.month().cast(pl.Int64) - 1


def _label(key: pl.Expr) -> pl.Expr:
    return pl.date(key // 12, key % 12 + 1, 1).dt.strftime("%Y-%m")


def _latest(frames: list[tuple[pl.DataFrame, list[str]]]) -> dt.datetime:
    return as_of_day(
        max(f.select(pl.max_horizontal(pl.col(cols).max())).item() for f, cols in frames)
    )


def _dates(leads: pl.DataFrame) -> list[str]:
    return [c for c in leads.columns if c.endswith("_at")]


def _first_sales(leads: pl.LazyFrame, cutoff: dt.datetime) -> pl.LazyFrame:
    return (
        leads.filter(
            pl.col("sale_at") < cutoff,
            pl.col("lead_at") < cutoff,
            pl.col("customer_id").is_not_null(),
        )
        .select("customer_id", "sale_at", "lead_id", "source", "team", "owner")
        .sort("sale_at", "lead_id")
        .unique("customer_id", keep="first", maintain_order=True)
    )


# -- attainment ---------------------------------------------------------------------------------


def attainment(t: dict) -> pl.DataFrame:
    leads, targets = t["leads"], t["targets"]
    dates = _dates(leads)
    first_key, latest = leads.select(
        _mk(pl.col("lead_at").min()).alias("first"),
        pl.max_horizontal(pl.col(dates).max()).alias("latest"),
    ).row(0)
    day = as_of_day(latest)
    cutoff = day + dt.timedelta(days=1)
    lf = leads.lazy().filter(pl.col("lead_at") < cutoff)

    parts = []
    for stage in STAGES:
        col = f"{stage}_at"
        g = lf.filter(pl.col(col) < cutoff).group_by(_mk(col).alias("_mk"), "team", "owner")
        parts.append(
            g.agg(pl.len().cast(pl.Float64).alias("value")).with_columns(metric=pl.lit(f"{stage}s"))
        )
        if stage == "sale":
            parts.append(
                g.agg(pl.col("amount").sum().alias("value")).with_columns(metric=pl.lit("revenue"))
            )
    new = _first_sales(lf, cutoff).group_by(_mk("sale_at").alias("_mk"), "team", "owner")
    parts.append(
        new.agg(pl.len().cast(pl.Float64).alias("value")).with_columns(
            metric=pl.lit("new_customers")
        )
    )
    cols = ["metric", "_mk", "team", "owner", "value"]
    monthly = pl.concat([p.select(cols) for p in parts])

    tg = targets.lazy().with_columns(
        _team=pl.col("team").fill_null(NONE_KEY), _owner=pl.col("owner").fill_null(NONE_KEY)
    )
    scopes = (
        targets.select(
            pl.col("team").is_not_null().alias("t"), pl.col("owner").is_not_null().alias("o")
        )
        .unique()
        .rows()
    )
    levels = []
    for has_team, has_owner in scopes:
        keys = ["team"] * has_team + ["owner"] * has_owner
        rows = monthly.drop_nulls(keys) if keys else monthly
        levels.append(
            rows.group_by("metric", "_mk", *keys)
            .agg(pl.col("value").sum())
            .select(
                "metric",
                "_mk",
                (pl.col("team") if has_team else pl.lit(NONE_KEY)).alias("_team"),
                (pl.col("owner") if has_owner else pl.lit(NONE_KEY)).alias("_owner"),
                "value",
            )
        )
    level = pl.concat(levels)

    pace = paces(targets.get_column("period").drop_nulls().unique().to_list(), day)
    info = pl.LazyFrame(
        {
            "period": list(pace),
            "_key": [p.key for p in pace.values()],
            "_state": [p.state for p in pace.values()],
            "_total": [float(p.total) for p in pace.values()],
            "_elapsed": [float(p.elapsed) for p in pace.values()],
        }
    )
    out = tg.join(info, on="period", how="left")
    key = ["metric", "_team", "_owner", "_mk"]
    trail = []
    for k in range(TRAILING + 1):
        v = level.rename({"_mk": f"_m{k}", "value": f"_v{k}"})
        out = out.with_columns((pl.col("_key") - k).alias(f"_m{k}")).join(
            v, on=[*key[:3], f"_m{k}"], how="left", nulls_equal=False
        )
        if k:
            trail.append(pl.col(f"_m{k}") >= first_key)
    measurable = ["leads", "visits", "offers", "sales", "revenue", "new_customers"]
    out = out.with_columns(
        actual=pl.when(pl.col("metric").is_in(measurable)).then(pl.col("_v0").fill_null(0.0)),
        _trail=pl.sum_horizontal(
            pl.when(ok).then(pl.col(f"_v{k}").fill_null(0.0)).otherwise(0.0)
            for k, ok in enumerate(trail, 1)
        ),
        _ntrail=pl.sum_horizontal(ok.cast(pl.Float64) for ok in trail),
    )
    target, actual = pl.col("target"), pl.col("actual")
    state, total, elapsed = pl.col("_state"), pl.col("_total"), pl.col("_elapsed")
    out = out.with_columns(
        gap=target - actual,
        attainment=pl.when(target != 0).then(actual / target),
        projected=pl.when((state == "open") & (elapsed > 0)).then(actual * total / elapsed),
        trailing_average=pl.when(pl.col("_ntrail") != 0).then(pl.col("_trail") / pl.col("_ntrail")),
        _left=total - elapsed,
    ).with_columns(
        projected_attainment=pl.when(target != 0).then(pl.col("projected") / target),
        required_per_business_day=pl.when(
            (state != "closed") & (pl.col("_left") > 0) & actual.is_not_null()
        ).then(pl.max_horizontal(pl.col("gap"), 0.0) / pl.col("_left")),
        realism=pl.when(pl.col("trailing_average") != 0).then(target / pl.col("trailing_average")),
        _rank=pl.when(pl.col("_owner") != NONE_KEY)
        .then(2)
        .when(pl.col("_team") != NONE_KEY)
        .then(1)
        .otherwise(0),
    )
    pa = pl.col("projected_attainment")
    out = out.with_columns(
        scope=pl.col("_rank").replace_strict([0, 1, 2], ["company", "team", "rep"]),
        status=pl.when(pa.is_null() | pa.is_nan())
        .then(None)
        .when(pa >= 0.95)
        .then(pl.lit("on track"))
        .when(pa >= 0.85)
        .then(pl.lit("at risk"))
        .otherwise(pl.lit("off track")),
    )
    return (
        out.sort("period", "metric", "_rank", "team", "owner", nulls_last=False)
        .select(
            "period",
            "metric",
            "scope",
            "team",
            "owner",
            "target",
            "actual",
            "gap",
            "attainment",
            "projected",
            "projected_attainment",
            "required_per_business_day",
            "status",
            "trailing_average",
            "realism",
        )
        .collect()
    )


# -- cac ----------------------------------------------------------------------------------------


def _cac(leads: pl.LazyFrame, costs: pl.LazyFrame, day: dt.datetime) -> pl.LazyFrame:
    cutoff = day + dt.timedelta(days=1)
    as_of_key = day.year * 12 + day.month - 1
    period_key = (
        pl.col("period").str.slice(0, 4).cast(pl.Int64) * 12
        + pl.col("period").str.slice(5, 2).cast(pl.Int64)
        - 1
    )
    amount = pl.col("amount").fill_null(0.0)
    lines = (
        costs.filter(period_key <= as_of_key)
        .group_by("period", pl.col("channel").fill_null(NONE_KEY))
        .agg(
            amount.sum().alias("cost"),
            *[amount.filter(pl.col("category") == c).sum().alias(f"cost_{c}") for c in CATEGORIES],
            amount.filter(~pl.col("category").is_in(CATEGORIES)).sum().alias("cost_other"),
        )
    )
    blended = lines.group_by("period").agg(pl.col(_COST).sum())
    shared = lines.filter(pl.col("channel") == NONE_KEY).select(
        "period", *[pl.col(c).alias(f"_s{c}") for c in _COST]
    )
    nc = (
        _first_sales(leads, cutoff)
        .group_by(
            _label(_mk("sale_at")).alias("period"),
            pl.col("source").fill_null("unknown").alias("channel"),
        )
        .agg(pl.len().alias("new_customers"))
    )
    ch = (
        lines.filter(pl.col("channel") != NONE_KEY)
        .join(nc, on=["period", "channel"], how="full", coalesce=True)
        .join(blended.select("period"), on="period", how="semi")
        .join(shared, on="period", how="left")
        .with_columns(pl.col(_COST).fill_null(0.0), pl.col("new_customers").fill_null(0))
    )
    total = pl.col("new_customers").sum().over("period")
    share = pl.when(total > 0).then(pl.col("new_customers") / total).otherwise(0.0)
    ch = ch.with_columns(pl.col(c) + share * pl.col(f"_s{c}").fill_null(0.0) for c in _COST)
    bl = blended.join(
        nc.group_by("period").agg(pl.col("new_customers").sum()), on="period", how="left"
    ).with_columns(pl.lit(None, pl.String).alias("channel"), pl.col("new_customers").fill_null(0))
    cols = ["period", "channel", *_COST, "new_customers"]
    out = pl.concat([bl.select(cols), ch.select(cols)]).with_columns(
        pl.col("new_customers").cast(pl.Int64)
    )
    nz = pl.col("new_customers") != 0
    return (
        out.with_columns(
            cac=pl.when(nz).then(pl.col("cost") / pl.col("new_customers")),
            cac_note=pl.when(~nz).then(pl.lit(NO_CUSTOMER)),
        )
        .sort("period", "channel", nulls_last=False)
        .select("period", "channel", "cost", "new_customers", "cac", "cac_note", *_COST[1:])
    )


def cac(t: dict) -> pl.DataFrame:
    leads = t["leads"]
    day = _latest([(leads, _dates(leads))])
    return _cac(leads.lazy(), t["costs"].lazy(), day).collect()


# -- cohort value and payback -------------------------------------------------------------------


def _cohorts(leads: pl.LazyFrame, day: dt.datetime) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Each customer's cohort (customer_id, _c), and every cohort's months since up to
    as_of with its customers (_c, customers, months_since)."""
    cutoff = day + dt.timedelta(days=1)
    as_of_key = day.year * 12 + day.month - 1
    buyers = _first_sales(leads, cutoff).select("customer_id", _mk("sale_at").alias("_c"))
    grid = (
        buyers.group_by("_c")
        .agg(pl.len().alias("customers"))
        .with_columns(months_since=pl.int_ranges(0, as_of_key - pl.col("_c") + 1))
        .explode("months_since")
    )
    return buyers, grid


def _cohort_value(leads: pl.LazyFrame, orders: pl.LazyFrame, day: dt.datetime) -> pl.LazyFrame:
    cutoff = day + dt.timedelta(days=1)
    buyers, grid = _cohorts(leads, day)
    margins = (
        orders.filter(pl.col("order_date") < cutoff, pl.col("customer_id").is_not_null())
        .join(buyers, on="customer_id")
        .group_by(
            "_c", pl.max_horizontal(_mk("order_date") - pl.col("_c"), 0).alias("months_since")
        )
        .agg(pl.col("gross_margin").sum().alias("_m"))
    )
    return (
        grid.join(margins, on=["_c", "months_since"], how="left")
        .with_columns(margin_per_customer=pl.col("_m").fill_null(0.0) / pl.col("customers"))
        .sort("_c", "months_since")
        .with_columns(
            cohort=_label(pl.col("_c")),
            cumulative_margin_per_customer=pl.col("margin_per_customer").cum_sum().over("_c"),
        )
    )


def cohort_value(t: dict) -> pl.DataFrame:
    leads, orders = t["leads"], t["orders"]
    day = _latest([(leads, _dates(leads)), (orders, ["order_date"])])
    return (
        _cohort_value(leads.lazy(), orders.lazy(), day)
        .select(
            "cohort",
            pl.col("months_since").cast(pl.Int64),
            pl.col("customers").cast(pl.Int64),
            "margin_per_customer",
            "cumulative_margin_per_customer",
        )
        .collect()
    )


def payback(t: dict) -> pl.DataFrame:
    leads, orders = t["leads"], t["orders"]
    day = _latest([(leads, _dates(leads)), (orders, ["order_date"])])
    lf = leads.lazy()
    curve = _cohort_value(lf, orders.lazy(), day)
    cacs = (
        _cac(lf, t["costs"].lazy(), day)
        .filter(pl.col("channel").is_null())
        .select(pl.col("period").alias("cohort"), "cac")
    )
    cum = pl.col("cumulative_margin_per_customer")
    out = (
        curve.join(cacs, on="cohort", how="left")
        .group_by("cohort")
        .agg(
            pl.col("customers").max().cast(pl.Int64),
            pl.col("cac").max(),
            pl.col("months_since")
            .filter(pl.col("cac").is_not_null() & (cum >= pl.col("cac")))
            .min()
            .cast(pl.Float64)
            .alias("payback_months"),
            pl.col("months_since").max().cast(pl.Int64).alias("months_observed"),
            cum.sort_by("months_since").last().alias("clv"),
        )
    )
    pb, cac_ = pl.col("payback_months"), pl.col("cac")
    out = out.with_columns(ltv_to_cac=pl.when(cac_ != 0).then(pl.col("clv") / cac_)).with_columns(
        flag_ltv_to_cac=(pl.col("ltv_to_cac") < 3.0).fill_null(False),
        flag_payback=pl.when(cac_.is_null())
        .then(False)
        .when(pb.is_not_null())
        .then(pb > 12)
        .otherwise(pl.col("months_observed") > 12),
    )
    return out.sort("cohort").collect()


# -- funnel -------------------------------------------------------------------------------------


Z = 1.959963984540054


def funnel(t: dict) -> pl.DataFrame:
    leads = t["leads"]
    day = _latest([(leads, _dates(leads))])
    cutoff = day + dt.timedelta(days=1)
    cols = [f"{s}_at" for s in STAGES]
    at = [pl.when(pl.col(c) < cutoff).then(pl.col(c)) for c in cols]
    reached = [at[-1].is_not_null()]
    for a in reversed(at[:-1]):
        reached.insert(0, a.is_not_null() | reached[0])
    wide = (
        leads.lazy()
        .filter(pl.col("lead_at") < cutoff)
        .group_by("source")
        .agg(
            *[r.sum().alias(f"r{i}") for i, r in enumerate(reached)],
            *[
                ((at[i] - at[i - 1]).dt.total_microseconds() / 1e6)
                .median()
                .mul(1 / 86_400)
                .alias(f"d{i}")
                for i in range(1, len(cols))
            ],
        )
    )
    last = len(cols) - 1
    blocks = [
        wide.select(
            "source",
            pl.lit(stage).alias("stage"),
            pl.lit(i).alias("_i"),
            pl.col(f"r{i}").cast(pl.Int64).alias("reached"),
            pl.col(f"r{max(i - 1, 0)}").cast(pl.Int64).alias("_prev"),
            (pl.col(f"r{i}") - pl.col(f"r{i + 1}") if i < last else pl.lit(0))
            .cast(pl.Int64)
            .alias("lost"),
            pl.col("r0").cast(pl.Int64).alias("_first"),
            (pl.col(f"d{i}") if i else pl.lit(None, pl.Float64)).alias("median_days_from_previous"),
        )
        for i, stage in enumerate(STAGES)
    ]
    k, n = pl.col("reached"), pl.col("_prev").cast(pl.Float64)
    p = k / n
    z2 = Z * Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
    lost_all = pl.col("lost").sum().over("source")
    return (
        pl.concat(blocks)
        .with_columns(
            step_conversion=pl.when(n > 0).then(p),
            overall_conversion=pl.when(pl.col("_first") > 0).then(k / pl.col("_first")),
            lost_share=pl.when(lost_all > 0).then(pl.col("lost") / lost_all),
            ci_low=pl.when(n > 0).then(pl.max_horizontal(centre - half, 0.0)),
            ci_high=pl.when(n > 0).then(pl.min_horizontal(centre + half, 1.0)),
            immature=pl.lit(False),
        )
        .sort("source", "_i", nulls_last=False)
        .select(
            "source",
            "stage",
            "reached",
            "step_conversion",
            "overall_conversion",
            "lost",
            "lost_share",
            "ci_low",
            "ci_high",
            "median_days_from_previous",
            "immature",
        )
        .collect()
    )
