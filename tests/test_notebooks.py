"""The report notebooks: stored clean, with the parameter contract, and runnable as is."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
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
    "model": ('""', "str"),
}
# the acquisition notebook also tries another CAC setting than kpi.toml's, run alone
OWN_PARAMETERS = {"acquisition": {"cac_allocation": ('""', "str"), "cac_lag": ("-1", "int")}}
# the kpilib calls each notebook's analyst cells show, one per section of the page at least
ANALYST_CALLS = {
    "summary": ["build(ds, period=period", "facts(report.summary"],
    "objectives": ["ds.attainment(", "cumulative_path(ds.leads"],
    "acquisition": ["ds.cac(", "ds.cohort_value(", "ds.payback("],
    "funnel": ["ds.funnel(", "ds.funnel_trend("],
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
    expected = {**PARAMETERS, **OWN_PARAMETERS.get(notebook.stem, {})}
    assert {k: (v["default"], v["inferred_type_name"]) for k, v in found.items()} == expected
    assert all(v["help"] for v in found.values())
    # each parameter is documented above its line: allowed values, default, what kpi report sets
    lines = tagged[0].source.splitlines()
    for name in expected:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
        above = []
        for line in reversed(lines[:at]):
            if not line.startswith("#") or ":" in line.split("#", 1)[0]:
                break
            above.insert(0, line)
        doc = " ".join(above)
        assert "kpi report" in doc, name
        assert "default" in doc or name in ("period", "data"), name
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


def _analyst_cells(nb) -> list:
    """The code cells an analyst sees in JupyterLab and the pack never shows."""
    return [
        c for c in nb.cells if c.cell_type == "code" and "remove-cell" in c.metadata.get("tags", [])
    ]


def test_each_section_shows_its_kpilib_calls_to_the_analyst(notebook):
    nb = nbformat.read(notebook, as_version=4)
    analyst = "\n".join(c.source for c in _analyst_cells(nb) if "parameters" not in c.metadata.tags)
    for call in ANALYST_CALLS[notebook.stem]:
        assert call in analyst, (notebook.name, call)
    # the pack's cells stay short: the figures come from the report model, not from code
    for cell in nb.cells:
        if cell.cell_type == "code" and "remove-input" in cell.metadata.get("tags", []):
            assert len(cell.source.splitlines()) <= 22, cell.source[:60]


@pytest.fixture(scope="module")
def opened():
    """open_report on the sample, once for every notebook (as each computes it alone)."""
    from kpilib.sections.build import open_report

    cache = {}

    def cached(model="", **options):
        key = (model, *sorted(options.items()))
        if key not in cache:
            cache[key] = open_report(model, **options)
        return cache[key]

    return cached


@pytest.mark.slow
def test_the_analyst_calls_give_the_tables_the_charts_draw(notebook, opened, monkeypatch):
    """Each ``model copy if ds is None else kpilib call`` of an analyst cell: both sides
    are the same table, so the call shown is the one behind the figure."""
    import kpilib.sections.build

    monkeypatch.chdir(notebook.parent)
    monkeypatch.setattr(kpilib.sections.build, "open_report", opened)
    nb = nbformat.read(notebook, as_version=4)
    namespace: dict = {}
    for cell in nb.cells[1:3]:  # the parameters and the setup
        exec(compile(cell.source, notebook.name, "exec"), namespace)
    assert namespace["ds"] is not None
    pairs = [
        node
        for cell in _analyst_cells(nb)
        for node in ast.walk(ast.parse(cell.source))
        if isinstance(node, ast.IfExp) and ast.unparse(node.test).startswith("ds is None")
    ]
    assert len(pairs) >= len(ANALYST_CALLS[notebook.stem]) - 1 or notebook.stem == "summary"
    for node in pairs:
        exec(  # names an expression reads that an analyst cell imports (cumulative_path)
            "\n".join(
                ast.unparse(n)
                for c in _analyst_cells(nb)
                for n in ast.parse(c.source).body
                if isinstance(n, ast.ImportFrom)
            ),
            namespace,
        )
        model = eval(compile(ast.Expression(node.body), "model", "eval"), namespace)
        call = eval(compile(ast.Expression(node.orelse), "call", "eval"), namespace)
        shared = [c for c in model.columns if c in call.columns]
        assert shared == list(call.columns), ast.unparse(node.orelse)
        pd.testing.assert_frame_equal(
            model[shared].reset_index(drop=True), call.reset_index(drop=True)
        )


@pytest.mark.slow
def test_each_notebook_runs_alone_from_its_folder_and_shows_its_tables(tmp_path):
    """papermill from notebooks/ on the defaults, as an analyst opens them in JupyterLab;
    every analyst cell shows something, its key table as a table, and nothing fails."""
    for name in NOTEBOOKS:
        out = tmp_path / f"{name}.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOK_DIR / f"{name}.ipynb"),
            str(out),
            cwd=str(NOTEBOOK_DIR),
            kernel_name="python3",
            progress_bar=False,
        )
        nb = nbformat.read(out, as_version=4)
        for cell in _analyst_cells(nb):
            if "parameters" in cell.metadata.tags:
                continue
            kinds = [o.output_type for o in cell.outputs]
            assert "error" not in kinds and kinds, (name, cell.source[:60])
            if "ds is None" in cell.source or "facts(" in cell.source:  # a key table
                assert any("text/html" in o.get("data", {}) for o in cell.outputs), cell.source


@pytest.mark.slow
def test_a_notebook_runs_with_nbconvert_execute(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--output-dir",
            str(tmp_path),
            str(NOTEBOOK_DIR / "funnel.ipynb"),
        ],
        cwd=NOTEBOOK_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    nb = nbformat.read(tmp_path / "funnel.ipynb", as_version=4)
    assert all(
        o.output_type != "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    # the funnel of the shown cohort, as the analyst cell displays it
    shown = next(c for c in _analyst_cells(nb) if "ds.funnel(" in c.source)
    assert "overall_conversion" in shown.outputs[0]["data"]["text/html"]


def test_open_report_tries_another_cac_setting_when_it_computes_the_model(tmp_path):
    from test_sections_acquisition import COSTS, LEADS, ORDERS

    from kpilib.sections.build import open_report

    for name, text in (("leads", LEADS), ("costs", COSTS), ("orders", ORDERS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    report, ds = open_report(
        data=tmp_path, period="2026-10", as_of="2026-10-31", cac_allocation="leads", cac_lag=1
    )
    # September's 800 of costs over October's 3 new customers (see the section's tests)
    assert report.acquisition.cac.value == pytest.approx(800 / 3)
    assert (ds.settings.cac_allocation, ds.settings.cac_lag) == ("leads", 1)
    assert (report.appendix.cac_allocation, report.appendix.cac_lag) == ("leads", 1)
    # "" and -1, the notebook's defaults, keep kpi.toml's: shared by new customers, no lag
    report, ds = open_report(data=tmp_path, period="2026-10", as_of="2026-10-31")
    assert report.acquisition.cac.value == 550.0


def test_open_report_refuses_cac_settings_over_a_saved_model(tmp_path):
    from kpilib.errors import ParameterError
    from kpilib.sections.build import open_report

    model = tmp_path / "model.pickle"
    with pytest.raises(ParameterError) as info:
        open_report(model, data=tmp_path, period="2026-10", cac_allocation="none", cac_lag=2)
    assert str(info.value) == (
        f"cac_allocation, cac_lag cannot change the saved model {model}: it was computed with "
        "the settings of kpi.toml. Set them in kpi.toml's [cac] and build the report again, "
        'or leave model = "" to compute the model in the notebook.'
    )


@pytest.mark.slow
def test_run_alone_on_a_bare_crm_export_the_analyst_cells_show_what_there_is(tmp_path):
    """Leads only: no targets, costs nor orders; every notebook still runs alone."""
    from test_sections_acquisition import LEADS

    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "leads.csv").write_text(LEADS, encoding="utf-8")
    headings: dict[str, list[str]] = {}
    for name in ("objectives", "acquisition"):
        out = tmp_path / f"{name}.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOK_DIR / f"{name}.ipynb"),
            str(out),
            parameters={"data": str(tmp_path / "crm"), "as_of": "2026-10-31"},
            cwd=str(NOTEBOOK_DIR),
            kernel_name="python3",
            progress_bar=False,
        )
        nb = nbformat.read(out, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert all(o.output_type != "error" for o in errors), name
        # the section's text says once what is missing: no subsection draws an empty chart
        shown = "".join(
            str(o.get("data", {}).get(kind, ""))
            for o in errors
            for kind in ("text/html", "text/plain")
        )
        assert "Nothing to show" not in shown, name
        headings[name] = re.findall(r"<h2[^>]*>([^<]*)</h2>", shown)
    # no target: the month's pace (without a target) and the forecast; no cost nor order
    assert headings == {
        "objectives": ["Pace through the month", "Forecast of the close"],
        "acquisition": [],
    }
    # no costs: the CAC cell has no table to show, and says nothing
    cac_cell = next(c for c in _analyst_cells(nb) if "cac_table = " in c.source)
    assert cac_cell.outputs == []


def test_a_model_saved_before_the_cac_settings_is_refused(tmp_path):
    import pickle

    from kpilib.errors import ParameterError
    from kpilib.sections.build import open_report

    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps({"format": 1, "report": None}))
    with pytest.raises(ParameterError) as info:
        open_report(path, data=tmp_path, period="2026-10")
    assert str(info.value) == (
        f"{path}: not a report model of this kpilib version. Build it again with "
        "kpilib.sections.build."
    )
