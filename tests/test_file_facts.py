"""What the scans and the ``auto`` engine's pre-check read from the Parquet file
itself (kpilib.engine.file_facts): texts of few values read from their
dictionary, ids in strictly increasing order (distinct without a hash), NaN in
the measures (which DuckDB's statistics hide)."""

from __future__ import annotations

from pathlib import Path

import narwhals as nw
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_auto_engine import ENGINES, good, write

import kpilib.engine.auto as auto
import kpilib.engine.texts as texts
from kpilib.engine import file_facts
from kpilib.engine.scan import ScannedDataset, scan_dataset


def _file(folder: Path, groups: list[list], name: str = "t.parquet") -> Path:
    """One column "id" written as one row group per list of *groups*."""
    path = folder / name
    kind = pa.string() if any(isinstance(v, str) for g in groups for v in g) else None
    with pq.ParquetWriter(path, pa.schema([("id", kind or pa.int64())])) as writer:
        for values in groups:
            writer.write_table(pa.table({"id": pa.array(values, kind or pa.int64())}))
    return path


@pytest.mark.parametrize(
    "groups, increasing",
    [
        ([["L1", "L2"], ["L3", "L4"]], True),
        ([[1, 5], [7, 90]], True),
        ([["L1"]], True),
        ([["L1", "L3"], ["L2", "L4"]], False),  # each group in order, not across them
        ([["L1", "L2"], ["L2", "L3"]], False),  # the same id either side of the boundary
        ([["L1", "L1", "L2"]], False),
        ([["L2", "L1"]], False),
        ([["L1", None, "L3"]], False),
        ([["", "L1"]], False),  # blank for the loader
        ([[" L1", "L2"]], False),  # the scan strips it: it may then equal "L1"
        ([["L1", "L2\t"]], False),
        ([["L1", "Lé"]], False),  # a character outside ASCII: its ends unread
        ([[3, 2]], False),
    ],
)
def test_increasing_ids_are_read_from_the_file(tmp_path, groups, increasing):
    assert file_facts.increasing(_file(tmp_path, groups), "id") is increasing


def test_increasing_float_ids_are_left_to_the_hash(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"id": pa.array([1.0, 2.0])}), path)
    assert file_facts.increasing(path, "id") is False


@pytest.mark.parametrize("backend", ENGINES)
def test_increasing_ids_are_not_hashed(tmp_path, backend, monkeypatch):
    # the fixture's ids are L1...L8 and O1..., in order: the hash count is not built
    folder = write(tmp_path, good())
    hashed = []
    plain = texts.with_helpers

    def spy(lf, **kw):
        hashed.append(list(kw.get("ids", ())))
        return plain(lf, **kw)

    monkeypatch.setattr(auto, "with_helpers", spy)
    assert auto.precheck(scan_dataset(folder, backend=backend)) == []
    assert hashed == [[], [], [], []]


@pytest.mark.parametrize("backend", ENGINES)
def test_ids_in_order_but_repeated_are_found_by_the_hash(tmp_path, backend):
    tables = good()
    tables["leads"].loc[1, "lead_id"] = tables["leads"].loc[0, "lead_id"]  # L1, L1, L3...
    tables["orders"].loc[0, "order_id"] = " " + tables["orders"].loc[1, "order_id"]
    found = auto.precheck(scan_dataset(write(tmp_path, tables), backend=backend))
    assert found == ["leads: lead_id: a duplicate id", "orders: order_id: a duplicate id"]


def test_nans_are_read_from_the_file_in_float_columns_only(tmp_path):
    path = tmp_path / "orders.parquet"
    with pq.ParquetWriter(
        path, pa.schema([("revenue", pa.float64()), ("gross_margin", pa.int64())])
    ) as writer:
        writer.write_table(pa.table({"revenue": [1.0, 2.0], "gross_margin": [1, 2]}))
        writer.write_table(pa.table({"revenue": [float("nan"), None], "gross_margin": [3, 4]}))
    assert file_facts.nans(path, ("revenue", "gross_margin")) == {"revenue"}
    pq.write_table(pa.table({"revenue": [1.0, None], "order_id": ["O1", "O2"]}), path)
    assert file_facts.nans(path, ("revenue", "gross_margin")) == set()


def _texts(path: Path, columns: dict[str, list], **options) -> Path:
    pq.write_table(pa.table(columns), path, **options)
    return path


TEAMS = ["North", "South", None, "East"] * 25  # 100 rows, 3 values: a dictionary


@pytest.mark.parametrize(
    "odd, plain",
    [
        (None, True),
        ("West", True),
        (" West", False),  # padded: the scan strips it
        ("West\t", False),
        ("", False),  # blank for the loader
        ("Nord-Est é", False),  # outside ASCII: the scan's query reads it
    ],
)
def test_plain_texts_reads_the_dictionary(tmp_path, odd, plain):
    path = _texts(tmp_path / "t.parquet", {"team": [*TEAMS[:-1], odd]})
    assert file_facts.plain_texts([path], ["team"]) == ({"team"} if plain else set())


