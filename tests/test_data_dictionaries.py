"""Text columns read from a Parquet file's dictionaries (kpilib.data.dictionaries)."""

from __future__ import annotations

import gc

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

from kpilib.data import dictionaries as D
from kpilib.data.load import load_dataset
from kpilib.engine import pandas_input as P


def _write(path, table, **kw):
    pq.write_table(table, path, row_group_size=kw.pop("row_group_size", 1000), **kw)
    return path


def _leads(n=3000):
    # team: two values; lead_id: every value its own (stored plainly, not as a dictionary)
    return pa.table(
        {
            "lead_id": [f"L{i:03d}" for i in range(n)],
            "lead_at": pa.array([pd.Timestamp("2026-10-01")] * n, pa.timestamp("us")),
            "team": (["North", "South", None] * n)[:n],
            "source": (["web"] * 1500 + ["ads"] * 1500 + ["web"] * n)[:n],
        }
    )


def test_few_valued_text_is_read_as_a_dictionary_and_the_frame_is_unchanged(tmp_path):
    # three row groups of 1,000 rows: "team" and "source" are stored as dictionaries in
    # each (2 and 1-2 values), "lead_id" is 3,000 distinct ids, stored plainly
    path = _write(tmp_path / "leads.parquet", _leads(), use_dictionary=["team", "source"])
    file = pq.ParquetFile(path)
    assert D.text_dictionaries(file, ["lead_id", "lead_at", "team", "source"]) == [
        "team",
        "source",
    ]
    assert D.text_dictionaries(file, ["lead_id", "team"]) == ["team"]

    frame = D.read_parquet(path, ["lead_id", "team", "source"])
    assert_frame_equal(
        frame, pq.read_table(path, columns=["lead_id", "team", "source"]).to_pandas()
    )
    assert frame["team"].fillna("-").tolist()[:4] == ["North", "South", "-", "North"]
    team = D.encoded(frame["team"].array.__arrow_array__())
    assert team is not None and team.type == pa.dictionary(pa.int8(), pa.string())
    assert team.num_chunks == 3 and team.null_count == 1000  # every third row
    assert sorted(set(D.dictionaries(frame["team"].array.__arrow_array__()).to_pylist())) == [
        "North",
        "South",
    ]
    assert D.encoded(frame["lead_id"].array.__arrow_array__()) is None


def test_the_dictionary_form_is_forgotten_with_its_column(tmp_path):
    path = _write(tmp_path / "leads.parquet", _leads(), use_dictionary=["team"])
    frame = D.read_parquet(path, ["team"])
    texts = frame["team"].array.__arrow_array__()
    assert D.encoded(texts) is not None
    before = len(D._ENCODED)
    del frame, texts
    gc.collect()
    assert len(D._ENCODED) == before - 1


def test_a_changed_column_is_read_as_it_is(tmp_path):
    path = _write(tmp_path / "leads.parquet", _leads(), use_dictionary=["team"])
    frame = D.read_parquet(path, ["team"])
    upper = frame["team"].str.upper()
    assert D.encoded(upper.array.__arrow_array__()) is None
    assert D.dictionaries(upper.array.__arrow_array__()) is None


@pytest.mark.parametrize(
    ("values", "width"),
    [(127, pa.int8()), (128, pa.int16()), (32_767, pa.int16()), (32_768, pa.int32())],
)
def test_indices_are_kept_in_the_narrowest_integer(values, width):
    texts = pa.array([f"T{i}" for i in range(values)])
    column = pa.chunked_array([texts.dictionary_encode(), texts.slice(0, 3).dictionary_encode()])
    narrow = D._narrow(column)
    assert narrow.type == pa.dictionary(width, pa.string())
    assert narrow.to_pylist() == column.to_pylist()


def test_nested_columns_are_not_read_as_dictionaries(tmp_path):
    table = pa.table({"team": ["North"] * 8, "tags": [["a"]] * 8})
    file = pq.ParquetFile(_write(tmp_path / "t.parquet", table))
    assert D.text_dictionaries(file, ["team", "tags"]) == []


def test_the_loader_strips_a_padded_dictionary_and_then_forgets_it(tmp_path):
    # " North" sits in the dictionary: the strip check reads the dictionary's texts,
    # finds it, strips every row, and the stripped column holds a new array
    table = _leads().set_column(2, "team", pa.array([" North", "South", None] * 1000))
    _write(tmp_path / "leads.parquet", table, use_dictionary=["team"])
    leads = load_dataset(tmp_path).leads
    assert leads["team"].tolist()[:2] == ["North", "South"]
    assert D.encoded(leads["team"].array.__arrow_array__()) is None


def test_the_loader_finds_garbled_text_in_a_dictionary(tmp_path):
    table = _leads().set_column(2, "team", pa.array(["MÃ¼nchen", "South", None] * 1000))
    _write(tmp_path / "leads.parquet", table, use_dictionary=["team"])
    ds = load_dataset(tmp_path)
    assert D.encoded(ds.leads["team"].array.__arrow_array__()) is not None
    assert ds.warnings == [
        "leads.parquet: column team: 1000 rows have text that looks garbled, such as "
        "'MÃ¼nchen' (rows 2, 5, 8, 11, 14, …). The file was saved as UTF-8 and later opened "
        "as Windows-1252: export it again as CSV UTF-8."
    ]


def test_pandas_input_takes_a_loaded_dictionary_as_its_categories(tmp_path, monkeypatch):
    _write(tmp_path / "leads.parquet", _leads(), use_dictionary=["team", "source"])
    leads = load_dataset(tmp_path).leads
    asked = []
    real = D.encoded
    monkeypatch.setattr(D, "encoded", lambda texts: asked.append(texts) or real(texts))
    lf = P.on_polars(leads, keep=["team", "source"], categories=["team"]).to_native().collect()
    assert str(lf.schema["team"]) == "Categorical" and str(lf.schema["source"]) == "String"
    assert lf["team"].cast(str).fill_null("-").to_list() == leads["team"].fillna("-").tolist()
    assert lf["source"].to_list() == leads["source"].tolist()
    assert len(asked) == 1  # team only: source, not grouped on, is handed over as text


def test_a_column_the_file_declares_a_dictionary_comes_as_before(tmp_path):
    # pandas categories are written with their dictionary type in the file's schema:
    # read_table gives them as categories, and so does the loader's read
    frame = pd.DataFrame(
        {
            "team": pd.Categorical(["North", "South", None] * 1000),
            "amount": pd.Categorical([1.5, 2.5, 1.5] * 1000),
            "owner": ["Ann", "Bo", "Cy"] * 1000,
        }
    )
    path = tmp_path / "leads.parquet"
    frame.to_parquet(path, row_group_size=1000)
    assert D.text_dictionaries(pq.ParquetFile(path), ["team", "amount", "owner"]) == ["owner"]
    got = D.read_parquet(path, ["team", "amount", "owner"])
    assert_frame_equal(got, pq.read_table(path).to_pandas())
    assert str(got["team"].dtype) == "category"
    assert D.encoded(got["owner"].array.__arrow_array__()) is not None
