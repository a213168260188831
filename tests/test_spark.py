"""The KPI functions run on PySpark DataFrames (local mode) and equal the pandas tables."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pyarrow as pa
import pytest
from kpi_fixtures import costs, leads, orders, targets, to_pandas

from kpilib.kpis.acquisition import cac
from kpilib.kpis.coaching import coaching
from kpilib.kpis.cycle import sales_cycle
from kpilib.kpis.forecast import forecast
from kpilib.kpis.funnel import funnel
from kpilib.kpis.objectives import attainment
from kpilib.kpis.retention import retention
from kpilib.kpis.value import cohort_value, payback
from kpilib.kpis.window import conversion_window

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed: pip install 'kpilib[spark]'"
)
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip(
        "Spark needs Java 17 or later: no java on PATH, JAVA_HOME unset", allow_module_level=True
    )

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

CALLS = {
    "attainment": lambda t: attainment(t["leads"], t["targets"], as_of="2026-10-15"),
    "cac": lambda t: cac(t["leads"], t["costs"]),
    "cohort_value": lambda t: cohort_value(t["leads"], t["orders"], by="channel"),
    "payback": lambda t: payback(t["leads"], t["orders"], t["costs"]),
    "funnel": lambda t: funnel(t["leads"], by="source"),
    "retention": lambda t: retention(t["leads"], t["orders"], as_of="2026-10-21"),
    "coaching": lambda t: coaching(t["leads"], as_of="2026-10-31", window_days=10),
    "sales_cycle": lambda t: sales_cycle(t["leads"], by="team", window_days=20),
    "forecast": lambda t: forecast(t["leads"], period="2026-10", as_of="2026-10-15"),
}


@pytest.fixture(scope="module")
def spark():
    """One local session for the module, tuned for tiny data: code generation and
    adaptive planning off and a quick-starting JIT make each query ~3x faster."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("kpilib-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {"leads": leads(), "targets": targets(), "costs": costs(), "orders": orders()}


@pytest.mark.parametrize("name", list(CALLS))
def test_kpi_on_spark_equals_pandas(spark, tables, name):
    frames = {
        k: spark.createDataFrame(pa.Table.from_pandas(v, preserve_index=False))
        for k, v in tables.items()
    }
    result = CALLS[name](frames)
    assert isinstance(result, pyspark.sql.DataFrame)  # Spark in, Spark out
    got = result.toArrow().to_pandas()
    pd.testing.assert_frame_equal(got, to_pandas(CALLS[name](tables)), check_dtype=False)


def test_conversion_window_on_spark(spark, tables):
    frame = spark.createDataFrame(pa.Table.from_pandas(tables["leads"], preserve_index=False))
    # days to a sale 6, 7, 12.6875 and 17: 90% at 15.7 days, rounded up, as on pandas
    assert conversion_window(frame) == conversion_window(tables["leads"]) == 16


def test_scanned_parquet_dataset_on_spark(spark, tables, tmp_path):
    from kpilib.engine.scan import scan_dataset

    (tmp_path / "leads").mkdir()
    tables["leads"].iloc[:4].to_parquet(tmp_path / "leads" / "part-0.parquet", index=False)
    tables["leads"].iloc[4:].to_parquet(tmp_path / "leads" / "part-1.parquet", index=False)
    tables["costs"].to_parquet(tmp_path / "costs.parquet", index=False)
    ds = scan_dataset(tmp_path, backend="spark", session=spark)
    assert isinstance(ds.leads, pyspark.sql.DataFrame)
    got = CALLS["cac"](ds.tables()).toArrow().to_pandas()
    pd.testing.assert_frame_equal(got, to_pandas(CALLS["cac"](tables)), check_dtype=False)


@pytest.mark.slow
def test_the_report_frames_on_spark_equal_the_pandas_ones(spark, tmp_path):
    # the report model when the report runs with engine = "spark" (the KPIs on Spark,
    # their results in pandas): what every notebook reads
    from test_report_engines import assert_same, report_frames, write_parquet_sample

    from kpilib.data.load import load_dataset
    from kpilib.engine.scan import open_dataset

    folder = write_parquet_sample(tmp_path / "parquet")
    dataset = open_dataset(folder, engine="spark", session=spark)
    assert isinstance(dataset.leads, pyspark.sql.DataFrame)
    got = report_frames(dataset, full=False)
    table = got["report.acquisition.cac_frame"]
    blended = table[(table["period"] == "2026-10") & table["channel"].isna()]
    assert blended["cost"].tolist() == [pytest.approx(456180.07)]  # summed in Spark's order
    assert blended["new_customers"].tolist() == [122]
    assert_same(got, report_frames(load_dataset(folder), full=False))


def test_spark_session_is_the_active_one_set_to_utc(spark):
    from kpilib.engine.scan import spark_session

    spark.conf.set("spark.sql.session.timeZone", "Europe/Paris")
    try:
        assert spark_session() is spark
        assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
