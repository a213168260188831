import math

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings
from kpi_fixtures import leads, targets

from kpilib.errors import DataError, ParameterError
from kpilib.kpis.objectives import ATTAINMENT_COLUMNS, attainment

NAN = math.nan

# as_of 2026-10-15 (Thursday): October has 22 business days, 11 elapsed, 11 left.
# Q4 has 66 business days (22 + 21 + 23), 11 elapsed, 55 left; November 21.
# The data starts in September 2026, so only September counts in trailing averages.
EXPECTED = pd.DataFrame(
    [
        # Sep sales: L1 -> 1; closed: no pace; Jun-Aug before the data -> no trailing average
        (
            "2026-09",
            "sales",
            "company",
            None,
            None,
            2.0,
            1.0,
            1.0,
            0.5,
            NAN,
            NAN,
            NAN,
            None,
            NAN,
            NAN,
        ),
        # Oct leads of South by as_of: L5, L6 -> 2; projected 2 * 22 / 11 = 4, 4 / 8 = 0.5
        # required (8 - 2) / 11; trailing: Sep South leads = L2 -> 1, realism 8 / 1
        (
            "2026-10",
            "leads",
            "team",
            "South",
            None,
            8.0,
            2.0,
            6.0,
            0.25,
            4.0,
            0.5,
            6 / 11,
            "off track",
            1.0,
            8.0,
        ),
        # Oct new customers: C2 (L3), C3 (L4); C1 (L7) is a repeat -> 2; target 0 -> NaN ratios
        # required max(0 - 2, 0) / 11 = 0; trailing: Sep new customers C1 -> 1, realism 0 / 1
        (
            "2026-10",
            "new_customers",
            "company",
            None,
            None,
            0.0,
            2.0,
            -2.0,
            NAN,
            4.0,
            NAN,
            0.0,
            None,
            1.0,
            0.0,
        ),
        # Ann's Oct revenue by as_of: L3 2000 + L7 700 = 2700; projected 5400, 5400 / 6000 = 0.9
        # required 3300 / 11 = 300; trailing: Ann's Sep revenue 1000
        (
            "2026-10",
            "revenue",
            "rep",
            "North",
            "Ann",
            6000.0,
            2700.0,
            3300.0,
            0.45,
            5400.0,
            0.9,
            300.0,
            "at risk",
            1000.0,
            6.0,
        ),
        # Oct sales by as_of: L3, L4 (10-14 16:30 counts: as_of is a whole day), L7 -> 3
        # projected 6, 6 / 5 = 1.2; required 2 / 11; trailing Sep sales 1 -> realism 5
        (
            "2026-10",
            "sales",
            "company",
            None,
            None,
            5.0,
            3.0,
            2.0,
            0.6,
            6.0,
            1.2,
            2 / 11,
            "on track",
            1.0,
            5.0,
        ),
        # Nov has not started: only the required rate, 10 / 21; trailing: Oct 5 leads (L3-L7,
        # L8 is after as_of) and Sep 2 leads -> 3.5; Aug is before the data
        (
            "2026-11",
            "leads",
            "company",
            None,
            None,
            10.0,
            0.0,
            10.0,
            0.0,
            NAN,
            NAN,
            10 / 21,
            None,
            3.5,
            10 / 3.5,
        ),
        # Q4 offers by as_of: L3, L4, L5, L7 -> 4; projected 4 * 66 / 11 = 24, 24 / 40 = 0.6
        # required 36 / 55; Q3 starts in July, before the data -> no trailing average
        (
            "2026-Q4",
            "offers",
            "company",
            None,
            None,
            40.0,
            4.0,
            36.0,
            0.1,
            24.0,
            0.6,
            36 / 55,
            "off track",
            NAN,
            NAN,
        ),
    ],
    columns=ATTAINMENT_COLUMNS,
)


