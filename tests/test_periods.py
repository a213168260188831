import datetime as dt

import pandas as pd
import pytest

from kpilib.data.periods import (
    Pace,
    business_days,
    month_key,
    month_label,
    pace,
    parse_period,
    resolve_as_of,
)
from kpilib.errors import ParameterError


@pytest.mark.parametrize(
    ("text", "fy_start", "start", "end", "kind"),
    [
        ("2026-10", 1, dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1), "month"),
        ("2026-12", 1, dt.datetime(2026, 12, 1), dt.datetime(2027, 1, 1), "month"),
        ("2026-Q4", 1, dt.datetime(2026, 10, 1), dt.datetime(2027, 1, 1), "quarter"),
        ("FY2026", 1, dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1), "year"),
        # fiscal year starting in April, named after the year it ends in
        ("FY2026", 4, dt.datetime(2025, 4, 1), dt.datetime(2026, 4, 1), "year"),
        ("2026-Q1", 4, dt.datetime(2025, 4, 1), dt.datetime(2025, 7, 1), "quarter"),
        ("2026-Q4", 4, dt.datetime(2026, 1, 1), dt.datetime(2026, 4, 1), "quarter"),
        # a month is a calendar month whatever the fiscal year
        ("2026-10", 4, dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1), "month"),
    ],
)
def test_parse_period(text, fy_start, start, end, kind):
    p = parse_period(text, fiscal_year_start=fy_start)
    assert (p.start, p.end, p.kind, p.label) == (start, end, kind, text)


def test_period_shift_labels_and_months():
    q = parse_period("2026-Q1", fiscal_year_start=4)
    assert [q.shift(-k).label for k in range(1, 4)] == ["2025-Q4", "2025-Q3", "2025-Q2"]
    assert parse_period("FY2026", fiscal_year_start=4).shift(-1).label == "FY2025"
    assert parse_period("2026-01").shift(-1).label == "2025-12"
    assert parse_period("2026-Q4").months == 3
    assert parse_period("2026-Q4").contains(parse_period("2026-11"))
    assert not parse_period("2026-Q4").contains(parse_period("FY2026"))
    assert parse_period("FY2026").overlaps(parse_period("2026-Q4"))


def test_month_keys():
    # 2026 * 12 + 10 - 1 = 24321
    assert month_key(2026, 10) == 24321
    assert month_label(24321) == "2026-10"
    assert month_label(month_key(2027, 1)) == "2027-01"


@pytest.mark.parametrize("text", ["2026-13", "26-10", "2026-Q5", "FY26", "", "october"])
def test_bad_period(text):
    with pytest.raises(ParameterError) as err:
        parse_period(text)
    assert str(err.value) == (
        f"period {text!r} is not understood. Write a month as 2026-10, a fiscal quarter as "
        "2026-Q4 or a fiscal year as FY2026."
    )


def test_bad_fiscal_year_start():
    with pytest.raises(ParameterError) as err:
        parse_period("FY2026", fiscal_year_start=13)
    assert str(err.value) == (
        "fiscal_year_start = 13 is invalid; expected a whole month number from 1 to 12."
    )


def test_business_days():
    # October 2026: 31 days, weekends 3-4, 10-11, 17-18, 24-25, 31 -> 31 - 9 = 22
    assert business_days(dt.date(2026, 10, 1), dt.date(2026, 11, 1)) == 22
    # Q4 2026: October 22 + November 21 (weekends 1, 7-8, 14-15, 21-22, 28-29) + December 23
    assert parse_period("2026-Q4").business_days == 66
    # a weekend alone has none
    assert business_days("2026-10-03", "2026-10-05") == 0


def test_pace_states():
    october = parse_period("2026-10")
    # Thu 1 .. Thu 15 October: 1, 2, 5-9, 12-15 = 11 business days
    assert pace(october, "2026-10-15") == Pace("open", 22, 11)
    assert pace(october, "2026-10-15").left == 11
    # the last day closes the period, even a Saturday
    assert pace(october, "2026-10-31") == Pace("closed", 22, 22)
    assert pace(october, "2026-09-30") == Pace("future", 22, 0)
    # Saturday 3 October: 2 business days elapsed
    assert pace(october, dt.date(2026, 10, 3)) == Pace("open", 22, 2)


def test_resolve_as_of():
    # default: the day of the latest date; explicit: that day at 00:00
    assert resolve_as_of(None, pd.Timestamp("2026-10-31 23:58:15")) == dt.datetime(2026, 10, 31)
    assert resolve_as_of(dt.date(2026, 10, 2), None) == dt.datetime(2026, 10, 2)
    assert resolve_as_of(pd.Timestamp("2026-10-02 10:00", tz="UTC"), None) == dt.datetime(
        2026, 10, 2
    )


def test_resolve_as_of_errors():
    with pytest.raises(ParameterError) as err:
        resolve_as_of("yesterday", None)
    assert str(err.value) == (
        "as_of = 'yesterday' is not a date. Pass a date such as '2026-10-31', a "
        "datetime.date or a pandas Timestamp."
    )
    with pytest.raises(ParameterError) as err:
        resolve_as_of(None, pd.NaT)
    assert str(err.value) == (
        "as_of could not be inferred: the data holds no date. Pass as_of='YYYY-MM-DD'."
    )
