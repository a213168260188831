"""The report's figures computed on polars and DuckDB scans equal the pandas ones.

The sample dataset is written as Parquet; :func:`kpilib.engine.scan.open_dataset`
opens it on each engine, and every fact and frame of the report model
(:func:`kpilib.sections.build.build`, what the notebooks read) and of
:func:`kpilib.kpis.tables.compute_all` must equal the
frame computed from the same folder loaded into pandas: same columns, dtypes,
rows and values. Spark is in ``test_spark.py``.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kpilib.data.load import load_dataset
from kpilib.engine.scan import ScannedDataset, open_dataset, spark_session
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.tables import compute_all
from kpilib.sections.build import build
from kpilib.sections.model import Fact

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
PERIOD = "2026-10"


def write_parquet_sample(folder: Path) -> Path:
    """The sample dataset as one Parquet file a table, with its kpi.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    ds = load_dataset(SAMPLE)
    for table in ("leads", "targets", "costs", "orders"):
        getattr(ds, table).to_parquet(folder / f"{table}.parquet", index=False)
    shutil.copy(SAMPLE / "kpi.toml", folder / "kpi.toml")
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write_parquet_sample(tmp_path_factory.mktemp("parquet-sample"))


def _flatten(obj: Any, path: str, out: dict) -> None:
    """Every value of the report model, by its path (facts as value, unit, basis, period)."""
    if isinstance(obj, Fact):
        out[path] = (obj.value, obj.unit, obj.basis, obj.period, obj.source)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            _flatten(getattr(obj, f.name), f"{path}.{f.name}", out)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            _flatten(value, f"{path}[{key}]", out)
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            _flatten(value, f"{path}[{i}]", out)
    else:
        out[path] = obj


def report_frames(dataset, *, full: bool = True) -> dict:
    """Every frame and figure of the report model, flattened (the notebooks read only it).

    ``full=False`` leaves out ``compute_all``, which computes the same KPI calls
    again (for Spark, where each call is slow).
    """
    out: dict = {}
    _flatten(build(dataset, period=PERIOD), "report", out)
    if full:
        for key, value in compute_all(dataset, period=PERIOD).items():
            out[f"tables.{key}"] = value
    out["as_of"] = dataset.as_of
    return out


@pytest.fixture(scope="module")
def expected(folder) -> dict:
    return report_frames(load_dataset(folder))


def assert_same(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for key, want in expected.items():
        if isinstance(want, pd.DataFrame):
            try:
                pd.testing.assert_frame_equal(got[key], want, check_exact=False, rtol=1e-9)
            except AssertionError as exc:
                raise AssertionError(f"{key}: {exc}") from None
        elif isinstance(want, tuple) and want and isinstance(want[0], float):
            assert got[key][1:] == want[1:], key
            assert got[key][0] == pytest.approx(want[0], rel=1e-9, nan_ok=True), key
        else:
            assert got[key] == want or (got[key] != got[key] and want != want), key


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_report_frames_on_a_scan_equal_the_pandas_ones(folder, expected, engine):
    dataset = open_dataset(folder, engine=engine)
    assert isinstance(dataset, ScannedDataset) and dataset.backend == engine
    got = report_frames(dataset)
    # the headline figures are real ones, not empty frames equal by accident
    assert got["report.summary.tiles[0].value"][0] == 122
    assert round(got["report.summary.tiles[3].value"][0]) == 3739
    assert_same(got, expected)


def test_pandas_engine_is_load_dataset():
    dataset = open_dataset(SAMPLE)
    assert isinstance(dataset.leads, pd.DataFrame)
    pd.testing.assert_frame_equal(dataset.leads, load_dataset(SAMPLE).leads)


def test_an_unknown_engine_is_refused():
    with pytest.raises(ParameterError) as err:
        open_dataset(SAMPLE, engine="excel")
    assert str(err.value) == (
        "engine = 'excel' is invalid; expected 'auto', 'pandas', 'polars', 'duckdb' or 'spark'."
    )


def test_a_csv_dataset_on_a_scanning_engine_says_what_to_do():
    with pytest.raises(DataError) as err:
        open_dataset(SAMPLE, engine="duckdb")
    assert str(err.value) == (
        f"{SAMPLE}: no leads.parquet and no leads/ folder of Parquet files. leads.csv is "
        "there, but a scan reads Parquet only: load the folder with kpilib.load_dataset (the "
        "report's --engine pandas), or write the tables as Parquet."
    )


def test_spark_without_pyspark_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ParameterError) as err:
        spark_session()
    assert str(err.value) == (
        "engine 'spark' needs PySpark: pip install \"kpilib[spark]\" (PySpark 4, Java 17+)."
    )
