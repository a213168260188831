"""The report's parameters: their checks before any data is read, and the names each
notebook declares in its cell tagged ``parameters``."""

from __future__ import annotations

import ast
import difflib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kpilib.errors import ParameterError

__all__ = ["check_parameters", "check_notebooks", "check_values", "declared", "latest_period"]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_values(period: str, lang: str | None, as_of: str | None, data: Path) -> None:
    """The checks of the report's parameters that need no data ("latest" is read from
    the data, so its month is checked once the data is open)."""
    if period != "latest" and (not isinstance(period, str) or not _MONTH.match(period)):
        raise ParameterError(
            f"period {period!r} is not a month. The report is monthly: write the period as "
            "YYYY-MM, e.g. 2026-10."
        )
    if lang not in (None, "", "en", "fr"):
        raise ParameterError(f"lang {lang!r} is not supported. Accepted languages: en, fr.")
    if as_of not in (None, "") and not (isinstance(as_of, str) and _DATE.match(as_of)):
        raise ParameterError(f"as_of {as_of!r} is not a date. Write it as YYYY-MM-DD.")
    if not data.is_dir():
        raise ParameterError(
            f"{data}: no such folder. Give --data the dataset folder (leads.csv, kpi.toml, …)."
        )


def latest_period(data: Path, latest: Any) -> str:
    """The month of *latest*, the latest date in the dataset at *data*."""
    if latest is None or latest != latest:  # NaT: no date at all
        raise ParameterError(f"{data}: the data holds no date, so there is no latest period.")
    return f"{latest:%Y-%m}"


def check_parameters(notebook: str | Path, parameters: Mapping[str, Any]) -> None:
    """Raise :class:`~kpilib.errors.ParameterError` unless every name in
    *parameters* is declared in *notebook*'s tagged ``parameters`` cell.

    The message names the unknown parameter, the closest accepted one and
    all the accepted ones.
    """
    path = Path(notebook)
    accepted = declared(path)
    if not accepted:
        raise ParameterError(
            f"{path.name}: no cell tagged 'parameters'. Tag the cell holding the notebook's "
            "parameters with 'parameters' so that the report can set them."
        )
    names = sorted(accepted)
    for name in parameters:
        if name not in accepted:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ParameterError(
                f"{path.name}: unknown parameter {name!r}.{hint} Accepted parameters: "
                f"{', '.join(names)}."
            )


def declared(path: Path) -> set[str]:
    """The names the notebook's cell tagged ``parameters`` assigns at its top level (none
    without such a cell), read with the json and ast modules: papermill and nbformat
    take ~0.5 s to import, which the build's critical path is spared. A notebook these
    cannot read is left to papermill's ``inspect_notebook``."""
    try:
        cells = json.loads(path.read_text("utf-8"))["cells"]
        tagged = [
            c
            for c in cells
            if c.get("cell_type") == "code"
            and "parameters" in c.get("metadata", {}).get("tags", [])
        ]
        if not tagged:
            return set()
        source = tagged[0]["source"]
        tree = ast.parse(source if isinstance(source, str) else "".join(source))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, SyntaxError):
        import papermill

        return set(papermill.inspect_notebook(str(path)))
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            names |= {t.id for t in elements if isinstance(t, ast.Name)}
    return names


def check_notebooks(sources: Mapping[str, Path], values: Mapping[str, Any]) -> None:
    """:func:`check_parameters` of *values* against every notebook of *sources*."""
    for path in sources.values():
        check_parameters(path, values)
