"""The monthly report: run the notebooks, export HTML, print one A4 PDF.

:func:`build_report` checks the parameters against each notebook's tagged
``parameters`` cell, runs the notebooks with papermill (two at a time on two
cores), exports each to a self-contained HTML page, assembles the PDF pack
(summary first) through headless Chromium, and writes ``OUT/<period>/``
with the executed notebooks, the pages, the PDF and an ``index.html``. The
folder appears only once everything succeeded; a failure leaves any earlier
report untouched and names the notebook, the cell and the error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from kpilib.data.text import make_folder
from kpilib.engine import ENGINES
from kpilib.errors import ParameterError, ReportError, ReportWarning
from kpilib.report.pages import PAGES, Pages, finish, swap
from kpilib.report.parameters import (
    check_notebooks,
    check_parameters,
    check_values,
    latest_period,
)
from kpilib.report.pdf import Printer, find_chromium, pdf_unavailable

__all__ = [
    "build_report",
    "check_parameters",
    "ReportError",
    "ReportWarning",
    "NOTEBOOKS",
    "PAGES",
    "NOTEBOOK_DIR",
]

NOTEBOOKS = ("summary", "objectives", "acquisition", "funnel")
# the model's sections each notebook draws: it runs once they are computed (the summary,
# drawing on every page, once they all are)
NEEDS = {
    "objectives": {"objectives"},
    "acquisition": {"acquisition"},
    "funnel": {"funnel", "coaching", "cycle"},
}
# pages of the report, in the PDF's order; the appendix is the summary's cells tagged "appendix"
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def _dataset(data: Path, engine: str) -> Any:
    """The dataset at *data*, opened on *engine*, for its dates (Spark's Parquet
    files are scanned by polars: no Spark session starts in this process)."""
    from kpilib.engine.scan import open_dataset

    return open_dataset(data, engine="polars" if engine == "spark" else engine)


def _failure(name: str, target: Path, exc: BaseException) -> ReportError:
    """A ReportError naming the notebook, the cell and the error."""
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, DeadKernelError):
        return ReportError(
            f"{name}.ipynb failed: its kernel died while it ran (out of memory, or code that "
            "ended the Python process). Run the notebook alone in JupyterLab to find the cell."
        )

    if isinstance(exc, PapermillExecutionError):
        first = next((ln.strip() for ln in str(exc.source).splitlines() if ln.strip()), "")
        cell = f"cell {exc.exec_count}" if exc.exec_count else f"cell #{exc.cell_index + 1}"
        return ReportError(
            f"{name}.ipynb failed at {cell} ({first[:80]}): {exc.ename}: {exc.evalue}"
        )
    return ReportError(f"{name}.ipynb failed: {type(exc).__name__}: {exc}")


def _progress_bar(progress: bool | None, total: int) -> Any:
    from tqdm.auto import tqdm

    show = sys.stderr.isatty() if progress is None else bool(progress)
    return tqdm(total=total, disable=not show, desc="report", unit="step", leave=False)


def build_report(
    *,
    period: str,
    data: str | Path,
    lang: str | None = None,
    as_of: str | None = None,
    out: str | Path = "reports",
    progress: bool | None = None,
    parameters: Mapping[str, Any] | None = None,
    notebooks: str | Path | None = None,
    workers: int | None = None,
    engine: str = "auto",
) -> Path:
    """Build the report of *period* from the dataset *data* into ``out/<period>/``.

    Parameters
    ----------
    period
        The month, "YYYY-MM", or "latest" for the month of the latest date in the data.
    data
        The dataset folder.
    lang
        "en" or "fr"; default the dataset's language (kpi.toml).
    as_of
        "YYYY-MM-DD"; default the latest date in the data.
    out
        The folder receiving ``<period>/``.
    progress
        Show a progress bar; default only when stderr is a terminal.
    parameters
        Extra notebook parameters; each must be declared by every notebook.
    notebooks
        Folder of the notebooks; default the kit's ``notebooks/``.
    workers
        Notebooks run at once; default the number of CPUs, at most 2.
    engine
        Where the KPIs are computed: "auto" (the default) picks by the rule of
        :func:`kpilib.engine.choose_engine`: DuckDB for a folder of Parquet files
        in which the pre-check of :func:`kpilib.engine.auto.open_auto` finds
        nothing the loader would refuse, else pandas. "pandas" loads the dataset
        folder (CSV or Parquet) in each notebook; "polars", "duckdb" or "spark" scan its
        Parquet files there (:func:`kpilib.engine.scan.open_dataset`), for data too
        large to load. Spark starts a session in each notebook's kernel from
        Spark's configuration (``SPARK_REMOTE``, ``SPARK_CONF_DIR``; see
        :func:`kpilib.engine.scan.spark_session`).

    Returns
    -------
    pathlib.Path
        ``out/<period>``, holding the executed notebooks (``*.ipynb``), their
        pages (``*.html``), ``report-<period>.pdf`` and ``index.html``.

    Raises
    ------
    kpilib.errors.ParameterError
        A bad period, language, date or folder, or an unknown parameter.
    ReportError
        A notebook failed (the message names it, the cell and the error), or
        the output folder could not be written.
    """
    data = Path(data).resolve()
    if engine not in ENGINES:
        raise ParameterError(
            f"engine {engine!r} is not supported. Accepted engines: {', '.join(ENGINES)}."
        )
    # the checks that need no data first: the kernels start once they passed
    check_values(period, lang, as_of, data)
    nb_dir = Path(notebooks) if notebooks is not None else NOTEBOOK_DIR
    sources = {name: nb_dir / f"{name}.ipynb" for name in NOTEBOOKS}
    for path in sources.values():
        if not path.is_file():
            raise ReportError(
                f"{path}: notebook not found. The report needs "
                f"{', '.join(n + '.ipynb' for n in NOTEBOOKS)}."
            )
    from kpilib.report.run import Kernels

    with _without_iri_grammar(), Kernels(sources, nb_dir, workers=workers) as kernels:
        return _build(
            kernels, sources, period, data, lang, as_of, out, progress, parameters, engine
        )


def _build(
    kernels: Any,
    sources: dict[str, Path],
    period: str,
    data: Path,
    lang: str | None,
    as_of: str | None,
    out: str | Path,
    progress: bool | None,
    parameters: Mapping[str, Any] | None,
    engine: str,
) -> Path:
    """:func:`build_report` once its kernels are starting (the frame libraries are
    imported from here on: the kernels start before, on the other core)."""
    from kpilib.data.periods import check_coverage
    from kpilib.sections.build import MODEL_FILE

    dataset = _dataset(data, engine)
    if engine == "auto":  # the engine the dataset was opened on, for the notebooks too
        engine = getattr(dataset, "backend", "pandas")
    if period == "latest":
        period = latest_period(data, dataset.as_of)
    check_coverage(
        period,
        as_of=as_of,
        first=dataset.first_date,
        last=dataset.as_of,
        fiscal_year_start=dataset.settings.fiscal_year_start,
    )
    settings = dataset.settings
    lang = lang or settings.language
    values = {"period": period, "data": str(data), "as_of": as_of or "", "lang": lang}
    if engine != "pandas":
        values["engine"] = engine  # notebooks that predate the parameter still run on pandas
    values.update(parameters or {})

    out = make_folder(Path(out).resolve())  # resolved: papermill changes the working directory
    final = out / period
    if final.exists() and not final.is_dir():
        raise ParameterError(
            f"{final}: a file, not a folder; the report goes in a folder of that name. Move "
            "the file, or give --out another folder."
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{period}.", suffix=".building", dir=out))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    bar = _progress_bar(progress, len(NOTEBOOKS) + len(PAGES) + 1)
    pages = Pages(staging, settings, period, lang, bar)
    later = _Later(pages)
    # the report model: every figure of the pack, computed once while the kernels start
    values["model"] = str(staging / MODEL_FILE)

    def check() -> None:
        check_notebooks(sources, values)
        _model(dataset, data, engine, period, as_of, staging, kernels.release)
        later.start()

    def export(name: str) -> None:
        later.start()
        pages.export(name)

    try:
        # the notebooks run once the parameters are checked against each notebook, each
        # once the model's sections it draws are saved; each page is exported as soon as
        # its notebook has run
        _execute(kernels, sources, staging, values, bar, check, export)
        finish(pages, later.no_pdf)
        swap(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if pages.printer is not None:
            pages.printer.close()
        bar.close()
    return final


def _model(
    dataset: Any,
    data: Path,
    engine: str,
    period: str,
    as_of: str | None,
    staging: Path,
    release: Callable[[list[str]], None],
) -> None:
    """Compute the report model of *period* once and save it in the build folder (each
    notebook reads it: see :mod:`kpilib.sections.build`). It is saved again as each
    step of sections is computed, and a notebook is released (*release*) as soon as the
    sections it draws (:data:`NEEDS`) are in. It is computed on *engine*: the dataset
    opened for its dates is reused, except for Spark, whose dates were read with
    polars, so that a Spark session starts only here, once the parameters passed."""
    from kpilib.engine.scan import open_dataset
    from kpilib.sections.build import SECTIONS, build, save

    def ready(report: Any, done: frozenset[str]) -> None:
        save(report, staging)
        release([name for name in NOTEBOOKS if NEEDS.get(name, set(SECTIONS)) <= done])

    if engine == "spark":
        dataset = open_dataset(data, engine="spark")
    build(dataset, period=period, as_of=as_of or None, on_ready=ready)


@contextlib.contextmanager
def _without_iri_grammar() -> Iterator[None]:
    """Spare the build ~2 s of start-up spent on a grammar nothing here uses.

    nbformat (through papermill and nbconvert) imports jsonschema, whose format
    checkers import ``rfc3987_syntax`` when installed; that compiles a Lark
    grammar (~2 s on these machines) for the "iri" formats, which notebook
    schemas never use. When jsonschema is not imported yet, it is told for the
    build's length that the package is absent (the build's threads import
    nbformat when they first need it); the ``None`` entry is removed after, so
    an explicit import elsewhere still works. Only jsonschema's "iri" checks
    are lost, in this process.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        yield
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]


