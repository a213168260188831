"""The report folder's pages: each executed notebook exported to HTML, the PDF pack,
``index.html``, and the folder put in place of the previous one atomically."""

from __future__ import annotations

import shutil
import threading
import uuid
import warnings
from pathlib import Path
from typing import Any

from kpilib.errors import ReportError, ReportWarning
from kpilib.report.pdf import Printer, PrintTimeout

__all__ = ["PAGES", "Pages", "finish", "swap"]

# pages of the report, in the PDF's order; the appendix is the summary's cells tagged "appendix"
PAGES = ("summary", "objectives", "acquisition", "funnel", "appendix")
_TITLES = {
    "summary": "title.summary",
    "objectives": "title.objectives",
    "acquisition": "title.acquisition",
    "funnel": "title.funnel",
    "appendix": "title.appendix",
}


class Pages:
    """The HTML pages of one build, exported as their notebooks finish, each handed to
    *printer* (if any; it may be set later, before the first export) to take its place
    in the PDF pack at once."""

    def __init__(
        self,
        staging: Path,
        settings: Any,
        period: str,
        lang: str,
        bar: Any,
        printer: Printer | None = None,
    ) -> None:
        self.staging, self.settings, self.period, self.lang, self.bar = (
            staging,
            settings,
            period,
            lang,
            bar,
        )
        self.printer = printer
        from kpilib.story.format import formatter  # Babel and pandas: once the data is read

        self.month = formatter(settings, lang).month(period)
        self.html: dict[str, str] = {}
        self.lock = threading.Lock()

    def title(self, name: str) -> str:
        from kpilib.story.phrases import phrase

        return phrase(_TITLES[name], self.lang, month=self.month)

    def export(self, name: str) -> None:
        """Export the executed notebook *name* (the summary also gives the appendix)."""
        import nbformat

        from kpilib.report.export import export_html, main_of, pack_shell, select

        nb = nbformat.read(self.staging / f"{name}.ipynb", as_version=4)
        parts = {name: nb}
        if name == "summary":
            parts = {
                "summary": select(nb, "appendix", keep=False),
                "appendix": select(nb, "appendix", keep=True),
            }
        for page, part in parts.items():
            title = f"{self.title(page)} — {self.settings.company}"
            text = export_html(part, title=title, lang=self.lang)
            (self.staging / f"{page}.html").write_text(text, "utf-8")
            with self.lock:
                if self.printer is not None:
                    if not self.html:
                        self.printer.start(pack_shell(text, list(PAGES)))
                    self.printer.add(page, main_of(text))
                self.html[page] = text
                self.bar.set_postfix_str(f"{page}.html")
                self.bar.update(1)


def finish(pages: Pages, no_pdf: str | None) -> None:
    """Print the PDF pack (summary first), its pages handed to the pages' printer as they
    were exported, and write index.html; without a printer, say why (*no_pdf*)."""
    from kpilib.report.export import index_page
    from kpilib.story.phrases import phrase

    settings, lang, month, staging = pages.settings, pages.lang, pages.month, pages.staging
    printer = pages.printer
    pdf_name, note = f"report-{pages.period}.pdf", None
    if printer is None:
        pdf_name, note = None, no_pdf
        warnings.warn(no_pdf or "", ReportWarning, stacklevel=3)
    else:
        try:
            printer.print(
                staging / pdf_name,
                footer=f"{settings.company} · {month}",
                title=f"{settings.company} — {month}",
            )
        except PrintTimeout as exc:
            raise ReportError(f"the PDF could not be printed: {exc}.") from exc
        except Exception as exc:  # noqa: BLE001 - any browser failure is reported whole
            raise ReportError(
                f"the PDF could not be printed with {printer.chromium}: "
                f"{type(exc).__name__}: {exc}. Check that this Chromium starts "
                "(chromium --headless --version) or set KPILIB_CHROMIUM to another one."
            ) from exc
    pages.bar.set_postfix_str("PDF" if pdf_name else "no PDF")
    pages.bar.update(1)
    links = [
        (phrase("page.summary" if n == "summary" else _TITLES[n], lang, month=month), f"{n}.html")
        for n in PAGES
    ]
    index = index_page(
        title=phrase("title.summary", lang, month=month),
        subtitle=f"{settings.company} · {month}",
        pages=links,
        pdf=pdf_name,
        pdf_note=note,
        lang=lang,
        pdf_label=phrase("page.pdf", lang),
    )
    (staging / "index.html").write_text(index, "utf-8")


def swap(staging: Path, final: Path) -> None:
    """Put *staging* in place of *final*, keeping the old one until the new one is in."""
    old = None
    try:
        if final.exists():
            old = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.old")
            final.rename(old)
        staging.rename(final)
    except OSError as exc:
        if old is not None and not final.exists():
            old.rename(final)
        raise ReportError(f"{final}: could not write the report folder ({exc}).") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
