"""HTML to an A4 PDF through headless Chromium, driven over its DevTools pipe.

A system Chromium is preferred (``KPILIB_CHROMIUM``, then Debian's and the
usual names on PATH), else one Playwright has installed. Nothing is ever
downloaded from here.
"""

from __future__ import annotations

import html
import os
import queue
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

__all__ = [
    "find_chromium",
    "Printer",
    "PrintTimeout",
    "CHROMIUM_ARGS",
    "HOW_TO_GET_PDF",
    "pdf_unavailable",
    "LOAD_TIMEOUTS",
]

# Chromium's switches for printing (kpilib.report.cdp adds --headless, its profile and the
# pipe): no sandbox (root in a container), no GPU, nothing fetched or updated, sRGB
# colours whatever the machine's profile, and /tmp rather than a small /dev/shm
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-field-trial-config",
    "--disable-dev-shm-usage",
    "--force-color-profile=srgb",
    "--hide-scrollbars",
    "--mute-audio",
]
# Chromium's headless shell first: the same rendering (the pack's pages are identical
# pixel for pixel) for about a second less CPU than the whole browser in headless mode
_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
)
_NAMES = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
# waits for the page to load before printing (ms): a second, longer one after a timeout
LOAD_TIMEOUTS = (60_000.0, 300_000.0)
HOW_TO_GET_PDF = (
    "No Chromium found, so the PDF was not built (the HTML pages were). Install one "
    "(Debian/Ubuntu: sudo apt-get install chromium-headless-shell; or: python -m playwright install "
    "chromium), or point KPILIB_CHROMIUM at a Chromium or Chrome executable, then run "
    "the report again."
)


