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


def test_kpis_commands_ask_for_the_scripts_five_tables(tmp_path):
    from benchmarks.commands import FIVE, _without, commands

    argv = commands(tmp_path)["kpis polars"]
    assert argv[argv.index("--tables") + 1] == "attainment,cac,funnel,cohort_value,payback"
    # a base checkout is run without the option (older ones write those five unasked)
    assert "--tables" not in _without(argv, FIVE)
    assert _without(["kpi", "validate"], FIVE) == ["kpi", "validate"]
