"""Shared quirks of exports: encodings, headers, ids, amounts, dates, currencies, mapping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.errors import DataError, ParameterError
from kpilib.importers import load_rates, read_exports
from kpilib.importers._dates import decide_order, parse_dates
from kpilib.importers._files import Export, read_export
from kpilib.importers._mapping import load_mapping
from kpilib.importers._text import label_key, match_columns
from kpilib.importers._values import convert_currency, parse_amounts, parse_ids

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
STAGES = ("lead", "visit", "offer", "sale")


def _export(n: int, name: str = "deals.csv") -> Export:
    return Export(name, pd.DataFrame(index=range(n)), np.arange(2, n + 2))


def _ts(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values, format="ISO8601"), dtype="datetime64[us]")


# --- headers -----------------------------------------------------------------


def test_label_key_folds_bom_case_accents_quotes_dashes_and_mojibake():
    assert label_key("\ufeffDate de CrÃ©ation") == "date de creation"
    assert label_key("Date d’entrée dans « Contrat – envoyé »") == (
        'date d\'entree dans " contrat - envoye "'
    )


def test_match_columns_finds_french_and_internal_labels():
    aliases = {"lead_at": ["Create Date", "createdate", "Date de création"], "x": ["X"]}
    assert match_columns(["DATE DE CREATION"], aliases) == {"lead_at": "DATE DE CREATION"}
    assert match_columns(["createdate"], aliases) == {"lead_at": "createdate"}


def test_header_below_title_rows_and_footer_rows_are_skipped():
    # Google Ads "Excel CSV": UTF-16 with BOM, tabs, two lines above the header,
    # two Total rows below the data.
    export = read_export(
        FIXTURES / "google_ads_daily_utf16.csv",
        known=["Day", "Campaign", "Cost"],
        what="a Google Ads report",
        expected=["Day"],
    )
    assert export.preamble == [
        "Campaign performance report",
        "September 1, 2025 - October 31, 2025",
    ]
    assert export.frame["Campaign"].tolist() == [
        "Brand FR",
        "Brand FR",
        "Display retargeting",
        "Display retargeting",
    ]
    assert export.rows.tolist() == [4, 5, 6, 7]


def test_no_header_is_reported_with_what_was_expected(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_exports("pipedrive", [path])
    assert str(err.value) == (
        "notes.csv: no header row found in the first 40 rows; expected labels such as "
        "Deal - ID, Deal - Stage, Deal - Status, Deal - Deal created. Check that the file is a "
        "Pipedrive deals export, exported with its default columns, or name the columns in "
        "mapping.toml [columns]."
    )


def test_xls_files_are_refused_with_the_fix(tmp_path):
    path = tmp_path / "report.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataError) as err:
        read_exports("salesforce", [path])
    assert str(err.value) == (
        "report.xls: unsupported file type .xls. Export as CSV or .xlsx (open an .xls file in "
        "a spreadsheet and save it as .xlsx)."
    )


# --- ids ---------------------------------------------------------------------


def test_ids_stay_text_with_leading_zeros_and_whole_floats_lose_their_point():
    ids = parse_ids(pd.Series(["007", 189165000123.0, " 42 ", None]), _export(4), "Record ID")
    assert ids.tolist()[:3] == ["007", "189165000123", "42"]
    assert pd.isna(ids.iloc[3])


def test_excel_scientific_notation_ids_are_reported():
    with pytest.raises(DataError) as err:
        read_exports("hubspot", [FIXTURES / "hubspot_deals_excel_resaved.csv"])
    assert str(err.value) == (
        "hubspot_deals_excel_resaved.csv: column Record ID: 2 ids are in Excel scientific "
        "notation, such as 1.89165E+11 (rows 2, 4); their last digits are lost. Export the "
        "file again and do not open and save it in Excel (or import it in Excel with this "
        "column as Text)."
    )


# --- amounts -----------------------------------------------------------------


def test_amounts_in_every_notation_and_blank_stays_blank():
    cells = pd.Series(["1,234.56", "", "--", "EUR 12", 7, None])
    got = parse_amounts(cells, _export(6), "Amount")
    pd.testing.assert_series_equal(got, pd.Series([1234.56, np.nan, np.nan, 12.0, 7.0, np.nan]))
    comma = parse_amounts(pd.Series(["1.234,5", "0,75"]), _export(2), "Montant")
    assert comma.tolist() == [1234.5, 0.75]


def test_unparseable_amount_is_reported():
    with pytest.raises(DataError) as err:
        parse_amounts(pd.Series(["12", "twelve"]), _export(2), "Amount")
    assert str(err.value) == (
        "deals.csv: column Amount: 1 row has an amount that does not parse, such as 'twelve' "
        "(row 3). Write amounts as numbers (1234.56 or 1 234,56) or leave them blank."
    )


# --- dates -------------------------------------------------------------------


def _dated(values: list[str]) -> Export:
    return Export("deals.csv", pd.DataFrame({"Created": values}), np.arange(2, len(values) + 2))


def test_day_first_is_decided_from_a_day_above_12():
    assert decide_order(_dated(["03/04/2025", "22/02/2025"]), ["Created"], "auto") == "day-first"


def test_month_first_is_decided_from_a_second_number_above_12():
    assert decide_order(_dated(["03/04/2025", "2/22/2025"]), ["Created"], "auto") == "month-first"


def test_iso_only_needs_no_order():
    assert decide_order(_dated(["2025-04-03"]), ["Created"], "auto") == "auto"


def test_undecidable_dates_ask_the_user():
    with pytest.raises(DataError) as err:
        decide_order(_dated(["03/04/2025", "01/02/2025"]), ["Created"], "auto")
    assert str(err.value) == (
        "deals.csv: columns Created: no date tells whether it is written day-first or "
        "month-first (such as 03/04/2025). Say which: kpi import --day-first or --month-first "
        "(dates='day-first' or 'month-first' in Python)."
    )


def test_mixed_date_orders_are_refused():
    with pytest.raises(DataError) as err:
        decide_order(_dated(["22/02/2025", "2/22/2025"]), ["Created"], "auto")
    assert str(err.value) == (
        "deals.csv: columns Created: dates are written both day-first (such as 22/02/2025) and "
        "month-first (such as 2/22/2025). Export the file again with one date format."
    )


def test_unknown_date_order_option_is_a_parameter_error():
    with pytest.raises(ParameterError) as err:
        decide_order(_dated(["2025-01-01"]), ["Created"], "dmy")  # type: ignore[arg-type]
    assert str(err.value) == (
        "dates='dmy' is not an accepted date order; use 'auto', 'day-first' or 'month-first'."
    )


def test_given_order_reads_ambiguous_dates_and_am_pm_times():
    export = _dated(["03/04/2025 3:30 PM", "03/04/2025 12:05 AM"])
    got = parse_dates(export.frame["Created"], export, "Created", order="month-first")
    pd.testing.assert_series_equal(
        got, _ts(["2025-03-04 15:30", "2025-03-04 00:05"]), check_names=False
    )


def test_excel_serial_numbers_and_xlsx_dates():
    import datetime as dt

    # 45658 days after 1899-12-30 is 2025-01-01; .75 of a day is 18:00.
    cells = pd.Series([45658.75, dt.datetime(2025, 1, 2, 9, 30), dt.date(2025, 1, 3)], dtype=object)
    got = parse_dates(cells, _export(3), "Deal created", order="auto")
    pd.testing.assert_series_equal(got, _ts(["2025-01-01 18:00", "2025-01-02 09:30", "2025-01-03"]))


def test_time_zones_are_normalised_to_the_dataset_zone():
    # 08:00Z is 09:00 in Paris in winter, 10:00 in summer; +05:30 converts too;
    # a naive time is taken as already in Paris.
    cells = pd.Series(
        [
            "2025-01-06T08:00:00Z",
            "2025-07-01T08:00:00Z",
            "2025-01-06 12:00+05:30",
            "2025-01-06 08:00",
        ]
    )
    got = parse_dates(cells, _export(4), "createdate", order="auto", timezone="Europe/Paris")
    want = ["2025-01-06 09:00", "2025-07-01 10:00", "2025-01-06 07:30", "2025-01-06 08:00"]
    pd.testing.assert_series_equal(got, _ts(want))


def test_unparseable_date_is_reported_with_its_rows():
    with pytest.raises(DataError) as err:
        parse_dates(
            pd.Series(["2025-01-01", "soon", "later"]), _export(3), "Close Date", order="auto"
        )
    assert str(err.value) == (
        "deals.csv: column Close Date: 2 rows have a date that does not parse, such as 'soon' "
        "(rows 3, 4). Accepted: YYYY-MM-DD with an optional time, DD/MM/YYYY or MM/DD/YYYY, "
        "and Excel dates; fix those cells or export the file again."
    )


# --- currencies --------------------------------------------------------------


def test_several_currencies_are_refused_without_rates():
    amounts, codes = pd.Series([10.0, 20.0, 5.0, np.nan]), pd.Series(["EUR", "USD", "EUR", "GBP"])
    with pytest.raises(DataError) as err:
        convert_currency(amounts, codes, _export(4), "Amount", rates=None, currency=None)
    assert str(err.value) == (
        "deals.csv: column Amount: amounts are in 2 currencies (EUR: 2 rows, USD: 1 row). A "
        "dataset has one currency: give a rate table (kpi import --rates rates.csv --currency "
        "EUR, where rates.csv has the columns currency,rate and rate is the value of one unit "
        "in EUR), or export the amounts in the company currency."
    )


def test_rate_table_converts_into_the_dataset_currency(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("currency,rate\nusd,0.9\n", encoding="utf-8")
    rates = load_rates(path)
    amounts, codes = pd.Series([10.0, 20.0, np.nan]), pd.Series(["EUR", "USD", "USD"])
    got, code = convert_currency(amounts, codes, _export(3), "Amount", rates=rates, currency="EUR")
    # 20 USD x 0.9 = 18 EUR; blank stays blank.
    assert (got.tolist()[:2], np.isnan(got.iloc[2]), code) == ([10.0, 18.0], True, "EUR")


def test_rate_table_missing_a_currency_names_it():
    amounts, codes = pd.Series([10.0, 20.0]), pd.Series(["EUR", "CHF"])
    with pytest.raises(DataError) as err:
        convert_currency(amounts, codes, _export(2), "Amount", rates={"USD": 0.9}, currency="EUR")
    assert str(err.value) == (
        "deals.csv: column Amount: the rate table has no rate for CHF (1 row: row 3). Add a "
        "line currency,rate for each."
    )


def test_bad_rate_line_is_reported(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("currency,rate\nUSD,abc\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_rates(path)
    assert str(err.value) == (
        "rates.csv: row 2: USD,abc is not a rate. Give the columns currency,rate with a "
        "three-letter code and a number above 0, such as USD,0.92."
    )


def test_rate_table_is_read_like_any_export(tmp_path):
    # UTF-16 with its mark, as Excel saves "Unicode text": read, not a traceback
    path = tmp_path / "rates.csv"
    path.write_bytes("currency,rate\nUSD,0.92\n".encode("utf-16"))
    assert load_rates(path) == {"USD": 0.92}
    with pytest.raises(DataError) as err:
        load_rates(tmp_path / "missing.csv")
    assert (
        str(err.value) == f"{tmp_path / 'missing.csv'}: no such rate table. Check the --rates path."
    )
    folder = tmp_path / "rates"
    folder.mkdir()
    with pytest.raises(DataError) as err:
        load_rates(folder)
    assert str(err.value) == "rates: a folder, not a file. Put the rates file itself there."


# --- mapping -----------------------------------------------------------------


def test_mapping_with_an_unknown_canonical_stage_is_refused(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_text('source = "hubspot"\n[stages."Sales"]\n"Demo" = "demo"\n', encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_mapping(path, source="hubspot", stages=STAGES)
    assert str(err.value) == (
        'mapping.toml: [stages."Sales"] "Demo" = "demo" is not a canonical stage; use one of '
        "visit, offer, sale, qualified, lost, ignore."
    )


def test_mapping_of_another_source_is_refused(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_text('source = "pipedrive"\n', encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_mapping(path, source="hubspot", stages=STAGES)
    assert str(err.value) == (
        "mapping.toml: source = 'pipedrive', but this import reads 'hubspot'. Use the mapping "
        "written for 'hubspot', or delete the file to get a new one."
    )


# --- options -----------------------------------------------------------------


def test_unknown_time_zone_is_a_parameter_error():
    with pytest.raises(ParameterError) as err:
        read_exports("pipedrive", [FIXTURES / "pipedrive_deals.csv"], timezone="Europe/Pariss")
    assert str(err.value) == (
        "Unknown time zone 'Europe/Pariss'. Give an IANA name such as Europe/Paris, "
        "America/New_York or UTC."
    )


def test_bad_currency_option_is_a_parameter_error():
    with pytest.raises(ParameterError) as err:
        read_exports("pipedrive", [FIXTURES / "pipedrive_deals.csv"], currency="euro")
    assert str(err.value) == (
        "Currency 'euro' is not an ISO 4217 code; give three letters such as EUR."
    )


# --- invariants --------------------------------------------------------------


@settings(deadline=None, max_examples=50)
@given(cents=st.integers(min_value=0, max_value=10**11))
def test_amounts_read_back_in_every_notation(cents):
    value = cents / 100
    english = f"{value:,.2f}"  # 1,234,567.89
    french = english.replace(",", " ").replace(".", ",")  # 1 234 567,89
    german = english.replace(",", "#").replace(".", ",").replace("#", ".")  # 1.234.567,89
    for text in (english, french, german):
        got = parse_amounts(pd.Series([text]), _export(1), "Amount")
        assert got.iloc[0] == pytest.approx(value, abs=1e-9), text
