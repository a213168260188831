"""Charts, tested through the Axes they return: titles, axis labels, artists."""

from __future__ import annotations

import base64
import dataclasses

import numpy as np
import pandas as pd
import pytest
from acq_data import two_channels
from matplotlib.patches import Rectangle

from kpilib import charts
from kpilib.charts._base import OKABE_ITO
from kpilib.sections.acquisition import build_acquisition
from kpilib.story.format import Formatter

EN = Formatter(lang="en", locale="en_IE", currency="EUR")
FR = Formatter(lang="fr", locale="fr_FR", currency="EUR")


def two_channels_without_orders():
    return dataclasses.replace(two_channels(), orders=None)


def _title(ax) -> str:
    """The title on one line, with plain spaces (French uses no-break ones)."""
    return " ".join(ax.get_title(loc="left").split())


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _att() -> pd.DataFrame:
    # company: leads 90/100 = 90% (at risk, orange), revenue 12,000/10,000 = 120%;
    # teams on revenue: North 120%, South 75%
    return pd.DataFrame(
        {
            "period": ["2026-10"] * 4,
            "metric": ["leads", "revenue", "revenue", "revenue"],
            "scope": ["company", "company", "team", "team"],
            "team": [None, None, "North", "South"],
            "owner": [None] * 4,
            "target": [100.0, 10000.0, 6000.0, 4000.0],
            "actual": [90.0, 12000.0, 7200.0, 3000.0],
            "gap": [10.0, -2000.0, -1200.0, 1000.0],
            "attainment": [0.9, 1.2, 1.2, 0.75],
            "projected": [np.nan] * 4,
            "projected_attainment": [np.nan] * 4,
            "required_per_business_day": [np.nan] * 4,
            "status": [None] * 4,
            "trailing_average": [80.0, 10000.0, np.nan, np.nan],
            "realism": [1.25, 1.0, np.nan, np.nan],
        }
    )


def test_attainment_bars_colour_by_status_and_state_the_finding():
    ax = charts.attainment_bars(_att(), period="2026-10", fmt=EN)
    assert _title(ax) == "Met 1 of 2 targets; leads furthest behind at 90%"
    assert ax.get_xlabel() == "Attainment (% of target)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["revenue", "leads"]
    bars = _bars(ax)
    assert [round(b.get_width(), 2) for b in bars] == [1.2, 0.9]
    assert [b.get_facecolor()[:3] for b in bars] == [
        pytest.approx(tuple(int(OKABE_ITO["blue"][i : i + 2], 16) / 255 for i in (1, 3, 5))),
        pytest.approx(tuple(int(OKABE_ITO["orange"][i : i + 2], 16) / 255 for i in (1, 3, 5))),
    ]
    labels = [t.get_text() for t in ax.texts]
    assert "90%  (90 / 100)" in labels and "120%  (€12,000 / €10,000)" in labels


def test_team_heatmap_and_gaps_and_realism():
    ax = charts.team_attainment(_att(), period="2026-10", fmt=FR)
    assert _title(ax) == "North mène en chiffre d’affaires à 120 % ; South suit à 75 %"
    ax = charts.gap_ranking(_att(), period="2026-10", fmt=EN)
    # South revenue 25% short (1,000), company leads 10% short (10)
    assert _title(ax) == "Largest shortfall: South revenue, 25% below target"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["company · leads", "South · revenue"]
    ax = charts.target_realism(_att(), period="2026-10", fmt=EN)
    assert _title(ax) == "Leads target asks 125% of the last three months’ average"
    assert ax.get_xlabel() == "Target ÷ average of previous 3 months (%)"


def test_cumulative_path_projects_an_open_month():
    days = pd.date_range("2026-10-01", "2026-10-31", freq="D")
    business = np.cumsum(np.is_busday(days.values.astype("datetime64[D]")))
    cumulative = np.where(days <= "2026-10-15", business * 10.0, np.nan)
    path = pd.DataFrame(
        {
            "day": days,
            "business_day": business,
            "actual": 0.0,
            "cumulative": cumulative,
            "target_path": 220.0 * business / 22,
            "target": 220.0,
        }
    )
    ax = charts.cumulative_path(path, metric="sales", period="2026-10", fmt=EN)
    # 110 after 11 of 22 business days projects to 220 = 100% of 220
    assert _title(ax) == "Sales projected at 220, 100% of its 220 target"
    assert ax.get_ylabel() == "Cumulative sales"
    assert ax.get_xlabel() == "Day of October 2026"
    assert len(ax.lines) == 3  # actual, target path, projection


