"""Lazy scans of a Parquet dataset give the same KPI tables as the pandas frames."""

from __future__ import annotations

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pytest
from kpi_fixtures import costs, leads, orders, targets, to_pandas

from kpilib.engine.scan import _clean_texts, scan_dataset
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.acquisition import cac
from kpilib.kpis.funnel import funnel
from kpilib.kpis.objectives import attainment
from kpilib.kpis.value import cohort_value, payback

CALLS = {
    "attainment": lambda t: attainment(t["leads"], t["targets"], as_of="2026-10-15"),
    "cac": lambda t: cac(t["leads"], t["costs"]),
    "cohort_value": lambda t: cohort_value(t["leads"], t["orders"], by="channel"),
    "payback": lambda t: payback(t["leads"], t["orders"], t["costs"]),
    "funnel": lambda t: funnel(t["leads"], by="source"),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The KPI fixtures as Parquet: leads in two part files (one in a sub-folder),
    with an extra column and blank strings where the frames hold missing values."""
    root = tmp_path_factory.mktemp("scanned")
    raw = leads().assign(notes="free text the KPIs never read")
    raw["customer_id"] = raw["customer_id"].fillna("")
    (root / "leads" / "2026-10").mkdir(parents=True)
    raw.iloc[:4].to_parquet(root / "leads" / "part-0.parquet", index=False)
    raw.iloc[4:].to_parquet(root / "leads" / "2026-10" / "part-1.parquet", index=False)
    targets().to_parquet(root / "targets.parquet", index=False)
    costs().to_parquet(root / "costs.parquet", index=False)
    orders().to_parquet(root / "orders.parquet", index=False)
    return root


@pytest.fixture(scope="module")
def expected() -> dict:
    tables = {"leads": leads(), "targets": targets(), "costs": costs(), "orders": orders()}
    return {name: call(tables) for name, call in CALLS.items()}


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_scanned_tables_are_lazy_and_hold_only_canonical_columns(folder, backend):
    ds = scan_dataset(folder, backend=backend)
    kind = pl.LazyFrame if backend == "polars" else duckdb.DuckDBPyRelation
    assert all(isinstance(t, kind) for t in ds.tables().values())
    assert ds.files["leads"] == "leads/ (2 files)"
    names = ds.leads.collect_schema().names() if backend == "polars" else ds.leads.columns
    assert "notes" not in names
    assert ds.as_of == pd.Timestamp("2026-10-21")


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("name", list(CALLS))
def test_kpis_on_a_scan_equal_the_pandas_ones(folder, expected, backend, name):
    result = CALLS[name](scan_dataset(folder, backend=backend).tables())
    pd.testing.assert_frame_equal(to_pandas(result), to_pandas(expected[name]), check_dtype=False)


def test_larger_than_memory_engines_give_the_same_tables(folder, expected):
    """polars' streaming engine, and DuckDB capped at 64 MB (it spills to disk past
    that), run the same lazy plans."""
    polars_ds = scan_dataset(folder, backend="polars")
    streamed = CALLS["payback"](polars_ds.tables()).collect(engine="streaming")
    pd.testing.assert_frame_equal(
        streamed.to_pandas(), to_pandas(expected["payback"]), check_dtype=False
    )
    con = duckdb.default_connection()
    limit = con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.execute("SET memory_limit = '64MB'")
    try:
        capped = scan_dataset(folder, backend="duckdb")
        got = {k: CALLS[k](capped.tables()) for k in ("payback", "funnel")}
        for k, result in got.items():
            pd.testing.assert_frame_equal(
                to_pandas(result), to_pandas(expected[k]), check_dtype=False
            )
    finally:
        con.execute(f"SET memory_limit = '{limit}'")


def test_missing_leads_is_an_error(tmp_path):
    with pytest.raises(DataError) as err:
        scan_dataset(tmp_path)
    assert str(err.value) == (
        f"{tmp_path}: no leads.parquet and no leads/ folder of Parquet files. A dataset needs "
        "at least its leads; see docs/data-model.md."
    )


def test_text_dates_are_refused_with_a_hint(tmp_path):
    pd.DataFrame({"lead_id": ["L1"], "lead_at": ["2026-10-01"]}).to_parquet(
        tmp_path / "leads.parquet"
    )
    with pytest.raises(DataError) as err:
        scan_dataset(tmp_path)
    assert str(err.value) == (
        "leads.parquet: column lead_at holds String, not dates. A scanned Parquet dataset "
        "needs typed dates (Parquet timestamp or date); convert the column when writing the "
        "files, or load the dataset with kpilib.load_dataset, which parses text dates."
    )


def test_unknown_backend_is_refused(folder):
    with pytest.raises(ParameterError) as err:
        scan_dataset(folder, backend="dask")
    assert str(err.value) == (
        "backend = 'dask' is invalid; expected 'polars', 'duckdb' or 'spark'."
    )


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_a_truncated_or_missing_part_is_refused_by_name(tmp_path, backend):
    data = tmp_path / "data"
    data.mkdir()
    to_pandas(leads()).to_parquet(tmp_path / "whole.parquet")
    (data / "leads.parquet").write_bytes((tmp_path / "whole.parquet").read_bytes()[:200])
    with pytest.raises(DataError) as info:
        scan_dataset(data, backend=backend)
    assert str(info.value) == (
        "leads.parquet: not a readable Parquet file (Parquet magic bytes not found in footer. "
        "Either the file is corrupted or this is not a parquet file.). Write the table again."
    )
    (data / "leads.parquet").unlink()
    (data / "leads.parquet").symlink_to(tmp_path / "gone.parquet")
    with pytest.raises(DataError) as info:
        scan_dataset(data, backend=backend)
    assert str(info.value) == (
        "leads.parquet: a link to a file that does not exist. Put the file itself there."
    )


def test_a_table_is_one_parquet_file_or_one_folder_of_parts(tmp_path):
    # a CSV file beside leads.parquet: a scan reads Parquet only and looks at no other file
    pd.DataFrame({"lead_id": ["L9"], "lead_at": ["2026-10-09"]}).to_csv(tmp_path / "leads.csv")
    to_pandas(leads()).to_parquet(tmp_path / "leads.parquet")
    ds = scan_dataset(tmp_path, backend="polars")
    assert ds.files == {"leads": "leads.parquet"}
    (tmp_path / "leads").mkdir()
    with pytest.raises(DataError) as info:
        scan_dataset(tmp_path, backend="polars")
    assert str(info.value) == (
        f"{tmp_path}: leads is given twice (leads.parquet and leads/). Keep one."
    )
    (tmp_path / "leads.parquet").unlink()
    with pytest.raises(DataError) as info:
        scan_dataset(tmp_path, backend="polars")
    assert str(info.value) == (
        f"{tmp_path / 'leads'}: the folder holds no .parquet file. Put the leads part files "
        "there, or remove the folder."
    )


def test_a_folder_named_like_the_table_is_read_as_its_parts(tmp_path):
    # Spark writes a table as a folder of part files named like a file
    (tmp_path / "leads.parquet").mkdir()
    to_pandas(leads()).to_parquet(tmp_path / "leads.parquet" / "part-0.parquet")
    ds = scan_dataset(tmp_path, backend="polars")
    assert ds.leads.collect().shape[0] == len(to_pandas(leads()))


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_only_padded_or_blank_text_columns_are_stripped(tmp_path, backend):
    # team is clean (read as stored); source has a padded value and owner a blank one:
    # those two are stripped and blank becomes missing, in every query of the dataset
    pd.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02"]),
            "source": [" web ", "ads"],
            "team": ["North", "South"],
            "owner": ["", "ana"],
        }
    ).to_parquet(tmp_path / "leads.parquet", index=False)
    ds = scan_dataset(tmp_path, backend=backend)
    got = ds.leads.collect() if backend == "polars" else ds.leads.pl()
    assert got.select("source", "team", "owner").rows() == [
        ("web", "North", None),
        ("ads", "South", "ana"),
    ]


def test_clean_text_columns_are_told_by_one_query():
    lf = nw.from_native(
        pl.LazyFrame({"a": ["x", None], "b": ["x ", "y"], "c": ["", "y"], "n": [1, 2]})
    )
    # a: no padding, no blank (missing is fine); b padded; c blank; n is no text
    assert _clean_texts(lf, ["a", "b", "c", "n"]) == {"a"}


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_clean_texts_looks_at_the_first_and_last_character(backend):
    frame = pl.DataFrame(
        {
            "a": ["x", "y"],
            "b": ["x\t", "y"],
            "c": ["\x1fx", "y"],
            "d": ["x", "y\xa0"],
            "e": ["é", "y"],
        }
    )
    lf = nw.from_native(
        frame.lazy() if backend == "polars" else duckdb.from_arrow(frame.to_arrow())
    )
    # b ends with a tab, c starts with a separator: stripped everywhere; d ends with a
    # no-break space and e with "é": polars strips Unicode spaces, so both are stripped
    # there (e needlessly); DuckDB strips ASCII's only (the auto engine checks the others)
    want = {"polars": {"a"}, "duckdb": {"a", "d", "e"}}[backend]
    assert _clean_texts(lf, ["a", "b", "c", "d", "e"]) == want


def _named(tmp_path, names: list[str]) -> None:
    """Two leads in leads.parquet, under the column names *names* (pyarrow writes repeats)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    values = {
        "lead_id": ["L1", "L2"],
        "lead_at": pa.array(pd.to_datetime(["2026-10-01", "2026-10-02"])),
        "source": ["web", "ads"],
        "team": ["North", "South"],
    }
    pq.write_table(
        pa.table([values[n.strip(" \ufeff")] for n in names], names=names),
        tmp_path / "leads.parquet",
    )


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_padded_column_names_are_read_stripped_as_the_loader_reads_them(tmp_path, backend):
    # " source " was another column than source to the engines: every lead counted under
    # source "unknown", with a warning that the leads have no source
    _named(tmp_path, ["lead_id", "lead_at", " source ", "\ufeffteam"])
    ds = scan_dataset(tmp_path, backend=backend)
    got = ds.leads.collect() if backend == "polars" else ds.leads.pl()
    assert got.select("source", "team").rows() == [("web", "North"), ("ads", "South")]
    assert ds.warnings == []


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("again", ["source", " source"])
def test_a_column_named_twice_is_refused_as_the_loader_refuses_it(tmp_path, backend, again):
    # polars failed with a traceback (DuplicateError) and DuckDB with pyarrow's KeyError;
    # " source" was read as another column than source
    _named(tmp_path, ["lead_id", "lead_at", "source", "team", again])
    with pytest.raises(DataError) as info:
        scan_dataset(tmp_path, backend=backend)
    assert str(info.value) == (
        "leads.parquet: column source appears 2 times (columns 3, 5; names are compared "
        "without surrounding spaces). Keep one column of that name: remove or rename the "
        "others."
    )


