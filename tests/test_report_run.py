"""The report's kernels: started early, warmed with their notebooks' imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpilib.errors import DataError
from kpilib.report.build import build_report
from kpilib.report.run import Kernels, imports_of


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


def test_kernels_closed_before_running_anything_stop(tmp_path):
    nb = _notebook(tmp_path / "a.ipynb", ("code", "import json"))
    kernels = Kernels({"a": nb, "b": nb}, tmp_path, workers=2)
    assert len(kernels.chains) == 2
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