def test_cac_trend_and_cost_breakdown():
    # October 8,000 / 4 = 2,000 against September's 9,000 / 3 = 3,000 (acq_data)
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    ax = charts.cac_trend(sec, fmt=EN)
    assert _title(ax) == "Blended CAC fell 33% to €2,000 in October 2026"
    assert ax.get_ylabel() == "CAC (€ per new customer)"
    assert [line.get_label() for line in ax.lines] == ["ads", "web", "blended"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Sept 26", "Oct 26"]
    ax = charts.cost_breakdown(sec, fmt=FR)
    # October's 8,000 are all campaigns
    assert _title(ax) == "Les campagnes font 100 % du coût d’acquisition en octobre 2026"
    assert ax.get_ylabel() == "Coût d’acquisition (€)"
    assert len(_bars(ax)) == 4  # 2 months × 2 categories with a cost


def test_cohort_curves_and_ltv_to_cac():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    ax = charts.cohort_curves(sec, fmt=EN)
    # the September cohort: 5,000 / 3 = 1,667 a customer after 1 month, CAC 3,000
    assert _title(ax) == (
        "The September 2026 cohort has not yet covered its CAC of €3,000 after 1 month"
    )
    assert ax.get_ylabel() == "Cumulative margin per customer (€)"
    assert ax.get_xlabel() == "Months since acquisition"
    ax = charts.ltv_to_cac(sec, fmt=EN)
    assert _title(ax) == "Channels below 3.0:1 after 1 month (cohort September 2026): 2 of 2"
    assert ax.get_xlabel() == "LTV:CAC after 1 month (cohort September 2026)"


def test_funnel_charts():
    frame = pd.DataFrame(
        {
            "stage": ["lead", "visit", "sale"],
            "reached": [100, 40, 10],
            "step_conversion": [1.0, 0.4, 0.25],
            "overall_conversion": [1.0, 0.4, 0.1],
            "lost": [60, 30, 0],
            "lost_share": [2 / 3, 1 / 3, 0.0],
        }
    )
    ax = charts.funnel_stages(frame, cohort="2026-07", fmt=EN)
    assert _title(ax) == "Lead → visit loses the most leads: 67% of all losses"
    assert ax.get_xlabel() == "Leads of the July 2026 cohort"
    by_source = pd.DataFrame(
        {
            "source": ["paid_search", "referral"],
            "leads": [600, 200],
            "converted": [12, 40],
            "overall_conversion": [0.02, 0.2],
            "ci_low": [0.0115, 0.15],
            "ci_high": [0.034, 0.26],
        }
    )
    ax = charts.source_conversion(by_source, cohort="2026-07", fmt=EN)
    assert _title(ax) == "Referral converts best at 20.0%; paid search least at 2.0%"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["paid search", "referral"]
    trend = pd.DataFrame(
        {
            "cohort": ["2026-08", "2026-09", "2026-10"],
            "leads": [1000, 1000, 1000],
            "converted": [50, 48, 5],
            "overall_conversion": [0.05, 0.048, 0.005],
            "ci_low": [0.04, 0.038, 0.002],
            "ci_high": [0.06, 0.058, 0.01],
            "immature": [False, False, True],
        }
    )
    ax = charts.conversion_trend(trend, fmt=EN)
    assert _title(ax) == "Conversion holds near 4.8%: no clear change over 2 mature cohorts"
    assert [line.get_label() for line in ax.lines][1:] == [
        "mature cohort",
        "immature (still rising)",
    ]


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (
            lambda: charts.attainment_bars(_att().iloc[:0], period="2026-10", fmt=EN),
            "Nothing to show: no target for this period",
        ),
        (lambda: charts.cac_trend(None, period="2026-10", fmt=EN), "Nothing to show: no cost data"),
        (
            lambda: charts.cohort_curves(
                build_acquisition(two_channels_without_orders(), period="2026-10"), fmt=FR
            ),
            "Rien à montrer : aucune commande pour l’instant",
        ),
        (
            lambda: charts.conversion_trend(pd.DataFrame(), fmt=EN),
            "Nothing to show: no lead in this cohort",
        ),
    ],
)
def test_charts_say_what_cannot_be_shown(draw, message):
    ax = draw()
    assert [t.get_text() for t in ax.texts] == [message]
    assert not ax.axison


def test_show_embeds_an_svg_with_the_title_as_alt_text():
    import matplotlib.pyplot as plt

    ax = charts.funnel_stages(pd.DataFrame(), cohort="2026-07", fmt=EN)
    page = charts.show(ax)._repr_html_()
    assert page.startswith(
        '<img class="kpi-chart" alt="Lead funnel" src="data:image/svg+xml;base64,'
    )
    svg = base64.b64decode(page.split("base64,")[1].split('"')[0])
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert plt.get_fignums() == []  # charts never register with pyplot
