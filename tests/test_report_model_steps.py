"""The report model is computed in steps, each handed on as soon as it is computed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from kpilib.data.load import load_dataset
from kpilib.sections.build import SECTIONS, build, load, save

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


@pytest.mark.parametrize("as_of", ["2026-10-31", "2026-10-15"])  # closed, then open
def test_the_sections_come_in_steps_the_rest_none_then_the_whole_model(sample, as_of):
    steps = []

    def ready(report, done):
        steps.append((done, {n for n in SECTIONS if getattr(report, n) is not None}))

    report = build(sample, period="2026-10", as_of=as_of, on_ready=ready)
    assert [done for done, _ in steps] == [
        {"funnel", "coaching", "cycle"},
        {"funnel", "coaching", "cycle", "acquisition"},
        {"funnel", "coaching", "cycle", "acquisition", "objectives"},
        set(SECTIONS),
    ]
    assert all(done == present for done, present in steps)  # None: not computed yet
    # the same model as built without anyone waiting on it (to the last bits: polars'
    # group sums add in an order of their own, which moves a sum's last bit from run to run)
    whole = build(sample, period="2026-10", as_of=as_of)
    for name in SECTIONS:
        _same(getattr(whole, name), getattr(report, name), name)


def _same(x, y, path):
    """*x* equals *y*, floats to 1e-12 relatively, through dataclasses, lists and frames."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        assert type(x) is type(y), path
        for field in dataclasses.fields(x):
            _same(getattr(x, field.name), getattr(y, field.name), f"{path}.{field.name}")
    elif isinstance(x, (list, tuple)):
        assert len(x) == len(y), path
        for i, (a, b) in enumerate(zip(x, y, strict=True)):
            _same(a, b, f"{path}[{i}]")
    elif isinstance(x, dict):
        assert x.keys() == y.keys(), path
        for key in x:
            _same(x[key], y[key], f"{path}[{key!r}]")
    elif isinstance(x, pd.DataFrame):
        pd.testing.assert_frame_equal(x, y, rtol=1e-12, obj=path)
    elif isinstance(x, pd.Series):
        pd.testing.assert_series_equal(x, y, rtol=1e-12, obj=path)
    elif isinstance(x, float):
        assert x == pytest.approx(y, rel=1e-12, nan_ok=True), path
    else:
        assert x == y, path


def test_save_replaces_the_model_whole(sample, tmp_path):
    report = build(sample, period="2026-10")
    first = save(report, tmp_path)
    report.state = "open"  # any change: the second save replaces the first
    assert save(report, tmp_path) == first == tmp_path / "model.pickle"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pickle"]  # no part left
    assert load(tmp_path).state == "open"
