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
from kpilib.data.settings import Settings
from kpilib.sections.acquisition import build_acquisition
from kpilib.sections.funnel import Leak, SourceRate, TrendVerdict
from kpilib.sections.model import Fact, fact
from kpilib.sections.objectives import objectives_section
from kpilib.story.format import Formatter, formatter

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


def _closed(att: pd.DataFrame):
    return objectives_section(att, period="2026-10", closed=True)


def test_attainment_bars_colour_by_status_and_state_the_finding():
    ax = charts.attainment_bars(_closed(_att()), fmt=EN)
    assert _title(ax) == "Met 1 of 2 targets; leads furthest behind at 90%"
    assert ax.get_xlabel() == "Attainment (% of target)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["revenue", "leads"]
    bars = _bars(ax)
    assert [round(b.get_width(), 2) for b in bars] == [1.2, 0.9]
    # the month is closed: 90% is missed (vermillion), never coloured as met
    assert [b.get_facecolor()[:3] for b in bars] == [
        pytest.approx(tuple(int(OKABE_ITO["blue"][i : i + 2], 16) / 255 for i in (1, 3, 5))),
        pytest.approx(tuple(int(OKABE_ITO["vermillion"][i : i + 2], 16) / 255 for i in (1, 3, 5))),
    ]
    labels = [t.get_text() for t in ax.texts]
    assert "90% (90 / 100)" in labels and "120% (€12,000 / €10,000)" in labels


def test_attainment_bars_open_month_labels_actual_and_projection_apart():
    # 40 of 100 leads so far (40%), projected 80 (80%): behind
    att = (
        _att()
        .iloc[:1]
        .assign(projected=80.0, projected_attainment=0.8, actual=40.0, attainment=0.4, gap=60.0)
    )
    ax = charts.attainment_bars(objectives_section(att, period="2026-10", closed=False), fmt=EN)
    assert _title(ax) == "0 of 1 objectives on track; leads projected at 80%"
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["40% (40 / 100) · projected 80%"]
    assert [round(b.get_width(), 2) for b in _bars(ax)] == [0.8, 0.4]


