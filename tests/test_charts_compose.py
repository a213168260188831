"""Charts compose with matplotlib: each draws on the Axes it is given and returns it."""

from __future__ import annotations

import pytest

from kpilib import charts
from kpilib.story.format import Formatter

EN = Formatter(lang="en", locale="en_IE", currency="EUR")


def _title(ax) -> str:
    """The title on one line, with plain spaces."""
    return " ".join(ax.get_title(loc="left").split())


@pytest.fixture(scope="module")
def sample_model():
    from pathlib import Path

    from kpilib.data.load import load_dataset
    from kpilib.sections.build import build

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    return build(load_dataset(sample), period="2026-10")


# every public chart function, called as the notebooks call it on the sample's model
CHART_CALLS = {
    "attainment_bars": lambda r, ax: charts.attainment_bars(r.objectives, fmt=EN, ax=ax),
    "team_attainment": lambda r, ax: charts.team_attainment(r.objectives, fmt=EN, ax=ax),
    "cumulative_path": lambda r, ax: charts.cumulative_path(
        r.objectives.paths["new_customers"],
        metric="new_customers",
        period=r.period,
        objective=r.objectives.get("new_customers"),
        fmt=EN,
        ax=ax,
    ),
    "gap_ranking": lambda r, ax: charts.gap_ranking(r.objectives, fmt=EN, ax=ax),
    "target_realism": lambda r, ax: charts.target_realism(r.objectives, fmt=EN, ax=ax),
    "cac_trend": lambda r, ax: charts.cac_trend(r.acquisition, fmt=EN, ax=ax),
    "cost_breakdown": lambda r, ax: charts.cost_breakdown(r.acquisition, fmt=EN, ax=ax),
    "cohort_curves": lambda r, ax: charts.cohort_curves(r.acquisition, fmt=EN, ax=ax),
    "ltv_to_cac": lambda r, ax: charts.ltv_to_cac(r.acquisition, fmt=EN, ax=ax),
    "projected_curves": lambda r, ax: charts.projected_curves(r.acquisition, fmt=EN, ax=ax),
    "funnel_stages": lambda r, ax: charts.funnel_stages(
        r.funnel.mature, cohort=r.funnel.cohort, fmt=EN, ax=ax
    ),
    "source_conversion": lambda r, ax: charts.source_conversion(
        r.funnel.by_source, cohort=r.funnel.cohort, fmt=EN, ax=ax
    ),
    "conversion_trend": lambda r, ax: charts.conversion_trend(r.funnel.trend, fmt=EN, ax=ax),
    "retention_heatmap": lambda r, ax: charts.retention_heatmap(r.acquisition, fmt=EN, ax=ax),
    "sales_cycle_trend": lambda r, ax: charts.sales_cycle_trend(r.cycle, fmt=EN, ax=ax),
}


def test_every_public_chart_function_is_checked_for_composition():
    helpers = {"OKABE_ITO", "show", "to_png", "to_svg", "Picture"}
    assert sorted(set(charts.__all__) - helpers) == sorted(CHART_CALLS)


@pytest.mark.parametrize("name", sorted(CHART_CALLS))
def test_a_chart_draws_on_the_axes_it_is_given(sample_model, name):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 4))
    left, right = fig.subplots(1, 2)
    left.plot([0, 1], [0, 1])  # the caller's own chart beside it
    ax = CHART_CALLS[name](sample_model, right)
    # drawn on the caller's axes and returned, the figure and the other axes untouched
    assert ax is right and ax.figure is fig
    assert list(fig.get_size_inches()) == [12, 4]
    assert len(fig.axes) == 2 and len(left.lines) == 1 and left.get_title(loc="left") == ""
    assert _title(ax) != ""
    assert ax.lines or ax.patches or ax.collections or ax.images
    # alone, the same call makes its own A4-wide figure
    alone = CHART_CALLS[name](sample_model, None)
    assert alone.figure is not fig and alone.figure.get_size_inches()[0] == 7.2
    assert _title(alone) == _title(ax)


def test_a_chart_that_cannot_be_shown_keeps_the_callers_figure_size():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5))
    ax = charts.cac_trend(None, period="2026-10", fmt=EN, ax=fig.subplots())
    assert [t.get_text() for t in ax.texts] == ["Nothing to show: no cost data"]
    assert list(fig.get_size_inches()) == [10, 5]
    # alone, the note takes a short figure of its own: 7.2 x 1.2 inches
    alone = charts.cac_trend(None, period="2026-10", fmt=EN)
    assert list(alone.figure.get_size_inches()) == [7.2, 1.2]
