"""Profile of a report build: time per notebook and per cell, read from papermill's records.

Run a build, then read the executed notebooks it keeps::

    python -m benchmarks.profile_report --data benchmarks/data/1m --period 2026-10

prints the wall time of the whole build, then for each notebook its cells
sorted by duration, with the first source line of each, so that loading, KPI
calculations, charts and export can be told apart.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat


def cells(notebook: Path) -> list[tuple[float, str]]:
    """(seconds, first source line) of every executed code cell."""
    nb = nbformat.read(notebook, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        took = cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0
        first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
        out.append((float(took), first[:70]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="benchmarks/data/1m")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--top", type=int, default=6, help="cells shown per notebook")
    parser.add_argument("--report", help="read an existing report folder instead of building")
    args = parser.parse_args(argv)
    if args.report:
        folder, total = Path(args.report), None
    else:
        from kpilib.report.build import build_report

        out = Path(tempfile.mkdtemp(prefix="kpi-profile-"))
        start = time.perf_counter()
        folder = build_report(period=args.period, data=args.data, out=out, progress=False)
        total = time.perf_counter() - start
    if total is not None:
        print(f"build_report({args.data}, {args.period}): {total:.1f} s wall")
    for notebook in sorted(folder.glob("*.ipynb")):
        timed = cells(notebook)
        print(f"\n{notebook.name}: {sum(t for t, _ in timed):.1f} s in {len(timed)} code cells")
        for took, first in sorted(timed, reverse=True)[: args.top]:
            print(f"  {took:6.2f} s  {first}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
