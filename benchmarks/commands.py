"""Time whole commands as a user runs them, against hand-written whole scripts.

Each timed run is a fresh process (start-up, reading, computing, writing):
``kpi kpis`` with each engine and the default, the hand-written DuckDB, polars
and pandas scripts (:mod:`benchmarks.script_duckdb`, :mod:`benchmarks.script_polars`,
:mod:`benchmarks.script_pandas`: read the Parquet files, the nine KPI tables, CSV),
each ``kpi kpis`` and script also as a ratio to the DuckDB script and to the
script on its own engine, ``kpi validate`` against reading
the columns it checks with pyarrow, ``kpi --help`` and ``kpi validate`` on the
small sample. Runs are interleaved round after round (the order rotating), so
that every command sees the same machine; the first round warms the file cache
and is not timed; medians are reported with each process's peak resident memory
(``wait4``'s ``ru_maxrss``) and the load average of the machine during the run.
The CSV files of every ``kpi kpis`` run are checked equal to one another (floats
to 1e-9), and the tables the hand-written scripts compute as kpilib does (cohort
value, payback, retention, coaching, sales cycle, forecast) to kpilib's, once
rounded as ``kpi kpis`` writes them::

    python -m benchmarks.commands --sizes 1m,10m --repeat 3 --markdown benchmarks/commands.md
    python -m benchmarks.commands --sizes 1m --only "kpis duckdb,script duckdb" --repeat 5
    python -m benchmarks.commands --sizes 1m --only "kpis pandas,script duckdb,script pandas"

Command names (for ``--only``): kpis default, kpis pandas, kpis polars, kpis duckdb,
script duckdb, script polars, script pandas, validate, pyarrow read, imports duckdb
script, imports kpi kpis (the interpreter with the libraries, no data: the floor under
the peaks), kpi --help, validate sample.

Datasets are generated on first use into benchmarks/data/<size>/ (10M leads:
~300 MB of Parquet, ~45 s).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
PERIOD = "2026-10"
TABLES = ("leads", "targets", "costs", "orders")
MB = 1024 * 1024
# the columns `kpi validate` reads of each table (the canonical ones the data holds)
VALIDATE_READ = "benchmarks.read_checked"
# what `kpi kpis` imports, whichever engine it runs on
KPI_IMPORTS = (
    "import kpilib.cli, kpilib.engine.scan, kpilib.kpis.tables, kpilib.data.load, "
    "pandas, polars, duckdb, pyarrow.parquet, narwhals"
)


# the tables the hand-written scripts compute (all of kpi kpis's, in its order)
TABLES_ASKED = [
    "--tables",
    "attainment,cac,funnel,cohort_value,payback,retention,coaching,sales_cycle,forecast",
]
# those the scripts compute as kpilib does (their attainment, cac and funnel differ in form)
ALIKE = ("cohort_value", "payback", "retention", "coaching", "sales_cycle", "forecast")


def commands(folder: Path) -> dict[str, list[str]]:
    """Name -> argv of every command timed on the dataset *folder* ("{out}": a fresh folder)."""
    py = [sys.executable]
    kpis = [
        *py,
        "-m",
        "kpilib.cli",
        "kpis",
        "--data",
        str(folder),
        "--period",
        PERIOD,
        *TABLES_ASKED,
    ]
    return {
        "kpis default": [*kpis, "--out", "{out}"],
        "kpis pandas": [*kpis, "--out", "{out}", "--engine", "pandas"],
        "kpis polars": [*kpis, "--out", "{out}", "--engine", "polars"],
        "kpis duckdb": [*kpis, "--out", "{out}", "--engine", "duckdb"],
        "script duckdb": [*py, "-m", "benchmarks.script_duckdb", str(folder), "{out}", PERIOD],
        "script polars": [*py, "-m", "benchmarks.script_polars", str(folder), "{out}", PERIOD],
        "script pandas": [*py, "-m", "benchmarks.script_pandas", str(folder), "{out}", PERIOD],
        "validate": [*py, "-m", "kpilib.cli", "validate", str(folder)],
        "pyarrow read": [*py, "-m", VALIDATE_READ, str(folder)],
        # the floor under each peak: the interpreter with the libraries, no data
        "imports duckdb script": [*py, "-c", "import duckdb, pyarrow.parquet"],
        "imports kpi kpis": [*py, "-c", KPI_IMPORTS],
    }


def small_commands() -> dict[str, list[str]]:
    py = [sys.executable, "-m", "kpilib.cli"]
    return {"kpi --help": [*py, "--help"], "validate sample": [*py, "validate", str(SAMPLE)]}


def run(argv: list[str], out: Path, cwd: Path = ROOT) -> tuple[float, int]:
    """Seconds and peak resident bytes of one process running *argv* in *cwd* (whose
    kpilib it imports)."""
    args = [a.replace("{out}", str(out)) for a in argv]
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a long log cannot block
        start = time.perf_counter()
        # PYTHONPATH: kpi report's notebook kernels import the same kpilib
        env = {**os.environ, "PYTHONPATH": str(cwd)}
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        log.seek(0)
        err = log.read().decode(errors="replace")
    if code != 0:
        raise SystemExit(f"{' '.join(args)} failed ({code}):\n{err[-3000:]}")
    return took, usage.ru_maxrss * 1024


def tables_bytes(folder: Path) -> int:
    """The four tables' size in memory, as Arrow holds them."""
    import pyarrow.parquet as pq

    return sum(pq.read_table(folder / f"{t}.parquet").nbytes for t in TABLES)


