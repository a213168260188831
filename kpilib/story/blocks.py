"""Display blocks of the narrative: a paragraph or list of sentences, a heading.

Both render as HTML in Jupyter and in the report, escaping every text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpilib.story.phrases import METRICS, phrase

__all__ = ["Narrative", "Heading", "label", "metric_name"]


@dataclass
class Narrative:
    """Sentences shown as one paragraph (or a list), escaped when rendered.

    Examples
    --------
    >>> Narrative(["Source <b> grew."])._repr_html_()
    '<div class="kpi-narrative"><p>Source &lt;b&gt; grew.</p></div>'
    """

    sentences: list[str] = field(default_factory=list)
    style: str = "paragraph"
    css: str = "kpi-narrative"

    @property
    def text(self) -> str:
        """The plain text, sentences separated by spaces."""
        return " ".join(self.sentences)

    def __str__(self) -> str:
        return self.text

    def leading(self) -> Narrative:
        """This text, printed on the page of the chart that follows it (``kpi-lead``):
        a subsection's text may not end a page whose next one starts with its chart.

        Examples
        --------
        >>> Narrative(["Customers stay 4 months."]).leading().css
        'kpi-narrative kpi-lead'
        """
        return Narrative(self.sentences, self.style, f"{self.css} kpi-lead")

    def _repr_html_(self) -> str:
        items = [html.escape(s, quote=False) for s in self.sentences]
        if self.style == "list":
            body = "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
        elif self.style == "numbered":
            body = "<ol>" + "".join(f"<li>{i}</li>" for i in items) + "</ol>"
        else:
            body = "<p>" + " ".join(items) + "</p>"
        return f'<div class="{self.css}">{body}</div>'


@dataclass
class Heading:
    """A section heading with an optional subtitle, escaped when rendered.

    ``cover`` marks the report's first heading (no page break before it in print).

    Examples
    --------
    >>> Heading("Lead funnel", level=1)._repr_html_()
    '<h1 class="kpi-heading">Lead funnel</h1>'
    """

    text: str
    level: int = 2
    subtitle: str | None = None
    cover: bool = False

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        css = "kpi-heading kpi-cover" if self.cover else "kpi-heading"
        text = html.escape(self.text, quote=False)
        out = f'<h{self.level} class="{css}">{text}</h{self.level}>'
        if self.subtitle:
            out += f'<p class="kpi-subtitle">{html.escape(self.subtitle, quote=False)}</p>'
        return out


def label(name: Any) -> str:
    """A data value (source, team, rep) with underscores as spaces, in no language.

    Text and charts show codes through :meth:`kpilib.story.format.Formatter.label`
    (translated, with kpi.toml's ``[labels]``); this stays for callers without a
    formatter.

    Examples
    --------
    >>> label("paid_search")
    'paid search'
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return "—"
    return str(name).replace("_", " ")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def metric_name(metric: str, lang: str) -> str:
    """A metric's name in *lang*: ``new_customers`` → ``new customers``.

    Examples
    --------
    >>> metric_name("revenue", "fr")
    'chiffre d’affaires'
    """
    return METRICS[lang].get(metric, label(metric))


def months_text(n: float, fmt: Any) -> str:
    """A number of months with its unit: ``1 month``, ``4 months`` (``4 mois``)."""
    return phrase("tile.months", fmt.lang, n=fmt.number(n))
