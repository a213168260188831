"""The synthetic dataset behind ``data/sample/``.

:func:`generate` builds, from a seed, 24 monthly periods of a B2B company
selling through six sources and three teams: about 2,000 leads a month, a
lead → visit → offer → sale funnel whose rates differ by source and drift over
time, slow Augusts and Decembers, deal sizes by source, costs by month,
category and channel, orders with repeat purchases and churn, and monthly
targets per team and for the company. The same seed gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["generate", "write_sample", "SOURCES", "TEAMS", "END_PERIOD"]

END_PERIOD = "2026-10"
MONTHS = 24
LEADS_PER_MONTH = 2000


@dataclass(frozen=True)
class _Source:
    share: float
    visit: float  # P(visit | lead) at the start
    offer: float  # P(offer | visit)
    sale: float  # P(sale | offer)
    drift: float  # relative change of the visit rate over the 24 months
    deal: float  # median deal size, EUR
    repeat: float  # monthly repeat-order probability of its customers


SOURCES: dict[str, _Source] = {
    "paid_search": _Source(0.27, 0.34, 0.46, 0.30, -0.25, 5200, 0.20),
    "social_ads": _Source(0.19, 0.24, 0.40, 0.24, 0.10, 3900, 0.16),
    "events": _Source(0.12, 0.52, 0.52, 0.34, 0.00, 9400, 0.22),
    "referral": _Source(0.08, 0.62, 0.60, 0.44, 0.15, 11800, 0.30),
    "outbound": _Source(0.18, 0.28, 0.44, 0.27, -0.10, 8300, 0.24),
    "website": _Source(0.16, 0.40, 0.50, 0.32, 0.05, 4800, 0.18),
}

TEAMS: dict[str, list[str]] = {
    "North": ["Claire Martin", "Hugo Bernard", "Léa Petit", "Nicolas Durand"],
    "South": ["Sophie Moreau", "Thomas Laurent", "Camille Roux"],
    "West": ["Julien Fournier", "Emma Girard", "Lucas Bonnet", "Chloé Lambert", "Antoine Faure"],
}
_TEAM_SKILL = {"North": 1.08, "South": 0.90, "West": 1.0}
_SLOW_MONTHS = {8: 0.55, 12: 0.70}
_CAMPAIGNS = {"paid_search": 88000, "social_ads": 52000, "events": 34000, "website": 9000}
_SALARY = 6900.0
_MANAGER = 9500.0

KPI_TOML = """\
# Settings of the sample dataset; see docs/data-model.md for every key.
company = "Atelier Durand"
currency = "EUR"
locale = "en_IE"
language = "en"
fiscal_year_start = 1
gross_margin_rate = 0.38

[funnel]
stages = ["lead", "visit", "offer", "sale"]
conversion_window_days = 90

[status]
on_track = 0.95
at_risk = 0.85