def ensure_data(size: str) -> Path:
    from benchmarks.generate import generate, parse_size, write

    folder = ROOT / "benchmarks" / "data" / size
    if not (folder / "leads.parquet").exists():
        start = time.perf_counter()
        write(generate(parse_size(size)), folder)
        print(f"generated {folder} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return folder


def _without(argv: list[str], part: list[str]) -> list[str]:
    """*argv* without the consecutive items *part* (unchanged when it has none)."""
    for i in range(len(argv) - len(part) + 1):
        if argv[i : i + len(part)] == part:
            return argv[:i] + argv[i + len(part) :]
    return argv


def check(outputs: dict[str, Path], currency: str = "EUR") -> list[str]:
    """Differences between the CSV tables of the runs (empty when all agree); a
    hand-written table is first rounded as ``kpi kpis`` writes (*currency*'s cents)."""
    import pandas as pd

    from benchmarks.run import differences
    from kpilib.kpis.columns import for_writing

    problems = []
    kpilib = [n for n in outputs if n.startswith("kpis")]
    hand = [n for n in outputs if n.startswith("script")]
    pairs = [(n, kpilib[0], None) for n in kpilib[1:]] + [(n, hand[0], None) for n in hand[1:]]
    if kpilib and hand:
        # against kpilib on the same engine where it ran: a median of 34.145 days is
        # 34.144999999999996 on polars, which rounds to 34.14 where DuckDB's gives 34.15
        same = {n: n.replace("script", "kpis") for n in hand}
        pairs += [(n, same[n] if same[n] in kpilib else kpilib[0], ALIKE) for n in hand]
    for name, ref, only in pairs:
        for path in sorted(outputs[ref].glob("*.csv")):
            if only is not None and path.stem not in only:
                continue
            got = pd.read_csv(outputs[name] / path.name)
            if only is not None:
                got = for_writing(got, currency, text=True)
                got = pd.read_csv(io.StringIO(got.to_csv(index=False)))
            diff = differences(got, pd.read_csv(path))
            if diff:
                problems.append(f"{path.stem}: {name} vs {ref}: {diff}")
    return problems


def measure(
    cmds: dict[str, list[str]], repeat: int, tmp: Path, base: Path | None = None
) -> dict[str, dict]:
    """Interleaved rounds of *cmds*: one warm-up round kept for the checks, then *repeat*.
    Names ending in " (base)" run in the *base* checkout."""
    where = {n: base if n.endswith(" (base)") and base else ROOT for n in cmds}
    names = list(cmds)
    times: dict[str, list[float]] = {n: [] for n in names}
    peaks: dict[str, list[int]] = {n: [] for n in names}
    loads: list[float] = []
    outputs = {n: tmp / f"warm-{i}" for i, n in enumerate(names)}
    for name in names:
        run(cmds[name], outputs[name], where[name])
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            out = tmp / "run"
            took, peak = run(cmds[name], out, where[name])
            shutil.rmtree(out, ignore_errors=True)
            times[name].append(took)
            peaks[name].append(peak)
            loads.append(os.getloadavg()[0])
    result = {
        n: {"median": statistics.median(times[n]), "runs": times[n], "peak": max(peaks[n])}
        for n in names
    }
    result["_"] = {"outputs": {n: p for n, p in outputs.items() if p.is_dir()}, "loads": loads}
    return result


def _ratio(res: dict[str, dict], name: str, base: str) -> str:
    """The median of *name* over *base*'s ("" when either did not run)."""
    if name not in res or base not in res:
        return ""
    return f"{res[name]['median'] / res[base]['median']:.2f}x"


def table(size: str, res: dict[str, dict], data_bytes: int | None) -> list[str]:
    lines = [
        f"\n**{size}**" + (f" (tables in memory: {data_bytes / MB:,.0f} MB)" if data_bytes else ""),
        "",
        "| command | median s | runs s | vs DuckDB script | vs own engine's script | peak MB "
        "| peak / tables |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in res.items():
        if name == "_":
            continue
        runs = ", ".join(f"{t:.2f}" for t in r["runs"])
        timed = name.startswith(("kpis", "script"))
        ratio = _ratio(res, name, "script duckdb") if timed else ""
        # kpi kpis --engine X against the script on X (pandas, polars, duckdb)
        own = _ratio(res, name, name.replace("kpis", "script")) if name.startswith("kpis") else ""
        mem = f"{r['peak'] / data_bytes:.2f}x" if data_bytes else ""
        lines.append(
            f"| {name} | {r['median']:.2f} | {runs} | {ratio} | {own} | {r['peak'] / MB:,.0f} "
            f"| {mem} |"
        )
    loads = res["_"]["loads"]
    if loads:
        lines.append(
            f"\nload average (1 min) during the runs: {min(loads):.1f} to {max(loads):.1f}"
        )
    return lines


def machine() -> str:
    mem = (
        Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        if Path("/proc/meminfo").exists()
        else "?"
    )
    return (
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{int(mem) // 1024 if mem != '?' else '?'} MB RAM, load average before the runs "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m,10m", help="comma-separated: 100k, 1m, 10m")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds after the warm one")
    parser.add_argument("--only", help="comma-separated command names (default: all)")
    parser.add_argument(
        "--report", action="store_true", help="also time kpi report, in the same rounds"
    )
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument(
        "--base",
        help="a checkout of kpilib (git worktree or git archive of an older commit): its kpi "
        "commands run too, interleaved, named '... (base)'",
    )
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    base = Path(args.base).resolve() if args.base else None

    def with_base(cmds: dict[str, list[str]]) -> dict[str, list[str]]:
        if base is None:
            return cmds
        # a base older than --tables writes the five tables without being asked
        kpi = {
            f"{n} (base)": _without(c, TABLES_ASKED) for n, c in cmds.items() if "kpilib.cli" in c
        }
        return {**cmds, **kpi}

    lines = [f"Whole commands, {args.repeat} timed rounds (median) — {machine()}"]
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        small = {n: c for n, c in small_commands().items() if only is None or n in only}
        if small:
            lines += table(
                "small", measure(with_base(small), args.repeat, tmp / "small", base), None
            )
        for size in args.sizes.split(","):
            folder = ensure_data(size)
            cmds = {n: c for n, c in commands(folder).items() if only is None or n in only}
            if not cmds and not args.report:
                continue
            if args.report:
                cmds["report"] = [
                    *[sys.executable, "-m", "kpilib.cli", "report", "--period", PERIOD],
                    *["--data", str(folder), "--out", "{out}"],
                ]
            res = measure(with_base(cmds), args.repeat, tmp / size, base)
            failures += [f"{size} {p}" for p in check(res["_"]["outputs"])]
            lines += table(size, res, tables_bytes(folder))
    lines.append(
        "\nEquality check: "
        + ("all CSV tables equal" if not failures else "TABLES DIFFER:\n" + "\n".join(failures))
    )
    from benchmarks.run import publish

    return publish("\n".join(lines) + "\n", args.markdown, failed=bool(failures))


if __name__ == "__main__":
    raise SystemExit(main())
