"""The kpi command: validate prints a summary, data problems exit 1 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

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
    assert written == ["attainment.csv", "cac.csv", "cohort_value.csv", "funnel.csv", "payback.csv"]
    for name in written:  # equal to the last bits: DuckDB adds floats in another order
        got = pd.read_csv(tmp_path / "duckdb" / name)
        pd.testing.assert_frame_equal(got, pd.read_csv(tmp_path / "pandas" / name), rtol=1e-12)
    blended = (tmp_path / "duckdb" / "cac.csv").read_text("utf-8").splitlines()[1]
    assert blended.startswith("2026-10,,456180.07,122,3739.18")