[value]
ltv_to_cac_min = 3.0
payback_max_months = 12
horizon_months = 36
discount_rate = 0.10
"""


def _months(end: str = END_PERIOD, n: int = MONTHS) -> pd.PeriodIndex:
    return pd.period_range(end=pd.Period(end, "M"), periods=n, freq="M")


def _leads(rng: np.random.Generator, months: pd.PeriodIndex, as_of: pd.Timestamp) -> pd.DataFrame:
    names = list(SOURCES)
    shares = np.array([SOURCES[s].share for s in names])
    parts = []
    for i, month in enumerate(months):
        volume = LEADS_PER_MONTH * _SLOW_MONTHS.get(month.month, 1.0) * (1 + 0.006 * i)
        n = int(rng.poisson(volume))
        start = month.start_time
        seconds = rng.integers(0, month.days_in_month * 86400, n)
        parts.append(
            pd.DataFrame(
                {
                    "lead_at": start + pd.to_timedelta(seconds, unit="s"),
                    "source": rng.choice(names, n, p=shares / shares.sum()),
                    "month_index": i,
                }
            )
        )
    leads = pd.concat(parts, ignore_index=True).sort_values("lead_at", kind="stable")
    leads = leads.reset_index(drop=True)
    n = len(leads)
    team_names = list(TEAMS)
    team = rng.choice(team_names, n, p=[0.36, 0.26, 0.38])
    owner = np.empty(n, dtype=object)
    for t in team_names:
        mask = team == t
        owner[mask] = rng.choice(TEAMS[t], mask.sum())
    src = leads["source"].to_numpy()
    frac = leads["month_index"].to_numpy() / (MONTHS - 1)
    skill = np.vectorize(_TEAM_SKILL.get)(team)
    month_no = leads["lead_at"].dt.month.to_numpy()
    slow = np.where(np.isin(month_no, [8, 12]), 0.85, 1.0)

    def rate(attr: str) -> np.ndarray:
        return np.array([getattr(SOURCES[s], attr) for s in src])

    p_visit = np.clip(rate("visit") * (1 + rate("drift") * frac) * skill * slow, 0, 0.95)
    p_offer = np.clip(rate("offer") * skill, 0, 0.95)
    p_sale = np.clip(rate("sale") * (1 + 0.08 * np.sin(frac * 6)) * skill * slow, 0, 0.95)
    visited = rng.random(n) < p_visit
    offered = visited & (rng.random(n) < p_offer)
    sold = offered & (rng.random(n) < p_sale)

    lead_at = leads["lead_at"]
    slow_days = np.where(np.isin(month_no, [7, 8, 12]), 1.4, 1.0)
    visit_at = lead_at + pd.to_timedelta(rng.gamma(2.0, 4.0, n) * slow_days * 86400, unit="s")
    offer_at = visit_at + pd.to_timedelta(rng.gamma(2.5, 4.0, n) * slow_days * 86400, unit="s")
    sale_at = offer_at + pd.to_timedelta(rng.gamma(3.0, 6.0, n) * slow_days * 86400, unit="s")
    # a few leads skip the visit (an offer straight from a call)
    skipped = offered & (rng.random(n) < 0.03)
    last_reached = np.where(
        sold, sale_at, np.where(offered, offer_at, np.where(visited, visit_at, lead_at))
    )
    lost_delay = pd.to_timedelta(rng.gamma(2.0, 10.0, n) * 86400, unit="s")
    lost_at = pd.Series(last_reached, index=leads.index) + lost_delay
    is_lost = ~sold & (rng.random(n) < 0.85)

    def known(values: pd.Series, mask: np.ndarray) -> pd.Series:
        return values.where(mask & (values <= as_of))

    out = pd.DataFrame(
        {
            "lead_id": [f"L{i:06d}" for i in range(1, n + 1)],
            "lead_at": lead_at,
            "source": src,
            "team": team,
            "owner": owner,
            "visit_at": known(visit_at, visited & ~skipped),
            "offer_at": known(offer_at, offered),
            "sale_at": known(sale_at, sold),
            "lost_at": known(lost_at, is_lost),
        }
    )
    # a deal lost after the as_of date is still open at as_of
    deal = rate("deal") * rng.lognormal(0.0, 0.45, n)
    out["amount"] = np.where(out["sale_at"].notna(), np.round(deal, -1), np.nan)
    return out


def _customers(rng: np.random.Generator, leads: pd.DataFrame) -> pd.DataFrame:
    """Give each sale a customer: most are new, some are repeat deals."""
    sales = leads.loc[leads["sale_at"].notna()].sort_values("sale_at", kind="stable")
    customer = np.empty(len(sales), dtype=object)
    repeat = rng.random(len(sales)) < 0.07
    next_id = 1
    for pos in range(len(sales)):
        if repeat[pos] and next_id > 50:
            customer[pos] = f"C{int(rng.integers(1, next_id)):05d}"
        else:
            customer[pos] = f"C{next_id:05d}"
            next_id += 1
    leads = leads.copy()
    leads["customer_id"] = pd.Series(customer, index=sales.index, dtype=object)
    return leads


def _orders(rng: np.random.Generator, leads: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    sales = leads.loc[leads["sale_at"].notna(), ["customer_id", "sale_at", "amount", "source"]]
    first = sales.sort_values("sale_at", kind="stable").drop_duplicates("customer_id")
    rows = [sales.rename(columns={"sale_at": "order_date", "amount": "revenue"})]
    # repeat orders: monthly chance of an order while the customer is alive
    months_left = ((as_of - first["sale_at"]).dt.days // 30).to_numpy()
    repeat_p = np.array([SOURCES[s].repeat for s in first["source"]])
    lifetime = rng.geometric(0.035, len(first))  # months until churn
    horizon = np.minimum(months_left, lifetime)
    for k in range(1, int(horizon.max(initial=0)) + 1):
        active = (horizon >= k) & (rng.random(len(first)) < repeat_p)
        if not active.any():
            continue
        chosen = first.loc[active]
        jitter = pd.to_timedelta(rng.integers(-10, 11, active.sum()) + 30 * k, unit="D")
        rows.append(
            pd.DataFrame(
                {
                    "customer_id": chosen["customer_id"].to_numpy(),
                    "order_date": (chosen["sale_at"] + jitter).to_numpy(),
                    "revenue": np.round(
                        chosen["amount"].to_numpy() * rng.lognormal(-0.8, 0.4, active.sum()), 2
                    ),
                    "source": chosen["source"].to_numpy(),
                }
            )
        )
    orders = pd.concat(rows, ignore_index=True)
    orders = orders.loc[orders["order_date"] <= as_of].sort_values(
        ["order_date", "customer_id"], kind="stable"
    )
    # a first order carries onboarding work at a thin margin; repeat orders earn more
    first_order = ~orders["customer_id"].duplicated()
    margin_rate = np.where(orders["source"].isin(["referral", "events"]), 0.48, 0.44)
    margin_rate = np.where(first_order, 0.22, margin_rate)
    return pd.DataFrame(
        {
            "order_id": [f"O{i:06d}" for i in range(1, len(orders) + 1)],
            "customer_id": orders["customer_id"].to_numpy(),
            "order_date": orders["order_date"].to_numpy(),
            "revenue": orders["revenue"].to_numpy(),
            "gross_margin": np.round(orders["revenue"].to_numpy() * margin_rate, 2),
        }
    )


def _costs(rng: np.random.Generator, leads: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    rows = []
    sale_month = leads["sale_at"].dt.to_period("M")
    for i, month in enumerate(months):
        label = str(month)
        season = _SLOW_MONTHS.get(month.month, 1.0)
        for team, reps in TEAMS.items():
            sold = (sale_month == month) & (leads["team"] == team)
            revenue = leads.loc[sold, "amount"].sum()
            rows.append((label, "salaries", "", team, len(reps) * _SALARY + _MANAGER))
            rows.append((label, "bonuses", "", team, round(0.05 * revenue, 2)))
            travel = len(reps) * 650 * season * rng.lognormal(0, 0.15)
            rows.append((label, "expenses", "", team, round(travel, 2)))
        growth = 1 + 0.015 * i
        for channel, budget in _CAMPAIGNS.items():
            spend = budget * growth * (0.6 + 0.4 * season) * rng.lognormal(0, 0.12)
            rows.append((label, "campaigns", channel, "", round(spend, 2)))
        rows.append(
            (label, "expenses", "events", "", round(4500 * season * rng.lognormal(0, 0.2), 2))
        )
        rows.append((label, "campaigns", "referral", "", round(3000 * rng.lognormal(0, 0.1), 2)))
        rows.append((label, "expenses", "outbound", "", round(2400 * rng.lognormal(0, 0.05), 2)))
        rows.append((label, "expenses", "", "", round(9000 * rng.lognormal(0, 0.05), 2)))
    return pd.DataFrame(rows, columns=["period", "category", "channel", "team", "amount"])


def _targets(rng: np.random.Generator, leads: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Targets near each month's actuals: sometimes met, sometimes missed."""
    rows = []
    new_customer = (
        leads["sale_at"].notna() & ~leads.sort_values("sale_at")["customer_id"].duplicated()
    )
    metrics = {
        "leads": ("lead_at", None),
        "visits": ("visit_at", None),
        "offers": ("offer_at", None),
        "sales": ("sale_at", None),
        "new_customers": ("sale_at", new_customer),
        "revenue": ("sale_at", "amount"),
    }
    for month in months:
        company: dict[str, float] = {}
        for team in TEAMS:
            in_team = leads["team"] == team
            for metric, (col, extra) in metrics.items():
                hit = in_team & (leads[col].dt.to_period("M") == month)
                if isinstance(extra, pd.Series):
                    hit &= extra
                actual = leads.loc[hit, "amount"].sum() if isinstance(extra, str) else hit.sum()
                factor = rng.normal(1.04, 0.09)
                step = 1000 if metric == "revenue" else 1
                target = max(step, round(actual * factor / step) * step)
                company[metric] = company.get(metric, 0) + target
                rows.append((str(month), metric, team, target))
        rows.extend((str(month), m, "", v) for m, v in company.items())
    frame = pd.DataFrame(rows, columns=["period", "metric", "team", "target"])
    frame.insert(3, "owner", "")
    return frame


