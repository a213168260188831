"""A hand-written whole pandas script: read the Parquet dataset, write nine KPI tables as CSV.

What a user who knows pandas would run instead of ``kpi kpis``, timed as a whole
process by :mod:`benchmarks.commands`: pandas reads the four Parquet files
(pandas' default dtypes: Arrow-backed strings, datetime64 and float64 columns;
the orders without the two columns no table reads), :mod:`benchmarks.hand_pandas`
computes attainment, CAC, cohort value, payback and the funnel by source,
:mod:`benchmarks.hand_pandas_more` retention, coaching, the sales cycle and the
forecast of the month PERIOD (default 2026-10), pandas writes each as CSV::

    python -m benchmarks.script_pandas DATA_FOLDER OUT_FOLDER [PERIOD]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from benchmarks import hand_pandas, hand_pandas_more
from benchmarks.baselines import KPIS, MORE, window_days

# the columns the tables read (all but the orders' order_id and revenue)
COLUMNS = {
    "leads": None,
    "targets": None,
    "costs": None,
    "orders": ["customer_id", "order_date", "gross_margin"],
}


def main(data: str, out: str, period: str = "2026-10") -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict = {
        t: pd.read_parquet(Path(data) / f"{t}.parquet", columns=c) for t, c in COLUMNS.items()
    }
    for kpi in KPIS:
        getattr(hand_pandas, kpi)(tables).to_csv(folder / f"{kpi}.csv", index=False)
    tables.update(period=period, window=window_days(Path(data)))
    for kpi in MORE:
        getattr(hand_pandas_more, kpi)(tables).to_csv(folder / f"{kpi}.csv", index=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
