"""Loading and validation of dataset folders: formats accepted, every error and warning."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from kpilib import DataError, KpiError, load_dataset

LEADS = """lead_id,lead_at,source,team,owner,visit_at,offer_at,sale_at,customer_id,amount
L1,2026-10-01,paid_search,North,Ann,2026-10-03,2026-10-08,2026-10-20,C1,1200.50
L2,2026-10-02,events,South,Bob,,,,,
L3,2026-10-05 14:30:00,referral,North,Ann,2026-10-06,,,,
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def expected_leads() -> pd.DataFrame:
    date = lambda *v: pd.Series(pd.to_datetime(list(v), format="ISO8601"), dtype="datetime64[us]")  # noqa: E731
    text = lambda *v: pd.Series(list(v), dtype="str")  # noqa: E731
    return pd.DataFrame(
        {
            "lead_id": text("L1", "L2", "L3"),
            "source": text("paid_search", "events", "referral"),
            "team": text("North", "South", "North"),
            "owner": text("Ann", "Bob", "Ann"),
            "customer_id": text("C1", None, None),
            "lead_at": date("2026-10-01", "2026-10-02", "2026-10-05 14:30"),
            "visit_at": date("2026-10-03", None, "2026-10-06"),
            "offer_at": date("2026-10-08", None, None),
            "sale_at": date("2026-10-20", None, None),
            "amount": [1200.5, float("nan"), float("nan")],
        }
    )


def test_csv_comma_loads_with_canonical_types(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    ds = load_dataset(tmp_path)
    assert_frame_equal(ds.leads, expected_leads())
    assert ds.targets is None and ds.costs is None and ds.orders is None
    assert ds.warnings == []
    # latest date anywhere: the sale of L1
    assert ds.as_of == pd.Timestamp("2026-10-20")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_semicolon_decimal_comma_and_encodings(tmp_path, encoding):
    text = LEADS.replace(",", ";").replace("1200.50", "1 200,50").replace("Bob", "Benoît")
    write(tmp_path, "leads.csv", text, encoding)
    ds = load_dataset(tmp_path)
    want = expected_leads()
    want["owner"] = pd.Series(["Ann", "Benoît", "Ann"], dtype="str")
    assert_frame_equal(ds.leads, want)


def test_day_first_dates_when_kpi_toml_says_so(tmp_path):
    text = LEADS.replace("2026-10-20", "20/10/2026").replace(
        "2026-10-05 14:30:00", "05/10/2026 14:30"
    )
    write(tmp_path, "leads.csv", text)
    write(tmp_path, "kpi.toml", "day_first = true\n")
    assert_frame_equal(load_dataset(tmp_path).leads, expected_leads())


def test_parquet_and_xlsx(tmp_path):
    frame = expected_leads()
    (tmp_path / "pq").mkdir()
    frame.to_parquet(tmp_path / "pq" / "leads.parquet")
    assert_frame_equal(load_dataset(tmp_path / "pq").leads, expected_leads())
    (tmp_path / "xl").mkdir()
    frame.to_excel(tmp_path / "xl" / "leads.xlsx", index=False)
    assert_frame_equal(load_dataset(tmp_path / "xl").leads, expected_leads())


def test_parquet_reads_only_the_columns_the_loader_uses(tmp_path, monkeypatch):
    """Columns the loader never reads stay on disk; an unknown *_at column still warns."""
    import pyarrow.parquet as pq

    frame = expected_leads().assign(notes="long free text", demo_at=pd.Timestamp("2026-10-02"))
    frame.to_parquet(tmp_path / "leads.parquet")
    read = []
    real = pq.read_table
    monkeypatch.setattr(
        pq,
        "read_table",
        lambda path, columns, **kw: read.append(columns) or real(path, columns=columns, **kw),
    )
    ds = load_dataset(tmp_path)
    assert read == [[*expected_leads().columns, "demo_at"]]
    assert_frame_equal(ds.leads, expected_leads())
    assert ds.warnings == [
        "leads.parquet: column demo_at ignored: not a stage of kpi.toml [funnel].stages. Add "
        "the stage there to use it."
    ]


def test_all_tables_and_margin_rate(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "kpi.toml", 'currency = "USD"\ngross_margin_rate = 0.4\n')
    write(
        tmp_path,
        "targets.csv",
        "period,metric,team,owner,target\n2026-10,sale,,,10\n2026-Q4,revenue,North,,5000\n",
    )
    write(
        tmp_path,
        "costs.csv",
        "date,category,channel,team,amount\n2026-10-03,campaigns,paid_search,,300\n2026-09-30,salaries,,North,4000\n",
    )
    write(
        tmp_path,
        "orders.csv",
        "order_id,customer_id,order_date,revenue,gross_margin\nO1,C1,2026-10-20,1200.5,\nO2,C1,2026-11-02,100,30\n",
    )
    ds = load_dataset(tmp_path)
    assert ds.settings.currency == "USD"
    # "sale" is the stage name: stored as the metric "sales"
    assert ds.targets["metric"].tolist() == ["sales", "revenue"]
    assert ds.targets["team"].isna().tolist() == [True, False]
    assert ds.costs["period"].tolist() == ["2026-10", "2026-09"]
    assert ds.costs["channel"].isna().tolist() == [False, True]
    # O1 has no margin: 1200.5 x 0.4 = 480.2; O2 keeps its own 30
    assert ds.orders["gross_margin"].tolist() == pytest.approx([480.2, 30.0])
    assert ds.as_of == pd.Timestamp("2026-11-02")


def test_missing_folder_and_missing_leads(tmp_path):
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path / "nope")
    assert str(err.value) == (
        f"{tmp_path / 'nope'}: no such folder. Give the folder that holds leads.csv and kpi.toml."
    )
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == (
        f"{tmp_path}: no leads file (leads.csv, leads.parquet or leads.xlsx). "
        "A dataset needs at least its leads; see docs/data-model.md."
    )
    (tmp_path / "leads" / "2026-10").mkdir(parents=True)  # a folder of parts: said so
    pd.DataFrame({"lead_id": ["L1"]}).to_parquet(tmp_path / "leads" / "2026-10" / "p.parquet")
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == (
        f"{tmp_path}: no leads file (leads.csv, leads.parquet or leads.xlsx). "
        "A dataset needs at least its leads; see docs/data-model.md. leads/ holds Parquet "
        "part files, which only a scan reads (kpi kpis and kpi report with --engine duckdb "
        "or polars, kpilib.scan_dataset): give one of them, or write the leads as one file."
    )


