"""Time ``kpi report`` as a user runs it: whole processes, interleaved, medians.

Each run is ``python -m kpilib.cli report --period P --data D --out TMP`` in a
fresh interpreter. With ``--tree`` given several times (checkouts of kpilib,
e.g. a worktree at an older commit), the runs alternate between the trees, so
that a before/after comparison sees the same machine state::

    python -m benchmarks.time_report --data data/sample --period 2026-10 \\
        --tree . --tree ../kpilib-before --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(tree: Path, data: Path, period: str, as_of: str | None = None) -> float:
    """Seconds of one ``kpi report`` of *data* (as of *as_of*) with the kpilib of *tree*."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kpilib.cli",
                "report",
                "--period",
                period,
                "--data",
                str(data),
                "--out",
                out,
                *(["--as-of", as_of] if as_of else []),
            ],
            cwd=tree,
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", required=True, help="dataset folder")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--as-of", help="YYYY-MM-DD (default: the data's latest date)")
    parser.add_argument("--tree", action="append", help="kpilib checkout (default: this one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    trees = [Path(t).resolve() for t in (args.tree or [Path(__file__).resolve().parents[1]])]
    for data in args.data:
        times: dict[Path, list[float]] = {t: [] for t in trees}
        for _ in range(args.repeat):
            for tree in trees:
                times[tree].append(run_once(tree, Path(data).resolve(), args.period, args.as_of))
        for tree, seconds in times.items():
            shown = ", ".join(f"{s:.2f}" for s in seconds)
            print(f"{data}  {tree}  median {statistics.median(seconds):.2f} s  ({shown})")


if __name__ == "__main__":
    main()
