"""The kpi command: validate prints a summary, data problems exit 1 without a traceback."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpilib.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_validate_prints_summary(capsys):
    assert main(["validate", str(SAMPLE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "sample: Atelier Durand, amounts in EUR"
    assert out[1] == "  leads       47,607 rows  (leads.csv)"
    assert "  dates    2024-11-01 to 2026-10-31 (as of 2026-10-31)" in out
    assert "  sources  6: events, outbound, paid_search, referral, social_ads, website" in out
    assert "  teams    3: North, South, West" in out
    assert out[-2:] == ["  warnings 0", "valid"]


def test_invalid_data_exits_1_with_errors_and_no_traceback(tmp_path):
    (tmp_path / "leads.csv").write_text("lead_id,lead_at\nL1,2026-10-01\nL1,soon\n")
    run = subprocess.run(
        [sys.executable, "-m", "kpilib.cli", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr == (
        "error: The dataset has 2 problems:\n"
        "leads.csv:\n"
        "  - column lead_at: 1 row has a date that does not parse (row 3). Write dates as YYYY-MM-DD "
        "(a time may follow), or set day_first = true in kpi.toml for DD/MM/YYYY.\n"
        "  - column lead_id: 2 rows have a duplicate id (rows 2, 3). Each lead_id must appear once; "
        "remove or merge the duplicates.\n"
    )


def test_kpis_on_duckdb_write_the_same_tables_as_on_pandas(tmp_path, capsys):
    from test_report_engines import write_parquet_sample

    data = write_parquet_sample(tmp_path / "parquet")
    for engine in ("pandas", "duckdb"):
        args = ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(tmp_path / engine)]
        assert main([*args, "--engine", engine]) == 0
    written = sorted(p.name for p in (tmp_path / "duckdb").iterdir())
    assert written == [
        "attainment.csv",
        "cac.csv",
        "coaching.csv",
        "cohort_value.csv",
        "forecast.csv",
        "funnel.csv",
        "payback.csv",
        "retention.csv",
        "sales_cycle.csv",
    ]
    for name in written:  # equal to the last bits: DuckDB adds floats in another order
        got = pd.read_csv(tmp_path / "duckdb" / name)
        pd.testing.assert_frame_equal(got, pd.read_csv(tmp_path / "pandas" / name), rtol=1e-12)
    blended = (tmp_path / "duckdb" / "cac.csv").read_text("utf-8").splitlines()[1]
    assert blended.startswith("2026-10,,456180.07,122,3739.18")


def _kpis(data: Path, out: Path, *engine: str) -> list[str]:
    args = ["kpis", "--data", str(data), "--period", "2026-10", "--as-of", "2026-10-21"]
    assert main([*args, "--out", str(out), "--tables", "attainment,cac,funnel", *engine]) == 0
    return sorted(p.name for p in out.iterdir())


def test_kpis_default_on_parquet_computes_on_a_checked_scan(tmp_path, capsys, monkeypatch):
    from test_auto_engine import good, write

    import kpilib.engine.auto as auto

    data = write(tmp_path / "parquet", good())
    _kpis(data, tmp_path / "pandas", "--engine", "pandas")

    def no_load(folder):  # the pre-check finds nothing: the loader is not used
        raise AssertionError(f"{folder} loaded")

    monkeypatch.setattr(auto, "load_dataset", no_load)
    assert _kpis(data, tmp_path / "auto") == ["attainment.csv", "cac.csv", "funnel.csv"]
    for name in ("attainment.csv", "cac.csv", "funnel.csv"):
        got = pd.read_csv(tmp_path / "auto" / name)
        pd.testing.assert_frame_equal(got, pd.read_csv(tmp_path / "pandas" / name), rtol=1e-12)
    # October: costs 2300 for new customers C2 and C3, 1150 each
    blended = (tmp_path / "auto" / "cac.csv").read_text("utf-8").splitlines()[1]
    assert blended.startswith("2026-10,,2300.00,2,1150.00,")


def test_kpis_default_on_csv_loads_with_pandas(tmp_path, capsys, monkeypatch):
    import kpilib.engine.auto as auto

    data = tiny(tmp_path / "csv")
    _kpis(data, tmp_path / "pandas", "--engine", "pandas")
    monkeypatch.setattr(auto, "scan_dataset", lambda *a, **k: pytest.fail("scanned a CSV"))
    _kpis(data, tmp_path / "auto")
    for name in ("attainment.csv", "cac.csv", "funnel.csv"):
        want = (tmp_path / "pandas" / name).read_bytes()
        assert (tmp_path / "auto" / name).read_bytes() == want
    # as of the 21st, October's lead cohort is L2 alone (L3 comes on the 30th), unsold
    lines = (tmp_path / "auto" / "funnel.csv").read_text("utf-8").splitlines()
    assert lines[1].startswith(",lead,1,") and lines[2].startswith(",sale,0,")


def test_kpis_default_on_bad_parquet_prints_the_pandas_engines_error(tmp_path, capsys):
    from test_auto_engine import good, write

    tables = good()
    tables["leads"].loc[3, "lead_id"] = "L1"
    data = write(tmp_path / "parquet", tables)
    args = ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(tmp_path / "o")]
    by_pandas = _error(capsys, [*args, "--engine", "pandas"])
    assert (
        _error(capsys, args)
        == by_pandas
        == (
            "error: The dataset has 1 problem:\n"
            "leads.parquet:\n"
            "  - column lead_id: 2 rows have a duplicate id (rows 2, 5). Each lead_id must appear "
            "once; remove or merge the duplicates.\n"
        )
    )
    assert not (tmp_path / "o").exists()


TINY = (
    "lead_id,lead_at,source,sale_at,customer_id,amount\n"
    "L1,2026-09-03,web,2026-10-02,C1,100\n"
    "L2,2026-10-01,web,,,\n"
    "L3,2026-10-30,events,,,\n"
)


def tiny(folder: Path) -> Path:
    folder.mkdir()
    (folder / "leads.csv").write_text(TINY, encoding="utf-8")
    return folder


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb", "auto"])
def test_kpis_prints_the_datasets_warnings(tmp_path, capsys, engine):
    # a column named Source is no source column: every lead counts under "unknown", which
    # the tables show without saying why; the command says it, as the report's notes do
    data = tmp_path / "data"
    data.mkdir()
    leads = pd.read_csv(io.StringIO(TINY), parse_dates=["lead_at", "sale_at"])
    leads.rename(columns={"source": "Source"}).to_parquet(data / "leads.parquet", index=False)
    args = ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(tmp_path / "o")]
    assert main([*args, "--tables", "funnel", "--engine", engine]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "warning: leads.parquet: no source column; every lead counts under source 'unknown'.\n"
    )
    assert captured.out == f"{tmp_path / 'o' / 'funnel.csv'}\n"


def _error(capsys, argv: list[str]) -> str:
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(
    ("period", "as_of", "message"),
    [
        (
            "2027-03",
            None,
            "error: period 2027-03 starts after the data's last date: the data covers 2026-09-03 "
            "to 2026-10-30. Choose a period within those dates, or give data that covers 2027-03.\n",
        ),
        (
            "2026-08",
            None,
            "error: period 2026-08 ends before the data's first date: the data covers 2026-09-03 "
            "to 2026-10-30. Choose a period within those dates, or give data that covers 2026-08.\n",
        ),
        (
            "2026-10",
            "2026-09-15",
            "error: as-of 2026-09-15 is before period 2026-10 starts (2026-10-01): nothing of the "
            "period is known by then; the data covers 2026-09-03 to 2026-10-30. Give an as-of "
            "within or after the period.\n",
        ),
        (
            "2026-10",
            "9999-12-31",
            "error: as_of = '9999-12-31' is out of range: the kit reads years 1900 to 2199.\n",
        ),
        (
            "0000-10",
            None,
            "error: period '0000-10' is out of range: the kit reads years 1900 to 2199.\n",
        ),
    ],
)
@pytest.mark.parametrize("command", ["kpis", "report"])
def test_periods_the_data_cannot_speak_for_are_refused(
    tmp_path, capsys, command, period, as_of, message
):
    data = tiny(tmp_path / "data")
    out = tmp_path / "out"
    argv = [command, "--data", str(data), "--period", period, "--out", str(out)]
    argv += ["--as-of", as_of] if as_of else []
    assert _error(capsys, argv) == message
    assert not out.exists()


def test_report_without_data_says_it_uses_the_sample(capsys):
    # a period after the sample's last date stops the build right after the note
    assert main(["report", "--period", "2099-01", "--out", "unused"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "note: no --data given: using the sample dataset (data/sample), not your data.\n"
        "error: period 2099-01 starts after the data's last date: the data covers 2024-11-01 "
        "to 2026-10-31. Choose a period within those dates, or give data that covers 2099-01.\n"
    )


@pytest.mark.parametrize("command", ["kpis", "report"])
def test_an_out_that_is_a_file_or_under_a_file_is_refused(tmp_path, capsys, command):
    data = tiny(tmp_path / "data")
    (tmp_path / "taken").write_text("keep me", encoding="utf-8")
    for out in (tmp_path / "taken", tmp_path / "taken" / "sub"):
        argv = [command, "--data", str(data), "--period", "2026-10", "--out", str(out)]
        err = _error(capsys, argv)
        reason = (
            "a file, not a folder."
            if out.name == "taken"
            else ("the folder cannot be created (Not a directory).")
        )
        assert err == (
            f"error: {out}: {reason} Give --out a folder you can write to (it is created if "
            "missing).\n"
        )
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "keep me"


def test_an_unwritable_out_folder_is_refused_and_nothing_is_written(tmp_path, capsys, monkeypatch):
    import os

    data = tiny(tmp_path / "data")
    out = tmp_path / "locked"
    out.mkdir()
    # root may write anywhere: the refusal is checked through os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != out)
    err = _error(capsys, ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(out)])
    assert err == (
        f"error: {out}: cannot write in this folder (permission denied). Give --out a folder "
        "you can write to (it is created if missing).\n"
    )
    assert list(out.iterdir()) == []


def test_a_failed_write_leaves_no_table_behind(tmp_path, capsys, monkeypatch):
    from kpilib.kpis import tables

    data = tiny(tmp_path / "data")
    out = tmp_path / "out"
    calls = []

    def fail_third(self, path, **kwargs):  # the third table cannot be written
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        Path(path).write_text("x", encoding="utf-8")

    monkeypatch.setattr(tables.pd.DataFrame, "to_csv", fail_third)
    err = _error(capsys, ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(out)])
    assert err == (
        f"error: {out}: the tables could not be written (No space left on device); none was "
        "changed. Give --out a folder you can write to.\n"
    )
    assert list(out.iterdir()) == []


def test_version_is_printed_without_a_command(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"kpi (kpilib) {version('kpilib')}\n"


def test_kpis_xlsx_writes_one_workbook(tmp_path, capsys):
    import openpyxl

    data = tiny(tmp_path / "data")
    out = tmp_path / "out"
    args = ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(out)]
    assert main([*args, "--format", "xlsx"]) == 0
    assert capsys.readouterr().out == f"{out / 'kpis.xlsx'}\n"
    assert [p.name for p in out.iterdir()] == ["kpis.xlsx"]
    book = openpyxl.load_workbook(out / "kpis.xlsx")
    assert book.sheetnames == [
        "attainment",
        "cac",
        "funnel",
        "cohort_value",
        "payback",
        "retention",
        "coaching",
        "sales_cycle",
        "forecast",
    ]
    # October's cohort: L2 and L3, no sale yet: 2 leads reached the first stage
    funnel = book["funnel"]
    assert [c.value for c in funnel[2]][:3] == [None, "lead", 2]
    assert funnel["C2"].number_format == "#,##0"


def test_kpis_tables_writes_the_chosen_tables_only(tmp_path, capsys):
    data = tiny(tmp_path / "data")
    out = tmp_path / "out"
    argv = ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(out)]
    assert main([*argv, "--tables", "payback,cac"]) == 0
    # in the tables' own order, whatever the order asked
    assert capsys.readouterr().out == f"{out / 'cac.csv'}\n{out / 'payback.csv'}\n"
    assert sorted(p.name for p in out.iterdir()) == ["cac.csv", "payback.csv"]


def test_kpis_unknown_table_exits_1_and_writes_nothing(tmp_path, capsys):
    data = tiny(tmp_path / "data")
    out = tmp_path / "out"
    argv = ["kpis", "--data", str(data), "--period", "2026-10", "--out", str(out)]
    assert main([*argv, "--tables", "cac,churn"]) == 1
    assert capsys.readouterr().err == (
        "error: tables: 'churn' is not a table; choose among attainment, cac, funnel, "
        "cohort_value, payback, retention, coaching, sales_cycle, forecast.\n"
    )
    assert not out.exists()


def test_the_command_flushes_its_output_and_runs_exit_handlers_as_it_ends(tmp_path):
    # kpi ends its process at once (kpilib.cli.run): what it printed, through a pipe,
    # and what exit handlers print must still come out, with the command's exit code
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.argv = ['kpi', 'validate', sys.argv[1]]\n"
        "from kpilib.cli import run\n"
        "run()\n"
        "print('never reached')\n"
    )
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    ok = subprocess.run(
        [sys.executable, "-c", code, str(sample)], capture_output=True, text=True, check=False
    )
    assert (ok.returncode, ok.stdout.splitlines()[-2:], ok.stderr) == (
        0,
        ["valid", "handler ran"],
        "",
    )
    bad = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (bad.returncode, bad.stdout) == (1, "handler ran\n")
    assert bad.stderr == (
        f"error: {tmp_path / 'none'}: no such folder. Give the folder that holds leads.csv "
        "and kpi.toml.\n"
    )
