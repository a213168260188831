"""Seeded benchmark datasets in the canonical format, at any number of leads.

The same business as :mod:`kpilib.sample` (six sources with their own funnel
rates, drift and deal sizes, slow Augusts and Decembers, teams of reps with
their own skill, repeat deals, repeat orders with churn, costs by month,
category and channel, team and company targets near the actuals), scaled up:
24 months, and one team of 3-5 reps per ~16,000 leads, so that targets, costs
and orders grow in proportion with the leads. Every step is a numpy or Arrow
vector operation: 10M leads take about 15 s on one core.

Writes ``leads.parquet``, ``targets.parquet``, ``costs.parquet``,
``orders.parquet`` and ``kpi.toml`` into the output folder, a dataset that
:func:`kpilib.load_dataset` and ``kpi report --data`` read as is::

    python -m benchmarks.generate --leads 1M --out benchmarks/data/1m
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpilib.sample import _CAMPAIGNS, _SLOW_MONTHS, KPI_TOML, SOURCES

__all__ = ["generate", "write", "parse_size", "SIZES"]

SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
END_YEAR, END_MONTH, MONTHS = 2026, 10, 24
LEADS_PER_TEAM = 16_000  # the sample: 3 teams for ~48,000 leads
_SALARY, _MANAGER = 4300.0, 6500.0
_US = 1_000_000  # microseconds per second
_DAY = 86_400 * _US
_METRICS = ("leads", "visits", "offers", "sales", "new_customers", "revenue")


def parse_size(text: str) -> int:
    """``"100k"``, ``"1M"``, ``"2.5m"`` or ``"250000"`` as a number of leads."""
    t = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if scale > 1 else t) * scale)


def _month_starts() -> np.ndarray:
    first = (END_YEAR * 12 + END_MONTH - 1) - (MONTHS - 1)
    keys = np.arange(first, first + MONTHS + 1)
    starts = [np.datetime64(f"{k // 12:04d}-{k % 12 + 1:02d}-01", "us") for k in keys]
    return np.array(starts, dtype="datetime64[us]").astype(np.int64)  # MONTHS + 1 bounds


def _labels(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` + zero-padded 1..n, as an Arrow string array (no Python loop)."""
    digits = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(digits, width, "0"), "")