def test_data_error_is_a_value_error():
    assert issubclass(DataError, KpiError) and issubclass(KpiError, ValueError)


def errors_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    return err.value.problems


def test_missing_required_columns(tmp_path):
    write(tmp_path, "leads.csv", "id,created,source\nL1,2026-10-01,web\n")
    write(tmp_path, "orders.csv", "order_id,customer_id,revenue\nO1,C1,10\n")
    assert errors_of(tmp_path) == [
        "leads.csv: missing columns 'lead_id', 'lead_at' (it has: id, created, source). "
        "kpilib.load_dataset expects the leads table (lead_id, lead_at); rename the matching "
        "columns as docs/data-model.md shows.",
        "orders.csv: missing column 'order_date' (it has: order_id, customer_id, revenue). "
        "kpilib.load_dataset expects the orders table (order_id, customer_id, order_date, "
        "revenue); rename the matching columns as docs/data-model.md shows.",
    ]


def test_unparseable_dates_and_numbers_name_rows(tmp_path):
    rows = "\n".join(f"L{i},2026-10-{i:02d},web,,,,,{i}" for i in range(1, 11))
    bad = rows.replace("2026-10-03", "03/10/2026").replace("2026-10-09", "yesterday")
    bad = bad.replace(",9\n", ",9 EUR\n")
    write(
        tmp_path,
        "leads.csv",
        "lead_id,lead_at,source,team,owner,visit_at,customer_id,amount\n" + bad + "\n",
    )
    assert errors_of(tmp_path) == [
        "leads.csv: column lead_at: 2 rows have a date that does not parse (rows 4, 10). "
        "Write dates as YYYY-MM-DD (a time may follow), or set day_first = true in kpi.toml for DD/MM/YYYY.",
        "leads.csv: column amount: 1 row has a number that does not parse (row 10). "
        "Write plain numbers such as 1234.56 or 1234,56 (one decimal mark in the whole column), "
        "without currency signs.",
    ]


