"""The engine layer: the only place that asks which backend a frame is."""

from __future__ import annotations

from pathlib import Path

# where the KPIs run: auto picks one by the rule of :func:`choose_engine`; pandas loads the
# folder (CSV or Parquet), the others scan it. Defined here, free of frame libraries, so that
# the ``kpi`` command's options need none.
ENGINES = ("auto", "pandas", "polars", "duckdb", "spark")


def choose_engine(folder: str | Path) -> str:
    """The engine ``auto`` computes on for the dataset folder *folder*.

    The rule: when every table of the folder is one Parquet file
    (``leads.parquet`` and any of ``targets``, ``costs``, ``orders``), DuckDB
    if it is installed, else polars, else pandas; otherwise (a CSV or .xlsx
    table, a folder of part files, no leads file, no such folder) pandas,
    whose loader holds the text-parsing rules and names every problem.
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
    for engine in ("duckdb", "polars"):
        if find_spec(engine) is not None:
            return engine
    return "pandas"
