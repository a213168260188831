"""The same fixtures on pandas, polars and DuckDB give the same tables, in the input's kind."""

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from kpi_fixtures import costs, leads, orders, targets, to_engine, to_pandas

from kpilib.engine import dates
from kpilib.engine import frames as _frames
from kpilib.engine import pandas_input as _pandas_input
from kpilib.errors import ParameterError
from kpilib.kpis.acquisition import cac
from kpilib.kpis.closing import qualified_to_customer, win_rate
from kpilib.kpis.coaching import coaching
from kpilib.kpis.cycle import sales_cycle
from kpilib.kpis.forecast import forecast
from kpilib.kpis.funnel import funnel, funnel_trend
from kpilib.kpis.objectives import attainment
from kpilib.kpis.retention import retention
from kpilib.kpis.value import cohort_value, payback

CALLS = {
    "attainment": lambda t: attainment(t["leads"], t["targets"], as_of="2026-10-15"),
    "attainment_default": lambda t: attainment(t["leads"], t["targets"], period="2026-Q4"),
    "cac": lambda t: cac(t["leads"], t["costs"]),
    "cac_leads_lag": lambda t: cac(t["leads"], t["costs"], allocation="leads", lag=1),
    "cac_empty": lambda t: cac(t["leads"], t["costs"], period="2026-08"),
    "cohort_value": lambda t: cohort_value(t["leads"], t["orders"], by="channel"),
    "payback": lambda t: payback(t["leads"], t["orders"], t["costs"], as_of="2026-11-30"),
    "payback_channel": lambda t: payback(t["leads"], t["orders"], t["costs"], by="channel"),
    "cohort_empty": lambda t: cohort_value(t["leads"], t["orders"], as_of="2026-09-15"),
    "retention": lambda t: retention(t["leads"], t["orders"]),
    "retention_closed": lambda t: retention(t["leads"], t["orders"], as_of="2026-11-30"),
    "retention_empty": lambda t: retention(t["leads"], t["orders"], as_of="2026-09-15"),
    "funnel": lambda t: funnel(t["leads"], period="2026-10", window_days=5),
    "funnel_by": lambda t: funnel(t["leads"], by="owner", as_of="2026-10-12"),
    "funnel_empty": lambda t: funnel(t["leads"], period="2025-01"),
    "trend": lambda t: funnel_trend(t["leads"], periods=3, window_days=30, by="source"),
    "win_rate": lambda t: win_rate(t["leads"], by="team"),
    "qualified": lambda t: qualified_to_customer(t["leads"], period="2026-10"),
    "coaching": lambda t: coaching(t["leads"], period="2026-10", window_days=10),
    "coaching_all": lambda t: coaching(t["leads"], as_of="2026-10-31"),
    "sales_cycle": lambda t: sales_cycle(t["leads"], period="2026-10", months=2),
    "sales_cycle_by": lambda t: sales_cycle(t["leads"], by="team", as_of="2026-10-31"),
    "sales_cycle_empty": lambda t: sales_cycle(t["leads"], period="2025-01"),
    "forecast": lambda t: forecast(t["leads"], period="2026-10", as_of="2026-10-15"),
}
KINDS = {
    "polars": pl.DataFrame,
    "polars-lazy": pl.LazyFrame,
    "duckdb": duckdb.DuckDBPyRelation,
}


def _tables(engine: str) -> dict:
    frames = {
        "leads": leads().assign(qualified_at=leads()["visit_at"]),
        "targets": targets(),
        "costs": costs(),
        "orders": orders(),
    }
    return {k: to_engine(v, engine) for k, v in frames.items()}


@pytest.fixture(scope="module")
def reference() -> dict:
    """Results of narwhals over plain pandas (no polars inside)."""
    saved = _pandas_input.PANDAS_ENGINE
    _pandas_input.PANDAS_ENGINE = "pandas"
    try:
        tables = _tables("pandas")
        return {name: call(tables) for name, call in CALLS.items()}
    finally:
        _pandas_input.PANDAS_ENGINE = saved


@pytest.mark.parametrize("engine", ["pandas", "polars", "polars-lazy", "duckdb"])
@pytest.mark.parametrize("name", list(CALLS))
def test_same_result_on_every_engine(reference, engine, name):
    result = CALLS[name](_tables(engine))
    assert isinstance(result, KINDS.get(engine, pd.DataFrame))
    expected = reference[name]
    got = to_pandas(result)
    if engine == "pandas":
        # pandas run on polars inside: identical frame, dtypes included
        pd.testing.assert_frame_equal(result, expected)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, to_pandas(expected), check_dtype=False)


def test_mixed_engines_are_refused():
    with pytest.raises(ParameterError) as err:
        cac(to_engine(leads(), "duckdb"), to_engine(costs(), "polars"))
    assert str(err.value) == (
        "costs is a polars frame but the first table is duckdb. Pass every table from the "
        "same engine (convert the small ones first)."
    )


