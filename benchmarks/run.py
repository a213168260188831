"""Time the five KPI tables through kpilib and hand-written code, check they agree.

For each dataset size, one worker process loads the Parquet tables into
pandas, polars and DuckDB memory and runs every implementation (kpilib and
hand-written, on each engine) round after round, interleaved, so that all of
them see the same machine: the first round's tables are checked equal to each
other, the next ``--repeat`` rounds are timed and their medians reported.
Then, for peak memory, each (engine, implementation) runs once more in a fresh
process: load, reset the kernel's resident high-water mark, run the KPI set
cold, read the mark. The parent prints medians and ratios::

    python -m benchmarks.run --sizes 100k,1m --repeat 5
    python -m benchmarks.run --sizes 10m --repeat 3 --markdown benchmarks/results-10m.md

Timings are wall-clock seconds of one KPI call, the result materialised
(pandas and polars frames as returned; a DuckDB relation fetched as Arrow).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.baselines import KPIS
from benchmarks.generate import SIZES, generate, parse_size, write

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
ENGINES = ("pandas", "polars", "duckdb")
IMPLS = ("kpilib", "hand")
TABLES = ("leads", "targets", "costs", "orders")
MB = 1024 * 1024


# -- memory -------------------------------------------------------------------------------------


def _status(field: str) -> int:
    """A VmXXX field of /proc/self/status in bytes (0 where unavailable)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) * 1024 if m else 0


def _reset_peak() -> bool:
    """Reset the kernel's resident high-water mark (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# -- workers ------------------------------------------------------------------------------------


def load(engine: str, folder: Path) -> tuple[dict[str, Any], int]:
    """The four tables in the engine's memory, and their in-memory size in bytes."""
    paths = {t: folder / f"{t}.parquet" for t in TABLES}
    if engine == "pandas":
        tables = {t: pd.read_parquet(p) for t, p in paths.items()}
        return tables, int(sum(f.memory_usage(deep=True).sum() for f in tables.values()))
    if engine == "polars":
        import polars as pl

        tables = {t: pl.read_parquet(p) for t, p in paths.items()}
        return tables, int(sum(f.estimated_size() for f in tables.values()))
    import duckdb

    con = duckdb.default_connection()  # kpilib's narwhals code joins on the default connection
    for t, p in paths.items():
        con.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * FROM read_parquet('{p}')")
    size = con.sql(
        "SELECT sum(memory_usage_bytes) FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'"
    ).fetchall()[0][0]
    return {"con": con, **{t: con.table(t) for t in TABLES}}, int(size)


def kpilib_calls() -> dict[str, Callable[[dict], Any]]:
    """The five KPI tables through kpilib, default options, as in a report."""
    from kpilib.kpis.acquisition import cac
    from kpilib.kpis.objectives import attainment
    from kpilib.kpis.value import cohort_value, payback

    def funnel(leads: Any, **options: Any) -> Any:
        from kpilib.kpis.funnel import funnel

        return funnel(leads, **options)

    return {
        "attainment": lambda t: attainment(t["leads"], t["targets"]),
        "cac": lambda t: cac(t["leads"], t["costs"]),
        "cohort_value": lambda t: cohort_value(t["leads"], t["orders"]),
        "payback": lambda t: payback(t["leads"], t["orders"], t["costs"]),
        "funnel": lambda t: funnel(t["leads"], by="source"),
    }


def materialise(result: Any) -> Any:
    """Run a lazy result: a DuckDB relation to Arrow, a polars LazyFrame collected."""
    if hasattr(result, "to_arrow_table"):
        return result.to_arrow_table()
    if hasattr(result, "collect") and not isinstance(result, pd.DataFrame):
        return result.collect()
    return result


def to_pandas(result: Any) -> pd.DataFrame:
    return result if isinstance(result, pd.DataFrame) else result.to_pandas()


def _calls(engine: str, impl: str, kpis: list[str]) -> dict[str, Callable[[dict], Any]]:
    from benchmarks.baselines import registry

    calls = kpilib_calls() if impl == "kpilib" else registry(engine)
    return {k: calls[k] for k in kpis}


