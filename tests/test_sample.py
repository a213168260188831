"""The sample generator: deterministic, and realistic within the ranges the kit promises."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd
import pytest

from kpilib import load_dataset
from kpilib.cli import main
from kpilib.sample import SOURCES, TEAMS, generate

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


def test_committed_sample_regenerates_byte_for_byte(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path), "--seed", "7"]) == 0
    names = ["leads.csv", "targets.csv", "costs.csv", "orders.csv", "kpi.toml"]
    match, mismatch, errors = filecmp.cmpfiles(SAMPLE, tmp_path, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert capsys.readouterr().out.splitlines()[0] == str(tmp_path / "leads.csv")


def test_other_seed_gives_other_data():
    a, b = generate(seed=1)["leads"], generate(seed=2)["leads"]
    assert len(a) != len(b) or not a["lead_at"].equals(b["lead_at"])


def test_sample_is_valid_without_warnings(sample):
    assert sample.warnings == []
    assert sample.settings.currency == "EUR"


def test_24_months_ending_2026_10_with_about_2000_leads_a_month(sample):
    per_month = sample.leads.groupby(sample.leads["lead_at"].dt.strftime("%Y-%m")).size()
    assert per_month.index[0] == "2024-11" and per_month.index[-1] == "2026-10"
    assert len(per_month) == 24
    normal = per_month[~per_month.index.str.endswith(("-08", "-12"))]
    assert normal.between(1800, 2400).all()
    # August and December are slow
    slow = per_month[per_month.index.str.endswith(("-08", "-12"))]
    assert (slow < 0.8 * normal.median()).all()


def test_six_sources_three_teams_of_three_to_five_reps(sample):
    leads = sample.leads
    assert sorted(leads["source"].unique()) == sorted(SOURCES)
    assert sorted(leads["team"].unique()) == ["North", "South", "West"]
    reps = leads.groupby("team")["owner"].nunique()
    assert reps.between(3, 5).all()
    assert reps.to_dict() == {t: len(r) for t, r in TEAMS.items()}


def test_conversion_differs_by_source_and_drifts(sample):
    leads = sample.leads
    old = leads["lead_at"] < "2025-11-01"
    rate = leads.assign(sold=leads["sale_at"].notna()).groupby("source")["sold"].mean()
    assert rate.between(0.01, 0.25).all()
    assert rate["referral"] > 2 * rate["paid_search"]
    visit = leads.assign(v=leads["visit_at"].notna(), old=old)
    paid = visit[visit["source"] == "paid_search"].groupby("old")["v"].mean()
    # paid search's visit rate drifts down by about a fifth over the two years
    assert paid[False] < 0.92 * paid[True]


def test_deal_size_depends_on_source(sample):
    sales = sample.leads.dropna(subset=["sale_at"])
    median = sales.groupby("source")["amount"].median()
    assert median["referral"] > 2 * median["social_ads"]
    assert (sales["amount"] > 0).all()


def test_costs_cover_categories_and_paid_channels(sample):
    costs = sample.costs
    assert set(costs["category"]) == {"salaries", "bonuses", "expenses", "campaigns"}
    campaigns = costs[costs["category"] == "campaigns"]
    assert {"paid_search", "social_ads"} <= set(campaigns["channel"])
    assert costs["period"].nunique() == 24
    # bonuses follow sales: the slow months pay less
    bonuses = costs[costs["category"] == "bonuses"].groupby("period")["amount"].sum()
    assert bonuses["2025-08"] < bonuses["2025-10"]


def test_orders_match_won_deals_with_repeats_and_churn(sample):
    orders, leads = sample.orders, sample.leads
    customers = set(leads["customer_id"].dropna())
    assert set(orders["customer_id"]) == customers
    per_customer = orders.groupby("customer_id").size()
    assert (per_customer > 1).mean() > 0.3  # repeat purchases
    last = orders.groupby("customer_id")["order_date"].max()
    first = orders.groupby("customer_id")["order_date"].min()
    early = first < "2025-01-01"
    # churn: some early customers stopped ordering long before the end
    assert (last[early] < pd.Timestamp("2026-04-01")).mean() > 0.2
    # every sale is an order on its sale date
    sales = leads.dropna(subset=["sale_at"])
    assert len(
        orders.merge(
            sales, left_on=["customer_id", "order_date"], right_on=["customer_id", "sale_at"]
        )
    ) == len(sales)


def test_targets_are_sometimes_met_and_sometimes_missed(sample):
    targets, leads = sample.targets, sample.leads
    company = targets[targets["team"].isna() & (targets["metric"] == "leads")].set_index("period")[
        "target"
    ]
    actual = leads.groupby(leads["lead_at"].dt.strftime("%Y-%m")).size()
    met = actual.reindex(company.index) >= company
    assert 0.15 < met.mean() < 0.85
    assert set(targets["metric"]) == {
        "leads",
        "visits",
        "offers",
        "sales",
        "new_customers",
        "revenue",
    }
