"""kpilib's fits and the report model run BLAS on one thread, then restore its setting."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import kpilib.kpis.clv._mle as mle
from kpilib import load_dataset
from kpilib.engine.threads import one_blas_thread
from kpilib.sections import acquisition
from kpilib.sections.build import build

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _blas_threads() -> set[int]:
    return {m["num_threads"] for m in threadpool_info() if m["user_api"] == "blas"}


def _spy(monkeypatch, module, name) -> list[set[int]]:
    """The BLAS thread counts seen at each call of *module*.*name* (which still runs)."""
    seen, real = [], getattr(module, name)

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_within_the_block_blas_has_one_thread_and_after_it_what_it_had():
    before = _blas_threads()
    assert before  # numpy's BLAS is loaded
    with one_blas_thread():
        assert _blas_threads() == {1}
    assert _blas_threads() == before


def test_a_fit_runs_on_one_blas_thread_and_finds_the_maximum(monkeypatch):
    seen = _spy(monkeypatch, mle, "minimize")
    before = _blas_threads()
    # Poisson counts 1, 2, 3, 6: log L(lam) = sum(x log lam - lam), maximal at the mean,
    # lam = 12 / 4 = 3; its standard error sqrt(lam / n) = sqrt(3 / 4) = 0.866
    counts = np.array([1.0, 2.0, 3.0, 6.0])
    fit = mle.maximise(
        lambda p: counts * np.log(p[0]) - p[0],
        {"lam": 1.0},
        model="Poisson",
        max_iter=200,
        hint="",
    )
    assert fit.params["lam"] == pytest.approx(3.0, rel=1e-6)
    assert fit.standard_errors["lam"] == pytest.approx(0.75**0.5, rel=1e-3)
    assert seen and all(threads == {1} for threads in seen)
    assert _blas_threads() == before


def test_the_report_model_is_computed_on_one_blas_thread(monkeypatch):
    seen = _spy(monkeypatch, acquisition, "build_acquisition")
    before = _blas_threads()
    report = build(load_dataset(SAMPLE), period="2026-10")
    assert seen == [{1}] and report.acquisition is not None
    assert _blas_threads() == before