def memory_worker(size: str, engine: str, impl: str, kpis: list[str]) -> dict:
    """Peak memory of one cold run of the KPI set, in this fresh process."""
    import duckdb  # noqa: F401  (libraries loaded before the baseline: kpilib may run
    import polars  # noqa: F401   pandas input on polars; their code is not working memory)

    import kpilib.kpis.acquisition  # noqa: F401

    calls = _calls(engine, impl, kpis)
    rss_start = _status("VmRSS")
    tables, input_bytes = load(engine, DATA / size)
    gc.collect()
    rss_loaded = _status("VmRSS")
    peak_ok = _reset_peak()
    for f in calls.values():
        materialise(f(tables))
    peak = _status("VmHWM") if peak_ok else 0
    return {
        "size": size,
        "engine": engine,
        "impl": impl,
        "input_bytes": input_bytes,
        "loaded_bytes": rss_loaded - rss_start,
        "peak_extra_bytes": max(peak - rss_loaded, 0) if peak_ok else None,
    }


def timing_worker(
    size: str, engines: list[str], repeat: int, kpis: list[str], out: Path
) -> list[dict]:
    """Every implementation on every engine, interleaved round after round in this one
    process, so that all of them see the same machine; the first round's tables are
    pickled to *out* for the checks, the next *repeat* rounds are timed."""
    tables = {e: load(e, DATA / size)[0] for e in engines}
    pairs = [(e, i) for e in engines for i in IMPLS]
    calls = {p: _calls(*p, kpis) for p in pairs}
    results = {
        p: {k: to_pandas(materialise(f(tables[p[0]]))) for k, f in calls[p].items()} for p in pairs
    }
    times: dict[tuple, dict[str, list[float]]] = {p: {k: [] for k in kpis} for p in pairs}
    totals: dict[tuple, list[float]] = {p: [] for p in pairs}
    for _ in range(repeat):
        for p in pairs:
            total = 0.0
            for k, f in calls[p].items():
                start = time.perf_counter()
                materialise(f(tables[p[0]]))
                took = time.perf_counter() - start
                times[p][k].append(took)
                total += took
            totals[p].append(total)
    with out.open("wb") as fh:
        pickle.dump({f"{e} {i}": r for (e, i), r in results.items()}, fh)
    return [
        {
            "size": size,
            "engine": e,
            "impl": i,
            "median": {k: statistics.median(v) for k, v in times[(e, i)].items()},
            "total": statistics.median(totals[(e, i)]),
            "runs": repeat,
        }
        for e, i in pairs
    ]


# -- checks -------------------------------------------------------------------------------------