def _take(names: list[str], codes: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Strings of *names* at *codes* (null where not *valid*)."""
    idx = pa.array(codes.astype(np.int32), mask=None if valid is None else ~valid)
    return pc.take(pa.array(names, pa.string()), idx)


def _stamp(us: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(us.astype("datetime64[us]"), mask=None if valid is None else ~valid)


def _month_of(us: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Month index 0..MONTHS-1 of each timestamp (MONTHS when after the last month)."""
    return np.searchsorted(bounds, us, side="right") - 1


def generate(n_leads: int, *, seed: int = 7) -> dict[str, pa.Table]:
    """The four canonical tables for *n_leads* leads, as Arrow tables."""
    rng = np.random.default_rng(seed)
    bounds = _month_starts()
    as_of = int(bounds[-1]) - _US  # last second of the last month
    month_no = (np.arange(MONTHS) + (END_MONTH - MONTHS)) % 12 + 1
    src_names = list(SOURCES)
    src = {
        a: np.array([getattr(SOURCES[s], a) for s in src_names])
        for a in SOURCES["referral"].__dataclass_fields__
    }

    # leads per month, spread uniformly inside each month, in time order
    weight = np.array([_SLOW_MONTHS.get(int(m), 1.0) for m in month_no]) * (
        1 + 0.006 * np.arange(MONTHS)
    )
    per_month = rng.multinomial(n_leads, weight / weight.sum())
    month = np.repeat(np.arange(MONTHS), per_month)
    length = np.diff(bounds)[month]
    lead_at = bounds[month] + (rng.random(n_leads) * length).astype(np.int64) // _US * _US
    lead_at.sort()  # months are in order, so month stays aligned
    n = n_leads

    # teams of 3-5 reps, each team with its own skill
    n_teams = max(3, round(n / LEADS_PER_TEAM))
    reps = 3 + np.arange(n_teams) % 3
    rep_offset = np.concatenate([[0], np.cumsum(reps)[:-1]])
    team_skill = np.clip(rng.normal(1.0, 0.08, n_teams), 0.8, 1.2)
    source = rng.choice(len(src_names), n, p=src["share"] / src["share"].sum())
    team = rng.integers(0, n_teams, n)
    owner = rep_offset[team] + (rng.random(n) * reps[team]).astype(np.int64)

    frac = month / (MONTHS - 1)
    skill = team_skill[team]
    slow = np.where(np.isin(month_no[month], [8, 12]), 0.85, 1.0)
    p_visit = np.clip(
        src["visit"][source] * (1 + src["drift"][source] * frac) * skill * slow, 0, 0.95
    )
    p_offer = np.clip(src["offer"][source] * skill, 0, 0.95)
    p_sale = np.clip(src["sale"][source] * (1 + 0.08 * np.sin(frac * 6)) * skill * slow, 0, 0.95)
    visited = rng.random(n) < p_visit
    offered = visited & (rng.random(n) < p_offer)
    sold = offered & (rng.random(n) < p_sale)
    skipped = offered & (rng.random(n) < 0.03)  # an offer straight from a call

    slow_days = np.where(np.isin(month_no[month], [7, 8, 12]), 1.4, 1.0) * _DAY
    visit_at = lead_at + (rng.gamma(2.0, 4.0, n) * slow_days).astype(np.int64) // _US * _US
    offer_at = visit_at + (rng.gamma(2.5, 4.0, n) * slow_days).astype(np.int64) // _US * _US
    sale_at = offer_at + (rng.gamma(3.0, 6.0, n) * slow_days).astype(np.int64) // _US * _US
    last = np.where(
        sold, sale_at, np.where(offered, offer_at, np.where(visited, visit_at, lead_at))
    )
    lost_at = last + (rng.gamma(2.0, 10.0, n) * _DAY).astype(np.int64) // _US * _US
    lost = ~sold & (rng.random(n) < 0.85)
    has_visit = visited & ~skipped & (visit_at <= as_of)
    has_offer = offered & (offer_at <= as_of)
    has_sale = sold & (sale_at <= as_of)
    has_lost = lost & (lost_at <= as_of)
    amount = np.round(src["deal"][source] * rng.lognormal(0.0, 0.45, n), -1)

    # customers: most sales open a new account, 7% are repeat deals of an earlier one
    sales = np.flatnonzero(has_sale)
    sales = sales[np.argsort(sale_at[sales], kind="stable")]
    repeat = rng.random(len(sales)) < 0.07
    repeat[:50] = False
    new_so_far = np.cumsum(~repeat)
    cust = np.where(repeat, (rng.random(len(sales)) * new_so_far).astype(np.int64), new_so_far - 1)
    customer = np.full(n, -1, dtype=np.int64)
    customer[sales] = cust
    n_customers = int(new_so_far[-1]) if len(sales) else 0
    cust_names = _labels("C", n_customers, 7)

    leads = pa.table(
        {
            "lead_id": _labels("L", n, 8),
            "lead_at": _stamp(lead_at),
            "source": _take(src_names, source),
            "team": _take([f"Team {i:03d}" for i in range(1, n_teams + 1)], team),
            "owner": _take([f"Rep {i:04d}" for i in range(1, int(reps.sum()) + 1)], owner),
            "visit_at": _stamp(visit_at, has_visit),
            "offer_at": _stamp(offer_at, has_offer),
            "sale_at": _stamp(sale_at, has_sale),
            "lost_at": _stamp(lost_at, has_lost),
            "customer_id": pc.take(cust_names, pa.array(customer, mask=customer < 0)),
            "amount": pa.array(amount, mask=~has_sale),
        }
    )
    orders = _orders(rng, sales, cust, repeat, sale_at, amount, source, src, cust_names, as_of)
    targets = _targets(
        rng,
        bounds,
        month,
        team,
        n_teams,
        lead_at,
        visit_at,
        offer_at,
        sale_at,
        has_visit,
        has_offer,
        sales,
        repeat,
        amount,
    )
    costs = _costs(rng, bounds, month_no, sale_at, sales, team, amount, reps, n_teams)
    return {"leads": leads, "targets": targets, "costs": costs, "orders": orders}


def _orders(rng, sales, cust, repeat, sale_at, amount, source, src, cust_names, as_of):
    """Every sale is an order; new customers then order monthly until they churn."""
    first = sales[~repeat]  # the lead of each customer's first sale, by customer number
    months_left = (as_of - sale_at[first]) // (30 * _DAY)
    horizon = np.minimum(months_left, rng.geometric(0.045, len(first)))
    horizon = np.maximum(horizon, 0)
    who = np.repeat(np.arange(len(first)), horizon)
    k = np.arange(len(who)) - np.repeat(np.cumsum(horizon) - horizon, horizon) + 1
    keep = rng.random(len(who)) < src["repeat"][source[first[who]]]
    who, k = who[keep], k[keep]
    jitter = rng.integers(-10, 11, len(who))
    lead = first[who]
    date = np.concatenate([sale_at[sales], sale_at[lead] + (30 * k + jitter) * _DAY])
    revenue = np.concatenate(
        [amount[sales], np.round(amount[lead] * rng.lognormal(-1.3, 0.4, len(who)), 2)]
    )
    customer = np.concatenate([cust, who])
    origin = np.concatenate([source[sales], source[lead]])
    ok = date <= as_of
    date, revenue, customer, origin = date[ok], revenue[ok], customer[ok], origin[ok]
    order = np.lexsort((customer, date))
    date, revenue, customer, origin = date[order], revenue[order], customer[order], origin[order]
    rate = np.where(
        np.isin(origin, [list(SOURCES).index(s) for s in ("referral", "events")]), 0.42, 0.36
    )
    return pa.table(
        {
            "order_id": _labels("O", len(date), 8),
            "customer_id": pc.take(cust_names, pa.array(customer)),
            "order_date": _stamp(date),
            "revenue": pa.array(revenue),
            "gross_margin": pa.array(np.round(revenue * rate, 2)),
        }
    )


def _by_team_month(month, team, n_teams, weights=None):
    valid = month < MONTHS
    idx = month[valid] * n_teams + team[valid]
    w = None if weights is None else weights[valid]
    return np.bincount(idx, weights=w, minlength=MONTHS * n_teams).reshape(MONTHS, n_teams)


def _targets(
    rng,
    bounds,
    month,
    team,
    n_teams,
    lead_at,
    visit_at,
    offer_at,
    sale_at,
    has_visit,
    has_offer,
    sales,
    repeat,
    amount,
):
    """Monthly targets per team and for the company, near the actuals."""
    sm = _month_of(sale_at[sales], bounds)
    actual = {
        "leads": _by_team_month(month, team, n_teams),
        "visits": _by_team_month(_month_of(visit_at[has_visit], bounds), team[has_visit], n_teams),
        "offers": _by_team_month(_month_of(offer_at[has_offer], bounds), team[has_offer], n_teams),
        "sales": _by_team_month(sm, team[sales], n_teams),
        "new_customers": _by_team_month(sm[~repeat], team[sales][~repeat], n_teams),
        "revenue": _by_team_month(sm, team[sales], n_teams, amount[sales]),
    }
    periods, metrics, teams, values = [], [], [], []
    labels = [str(np.datetime64(int(b), "us").astype("datetime64[M]")) for b in bounds[:-1]]
    team_names = np.array([f"Team {i:03d}" for i in range(1, n_teams + 1)] + [""], dtype=object)
    for metric in _METRICS:
        step = 1000 if metric == "revenue" else 1
        a = actual[metric]
        target = np.maximum(step, np.round(a * rng.normal(1.04, 0.09, a.shape) / step) * step)
        full = np.concatenate([target, target.sum(axis=1, keepdims=True)], axis=1)
        periods.append(np.repeat(labels, n_teams + 1))
        metrics.append(np.full(full.size, metric, dtype=object))
        teams.append(np.tile(team_names, MONTHS))
        values.append(full.ravel())
    table = pa.table(
        {
            "period": pa.array(np.concatenate(periods), pa.string()),
            "metric": pa.array(np.concatenate(metrics), pa.string()),
            "team": pa.array(np.concatenate(teams), pa.string()),
            "owner": pa.nulls(sum(len(v) for v in values), pa.string()),
            "target": pa.array(np.concatenate(values), pa.float64()),
        }
    )
    blank = pc.equal(table["team"], "")
    return table.set_column(
        2, "team", pc.if_else(blank, pa.scalar(None, pa.string()), table["team"])
    )


def _costs(rng, bounds, month_no, sale_at, sales, team, amount, reps, n_teams):
    """Salaries, bonuses and travel per team and month; campaigns and channel expenses."""
    sm = _month_of(sale_at[sales], bounds)
    revenue = _by_team_month(sm, team[sales], n_teams, amount[sales])
    scale = n_teams / 3  # the sample's channel budgets are for 3 teams
    season = np.array([_SLOW_MONTHS.get(int(m), 1.0) for m in month_no])
    labels = np.array(
        [str(np.datetime64(int(b), "us").astype("datetime64[M]")) for b in bounds[:-1]],
        dtype=object,
    )
    team_names = np.array([f"Team {i:03d}" for i in range(1, n_teams + 1)], dtype=object)
    parts = []  # (period, category, channel, team, amount) column arrays

    def add(period, category, channel, tm, value):
        size = len(value)
        parts.append(
            (period, np.full(size, category, dtype=object), channel, tm, np.round(value, 2))
        )

    per_team = np.repeat(np.arange(MONTHS), n_teams)
    team_col = np.tile(team_names, MONTHS)
    none_col = np.full(MONTHS * n_teams, None, dtype=object)
    add(
        labels[per_team], "salaries", none_col, team_col, np.tile(reps * _SALARY + _MANAGER, MONTHS)
    )
    add(labels[per_team], "bonuses", none_col, team_col, 0.05 * revenue.ravel())
    travel = (
        np.tile(reps * 650.0, MONTHS) * season[per_team] * rng.lognormal(0, 0.15, MONTHS * n_teams)
    )
    add(labels[per_team], "expenses", none_col, team_col, travel)
    growth = 1 + 0.015 * np.arange(MONTHS)
    nothing = np.full(MONTHS, None, dtype=object)
    for channel, budget in _CAMPAIGNS.items():
        spend = budget * scale * growth * (0.6 + 0.4 * season) * rng.lognormal(0, 0.12, MONTHS)
        add(labels, "campaigns", np.full(MONTHS, channel, dtype=object), nothing, spend)
    for category, channel, base, sigma, seasonal in (
        ("expenses", "events", 4500, 0.2, True),
        ("campaigns", "referral", 3000, 0.1, False),
        ("expenses", "outbound", 2400, 0.05, False),
        ("expenses", None, 9000, 0.05, False),
    ):
        value = base * scale * (season if seasonal else 1.0) * rng.lognormal(0, sigma, MONTHS)
        add(labels, category, np.full(MONTHS, channel, dtype=object), nothing, value)
    cols = [np.concatenate([p[i] for p in parts]) for i in range(5)]
    order = np.argsort(cols[0], kind="stable")
    names = ["period", "category", "channel", "team", "amount"]
    types = [pa.string()] * 4 + [pa.float64()]
    return pa.table(
        {nm: pa.array(c[order], t) for nm, c, t in zip(names, cols, types, strict=True)}
    )


def write(tables: dict[str, pa.Table], out: str | Path) -> list[Path]:
    """Write *tables* as Parquet files plus the sample's ``kpi.toml`` into *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = out / f"{name}.parquet"
        pq.write_table(table, path, row_group_size=1_000_000)
        written.append(path)
    (out / "kpi.toml").write_text(KPI_TOML, encoding="utf-8")
    return [*written, out / "kpi.toml"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", default="100k", help="number of leads: 100k, 1M, 10M, 250000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="output folder (default benchmarks/data/<leads>)")
    args = parser.parse_args(argv)
    n = parse_size(args.leads)
    out = Path(args.out or Path(__file__).parent / "data" / args.leads.lower())
    start = time.perf_counter()
    tables = generate(n, seed=args.seed)
    write(tables, out)
    rows = ", ".join(f"{k} {v.num_rows:,}" for k, v in tables.items())
    print(f"{out}: {rows} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
