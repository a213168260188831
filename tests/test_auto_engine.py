"""engine="auto": a scan of Parquet files where it gives what load_dataset gives, else pandas.

Each case writes the KPI fixtures (tests/kpi_fixtures.py) as one Parquet file
a table, changed in one way. On good data ``auto`` computes on a scan and the
tables equal the pandas engine's; on data the loader refuses it raises the
pandas engine's error word for word; on data the loader warns about or reads
otherwise, it gives the loader's frames and warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from kpi_fixtures import costs, leads, orders, targets
from test_report_engines import assert_same

import kpilib.engine.auto as auto
from kpilib.data.load import load_dataset
from kpilib.engine import choose_engine
from kpilib.engine.scan import ScannedDataset, open_dataset, scan_dataset
from kpilib.errors import DataError
from kpilib.kpis.tables import compute_all

ENGINES = ["duckdb", "polars"]
Tables = dict[str, pd.DataFrame]


def good() -> Tables:
    """The fixtures, which load_dataset accepts (without their target of 0)."""
    t = targets()
    return {
        "leads": leads(),
        "targets": t[t["target"] > 0].reset_index(drop=True),
        "costs": costs(),
        "orders": orders(),
    }


NAN = -0.125  # written as a float NaN (pandas writes its NaN as null)


def write(folder: Path, tables: Tables) -> Path:
    """*tables* as Parquet files in *folder*, written by pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        for i, field in enumerate(table.schema):
            if pa.types.is_floating(field.type):
                column = table.column(i)
                nan = pa.scalar(float("nan"), field.type)
                table = table.set_column(i, field, pc.if_else(pc.equal(column, NAN), nan, column))
        pq.write_table(table, folder / f"{name}.parquet")
    return folder


def changed(change: Callable[[Tables], None]) -> Tables:
    tables = good()
    change(tables)
    return tables


@pytest.fixture(params=ENGINES, name="engine")
def scanning_engine(request, monkeypatch) -> str:
    """auto on each scanning engine (DuckDB when installed, else polars)."""
    monkeypatch.setattr(auto, "choose_engine", lambda folder: request.param)
    return request.param


# --- good data: computed on the scan, the same tables


def test_good_parquet_is_scanned_and_gives_the_pandas_tables(tmp_path, engine):
    folder = write(tmp_path, good())
    dataset = open_dataset(folder, engine="auto")
    assert isinstance(dataset, ScannedDataset) and dataset.backend == engine
    assert dataset.warnings == []
    got = compute_all(dataset, period="2026-10", as_of="2026-10-21")
    want = compute_all(load_dataset(folder), period="2026-10", as_of="2026-10-21")
    assert_same(got, want)
    blended = got["cac"].iloc[0]
    # October costs 600 + 400 + 900 + 300 + 100 = 2300; new customers C2 and C3 (C1
    # bought first in September): 2300 / 2 = 1150
    assert (blended["cost"], blended["new_customers"], blended["cac"]) == (2300.0, 2, 1150.0)
    # October's lead cohort: L3-L8 = 6 leads, 3 of them sold (L3, L4, L7)
    company = got["funnel"][got["funnel"]["source"].isna()].set_index("stage")
    assert company.loc["lead", "reached"] == 6 and company.loc["sale", "reached"] == 3


def test_padded_texts_and_accents_are_no_reason_to_fall_back(tmp_path, engine):
    # the scan strips " North" as the loader does; "Benoît" is read by pattern, and clean
    tables = good()
    tables["leads"]["team"] = tables["leads"]["team"].str.replace("North", " North ")
    tables["leads"]["owner"] = tables["leads"]["owner"].str.replace("Bob", "Benoît")
    folder = write(tmp_path, tables)
    assert auto.precheck(scan_dataset(folder, backend=engine)) == []
    dataset = open_dataset(folder, engine="auto")
    assert isinstance(dataset, ScannedDataset)
    got = compute_all(dataset, period="2026-10", as_of="2026-10-21", tables=["attainment"])
    want = compute_all(load_dataset(folder), period="2026-10", as_of="2026-10-21")
    pd.testing.assert_frame_equal(got["attainment"], want["attainment"])