def generate(seed: int = 7) -> dict[str, pd.DataFrame]:
    """Generate the sample tables from *seed*.

    Examples
    --------
    >>> tables = generate(seed=1)
    >>> sorted(tables)
    ['costs', 'leads', 'orders', 'targets']
    """
    rng = np.random.default_rng(seed)
    months = _months()
    as_of = months[-1].end_time.floor("s")
    leads = _customers(rng, _leads(rng, months, as_of))
    leads = leads[
        ["lead_id", "lead_at", "source", "team", "owner", "visit_at", "offer_at", "sale_at"]
        + ["lost_at", "customer_id", "amount"]
    ]
    return {
        "leads": leads,
        "targets": _targets(rng, leads, months),
        "costs": _costs(rng, leads, months),
        "orders": _orders(rng, leads, as_of),
    }


def write_sample(out: str | Path, *, seed: int = 7) -> list[Path]:
    """Write the sample dataset (four CSV files and kpi.toml) into *out*."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate(seed).items():
        path = out / f"{name}.csv"
        frame.to_csv(
            path,
            index=False,
            date_format="%Y-%m-%d %H:%M:%S",
            float_format="%.2f",
            lineterminator="\n",
        )
        written.append(path)
    toml = out / "kpi.toml"
    toml.write_text(KPI_TOML, encoding="utf-8")
    return [*written, toml]
