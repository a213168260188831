"""Shared parts of the charts: palette, figure size, axis formatters, display."""

from __future__ import annotations

import base64
import functools
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter

from kpilib.data.require import require_columns, require_kind
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase

__all__ = [
    "OKABE_ITO",
    "STATUS_COLOURS",
    "new_axes",
    "own_figure",
    "resize",
    "styled",
    "empty",
    "finish",
    "money_axis",
    "percent_axis",
    "show",
    "to_png",
    "to_svg",
    "Picture",
    "fmt_or_default",
    "FrameInput",
    "check_section",
    "check_axes",
]

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
SERIES = [
    OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")
]
STATUS_COLOURS = {
    "good": OKABE_ITO["blue"],
    "warn": OKABE_ITO["orange"],
    "bad": OKABE_ITO["vermillion"],
}
GREY = "#8C8C8C"
WIDTH, HEIGHT = 7.2, 3.6  # inches: the text width of an A4 page with 2 cm margins

_STYLE = {
    "font.size": 9,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.prop_cycle": mpl.cycler(color=SERIES),
}


def fmt_or_default(fmt: Formatter | None) -> Formatter:
    """*fmt*, or the English default formatter; anything else is a
    :class:`~kpilib.errors.ParameterError`."""
    if fmt is None:
        return Formatter()
    require_kind(
        fmt,
        Formatter,
        name="fmt",
        expects="A chart's fmt is a kpilib.Formatter: pass kpilib.Formatter(lang=..., "
        "locale=..., currency=...), or leave it out for English.",
    )
    return fmt


BUILD = "kpilib.sections.build.build(dataset, period=...)"


@dataclass(frozen=True)
class FrameInput:
    """The frame argument *arg* of ``charts.<chart>``: a pandas DataFrame with
    *columns*, made by *made_by* and held by the report as *field*."""

    chart: str
    arg: str
    columns: tuple[str, ...]
    made_by: str
    field: str

    def check(self, frame: Any) -> None:
        """Check *frame*. None, or a frame with no column at all, draws the chart's
        "nothing to show". A wrong kind of object is a
        :class:`~kpilib.errors.ParameterError`, a missing column a
        :class:`~kpilib.errors.DataError` (:mod:`kpilib.data.require`)."""
        if frame is None or (isinstance(frame, pd.DataFrame) and len(frame.columns) == 0):
            return
        require_columns(
            frame,
            self.columns,
            name=f"charts.{self.chart}({self.arg})",
            expects=f"charts.{self.chart} expects the frame of {self.made_by}",
            fix=f"pass {self.field} from {BUILD}, or make it with {self.made_by}.",
            pandas=True,
        )


def check_section(section: Any, kind: type, *, chart: str, field: str) -> None:
    """Check that ``charts.<chart>`` was given a *kind* section, the report's *field*."""
    require_kind(
        section,
        kind,
        name=f"charts.{chart}(section)",
        expects=f"charts.{chart} expects the report's {kind.__name__}: pass {field} from {BUILD}.",
    )


def check_axes(ax: Any, *, name: str) -> None:
    """Check that ``charts.<name>`` was given the Axes of a chart."""
    require_kind(
        ax,
        Axes,
        name=f"charts.{name}(ax)",
        expects=f"charts.{name} expects the Axes a chart function returns, such as "
        "charts.attainment_bars(report.objectives).",
    )


_OWN = "kpilib chart"  # the label of a figure a chart function made for itself


def new_axes(ax: Axes | None = None, *, height: float = HEIGHT) -> Axes:
    """*ax*, or the axes of a new A4-width figure (not registered with pyplot)."""
    if ax is not None:
        return ax
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    fig.set_label(_OWN)
    ax = fig.add_subplot()
    ax.set_axisbelow(True)
    return ax


def own_figure(ax: Axes) -> bool:
    """Whether *ax* is on a figure its chart made (:func:`new_axes` without *ax*): only
    then may the chart resize the figure. The caller's figure keeps its size."""
    return ax.figure.get_label() == _OWN


def resize(ax: Axes, height: float, width: float | None = None) -> None:
    """Set the height (and width) of the figure of *ax*, in inches, if the chart made it."""
    if own_figure(ax):
        ax.figure.set_size_inches(width or ax.figure.get_size_inches()[0], height)


def styled(func: Callable[..., Axes]) -> Callable[..., Axes]:
    """Run a chart function under the kit's style (fonts, grid, palette)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Axes:
        with mpl.rc_context(_STYLE):
            return func(*args, **kwargs)

    return wrapper


TITLE_SIZE = 10.5
_MARGIN = 1.0  # inches left of the axes (tick labels, axis label), where a title cannot go


def _left_of_axes(ax: Axes) -> float:
    """Inches left of the axes: the widest y tick label, the y axis label and a margin
    (at least :data:`_MARGIN`), measured in the kit's fonts without drawing."""
    measure = TextToPath()

    def width(text: Any) -> float:
        if not text.get_text():
            return 0.0
        prop = FontProperties(size=text.get_fontsize(), family=text.get_fontfamily())
        return measure.get_text_width_height_descent(text.get_text(), prop, ismath=False)[0] / 72

    widest = max((width(t) for t in ax.get_yticklabels()), default=0.0)
    label = ax.yaxis.label
    below = label.get_fontsize() / 72 * 1.4 if label.get_text() else 0.0
    return max(_MARGIN, widest + below + 0.45)