def test_plain_texts_leaves_plain_stored_and_other_columns_to_the_query(tmp_path):
    ids = [f"L{i:05d}" for i in range(100)]  # 100 values in 100 rows: stored plainly
    path = _texts(tmp_path / "t.parquet", {"id": ids, "team": TEAMS, "n": list(range(100))})
    assert file_facts.plain_texts([path], ["id", "team", "n", "absent"]) == {"team"}
    path = _texts(tmp_path / "u.parquet", {"team": TEAMS}, use_dictionary=False)
    assert file_facts.plain_texts([path], ["team"]) == set()


def test_plain_texts_over_part_files(tmp_path):
    one = _texts(tmp_path / "1.parquet", {"team": TEAMS, "owner": TEAMS})
    two = _texts(tmp_path / "2.parquet", {"team": [*TEAMS[:-1], "South "], "owner": TEAMS})
    assert file_facts.plain_texts([one, two], ["team", "owner"]) == {"owner"}
    three = _texts(tmp_path / "3.parquet", {"team": TEAMS})  # no owner
    assert file_facts.plain_texts([one, three], ["team", "owner"]) == {"team"}


def _many_leads() -> dict:
    """The fixture's tables with its leads 20 times over (160), each with its own id."""
    tables = good()
    tables["leads"] = pd.concat([tables["leads"]] * 20, ignore_index=True)
    tables["leads"]["lead_id"] = [f"L{i:03d}" for i in range(len(tables["leads"]))]
    return tables


def _asked(monkeypatch) -> list:
    """The text columns each table's scan asks its engine about (filled as it opens)."""
    import kpilib.engine.scan as scan

    asked: list = []
    plain = scan._clean_texts

    def spy(lf, cols):
        asked.append(cols)
        return plain(lf, cols)

    monkeypatch.setattr(scan, "_clean_texts", spy)
    return asked


@pytest.mark.parametrize("backend", ENGINES)
def test_the_scan_asks_its_engine_only_about_the_other_texts(tmp_path, backend, monkeypatch):
    tables = _many_leads()
    tables["leads"]["team"] = tables["leads"]["team"].str.replace("North", " North ")
    asked = _asked(monkeypatch)
    ds = scan_dataset(write(tmp_path, tables), backend=backend)
    # source, owner and customer_id (few values, 20 times over: stored as dictionaries)
    # are read from the file; the padded team and the 160 ids are the engine's to tell
    assert asked[0] == ["lead_id", "team"]
    teams = nw.from_native(ds.leads).select("team").unique().collect()
    assert sorted(teams["team"].to_list(), key=str) == ["North", "South"]


def test_ids_proven_in_order_are_plain_until_the_file_changes(tmp_path, monkeypatch):
    path = _file(tmp_path, [["L1", "L2"], ["L3"]])
    assert file_facts.plain_texts([path], ["id"]) == set()  # stored plainly: not read
    assert file_facts.increasing(path, "id")
    monkeypatch.setattr(pq, "ParquetFile", None)  # nothing more is read
    assert file_facts.increasing(path, "id") and file_facts.plain_texts([path], ["id"]) == {"id"}
    monkeypatch.undo()
    _file(tmp_path, [["L1", " L2"], ["L3"]])  # written again: proven no more
    assert not file_facts.increasing(path, "id")
    assert file_facts.plain_texts([path], ["id"]) == set()
    ints = _file(tmp_path, [[1, 2]], name="n.parquet")  # whole numbers: the scan casts them
    assert file_facts.increasing(ints, "id") and file_facts.plain_texts([ints], ["id"]) == set()


@pytest.mark.parametrize("backend", ENGINES)
def test_auto_proves_the_ids_before_the_scan_asks_about_them(tmp_path, backend, monkeypatch):
    asked = _asked(monkeypatch)
    monkeypatch.setattr(auto, "choose_engine", lambda folder: backend)
    ds = auto.open_auto(write(tmp_path, _many_leads()))
    assert isinstance(ds, ScannedDataset)
    # leads: the ids proven in order; the rest few-valued dictionaries: nothing to ask
    assert asked[0] == []


def test_auto_reads_whole_number_ids_once(tmp_path, monkeypatch):
    # the scan casts whole-number ids (nothing to strip), and increasing() remembers
    # texts only: proving them before the scan read every id twice
    tables = _many_leads()
    tables["leads"]["lead_id"] = range(1, len(tables["leads"]) + 1)
    read = []
    prove = file_facts.increasing

    def spy(path, column):
        read.append((Path(path).name, column))
        return prove(path, column)

    monkeypatch.setattr(file_facts, "increasing", spy)
    assert isinstance(auto.open_auto(write(tmp_path, tables)), ScannedDataset)
    # the order ids (O1...) are texts: proven before the scan, then remembered
    assert read == [
        ("orders.parquet", "order_id"),
        ("leads.parquet", "lead_id"),
        ("orders.parquet", "order_id"),
    ]
