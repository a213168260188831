"""Executed notebooks to self-contained HTML: no code, no prompts, no external URL."""

from __future__ import annotations

import copy
import functools
import html
import os
import re
from html.parser import HTMLParser
from importlib import resources as importlib_resources
from pathlib import Path

import nbformat
from jinja2 import FileSystemBytecodeCache
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

__all__ = [
    "export_html",
    "main_of",
    "pack_shell",
    "select",
    "external_urls",
    "index_page",
    "TEMPLATES",
]

TEMPLATES = Path(str(importlib_resources.files("kpilib.report") / "templates"))
REMOVE_CELL_TAGS = {"remove-cell", "parameters", "injected-parameters"}
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
# attributes whose URL the browser fetches while loading (an <a href> is only a link)
_LOADING = {"src", "srcset", "data", "poster", "background", "action", "formaction"}
_LINKS = {"a", "area"}
# comments of the stock CSS cite web pages; a self-contained page names none
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


class _DropStderr(Preprocessor):
    """Remove stderr streams (warnings, logs): they are not part of the report."""

    def preprocess_cell(self, cell, resources, index):  # type: ignore[no-untyped-def]
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]
        return cell, resources


class _TemplateCache(FileSystemBytecodeCache):
    """The page templates' compiled code, kept between runs in the user's cache folder
    (``$XDG_CACHE_HOME/kpilib/templates``, else ``~/.cache/kpilib/templates``): the
    templates compile in ~0.15 s of CPU, once per machine. Jinja checks each entry
    against its template's source; a cache that cannot be read or written is passed
    over, never an error."""

    def load_bytecode(self, bucket):  # type: ignore[no-untyped-def]
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged: the template compiles
            bucket.reset()

    def dump_bytecode(self, bucket):  # type: ignore[no-untyped-def]
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache() -> _TemplateCache | None:
    """The templates' cache (see :class:`_TemplateCache`), None when its folder cannot
    be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "kpilib" / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return _TemplateCache(str(folder))


class _PageExporter(HTMLExporter):
    """nbconvert's HTML exporter with its templates' compiled code cached, and without
    its last pass: it parses the page it wrote with BeautifulSoup to give an alt text to
    images lacking one and ``tabindex`` to every output, then writes it again. That pass
    cost ~0.3 s of CPU a report (compiling its CSS selectors, then parsing each page
    and its 220 kB of CSS); the pack's images all carry their alt text
    (:func:`kpilib.charts.show`) and its outputs do not scroll."""

    def _create_environment(self):  # type: ignore[no-untyped-def]
        environment = super()._create_environment()
        environment.bytecode_cache = template_cache()
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        # HTMLExporter.from_notebook_node (nbconvert 7) up to its BeautifulSoup pass
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@functools.lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """The page exporter, made once per process: its templates compile on first use
    (or load from :func:`template_cache`), after which a page exports in ~0.03 s."""
    exporter = _PageExporter(
        template_name="lab",
        template_file="kpi.html.j2",
        extra_template_paths=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        # the notebook validated once, after the preprocessors, not after each of the
        # fourteen (most of them disabled): ~0.025 s of CPU a page
        optimistic_validation=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags=REMOVE_CELL_TAGS,
            remove_input_tags={"remove-input"},
            enabled=True,
        ),
        enabled=True,
    )
    exporter.register_preprocessor(_DropStderr(), enabled=True)
    return exporter


def export_html(nb: nbformat.NotebookNode, *, title: str, lang: str = "en") -> str:
    """The HTML page of an executed notebook: outputs only, CSS inline, no script.

    Markdown cells are dropped too (the report's text comes from code
    outputs, in the report's language); so are cells tagged ``remove-cell``,
    ``parameters`` or ``injected-parameters`` and every stderr stream.
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    body, _ = _exporter().from_notebook_node(
        nb, resources={"kpi_css": css, "language_code": lang, "metadata": {"name": title}}
    )
    body = _STYLE.sub(lambda m: _CSS_COMMENT.sub("", m.group(0)), body)
    found = external_urls(body)
    if found:  # pragma: no cover - guarded by the tests on the template
        raise RuntimeError(f"exported page loads outside resources: {found[:3]}")
    return body


def _leaves(url: str) -> bool:
    """Whether loading *url* reads anything outside the page (only data: URIs
    and in-page anchors do not: a relative path reads a file beside it)."""
    url = url.strip().lower()
    return bool(url) and not url.startswith(("data:", "#"))


def _srcset(value: str) -> list[str]:
    """The URLs of a srcset: "a.png 1x, data:…,AA 2x" (a URL may hold commas)."""
    urls, expect_url = [], True
    for token in value.split():
        if expect_url:
            urls.append(token.rstrip(","))
        expect_url = token.endswith(",")
    return urls


def _css_urls(css: str) -> list[str]:
    return ["".join(groups) for groups in _CSS_URL.findall(css)]


class _Loads(HTMLParser):
    """Collects every URL a page would fetch: src-like attributes, a link's
    href, and url() or @import in style elements and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LOADING or (name == "href" and tag not in _LINKS):
                self.urls.extend(_srcset(value) if name == "srcset" else [value.strip()])
            elif name == "style":
                self.urls.extend(_css_urls(value))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(_css_urls(data))


def external_urls(page: str) -> list[str]:
    """Every URL outside *page* that it would load (all but data: URIs and
    in-page anchors, so the page stands alone): ``src`` and similar
    attributes, ``href`` of stylesheets and other non-link elements, and
    ``url()`` or ``@import`` in CSS. Text, even text that reads like markup
    once escaped, loads nothing, and neither does a link (``<a href>``).

    Examples
    --------
    >>> external_urls('<img src="data:image/png;base64,AA"><a href="#x">x</a>')
    []
    >>> external_urls('<script src="https://cdn.example/x.js"></script>')
    ['https://cdn.example/x.js']
    >>> external_urls('<p>&lt;img src="https://example.com/x.png"&gt;</p>')
    []
    >>> external_urls('<link rel="stylesheet" href="style.css"><a href="https://example.com">')
    ['style.css']
    >>> external_urls('<style>body { background: url(//cdn.example/bg.png) }</style>')
    ['//cdn.example/bg.png']
    """
    parser = _Loads()
    parser.feed(page)
    parser.close()
    return [u for u in parser.urls if _leaves(u)]


def select(nb: nbformat.NotebookNode, tag: str, *, keep: bool) -> nbformat.NotebookNode:
    """A copy of *nb* with only the cells tagged *tag* (``keep``) or without them."""
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if (tag in c.metadata.get("tags", [])) == keep]
    return out


def main_of(page: str) -> str:
    """The content of the ``<main>`` of *page*, a page from :func:`export_html`."""
    return page.partition("<main>")[2].rpartition("</main>")[0]


def pack_shell(page: str, names: list[str]) -> str:
    """The PDF pack's document before its pages: the head of *page* (the pages come
    from :func:`export_html`, so they share one head, CSS included) and, in its
    ``<main>``, an empty marker per page of *names*, in order, before which the page's
    content is put (:class:`kpilib.report.pdf.Printer`); the markers are removed
    before printing."""
    head, _, _ = page.partition("<main>")
    tail = page.rpartition("</main>")[2]
    marks = "".join(f'<template class="kpi-page" id="kpi-page-{n}"></template>' for n in names)
    return head + "<main>" + marks + "</main>" + tail


def index_page(
    *,
    title: str,
    subtitle: str,
    pages: list[tuple[str, str]],
    pdf: str | None,
    pdf_note: str | None,
    lang: str,
    pdf_label: str = "PDF",
) -> str:
    """The report folder's index.html: links to each page and to the PDF."""
    esc = html.escape
    items = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for text, href in pages)
    if pdf:
        items = f'<li><a href="{esc(pdf)}"><strong>{esc(pdf_label)}</strong></a></li>' + items
    note = f'<p class="note">{esc(pdf_note)}</p>' if pdf_note else ""
    return (
        f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>body{{font-family:'DejaVu Sans',Arial,sans-serif;"
        "max-width:720px;margin:40px auto;padding:0 16px;color:#1a1a1a}"
        "li{margin:6px 0;font-size:17px}.sub{color:#6b6b6b}.note{background:#fff4dd;"
        "border-left:5px solid #E69F00;padding:8px 12px}</style></head><body>"
        f'<h1>{esc(title)}</h1><p class="sub">{esc(subtitle)}</p>{note}<ul>{items}</ul>'
        "</body></html>"
    )
