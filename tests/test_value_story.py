"""Projected against observed value: the narrative names which figure is which; the chart too."""

from __future__ import annotations

import re

import pandas as pd

from kpilib import charts
from kpilib.data.dataset import Dataset
from kpilib.sections.acquisition import build_acquisition
from kpilib.story import narrative
from kpilib.story.format import Formatter

EN = Formatter(lang="en", locale="en_IE", currency="EUR")
FR = Formatter(lang="fr", locale="fr_FR", currency="EUR")

RESULT = pd.DataFrame(
    {
        "cohort": ["2025-10", "2026-07"],
        "customers": [10, 8],
        "cac": [3000.0, 5000.0],
        "payback_months": [4.0, float("nan")],
        "months_observed": [12, 3],
        "clv": [6000.0, 3000.0],
        "ltv_to_cac": [2.0, 0.6],
        "projected_clv": [12000.0, 11000.0],
        "projected_ltv_to_cac": [4.0, 2.2],
        "flag_projected_ltv_to_cac": [False, True],
        "projected_payback_months": [4.0, 8.0],
    }
)


def plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


def story(fmt: Formatter, **kw) -> str:
    return plain(
        narrative.projected_value(
            RESULT, fmt, cohort="2025-10", young="2026-07", as_of=pd.Timestamp("2026-10-31"), **kw
        ).text
    )


def test_english_names_observed_and_projected():
    assert story(EN) == (
        "Observed: the October 2025 cohort has earned €6,000 of margin per customer in 12 "
        "months, an LTV:CAC of 2.0:1 measured so far. Projected: the BG/NBD and Gamma-Gamma "
        "models, fitted on every order up to 31 October 2026, expect €12,000 per customer over "
        "36 months, discounted at 10% a year: an LTV:CAC of 4.0:1, a model's expectation, not "
        "a measurement. The July 2026 cohort has not covered its CAC yet; the models expect it "
        "to after 8 months."
    )


def test_french_and_a_cohort_never_paid_back_within_the_horizon():
    result = RESULT.copy()
    result.loc[1, "projected_payback_months"] = float("nan")
    text = plain(
        narrative.projected_value(
            result,
            FR,
            cohort="2025-10",
            young="2026-07",
            as_of=pd.Timestamp("2026-10-31"),
            horizon_months=24,
            discount_rate=0.08,
        ).text
    )
    assert text == (
        "Observé : la cohorte octobre 2025 a rapporté 6 000 € de marge par client en 12 mois, "
        "soit un LTV:CAC mesuré de 2,0:1 à ce jour. Projeté : les modèles BG/NBD et "
        "Gamma-Gamma, ajustés sur toutes les commandes jusqu’au 31 octobre 2026, prévoient "
        "12 000 € par client sur 24 mois, actualisés à 8 % par an : un LTV:CAC de 4,0:1, une "
        "espérance de modèle, pas une mesure. La cohorte juillet 2026 n’a pas encore couvert "
        "son CAC, et les modèles ne prévoient pas qu’elle le fasse sous 24 mois."
    )


def test_no_projection_says_why():
    text = narrative.projected_value(None, EN, cohort=None, reason="no_orders").text
    assert text == "No projection: no order yet"


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
    ax = charts.projected_curves(curves, RESULT, cohorts=["2025-10"], fmt=EN)
    assert ax.get_title(loc="left").replace("\n", " ") == (
        "October 2025: €3,100 per customer expected by month 3 (undiscounted), €6,000 so far"
    )
    solid, dashed = ax.lines[0], ax.lines[1]
    assert solid.get_linestyle() == "-" and list(solid.get_ydata()) == [1000.0, 2000.0]
    # the projection starts from the last observed month
    assert dashed.get_linestyle() == "--" and list(dashed.get_xdata()) == [1, 2, 3]
    assert ax.get_xlabel() == "Months since acquisition"
    assert ax.get_ylabel() == "Cumulative margin per customer (€)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Oct 25",
        "observed",
        "projected (model)",
        "CAC",
    ]