def test_duplicate_ids_negative_amounts_and_sale_without_customer(tmp_path):
    write(
        tmp_path,
        "leads.csv",
        "lead_id,lead_at,sale_at,customer_id,amount\n"
        "L1,2026-10-01,2026-10-05,C1,100\nL1,2026-10-02,,,\nL3,2026-10-02,2026-10-09,,-5\n",
    )
    write(
        tmp_path,
        "costs.csv",
        "period,category,amount\n2026-10,campaigns,-20\n2026-10,salaries,10\n",
    )
    write(
        tmp_path,
        "orders.csv",
        "order_id,customer_id,order_date,revenue\nO1,C1,2026-10-05,100\nO1,C1,2026-10-06,50\n",
    )
    problems = errors_of(tmp_path)
    assert problems == [
        "leads.csv: column amount: 1 row has a negative value (row 4). Amount must be >= 0; record "
        "refunds or credits as a separate category, or fix the export.",
        "leads.csv: column lead_id: 2 rows have a duplicate id (rows 2, 3). Each lead_id must appear "
        "once; remove or merge the duplicates.",
        "leads.csv: column customer_id: 1 row has a sale without a customer_id (row 4). Fill "
        "customer_id for every lead with a sale_at (the id of the account that bought).",
        "costs.csv: column amount: 1 row has a negative value (row 2). Amount must be >= 0; record "
        "refunds or credits as a separate category, or fix the export.",
        "orders.csv: column order_id: 2 rows have a duplicate id (rows 2, 3). Each order_id must "
        "appear once; remove or merge the duplicates.",
    ]


def test_typed_numbers_are_checked_without_reading_decimal_marks(tmp_path, monkeypatch):
    """A Parquet float column holds no text: its values are range-checked, and no
    decimal mark is looked for (number_marks would compare every row's empty mark)."""
    import kpilib.data.checks as checks

    def no_marks(values):
        raise AssertionError("number_marks read a typed column")

    monkeypatch.setattr(checks, "number_marks", no_marks)
    pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3"],
            "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"]),
            "amount": [100.5, float("inf"), -5.0],
        }
    ).to_parquet(tmp_path / "leads.parquet")
    assert errors_of(tmp_path) == [
        "leads.parquet: column amount: 1 row has a number that does not parse (row 3). "
        "Write plain numbers such as 1234.56 or 1234,56 (one decimal mark in the whole column), "
        "without currency signs.",
        "leads.parquet: column amount: 1 row has a negative value (row 4). Amount must be >= 0; "
        "record refunds or credits as a separate category, or fix the export.",
    ]