def test_not_a_frame():
    with pytest.raises(ParameterError) as err:
        funnel([1, 2, 3])
    assert str(err.value) == (
        "leads: a list is not a data frame kpilib reads. Pass a pandas or polars DataFrame, "
        "a polars LazyFrame or a DuckDB relation."
    )


def test_epoch_days_match_durations():
    # the calendar-field day count used on Spark equals the duration on other engines
    stamps = pd.Series(
        pd.to_datetime(
            [
                "1970-01-01",
                "2000-02-29 12:00",
                "2024-12-31 23:59:59",
                "2026-10-14 16:30",
                "2100-03-01",
            ],
            format="ISO8601",
        ),
        dtype="datetime64[us]",
    )
    frame = pl.DataFrame({"a": stamps.iloc[0:1].repeat(5).to_numpy(), "b": stamps.to_numpy()})
    lf = nw.from_native(frame.lazy())
    got = lf.select(
        spark=dates._epoch_days(nw.col("b")) - dates._epoch_days(nw.col("a")),
        native=_frames.days_between(lf, nw.col("b"), nw.col("a")),
    ).collect()
    # 2000-02-29 12:00 is 11016.5 days after 1970-01-01
    assert got["spark"].to_list()[1] == 11016.5
    assert got["spark"].to_list() == pytest.approx(got["native"].to_list(), abs=1e-9)


def test_pandas_conversion_keeps_values_and_names():
    """pandas input reaches polars with NaT and NaN as null, in every datetime unit."""
    frame = pd.DataFrame(
        {
            "lead_at": pd.to_datetime(["2026-10-01 09:30", None]).as_unit("ns"),
            "sale_at": pd.to_datetime(["2026-10-05", "2026-10-06"]).as_unit("ms"),
            "seen_at": pd.to_datetime(["2026-10-01", None]).tz_localize("Europe/Paris"),
            "source": ["ads", None],
            "amount": [1.5, float("nan")],
        }
    )
    got = _pandas_input.on_polars(frame).collect().to_native()
    assert got.columns == ["lead_at", "sale_at", "seen_at", "source", "amount"]
    assert got.schema["lead_at"] == pl.Datetime("ns")
    assert got.schema["sale_at"] == pl.Datetime("ms")
    assert got.schema["seen_at"] == pl.Datetime("us", "Europe/Paris")
    assert got.rows() == [
        (
            dt.datetime(2026, 10, 1, 9, 30),
            dt.datetime(2026, 10, 5),
            dt.datetime(2026, 10, 1, tzinfo=ZoneInfo("Europe/Paris")),
            "ads",
            1.5,
        ),
        (None, dt.datetime(2026, 10, 6), None, None, None),
    ]


def test_pandas_conversion_reads_only_the_kept_columns():
    """Columns a calculation does not read stay in the schema, all null."""
    frame = pd.DataFrame(
        {"lead_id": ["L1"], "lead_at": pd.to_datetime(["2026-10-01"]), "team": ["north"]}
    )
    got = _pandas_input.on_polars(frame, keep=["lead_id"]).collect().to_native()
    assert got.columns == ["lead_id", "lead_at", "team"]
    assert got.rows() == [("L1", dt.datetime(2026, 10, 1), None)]


def test_pandas_column_polars_cannot_type_stays_on_pandas():
    frame = pd.DataFrame({"lead_at": pd.to_datetime(["2026-10-01"]), "mixed": [object()]})
    assert _pandas_input.on_polars(frame) is None
    kind, lf = _frames.lazy_inputs(leads=frame)
    assert kind == "pandas" and lf["leads"].implementation.is_pandas()


def test_one_pandas_table_polars_cannot_type_keeps_every_table_on_pandas(reference):
    """All pandas tables run on one engine: a column polars cannot type in the
    targets keeps the leads on pandas too (not a mix of engines)."""
    tables = _tables("pandas")
    odd = tables["targets"].assign(note=[object()] * len(tables["targets"]))
    kind, lf = _frames.lazy_inputs(leads=tables["leads"], targets=odd)
    assert kind == "pandas"
    assert lf["leads"].implementation.is_pandas() and lf["targets"].implementation.is_pandas()
    got = CALLS["attainment"]({**tables, "targets": odd})
    pd.testing.assert_frame_equal(got, reference["attainment"], check_dtype=False)


