"""Retention per acquisition cohort, and the lifetime read from it and from BG/NBD."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kpi_fixtures import leads, orders

from kpilib import load_dataset
from kpilib.data.dataset import Dataset
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.clv import BetaGeo
from kpilib.kpis.retention import (
    RETENTION_COLUMNS,
    cohort_lifetime,
    model_lifetime,
    retention,
)


def _table(rows: list[tuple]) -> pd.DataFrame:
    cohort, months, customers, active, partial = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "cohort": pd.Series(cohort, dtype="str"),
            "months_since": pd.Series(months, dtype="int64"),
            "customers": pd.Series(customers, dtype="int64"),
            "active": pd.Series(active, dtype="int64"),
            "retention": np.array(active, dtype="float64") / np.array(customers),
            "partial": pd.Series(partial, dtype="bool"),
        }
    )


def test_retention_hand_computed():
    # as_of 10-21 (L8's visit). Sep cohort: C1 (sale 09-20); Oct cohort: C2 (10-08), C3 (10-14)
    # Sep m0: O1 -> 1 of 1; Sep m1 (Oct): O4 and O6, both C1 -> 1 of 1 (counted once)
    # Oct m0: O2 (C2), O3 (C3) -> 2 of 2; O5 is C9's, not a customer of the leads
    # October holds as_of (10-21, not its last day): its cells are partial
    expected = _table(
        [
            ("2026-09", 0, 1, 1, False),
            ("2026-09", 1, 1, 1, True),
            ("2026-10", 0, 2, 2, True),
        ]
    )
    pd.testing.assert_frame_equal(retention(leads(), orders()), expected)


def test_retention_closed_months_and_quiet_months():
    # as_of 11-30, a month's last day: nothing is partial; November has no order:
    # Sep m2 = 0 of 1 -> 0.0, Oct m1 = 0 of 2 -> 0.0
    expected = _table(
        [
            ("2026-09", 0, 1, 1, False),
            ("2026-09", 1, 1, 1, False),
            ("2026-09", 2, 1, 0, False),
            ("2026-10", 0, 2, 2, False),
            ("2026-10", 1, 2, 0, False),
        ]
    )
    pd.testing.assert_frame_equal(retention(leads(), orders(), as_of="2026-11-30"), expected)


def test_order_before_acquisition_counts_in_month_zero():
    # C2's only order moved to 09-25, before its first sale (10-08): month 0 of October,
    # not month -1; as_of 10-31 closes October
    moved = orders()
    moved.loc[moved["order_id"] == "O2", "order_date"] = pd.Timestamp("2026-09-25")
    out = retention(leads(), moved, as_of="2026-10-31")
    oct0 = out[(out["cohort"] == "2026-10") & (out["months_since"] == 0)]
    assert oct0["active"].tolist() == [2]
    assert out["partial"].tolist() == [False, False, False]


def test_retention_needs_no_margin_column():
    out = retention(leads(), orders().drop(columns=["gross_margin", "revenue"]))
    assert out["active"].tolist() == [1, 1, 2]


def test_retention_empty():
    # as_of before the first sale (09-20): no customer, no cohort
    out = retention(leads(), orders(), as_of="2026-09-15")
    assert list(out.columns) == RETENTION_COLUMNS
    assert len(out) == 0


def test_retention_errors():
    with pytest.raises(DataError) as err:
        retention(leads(), orders().drop(columns=["order_date"]))
    assert str(err.value) == (
        "orders: missing column 'order_date' (it has: order_id, customer_id, revenue, "
        "gross_margin). kpilib.retention expects the orders table (customer_id, order_date); "
        "pass kpilib.load_dataset(folder).orders, or rename the matching columns as "
        "docs/data-model.md shows."
    )
    with pytest.raises(DataError) as err:
        retention(leads(), None)
    assert str(err.value) == (
        "orders: no table given (None). This calculation needs the orders table; load a "
        "dataset that has it or pass the frame."
    )


def test_retention_does_not_mutate_inputs():
    frame, order = leads(), orders()
    retention(frame, order)
    pd.testing.assert_frame_equal(frame, leads())
    pd.testing.assert_frame_equal(order, orders())


def test_dataset_method_uses_its_tables():
    ds = load_dataset("data/sample")
    got = ds.retention(as_of="2026-10-15")
    pd.testing.assert_frame_equal(got, retention(ds.leads, ds.orders, as_of="2026-10-15"))


def test_cohort_lifetime_hand_computed():
    # step 1: cohorts A, B observed -> (6 + 2) / (10 + 4) = 8/14
    # step 2: only A (B's month 2 is partial, left out) -> 3 / 6 = 0.5
    # step 3: A comes back: 4 / 3 > 1, capped at 1
    # pooled over observed steps: (8 + 3 + 4) / (14 + 6 + 3) = 15/23; step 4 uses it
    table = _table(
        [
            ("A", 0, 10, 10, False),
            ("A", 1, 10, 6, False),
            ("A", 2, 10, 3, False),
            ("A", 3, 10, 4, False),
            ("B", 0, 4, 4, False),
            ("B", 1, 4, 2, False),
            ("B", 2, 4, 4, True),
        ]
    )
    life = cohort_lifetime(table, horizon_months=4)
    s1 = 8 / 14
    s2 = s1 * 0.5
    s4 = s2 * 15 / 23
    assert life.curve["survival"].tolist() == pytest.approx([1.0, s1, s2, s2, s4])
    assert life.curve["extrapolated"].tolist() == [False, False, False, False, True]
    # lifetime = S(0) + S(1) + S(2) + S(3) = 1 + 0.5714 + 0.2857 + 0.2857 = 2.1429
    assert life.months == pytest.approx(1 + s1 + 2 * s2)
    # churn over min(12, 4) = 4 months: 1 - S(4)^(1/4)
    assert life.churn == pytest.approx(1 - s4 ** (1 / 4))
    assert life.horizon == 4


def test_cohort_lifetime_without_an_observed_step():
    # one cohort, month 0 only: no step -> no curve past month 0
    life = cohort_lifetime(_table([("A", 0, 5, 5, False)]), horizon_months=3)
    assert life.curve["survival"].tolist()[0] == 1.0
    assert all(math.isnan(v) for v in life.curve["survival"].tolist()[1:])
    assert math.isnan(life.months) and math.isnan(life.churn)


def test_cohort_lifetime_errors():
    table = _table([("A", 0, 5, 5, False)])
    with pytest.raises(ParameterError) as err:
        cohort_lifetime(table, horizon_months=0)
    assert str(err.value) == (
        "horizon_months = 0 is invalid; expected a whole number of months, at least 1."
    )
    with pytest.raises(DataError) as err:
        cohort_lifetime(table.drop(columns=["partial", "active"]))
    assert str(err.value) == (
        "table: missing columns 'active', 'partial' (it has: cohort, months_since, customers, "
        "retention). kpilib.cohort_lifetime expects the frame of kpilib.retention(leads, "
        "orders) (cohort, months_since, active, partial); make it with that call."
    )


def test_model_lifetime_hand_computed():
    # r = alpha = a = b = 1 in months: S(t) = E[1 / (1 + p t)], p ~ U(0, 1) = ln(1 + t) / t
    bg = BetaGeo.from_params(r=1.0, alpha=1.0, a=1.0, b=1.0, time_unit="months")
    life = model_lifetime(bg, horizon_months=2)
    assert life.curve["survival"].tolist() == pytest.approx(
        [1.0, math.log(2), math.log(3) / 2], abs=1e-6
    )
    # lifetime = S(0) + S(1) = 1 + ln 2 = 1.6931; churn = 1 - (ln(3)/2)^(1/2) = 0.2588
    assert life.months == pytest.approx(1 + math.log(2), abs=1e-6)
    assert life.churn == pytest.approx(1 - math.sqrt(math.log(3) / 2), abs=1e-6)


def test_model_lifetime_reads_the_time_unit():
    # the same model in days: alpha = 365.25 / 12 days, so a month is alpha and
    # S(1 month) = E[1 / (1 + p)] = ln 2 again
    bg = BetaGeo.from_params(r=1.0, alpha=365.25 / 12, a=1.0, b=1.0, time_unit="days")
    assert model_lifetime(bg, horizon_months=1).curve["survival"].tolist() == pytest.approx(
        [1.0, math.log(2)], abs=1e-6
    )


def test_model_lifetime_needs_a_fitted_model_with_a_unit():
    with pytest.raises(ParameterError) as err:
        model_lifetime(BetaGeo.from_params(r=1.0, alpha=1.0, a=1.0, b=1.0))
    assert str(err.value) == (
        "model_lifetime: the model is not a fitted BetaGeo with a time unit; fit it with "
        "BetaGeo().fit(rfm_summary(...)) or give from_params a time_unit."
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 400)),  # customer, days after 2025-01-01
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 500),
)
def test_invariants(orders_spec, as_of_days):
    # every customer C0..C5 buys first on day 3 x its number; orders anywhere in the range
    start = pd.Timestamp("2025-01-01")
    ids = [f"C{i}" for i in range(6)]
    sales = [start + pd.Timedelta(days=3 * i) for i in range(6)]
    frame = pd.DataFrame({"lead_id": ids, "lead_at": sales, "sale_at": sales, "customer_id": ids})
    order = pd.DataFrame(
        {
            "customer_id": [f"C{c}" for c, _ in orders_spec],
            "order_date": [start + pd.Timedelta(days=d) for _, d in orders_spec],
        }
    )
    as_of = start + pd.Timedelta(days=as_of_days)
    table = retention(frame, order, as_of=as_of)
    assert ((table["active"] >= 0) & (table["active"] <= table["customers"])).all()
    assert table["retention"].between(0, 1).all()
    # the only partial cells are those of as_of's month, when it is not over
    month = table["cohort"].map(lambda c: pd.Period(c, "M")) + table["months_since"]
    open_month = (as_of + pd.Timedelta(days=1)).month == as_of.month
    expected = (month == pd.Period(as_of, "M")) & open_month
    assert table["partial"].tolist() == expected.tolist()
    life = cohort_lifetime(table, horizon_months=6)
    survival = life.curve["survival"].dropna().to_numpy()
    assert ((survival >= 0) & (survival <= 1)).all()
    assert (np.diff(survival) <= 1e-12).all()  # a survival curve never rises


def test_dataset_without_orders_says_which_table_to_add():
    with pytest.raises(DataError) as err:
        Dataset(leads=leads()).retention()
    assert str(err.value) == (
        "The dataset has no orders table: retention needs it. Add orders.csv (or "
        "orders.parquet) to the dataset folder; docs/data-model.md lists its columns."
    )


def test_horizon_must_be_a_whole_number_of_months():
    table = _table([("A", 0, 5, 5, False)])
    for bad in (2.5, True, "12"):
        with pytest.raises(ParameterError) as err:
            cohort_lifetime(table, horizon_months=bad)
        assert str(err.value) == (
            f"horizon_months = {bad!r} is invalid; expected a whole number of months, at least 1."
        )
