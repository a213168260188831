"""``build_report`` end to end: the sample, a tiny dataset, failures, no Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from test_report_engines import write_parquet_sample

from kpilib.data.load import load_dataset
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.acquisition import cac
from kpilib.kpis.funnel import funnel
from kpilib.report.build import (
    NOTEBOOK_DIR,
    NOTEBOOKS,
    ReportError,
    ReportWarning,
    build_report,
    check_parameters,
)
from kpilib.report.export import external_urls
from kpilib.report.pdf import HOW_TO_GET_PDF, find_chromium
from kpilib.story.format import formatter

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
PAGES = ["summary", "objectives", "acquisition", "funnel", "appendix"]
HAS_CHROMIUM = find_chromium() is not None
HAS_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None

pytestmark = pytest.mark.slow


def _text(page: str) -> str:
    """Visible text of an HTML page, entities kept, tags dropped."""
    body = page.split("<body", 1)[1]
    body = re.sub(r"<style.*?</style>", " ", body, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    return build_report(period="2026-10", data=SAMPLE, out=out, progress=False)


def write_tiny(folder: Path, *, broken: bool = False) -> Path:
    """One month, a source with no sale, no orders yet, a company with markup in its name.

    lead  lead_at     source                       visit  sale   amount
    L1    2026-10-01  web                          10-02  10-05  1000
    L2    2026-10-02  web                          10-03  -      -
    L3    2026-10-05  events                       10-06  10-09  3000
    L4    2026-10-06  events                       -      -      -
    L5    2026-10-07  <script>alert(1)</script>    10-08  -      -
    L6    2026-10-08  <script>alert(1)</script>    -      -      -
    """
    folder.mkdir(parents=True, exist_ok=True)
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6"],
            "lead_at": [
                "2026-10-01",
                "2026-10-02",
                "2026-10-05",
                "2026-10-06",
                "2026-10-07",
                "not a date" if broken else "2026-10-08",
            ],
            "source": [
                "web",
                "web",
                "events",
                "events",
                "<script>alert(1)</script>",
                "<script>alert(1)</script>",
            ],
            "team": ["T1"] * 6,
            "owner": ["Ann"] * 6,
            "visit_at": ["2026-10-02", "2026-10-03", "2026-10-06", "", "2026-10-08", ""],
            "offer_at": ["2026-10-03", "", "2026-10-07", "", "", ""],
            "sale_at": ["2026-10-05", "", "2026-10-09", "", "", ""],
            "customer_id": ["C1", "", "C2", "", "", ""],
            "amount": ["1000", "", "3000", "", "", ""],
        }
    )
    leads.to_csv(folder / "leads.csv", index=False)
    pd.DataFrame(
        {"period": ["2026-10", "2026-10"], "metric": ["sales", "revenue"], "target": [4, 5000]}
    ).to_csv(folder / "targets.csv", index=False)
    pd.DataFrame(
        {
            "period": ["2026-10", "2026-10"],
            "category": ["campaigns", "salaries"],
            "channel": ["web", ""],
            "amount": [3000, 5000],
        }
    ).to_csv(folder / "costs.csv", index=False)
    (folder / "kpi.toml").write_text(
        'company = "Tiny <b>Co</b>"\ncurrency = "EUR"\nlocale = "fr_FR"\n\n'
        "[funnel]\nconversion_window_days = 30\n",
        encoding="utf-8",
    )
    return folder


def failing_build(
    tmp_path: Path, out: Path, name: str, code: str, workers: int
) -> tuple[nbformat.NotebookNode, ReportError]:
    """The notebook *name* with the cell *code* appended, and the ReportError of a build
    of the tiny dataset into *out* with the notebooks so changed (which must fail)."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebooks)
    nb = nbformat.read(notebooks / f"{name}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(code))
    nbformat.write(nb, notebooks / f"{name}.ipynb")
    data = write_tiny(tmp_path / "tiny")
    with pytest.raises(ReportError) as info:
        build_report(
            period="2026-10",
            data=data,
            out=out,
            workers=workers,
            progress=False,
            notebooks=notebooks,
        )
    return nb, info.value


def test_an_unknown_parameter_is_named_with_the_accepted_ones(tmp_path):
    with pytest.raises(ParameterError) as info:
        build_report(period="2026-10", data=SAMPLE, out=tmp_path, parameters={"perido": "x"})
    assert str(info.value) == (
        "summary.ipynb: unknown parameter 'perido'. Did you mean 'period'? Accepted "
        "parameters: as_of, data, engine, lang, model, period."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_notebook_without_parameters_cell_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('period = "2026-10"')])
    nbformat.write(nb, tmp_path / "x.ipynb")
    with pytest.raises(ParameterError) as info:
        check_parameters(tmp_path / "x.ipynb", {"period": "2026-10"})
    assert str(info.value) == (
        "x.ipynb: no cell tagged 'parameters'. Tag the cell holding the notebook's parameters "
        "with 'parameters' so that the report can set them."
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_parameters_read_without_papermill_are_papermill_s(name):
    import papermill

    from kpilib.report.parameters import declared as _declared

    path = NOTEBOOK_DIR / f"{name}.ipynb"
    assert _declared(path) == set(papermill.inspect_notebook(str(path)))
    assert _declared(path) == {"as_of", "data", "engine", "lang", "model", "period"} | (
        {"cac_allocation", "cac_lag"} if name == "acquisition" else set()
    )


def test_a_parameters_cell_s_assignments_of_every_form_are_parameters(tmp_path):
    from kpilib.report.parameters import declared as _declared

    source = 'a: str = "x"  # help\nb = c = 1\nd, e = 2, 3\nif a:\n    f = 4\nprint(a)\n'
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "x.ipynb")
    assert _declared(tmp_path / "x.ipynb") == {"a", "b", "c", "d", "e"}  # f: not top level
    # a cell Python cannot parse (a magic) is read by papermill, as before
    cell.source = "%matplotlib inline\nperiod = '2026-10'"
    python = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": python})
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert _declared(tmp_path / "x.ipynb") == {"period"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"period": "2026-13"},
            "period '2026-13' is not a month. The report is monthly: write "
            "the period as YYYY-MM, e.g. 2026-10.",
        ),
        ({"lang": "de"}, "lang 'de' is not supported. Accepted languages: en, fr."),
        ({"as_of": "31/10/2026"}, "as_of '31/10/2026' is not a date. Write it as YYYY-MM-DD."),
        (
            {"engine": "excel"},
            "engine 'excel' is not supported. Accepted engines: auto, pandas, polars, duckdb, spark.",
        ),
    ],
)
def test_bad_options_are_refused_before_any_run(tmp_path, options, message):
    args = {"period": "2026-10", "data": SAMPLE, "out": tmp_path, **options}
    with pytest.raises(ParameterError) as info:
        build_report(**args)
    assert str(info.value) == message


