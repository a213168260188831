"""Retention, coaching, sales cycle and forecast in polars (see :mod:`benchmarks.baselines`).

The four tables ``kpi kpis`` computes besides the five of
:mod:`benchmarks.hand_polars`, for the month ``t["period"]`` with the conversion
window ``t["window"]`` (days), as a user who knows polars would write them: lazy
queries over the tables in memory, pandas and scipy for the coaching table's few
thousand rows (:func:`benchmarks.baselines.coaching`). The forecast is written
for a closed month only (the benchmark's): empty.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from benchmarks import baselines as B
from benchmarks.hand_polars import _cohorts, _dates, _label, _latest, _mk


def _day(t: dict) -> dt.datetime:
    return _latest([(t["leads"], _dates(t["leads"])), (t["orders"], ["order_date"])])


def retention(t: dict) -> pl.DataFrame:
    day = _day(t)
    cutoff = day + dt.timedelta(days=1)
    as_of_key = day.year * 12 + day.month - 1
    month_open = (day + dt.timedelta(days=1)).month == day.month
    buyers, grid = _cohorts(t["leads"].lazy(), day)
    active = (
        t["orders"]
        .lazy()
        .filter(pl.col("order_date") < cutoff, pl.col("customer_id").is_not_null())
        .join(buyers, on="customer_id")
        .group_by(
            "_c", pl.max_horizontal(_mk("order_date") - pl.col("_c"), 0).alias("months_since")
        )
        .agg(pl.col("customer_id").n_unique().alias("active"))
    )
    n = pl.col("active").fill_null(0).cast(pl.Int64)
    return (
        grid.join(active, on=["_c", "months_since"], how="left")
        .sort("_c", "months_since")
        .select(
            _label(pl.col("_c")).alias("cohort"),
            pl.col("months_since").cast(pl.Int64),
            pl.col("customers").cast(pl.Int64),
            n.alias("active"),
            (n / pl.col("customers")).alias("retention"),
            ((pl.col("_c") + pl.col("months_since") == as_of_key) & month_open).alias("partial"),
        )
        .collect()
    )


def coaching(t: dict) -> pl.DataFrame:
    leads, period, window = t["leads"].lazy(), t["period"], t["window"]
    day = _day(t)
    cutoff = day + dt.timedelta(days=1)
    months = (
        leads.filter(pl.col("lead_at") < cutoff)
        .group_by(_mk("lead_at").alias("mk"))
        .agg(pl.col("lead_at").max())
        .collect()
        .rows()
    )
    cohort = B.mature_cohort(months, period, day, window)
    start = dt.datetime(int(cohort[:4]), int(cohort[5:7]), 1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    later = [f"{s}_at" for s in B.STAGES[1:]]
    limit = pl.col("lead_at") + dt.timedelta(days=window)
    kept = [pl.when((pl.col(c) < cutoff) & (pl.col(c) <= limit)).then(pl.col(c)) for c in later]
    reached = [pl.any_horizontal([k.is_not_null() for k in kept[i:]]) for i in range(len(later))]
    young = cutoff - dt.timedelta(days=window)
    counts = (
        leads.filter(
            pl.col("lead_at") >= start, pl.col("lead_at") < end, pl.col("lead_at") < cutoff
        )
        .group_by(pl.col("team").fill_null("unknown"), pl.col("owner").fill_null("unknown"))
        .agg(
            pl.len().alias("r0"),
            *[r.sum().alias(f"r{i + 1}") for i, r in enumerate(reached)],
            (pl.col("lead_at") >= young).sum().alias("young"),
        )
        .collect()
        .to_pandas()
    )
    return pl.from_pandas(B.coaching(counts, cohort))


def sales_cycle(t: dict) -> pl.DataFrame:
    leads, period, window = t["leads"].lazy(), t["period"], t["window"]
    day = _day(t)
    cutoff = day + dt.timedelta(days=1)
    end = B.month_key(period)
    first = t["leads"].select(pl.col("lead_at").min()).item()
    sales = (
        leads.filter(pl.col("lead_at") < cutoff, pl.col("sale_at") < cutoff)
        .with_columns(
            mk=_mk("sale_at"),
            source=pl.col("source").fill_null("unknown"),
            team=pl.col("team").fill_null("unknown"),
            secs=(pl.col("sale_at") - pl.col("lead_at")).dt.total_seconds(),
        )
        .filter(pl.col("mk") > end - 12, pl.col("mk") <= end)
        .select("mk", "source", "team", "secs")
        .collect()
        .lazy()
    )
    stats = [
        pl.len().alias("sales"),
        # on seconds, then days, as kpilib does (seconds times 1/86400, the percentile to
        # the second first: the same last bit on every engine)
        pl.col("secs").median().mul(1 / 86_400).alias("median_days"),
        pl.col("secs")
        .quantile(0.8, interpolation="linear")
        .round(0)
        .mul(1 / 86_400)
        .alias("p80_days"),
    ]
    parts = [
        sales.group_by("mk").agg(*stats).with_columns(source=pl.lit(None, pl.String)),
        sales.group_by("mk", "source").agg(*stats),
        sales.group_by("mk", "team").agg(*stats).with_columns(source=pl.lit(None, pl.String)),
    ]
    parts = [
        p.sort("mk", *[c for c in ("source", "team") if c in p.collect_schema()]) for p in parts
    ]
    columns = ["month", "source", "team", "sales", "median_days", "p80_days", "truncated"]
    out = [
        p.with_columns(
            month=_label(pl.col("mk")),
            team=pl.col("team") if "team" in p.collect_schema() else pl.lit(None, pl.String),
            sales=pl.col("sales").cast(pl.Int64),
            truncated=pl.col("mk") < B.truncated_before(first, window),
        ).select(columns)
        for p in parts
    ]
    return pl.concat(pl.collect_all(out))


def forecast(t: dict) -> pl.DataFrame:
    period = t["period"]
    if B.paces([period], _day(t))[period].state != "closed":
        raise NotImplementedError("the hand-written forecast covers a closed month only")
    schema = {c: pl.String if i < 3 else pl.Float64 for i, c in enumerate(B.FORECAST_COLUMNS)}
    return pl.DataFrame(schema=schema)