def test_targets_unknown_metric_and_bad_period(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    write(
        tmp_path,
        "targets.csv",
        "period,metric,target\n2026-10,leads,100\nOct 2026,sales,5\n2026-13,revenu,900\n2026-Q4,visits,40\n",
    )
    assert errors_of(tmp_path) == [
        "targets.csv: column period: 2 rows have a period that does not parse (rows 3, 4). "
        'Write periods as "2026-10" (month), "2026-Q4" (quarter) or "FY2026" (fiscal year).',
        "targets.csv: column metric: 1 row has an unknown metric (row 4). Accepted metrics: leads, "
        "new_customers, offers, revenue, sales, visits.",
    ]


def test_costs_period_must_be_a_month(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "costs.csv", "period,category,amount\n2026-Q4,campaigns,20\n")
    assert errors_of(tmp_path) == [
        "costs.csv: column period: 1 row has a period that does not parse (row 2). "
        'Write cost periods as months, "2026-10", or give a date column instead.'
    ]


def test_costs_without_period_or_date(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "costs.csv", "month,category,amount\n2026-10,campaigns,20\n")
    assert errors_of(tmp_path) == [
        "costs.csv: missing column 'period' (or 'date') (it has: month, category, amount). "
        "kpilib.load_dataset expects the costs table (period or date, category, amount); "
        "rename the matching columns as docs/data-model.md shows, and give each cost line a "
        'month ("2026-10") in a period column, or a date.'
    ]


def test_a_parquet_table_missing_columns_lists_every_column_of_the_file(tmp_path):
    # the loader reads only the columns it uses, but the message names all of them
    write(tmp_path, "leads.csv", LEADS)
    pd.DataFrame({" month ": ["2026-10"], "category": ["campaigns"], "cost": [20.0]}).to_parquet(
        tmp_path / "costs.parquet"
    )
    assert errors_of(tmp_path) == [
        "costs.parquet: missing columns 'period' (or 'date'), 'amount' (it has: month, "
        "category, cost). kpilib.load_dataset expects the costs table (period or date, "
        "category, amount); rename the matching columns as docs/data-model.md shows, and give "
        'each cost line a month ("2026-10") in a period column, or a date.',
    ]


def test_kpi_toml_unknown_keys_and_bad_values(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    write(
        tmp_path,
        "kpi.toml",
        'curency = "EUR"\nfiscal_year_start = 13\n[status]\non_track = 1.5\nat_rsk = 0.8\n',
    )
    assert errors_of(tmp_path) == [
        "kpi.toml: unknown key 'curency'. Accepted keys: cac, funnel, labels, status, value, company, "
        "currency, day_first, fiscal_year_start, gross_margin_rate, language, locale; check the spelling or remove it.",
        "kpi.toml: fiscal_year_start = 13 is invalid; expected a whole month number from 1 to 12.",
        "kpi.toml: status.on_track = 1.5 is invalid; expected a number from 0 to 1 (0.35 for 35 %).",
        "kpi.toml: unknown key 'status.at_rsk'. Accepted in [status]: at_risk, on_track.",
    ]


def test_kpi_toml_syntax_error(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "kpi.toml", "currency = EUR\n")
    with pytest.raises(
        DataError,
        match=r"^kpi.toml: not valid TOML \(.*\)\. Fix the syntax; see docs/data-model.md\.$",
    ):
        load_dataset(tmp_path)


def test_all_problems_reported_together_grouped_per_file(tmp_path):
    write(tmp_path, "leads.csv", "lead_id,lead_at\nL1,never\n")
    write(tmp_path, "costs.csv", "period,category,amount\n2026-10,salaries,-1\n")
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == (
        "The dataset has 2 problems:\n"
        "leads.csv:\n"
        "  - column lead_at: 1 row has a date that does not parse (row 2). Write dates as YYYY-MM-DD "
        "(a time may follow), or set day_first = true in kpi.toml for DD/MM/YYYY.\n"
        "costs.csv:\n"
        "  - column amount: 1 row has a negative value (row 2). Amount must be >= 0; record refunds or "
        "credits as a separate category, or fix the export."
    )


def test_stage_before_earlier_stage_is_a_warning(tmp_path):
    write(
        tmp_path,
        "leads.csv",
        LEADS.replace(
            "L1,2026-10-01,paid_search,North,Ann,2026-10-03",
            "L1,2026-10-01,paid_search,North,Ann,2026-09-28",
        ),
    )
    ds = load_dataset(tmp_path)
    assert ds.warnings == [
        "leads.csv: column visit_at: 1 row has a visit_at before its lead_at (row 2). Check the stage "
        "dates in the CRM; these leads still count as reaching both stages."
    ]


def test_unknown_stage_column_and_missing_source_warn(tmp_path):
    write(tmp_path, "leads.csv", "lead_id,lead_at,demo_at\nL1,2026-10-01,2026-10-02\n")
    ds = load_dataset(tmp_path)
    assert ds.warnings == [
        "leads.csv: column demo_at ignored: not a stage of kpi.toml [funnel].stages. Add the stage there to use it.",
        "leads.csv: no source column; every lead counts under source 'unknown'.",
    ]
    assert ds.leads["source"].tolist() == ["unknown"]


def test_custom_stage_list(tmp_path):
    write(
        tmp_path,
        "leads.csv",
        "lead_id,lead_at,source,demo_at,sale_at,customer_id\nL1,2026-10-01,web,2026-10-02,2026-10-09,C1\n",
    )
    write(tmp_path, "kpi.toml", '[funnel]\nstages = ["lead", "demo", "sale"]\n')
    ds = load_dataset(tmp_path)
    assert ds.warnings == []
    assert ds.leads["demo_at"].tolist() == [pd.Timestamp("2026-10-02")]


def test_input_files_are_not_modified(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS.replace(",", ";"))
    before = path.read_bytes()
    load_dataset(tmp_path)
    assert path.read_bytes() == before


def test_two_files_for_one_table(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    expected_leads().to_parquet(tmp_path / "leads.parquet")
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == (
        f"{tmp_path}: leads is given twice (leads.csv, leads.parquet). Keep one file per table."
    )


def test_parquet_ids_in_order_are_told_distinct_without_hashing_and_duplicates_still_found(
    tmp_path,
):
    # L1 < L2 < L4 < L7, no blank: distinct by the comparisons alone, no warning or error
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L4", "L7"],
            "lead_at": pd.to_datetime(["2026-10-01"] * 4),
            "source": ["web"] * 4,
            "owner": ["Ann", "Benoît", "Zoé", None],  # accents, no mojibake
        }
    ).astype({"lead_id": "str", "source": "str", "owner": "str"})
    leads.to_parquet(tmp_path / "leads.parquet", index=False)
    ds = load_dataset(tmp_path)
    assert (ds.leads["lead_id"].tolist(), ds.warnings) == (["L1", "L2", "L4", "L7"], [])
    # in order, but L2 twice (rows 3 and 4: row 1 is the header's): not above the one before
    leads["lead_id"] = ["L1", "L2", "L2", "L7"]
    leads.to_parquet(tmp_path / "leads.parquet", index=False)
    assert errors_of(tmp_path) == [
        "leads.parquet: column lead_id: 2 rows have a duplicate id (rows 3, 4). Each lead_id must "
        "appear once; remove or merge the duplicates."
    ]


def test_parquet_text_in_ascii_but_one_garbled_cell_is_warned_about(tmp_path):
    # every owner ASCII but row 3's "BenoÃ®t" ("Benoît" read as Windows-1252)
    pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3"],
            "lead_at": pd.to_datetime(["2026-10-01"] * 3),
            "source": ["web"] * 3,
            "owner": ["Ann", "Beno\u00c3\u00aet", None],
        }
    ).astype({"lead_id": "str", "source": "str", "owner": "str"}).to_parquet(
        tmp_path / "leads.parquet", index=False
    )
    assert load_dataset(tmp_path).warnings == [
        "leads.parquet: column owner: 1 row has text that looks garbled, such as 'BenoÃ®t' "
        "(row 3). The file was saved as UTF-8 and later opened as Windows-1252: export it "
        "again as CSV UTF-8."
    ]