def wrap_title(title: str, width: float, size: float = TITLE_SIZE, weight: str = "bold") -> str:
    """*title* broken into lines no wider than *width* inches, in *weight* at *size* points.

    Lines break at ASCII spaces only: a figure keeps its no-break spaces
    (French "6 532 €") and is never split.

    Examples
    --------
    >>> wrap_title("Blended CAC at €6,532 so far in October 2026", 2.0).splitlines()
    ['Blended CAC at €6,532', 'so far in October 2026']
    >>> money = Formatter(lang="fr", locale="fr_FR").money(6532)  # 6 532 € with no-break spaces
    >>> money in wrap_title(f"Coût {money} à ce jour", 0.3).splitlines()
    True
    """
    prop = FontProperties(size=size, weight=weight)
    measure = TextToPath()
    lines: list[str] = []
    for word in title.split(" "):
        trial = f"{lines[-1]} {word}" if lines else word
        fits = measure.get_text_width_height_descent(trial, prop, ismath=False)[0] <= width * 72
        if lines and fits:
            lines[-1] = trial
        else:
            lines.append(word)
    return "\n".join(lines)


def _width(ax: Axes) -> float:
    """Inches across that *ax* may fill: its figure's width when the chart made the
    figure, else (the caller's figure, perhaps a grid of axes) this axes' share of it."""
    width = ax.figure.get_size_inches()[0]
    return width if own_figure(ax) else width * ax.get_position().width


def finish(ax: Axes, title: str, *, share: float = 1.0) -> Axes:
    """Set the finding *title*, left-aligned, wrapped to the width the figure leaves it:
    the title starts where the axes do, right of the y tick labels and axis label, so
    their measured width is taken off (*share*: a further fraction of the figure)."""
    width = _width(ax) * share
    if own_figure(ax):
        width -= _left_of_axes(ax)
    text = wrap_title(title, max(2.5, width))
    ax.set_title(text, loc="left", fontsize=TITLE_SIZE, fontweight="bold")
    return ax


def empty(ax: Axes, fmt: Formatter, why: str, title: str, *, text: str | None = None) -> Axes:
    """An axes that says what cannot be shown instead of a chart: the ``why.*`` phrase
    *why*, or *text* when given."""
    ax.set_axis_off()
    said = text or phrase("chart.empty", fmt.lang, why=phrase(f"why.{why}", fmt.lang))
    # wrapped to the figure's width: a longer line would be cut at the page's edge, and
    # the layout would push the axes (and the title) aside to make room for it
    said = wrap_title(said, max(2.0, _width(ax) - 0.6), size=10, weight="normal")
    ax.text(
        0.5, 0.5, said, ha="center", va="center", fontsize=10, color=GREY, transform=ax.transAxes
    )
    resize(ax, 1.2 + 0.17 * said.count("\n"), WIDTH)
    return finish(ax, title)


def _tick_labels(label: Callable[[float], str]) -> FuncFormatter:
    """A tick formatter giving *label* of each value, each value's label formatted once:
    matplotlib asks again at each layout and drawing pass (Babel takes ~0.1 ms a label)."""
    labels: dict[float, str] = {}

    def tick(value: float, _: Any) -> str:
        if value not in labels:
            labels[value] = label(value)
        return labels[value]

    return FuncFormatter(tick)


def money_axis(axis: Any, fmt: Formatter) -> None:
    """Tick labels in the dataset's currency, compact (€250k)."""
    axis.set_major_formatter(_tick_labels(fmt.money_short))


def percent_axis(axis: Any, fmt: Formatter, digits: int = 0) -> None:
    """Tick labels as percentages of fractions (0.25 → 25%)."""
    axis.set_major_formatter(_tick_labels(lambda v: fmt.percent(v, digits)))


def to_png(ax: Axes, dpi: int = 160) -> bytes:
    """The figure of *ax* as PNG bytes."""
    check_axes(ax, name="to_png")
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def to_svg(ax: Axes) -> bytes:
    """The figure of *ax* as SVG bytes: vector, sharp in print, text drawn as paths."""
    check_axes(ax, name="to_svg")
    buf = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": "kpilib"}):
        ax.figure.savefig(buf, format="svg", facecolor="white", metadata={"Date": None})
    return buf.getvalue()


class Picture:
    """A chart as an ``<img>`` (SVG, inline) whose alt text is its title."""

    def __init__(self, svg: bytes, alt: str) -> None:
        self.svg, self.alt = svg, alt

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.svg).decode("ascii")
        alt = html.escape(self.alt)
        return f'<img class="kpi-chart" alt="{alt}" src="data:image/svg+xml;base64,{data}">'


def show(ax: Axes) -> Picture:
    """The chart of *ax* for display in a notebook: ``display(charts.show(ax))``.

    The image's alt text is the chart's title, the finding it states.
    """
    check_axes(ax, name="show")
    return Picture(to_svg(ax), " ".join(ax.get_title(loc="left").split()))


def _svg_of(ax: Axes) -> str | None:
    """The kit chart of *ax* as SVG text for IPython; None for a pyplot figure, which
    pyplot's own backend shows (so nothing is shown twice)."""
    if getattr(ax.figure.canvas, "manager", None) is not None:
        return None
    return to_svg(ax).decode("utf-8")


def register_display() -> bool:
    """In IPython or Jupyter, show a kit chart as its image when it is the last value of
    a cell (``charts.funnel_stages(...)`` alone displays the chart, no ``display`` call
    needed). Returns whether an IPython shell was there to register with."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/svg+xml"].for_type(Axes, _svg_of)
    return True
