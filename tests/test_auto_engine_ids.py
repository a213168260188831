"""The ``auto`` engine's pre-check reads two facts from the Parquet file itself:
ids in strictly increasing order (distinct without a hash) and NaN in the
measures (which DuckDB's statistics hide)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_auto_engine import ENGINES, good, write

import kpilib.engine.auto as auto
import kpilib.engine.texts as texts
from kpilib.engine.scan import scan_dataset


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
    assert auto._increasing(_file(tmp_path, groups), "id") is increasing


def test_increasing_float_ids_are_left_to_the_hash(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"id": pa.array([1.0, 2.0])}), path)
    assert auto._increasing(path, "id") is False


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
    assert auto._nans(path, "orders") == {"revenue"}
    pq.write_table(pa.table({"revenue": [1.0, None], "order_id": ["O1", "O2"]}), path)
    assert auto._nans(path, "orders") == set()
