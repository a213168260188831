import math

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings
from kpi_fixtures import costs, leads

from kpilib.errors import DataError, ParameterError
from kpilib.kpis.acquisition import CAC_COLUMNS, NO_CUSTOMER, cac

NAN = math.nan


def _frame(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=CAC_COLUMNS)
    for c in ["period", "channel", "cac_note"]:
        out[c] = out[c].astype("str")
    return out


def test_cac_by_new_customers():
    # Sep: cost 300 ads + 1000 shared = 1300; new customers: C1 (ads) -> 1
    #   ads gets all shared costs (1/1): 300 + 1000
    # Oct: cost 600 + 400 + 900 + 300 + 100 = 2300; new customers C2, C3 (ads); C1 is a repeat
    #   shared 1300 all to ads (2/2): 600 + 1300 = 1900, 1900 / 2 = 950
    #   events: 400 direct, no customer -> NaN with a note; 1900 + 400 = 2300
    expected = _frame(
        [
            ("2026-09", None, 1300.0, 1, 1300.0, None, 1000.0, 0.0, 0.0, 300.0, 0.0),
            ("2026-09", "ads", 1300.0, 1, 1300.0, None, 1000.0, 0.0, 0.0, 300.0, 0.0),
            ("2026-10", None, 2300.0, 2, 1150.0, None, 900.0, 300.0, 0.0, 1000.0, 100.0),
            ("2026-10", "ads", 1900.0, 2, 950.0, None, 900.0, 300.0, 0.0, 600.0, 100.0),
            ("2026-10", "events", 400.0, 0, NAN, NO_CUSTOMER, 0.0, 0.0, 0.0, 400.0, 0.0),
        ]
    )
    pd.testing.assert_frame_equal(cac(leads(), costs()), expected)


def test_cac_by_leads():
    # Oct leads (as_of 10-21): ads L3 L4 L7 = 3, events L5 L8 = 2, referral L6 = 1 -> 6
    # shared 1300: ads 3/6 -> 650, events 2/6 -> 433.33, referral 1/6 -> 216.67
    out = cac(leads(), costs(), period="2026-10", allocation="leads")
    assert out["channel"].tolist()[1:] == ["ads", "events", "referral"]
    assert out["cost"].tolist() == pytest.approx([2300.0, 1250.0, 400 + 1300 / 3, 1300 / 6])
    # 1250 / 2; events and referral have no customer
    assert out["cac"].tolist()[:2] == [1150.0, 625.0]
    assert out["cac"].isna().tolist() == [False, False, True, True]
    assert out["cac_note"].tolist()[2:] == [NO_CUSTOMER, NO_CUSTOMER]


def test_cac_without_allocation():
    # shared costs stay in the blended row: ads 600 / 2 = 300
    out = cac(leads(), costs(), period="2026-10", allocation="none")
    assert out["cost"].tolist() == [2300.0, 600.0, 400.0]
    assert out["cac"].tolist()[:2] == [1150.0, 300.0]


def test_cac_lag():
    # lag 1: Sep costs (1300) against Oct customers (2) -> 650; Oct costs would be Nov's,
    # after as_of; Aug has no cost, so there is no Sep row
    out = cac(leads(), costs(), lag=1)
    expected = _frame(
        [
            ("2026-10", None, 1300.0, 2, 650.0, None, 1000.0, 0.0, 0.0, 300.0, 0.0),
            ("2026-10", "ads", 1300.0, 2, 650.0, None, 1000.0, 0.0, 0.0, 300.0, 0.0),
        ]
    )
    pd.testing.assert_frame_equal(out, expected)


def test_cac_quarter_and_as_of():
    # Q4 = October only here, labelled 2026-Q4
    out = cac(leads(), costs(), period="2026-Q4")
    assert out["period"].tolist() == ["2026-Q4"] * 3
    assert out["cac"].tolist()[:2] == [1150.0, 950.0]
    # as_of in September: October costs and customers do not count
    sep = cac(leads(), costs(), as_of="2026-09-30")
    assert sep["period"].tolist() == ["2026-09", "2026-09"]


def test_no_customer_at_all_is_nan_not_inf():
    # as_of 10-05: no October sale yet; blended 2300 / 0 -> NaN, explained; shared costs
    # find no base, so channels keep their direct costs only
    out = cac(leads(), costs(), as_of="2026-10-05", period="2026-10")
    assert out["cost"].tolist() == [2300.0, 600.0, 400.0]
    assert out["cac"].isna().all()
    assert out["cac_note"].tolist() == [NO_CUSTOMER] * 3


def test_empty_period():
    out = cac(leads(), costs(), period="2026-08")
    assert list(out.columns) == CAC_COLUMNS
    assert len(out) == 0


def test_errors():
    with pytest.raises(ParameterError) as err:
        cac(leads(), costs(), allocation="revenue")
    assert str(err.value) == (
        "allocation = 'revenue' is invalid; expected 'new_customers', 'leads' or 'none'."
    )
    with pytest.raises(ParameterError) as err:
        cac(leads(), costs(), lag=-1)
    assert str(err.value) == "lag = -1 is invalid; expected a whole number of periods, 0 or more."
    with pytest.raises(DataError) as err:
        cac(leads(), costs().drop(columns=["category"]))
    assert str(err.value) == (
        "costs: missing column 'category' (it has: period, channel, team, amount). kpilib.cac "
        "expects the costs table (period, category, amount); pass kpilib.load_dataset(folder)"
        ".costs, or rename the matching columns as docs/data-model.md shows."
    )


def test_inputs_not_mutated():
    frame, cost = leads(), costs()
    cac(frame, cost, allocation="leads")
    pd.testing.assert_frame_equal(frame, leads())
    pd.testing.assert_frame_equal(cost, costs())


channels = st.sampled_from(["ads", "events", "referral", None])


@settings(max_examples=15, deadline=None)
@given(
    lines=st.lists(
        st.tuples(channels, st.floats(min_value=0, max_value=1e6)), min_size=1, max_size=8
    ),
    allocation=st.sampled_from(["new_customers", "leads"]),
)
def test_allocation_conserves_cost(lines, allocation):
    cost = pd.DataFrame(
        {
            "period": pd.Series(["2026-10"] * len(lines), dtype="str"),
            "category": pd.Series(["campaigns"] * len(lines), dtype="str"),
            "channel": pd.Series([c for c, _ in lines], dtype="str"),
            "amount": [a for _, a in lines],
        }
    )
    out = cac(leads(), cost, period="2026-10", allocation=allocation)
    blended, by_channel = out.iloc[0], out.iloc[1:]
    # October has customers (ads) and leads in every channel: every shared cost finds a base
    assert by_channel["cost"].sum() == pytest.approx(blended["cost"], rel=1e-9, abs=1e-6)
    assert blended["cost"] == pytest.approx(sum(a for _, a in lines), rel=1e-9, abs=1e-6)
    assert (out["cac"].dropna() >= 0).all()