def test_pandas_conversion_of_arrow_categorical_and_nullable_columns():
    """Arrow-backed, categorical and nullable pandas columns keep values and nulls."""
    frame = pd.DataFrame(
        {
            "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"]),
            "source": pd.Series(["ads", None, "web"], dtype="str"),
            "team": pd.Series(["north", "south", None], dtype="category"),
            "visits": pd.Series([1, None, 3], dtype="Int64"),
            "amount": pd.Series([1.5, None, 2.0], dtype=pd.ArrowDtype(pa.float64())),
            "sale_at": pd.Series(
                [None, dt.datetime(2026, 10, 9), dt.datetime(2026, 10, 8)],
                dtype=pd.ArrowDtype(pa.timestamp("us")),
            ),
        }
    )
    got = _pandas_input.on_polars(frame).collect().to_native()
    assert got.schema["sale_at"] == pl.Datetime("us")
    assert got.select("source", "team", "visits", "amount", "sale_at").rows() == [
        ("ads", "north", 1, 1.5, None),
        (None, "south", None, None, dt.datetime(2026, 10, 9)),
        ("web", None, 3, 2.0, dt.datetime(2026, 10, 8)),
    ]
    rows = _pandas_input.sale_rows_on_polars(frame.iloc[::-1], ["source", "team", "visits"])
    assert rows.collect().to_native().rows() == [
        (dt.datetime(2026, 10, 8), "web", None, 3),
        (dt.datetime(2026, 10, 9), None, "south", None),
    ]


def test_pandas_group_keys_come_as_categories_and_stack_as_text():
    """Columns named as categories reach polars dictionary-encoded (a quarter of the
    memory of text); F.stack turns them back into text."""
    frame = pd.DataFrame(
        {
            "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"]),
            "team": pd.Series(["north", None, "north"], dtype="str"),
            "owner": pd.Series(["ann", "bob", "ann"], dtype=object),
        }
    )
    lf = _pandas_input.on_polars(frame, categories=["team", "owner"])
    assert lf.collect_schema()["team"] == nw.Categorical
    assert lf.collect_schema()["owner"] == nw.Categorical
    grouped = lf.group_by("team", "owner").agg(nw.len().alias("n"))
    stacked = _frames.stack([grouped], ["team", "owner", "n"]).sort("team", nulls_last=False)
    got = stacked.collect().to_native()
    assert got.schema["team"] == pl.String and got.schema["owner"] == pl.String
    assert got.rows() == [(None, "bob", 1), ("north", "ann", 2)]


def _pool_answer() -> int:
    return _pandas_input._pool().submit(int, "7").result(timeout=20)


def test_a_forked_child_gets_conversion_threads_of_its_own():
    """A child forked after the parent made its conversion threads (multiprocessing's
    default on Linux) makes its own instead of waiting on the parent's, which it does
    not have. (polars' own threads have the same problem: see docs/kpis.md.)"""
    import multiprocessing

    assert _pool_answer() == 7  # the parent's pool exists from here
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_pool_answer).get(timeout=60) == 7


def test_sale_rows_of_a_strided_frame_with_time_zones():
    frame = pd.DataFrame(
        {
            "sale_at": pd.to_datetime(["2026-10-05", None, "2026-10-06", "2026-10-07"]).tz_localize(
                "Europe/Paris"
            ),
            "lead_id": ["L1", "L2", "L3", "L4"],
        }
    )
    rows = _pandas_input.sale_rows_on_polars(frame.iloc[::2], ["lead_id"]).collect().to_native()
    paris = ZoneInfo("Europe/Paris")
    assert rows.schema["sale_at"] == pl.Datetime("us", "Europe/Paris")
    assert rows.rows() == [
        (dt.datetime(2026, 10, 5, tzinfo=paris), "L1"),
        (dt.datetime(2026, 10, 6, tzinfo=paris), "L3"),
    ]


@pytest.mark.parametrize("name", list(CALLS))
def test_duckdb_relations_of_any_connection(reference, name):
    """Tables on a connection other than DuckDB's default one work as well."""
    con = duckdb.connect()
    tables = {}
    for key, frame in _tables("polars").items():
        con.register(f"_{key}", frame.to_arrow())
        tables[key] = con.table(f"_{key}")
    got = CALLS[name](tables)
    assert isinstance(got, duckdb.DuckDBPyRelation)
    pd.testing.assert_frame_equal(to_pandas(got), to_pandas(reference[name]), check_dtype=False)


def test_small_frame_literals_on_duckdb():
    like = nw.from_native(duckdb.connect().sql("SELECT 1 AS x"))
    data = {"p": ["it's", None], "n": [1, 2], "f": [float("nan"), 0.5], "b": [True, False]}
    dtypes = {"p": nw.String, "n": nw.Int64, "f": nw.Float64, "b": nw.Boolean}
    got = _frames.small_frame(like, data, dtypes).to_native()
    assert got.types == ["VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN"]
    rows = got.fetchall()
    assert rows[0][0] == "it's" and rows[0][1] == 1 and rows[0][2] != rows[0][2]
    assert rows[1] == (None, 2, 0.5, False)
    empty = _frames.small_frame(like, {k: [] for k in data}, dtypes).to_native()
    assert empty.fetchall() == [] and empty.types == ["VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN"]


