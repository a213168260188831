"""Repository-wide pytest set-up: every test and doctest starts in the repository root.

Doctests name ``data/sample`` relative to it, and a report build (papermill)
changes the working directory while it runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _repository_cwd(monkeypatch):
    monkeypatch.chdir(ROOT)
