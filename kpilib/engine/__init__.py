"""The engine layer: the only place that asks which backend a frame is."""

from __future__ import annotations

from pathlib import Path

# where the KPIs run: auto picks one by the rule of :func:`choose_engine`; pandas loads the
# folder (CSV or Parquet), the others scan it. Defined here, free of frame libraries, so that
# the ``kpi`` command's options need none.
ENGINES = ("auto", "pandas", "polars", "duckdb", "spark")

POLARS_BELOW = 2_000_000
"""Leads under which ``auto`` scans with polars rather than DuckDB. Measured as whole
``kpi kpis`` commands (docs/performance.md): polars starts faster (1M leads: 2.0 s
against 2.5 s; ``kpi report`` 8.1 s against 10.3 s), and there the interpreter's own
memory outweighs the tables'; from 3M DuckDB peaks at a third less memory (3M: 0.40
GB against 0.65 GB, 1.3x the tables against 2.1x) for up to 0.6 s more, and at 10M it
is the faster (6.2-6.5 s against 6.9-7.7 s)."""


def choose_engine(folder: str | Path) -> str:
    """The engine ``auto`` computes on for the dataset folder *folder*.

    The rule: when every table of the folder is one Parquet file
    (``leads.parquet`` and any of ``targets``, ``costs``, ``orders``), polars
    when the leads are fewer than :data:`POLARS_BELOW` rows (the file's footer
    says) and DuckDB from there, each when installed, else the other, else
    pandas; otherwise (a CSV or .xlsx table, a folder of part files, no leads
    file, no such folder) pandas, whose loader holds the text-parsing rules and
    names every problem.
    ``auto`` runs a scan only when :func:`kpilib.engine.auto.precheck` finds
    none of :func:`kpilib.load_dataset`'s refusals in it
    (:func:`kpilib.engine.auto.open_auto`).

    Parameters
    ----------
    folder
        The dataset folder.

    Returns
    -------
    str
        "duckdb", "polars" or "pandas".

    Examples
    --------
    >>> choose_engine("data/sample")  # CSV files
    'pandas'
    """
    from importlib.util import find_spec

    from kpilib.data.files import table_files
    from kpilib.data.schema import TABLE_NAMES

    root = Path(folder)
    if not (root / "leads.parquet").is_file():
        return "pandas"
    for table in TABLE_NAMES:
        given = table_files(root, table)
        if (root / table).exists() or any(p.suffix != ".parquet" or not p.is_file() for p in given):
            return "pandas"
    order = (
        ("polars", "duckdb")
        if _rows(root / "leads.parquet") < POLARS_BELOW
        else ("duckdb", "polars")
    )
    for engine in order:
        if find_spec(engine) is not None:
            return engine
    return "pandas"


def _rows(path: Path) -> float:
    """The rows of the Parquet file *path*, from its footer (infinite when it does not
    read: the scan's own check names the file)."""
    import pyarrow.parquet as pq

    try:
        return pq.read_metadata(path).num_rows
    except Exception:  # pyarrow raises several unrelated types
        return float("inf")
