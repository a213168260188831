"""Where a dataset folder keeps a table: ``leads.csv``, ``leads.parquet`` or ``leads.xlsx``.

The loader (:func:`kpilib.load_dataset`), the quick path of ``kpi validate``
(:mod:`kpilib.data.quick`), the ``auto`` engine's choice
(:func:`kpilib.engine.choose_engine`) and the scans of Parquet
(:mod:`kpilib.engine.scan`) look a table's file up here; each then decides what
two files of one table, or a path that is no regular file, mean to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kpilib.data.read import SUFFIXES

__all__ = ["table_files"]


def table_files(folder: Path, table: str, *, suffixes: Sequence[str] = SUFFIXES) -> list[Path]:
    """The paths *folder* gives for *table*: ``<table><suffix>`` for each of *suffixes*
    that is there, in the order of *suffixes*.

    A path counts when anything is there under that exact name (compared as the file
    system compares names): a file, a folder or a link, even to nothing, so that its
    reader can name what is wrong with it. A folder of part files, ``<table>/``, is
    not among them (only the scans read one).

    Parameters
    ----------
    folder
        The dataset folder.
    table
        The table's name: ``leads``, ``targets``, ``costs`` or ``orders``.
    suffixes
        The formats looked for, default every one the loader reads (``.csv``,
        ``.parquet``, ``.xlsx``).

    Returns
    -------
    list of Path
        Empty when the table is not given; two or more when it is given twice.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "leads.parquet").write_bytes(b"")
    >>> _ = (folder / "leads.csv").write_text("")
    >>> [p.name for p in table_files(folder, "leads")], table_files(folder, "orders")
    (['leads.csv', 'leads.parquet'], [])
    >>> [p.name for p in table_files(folder, "leads", suffixes=(".parquet",))]
    ['leads.parquet']
    """
    paths = [folder / f"{table}{suffix}" for suffix in suffixes]
    return [p for p in paths if p.exists() or p.is_symlink()]