def _norm(s: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    return np.array([None if pd.isna(v) else str(v) for v in s], dtype=object)


def differences(got: pd.DataFrame, want: pd.DataFrame, rtol: float = 1e-9) -> str | None:
    """None when equal: same columns in order, same rows in order, floats to *rtol*."""
    if list(got.columns) != list(want.columns):
        return f"columns {list(got.columns)} != {list(want.columns)}"
    if len(got) != len(want):
        return f"{len(got)} rows != {len(want)}"
    for col in got.columns:
        a, b = _norm(got[col]), _norm(want[col])
        if a.dtype == np.float64 and b.dtype == np.float64:
            same = np.isclose(a, b, rtol=rtol, atol=1e-9, equal_nan=True)
        else:
            same = np.array([x == y for x, y in zip(a, b, strict=True)], dtype=bool)
        if not same.all():
            i = int(np.flatnonzero(~same)[0])
            return f"column {col}: {int((~same).sum())} rows differ, first row {i}: {a[i]!r} != {b[i]!r}"
    return None


# -- parent -------------------------------------------------------------------------------------


def ensure_data(size: str) -> None:
    folder = DATA / size
    if not (folder / "leads.parquet").exists():
        start = time.perf_counter()
        write(generate(parse_size(size)), folder)
        print(f"generated {folder} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def _run(args: list[str]) -> Any:
    cmd = [sys.executable, "-m", "benchmarks.run", *args]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"worker {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def report(rows: list[dict], kpis: list[str]) -> str:
    """Markdown tables: per size, engine and KPI the medians and ratios; then memory."""
    by = {(r["size"], r["engine"], r["impl"]): r for r in rows}
    sizes = list(dict.fromkeys(r["size"] for r in rows))
    engines = [e for e in ENGINES if any(r["engine"] == e for r in rows)]
    lines = []
    for size in sizes:
        lines.append(
            f"\n**{size} leads** (median seconds; ratio = kpilib / hand-written, same engine)\n"
        )
        head = "| KPI | " + " | ".join(f"{e} kpilib | {e} hand | ratio" for e in engines)
        has_duck = (size, "duckdb", "hand") in by and (size, "pandas", "kpilib") in by
        lines.append(head + (" | pandas kpilib / duckdb hand |" if has_duck else " |"))
        lines.append("|---" * (1 + 3 * len(engines) + has_duck) + "|")
        for k in [*kpis, "total"]:
            cells = [f"**{k}**" if k == "total" else k]
            for e in engines:
                a, b = by.get((size, e, "kpilib")), by.get((size, e, "hand"))
                ta = a["total"] if a and k == "total" else a["median"][k] if a else None
                tb = b["total"] if b and k == "total" else b["median"][k] if b else None
                cells += [
                    _fmt_s(ta) if ta is not None else "-",
                    _fmt_s(tb) if tb is not None else "-",
                    f"{ta / tb:.2f}x" if ta and tb else "-",
                ]
            if has_duck:
                pk, dh = by[(size, "pandas", "kpilib")], by[(size, "duckdb", "hand")]
                tp = pk["total"] if k == "total" else pk["median"][k]
                td = dh["total"] if k == "total" else dh["median"][k]
                cells.append(f"{tp / td:.2f}x")
            lines.append("| " + " | ".join(cells) + " |")
    if not any("input_bytes" in r for r in rows):
        return "\n".join(lines)
    lines.append(
        "\n**Peak memory** of one cold run of the five tables: input = the tables in the "
        "engine's memory; extra = resident high-water mark during the run minus resident "
        "memory before it; peak / input = (input + extra) / input.\n"
    )
    lines.append("| leads | engine | impl | input MB | extra MB | peak / input |")
    lines.append("|---|---|---|---|---|---|")
    for r in rows:
        if "input_bytes" not in r:
            continue
        extra = r["peak_extra_bytes"]
        inp = r["input_bytes"]
        ratio = f"{(inp + extra) / inp:.2f}x" if extra is not None and inp else "-"
        lines.append(
            f"| {r['size']} | {r['engine']} | {r['impl']} | {inp / MB:,.0f} | "
            f"{'-' if extra is None else f'{extra / MB:,.0f}'} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kpilib against hand-written code")
    parser.add_argument("--sizes", default="100k,1m", help=f"comma-separated, of {list(SIZES)}")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--kpis", default=",".join(KPIS))
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the cold one")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--time", help=argparse.SUPPRESS)
    parser.add_argument("--memory", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kpis = args.kpis.split(",")
    if args.time:
        engines = args.engines.split(",")
        print(json.dumps(timing_worker(args.time, engines, args.repeat, kpis, Path(args.result))))
        return 0
    if args.memory:
        size, engine, impl = args.memory.split(",")
        print(json.dumps(memory_worker(size, engine, impl, kpis)))
        return 0

    sizes = [s.strip().lower() for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            ensure_data(size)
            out = Path(tmp) / f"{size}.pkl"
            timed = _run(
                ["--time", size, "--engines", args.engines, "--repeat", str(args.repeat),
                 "--kpis", ",".join(kpis), "--result", str(out)]
            )  # fmt: skip
            with out.open("rb") as fh:
                results = pickle.load(fh)
            names = list(results)
            for name in names[1:]:
                for k in kpis:
                    diff = differences(results[name][k], results[names[0]][k])
                    if diff:
                        failures.append(f"{size} {k}: {name} vs {names[0]}: {diff}")
            for row in timed:
                if not args.no_memory:
                    row.update(
                        _run(["--memory", f"{size},{row['engine']},{row['impl']}",
                              "--kpis", ",".join(kpis)])
                    )  # fmt: skip
                rows.append(row)
                print(
                    f"{size:>5} {row['engine']:<7} {row['impl']:<7} total {row['total']:.3f} s",
                    file=sys.stderr,
                )
    cpus = os.cpu_count()
    header = (
        f"kpilib benchmark — {platform.python_implementation()} {platform.python_version()}, "
        f"{cpus} CPUs, {args.repeat} timed runs each (median)"
    )
    text = header + "\n" + report(rows, kpis)
    check = "all results equal" if not failures else "RESULTS DIFFER:\n" + "\n".join(failures)
    text += f"\n\nEquality check: {check}\n"
    return publish(text, args.markdown, failed=bool(failures))


def publish(text: str, markdown: str | None, *, failed: bool) -> int:
    """Print *text* and write it to *markdown* when given; the exit code (1: *failed*)."""
    print(text)
    if markdown:
        Path(markdown).write_text(text, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
