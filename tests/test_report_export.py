"""The exported page's guard against outside resources, and the PDF step's waits."""

from __future__ import annotations

import nbformat
import pytest

from kpilib.report import pdf
from kpilib.report.export import export_html, external_urls


@pytest.mark.parametrize(
    ("page", "found"),
    [
        # text of the data, escaped, loads nothing, whatever URL it shows
        ('<p>&lt;img src="https://evil.example/x.png"&gt; Acme</p>', []),
        ("<td>see https://acme.example and //cdn.example</td>", []),
        # a link is followed only when clicked
        ('<a href="https://acme.example">Acme</a>', []),
        ('<img src="data:image/png;base64,AAAA"><a href="#funnel">', []),
        ('<script src="https://cdn.example/x.js"></script>', ["https://cdn.example/x.js"]),
        ('<link rel="stylesheet" href="//cdn.example/a.css">', ["//cdn.example/a.css"]),
        ('<img src="chart.png">', ["chart.png"]),  # a file beside the page: not self-contained
        ('<img srcset="a.png 1x, data:image/png;base64,AA 2x">', ["a.png"]),
        ("<style>@import 'https://fonts.example/f.css';</style>", ["https://fonts.example/f.css"]),
        (
            '<style>p{background:url("https://x.example/b.png")}</style><p>url(y.png)</p>',
            ["https://x.example/b.png"],
        ),
        ("<div style=\"background: url('//x.example/c.png')\"></div>", ["//x.example/c.png"]),
    ],
)
def test_external_urls_are_what_the_page_loads(page, found):
    assert external_urls(page) == found


def test_a_page_showing_markup_with_a_url_from_the_data_exports():
    # the case: a company name or text field holding markup with a URL
    text = '&lt;img src="https://evil.example/x.png"&gt; Acme &lt;a href="//x.example"&gt;'
    cell = nbformat.v4.new_code_cell("display()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"<p>{text}</p>"})]
    page = export_html(nbformat.v4.new_notebook(cells=[cell]), title="Acme <b>")
    assert text in page
    assert external_urls(page) == []


class _Browser:
    """A stand-in for kpilib.report.cdp.Chromium whose first *slow* loads time out."""

    def __init__(self, slow: int) -> None:
        self.slow, self.waits = slow, []

    def evaluate(self, function: str, argument: str, *, timeout: float) -> None:
        from kpilib.report.cdp import ChromiumTimeout

        self.waits.append(timeout)
        if len(self.waits) <= self.slow:
            raise ChromiumTimeout(f"Chromium did not answer Runtime.evaluate in {timeout:.0f} s")


def test_a_page_load_that_times_out_is_tried_again_with_a_longer_wait():
    browser = _Browser(slow=1)
    # first wait 60 s, then 300 s, which also bounds the printing (returned)
    assert pdf._load(browser, "<html></html>") == 300_000.0
    assert browser.waits == [60.0, 300.0]


def test_when_every_wait_times_out_the_error_says_how_long_it_waited():
    with pytest.raises(pdf.PrintTimeout) as info:
        pdf._load(_Browser(slow=2), "<html></html>")
    assert str(info.value) == (
        "the report page did not finish loading in Chromium (waited 60 s then 300 s); the "
        "machine may be too busy: run the report again when it is quieter"
    )


def test_the_pack_shell_keeps_the_head_and_marks_each_page_in_order():
    from kpilib.report.export import main_of, pack_shell

    page = "<html><head><title>Objectives</title><style>p{}</style></head><body><main><p>x</p></main><footer/></body></html>"
    assert main_of(page) == "<p>x</p>"
    assert pack_shell(page, ["summary", "funnel"]) == (
        "<html><head><title>Objectives</title><style>p{}</style></head><body><main>"
        '<template class="kpi-page" id="kpi-page-summary"></template>'
        '<template class="kpi-page" id="kpi-page-funnel"></template>'
        "</main><footer/></body></html>"
    )


def _page_notebook():
    cell = nbformat.v4.new_code_cell("display()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>Acme</p>"})]
    return nbformat.v4.new_notebook(cells=[cell])


def test_the_templates_compiled_code_is_kept_and_read_again(tmp_path, monkeypatch):
    from kpilib.report import export

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    export._exporter.cache_clear()
    nb = _page_notebook()
    try:
        first = export_html(nb, title="Acme")
        kept = sorted((tmp_path / "kpilib" / "templates").iterdir())
        assert kept and all(p.name.startswith("__jinja2_") for p in kept)
        export._exporter.cache_clear()  # a new process, say: the templates load from the cache
        loaded = []
        load = export._TemplateCache.load_bytecode

        def spy(self, bucket):
            load(self, bucket)
            loaded.append(bucket.code is not None)

        monkeypatch.setattr(export._TemplateCache, "load_bytecode", spy)
        assert export_html(nb, title="Acme") == first
        assert loaded and all(loaded)
    finally:
        export._exporter.cache_clear()


def test_a_cache_that_cannot_be_made_or_read_is_passed_over(tmp_path, monkeypatch):
    from kpilib.report import export

    nb = _page_notebook()
    expected = export_html(nb, title="Acme")
    (tmp_path / "kpilib").write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert export.template_cache() is None
    # a damaged entry: the template compiles again and the page is the same
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other"))
    export._exporter.cache_clear()
    try:
        export_html(nb, title="Acme")
        for entry in (tmp_path / "other" / "kpilib" / "templates").iterdir():
            entry.write_bytes(entry.read_bytes()[:17])  # the header, then half a checksum
        export._exporter.cache_clear()
        assert export_html(nb, title="Acme") == expected
    finally:
        export._exporter.cache_clear()


def test_every_output_is_exported_and_no_image_is_left_without_its_alt_text():
    from kpilib.charts._base import Picture  # what charts.show gives a notebook

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
    cell = nbformat.v4.new_code_cell("display()")
    picture = Picture(svg, "Blended CAC at €3,739")._repr_html_()
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": picture}),
        nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n"),
    ]
    page = export_html(nbformat.v4.new_notebook(cells=[cell]), title="Acme")
    assert page.count("<img ") == 1
    assert 'alt="Blended CAC at €3,739"' in page
    assert "printed" in page and "a warning" not in page


def test_a_cache_that_cannot_be_written_is_passed_over(tmp_path, monkeypatch):
    from jinja2 import FileSystemBytecodeCache

    from kpilib.report import export

    def full(self, bucket):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", full)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    export._exporter.cache_clear()
    try:
        assert "<p>Acme</p>" in export_html(_page_notebook(), title="Acme")
        assert list((tmp_path / "kpilib" / "templates").iterdir()) == []
    finally:
        export._exporter.cache_clear()