def test_pandas_conversion_of_a_strided_slice():
    """Every other row of a frame: the datetimes are not contiguous in memory."""
    frame = pd.DataFrame(
        {"lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", None, "2026-10-04", "2026-10-05"])}
    )
    got = _pandas_input.on_polars(frame.iloc[::2]).collect().to_native()
    assert got.get_column("lead_at").to_list() == [
        dt.datetime(2026, 10, 1),
        None,
        dt.datetime(2026, 10, 5),
    ]


def test_pandas_leads_give_their_first_sale_columns_for_sale_rows_only():
    # on pandas input the ids are converted for the leads with a sale only (memory)
    frame = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3"],
            "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"]),
            "source": ["ads", "web", "ads"],
            "notes": ["a", "b", "c"],
            "sale_at": pd.to_datetime([None, "2026-10-09", None]),
            "customer_id": [None, "C2", "C9"],  # C9 has no sale: never read
        }
    )
    wanted = ["lead_at", "source", "lead_id", "customer_id"]
    rows = _pandas_input.sale_rows_on_polars(frame, wanted).collect().to_native()
    assert rows.columns == ["sale_at", "lead_at", "source", "lead_id", "customer_id"]
    assert rows.rows() == [(dt.datetime(2026, 10, 9), dt.datetime(2026, 10, 2), "web", "L2", "C2")]
    assert _pandas_input.sale_rows_on_polars(pl.from_pandas(frame), ["lead_id"]) is None
    assert _pandas_input.sale_rows_on_polars(frame.drop(columns="sale_at"), ["lead_id"]) is None
    kind, lf = _frames.lazy_inputs(keep={"leads": ["source"]}, sales=wanted, leads=frame)
    assert kind == "pandas" and lf["sales"].collect().to_native().equals(rows)
    # the leads keep the columns read for every lead; the ids are null there
    assert lf["leads"].select("source", "lead_id").collect().rows() == [
        ("ads", None),
        ("web", None),
        ("ads", None),
    ]
    costs = pd.DataFrame({"period": ["2026-10"], "category": ["campaigns"], "amount": [90.0]})
    got = cac(frame, costs)
    # blended (channel empty), then web: L2's sale, which carries all the cost
    assert got["channel"].isna().tolist() == [True, False] and got["channel"].iloc[1] == "web"
    assert got[["new_customers", "cac"]].values.tolist() == [[1, 90.0], [1, 90.0]]
    pd.testing.assert_frame_equal(got, to_pandas(cac(pl.from_pandas(frame), pl.from_pandas(costs))))


def test_a_lean_block_keeps_the_sale_rows_and_the_frames_without_text():
    # a text column of every row is a copy in polars (160 MB at 10M leads): a lean block
    # converts it again rather than hold it; dates and the sale rows cost little
    P = _pandas_input  # noqa: N806
    frame = pd.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02"]),
            "sale_at": pd.to_datetime([None, "2026-10-09"]),
        }
    )
    with P.converted_once(lean=True):
        dates = P.on_polars(frame, keep=[])
        assert P.on_polars(frame, keep=[]) is dates
        texts = P.on_polars(frame, keep=["lead_id"])
        assert P.on_polars(frame, keep=["lead_id"]) is not texts
        sales = P.sale_rows_on_polars(frame, ["lead_id"])
        assert P.sale_rows_on_polars(frame, ["lead_id"]) is sales
    assert sales.collect().to_native().rows() == [
        (pd.Timestamp("2026-10-09").to_pydatetime(), "L2")
    ]
    assert dates.collect().to_native()["lead_id"].to_list() == [None, None]


def test_within_converted_once_a_frame_is_converted_once_per_columns():
    P = _pandas_input  # noqa: N806
    frame = pd.DataFrame({"lead_id": ["L1", "L2"], "lead_at": pd.to_datetime(["2026-10-01"] * 2)})
    assert P.on_polars(frame, keep=["lead_id"]) is not P.on_polars(frame, keep=["lead_id"])
    with P.converted_once():
        once = P.on_polars(frame, keep=["lead_id"])
        assert P.on_polars(frame, keep=["lead_id"]) is once
        assert P.on_polars(frame) is not once  # other columns read: converted again
        with P.converted_once():  # an inner block keeps the outer's conversions
            assert P.on_polars(frame, keep=["lead_id"]) is once
        other = frame.copy()  # an equal frame is another frame
        assert P.on_polars(other, keep=["lead_id"]) is not once
    assert P.on_polars(frame, keep=["lead_id"]) is not once  # the block is over
    assert once.collect().to_native().to_dict(as_series=False) == {
        "lead_id": ["L1", "L2"],
        "lead_at": [pd.Timestamp("2026-10-01").to_pydatetime()] * 2,
    }