def test_choose_engine_rule(tmp_path, monkeypatch):
    write(tmp_path / "parquet", good())
    (tmp_path / "csv").mkdir()
    good()["leads"].to_csv(tmp_path / "csv" / "leads.csv", index=False)
    mixed = write(tmp_path / "mixed", {"leads": good()["leads"]})
    good()["costs"].to_csv(mixed / "costs.csv", index=False)
    parts = write(tmp_path / "parts" / "leads", {"part-0": good()["leads"]}).parent
    assert choose_engine(tmp_path / "parquet") == "polars"  # 8 leads: under POLARS_BELOW
    assert choose_engine(tmp_path / "csv") == "pandas"
    assert choose_engine(mixed) == "pandas"
    assert choose_engine(parts) == "pandas"  # part files: the loader reads none
    assert choose_engine(tmp_path / "nowhere") == "pandas"
    import importlib.util

    import kpilib.engine as engines

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "polars" else real(n, *a)
    )
    assert choose_engine(tmp_path / "parquet") == "duckdb"
    monkeypatch.setattr(engines, "POLARS_BELOW", 8)  # 8 leads: DuckDB's from there
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert choose_engine(tmp_path / "parquet") == "duckdb"
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "duckdb" else real(n, *a)
    )
    assert choose_engine(tmp_path / "parquet") == "polars"
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None)
    assert choose_engine(tmp_path / "parquet") == "pandas"
    (tmp_path / "parquet" / "leads.parquet").write_bytes(b"PAR1 cut short")
    monkeypatch.setattr(engines, "POLARS_BELOW", 2_000_000)
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert choose_engine(tmp_path / "parquet") == "duckdb"  # no footer: the scan names it


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("a link to nothing", "a link to a file that does not exist. Put the file itself there."),
        ("a folder", "a folder, not a file. Put the targets.parquet file itself there."),
    ],
)
def test_choose_engine_leaves_a_table_that_is_no_file_to_the_loader(tmp_path, given, problem):
    # as the loader finds a table's file (kpilib.data.files.table_files): a link to
    # nothing and a folder named like the file count as given, and the loader names them
    folder = write(tmp_path / "data", good())
    (folder / "targets.parquet").unlink()
    if given == "a folder":
        (folder / "targets.parquet").mkdir()
    else:
        (folder / "targets.parquet").symlink_to(tmp_path / "gone.parquet")
    assert choose_engine(folder) == "pandas"
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert str(info.value) == f"The dataset has 1 problem:\ntargets.parquet:\n  - {problem}"


# --- refusals: the pandas engine's error, word for word

_DATE_HINT = (
    "Write dates as YYYY-MM-DD (a time may follow), or set day_first = true in kpi.toml "
    "for DD/MM/YYYY."
)


def _set(table: str, row: int, column: str, value) -> Callable[[Tables], None]:
    def change(t: Tables) -> None:
        frame = t[table]
        if isinstance(value, str) or value is None:
            frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value

    return change


def _text_dates(t: Tables) -> None:
    t["leads"]["lead_at"] = t["leads"]["lead_at"].dt.strftime("%Y-%m-%d").astype(object)
    t["leads"].loc[1, "lead_at"] = "soon"


def _extra_target(t: Tables) -> None:
    row = pd.DataFrame({"period": ["2026-10"], "metric": ["sale"], "target": [4.0]})
    t["targets"] = pd.concat([t["targets"], row], ignore_index=True)


def _dated_costs(t: Tables) -> None:
    t["costs"] = (
        t["costs"]
        .drop(columns="period")
        .assign(date=pd.to_datetime(["1800-01-01"] + ["2026-10-01"] * 6).astype("datetime64[us]"))
    )