def test_parquet_duplicate_ids_and_typed_amounts_are_checked_as_in_csv(tmp_path):
    # typed Parquet columns take the fast paths (Arrow's distinct count, no text to
    # parse); a duplicate id and a negative amount are still found, with their rows
    pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L1", "L4"],
            "lead_at": pd.to_datetime(["2026-10-01"] * 4),
            "amount": [100.0, None, 20.0, -5.0],
        }
    ).astype({"lead_id": "str"}).to_parquet(tmp_path / "leads.parquet", index=False)
    assert errors_of(tmp_path) == [
        "leads.parquet: column amount: 1 row has a negative value (row 5). Amount must be >= 0; "
        "record refunds or credits as a separate category, or fix the export.",
        "leads.parquet: column lead_id: 2 rows have a duplicate id (rows 2, 4). Each lead_id must "
        "appear once; remove or merge the duplicates.",
    ]


def test_ids_in_order_need_no_distinct_count_and_ascii_text_no_pattern(monkeypatch):
    import pyarrow.compute as pc
    from pandas.core.strings.accessor import StringMethods

    from kpilib.data.checks import _all_distinct
    from kpilib.data.text import mojibake

    def refused(*args, **kwargs):
        raise AssertionError("not needed")

    ids = pd.Series(["L1", "L2", "L4"], dtype="str")
    with monkeypatch.context() as m:
        m.setattr(pc, "count_distinct", refused)
        assert _all_distinct(ids)  # L1 < L2 < L4: told by two comparisons
    # not in order, or with a blank: counted (L4, L1, L2: 3 distinct of 3; L1, -, L1: 1 of 2)
    assert _all_distinct(pd.Series(["L4", "L1", "L2"], dtype="str"))
    assert not _all_distinct(pd.Series(["L1", None, "L1"], dtype="str"))
    with monkeypatch.context() as m:
        m.setattr(StringMethods, "contains", refused)
        got = mojibake(pd.Series(["Ann", None, "Bob"], dtype="str"))
    assert got.tolist() == [False, False, False]
    # one cell outside ASCII: the pattern runs, on "é" (no) and "Ã©" (yes)
    got = mojibake(pd.Series(["Ann", "Zoé", "ZoÃ©", None], dtype="str"))
    assert got.tolist() == [False, False, True, False]


