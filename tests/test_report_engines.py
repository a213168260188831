"""The report's figures computed on polars and DuckDB scans equal the pandas ones.

The sample dataset is written as Parquet; :func:`kpilib.engine.scan.open_dataset`
opens it on each engine, and every frame the notebooks read
(:mod:`kpilib.sections.highlights`, :func:`kpilib.kpis.tables.compute_all`) must equal the
frame computed from the same folder loaded into pandas: same columns, dtypes,
rows and values. Spark is in ``test_spark.py``.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import is_dataclass
from pathlib import Path

import pandas as pd
import pytest

from kpilib.data.load import load_dataset
from kpilib.engine.scan import ScannedDataset, open_dataset, spark_session
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.tables import compute_all
from kpilib.sections import highlights
from kpilib.sections.funnel import build_funnel
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


def section_values(section) -> dict:
    """A section's fields: frames as they are, facts as their value, findings as their keys."""
    out = {}
    for key, value in vars(section).items():
        if isinstance(value, Fact):
            value = value.value
        elif key == "findings":
            value = [f.key for f in value]
        elif is_dataclass(value):  # a leak, a source's rate, the trend's verdict
            value = {k: v.value if isinstance(v, Fact) else v for k, v in vars(value).items()}
        out[key] = value
    return out


def report_frames(dataset, *, full: bool = True) -> dict:
    """Every frame and figure the four notebooks read, flattened.

    ``full=False`` leaves out the headline tiles and ``compute_all``, which
    compute the same KPI calls again (for Spark, where each call is slow).
    """
    out: dict = {}
    groups = {
        "objectives": highlights.objectives_frames(dataset, period=PERIOD),
        "acquisition": highlights.acquisition_frames(dataset, period=PERIOD),
        "funnel": section_values(build_funnel(dataset, period=PERIOD, as_of=dataset.as_of)),
        "projected": highlights.projected_frames(dataset, period=PERIOD),
    }
    if full:
        groups["tables"] = compute_all(dataset, period=PERIOD)
    for group, frames in groups.items():
        for key, value in frames.items():
            if isinstance(value, dict):  # objectives' paths, one frame a metric
                out.update({f"{group}.{key}.{k}": v for k, v in value.items()})
            else:
                out[f"{group}.{key}"] = value
    if full:
        out["headline"] = highlights.headline(dataset, period=PERIOD)
    out["missing_tables"] = highlights.missing_tables(dataset)
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
        elif isinstance(want, float):
            assert got[key] == pytest.approx(want, rel=1e-9, nan_ok=True), key
        elif isinstance(want, dict):
            assert_same(got[key], want)
        else:
            assert got[key] == want or (got[key] != got[key] and want != want), key


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_report_frames_on_a_scan_equal_the_pandas_ones(folder, expected, engine):
    dataset = open_dataset(folder, engine=engine)
    assert isinstance(dataset, ScannedDataset) and dataset.backend == engine
    got = report_frames(dataset)
    # the headline figures are real ones, not empty frames equal by accident
    tiles = got["headline"].set_index("tile")
    assert tiles.loc["new_customers", "value"] == 122
    assert round(tiles.loc["cac", "value"]) == 3739
    assert got["projected.reason"] is None and len(got["projected.result"]) > 0
    assert_same(got, expected)


def test_pandas_engine_is_load_dataset():
    dataset = open_dataset(SAMPLE)
    assert isinstance(dataset.leads, pd.DataFrame)
    pd.testing.assert_frame_equal(dataset.leads, load_dataset(SAMPLE).leads)


def test_an_unknown_engine_is_refused():
    with pytest.raises(ParameterError) as err:
        open_dataset(SAMPLE, engine="excel")
    assert str(err.value) == (
        "engine = 'excel' is invalid; expected 'pandas', 'polars', 'duckdb' or 'spark'."
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