def test_the_sample_report_folder(sample_report):
    assert sample_report.name == "2026-10"
    names = sorted(p.name for p in sample_report.iterdir())
    expected = [
        "acquisition.html",
        "acquisition.ipynb",
        "appendix.html",
        "funnel.html",
        "funnel.ipynb",
        "index.html",
        "model.pickle",
        "objectives.html",
        "objectives.ipynb",
        "summary.html",
        "summary.ipynb",
    ]
    if HAS_CHROMIUM:
        expected.append("report-2026-10.pdf")
    assert names == sorted(expected)
    assert [p.name for p in sample_report.parent.iterdir()] == ["2026-10"]  # no leftovers
    index = (sample_report / "index.html").read_text("utf-8")
    for page in PAGES:
        assert f'href="{page}.html"' in index
    for name in ("summary", "objectives", "acquisition", "funnel"):
        nb = nbformat.read(sample_report / f"{name}.ipynb", as_version=4)
        errors = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if o.output_type == "error"
        ]
        assert errors == []


def test_the_saved_model_is_what_the_pages_say(sample_report):
    from kpilib.sections.build import load

    report = load(sample_report)  # the folder's model.pickle, kept for analysts
    assert (report.period, report.state, str(report.as_of.date())) == (
        "2026-10",
        "closed",
        "2026-10-31",
    )
    tiles = _text((sample_report / "summary.html").read_text("utf-8"))
    new = report.summary.tile("new_customers")
    # October 2026 of the sample: 122 new customers of 128 (95%), missed by 6
    assert (new.value.value, new.target.value, new.status) == (122, 128, "missed")
    assert "122" in tiles and "95% of 128 · missed by 6" in tiles