REFUSED = {
    "a duplicate lead id": (
        _set("leads", 3, "lead_id", "L1"),
        "leads: lead_id: a duplicate id",
        "leads.parquet: column lead_id: 2 rows have a duplicate id (rows 2, 5). Each lead_id "
        "must appear once; remove or merge the duplicates.",
    ),
    "a lead id blank once stripped": (
        _set("leads", 1, "lead_id", "  "),
        "leads: lead_id: no lead_id",
        "leads.parquet: column lead_id: 1 row has no lead_id (row 3). Every lead needs an id.",
    ),
    "no lead_at": (
        _set("leads", 5, "lead_at", pd.NaT),
        "leads: lead_at: no lead_at date",
        "leads.parquet: column lead_at: 1 row has no lead_at date (row 7). Every lead needs "
        "the date it entered the funnel.",
    ),
    "a sale without a customer": (
        _set("leads", 2, "customer_id", None),
        "leads: customer_id: a sale without a customer_id",
        "leads.parquet: column customer_id: 1 row has a sale without a customer_id (row 4). "
        "Fill customer_id for every lead with a sale_at (the id of the account that bought).",
    ),
    "a negative amount": (
        _set("leads", 0, "amount", -5.0),
        "leads: amount: a negative value",
        "leads.parquet: column amount: 1 row has a negative value (row 2). Amount must be >= "
        "0; record refunds or credits as a separate category, or fix the export.",
    ),
    "an amount of 10^15": (
        _set("leads", 0, "amount", 1e15),
        "leads: amount: a number of 10^15 or more",
        "leads.parquet: column amount: 1 row has a number of 10^15 or more (row 2). Check the "
        "export: such an amount is a typo or an id in the wrong column.",
    ),
    "an infinite amount": (
        _set("leads", 0, "amount", np.inf),
        "leads: amount: a number that does not parse",
        "leads.parquet: column amount: 1 row has a number that does not parse (row 2). Write "
        "plain numbers such as 1234.56 or 1234,56 (one decimal mark in the whole column), "
        "without currency signs.",
    ),
    "a sale in 9999": (
        _set("leads", 0, "sale_at", pd.Timestamp("9999-12-31")),
        "leads: sale_at: a date outside 1900-01-01 to 2199-12-31",
        "leads.parquet: column sale_at: 1 row has a date outside 1900-01-01 to 2199-12-31 (row "
        "2). Such a date is a placeholder or a typo: fix it in the export, or leave the cell "
        "blank.",
    ),
    "no lead at all": (
        lambda t: t.update(leads=t["leads"].iloc[:0]),
        None,  # the scan itself refuses it (test_scan.py), and auto loads the folder
        "leads.parquet: no rows under the header. A dataset needs at least one lead: export "
        "the leads again.",
    ),
    "dates as text": (
        _text_dates,
        None,  # the scan refuses text dates itself
        f"leads.parquet: column lead_at: 1 row has a date that does not parse (row 3). {_DATE_HINT}",
    ),
    "a missing column": (
        lambda t: t.update(orders=t["orders"].drop(columns="revenue")),
        None,  # the scan refuses it itself
        "orders.parquet: missing column 'revenue' (it has: order_id, customer_id, order_date, "
        "gross_margin). kpilib.load_dataset expects the orders table (order_id, customer_id, "
        "order_date, revenue); rename the matching columns as docs/data-model.md shows.",
    ),
    "a target period that does not parse": (
        _set("targets", 0, "period", "Oct 2026"),
        "targets: period: a period that does not parse",
        "targets.parquet: column period: 1 row has a period that does not parse (row 2). "
        'Write periods as "2026-10" (month), "2026-Q4" (quarter) or "FY2026" (fiscal year).',
    ),
    "an unknown metric": (
        _set("targets", 2, "metric", "revenu"),
        "targets: metric: an unknown metric",
        "targets.parquet: column metric: 1 row has an unknown metric (row 4). Accepted metrics: "
        "leads, new_customers, offers, revenue, sales, visits.",
    ),
    "a duplicate target": (
        _extra_target,  # "sale" is "sales": the same as row 2
        "targets: period: a duplicate target",
        "targets.parquet: column period: 2 rows have a duplicate target (same period, metric, "
        "team and owner) (rows 2, 8). Keep one target per period, metric, team and owner.",
    ),
    "a target of 0": (
        _set("targets", 0, "target", 0.0),
        "targets: target: a target of 0",
        "targets.parquet: column target: 1 row has a target of 0 (row 2). Targets must be above "
        "0, as attainment divides the actual by them: remove the row of a metric without an "
        "objective.",
    ),
    "a negative target": (
        _set("targets", 0, "target", -5.0),
        "targets: target: a negative value",
        "targets.parquet: column target: 1 row has a negative value (row 2). Target must be >= "
        "0; record refunds or credits as a separate category, or fix the export.",
    ),
    "a cost period that is no month": (
        _set("costs", 0, "period", "2026-Q4"),
        "costs: period: a period that does not parse",
        "costs.parquet: column period: 1 row has a period that does not parse (row 2). Write "
        'cost periods as months, "2026-10", or give a date column instead.',
    ),
    "a cost dated 1800": (
        _dated_costs,
        "costs: date: a date outside 1900-01-01 to 2199-12-31",
        "costs.parquet: column date: 1 row has a date outside 1900-01-01 to 2199-12-31 (row 2). "
        "Such a date is a placeholder or a typo: fix it in the export, or leave the cell blank.",
    ),
    "a cost without category": (
        _set("costs", 1, "category", None),
        "costs: category: no category",
        "costs.parquet: column category: 1 row has no category (row 3). Fill category: "
        "salaries, bonuses, expenses, campaigns or another name.",
    ),
    "a negative cost": (
        _set("costs", 0, "amount", -20.0),
        "costs: amount: a negative value",
        "costs.parquet: column amount: 1 row has a negative value (row 2). Amount must be >= 0; "
        "record refunds or credits as a separate category, or fix the export.",
    ),
    "a duplicate order id": (
        _set("orders", 1, "order_id", "O1"),
        "orders: order_id: a duplicate id",
        "orders.parquet: column order_id: 2 rows have a duplicate id (rows 2, 3). Each order_id "
        "must appear once; remove or merge the duplicates.",
    ),
    "an order without customer": (
        _set("orders", 3, "customer_id", None),
        "orders: customer_id: no customer_id",
        "orders.parquet: column customer_id: 1 row has no customer_id (row 5). Every order needs "
        "the id of the customer who placed it.",
    ),
    "a negative revenue": (
        _set("orders", 0, "revenue", -1.0),
        "orders: revenue: a negative value",
        "orders.parquet: column revenue: 1 row has a negative value (row 2). Revenue must be >= "
        "0; record refunds or credits as a separate category, or fix the export.",
    ),
    "a margin of 10^15": (
        _set("orders", 0, "gross_margin", -2e15),
        "orders: gross_margin: a number of 10^15 or more",
        "orders.parquet: column gross_margin: 1 row has a number of 10^15 or more (row 2). "
        "Check the export: such an amount is a typo or an id in the wrong column.",
    ),
}


