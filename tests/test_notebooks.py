"""The report notebooks: stored clean, with the parameter contract, and runnable as is."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from kpilib.report.build import NOTEBOOK_DIR, NOTEBOOKS

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = {
    "period": ('"2026-10"', "str"),
    "data": ('"../data/sample"', "str"),
    "as_of": ('""', "str"),
    "lang": ('""', "str"),
    "engine": ('"pandas"', "str"),
}


@pytest.fixture(params=NOTEBOOKS)
def notebook(request) -> Path:
    return NOTEBOOK_DIR / f"{request.param}.ipynb"


def test_the_report_runs_every_notebook_of_the_folder():
    assert NOTEBOOK_DIR == ROOT / "notebooks"
    assert sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(NOTEBOOKS)


def test_stored_without_outputs_with_kernel_python3(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, notebook.name


def test_parameters_cell_declares_typed_defaults_with_help(notebook):
    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and nb.cells.index(tagged[0]) == 1  # right after the title
    found = papermill.inspect_notebook(str(notebook))
    # a notebook that renders the report model also takes its path (empty: computed there)
    expected = {**PARAMETERS, **({"model": ('""', "str")} if "model" in found else {})}
    assert {k: (v["default"], v["inferred_type_name"]) for k, v in found.items()} == expected
    assert all(v["help"] for v in found.values())
    assert (notebook.parent / "../data/sample").resolve() == ROOT / "data" / "sample"


def test_code_cells_are_tagged_for_removal_and_define_nothing(notebook):
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "markdown":
            assert "remove-cell" in tags
            continue
        assert tags & {"remove-input", "remove-cell"}, cell.source[:40]
        tree = ast.parse(cell.source)
        defined = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert defined == [], f"{notebook.name}: business logic belongs in kpilib"


@pytest.mark.slow
def test_every_notebook_runs_on_its_defaults_with_nbval():
    """``pytest --nbval-lax notebooks/`` in a subprocess (nbval breaks under -n)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-q",
            "-p",
            "no:cacheprovider",
            str(NOTEBOOK_DIR),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
