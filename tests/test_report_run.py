"""The report's kernels: started early, warmed with their notebooks' imports."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kpilib.errors import DataError
from kpilib.report.build import build_report
from kpilib.report.run import Kernels, NotebookFailed, imports_of


def _notebook(path, *cells):
    nb = {
        "cells": [{"cell_type": kind, "metadata": {}, "source": text} for kind, text in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), "utf-8")
    return path


def test_the_warm_up_imports_each_top_level_import_once_guarded(tmp_path):
    a = _notebook(
        tmp_path / "a.ipynb",
        ("markdown", "import not_code"),
        ("code", "import json\nfrom pathlib import Path\n\nx = 1\nif x:\n    import csv\n"),
    )
    b = _notebook(
        tmp_path / "b.ipynb",
        ("code", "%matplotlib inline\nimport zlib"),  # a magic: not Python, skipped
        ("code", "from pathlib import Path\nimport os.path as osp"),
    )
    unreadable = tmp_path / "c.ipynb"
    unreadable.write_text("{not json", "utf-8")
    # csv is imported inside an if (not top level), zlib in a cell holding a magic: neither;
    # Path is imported twice: once
    assert imports_of([a, b, unreadable, tmp_path / "missing.ipynb"]) == (
        "try:\n    import json\nexcept Exception:\n    pass\n"
        "try:\n    from pathlib import Path\nexcept Exception:\n    pass\n"
        "try:\n    import os.path as osp\nexcept Exception:\n    pass"
    )


def test_no_import_no_warm_up_code(tmp_path):
    assert imports_of([_notebook(tmp_path / "a.ipynb", ("code", "x = 1"))]) == ""


def test_the_notebooks_are_parsed_once_before_the_kernel_threads_start(tmp_path, monkeypatch):
    # CPython 3.11 counts the ast module's recursion in one global: two threads parsing
    # at once failed a build now and then ("AST constructor recursion depth mismatch")
    import ast
    import threading

    from kpilib.report import run

    parsed, real = [], ast.parse

    def parse(source, *args, **kwargs):
        parsed.append(threading.current_thread().name)
        return real(source, *args, **kwargs)

    import nbformat

    monkeypatch.setattr(run.ast, "parse", parse)
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import json")]), a)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import csv")]), b)
    staging = tmp_path / "staging"
    staging.mkdir()
    with Kernels({"a": a, "b": b}, tmp_path, workers=2) as kernels:
        assert parsed == ["MainThread", "MainThread"]
        assert kernels.warm == (
            "try:\n    import json\nexcept Exception:\n    pass\n"
            "try:\n    import csv\nexcept Exception:\n    pass"
        )
        kernels.run(
            staging, {}, check=lambda: kernels.release(["a", "b"]), on_done=lambda name: None
        )
    assert parsed == ["MainThread", "MainThread"]  # the kernels parsed nothing


def test_kernels_closed_before_running_anything_stop(tmp_path):
    nb = _notebook(tmp_path / "a.ipynb", ("code", "import json"))
    kernels = Kernels({"a": nb, "b": nb}, tmp_path, workers=2)
    assert len(kernels.futures) == 2
    kernels.close()
    assert all(f.done() for f in kernels.futures)


def test_bad_data_is_reported_although_the_kernels_had_started(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "leads.csv").write_text("lead_id,created_at\n1,2026-13-45\n", "utf-8")
    with pytest.raises(DataError) as caught:
        build_report(period="2026-10", data=data, out=tmp_path / "out", progress=False)
    assert str(caught.value) == (
        "The dataset has 1 problem:\nleads.csv:\n  - missing column 'lead_at' (it has: lead_id, "
        "created_at). kpilib.load_dataset expects the leads table (lead_id, lead_at); rename the "
        "matching columns as docs/data-model.md shows."
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_pages_still_exporting_when_the_notebooks_end_are_all_written(tmp_path, monkeypatch):
    import time

    from kpilib.report import pages

    export = pages.Pages.export

    def slow(self, name):
        time.sleep(1.0)  # the kernels finish while pages still wait for the exporter
        export(self, name)

    monkeypatch.setattr(pages.Pages, "export", slow)
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    out = build_report(period="2026-10", data=sample, out=tmp_path, progress=False)
    assert sorted(p.name for p in out.glob("*.html")) == [
        "acquisition.html",
        "appendix.html",
        "funnel.html",
        "index.html",
        "objectives.html",
        "summary.html",
    ]


def test_a_notebook_runs_once_released_and_each_numbers_its_cells_from_one(tmp_path):
    import threading

    import nbformat

    # each notebook appends its name to order.txt (in the kernels' working folder), and 1
    # when the kernel's garbage collector has the warm imports frozen out of its passes
    code = (
        "import gc, time\ntime.sleep(0.5)\nwith open('order.txt', 'a') as f:\n"
        "    f.write(f'{name}{int(gc.get_freeze_count() > 0)} ')"
    )
    sources = {}
    for name in ("a", "b"):
        cells = [
            nbformat.v4.new_code_cell("pass"),
            nbformat.v4.new_code_cell(f"name = {name!r}"),
            nbformat.v4.new_code_cell(code),
        ]
        sources[name] = tmp_path / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=cells), sources[name])
    staging = tmp_path / "staging"
    staging.mkdir()
    finished = []
    b_ran = threading.Event()

    here, seen = os.getcwd(), set()

    def check():
        # b is released first and runs while check still waits; a only once check returns
        kernels.release(["b", "unknown"])  # a name that is no notebook is ignored
        for _ in range(3000):  # this process's working folder while b runs: unchanged
            seen.add(os.getcwd())
            if b_ran.wait(0.02):
                break
        assert b_ran.is_set()

    def done(name):
        finished.append(name)
        if name == "b":
            b_ran.set()

    with Kernels(sources, tmp_path, workers=1) as kernels:
        kernels.run(staging, {}, check=check, on_done=done)
    assert finished == ["b", "a"]
    assert seen == {here} != {str(tmp_path)}  # the kernels run in tmp_path, this process not
    assert (tmp_path / "order.txt").read_text() == "b1 a1 "
    for name in ("a", "b"):
        nb = nbformat.read(staging / f"{name}.ipynb", as_version=4)
        # a kernel runs both notebooks; each one's cells are numbered from 1 all the same
        # (the first cell's number is left out: now and then the client misses the
        # kernel's broadcast of the first cell it runs, whose number is then None)
        assert [c.execution_count for c in nb.cells if c.cell_type == "code"][1:] == [2, 3]


def test_a_failing_check_runs_no_notebook(tmp_path):
    import nbformat

    nb = tmp_path / "a.ipynb"
    cell = nbformat.v4.new_code_cell("open('ran.txt', 'w').close()")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), nb)
    staging = tmp_path / "staging"
    staging.mkdir()

    def check():
        kernels.release(["a"])  # released, yet the build stops before the kernel takes it
        raise ValueError("bad parameter")

    with Kernels({"a": nb}, tmp_path, workers=1) as kernels:  # starting: it takes ≥ 0.2 s
        with pytest.raises(ValueError, match="^bad parameter$"):
            kernels.run(staging, {}, check=check, on_done=lambda name: None)
    assert not (tmp_path / "ran.txt").exists()


def test_a_check_failing_while_a_notebook_runs_raises_once_it_ended(tmp_path):
    import time

    import nbformat

    code = "import time\nopen('started', 'w').close()\ntime.sleep(1.0)\nopen('ended', 'w').close()"
    nb = tmp_path / "a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), nb)
    staging = tmp_path / "staging"
    staging.mkdir()

    def check():
        kernels.release(["a"])  # the model's first step, say; then the model fails
        for _ in range(3000):
            if (tmp_path / "started").exists():
                break
            time.sleep(0.02)
        raise ValueError("the model failed")

    with Kernels({"a": nb, "b": nb}, tmp_path, workers=2) as kernels:
        with pytest.raises(ValueError, match="^the model failed$"):
            kernels.run(staging, {}, check=check, on_done=lambda name: None)
        # the running notebook had ended (the caller may remove its folder now); b never ran
        assert (tmp_path / "ended").exists()
    assert sorted(p.name for p in staging.iterdir()) == ["a.ipynb"]


def test_the_report_module_imports_no_frame_library_so_the_kernels_start_first():
    import subprocess
    import sys

    code = (
        "import sys, kpilib.cli, kpilib.report.build, kpilib.report.run\n"
        "print(sorted(m for m in ('pandas', 'polars', 'numpy', 'babel', 'narwhals', 'scipy')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def _children() -> list[int]:
    """The processes this one started that still run (zombies not counted)."""
    me = str(os.getpid()).encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[-1].split()
            except OSError:
                continue
            if fields[1] == me and fields[0] != b"Z":
                found.append(int(entry))
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_a_kernel_that_dies_fails_its_notebook_and_nothing_waits_or_is_left(tmp_path, workers):
    # papermill's kernel client was a blocking one: it waited for the dead kernel's
    # messages without letting nbclient see that the kernel had died, for ever
    import time

    import nbformat

    dies, fine = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nos._exit(3)")]), dies
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), fine)
    staging = tmp_path / "staging"
    staging.mkdir()
    started = time.monotonic()
    with pytest.raises(NotebookFailed) as info:
        with Kernels({"a": dies, "b": fine}, tmp_path, workers=workers) as kernels:
            kernels.run(staging, {}, check=lambda: None, on_done=lambda name: None)
    assert time.monotonic() - started < 60
    assert info.value.name == "a"
    assert type(info.value.error).__name__ == "DeadKernelError"
    assert _children() == []
