"""docs/notebooks.md: every Python block runs, in order, on a copy of the sample."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "notebooks.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)

pytestmark = pytest.mark.slow


def blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_walk_through_has_a_block_per_step():
    text = DOC.read_text(encoding="utf-8")
    steps = re.findall(r"^## \d\. (\w+)", text, flags=re.MULTILINE)
    assert steps == ["Import", "Load", "Compute", "The", "Chart", "Narrate", "Change"]
    assert len(blocks()) == 9


def test_every_python_block_runs_in_order_on_the_sample(tmp_path, monkeypatch):
    matplotlib.use("Agg")
    shutil.copytree(ROOT / "data" / "sample", tmp_path / "crm")  # what `kpi import` wrote
    monkeypatch.chdir(tmp_path)
    # the report's kernels import this checkout's kpilib
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    namespace: dict = {}
    out = io.StringIO()
    for i, block in enumerate(blocks()):
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{DOC.name} block {i + 1}", "exec"), namespace)
    printed = out.getvalue()
    assert printed.startswith("crm: Atelier Durand, amounts in EUR")
    # step 3: the blended CAC does not depend on how shared costs are allocated
    compare = namespace["compare"]
    blended = compare[compare["channel"].isna()].iloc[0]
    assert blended["cac"] == blended["cac_by_leads"]
    assert len(compare) == 7  # the blended row and the sample's six sources
    # step 4: the model's CAC is the dataset's (summed over every month there, over
    # October alone in step 3: equal to the last bits)
    cac = namespace["cac"]
    blended = cac.loc[cac["channel"].isna(), "cac"].iloc[0]
    assert namespace["acq"].cac.value == pytest.approx(blended, rel=1e-12)
    # step 5: the two charts side by side, and the funnel with its note
    assert (tmp_path / "cac-and-value.png").stat().st_size > 0
    assert (tmp_path / "funnel-july.png").stat().st_size > 0
    # step 7: the report built from the changed notebooks shows the added chart
    folder = namespace["folder"]
    assert folder == tmp_path / "reports" / "2026-10"
    page = (folder / "acquisition.html").read_text("utf-8")
    title = re.findall(r'<img class="kpi-chart" alt="([^"]*)"', page)  # as charts.show writes it
    assert len(title) == 7  # the page's six charts and the cost mix over 24 months
    assert title[1].endswith("of acquisition cost in October 2026")
    assert title[-1] == title[1]  # the same finding, over two years
