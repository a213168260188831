"""Projected against observed value: the narrative names which figure is which; the chart too."""

from __future__ import annotations

import re

import pandas as pd
from acq_data import projection, with_projection
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from kpilib import charts
from kpilib.data.dataset import Dataset
from kpilib.sections.acquisition import build_acquisition
from kpilib.story.acquisition import projection_text
from kpilib.story.format import Formatter

EN = Formatter(lang="en", locale="en_IE", currency="EUR")
FR = Formatter(lang="fr", locale="fr_FR", currency="EUR")

# the 2025-10 cohort: CAC 3,000, 6,000 earned in 12 months (2.0:1), 12,000 projected
# (4.0:1); the 2026-07 cohort not paid back, expected to after 8 months
FACTS = {
    "observed": 6000.0,
    "months": 12,
    "observed_ratio": 2.0,
    "value": 12000.0,
    "ratio": 4.0,
    "young_payback": 8,
}


def plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


def test_english_names_observed_and_projected():
    assert plain(projection_text(with_projection(projection(**FACTS)), EN).text) == (
        "Observed: the October 2025 cohort has earned €6,000 of margin per customer in 12 "
        "months, an LTV:CAC of 2.0:1 measured so far. Projected: the BG/NBD and Gamma-Gamma "
        "models, fitted on every order up to 31 October 2026, expect €12,000 per customer over "
        "36 months, discounted at 10% a year: an LTV:CAC of 4.0:1, a model’s expectation, not "
        "a measurement. The July 2026 cohort has not covered its CAC yet; the models expect it "
        "to after 8 months."
    )


def test_french_and_a_cohort_never_paid_back_within_the_horizon():
    facts = {**FACTS, "young_payback": None, "horizon": 24, "rate": 0.08}
    text = plain(projection_text(with_projection(projection(**facts)), FR).text)
    assert text == (
        "Observé : la cohorte d’octobre 2025 a rapporté 6 000 € de marge par client en 12 mois, "
        "soit un LTV:CAC mesuré de 2,0:1 à ce jour. Projeté : les modèles BG/NBD et "
        "Gamma-Gamma, ajustés sur toutes les commandes jusqu’au 31 octobre 2026, prévoient "
        "12 000 € par client sur 24 mois, actualisés à 8 % par an : un LTV:CAC de 4,0:1, une "
        "estimation du modèle, pas une mesure. La cohorte de juillet 2026 n’a pas encore "
        "récupéré son CAC, et les modèles ne prévoient pas qu’elle le récupère d’ici 24 mois."
    )


def test_no_projection_says_why():
    proj = projection(**FACTS)
    proj.reason = "no_orders"
    text = projection_text(with_projection(proj), EN).text
    assert text == "No projection: the dataset holds no order."


def test_projection_without_orders(tmp_path):
    leads = pd.DataFrame({"lead_id": ["L1"], "lead_at": pd.to_datetime(["2026-10-01"])})
    out = build_acquisition(Dataset(leads=leads), period="2026-10").projection
    assert (out.reason, out.result, out.curves) == ("no_orders", None, None)


def test_chart_draws_observed_solid_and_projected_dashed():
    curves = pd.DataFrame(
        {
            "cohort": ["2025-10"] * 4,
            "months_since": [0, 1, 2, 3],
            "customers": [10] * 4,
            "projected": [False, False, True, True],
            "projected_cumulative_margin_per_customer": [1000.0, 2000.0, 2600.0, 3100.0],
            "discounted_cumulative_margin_per_customer": [1000.0, 1990.0, 2570.0, 3050.0],
        }
    )
    # the title states the discounted value at the horizon (3,050 at month 3), the one the
    # text states, with its basis; the diamond marks it on the chart
    proj = projection(**{**FACTS, "value": 3050.0, "horizon": 3})
    proj.curves = curves
    proj.result = pd.DataFrame({"cohort": ["2025-10"], "cac": [3000.0]})
    proj.young = None
    ax = charts.projected_curves(with_projection(proj), fmt=EN)
    assert ax.get_title(loc="left").replace("\n", " ") == (
        "October 2025: €3,050 per customer over 3 months, discounted at 10% a year; "
        "€6,000 earned so far"
    )
    solid, dashed = ax.lines[0], ax.lines[1]
    assert solid.get_linestyle() == "-" and list(solid.get_ydata()) == [1000.0, 2000.0]
    # the projection starts from the last observed month
    assert dashed.get_linestyle() == "--" and list(dashed.get_xdata()) == [1, 2, 3]
    diamond = ax.lines[3]
    assert (list(diamond.get_xdata()), list(diamond.get_ydata())) == ([3.0], [3050.0])
    assert ax.get_xlabel() == "Months since acquisition"
    assert ax.get_ylabel() == "Cumulative margin per customer (€)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Oct 25",
        "observed",
        "projected (model, undiscounted)",
        "projected CLV, discounted",
        "CAC",
    ]


def test_a_long_title_never_breaks_inside_a_figure():
    # the title wraps on spaces only, within the width the figure leaves it
    proj = projection(**{**FACTS, "observed": 6532.0, "value": 13388.0})
    proj.curves = pd.DataFrame(
        {
            "cohort": ["2025-10"] * 2,
            "months_since": [0, 36],
            "customers": [10] * 2,
            "projected": [False, True],
            "projected_cumulative_margin_per_customer": [1000.0, 14000.0],
            "discounted_cumulative_margin_per_customer": [1000.0, 13388.0],
        }
    )
    proj.result = pd.DataFrame({"cohort": ["2025-10"], "cac": [3000.0]})
    for fmt, figures in ((EN, ["€13,388", "€6,532"]), (FR, ["13 388 €", "6 532 €"])):
        ax = charts.projected_curves(with_projection(proj), fmt=fmt)
        lines = plain(ax.get_title(loc="left")).split("\n")
        assert len(lines) >= 2
        for figure in figures:
            assert any(figure in line for line in lines), (figure, lines)
        # each line fits right of the axes' left edge (the tick labels take about an inch),
        # so none is clipped at the figure's edge
        room = (ax.figure.get_size_inches()[0] - 1.0) * 72
        bold = FontProperties(size=10.5, weight="bold")
        for line in lines:
            assert TextToPath().get_text_width_height_descent(line, bold, ismath=False)[0] <= room
