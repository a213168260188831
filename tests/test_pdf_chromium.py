"""Which Chromium prints the PDF: the headless shell before the whole browser."""

from __future__ import annotations

import pytest

from kpilib.report import pdf


def _executable(path):
    path.write_text("#!/bin/sh\n", "utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("KPILIB_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    return tmp_path


def test_the_headless_shell_is_preferred_to_the_browser(bin_dir, monkeypatch):
    browser = _executable(bin_dir / "chromium")
    shell = _executable(bin_dir / "chromium-headless-shell")
    monkeypatch.setattr(pdf, "_CANDIDATES", (str(bin_dir / "none"),))  # no Debian path
    assert pdf.find_chromium() == str(shell)
    shell.unlink()
    assert pdf.find_chromium() == str(browser)


def test_debian_s_headless_shell_comes_first_of_the_known_paths(bin_dir, monkeypatch):
    assert pdf._CANDIDATES[:2] == (
        "/usr/lib/chromium/chromium-headless-shell",
        "/usr/lib/chromium/chromium",
    )
    shell = _executable(bin_dir / "shell")
    browser = _executable(bin_dir / "browser")
    monkeypatch.setattr(pdf, "_CANDIDATES", (str(shell), str(browser)))
    assert pdf.find_chromium() == str(shell)


def test_kpilib_chromium_wins(bin_dir, monkeypatch):
    _executable(bin_dir / "chromium-headless-shell")
    chosen = _executable(bin_dir / "my-chrome")
    monkeypatch.setenv("KPILIB_CHROMIUM", str(chosen))
    assert pdf.find_chromium() == str(chosen)