# a measure that must be filled, missing: as null and as a float NaN (the loader reads
# both as blank; DuckDB needs NaN read through text)
_MISSING = {
    ("targets", 1, "target"): (
        "targets: target: no target value",
        "targets.parquet: column target: 1 row has no target value (row 3). Fill the target or "
        "remove the row.",
    ),
    ("costs", 2, "amount"): (
        "costs: amount: no amount",
        "costs.parquet: column amount: 1 row has no amount (row 4). Fill the amount of every "
        "cost line, 0 if nothing was spent, or remove the row.",
    ),
    ("orders", 0, "revenue"): (
        "orders: revenue: no revenue",
        "orders.parquet: column revenue: 1 row has no revenue (row 2). Fill the revenue of "
        "every order, 0 for a free one, or remove the row.",
    ),
}
for (_table, _row, _col), (_found, _message) in _MISSING.items():
    for _kind, _value in (("null", np.nan), ("NaN", NAN)):
        REFUSED[f"{_table}: {_col} {_kind}"] = (_set(_table, _row, _col, _value), _found, _message)


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_as_by_the_pandas_engine(tmp_path, case):
    change, found, message = REFUSED[case]
    folder = write(tmp_path, changed(change))
    for engine in ENGINES if found is not None else []:
        assert found in auto.precheck(scan_dataset(folder, backend=engine)), engine
    with pytest.raises(DataError) as by_pandas:
        open_dataset(folder, engine="pandas")
    with pytest.raises(DataError) as by_auto:
        open_dataset(folder, engine="auto")
    assert by_auto.value.problems == [message]
    assert str(by_auto.value) == str(by_pandas.value)