def test_pages_have_no_code_prompt_script_or_external_url(sample_report):
    for page in PAGES:
        html = (sample_report / f"{page}.html").read_text("utf-8")
        assert external_urls(html) == []
        assert "<script" not in html
        assert "http://" not in html and "https://" not in html
        text = _text(html)
        for code in ("load_dataset", "display(", "import ", "In&nbsp;[", "Out["):
            assert code not in text, (page, code)


def test_pages_have_no_code_cell_input_nor_analyst_cell(sample_report):
    """The notebooks show their kpilib calls and key tables in JupyterLab; the pages none."""
    for page in PAGES:
        html = (sample_report / f"{page}.html").read_text("utf-8")
        body = re.sub(r"<style.*?</style>", " ", html.split("<body", 1)[1], flags=re.DOTALL)
        for marker in (
            "jp-InputArea",
            "jp-InputPrompt",
            "jp-CodeMirror",
            'class="highlight',
            "celltag_remove-cell",
            'class="dataframe',
        ):
            assert marker not in body, (page, marker)
        text = _text(html)
        for code in ("open_report", "ds.cac(", "ds.funnel", "For the analyst", "report.funnel"):
            assert code not in text, (page, code)
    # the executed notebooks kept in the folder render the saved model: their analyst
    # cells show the model's copy of each table, and compute nothing (ds is None there)
    nb = nbformat.read(sample_report / "funnel.ipynb", as_version=4)
    shown = next(c for c in nb.cells if c.cell_type == "code" and "ds.funnel(period=" in c.source)
    assert "overall_conversion" in shown.outputs[0]["data"]["text/html"]


def test_the_appendix_states_the_cac_allocation(sample_report):
    text = _text((sample_report / "appendix.html").read_text("utf-8"))
    # the sample's kpi.toml has no [cac]: shared by new customers, no lag
    assert (
        "Channel CAC: costs that name no channel are shared between channels in proportion "
        "to their new customers (kpi.toml, cac.allocation)." in text
    )
    assert "CAC lag" not in text


@pytest.mark.skipif(not (HAS_CHROMIUM and HAS_POPPLER), reason="needs Chromium and poppler")
def test_the_pdf_is_a4_with_every_section_in_order(sample_report):
    pdf = sample_report / "report-2026-10.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+594\.96 x 841\.92 pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    first = text.split("\f")[0]
    assert "Sales report — October 2026" in first
    assert "What matters most" in first
    positions = [
        text.find(t)
        for t in (
            "Sales report — October 2026",
            "Objectives",
            "Acquisition cost and customer value",
            "Lead funnel",
            "How each figure is computed",
            "Data notes",
        )
    ]
    assert -1 not in positions and positions == sorted(positions)
    assert re.search(rf"Atelier Durand · October 2026\s+1 ?/ ?{pages}\s*$", first)


