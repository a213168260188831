"""A hand-written whole DuckDB script: read the Parquet dataset, write nine KPI tables as CSV.

What a user who knows DuckDB would run instead of ``kpi kpis``, timed as a whole
process by :mod:`benchmarks.commands`: DuckDB reads the four Parquet files into
tables, :mod:`benchmarks.hand_duckdb` computes attainment, CAC, cohort value,
payback and the funnel by source, :mod:`benchmarks.hand_duckdb_more` retention,
coaching, the sales cycle and the forecast of the month PERIOD (default
2026-10), DuckDB writes each as CSV::

    python -m benchmarks.script_duckdb DATA_FOLDER OUT_FOLDER [PERIOD]
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from benchmarks import hand_duckdb, hand_duckdb_more
from benchmarks.baselines import KPIS, MORE, window_days

TABLES = ("leads", "targets", "costs", "orders")


def main(data: str, out: str, period: str = "2026-10") -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for table in TABLES:
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{Path(data) / table}.parquet')"
        )
    t = {"con": con, "period": period, "window": window_days(Path(data))}
    for kpi in KPIS:
        result = getattr(hand_duckdb, kpi)(t)
        con.from_arrow(result).write_csv(str(folder / f"{kpi}.csv"))
    for kpi in MORE:
        result = getattr(hand_duckdb_more, kpi)(t)
        con.from_arrow(result).write_csv(str(folder / f"{kpi}.csv"))


if __name__ == "__main__":
    main(*sys.argv[1:4])