def test_team_heatmap_and_gaps_and_realism():
    section = _closed(_att())
    ax = charts.team_attainment(section, fmt=FR)
    assert _title(ax) == (
        "North mène en chiffre d’affaires à 120 % de l’objectif ; South le plus bas à 75 %"
    )
    ax = charts.gap_ranking(section, fmt=EN)
    # South revenue 25% short (1,000), company leads 10% short (10)
    assert _title(ax) == "Largest shortfall: South revenue, 25% below target"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["company · leads", "South · revenue"]
    ax = charts.target_realism(section, fmt=EN)
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
    # 110 after 11 of 22 business days projects to 220 = 100% of 220 (the objective's figures)
    att = (
        _att()
        .iloc[:1]
        .assign(
            metric="sales",
            target=220.0,
            actual=110.0,
            attainment=0.5,
            projected=220.0,
            projected_attainment=1.0,
        )
    )
    goal = objectives_section(att, period="2026-10", closed=False).get("sales")
    ax = charts.cumulative_path(path, metric="sales", period="2026-10", objective=goal, fmt=EN)
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
    assert [line.get_label() for line in ax.lines] == ["Ads", "Web", "blended"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Sept 26", "Oct 26"]
    ax = charts.cost_breakdown(sec, fmt=FR)
    # October's 8,000 are all campaigns
    assert _title(ax) == "Les campagnes représentent 100 % du coût d’acquisition en octobre 2026"
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
    assert _title(ax) == "2 of 2 channels below 3.0:1 after 1 month (cohort September 2026)"
    assert ax.get_xlabel() == "LTV:CAC after 1 month (cohort September 2026)"


def test_cohort_curves_of_month_zero_only_count_whole_months():
    # as of 30 September the September cohort has only its month 0: the axis shows months
    # 0 and 1, not ±0.04 around 0
    sec = build_acquisition(two_channels(), period="2026-09", as_of="2026-09-30")
    ax = charts.cohort_curves(sec, fmt=EN)
    assert _title(ax) == (
        "The September 2026 cohort has not yet covered its CAC of €3,000 after 0 months"
    )
    assert ax.get_xlim() == (-0.5, 1.5)
    assert [t for t in ax.get_xticks() if -0.5 <= t <= 1.5] == [0, 1]


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
    # the section's leak: lead → visit loses 60 of 90 lost leads (67%)
    leak = Leak("lead", "visit", fact(60, "count", "observed", "2026-07", "t"), _rate(2 / 3))
    ax = charts.funnel_stages(frame, cohort="2026-07", leak=leak, fmt=EN)
    assert _title(ax) == (
        "Lead cohort of July 2026 (mature): lead → visit loses the most leads, 67% of losses"
    )
    assert ax.get_xlabel() == "Leads of the July 2026 cohort"
    # a KPI frame drawn in a notebook, without the section's facts: the cohort only
    ax = charts.funnel_stages(frame, cohort="2026-10", immature=True, fmt=EN)
    assert _title(ax) == "Lead cohort of October 2026 (immature): leads reaching each stage"
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
    best = SourceRate("referral", *[_rate(v) for v in (0.2, 0.15, 0.26)], _n(200), _n(40))
    worst = SourceRate("paid_search", *[_rate(v) for v in (0.02, 0.0115, 0.034)], _n(600), _n(12))
    ax = charts.source_conversion(
        by_source, cohort="2026-07", best=best, worst=worst, differ=True, fmt=EN
    )
    assert _title(ax) == (
        "Lead cohort of July 2026 (mature): Referral converts best at 20.0%, Paid search "
        "least at 2.0%, beyond chance"
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Paid search", "Referral"]
    # French labels, and kpi.toml's [labels] over them
    own = formatter(Settings(labels={"fr": {"paid_search": "Google Ads"}}), "fr")
    ax = charts.source_conversion(
        by_source, cohort="2026-07", best=best, worst=worst, differ=True, fmt=own
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Google Ads", "Recommandation"]
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
    # 50 against 48 of 1,000: within chance
    verdict = TrendVerdict("flat", _rate(0.05, "2026-08"), _rate(0.048, "2026-09"), _n(2), False)
    window = fact(90, "days", "actual", None, "kpi.toml")
    ax = charts.conversion_trend(trend, verdict=verdict, window=window, fmt=EN)
    assert _title(ax) == (
        "Conversion moved from 5.0% (August 2026) to 4.8% (September 2026) over 2 mature "
        "cohorts: no clear change"
    )
    # mature cohorts one solid line; the immature one a separate dashed line, not joined
    lines = {line.get_label(): line for line in ax.lines}
    assert list(lines) == [
        "mature cohort",
        "immature: leads younger than the 90-day window, still converting",
    ]
    mature, young = lines.values()
    assert list(mature.get_xdata()) == [0, 1] and mature.get_linestyle() == "-"
    assert list(young.get_xdata()) == [2] and young.get_linestyle() == "--"
    assert young.get_markerfacecolor() == "white"
    ax = charts.conversion_trend(trend, fmt=FR)
    assert _title(ax) == (
        "Conversion lead → vente par cohorte : trop peu de cohortes matures pour dégager "
        "une tendance"
    )


def _rate(value: float, period: str = "2026-07") -> Fact:
    return fact(value, "rate", "observed", period, "t")


def _n(value: int) -> Fact:
    return fact(value, "count", "observed", "2026-07", "t")


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (
            lambda: charts.attainment_bars(_closed(_att().iloc[:0]), fmt=EN),
            "Nothing to show: no target for this period",
        ),
        (lambda: charts.cac_trend(None, period="2026-10", fmt=EN), "Nothing to show: no cost data"),
        (
            lambda: charts.cohort_curves(
                build_acquisition(two_channels_without_orders(), period="2026-10"), fmt=FR
            ),
            "Rien à montrer\u00a0: aucune commande pour l’instant",
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
        '<img class="kpi-chart" alt="Lead cohort of July 2026 (mature)" '
        'src="data:image/svg+xml;base64,'
    )
    svg = base64.b64decode(page.split("base64,")[1].split('"')[0])
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert plt.get_fignums() == []  # charts never register with pyplot


def test_team_heatmap_of_many_teams_shows_the_extremes():
    # 20 teams on revenue, team k at (50 + 5k)%: the 8 lowest (T00-T07) and 4 highest (T16-T19)
    n = 20
    att = pd.DataFrame(
        {
            "period": ["2026-10"] * n,
            "metric": ["revenue"] * n,
            "scope": ["team"] * n,
            "team": [f"T{k:02d}" for k in range(n)],
            "owner": [None] * n,
            "target": [100.0] * n,
            "actual": [50.0 + 5 * k for k in range(n)],
            "attainment": [(50.0 + 5 * k) / 100 for k in range(n)],
            "projected": [np.nan] * n,
            "projected_attainment": [np.nan] * n,
        }
    )
    ax = charts.team_attainment(_closed(att), fmt=EN)
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown == [f"T{k:02d}" for k in [*range(8), *range(16, 20)]]
    assert ax.get_ylabel() == "12 of 20 teams: furthest behind and ahead on revenue"
    assert _title(ax) == "T19 leads on revenue at 145% of target; T00 lowest at 50%"


def test_a_kit_chart_shows_as_its_image_in_ipython(monkeypatch):
    import IPython
    from IPython.core.formatters import DisplayFormatter
    from matplotlib.figure import Figure

    from kpilib.charts._base import register_display

    class Shell:
        display_formatter = DisplayFormatter()

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert register_display()
    ax = charts.attainment_bars(_closed(_att()), fmt=EN)
    data, _ = shell.display_formatter.format(ax)
    assert data["image/svg+xml"].startswith("<?xml") and "<svg" in data["image/svg+xml"]
    # a figure with a window manager (pyplot's) is left to its backend: no second image
    managed = charts.attainment_bars(_closed(_att()), fmt=EN)
    managed.figure.canvas.manager = object()
    data, _ = shell.display_formatter.format(managed)
    assert "image/svg+xml" not in data
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert not register_display()
    assert isinstance(ax.figure, Figure)


def test_a_long_empty_state_is_wrapped_within_the_figure():
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from kpilib.charts._base import WIDTH, empty, new_axes

    said = (
        "No projection: the models could not be fitted on the orders up to 15 November "
        "2024 (customers with an order: 6; repeat buyers: 0)."
    )
    ax = empty(new_axes(), EN, "no_orders", "Projected against observed value", text=said)
    lines = ax.texts[0].get_text().split("\n")
    assert " ".join(lines) == said  # broken at spaces only, every word kept
    measure, prop = TextToPath(), FontProperties(size=10)
    widths = [measure.get_text_width_height_descent(s, prop, ismath=False)[0] for s in lines]
    # 7.2 in wide, 0.6 in kept free: each line at most 6.6 in (475 points); two lines here
    assert WIDTH == 7.2 and len(lines) == 2 and max(widths) <= 6.6 * 72
    assert tuple(ax.figure.get_size_inches()) == (7.2, pytest.approx(1.37))


def test_an_axis_tick_label_is_formatted_once_per_value():
    from matplotlib.figure import Figure

    from kpilib.charts._base import _tick_labels, money_axis, percent_axis
    from kpilib.story.format import Formatter

    calls = []

    def label(value):
        calls.append(value)
        return f"{value:.0f}"

    tick = _tick_labels(label)
    # matplotlib asks for the same ticks at each layout and drawing pass
    assert [tick(1.0, 0), tick(2.0, 1), tick(1.0, 0), tick(2.0, 1)] == ["1", "2", "1", "2"]
    assert calls == [1.0, 2.0]
    ax = Figure().add_subplot()
    money_axis(ax.yaxis, Formatter())
    percent_axis(ax.xaxis, Formatter(lang="fr"))
    assert (
        ax.yaxis.get_major_formatter()(250_000, 0) == "€250k"
    )  # CLDR's compact thousands in English
    assert ax.xaxis.get_major_formatter()(0.25, 0) == "25\u202f%"  # narrow no-break space