def _expected(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in ["period", "metric", "scope", "team", "owner", "status"]:
        out[c] = out[c].astype("str")
    return out


def test_attainment_hand_computed():
    out = attainment(leads(), targets(), as_of="2026-10-15")
    pd.testing.assert_frame_equal(out, _expected(EXPECTED))


def test_default_as_of_is_latest_date():
    # default as_of = 2026-10-21 (L8's visit): Oct 6 leads, 15 business days elapsed
    out = attainment(leads(), targets(), period="2026-11")
    row = out[out["metric"] == "offers"].iloc[0]  # Q4 overlaps November
    # projected 4 offers * 66 / 15
    assert row["projected"] == pytest.approx(4 * 66 / 15)
    nov = out[out["period"] == "2026-11"].iloc[0]
    # trailing: (6 Oct + 2 Sep) / 2
    assert nov["trailing_average"] == 4.0


def test_period_filter_keeps_overlapping_targets():
    out = attainment(leads(), targets(), as_of="2026-10-15", period="2026-10")
    assert sorted(set(out["period"])) == ["2026-10", "2026-Q4"]


def test_empty_period_and_no_target():
    out = attainment(leads(), targets(), as_of="2026-10-15", period="2025-01")
    assert list(out.columns) == ATTAINMENT_COLUMNS
    assert len(out) == 0


def test_metric_without_its_column_has_null_actual():
    frame = leads().drop(columns=["visit_at"])
    tgt = pd.DataFrame({"period": ["2026-10"], "metric": ["visits"], "target": [4.0]})
    out = attainment(frame, tgt, as_of="2026-10-15")
    assert out[["actual", "attainment", "gap"]].isna().all(axis=None)
    assert out["status"].isna().all()


def test_team_target_without_team_column_has_null_actual():
    frame = leads().drop(columns=["team", "owner"])
    out = attainment(frame, targets(), as_of="2026-10-15", period="2026-10")
    # company targets still measured; South's leads and Ann's revenue cannot be
    measured = out.set_index(["metric", "scope"])["actual"]
    assert measured[("sales", "company")] == 3.0
    assert pd.isna(measured[("leads", "team")]) and pd.isna(measured[("revenue", "rep")])


def test_team_and_rep_from_lead():
    tgt = pd.DataFrame(
        {
            "period": ["2026-10"] * 3,
            "metric": ["sales"] * 3,
            "team": ["North", "North", None],
            "owner": [None, "Cid", "Cid"],
            "target": [3.0, 2.0, 2.0],
        }
    )
    out = attainment(leads(), tgt, as_of="2026-10-15")
    # North: L3, L4, L7 -> 3; Cid: L4 -> 1, with or without his team; team rows before reps
    expected = pd.DataFrame(
        {
            "scope": ["team", "rep", "rep"],
            "team": ["North", None, "North"],
            "owner": [None, "Cid", "Cid"],
            "actual": [3.0, 1.0, 1.0],
        }
    ).astype({"scope": "str", "team": "str", "owner": "str"})
    pd.testing.assert_frame_equal(out[["scope", "team", "owner", "actual"]], expected)


def test_inputs_not_mutated():
    frame, tgt = leads(), targets()
    attainment(frame, tgt, as_of="2026-10-15")
    pd.testing.assert_frame_equal(frame, leads())
    pd.testing.assert_frame_equal(tgt, targets())


def test_thresholds_order():
    with pytest.raises(ParameterError) as err:
        attainment(leads(), targets(), on_track=0.8, at_risk=0.9)
    assert str(err.value) == (
        "at_risk (0.9) is above on_track (0.8); at_risk must be the lower threshold."
    )


def test_missing_target_column():
    with pytest.raises(DataError) as err:
        attainment(leads(), targets().drop(columns=["target"]))
    assert str(err.value) == (
        "targets: missing column 'target' (it has: period, metric, team, owner). "
        "kpilib.attainment expects the targets table (period, metric, target); pass "
        "kpilib.load_dataset(folder).targets, or rename the matching columns as "
        "docs/data-model.md shows."
    )


def test_bad_target_period():
    tgt = targets().assign(period="Oct 26")
    with pytest.raises(DataError) as err:
        attainment(leads(), tgt)
    assert str(err.value) == (
        "targets: period 'Oct 26' does not parse. Write periods as 2026-10 (month), "
        "2026-Q4 (quarter) or FY2026 (fiscal year)."
    )


@settings(max_examples=10, deadline=None)
@given(
    days=st.lists(st.integers(min_value=1, max_value=31), min_size=0, max_size=30),
    copies=st.integers(min_value=1, max_value=4),
    target=st.floats(min_value=1.0, max_value=500.0),
)
def test_attainment_linear_in_actuals(days, copies, target):
    base = pd.DataFrame(
        {
            "lead_id": pd.Series([f"L{i}" for i in range(len(days))], dtype="str"),
            "lead_at": pd.to_datetime([f"2026-10-{d:02d}" for d in days]).astype("datetime64[us]"),
        }
    )
    many = pd.concat(
        [base.assign(lead_id=base["lead_id"] + f"-{k}") for k in range(copies)],
        ignore_index=True,
    )
    tgt = pd.DataFrame({"period": ["2026-10"], "metric": ["leads"], "target": [target]})
    one = attainment(base, tgt, as_of="2026-10-31").iloc[0]
    out = attainment(many, tgt, as_of="2026-10-31").iloc[0]
    # actual and attainment scale with the number of copies; attainment = actual / target
    assert one["actual"] == len(days)
    assert out["actual"] == copies * len(days)
    assert out["attainment"] == pytest.approx(copies * one["attainment"])
    assert out["attainment"] == pytest.approx(out["actual"] / target)
    assert out["gap"] == pytest.approx(target - out["actual"])
