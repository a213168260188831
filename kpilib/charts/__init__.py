"""Charts of the KPI frames: one function per chart, frame in, Axes out.

Each chart has a title that states its finding (in the formatter's
language), units and currency on its axes, an A4-width figure and the
Okabe-Ito colour-blind-safe palette. Figures are plain
:class:`matplotlib.figure.Figure` objects, never registered with pyplot, so
nothing needs closing; :func:`show` turns one into an image for display, and
in IPython or Jupyter a chart that is the last value of a cell shows as its
image (:func:`~kpilib.charts._base.register_display`, done on import).

Composing with matplotlib: every chart function takes ``ax=`` and draws on
that Axes, and returns the Axes it drew on (none of them draws several
panels, so none returns a Figure). Given ``ax``, a chart leaves the caller's
figure as it is: its size, its other axes; its title is wrapped to the
width of that Axes. Without ``ax`` it makes its own A4-wide figure::

    import matplotlib.pyplot as plt
    from kpilib import charts

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    charts.funnel_stages(report.funnel.mature, cohort=report.funnel.cohort, ax=left)
    charts.ltv_to_cac(report.acquisition, ax=right)
    fig.savefig("funnel-and-value.png")

The charts draw what they are given (a section of the report model, or a KPI
frame where the signature says so) and never compute a KPI.
"""

from kpilib.charts._base import OKABE_ITO, Picture, register_display, show, to_png, to_svg
from kpilib.charts.acquisition import (
    cac_trend,
    cohort_curves,
    cost_breakdown,
    ltv_to_cac,
    projected_curves,
)
from kpilib.charts.cycle import sales_cycle_trend
from kpilib.charts.funnel import conversion_trend, funnel_stages, source_conversion
from kpilib.charts.objectives import (
    attainment_bars,
    cumulative_path,
    gap_ranking,
    target_realism,
    team_attainment,
)
from kpilib.charts.retention import retention_heatmap

__all__ = [
    "OKABE_ITO",
    "show",
    "to_png",
    "to_svg",
    "Picture",
    "projected_curves",
    "attainment_bars",
    "team_attainment",
    "cumulative_path",
    "gap_ranking",
    "target_realism",
    "cac_trend",
    "cost_breakdown",
    "cohort_curves",
    "ltv_to_cac",
    "funnel_stages",
    "source_conversion",
    "conversion_trend",
    "retention_heatmap",
    "sales_cycle_trend",
]

register_display()