class _Later:
    """What the pages need and the model does not: the exporter's imports (in a thread)
    and Chromium, started once, when the model is computed or when a first page is to
    be exported, whichever comes first. Started with the kernels, they slowed the
    model's computation, on the build's critical path (the parent's threads share one
    interpreter lock)."""

    def __init__(self, pages: Pages) -> None:
        self.pages, self.lock, self.started = pages, threading.Lock(), False
        self.no_pdf: str | None = None

    def start(self) -> None:
        with self.lock:  # held until the printer is set: a page exported next needs it
            if self.started:
                return
            self.started = True
            threading.Thread(target=_warm_imports, daemon=True).start()
            chromium = find_chromium()
            self.no_pdf = pdf_unavailable(chromium)
            if self.no_pdf is None:
                self.pages.printer = Printer(chromium)  # Chromium starts in its own thread


def _warm_imports() -> None:
    """Import the exporter (nbconvert, jinja2, mistune) and compile the page template
    (exporting an empty notebook): the first page then exports at once."""
    import nbformat

    from kpilib.report.export import export_html

    export_html(nbformat.v4.new_notebook(), title="", lang="en")


def _execute(
    kernels: Any,
    sources: dict[str, Path],
    staging: Path,
    values: dict[str, Any],
    bar: Any,
    check: Callable[[], None],
    on_done: Callable[[str], None],
) -> None:
    """Run the notebooks on *kernels* (see :class:`kpilib.report.run.Kernels`), failures as
    ReportError. *on_done* (a page's export) runs in a thread of its own, so that a
    kernel goes on to its next notebook meanwhile; its first failure is raised once the
    notebooks have run."""
    from concurrent.futures import ThreadPoolExecutor

    from kpilib.report.run import NotebookFailed

    lock = threading.Lock()
    exporter = ThreadPoolExecutor(1, thread_name_prefix="export")
    exports = []

    def done(name: str) -> None:
        with lock:
            bar.set_postfix_str(f"{name}.ipynb run")
            bar.update(1)
            exports.append(exporter.submit(on_done, name))

    try:
        kernels.run(staging, values, check=check, on_done=done)
    except NotebookFailed as exc:
        exporter.shutdown(wait=True, cancel_futures=True)  # no page is needed any more
        if exc.name not in sources:  # a kernel did not start
            error = f"{type(exc.error).__name__}: {exc.error}"
            raise ReportError(f"the notebooks could not be run: {error}") from exc
        raise _failure(exc.name, staging / f"{exc.name}.ipynb", exc.error) from exc
    except BaseException:
        exporter.shutdown(wait=True, cancel_futures=True)
        raise
    exporter.shutdown(wait=True)  # every page exported
    for export in exports:
        export.result()