def test_zoned_times_on_duckdb_are_read_as_utc_whatever_the_connections_zone(tmp_path):
    # DuckDB keeps a zone in the connection (the machine's own, by default), and narwhals
    # converts zoned times to that zone only: the scan raised NotImplementedError
    import pyarrow as pa
    import pyarrow.parquet as pq

    stamps = pd.to_datetime(["2026-10-01 01:30", "2026-10-31 23:30"]).tz_localize("UTC")
    new_york = pa.array(stamps).cast(pa.timestamp("us", tz="America/New_York"))
    leads = {"lead_id": ["L1", "L2"], "lead_at": new_york, "source": ["web", "ads"]}
    pq.write_table(pa.table(leads), tmp_path / "leads.parquet")
    con = duckdb.default_connection()
    before = con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0]
    try:
        con.execute("SET TimeZone = 'Europe/Paris'").fetchall()
        got = scan_dataset(tmp_path, backend="duckdb").leads.pl()["lead_at"].to_list()
        after = con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0]
    finally:
        con.execute(f"SET TimeZone = '{before}'").fetchall()
    # the instants in UTC, as the loader reads them: 01:30 on the 1st, 23:30 on the 31st
    assert [str(t) for t in got] == ["2026-10-01 01:30:00", "2026-10-31 23:30:00"]
    assert after == "UTC"


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_a_leads_file_without_rows_is_refused_as_the_loader_refuses_it(tmp_path, backend):
    # the tables were written, every count 0, every cost without a customer
    to_pandas(leads()).iloc[:0].to_parquet(tmp_path / "leads.parquet", index=False)
    with pytest.raises(DataError) as info:
        scan_dataset(tmp_path, backend=backend)
    assert str(info.value) == (
        "leads.parquet: no rows under the header. A dataset needs at least one lead: export "
        "the leads again."
    )


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_parts_of_other_columns_are_refused_by_name(tmp_path, backend):
    # polars failed with ColumnNotFoundError, DuckDB with a traceback (union_by_name); parts
    # listing the same columns in another order are read as one table
    frame = to_pandas(leads())
    (tmp_path / "leads").mkdir()
    frame.iloc[:4].to_parquet(tmp_path / "leads" / "part-0.parquet", index=False)
    frame.iloc[4:, ::-1].to_parquet(tmp_path / "leads" / "part-1.parquet", index=False)
    assert scan_dataset(tmp_path, backend=backend).files == {"leads": "leads/ (2 files)"}
    last = frame.iloc[4:].drop(columns=["owner"]).assign(note="x")
    last.to_parquet(tmp_path / "leads" / "part-1.parquet", index=False)
    with pytest.raises(DataError) as info:
        scan_dataset(tmp_path, backend=backend)
    assert str(info.value) == (
        f"{tmp_path / 'leads' / 'part-1.parquet'}: its columns differ from those of "
        f"{tmp_path / 'leads' / 'part-0.parquet'}: it has no owner; it adds note. Write every "
        "part of a table with the same columns."
    )