def pdf_unavailable(chromium: str | None) -> str | None:
    """Why no PDF can be printed (no Chromium found), or None when it can."""
    return HOW_TO_GET_PDF if chromium is None else None


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None.

    ``KPILIB_CHROMIUM`` wins when set (an empty value or ``none`` means: no
    Chromium, HTML only); then Debian's headless shell
    (``/usr/lib/chromium/chromium-headless-shell``, package
    chromium-headless-shell) and browser (``/usr/lib/chromium/chromium``), the
    usual names on PATH, and last the browser Playwright manages, if installed.
    """
    forced = os.environ.get("KPILIB_CHROMIUM")
    if forced is not None:
        if forced.strip().lower() in ("", "none"):
            return None
        return forced if Path(forced).is_file() else shutil.which(forced)
    for path in _CANDIDATES:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return _playwright_chromium()


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None

    def look() -> str | None:
        with sync_playwright() as p:
            path = p.chromium.executable_path
        return path if path and Path(path).is_file() else None

    try:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(look).result()
    except Exception:  # noqa: BLE001 - any Playwright failure means: none available
        return None


def _footer(left: str) -> str:
    return (
        '<div style="font-size:8px;width:100%;margin:0 15mm;display:flex;'
        'justify-content:space-between;color:#555;font-family:DejaVu Sans,Arial,sans-serif">'
        f"<span>{html.escape(left)}</span>"
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
    )


class PrintTimeout(RuntimeError):
    """The page to print did not load within every wait of :data:`LOAD_TIMEOUTS`."""


def _load(browser: Any, document: str, timeouts: tuple[float, ...] | None = None) -> float:
    """Open the HTML *document* in *browser*'s page, waiting up to each of *timeouts* (ms)
    in turn; returns the wait that sufficed, which also bounds the printing.

    A busy machine can take long to lay out a large page: a load that times
    out is tried again with the next, longer wait. The last timeout raises
    :class:`PrintTimeout` saying how long it waited.
    """
    from kpilib.report.cdp import ChromiumTimeout

    waits = timeouts or LOAD_TIMEOUTS
    for i, wait in enumerate(waits):
        try:
            browser.evaluate(_OPEN, document, timeout=wait / 1000)
            return wait
        except ChromiumTimeout as exc:
            if i == len(waits) - 1:
                tries = " then ".join(f"{w / 1000:.0f} s" for w in waits)
                raise PrintTimeout(
                    f"the report page did not finish loading in Chromium (waited {tries}); "
                    "the machine may be too busy: run the report again when it is quieter"
                ) from exc
    raise AssertionError("unreachable")  # pragma: no cover


# the document written into the page, settled once loaded (its images are inline)
_OPEN = """(html) => {
  document.open(); document.write(html); document.close();
  return new Promise((done) => document.readyState === 'complete' ? done() :
    window.addEventListener('load', () => done(), {once: true}));
}"""
# a page's <main> content put before its marker (see kpilib.report.export.pack_shell)
_INSERT = """([name, body]) => {
  document.getElementById('kpi-page-' + name).insertAdjacentHTML('beforebegin', body);
}"""
# the markers removed, the title set, and every image decoded: the pack as assembled
_COMPLETE = """(title) => {
  document.querySelectorAll('template.kpi-page').forEach((m) => m.remove());
  document.title = title;
  return Promise.all(Array.from(document.images).map((i) => i.complete ? 0 :
    new Promise((done) => { i.onload = i.onerror = done; }))).then(() => null);
}"""


def _print_options(footer: str) -> dict[str, Any]:
    """Page.printToPDF's options: A4 from the pack's CSS (``@page``), backgrounds, the
    footer with page numbers (letter size and no margin when the CSS said nothing)."""
    return {
        "preferCSSPageSize": True,
        "printBackground": True,
        "displayHeaderFooter": True,
        "headerTemplate": "<span></span>",
        "footerTemplate": _footer(footer),
        "paperWidth": 8.5,
        "paperHeight": 11,
        "marginTop": 0,
        "marginBottom": 0,
        "marginLeft": 0,
        "marginRight": 0,
        "generateTaggedPDF": False,
    }


class Printer:
    """A headless Chromium started ahead of time, in its own thread, printing one PDF.

    Starting the browser while the notebooks run takes its start-up off the
    build's critical path; so does laying out the pack: each page is put in
    its place in the browser's document (:meth:`add`) as soon as it is
    exported, and :meth:`print` only completes and prints it. Chromium is
    driven over its DevTools pipe (:mod:`kpilib.report.cdp`), from the one thread.
    """

    def __init__(self, chromium: str) -> None:
        self.chromium = chromium
        self._jobs: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._pool = ThreadPoolExecutor(1)
        self._future: Future[Path | None] = self._pool.submit(self._run)

    def _run(self) -> Path | None:
        from kpilib.report.cdp import Chromium

        with Chromium(self.chromium, CHROMIUM_ARGS) as browser:
            browser.open_page()
            wait = LOAD_TIMEOUTS[0]
            while (job := self._jobs.get()) is not None:
                if job[0] == "shell":
                    wait = _load(browser, job[1])
                elif job[0] == "page":
                    browser.evaluate(_INSERT, [job[1], job[2]], timeout=wait / 1000)
                else:
                    _, pdf, footer, title = job
                    browser.evaluate(_COMPLETE, title, timeout=wait / 1000)
                    browser.print_pdf(pdf, _print_options(footer), timeout=wait / 1000)
                    return pdf
            return None

    def start(self, shell: str) -> None:
        """Open the pack's document *shell*: its head and a marker per page, in order."""
        self._jobs.put(("shell", shell))

    def add(self, name: str, body: str) -> None:
        """Put the page *name*'s content *body* (its ``<main>``'s) in its place."""
        self._jobs.put(("page", name, body))

    def print(self, pdf: Path, *, footer: str, title: str) -> Path:
        """Print the pack, every page added, to *pdf* (A4 from its CSS) with *title*,
        *footer* and page numbers."""
        self._jobs.put(("print", Path(pdf), footer, title))
        result = self._future.result()
        assert result is not None
        return result

    def close(self) -> None:
        """Stop the browser (after printing, or without printing)."""
        self._jobs.put(None)
        try:
            self._future.result()
        except Exception:  # noqa: BLE001, S110 - a failed start was reported by print()
            pass
        self._pool.shutdown()