def test_the_first_and_last_dates_are_read_from_the_integers():
    from kpilib.data.checks import date_bounds

    ts = pd.Timestamp
    dates = pd.Series([ts("2026-01-02"), pd.NaT, ts("1899-12-31 10:00")], dtype="datetime64[us]")
    assert date_bounds(dates) == (ts("1899-12-31 10:00"), ts("2026-01-02"))  # NaT left out
    assert date_bounds(dates.astype("datetime64[s]")) == (ts("1899-12-31 10:00"), ts("2026-01-02"))
    got = [date_bounds(pd.Series(v, dtype="datetime64[us]")) for v in ([pd.NaT, pd.NaT], [])]
    assert all(a is pd.NaT and b is pd.NaT for a, b in got)


def test_the_latest_date_is_read_from_the_integers_and_the_dataset_as_of_with_it():
    from kpilib.data.checks import latest_date
    from kpilib.data.dataset import Dataset

    ts = pd.Timestamp
    dates = pd.Series([ts("2026-01-02"), pd.NaT, ts("2026-03-04 10:00")], dtype="datetime64[us]")
    assert latest_date(dates) == ts("2026-03-04 10:00")
    assert latest_date(pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us]")) is pd.NaT
    assert latest_date(pd.Series([], dtype="datetime64[us]")) is pd.NaT
    zoned = pd.Series(pd.to_datetime(["2026-01-02 23:00"]).tz_localize("Europe/Paris"))
    assert latest_date(zoned) == ts("2026-01-02 23:00", tz="Europe/Paris")  # pandas' own max
    leads = pd.DataFrame(
        {"lead_id": ["L1", "L2"], "lead_at": dates[:2], "sale_at": [pd.NaT, ts("2026-02-01")]}
    )
    orders = pd.DataFrame({"order_date": pd.Series([ts("2026-02-15")], dtype="datetime64[s]")})
    ds = Dataset(leads=leads, orders=orders)
    assert ds.as_of == ts("2026-02-15") and ds.first_date == ts("2026-01-02")
    assert Dataset(leads=leads.assign(sale_at=pd.NaT).head(0)).as_of is pd.NaT


def test_dates_on_the_bounds_load_and_one_day_beyond_is_refused(tmp_path):
    header = "lead_id,lead_at,source,team,owner,lost_at\n"
    rows = "L1,1900-01-01,web,North,Ann,\nL2,2026-10-01,web,North,Ann,2199-12-31\n"
    write(tmp_path, "leads.csv", header + rows)
    ds = load_dataset(tmp_path)
    # both bounds are inside: the dates are kept as they were, not blanked
    assert ds.leads["lead_at"].tolist() == [pd.Timestamp("1900-01-01"), pd.Timestamp("2026-10-01")]
    assert ds.leads["lost_at"].tolist()[1] == pd.Timestamp("2199-12-31")
    write(tmp_path, "leads.csv", header + rows.replace("2199-12-31", "2200-01-01"))
    assert errors_of(tmp_path) == [
        "leads.csv: column lost_at: 1 row has a date outside 1900-01-01 to 2199-12-31 (row 3). "
        "Such a date is a placeholder or a typo: fix it in the export, or leave the cell blank."
    ]
    write(tmp_path, "leads.csv", header + rows.replace("1900-01-01", "1899-12-31"))
    assert errors_of(tmp_path) == [
        "leads.csv: column lead_at: 1 row has a date outside 1900-01-01 to 2199-12-31 (row 2). "
        "Such a date is a placeholder or a typo: fix it in the export, or leave the cell blank."
    ]
