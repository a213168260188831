"""The baseline of ``kpi validate`` on Parquet: read the columns it checks with pyarrow.

``kpi validate`` reads each table's canonical columns (every ``*_at`` column of
the leads); this reads the same columns into Arrow and does nothing else::

    python -m benchmarks.read_checked DATA_FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq

CHECKED = {
    "leads": {"lead_id", "source", "team", "owner", "customer_id", "amount"},
    "targets": {"period", "metric", "team", "owner", "target"},
    "costs": {"period", "date", "category", "channel", "team", "amount"},
    "orders": {"order_id", "customer_id", "order_date", "revenue", "gross_margin"},
}


def main(folder: str) -> int:
    rows = 0
    for table, names in CHECKED.items():
        path = Path(folder) / f"{table}.parquet"
        keep = [
            c
            for c in pq.read_schema(path).names
            if c in names or (table == "leads" and c.endswith("_at"))
        ]
        rows += pq.read_table(path, columns=keep).num_rows
    return 0 if rows else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
