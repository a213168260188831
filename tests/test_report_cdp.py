"""Chromium driven over its DevTools pipe: what a failure says, and a page printed."""

from __future__ import annotations

import os
import subprocess

import pytest

from kpilib.report import cdp
from kpilib.report.pdf import CHROMIUM_ARGS, find_chromium

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")


def _script(path, body):
    path.write_text(f"#!/bin/sh\n{body}\n", "utf-8")
    path.chmod(0o755)
    return str(path)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_missing_executable_says_it_did_not_start(tmp_path):
    missing = str(tmp_path / "chromium")
    with pytest.raises(cdp.ChromiumError) as info:
        cdp.Chromium(missing, [])
    assert str(info.value) == f"{missing} did not start: No such file or directory"


def test_a_browser_that_stops_is_reported_with_what_it_wrote_last(tmp_path):
    # reads the first byte of the first command (so that command was sent), then fails
    exe = _script(
        tmp_path / "chromium",
        "head -c 1 <&3 >/dev/null\necho starting\necho 'cannot open display' >&2\nexit 1",
    )
    with cdp.Chromium(exe, []) as browser, pytest.raises(cdp.ChromiumError) as info:
        browser.open_page()
    assert str(info.value) == (
        "Chromium stopped during Target.createTarget: starting | cannot open display"
    )


def test_a_browser_that_does_not_answer_times_out_and_is_killed_on_close(tmp_path, monkeypatch):
    monkeypatch.setattr(cdp, "_EXIT_WAIT", 0.2)
    exe = _script(tmp_path / "chromium", "exec cat <&3 >/dev/null")  # reads, never answers
    browser = cdp.Chromium(exe, [])
    pid, profile = browser.pid, browser._profile
    with pytest.raises(cdp.ChromiumTimeout) as info:
        browser.open_page(timeout=1.0)
    assert str(info.value) == "Chromium did not answer Target.createTarget in 1 s"
    assert _alive(pid) and os.path.isdir(profile)
    browser.close()  # it ignores Browser.close: killed after _EXIT_WAIT
    assert not _alive(pid) and not os.path.exists(profile)


@needs_chromium
def test_a_page_is_printed_to_an_a4_pdf_and_the_browser_leaves_nothing(tmp_path):
    page = (
        "<html><head><style>@page { size: A4; margin: 20mm }</style></head>"
        "<body><h1>Pipeline</h1><template class='kpi-page' id='kpi-page-x'></template></body>"
        "</html>"
    )
    pdf = tmp_path / "out.pdf"
    with cdp.Chromium(CHROMIUM, CHROMIUM_ARGS) as browser:
        pid, profile = browser.pid, browser._profile
        browser.open_page()
        assert (
            browser.evaluate(
                "(html) => { document.open(); document.write(html); "
                "document.close(); return document.title.length }",
                page,
                timeout=60,
            )
            == 0
        )
        assert browser.evaluate("(n) => n * 2", 21, timeout=60) == 42
        with pytest.raises(cdp.ChromiumError) as info:
            browser.evaluate("() => { throw new Error('no such page') }", timeout=60)
        assert str(info.value) == "the page's script failed: Error: no such page"
        browser.print_pdf(pdf, {"preferCSSPageSize": True}, timeout=60)
    assert not _alive(pid) and not os.path.exists(profile)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:           1\n" in info.stdout
    assert "Page size:       594.96 x 841.92 pts (A4)" in info.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert text.split() == ["Pipeline"]
