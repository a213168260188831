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
from pathlib import Path

import pandas as pd
import pytest

from kpilib.data.load import load_dataset
from kpilib.engine.scan import ScannedDataset, open_dataset, spark_session
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.tables import compute_all
from kpilib.sections import highlights
from kpilib.sections.acquisition import build_acquisition

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


def acquisition_groups(sec) -> dict:
    """The acquisition section's frames and facts, and its projection's, by name."""
    facts = {
        name: getattr(sec, name).value
        for name in ("cac", "previous_cac", "cac_change", "ltv_to_cac", "payback")
    }
    proj = sec.projection
    return {
        "acquisition": {
            "cac": sec.cac_frame,
            "payback": sec.payback_frame,
            "payback_by_channel": sec.payback_by_channel,
            "cohort_value": sec.cohort_value_frame,
            "ltv_by_channel": sec.ltv_by_channel,
            "ltv_cohort": sec.ltv_cohort,
            "ltv_months": sec.ltv_months,
            **facts,
        },
        "projected": {
            "result": proj.result,
            "curves": proj.curves,
            "cohort": proj.cohort,
            "young": proj.young,
            "reason": proj.reason,
            "value": proj.value.value,
        },
    }


def report_frames(dataset, *, full: bool = True) -> dict:
    """Every frame and figure the four notebooks read, flattened.

    ``full=False`` leaves out the headline tiles and ``compute_all``, which
    compute the same KPI calls again (for Spark, where each call is slow).
    """
    out: dict = {}
    groups = {
        "objectives": highlights.objectives_frames(dataset, period=PERIOD),
        "funnel": highlights.funnel_frames(dataset, period=PERIOD),
        **acquisition_groups(build_acquisition(dataset, period=PERIOD)),
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
        elif isinstance(want, float):  # a fact: equal up to rounding between engines
            assert got[key] == pytest.approx(want, rel=1e-9, nan_ok=True), key
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
