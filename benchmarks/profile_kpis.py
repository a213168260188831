"""Where one KPI call spends its time: each query it runs, and the Python around them.

    python -m benchmarks.profile_kpis --size 1m --engine polars --kpi attainment

Runs the kpilib call once to warm up, then once more under cProfile with every
narwhals ``collect`` timed and attributed to the kpilib line that asked for it.
Prints the wall time, the queries (seconds, caller), the time spent outside
the engines (plan building in Python), and the top functions by own time.
For DuckDB input the final query runs when the result is fetched, shown as
"fetch".
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
import traceback
from pathlib import Path

from narwhals.dataframe import LazyFrame

from benchmarks.run import DATA, kpilib_calls, load, materialise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1m")
    parser.add_argument("--engine", default="polars", choices=["pandas", "polars", "duckdb"])
    parser.add_argument("--kpi", default="attainment")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    tables, _ = load(args.engine, Path(DATA) / args.size)
    call = kpilib_calls()[args.kpi]
    materialise(call(tables))

    queries: list[tuple[float, str]] = []
    original = LazyFrame.collect

    def timed(self, *a, **k):
        start = time.perf_counter()
        out = original(self, *a, **k)
        took = time.perf_counter() - start
        frame = next(
            (f for f in reversed(traceback.extract_stack()[:-1]) if "/kpilib/" in f.filename),
            None,
        )
        where = f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" if frame else "?"
        queries.append((took, where))
        return out

    LazyFrame.collect = timed
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    result = call(tables)
    fetch_start = time.perf_counter()
    materialise(result)
    fetch = time.perf_counter() - fetch_start
    profile.disable()
    wall = time.perf_counter() - start
    LazyFrame.collect = original
    if args.engine == "duckdb":
        queries.append((fetch, "fetch"))
    engine_time = sum(t for t, _ in queries)
    print(f"{args.kpi} on {args.engine}, {args.size} leads: {wall:.3f} s wall")
    for took, where in queries:
        print(f"  {took:7.3f} s  query  {where}")
    print(f"  {wall - engine_time:7.3f} s  outside the queries (Python, narwhals, conversions)")
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(args.top)
    print(text.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