def test_narrative_figures_equal_the_kpi_tables(sample_report):
    ds = load_dataset(SAMPLE)
    fmt = formatter(ds.settings, "en")
    blended = cac(ds.leads, ds.costs, period="2026-10").iloc[0]
    acquisition = _text((sample_report / "acquisition.html").read_text("utf-8"))
    assert (
        f"Blended CAC was {fmt.money(blended['cac'])} in October 2026: "
        f"{fmt.money(blended['cost'])} spent for {fmt.number(blended['new_customers'])} new "
        "customers." in acquisition
    )
    cohort = funnel(ds.leads, period="2026-10", window_days=90)
    funnel_text = _text((sample_report / "funnel.html").read_text("utf-8"))
    leads = fmt.number(cohort["reached"].iloc[0])
    assert (
        f"{leads} leads came in during October 2026; "
        f"{fmt.percent(cohort['overall_conversion'].iloc[-1], 1)} of them have become a sale "
        f"so far ({fmt.number(cohort['reached'].iloc[-1])} of {leads})." in funnel_text
    )
    summary = _text((sample_report / "summary.html").read_text("utf-8"))
    assert f"Blended CAC {fmt.money(blended['cac'])} October 2026" in summary


def test_a_parquet_dataset_reported_on_duckdb_reads_as_the_pandas_report(
    sample_report, tmp_path, monkeypatch
):
    # the default engine, auto, runs the KPIs on DuckDB over the Parquet files (the
    # pre-check finds nothing the loader refuses); every page must read the same. The
    # sample's 2,400 leads would go to polars: auto is told DuckDB's from there
    import kpilib.engine as engines

    monkeypatch.setattr(engines, "POLARS_BELOW", 0)
    monkeypatch.setenv("KPILIB_CHROMIUM", "none")  # the HTML is what is compared
    data = write_parquet_sample(tmp_path / "parquet")
    with pytest.warns(ReportWarning):
        folder = build_report(period="latest", data=data, out=tmp_path / "out", progress=False)
    assert folder.name == "2026-10"
    nb = nbformat.read(folder / "summary.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'engine = "duckdb"' in injected.source
    for page in PAGES:
        got = _text((folder / f"{page}.html").read_text("utf-8"))
        assert got == _text((sample_report / f"{page}.html").read_text("utf-8")), page
    assert "Blended CAC €3,739 October 2026" in _text((folder / "summary.html").read_text("utf-8"))


@pytest.mark.skipif(not HAS_CHROMIUM, reason="needs Chromium")
def test_a_tiny_french_dataset_builds_and_escapes_its_text(tmp_path):
    data = write_tiny(tmp_path / "tiny")
    folder = build_report(period="2026-10", data=data, out=tmp_path / "out", progress=False)
    assert (folder / "report-2026-10.pdf").stat().st_size > 10_000
    pages = {p: (folder / f"{p}.html").read_text("utf-8") for p in PAGES}
    for page in pages.values():
        assert "<script>alert" not in page and "<b>Co</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; le moins" in pages["funnel"]
    assert "Tiny &lt;b&gt;Co&lt;/b&gt; · octobre 2026" in pages["summary"]
    text = _text(pages["acquisition"])
    assert "Le jeu de données ne contient encore aucune commande" in text
    assert (
        "Rien à montrer" in " ".join(re.findall(r'alt="([^"]*)"', pages["acquisition"]))
        or "aucune commande" in text
    )


def test_without_chromium_the_html_is_built_and_the_way_to_the_pdf_is_said(tmp_path, monkeypatch):
    monkeypatch.setenv("KPILIB_CHROMIUM", "none")
    data = write_tiny(tmp_path / "tiny")
    with pytest.warns(ReportWarning) as record:
        folder = build_report(period="latest", data=data, lang="en", out=tmp_path / "out")
    assert folder.name == "2026-10"  # the month of the latest date, 9 October
    assert [str(w.message) for w in record] == [HOW_TO_GET_PDF]
    assert not list(folder.glob("*.pdf"))
    assert "No Chromium found, so the PDF was not built" in (folder / "index.html").read_text()
    assert "Lead funnel" in (folder / "funnel.html").read_text("utf-8")


def test_a_failure_leaves_the_previous_report_and_names_notebook_cell_and_error(
    tmp_path, sample_report
):
    out = tmp_path / "out"
    shutil.copytree(sample_report, out / "2026-10")
    before = {p.name: p.read_bytes() for p in (out / "2026-10").iterdir()}
    nb, error = failing_build(tmp_path, out, "summary", 'raise ValueError("stopped on purpose")', 1)
    # the appended cell runs after the notebook's code cells and the injected parameters
    count = sum(c.cell_type == "code" for c in nb.cells) + 1
    assert str(error) == (
        f'summary.ipynb failed at cell {count} (raise ValueError("stopped on purpose")): '
        "ValueError: stopped on purpose"
    )
    assert sorted(p.name for p in out.iterdir()) == ["2026-10"]
    assert {p.name: p.read_bytes() for p in (out / "2026-10").iterdir()} == before


def test_a_kernel_that_dies_is_named_and_the_previous_report_kept(tmp_path):
    out = tmp_path / "out"
    (out / "2026-10").mkdir(parents=True)
    (out / "2026-10" / "report.html").write_text("the previous report", "utf-8")
    _, error = failing_build(tmp_path, out, "funnel", "import os\nos._exit(3)", 2)
    assert str(error) == (
        "funnel.ipynb failed: its kernel died while it ran (out of memory, or code that ended "
        "the Python process). Run the notebook alone in JupyterLab to find the cell."
    )
    assert sorted(p.name for p in out.iterdir()) == ["2026-10"]
    assert (out / "2026-10" / "report.html").read_text("utf-8") == "the previous report"
    assert sorted(p.name for p in (out / "2026-10").iterdir()) == ["report.html"]


def test_a_broken_dataset_is_refused_before_any_notebook_runs(tmp_path, sample_report):
    out = tmp_path / "out"
    shutil.copytree(sample_report, out / "2026-10")
    before = {p.name: p.read_bytes() for p in (out / "2026-10").iterdir()}
    data = write_tiny(tmp_path / "broken", broken=True)
    with pytest.raises(DataError) as info:
        build_report(period="2026-10", data=data, out=out, workers=1, progress=False)
    assert str(info.value) == (
        "The dataset has 1 problem:\n"
        "leads.csv:\n"
        "  - column lead_at: 1 row has a date that does not parse (row 7). Write dates as "
        "YYYY-MM-DD (a time may follow), or set day_first = true in kpi.toml for DD/MM/YYYY."
    )
    assert sorted(p.name for p in out.iterdir()) == ["2026-10"]
    assert {p.name: p.read_bytes() for p in (out / "2026-10").iterdir()} == before


def test_playwright_is_not_needed_to_print_only_a_chromium(monkeypatch):
    import sys

    from kpilib.report.pdf import pdf_unavailable

    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    assert pdf_unavailable("/usr/bin/chromium") is None
    assert pdf_unavailable(None) == HOW_TO_GET_PDF


def test_a_chromium_that_fails_is_named_with_what_it_said_and_nothing_is_left(
    tmp_path, monkeypatch
):
    # reads the first byte of the first command (so that it was sent), then fails
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nhead -c 1 <&3 >/dev/null\necho 'no display' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("KPILIB_CHROMIUM", str(fake))
    data = write_tiny(tmp_path / "tiny")
    with pytest.raises(ReportError) as info:
        build_report(period="latest", data=data, lang="en", out=tmp_path / "out")
    assert str(info.value) == (
        f"the PDF could not be printed with {fake}: ChromiumError: Chromium stopped during "
        "Target.createTarget: no display. Check that this Chromium starts (chromium "
        "--headless --version) or set KPILIB_CHROMIUM to another one."
    )
    assert list((tmp_path / "out").iterdir()) == []  # no report folder, no staging left
