"""The acquisition page's sentences and chart titles say the section's facts, and only them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from acq_data import two_channels

from kpilib import charts
from kpilib.data.load import load_dataset
from kpilib.errors import ParameterError
from kpilib.sections.acquisition import AcquisitionSection, build_acquisition
from kpilib.sections.model import Fact
from kpilib.story.acquisition import acquisition_text, projection_text, size
from kpilib.story.blocks import months_text
from kpilib.story.format import Formatter
from kpilib.story.render import fact_text, finding_text

EN = Formatter(lang="en", locale="en_IE", currency="EUR")
FR = Formatter(lang="fr", locale="fr_FR", currency="EUR")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def plain(text: str) -> str:
    """One line, plain spaces (French uses no-break ones, titles wrap)."""
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", text).split())


def _facts(obj) -> list[Fact]:
    """Every fact a section holds: its fields, dicts of facts, its projection, findings."""
    out: list[Fact] = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, Fact):
            out.append(value)
        elif isinstance(value, dict):
            out.extend(v for v in value.values() if isinstance(v, Fact))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.extend(_facts(value))
        elif isinstance(value, list):
            for item in value:
                if dataclasses.is_dataclass(item):
                    out.extend(f for f in item.facts.values())
    return out


def unexplained_numbers(text: str, sec: AcquisitionSection, fmt: Formatter) -> str:
    """*text* with every rendered fact, month and date of *sec* taken out: what is
    left must hold no digit, or a figure was said that the section does not hold."""
    shown = {fact_text(f, fmt) for f in _facts(sec)}
    shown |= {fact_text(f, fmt, 1) for f in _facts(sec) if f.unit == "count"}  # "1.5×"
    if sec.cac_change is not None:
        shown.add(fact_text(size(sec.cac_change), fmt))
    shown.add(months_text(sec.ltv_months, fmt))
    days = [sec.as_of, sec.projection.fitted_to]
    cohorts = [sec.period, sec.previous_period, sec.ltv_cohort, sec.projection.cohort]
    cohorts += [sec.projection.young, *sec.curve_cohorts]
    shown |= {fmt.date(d) for d in days if d is not None}
    shown |= {fmt.month(c) for c in cohorts if c} | {fmt.month_short(c) for c in cohorts if c}
    rest = plain(text).lower()  # a title may start with a French month, capitalised
    for item in sorted((plain(s).lower() for s in shown if s != "—"), key=len, reverse=True):
        rest = rest.replace(item, "")
    return rest


def check_shares(text: str) -> None:
    """Any "N% (a of b)" holds: N = round(100 a / b)."""
    for n, a, b in re.findall(r"(\d+) ?% \(([\d,. ]+) (?:of|sur) ([\d,. ]+)\)", plain(text)):
        whole, part = (float(re.sub(r"[ ,]", "", x)) for x in (b, a))
        assert round(100 * part / whole) == int(n), text


def page(sec: AcquisitionSection, fmt: Formatter) -> list[str]:
    """Every sentence, finding and chart title of the page."""
    texts = [*acquisition_text(sec, fmt).sentences, *projection_text(sec, fmt).sentences]
    texts += [finding_text(f, fmt) for f in sec.findings]
    for draw in (
        charts.cac_trend,
        charts.cost_breakdown,
        charts.cohort_curves,
        charts.ltv_to_cac,
        charts.projected_curves,
    ):
        texts.append(draw(sec, fmt=fmt).get_title(loc="left"))
    return texts


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


@pytest.mark.parametrize("fmt", [EN, FR], ids=["en", "fr"])
@pytest.mark.parametrize(
    ("data", "as_of"),
    [
        ("sample", None),
        ("sample", "2026-10-15"),
        ("small", "2026-10-31"),
        ("small", "2026-10-01"),
        ("small", "2026-10-12"),
        ("small", "2026-11-15"),  # a closed month seen later
    ],
)
def test_every_number_on_the_page_is_a_fact_of_the_section(sample, data, as_of, fmt):
    dataset = sample if data == "sample" else two_channels()
    sec = build_acquisition(dataset, period="2026-10", as_of=as_of)
    for text in page(sec, fmt):
        rest = unexplained_numbers(text, sec, fmt)
        assert not re.search(r"\d", rest), f"{plain(text)!r} leaves {rest!r}"
        check_shares(text)


def test_closed_month_in_english():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    # October 8,000 / 4 = 2,000 against September's 9,000 / 3 = 3,000: −33%;
    # campaigns are the whole of October's cost; ads 6,000 / 2, web 2,000 / 2;
    # the September cohort (the oldest, 1 month old): 5,000 / 3 = 1,667 a customer
    # against its CAC of 3,000: 0.6:1, not paid back; ads 4,000 / 2 = 2,000 against
    # 3,000 (0.7), web 1,000 against 3,000 (0.3): both below 3:1
    assert acquisition_text(sec, EN).text == (
        "Blended CAC was €2,000 in October 2026: €8,000 spent for 4 new customers. "
        "That is −33% against September 2026 (€3,000). "
        "Campaigns make up the largest share of cost (100%). "
        "Ads is the costliest channel at €3,000 per customer; Web the cheapest at €1,000. "
        "The September 2026 cohort has not yet covered its CAC of €3,000 after 1 month. "
        "After 1 month, the September 2026 cohort’s LTV:CAC is 0.6:1 across channels; "
        "2 of 2 channels are below the 3.0:1 line. "
        "These lifetime values are observed, not projected: young cohorts will still grow "
        "(the projection follows below). "
        "No cohort has lived a whole twelfth month yet: it is too early to say how many "
        "customers are still buying after a year."
    )


def test_open_month_in_french_is_month_to_date():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-12")
    # by the 12th: C3, C4 (ads); the month's 8,000 of booked costs: 4,000 a customer
    assert plain(acquisition_text(sec, FR).sentences[0]) == (
        "Depuis le début du mois, le CAC global est de 4 000 € : les 8 000 € comptabilisés "
        "pour octobre 2026 rapportés aux 2 nouveaux clients acquis jusqu’au 12 octobre 2026. "
        "Ce chiffre est provisoire et n’est pas comparé aux mois clos : les coûts d’un mois "
        "sont comptabilisés en totalité alors que ses clients continuent d’arriver."
    )
    assert plain(acquisition_text(sec, FR).sentences[1]) == (
        "Pour mémoire, le CAC de septembre 2026, dernier mois clos, s’est établi à 3 000 €."
    )
    title = plain(charts.cac_trend(sec, fmt=FR).get_title(loc="left"))
    assert title == (
        "CAC global de 4 000 € depuis le début d’octobre 2026, provisoire ; "
        "septembre 2026 clos à 3 000 €"
    )


def test_no_costs_and_no_orders_say_so():
    data = dataclasses.replace(two_channels(), costs=None, orders=None)
    sec = build_acquisition(data, period="2026-10", as_of="2026-10-31")
    assert acquisition_text(sec, EN).sentences == [
        "The dataset holds no cost: CAC cannot be shown. Add costs.csv.",
        "The dataset holds no order yet: customer value and CAC payback cannot be shown. "
        "Add orders.csv.",
    ]
    assert plain(projection_text(sec, FR).text) == (
        "Pas de projection : le jeu de données ne contient aucune commande."
    )
    ax = charts.projected_curves(sec, fmt=EN)
    assert [t.get_text() for t in ax.texts] == ["No projection: the dataset holds no order."]


def test_too_few_orders_say_why_in_terms_of_the_data():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    # 7 customers ordered; only C0 on two days (5 September and 20 October)
    assert sec.projection.reason == "fit"
    assert plain(projection_text(sec, EN).text) == (
        "No projection: the models could not be fitted on the orders up to 31 October 2026 "
        "(customers with an order: 7; repeat buyers: 1)."
    )


def test_chart_titles_state_the_facts():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    ax = charts.cac_trend(sec, fmt=EN)
    assert plain(ax.get_title(loc="left")) == "Blended CAC fell 33% to €2,000 in October 2026"
    assert [line.get_label() for line in ax.lines] == ["Ads", "Web", "blended"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Sept 26", "Oct 26"]
    ax = charts.cost_breakdown(sec, fmt=FR)
    assert plain(ax.get_title(loc="left")) == (
        "Les campagnes représentent 100 % du coût d’acquisition en octobre 2026"
    )
    ax = charts.cohort_curves(sec, fmt=EN)
    assert plain(ax.get_title(loc="left")) == (
        "The September 2026 cohort has not yet covered its CAC of €3,000 after 1 month"
    )
    ax = charts.ltv_to_cac(sec, fmt=EN)
    assert plain(ax.get_title(loc="left")) == (
        "2 of 2 channels below 3.0:1 after 1 month (cohort September 2026)"
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Web", "Ads"]  # 0.3, then 0.7


def test_open_month_is_drawn_apart():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-12")
    ax = charts.cac_trend(sec, fmt=EN)
    blended = next(line for line in ax.lines if line.get_label() == "blended")
    assert list(blended.get_xdata()) == [0]  # September only
    mtd = next(line for line in ax.lines if line.get_label() == "blended, month to date")
    assert (list(mtd.get_xdata()), list(mtd.get_ydata())) == ([1], [4000.0])
    assert mtd.get_markerfacecolor() == "white"


def test_charts_draw_a_bare_cac_frame_under_a_plain_title():
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-31")
    ax = charts.cac_trend(sec.cac_frame, period="2026-10", fmt=EN)
    assert ax.get_title(loc="left") == "CAC over time"
    ax = charts.cost_breakdown(sec.cac_frame, period="2026-10", fmt=EN)
    assert ax.get_title(loc="left") == "What the cost is made of"
    with pytest.raises(ParameterError) as err:
        charts.cac_trend(sec.cac_frame, fmt=EN)
    assert str(err.value) == (
        "charts.cac_trend: period is required when drawing a frame of kpilib.cac(leads, costs) "
        'rather than report.acquisition; pass period="2026-10", the last month to show.'
    )


def test_orders_the_models_cannot_read_say_what_is_wrong():
    data = two_channels()
    data.orders.loc[7, "gross_margin"] = float("nan")  # C0's October order
    sec = build_acquisition(data, period="2026-10", as_of="2026-10-31")
    assert sec.projection.reason == "data"
    assert plain(projection_text(sec, EN).text) == (
        "No projection: the orders cannot be read by the models: rfm_summary: "
        "orders: 1 row has no gross_margin (row 7). Fill or drop those orders."
    )


def test_a_month_without_a_customer_yet_has_no_cac_in_its_title():
    # 1 October: the month's 8,000 of costs are booked, no customer is won yet
    sec = build_acquisition(two_channels(), period="2026-10", as_of="2026-10-01")
    assert plain(charts.cac_trend(sec, fmt=EN).get_title(loc="left")) == (
        "No new customer yet in October 2026: no CAC so far for its €8,000 of cost"
    )
    assert plain(charts.cac_trend(sec, fmt=FR).get_title(loc="left")) == (
        "Aucun nouveau client pour l’instant en octobre 2026 : pas encore de CAC pour ses "
        "8 000 € de coûts"
    )
