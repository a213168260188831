"""Seeded fuzzing of dataset folders: damage never gives a traceback, a hang or a changed input.

Each case copies a small valid dataset and applies 1 to 3 mutations drawn
from a seeded generator: bytes, encodings, delimiters, number and date
notations, semantic damage, file-level damage and kpi.toml damage. Loading
and computing then either give the KPI tables or stop with a
:class:`~kpilib.errors.DataError` or :class:`~kpilib.errors.ParameterError`
naming what is wrong; the input files never change. When every mutation of
a case keeps the meaning (re-encoding, ``;`` with decimal commas, CRLF, a
BOM, quoting, reordered rows or columns, Parquet or .xlsx copies), the
tables equal those of the original dataset. The tables are computed once per
distinct loaded content (the frames and settings they depend on), so a case
whose data loads exactly as the original's shares its tables.
"""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fuzz_mutations import BASE, MUTATIONS, write_base

from kpilib import DataError, ParameterError, load_dataset
from kpilib.kpis.tables import compute_all

CASES = 250
PERIOD = "2026-10"


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry under *folder*: what it is and, for files, a hash of its bytes."""
    seen: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            seen[key] = ("link", str(path.readlink()))
        elif path.is_dir():
            seen[key] = "dir"
        else:
            seen[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


class Hang(Exception):
    """A case ran past its time limit."""


_TABLES: dict[tuple, dict[str, pd.DataFrame]] = {}


def _content(dataset) -> tuple:  # noqa: ANN001 - a kpilib.Dataset
    """What the KPI tables depend on: every loaded frame's content, and the settings."""
    frames = tuple(
        (name, tuple(frame.columns), tuple(map(str, frame.dtypes)), len(frame))
        + (int(pd.util.hash_pandas_object(frame, index=False).sum()) if len(frame) else 0,)
        for name, frame in dataset.tables().items()
    )
    return frames, repr(dataset.settings), dataset.settings.given


def _compute(dataset) -> dict[str, pd.DataFrame]:  # noqa: ANN001 - a kpilib.Dataset
    """compute_all, once per distinct loaded content: many cases load the original data."""
    key = _content(dataset)
    if key not in _TABLES:
        _TABLES[key] = compute_all(dataset, period=PERIOD)
    return _TABLES[key]


def _outcome(folder: Path) -> dict[str, pd.DataFrame] | Exception:
    def stop(signum, frame):  # noqa: ANN001, ARG001 - signal handler signature
        raise Hang(f"{folder.name}: no result within 20 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        return _compute(load_dataset(folder))
    except (DataError, ParameterError) as exc:
        return exc
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> dict[str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("fuzz") / "original"
    write_base(folder)
    tables = _outcome(folder)
    assert isinstance(tables, dict)
    # the base is what it claims: 6 leads, 3 sales worth 1234.56 + 2500 + 800.5 = 4535.06
    att = tables["attainment"].set_index("metric")
    assert att.loc["revenue", "actual"] == pytest.approx(4535.06)
    assert att.loc["leads", "actual"] == 5.0  # L2..L6 entered in October
    return tables


@pytest.mark.parametrize("seed", range(CASES))
def test_damaged_dataset(tmp_path, original, seed):
    rng = random.Random(seed)
    folder = tmp_path / f"case{seed}"
    write_base(folder)
    applied = [rng.choice(MUTATIONS) for _ in range(rng.randint(1, 3))]
    for _, _, fn in applied:
        fn(rng, folder)
    before = _snapshot(folder)
    result = _outcome(folder)
    assert _snapshot(folder) == before, "an input changed"
    names = [name for name, _, _ in applied]
    if isinstance(result, Exception):
        message = str(result)
        assert message.strip(), names
        if isinstance(result, DataError):
            files = ["leads", "targets", "costs", "orders", "kpi.toml", str(folder)]
            assert any(f in message for f in files), (names, message)
        assert "Traceback" not in message
        assert not all(keeps for _, keeps, _ in applied), (names, message)
        return
    if all(keeps for _, keeps, _ in applied):
        for table, frame in original.items():
            pd.testing.assert_frame_equal(result[table], frame, obj=f"{table} after {names}")


def _kpi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpilib.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )


def test_the_command_exits_1_with_a_message_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    write_base(data)
    (data / "leads.csv").write_bytes(BASE["leads.csv"].encode("utf-16") + b"x")
    (tmp_path / "taken").write_text("keep", encoding="utf-8")
    runs = [
        _kpi("kpis", "--data", str(data), "--period", PERIOD, "--out", str(tmp_path / "out")),
        _kpi("validate", str(data)),
    ]
    (data / "leads.csv").write_text(BASE["leads.csv"], encoding="utf-8")
    runs.append(
        _kpi("kpis", "--data", str(data), "--period", PERIOD, "--out", str(tmp_path / "taken"))
    )
    for run in runs:
        assert (run.returncode, run.stdout) == (1, ""), run.stderr
        assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr
    assert runs[1].stderr == (
        "error: The dataset has 1 problem:\nleads.csv:\n  - UTF-16 text that does not decode (an "
        "odd number of bytes: the file is cut short or damaged). Export it again as CSV UTF-8.\n"
    )
    assert not (tmp_path / "out").exists()
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "keep"
