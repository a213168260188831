"""A hand-written whole polars script: read the Parquet dataset, write nine KPI tables as CSV.

What a user who knows polars would run instead of ``kpi kpis``, timed as a whole
process by :mod:`benchmarks.commands`: polars reads the four Parquet files,
:mod:`benchmarks.hand_polars` computes attainment, CAC, cohort value, payback
and the funnel by source, :mod:`benchmarks.hand_polars_more` retention,
coaching, the sales cycle and the forecast of the month PERIOD (default
2026-10), polars writes each as CSV::

    python -m benchmarks.script_polars DATA_FOLDER OUT_FOLDER [PERIOD]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from benchmarks import hand_polars, hand_polars_more
from benchmarks.baselines import KPIS, MORE, window_days

TABLES = ("leads", "targets", "costs", "orders")


def main(data: str, out: str, period: str = "2026-10") -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict = {t: pl.read_parquet(Path(data) / f"{t}.parquet") for t in TABLES}
    for kpi in KPIS:
        getattr(hand_polars, kpi)(tables).write_csv(folder / f"{kpi}.csv")
    tables.update(period=period, window=window_days(Path(data)))
    for kpi in MORE:
        getattr(hand_polars_more, kpi)(tables).write_csv(folder / f"{kpi}.csv")


if __name__ == "__main__":
    main(*sys.argv[1:4])