def test_other_parquet_types_give_the_pandas_tables(tmp_path, engine):
    # whole-number ids and amounts, dates as Parquet dates, sale times with a zone
    tables = good()
    leads = tables["leads"]
    leads["lead_id"] = np.arange(1, 9)
    leads["amount"] = leads["amount"].astype("Int64")
    leads["lead_at"] = leads["lead_at"].dt.date
    folder = write(tmp_path, tables)
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "leads.parquet")
    i = table.schema.get_field_index("sale_at")
    zoned = pa.timestamp("us", tz="Europe/Paris")  # the same instants, read as UTC
    sales = table.column(i).cast(pa.timestamp("us", tz="UTC")).cast(zoned)
    pq.write_table(table.set_column(i, pa.field("sale_at", zoned), sales), folder / "leads.parquet")
    dataset = open_dataset(folder, engine="auto")
    # DuckDB keeps a time zone in the connection, not in the column: the scan sets the
    # connection's to UTC, and reads the times as the loader does
    assert isinstance(dataset, ScannedDataset)
    got = compute_all(dataset, period="2026-10", as_of="2026-10-21")
    assert_same(got, compute_all(load_dataset(folder), period="2026-10", as_of="2026-10-21"))
    # the October cohort's sales: L3, L4 and L7, for 2000 + 500 + 700
    sales = got["attainment"].set_index("metric").loc["sales", "actual"]
    assert sales == 3


def test_a_damaged_parquet_file_is_named_as_by_the_pandas_engine(tmp_path):
    folder = write(tmp_path, good())
    (folder / "orders.parquet").write_bytes(b"PAR1 cut short")
    with pytest.raises(DataError) as by_pandas:
        open_dataset(folder, engine="pandas")
    with pytest.raises(DataError) as by_auto:
        open_dataset(folder, engine="auto")
    assert str(by_auto.value) == str(by_pandas.value)
    assert by_auto.value.problems[0].startswith("orders.parquet: not a readable Parquet file (")


def test_a_column_named_twice_is_refused_as_by_the_pandas_engine(tmp_path):
    # the footer check read each column's type by its name, and a repeated name raised
    # pyarrow's KeyError out of `kpi kpis`
    import pyarrow.parquet as pq

    folder = write(tmp_path, good())
    table = pq.read_table(folder / "leads.parquet")
    pq.write_table(table.append_column("team", table.column("team")), folder / "leads.parquet")
    assert choose_engine(folder) == "polars"  # eight leads: a scan, were the folder clean
    with pytest.raises(DataError) as by_pandas:
        open_dataset(folder, engine="pandas")
    with pytest.raises(DataError) as by_auto:
        open_dataset(folder, engine="auto")
    assert str(by_auto.value) == str(by_pandas.value)
    column = table.column_names.index("team") + 1
    assert by_auto.value.problems == [
        f"leads.parquet: column team appears 2 times (columns {column}, "
        f"{table.num_columns + 1}; names are compared without surrounding spaces). Keep one "
        "column of that name: remove or rename the others."
    ]
