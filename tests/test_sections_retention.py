"""The retention section: month-12 retention and the lifetime, worked out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest

from kpilib.data.dataset import Dataset
from kpilib.data.settings import Settings
from kpilib.sections.projection import Projection
from kpilib.sections.retention import build_retention

# a projection's fit with r = alpha = a = b = 1 in months: S(t) = ln(1 + t) / t
# (see test_retention)
UNIFORM = {"bg_params": {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}, "bg_time_unit": "months"}


def _dataset(sales: dict[str, str], orders: list[tuple[str, str]], horizon: int) -> Dataset:
    ids = sorted(sales)
    leads = pd.DataFrame(
        {
            "lead_id": [f"L{c}" for c in ids],
            "lead_at": pd.to_datetime([sales[c] for c in ids]),
            "source": "web",
            "sale_at": pd.to_datetime([sales[c] for c in ids]),
            "customer_id": ids,
        }
    )
    frame = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(orders))],
            "customer_id": [c for c, _ in orders],
            "order_date": pd.to_datetime([d for _, d in orders]),
            "revenue": 100.0,
            "gross_margin": 40.0,
        }
    )
    return Dataset(leads=leads, orders=frame, settings=Settings(horizon_months=horizon))


def quiet() -> Dataset:
    """Four customers; C1 and C3 come back in their 12th month, C3 while it is open.

    2025-01 cohort: C1 (orders Jan, Feb, Jan 2026), C2 (Jan only)
    2025-02 cohort: C3 (Feb, Mar, Feb 10 2026)
    2025-06 cohort: C4 (Jun, Jul)
    """
    sales = {"C1": "2025-01-10", "C2": "2025-01-20", "C3": "2025-02-05", "C4": "2025-06-01"}
    orders = [
        ("C1", "2025-01-10"),
        ("C1", "2025-02-15"),
        ("C1", "2026-01-05"),
        ("C2", "2025-01-20"),
        ("C3", "2025-02-05"),
        ("C3", "2025-03-01"),
        ("C3", "2026-02-10"),
        ("C4", "2025-06-01"),
        ("C4", "2025-07-03"),
    ]
    return _dataset(sales, orders, horizon=3)


def loyal() -> Dataset:
    """One customer ordering every month from January 2025 to January 2026."""
    orders = [("C1", f"{2025 + m // 12}-{m % 12 + 1:02d}-05") for m in range(13)]
    return _dataset({"C1": "2025-01-05"}, orders, horizon=12)


AS_OF = dt.datetime(2026, 2, 15)


def test_year_retention_leaves_the_open_month_out():
    sec = build_retention(quiet(), period="2026-02", as_of=AS_OF, projection=Projection())
    # month 12: 2025-01 (January 2026, whole): C1 of C1, C2 -> 1 / 2 = 50%;
    # 2025-02's month 12 is February 2026, open on the 15th: left out though C3 ordered
    assert sec.year_retention.value == 0.5
    assert (sec.year_cohorts.value, sec.year_customers.value) == (1, 2)
    assert sec.year_retention.basis == "observed"


def test_cohort_lifetime_facts_and_immature_curve():
    sec = build_retention(quiet(), period="2026-02", as_of=AS_OF, projection=Projection())
    # step 1: (1 + 1 + 1) / (2 + 1 + 1) = 0.75; step 2: 0 / 3 = 0; later steps have no
    # one at risk, so steps 3.. take the pooled (3 + 0) / (4 + 3) and are extrapolated
    # lifetime over 3 months = 1 + 0.75 + 0 = 1.75; churn = 1 - S(3)^(1/3) = 1
    assert sec.cohort_months.value == pytest.approx(1.75)
    assert sec.cohort_churn.value == pytest.approx(1.0)
    assert sec.cohort_months.basis == "modelled"  # month 3 is extrapolated
    assert sec.cohort_observed.value == 2
    # observed over 2 months only: not mature, so no sentence quotes it
    assert sec.cohorts_mature is False
    assert sec.lifetime is None and sec.used is None and sec.disagree is False


def test_model_lifetime_comes_from_the_projection_fit():
    projection = dataclasses.replace(Projection(), **UNIFORM)
    sec = build_retention(quiet(), period="2026-02", as_of=AS_OF, projection=projection)
    # 1 + ln 2 + ln(3)/2 = 2.2425; churn = 1 - (ln(4)/3)^(1/3) = 0.2268
    assert sec.model_months.value == pytest.approx(1 + math.log(2) + math.log(3) / 2, abs=1e-6)
    assert sec.model_churn.value == pytest.approx(1 - (math.log(4) / 3) ** (1 / 3), abs=1e-6)
    assert sec.lifetime is sec.model_months and sec.used == "model"
    assert sec.model_months.basis == "modelled"


def test_heat_cells_and_pooled_row():
    sec = build_retention(quiet(), period="2026-02", as_of=AS_OF, projection=Projection())
    # cohorts of the 12 months before February 2026: 2025-02 .. 2026-01 -> 2025-02, 2025-06
    assert sorted(sec.heat["cohort"].unique()) == ["2025-02", "2025-06"]
    assert sec.heat["months_since"].between(1, 12).all()
    pooled = sec.pooled.set_index("months_since")["retention"]
    # month 1 over the three cohorts: 3 / 4; month 8: 2025-06's is open -> 0 / (2 + 1);
    # month 12: only 2025-01 -> 1 / 2, the year retention
    assert (pooled[1], pooled[8], pooled[12]) == (0.75, 0.0, 0.5)


def test_a_mature_curve_is_quoted_without_a_model_and_disagreement_is_said():
    as_of = dt.datetime(2026, 1, 31)
    sec = build_retention(loyal(), period="2026-01", as_of=as_of, projection=Projection())
    # every step 1 / 1: S = 1 over 12 observed months -> 12 months, churn 0
    assert (sec.cohort_months.value, sec.cohort_churn.value) == (12.0, 0.0)
    assert sec.cohort_months.basis == "observed"
    assert sec.used == "cohorts" and sec.lifetime is sec.cohort_months
    with_model = dataclasses.replace(Projection(), **UNIFORM)
    sec = build_retention(loyal(), period="2026-01", as_of=as_of, projection=with_model)
    # the model: sum of ln(1 + k) / k for k = 1..11, plus 1 = 5.08; 12 / 5.08 > 1.5
    model = 1 + sum(math.log(1 + k) / k for k in range(1, 12))
    assert sec.model_months.value == pytest.approx(model, abs=1e-5)
    assert sec.used == "model" and sec.disagree is True


def test_no_orders_and_no_customer():
    bare = dataclasses.replace(quiet(), orders=None)
    sec = build_retention(bare, period="2026-02", as_of=AS_OF, projection=Projection())
    assert sec.reason == "no_orders" and sec.table is None
    early = build_retention(
        quiet(), period="2024-12", as_of=dt.datetime(2024, 12, 31), projection=Projection()
    )
    assert early.reason == "no_customers"


def test_a_past_period_reads_its_own_cohorts_only():
    # period 2025-01 is the data's first month: its one cohort, 2025-01 (C1, C2), followed
    # to as_of; 2025-02 and 2025-06 were acquired after the period and are left out
    sec = build_retention(quiet(), period="2025-01", as_of=AS_OF, projection=Projection())
    assert sec.table["cohort"].unique().tolist() == ["2025-01"]
    assert sec.heat["cohort"].unique().tolist() == ["2025-01"]
    # month 12 of 2025-01 = January 2026: C1 ordered (01-05), C2 did not -> 1 / 2
    assert (sec.year_retention.value, sec.year_cohorts.value) == (0.5, 1)
    # month 1 (February 2025): C1 ordered (02-15) -> 1 / 2
    assert sec.pooled.set_index("months_since")["retention"][1] == 0.5
