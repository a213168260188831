"""The whole-process benchmark: its runner reports failures, its check compares the CSV tables."""

from __future__ import annotations

import sys

import pytest

from benchmarks.commands import check, run


def test_run_gives_seconds_and_peak_memory(tmp_path):
    took, peak = run([sys.executable, "-c", "pass"], tmp_path)
    assert took > 0
    assert peak > 1024 * 1024  # an interpreter holds more than a megabyte


def test_a_failing_command_stops_the_benchmark_with_its_message(tmp_path):
    argv = [sys.executable, "-c", "import sys; sys.exit('no data')"]
    with pytest.raises(SystemExit) as err:
        run(argv, tmp_path)
    assert str(err.value) == f"{' '.join(argv)} failed (1):\nno data\n"


def _tables(folder, **csv):
    folder.mkdir()
    for name, text in csv.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


def test_check_compares_engines_with_each_other_and_scripts_on_shared_tables(tmp_path):
    cohort = "cohort,n\n2026-10,3\n"
    outputs = {
        "kpis duckdb": _tables(tmp_path / "a", funnel="stage,n\nlead,4\n", cohort_value=cohort),
        "kpis polars": _tables(tmp_path / "b", funnel="stage,n\nlead,5\n", cohort_value=cohort),
        # the scripts' funnel covers every cohort: only cohort_value and payback are compared
        "script duckdb": _tables(tmp_path / "c", funnel="stage,n\nsale,1\n", cohort_value=cohort),
    }
    assert check(outputs) == [
        "funnel: kpis polars vs kpis duckdb: column n: 1 rows differ, first row 0: np.float64(5.0) != np.float64(4.0)"
    ]


def test_scripts_tables_are_compared_rounded_as_kpi_kpis_writes_them(tmp_path):
    # kpi kpis writes days to 2 decimals and money to the cent; the scripts write them
    # whole, and each is compared with kpilib on its own engine (polars with polars)
    outputs = {
        "kpis duckdb": _tables(tmp_path / "a", sales_cycle="month,median_days\n2026-10,34.15\n"),
        "kpis polars": _tables(tmp_path / "b", sales_cycle="month,median_days\n2026-10,34.14\n"),
        "script polars": _tables(
            tmp_path / "c", sales_cycle="month,median_days\n2026-10,34.144999999999996\n"
        ),
    }
    assert check(outputs) == [
        "sales_cycle: kpis polars vs kpis duckdb: column median_days: 1 rows differ, first row "
        "0: np.float64(34.14) != np.float64(34.15)"
    ]


def test_kpis_commands_ask_for_the_scripts_nine_tables(tmp_path):
    from benchmarks.commands import TABLES_ASKED, _without, commands

    argv = commands(tmp_path)["kpis polars"]
    assert argv[argv.index("--tables") + 1] == (
        "attainment,cac,funnel,cohort_value,payback,retention,coaching,sales_cycle,forecast"
    )
    # a base checkout is run without the option (older ones write their tables unasked)
    assert "--tables" not in _without(argv, TABLES_ASKED)
    assert _without(["kpi", "validate"], TABLES_ASKED) == ["kpi", "validate"]


def test_the_coaching_cohort_is_the_latest_mature_month():
    import datetime as dt

    from benchmarks.baselines import mature_cohort, truncated_before

    day = dt.datetime(2026, 10, 31)
    # a 90-day window at 2026-10-31: leads from 2026-08-03 (1 Nov − 90 days) are young
    months = [
        (2026 * 12 + 6, dt.datetime(2026, 7, 31, 23)),
        (2026 * 12 + 7, dt.datetime(2026, 8, 31)),
        (2026 * 12 + 9, dt.datetime(2026, 10, 31)),
    ]
    assert mature_cohort(months, "2026-10", day, 90) == "2026-07"
    assert mature_cohort(months[1:], "2026-10", day, 90) == "2026-10"  # none mature
    # the first lead 2024-11-01 00:00:16 + 90 days = 2025-01-30: months before 2025-02
    assert truncated_before(dt.datetime(2024, 11, 1, 0, 0, 16), 90) == 2025 * 12 + 1


def test_the_table_gives_each_command_against_the_duckdb_script_and_its_own_engines():
    from benchmarks.commands import MB, table

    def timed(seconds, mb):
        return {"median": seconds, "runs": [seconds], "peak": mb * MB}

    res = {
        "kpis pandas": timed(2.0, 100),
        "kpis polars": timed(1.5, 60),
        "script duckdb": timed(1.0, 50),
        "script pandas": timed(1.6, 80),
        "validate": timed(0.5, 1),
        "_": {"loads": [1.0, 1.5]},
    }
    # kpis pandas: 2.0 / 1.0 = 2.00x the DuckDB script, 2.0 / 1.6 = 1.25x the pandas
    # script; kpis polars: no polars script ran, so no own-engine ratio; peak 100 / 40 MB
    assert table("1m", res, 40 * MB)[4:] == [
        "| kpis pandas | 2.00 | 2.00 | 2.00x | 1.25x | 100 | 2.50x |",
        "| kpis polars | 1.50 | 1.50 | 1.50x |  | 60 | 1.50x |",
        "| script duckdb | 1.00 | 1.00 | 1.00x |  | 50 | 1.25x |",
        "| script pandas | 1.60 | 1.60 | 1.60x |  | 80 | 2.00x |",
        "| validate | 0.50 | 0.50 |  |  | 1 | 0.03x |",
        "\nload average (1 min) during the runs: 1.0 to 1.5",
    ]


def test_the_pandas_script_is_a_timed_command_compared_with_kpis_pandas(tmp_path):
    from benchmarks.commands import commands

    argv = commands(tmp_path)["script pandas"]
    assert argv[1:] == ["-m", "benchmarks.script_pandas", str(tmp_path), "{out}", "2026-10"]
    cohort = "cohort,n\n2026-10,3\n"
    outputs = {
        "kpis pandas": _tables(tmp_path / "a", retention=cohort),
        "script duckdb": _tables(tmp_path / "b", retention=cohort),
        "script pandas": _tables(tmp_path / "c", retention="cohort,n\n2026-10,4\n"),
    }
    # against the DuckDB script (every table) and kpi kpis on its own engine (pandas)
    assert check(outputs) == [
        "retention: script pandas vs script duckdb: column n: 1 rows differ, first row 0: "
        "np.float64(4.0) != np.float64(3.0)",
        "retention: script pandas vs kpis pandas: column n: 1 rows differ, first row 0: "
        "np.float64(4.0) != np.float64(3.0)",
    ]


def test_the_import_floors_run_and_need_no_data(tmp_path):
    from benchmarks.commands import commands, run

    cmds = commands(tmp_path / "absent")
    for name, modules in [
        ("imports duckdb script", ["duckdb", "pyarrow.parquet"]),
        ("imports kpi kpis", ["kpilib.kpis.tables", "pandas", "polars", "duckdb", "narwhals"]),
    ]:
        argv = cmds[name]
        assert argv[1] == "-c" and all(f"{m}," in argv[2] + "," for m in modules)
        seconds, peak = run(argv, tmp_path / "out")
        assert seconds > 0 and peak > 20 * 1024 * 1024  # the interpreter alone takes ~10 MB
