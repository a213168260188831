"""Charts of the KPI frames: one function per chart, frame in, Axes out.

Each chart has a title that states its finding (in the formatter's
language), units and currency on its axes, an A4-width figure and the
Okabe-Ito colour-blind-safe palette. Figures are plain
:class:`matplotlib.figure.Figure` objects, never registered with pyplot, so
nothing needs closing; :func:`show` turns one into an image for display, and
in IPython or Jupyter a chart that is the last value of a cell shows as its
image (:func:`~kpilib.charts._base.register_display`, done on import).
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
    "sales_cycle_trend",
]

register_display()
