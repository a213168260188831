import math

import pandas as pd
import pytest
from kpi_fixtures import costs, leads, orders

from kpilib.errors import DataError, ParameterError
from kpilib.kpis.value import COHORT_VALUE_COLUMNS, PAYBACK_COLUMNS, cohort_value, payback

NAN = math.nan


def test_cohort_value_hand_computed():
    # as_of 10-21 (L8's visit). Customers: C1 acquired 09-20 (Sep), C2 10-08 and C3 10-14 (Oct).
    # Sep cohort, 1 customer: Sep margin O1 400; Oct O4 280 + O6 700 = 980 -> cumulative 1380
    # Oct cohort, 2 customers: O2 800 + O3 200 = 1000 -> 500 each
    # O5 belongs to C9, who is not in leads: ignored
    expected = pd.DataFrame(
        {
            "cohort": pd.Series(["2026-09", "2026-09", "2026-10"], dtype="str"),
            "months_since": [0, 1, 0],
            "customers": [1, 1, 2],
            "margin_per_customer": [400.0, 980.0, 500.0],
            "cumulative_margin_per_customer": [400.0, 1380.0, 500.0],
        }
    )
    pd.testing.assert_frame_equal(cohort_value(leads(), orders()), expected)


def test_cohort_value_as_of_and_empty_month():
    # as_of 11-30 fills November with 0 margin; as_of 10-15 drops O6 (10-20)
    late = cohort_value(leads(), orders(), as_of="2026-11-30")
    assert late["months_since"].tolist() == [0, 1, 2, 0, 1]
    # Sep cohort: 400, 1380, 1380; Oct cohort: 500, 500
    assert late["cumulative_margin_per_customer"].tolist() == [400.0, 1380.0, 1380.0, 500, 500]
    early = cohort_value(leads(), orders(), as_of="2026-10-15")
    # Sep cohort month 1: only O4, 280 -> 680
    assert early["cumulative_margin_per_customer"].tolist() == [400.0, 680.0, 500.0]


def test_default_as_of_looks_at_orders_too():
    # an order on 11-03 is the latest date anywhere: November is observed (0 margin for
    # the Sep and Oct cohorts, whose orders end in October)
    extra = pd.DataFrame(
        {
            "order_id": pd.Series(["O7"], dtype="str"),
            "customer_id": pd.Series(["C9"], dtype="str"),
            "order_date": pd.Series(pd.to_datetime(["2026-11-03"]), dtype="datetime64[us]"),
            "revenue": [10.0],
            "gross_margin": [5.0],
        }
    )
    out = cohort_value(leads(), pd.concat([orders(), extra], ignore_index=True))
    assert out["months_since"].tolist() == [0, 1, 2, 0, 1]


def test_cohort_value_empty():
    # as_of before the first sale (09-20): no customer, no cohort
    out = cohort_value(leads(), orders(), as_of="2026-09-15")
    assert list(out.columns) == COHORT_VALUE_COLUMNS
    assert len(out) == 0
    empty = payback(leads(), orders(), costs(), as_of="2026-09-15")
    assert list(empty.columns) == PAYBACK_COLUMNS
    assert len(empty) == 0


def test_cohort_value_by_channel():
    out = cohort_value(leads(), orders(), by="channel")
    assert list(out.columns) == ["cohort", "channel", *COHORT_VALUE_COLUMNS[1:]]
    assert out["channel"].tolist() == ["ads", "ads", "ads"]


def test_payback_hand_computed():
    # blended CAC: Sep 1300 / 1 = 1300, Oct 2300 / 2 = 1150 (see test_acquisition)
    # Sep cohort: cumulative 400 (month 0) < 1300 <= 1380 (month 1) -> payback 1
    #   clv 1380, 1380 / 1300 = 1.061538 < 3 -> flagged
    # Oct cohort: 500 < 1150 -> not paid back after 0 months -> <NA>, not flagged yet
    #   clv 500, 500 / 1150 = 0.434783
    expected = pd.DataFrame(
        {
            "cohort": pd.Series(["2026-09", "2026-10"], dtype="str"),
            "customers": [1, 2],
            "cac": [1300.0, 1150.0],
            "payback_months": pd.array([1, None], dtype="Int64"),  # whole months, or unknown
            "months_observed": [1, 0],
            "clv": [1380.0, 500.0],
            "ltv_to_cac": [1380 / 1300, 500 / 1150],
            "flag_ltv_to_cac": [True, True],
            "flag_payback": [False, False],
        }
    )
    pd.testing.assert_frame_equal(payback(leads(), orders(), costs()), expected)


def test_payback_thresholds():
    out = payback(leads(), orders(), costs(), ltv_to_cac_min=1.0, payback_max_months=0)
    # 1.06 >= 1 -> not flagged; 0.43 < 1 -> flagged; Sep pays back in 1 month > 0
    assert out["flag_ltv_to_cac"].tolist() == [False, True]
    assert out["flag_payback"].tolist() == [True, False]
    # Oct not paid back after 1 observed month > 0 -> flagged
    later = payback(
        leads(), orders(), costs(), as_of="2026-11-30", ltv_to_cac_min=1.0, payback_max_months=0
    )
    assert later["payback_months"].isna().tolist() == [False, True]
    assert later["flag_payback"].tolist() == [True, True]


def test_payback_by_channel_and_missing_cost():
    # ads is the only acquisition channel: channel CAC = 1300 (Sep) and 1900 / 2 = 950 (Oct)
    out = payback(leads(), orders(), costs(), by="channel")
    assert out["cac"].tolist() == [1300.0, 950.0]
    assert list(out.columns) == ["cohort", "channel", *PAYBACK_COLUMNS[1:]]
    # without September costs the Sep cohort has no CAC: no payback, ratio or flag
    no_sep = payback(leads(), orders(), costs().iloc[2:])
    first = no_sep.iloc[0]
    assert math.isnan(first["cac"]) and first["payback_months"] is pd.NA
    assert math.isnan(first["ltv_to_cac"])
    assert not first["flag_ltv_to_cac"] and not first["flag_payback"]


def test_errors():
    with pytest.raises(ParameterError) as err:
        cohort_value(leads(), orders(), by="team")
    assert str(err.value) == "by = 'team' is invalid; expected None or 'channel'."
    with pytest.raises(DataError) as err:
        cohort_value(leads(), orders().drop(columns=["gross_margin"]))
    assert str(err.value) == (
        "orders: missing column 'gross_margin' (it has: order_id, customer_id, order_date, "
        "revenue). kpilib.cohort_value expects the orders table (customer_id, order_date, "
        "gross_margin); pass kpilib.load_dataset(folder).orders, or rename the matching "
        "columns as docs/data-model.md shows."
    )


def test_payback_without_costs():
    with pytest.raises(DataError) as err:
        payback(leads(), orders(), None)
    assert str(err.value) == (
        "costs: no table given (None). This calculation needs the costs table; load a "
        "dataset that has it or pass the frame."
    )


def test_inputs_not_mutated():
    frame, order, cost = leads(), orders(), costs()
    payback(frame, order, cost, by="channel")
    pd.testing.assert_frame_equal(frame, leads())
    pd.testing.assert_frame_equal(order, orders())
    pd.testing.assert_frame_equal(cost, costs())
