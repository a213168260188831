"""Ad-platform exports → costs: Google Ads, Meta Ads Manager, LinkedIn Campaign Manager."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.errors import DataError
from kpilib.importers import read_exports
from kpilib.importers.ads import spread_by_month

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def costs(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["period", "category", "channel", "team", "amount"])
    for col in ("period", "category", "channel", "team"):
        frame[col] = frame[col].astype("str")
    frame["amount"] = frame["amount"].astype("float64")
    return frame


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_google_ads_utf16_tab_report_with_title_lines_and_total_rows():
    got = read_exports("google-ads", [FIXTURES / "google_ads_daily_utf16.csv"])
    # September: 1,234.56. October: 1,000.00 + 45.50 ("--" is blank, not 0).
    # The two "Total:" rows are not spend.
    want = costs([
        ("2025-09", "campaigns", "paid_search", None, 1234.56),
        ("2025-10", "campaigns", "paid_search", None, 1045.50),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)
    assert got.currency == "EUR"


def test_google_ads_without_day_column_takes_the_single_month_above_the_header():
    got = read_exports("google-ads", [FIXTURES / "google_ads_month.csv"])
    # 2,000.00 + 500.25 for October 2025.
    pd.testing.assert_frame_equal(
        got.frame, costs([("2025-10", "campaigns", "paid_search", None, 2500.25)])
    )


def test_google_ads_without_day_column_over_two_months_is_refused(tmp_path):
    path = write(tmp_path, "report.csv", (
        "Campaign report\nSeptember 1, 2025 - October 31, 2025\n"
        "Campaign,Currency code,Cost\nBrand,EUR,10\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("google-ads", [path])
    assert str(err.value) == (
        "report.csv: the report covers 2025-09-01 to 2025-10-31 without a day column, so its "
        "spend cannot be put in months. Export it again with a Day (date) breakdown, or one "
        "report per calendar month."
    )


def test_google_ads_all_time_report_is_refused(tmp_path):
    path = write(tmp_path, "report.csv", (
        "Campaign report\nAll time\nCampaign,Currency code,Cost\nBrand,EUR,10\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("google-ads", [path])
    assert str(err.value) == (
        "report.csv: the report has no day column and no date range above its header "
        "(Campaign report All time). Export it again with a Day (date) breakdown, or for one "
        "calendar month."
    )


def test_google_ads_german_labels_and_decimal_comma(tmp_path):
    path = write(tmp_path, "bericht.csv", (
        "Kampagnenbericht\n1. Oktober 2025 - 31. Oktober 2025\n"
        'Tag,Kampagne,Währungscode,Kosten\n'
        '01.10.2025,Marke,EUR,"1.234,56"\n'
        '13.10.2025,Marke,EUR,"10,44"\n'
        'Gesamt: Konto,,EUR,"1.245,00"\n'
    ))  # fmt: skip
    got = read_exports("google-ads", [path])
    # 1.234,56 + 10,44 = 1 245.00; dates are day-first (13.10.2025).
    pd.testing.assert_frame_equal(
        got.frame, costs([("2025-10", "campaigns", "paid_search", None, 1245.0)])
    )


def test_meta_ads_french_export_with_currency_in_header_spreads_ranges_over_days():
    got = read_exports("meta-ads", [FIXTURES / "meta_ads_fr.csv"])
    # "Prospection" 400 over 2025-09-29..10-02 = 4 days of 100: 200 in September,
    # 200 in October; plus "Retargeting" 35.5 on 10-05.
    want = costs([
        ("2025-09", "campaigns", "social_ads", None, 200.0),
        ("2025-10", "campaigns", "social_ads", None, 235.5),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)
    assert got.currency == "EUR"


def test_linkedin_export_with_preamble_and_month_first_dates():
    got = read_exports("linkedin-ads", [FIXTURES / "linkedin_campaigns.csv"])
    # 120.50 + 80 + 0 in October (10/13/2025 tells month-first).
    pd.testing.assert_frame_equal(
        got.frame, costs([("2025-10", "campaigns", "social_ads", None, 200.5)])
    )


def test_campaign_map_sets_channel_and_team(tmp_path):
    mapping = write(tmp_path, "mapping.toml", (
        'source = "google-ads"\n[campaigns]\n'
        '"Display retargeting" = { channel = "display", team = "North" }\n'
    ))  # fmt: skip
    got = read_exports("google-ads", [FIXTURES / "google_ads_daily_utf16.csv"], mapping=mapping)
    want = costs([
        ("2025-09", "campaigns", "paid_search", None, 1234.56),
        ("2025-10", "campaigns", "display", "North", 45.5),
        ("2025-10", "campaigns", "paid_search", None, 1000.0),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)
    assert got.notes == [
        "1 campaign without a line in [campaigns] counted under channel paid_search."
    ]


def test_blank_spend_stays_blank(tmp_path):
    path = write(tmp_path, "report.csv", (
        "Day,Campaign,Currency code,Cost\n2025-10-01,Brand,EUR,--\n"
    ))  # fmt: skip
    got = read_exports("google-ads", [path])
    assert got.frame["period"].tolist() == ["2025-10"]
    assert np.isnan(got.frame["amount"].iloc[0])


def test_files_in_different_currencies_are_refused(tmp_path):
    usd = write(tmp_path, "us.csv", (
        "Reporting starts,Reporting ends,Campaign name,Amount spent (USD)\n"
        "2025-10-01,2025-10-01,US,10\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("meta-ads", [FIXTURES / "meta_ads_fr.csv", usd])
    assert str(err.value) == (
        "The files are in different currencies (meta_ads_fr.csv: EUR, us.csv: USD). A dataset "
        "has one currency: give a rate table (--rates rates.csv --currency EUR), or export "
        "them in one currency."
    )
    got = read_exports("meta-ads", [usd], rates={"USD": 0.5}, currency="EUR")
    pd.testing.assert_frame_equal(
        got.frame, costs([("2025-10", "campaigns", "social_ads", None, 5.0)])
    )


def test_spread_by_month_keeps_the_total():
    start = pd.Series(pd.to_datetime(["2025-01-20", "2025-03-01"]))
    end = pd.Series(pd.to_datetime(["2025-03-10", "2025-03-01"]))
    # 50 days (12 in Jan, 28 in Feb, 10 in Mar) of 100 each.
    got = spread_by_month(start, end, pd.Series([5000.0, 7.0]))
    assert got["amount"].tolist() == [1200.0, 2800.0, 1000.0, 7.0]
    assert got["amount"].sum() == 5007.0


@settings(deadline=None, max_examples=50)
@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
    days=st.integers(min_value=0, max_value=400),
    amount=st.floats(min_value=0, max_value=1e7, allow_nan=False),
)
def test_spreading_keeps_every_amount_and_covers_each_month_once(start, days, amount):
    first = pd.Series(pd.to_datetime([start]))
    last = first + pd.Timedelta(days=days)
    got = spread_by_month(first, last, pd.Series([amount]))
    assert got["amount"].sum() == pytest.approx(amount, rel=1e-9, abs=1e-6)
    assert got["period"].is_unique
    assert (
        got["period"].tolist()
        == pd.period_range(first[0], last[0], freq="M").strftime("%Y-%m").tolist()
    )


def test_range_ending_before_it_starts_is_reported(tmp_path):
    path = write(tmp_path, "meta.csv", (
        "Reporting starts,Reporting ends,Campaign name,Amount spent (EUR)\n"
        "2025-10-05,2025-10-01,Prospection,10\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("meta-ads", [path])
    assert str(err.value) == (
        "meta.csv: 1 row ends before it starts (row 2). Check the reporting dates, or export the "
        "report again."
    )
