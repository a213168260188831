"""Retention sentences and chart: exact text by hand, and every number against the tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from test_sections_retention import AS_OF, UNIFORM, loyal, quiet

from kpilib import charts, load_dataset
from kpilib.kpis.retention import cohort_lifetime, model_lifetime, retention
from kpilib.sections.acquisition import build_acquisition
from kpilib.sections.projection import Projection
from kpilib.sections.retention import build_retention
from kpilib.story.acquisition import acquisition_text
from kpilib.story.format import Formatter
from kpilib.story.retention import lifetime_text, retention_text

EN = Formatter(lang="en", locale="en_IE", currency="EUR")
FR = Formatter(lang="fr", locale="fr_FR", currency="EUR")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def plain(text: str) -> str:
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", text).split())


def test_sentence_with_the_model_in_english_and_french():
    projection = dataclasses.replace(Projection(), **UNIFORM)
    sec = build_retention(quiet(), period="2026-02", as_of=AS_OF, projection=projection)
    # model: 2.24 months over 3 -> "2 months"; month 12: 1 of 2 in 1 cohort -> 50%
    assert retention_text(sec, EN) == [
        "Customers stay 2 months on average over their first 3 months (BG/NBD model); 50% "
        "are still buying after a year (they ordered in their twelfth month; 1 cohort old "
        "enough)."
    ]
    assert plain(retention_text(sec, FR)[0]) == (
        "Les clients restent 2 mois en moyenne sur les 3 mois suivant leur acquisition "
        "(modèle BG/NBD) ; 50 % achètent encore après un an (ils ont commandé dans leur "
        "douzième mois ; 1 cohorte assez ancienne)."
    )
    # the curves observe 2 months: too short, said so; no comparison is made
    assert lifetime_text(sec, EN).sentences == [
        "Over their first 3 months, the BG/NBD model expects customers to stay 2 months "
        "(monthly churn 22.7%): it tells a customer who is quiet this month from one who "
        "has left.",
        "The cohort curves cover only 2 months: too short to estimate a lifetime over 3 months.",
    ]


def test_without_a_model_an_immature_curve_gives_no_lifetime():
    sec = build_retention(quiet(), period="2026-02", as_of=AS_OF, projection=Projection())
    assert retention_text(sec, EN) == [
        "After a year, 50% of customers are still buying (they ordered in their twelfth "
        "month; 1 cohort old enough)."
    ]
    assert lifetime_text(sec, EN).sentences[1] == (
        "The BG/NBD model was not fitted, so there is no model estimate either."
    )


def test_no_cohort_a_year_old_says_it_is_too_early():
    day = dt.datetime(2025, 12, 31)
    sec = build_retention(quiet(), period="2025-12", as_of=day, projection=Projection())
    assert retention_text(sec, EN) == [
        "No cohort has lived a whole twelfth month yet: it is too early to say how many "
        "customers are still buying after a year."
    ]
    assert plain(retention_text(sec, FR)[0]) == (
        "Aucune cohorte n’a encore vécu un douzième mois complet : il est trop tôt pour dire "
        "combien de clients achètent encore après un an."
    )


def test_both_estimates_and_their_disagreement():
    projection = dataclasses.replace(Projection(), **UNIFORM)
    day = dt.datetime(2026, 1, 31)
    sec = build_retention(loyal(), period="2026-01", as_of=day, projection=projection)
    # model 5.08 months (-> "5 months"), churn 1 - (ln(13)/12)^(1/12) = 1 - 0.2137^(1/12)
    # = 1 - 0.8794 = 12.1%;
    # curves 12 months, churn 0%, observed over 12 months; 12 / 5.08 > 1.5
    assert lifetime_text(sec, EN).sentences == [
        "Over their first 12 months, the BG/NBD model expects customers to stay 5 months "
        "(monthly churn 12.1%): it tells a customer who is quiet this month from one who "
        "has left.",
        # observed over the whole horizon (12 steps of 12): nothing run on at the pooled rate
        "The cohort curves give 12 months (monthly churn 0.0%; observed over 12 months): "
        "they count every month without an order as a loss.",
        "The two disagree widely, because only the cohort curves read a quiet month as a "
        "departure; the lifetime the page quotes is the model’s.",
    ]
    alone = build_retention(loyal(), period="2026-01", as_of=day, projection=Projection())
    assert retention_text(alone, EN)[0].startswith(
        "Customers stay 12 months on average over their first 12 months (cohort curves); "
        "100% are still buying after a year"
    )


def test_no_orders_says_so():
    bare = dataclasses.replace(quiet(), orders=None)
    sec = build_retention(bare, period="2026-02", as_of=AS_OF, projection=Projection())
    assert retention_text(sec, EN) == []
    assert lifetime_text(sec, FR).sentences == [
        "Le jeu de données ne contient encore aucune commande\xa0: la fidélisation ne peut "
        "pas être montrée."
    ]


def test_heatmap_marks_the_open_month_and_states_month_12():
    sec = build_retention(quiet(), period="2026-02", as_of=AS_OF, projection=Projection())
    acq = dataclasses.replace(build_acquisition(quiet(), period="2026-02", as_of=AS_OF))
    acq.retention = sec
    ax = charts.retention_heatmap(acq, fmt=EN)
    assert plain(ax.get_title(loc="left")) == (
        "50% of customers ordered in their twelfth month (1 cohort old enough)"
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Feb 25", "Jun 25", "All cohorts"]
    # open February 2026: month 12 of 2025-02 and month 8 of 2025-06, hatched, no number
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert sorted((p.get_x() + 0.5, p.get_y() + 0.5) for p in hatched) == [(7.0, 1.0), (11.0, 0.0)]
    # the pooled row's month 12 is the title's figure
    cells = {(t.get_position()[1], t.get_position()[0]): t.get_text() for t in ax.texts}
    assert cells[(2, 11)] == "50%"


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


_EN = re.compile(
    r"Customers stay (\d+) months on average over their first (\d+) months \((.+?)\); "
    r"(\d+)% are still buying after a year \(they ordered in their twelfth month; (\d+) "
    r"cohorts old enough\)\."
)
_FR = re.compile(
    r"Les clients restent (\d+) mois en moyenne sur les (\d+) mois suivant leur acquisition "
    r"\((.+?)\) ; (\d+) % achètent encore après un an \(ils ont commandé dans leur douzième "
    r"mois ; (\d+) cohortes assez anciennes\)\."
)


@pytest.mark.parametrize("fmt", [EN, FR], ids=["en", "fr"])
@pytest.mark.parametrize("as_of", ["2026-10-15", "2026-10-31"])
def test_the_sentence_says_what_the_tables_say(sample, as_of, fmt):
    acq = build_acquisition(sample, period="2026-10", as_of=as_of)
    text = plain(acquisition_text(acq, fmt).text)
    found = (_EN if fmt.lang == "en" else _FR).search(text)
    assert found, text
    months, horizon, source, rate, cohorts = found.groups()
    # straight from the retention table, not from the section: the cohorts whose 12th
    # month has ended by as_of (October 2026 is open on the 15th, whole on the 31st)
    table = retention(sample.leads, sample.orders, as_of=as_of)
    day = pd.Timestamp(as_of)
    ends = pd.PeriodIndex(table["cohort"], freq="M") + 12
    whole = (ends.to_timestamp(how="end").normalize() <= day) & (table["months_since"] == 12)
    twelve = table[np.asarray(whole)]
    assert int(cohorts) == len(twelve) == (12 if as_of.endswith("31") else 11)
    assert int(rate) == round(100 * twelve["active"].sum() / twelve["customers"].sum())
    assert int(horizon) == sample.settings.horizon_months
    # the lifetime is the model's, from the fit the projection made, over the horizon
    assert source in ("BG/NBD model", "modèle BG/NBD")
    life = model_lifetime(acq.projection.beta_geo, horizon_months=int(horizon))
    assert int(months) == round(life.months)
    # the cohort curves' figure in the retention cell is cohort_lifetime of the same table
    curves = cohort_lifetime(table, horizon_months=int(horizon))
    cell = plain(lifetime_text(acq.retention, fmt).text)
    unit = "months" if fmt.lang == "en" else "mois"
    assert f" {round(curves.months)} {unit} (" in cell
    # they differ by more than half, and the cell says so
    assert max(curves.months, life.months) / min(curves.months, life.months) > 1.5
    assert ("disagree widely" in cell) or ("divergent nettement" in cell)
    # the heatmap's title states the same month-12 figure
    title = plain(charts.retention_heatmap(acq, fmt=fmt).get_title(loc="left"))
    assert title.startswith(f"{rate}% " if fmt.lang == "en" else f"{rate} % ")
    assert f"({cohorts} " in title
