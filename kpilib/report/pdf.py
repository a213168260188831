"""HTML to an A4 PDF through headless Chromium driven by Playwright.

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
    "NO_PLAYWRIGHT",
    "pdf_unavailable",
    "LOAD_TIMEOUTS",
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
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


NO_PLAYWRIGHT = (
    "The PDF needs Playwright to drive Chromium, and it is not installed, so the PDF was "
    'not built (the HTML pages were). Install it with pip install "kpilib[pdf]" (no '
    "browser download: the system Chromium is used), then run the report again."
)


def pdf_unavailable(chromium: str | None) -> str | None:
    """Why no PDF can be printed (no Chromium, or no Playwright), or None when it can."""
    if chromium is None:
        return HOW_TO_GET_PDF
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return NO_PLAYWRIGHT
    return None


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


def _load(page: Any, document: str, timeouts: tuple[float, ...] | None = None) -> None:
    """Open the HTML *document* in *page*, waiting up to each of *timeouts* (ms) in turn.

    A busy machine can take long to lay out a large page: a load that times
    out is tried again with the next, longer wait, which also applies to
    printing. The last timeout raises :class:`PrintTimeout` saying how long it
    waited.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    waits = timeouts or LOAD_TIMEOUTS
    for i, wait in enumerate(waits):
        page.set_default_timeout(wait)
        try:
            page.set_content(document, wait_until="load", timeout=wait)
            return
        except PlaywrightTimeout as exc:
            if i == len(waits) - 1:
                tries = " then ".join(f"{w / 1000:.0f} s" for w in waits)
                raise PrintTimeout(
                    f"the report page did not finish loading in Chromium (waited {tries}); "
                    "the machine may be too busy: run the report again when it is quieter"
                ) from exc


# a page's <main> content put before its marker (see kpilib.report.export.pack_shell)
_INSERT = """([name, body]) => {
  document.getElementById('kpi-page-' + name).insertAdjacentHTML('beforebegin', body);
}"""
# the markers removed, the title set, and every image decoded: the pack as assembled
_COMPLETE = """(title) => {
  document.querySelectorAll('template.kpi-page').forEach((m) => m.remove());
  document.title = title;
  return Promise.all(Array.from(document.images).map((i) => i.complete ? 0 :
    new Promise((done) => { i.onload = i.onerror = done; })));
}"""


class Printer:
    """A headless Chromium started ahead of time, in its own thread, printing one PDF.

    Starting the browser while the notebooks run takes its start-up off the
    build's critical path; so does laying out the pack: each page is put in
    its place in the browser's document (:meth:`add`) as soon as it is
    exported, and :meth:`print` only completes and prints it. Playwright's
    sync API stays in the one thread.
    """

    def __init__(self, chromium: str) -> None:
        self.chromium = chromium
        self._jobs: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._pool = ThreadPoolExecutor(1)
        self._future: Future[Path | None] = self._pool.submit(self._run)

    def _run(self) -> Path | None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=self.chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.emulate_media(media="print")
                while (job := self._jobs.get()) is not None:
                    if job[0] == "shell":
                        _load(page, job[1])
                    elif job[0] == "page":
                        page.evaluate(_INSERT, [job[1], job[2]])
                    else:
                        _, pdf, footer, title = job
                        page.evaluate(_COMPLETE, title)
                        page.pdf(
                            path=str(pdf),
                            prefer_css_page_size=True,
                            print_background=True,
                            display_header_footer=True,
                            header_template="<span></span>",
                            footer_template=_footer(footer),
                        )
                        return pdf
                return None
            finally:
                browser.close()

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
