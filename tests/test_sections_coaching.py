"""The coaching and sales-cycle parts of the funnel page: sections, sentences, chart."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from scipy.stats import beta

from kpilib import charts
from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.data.settings import Settings
from kpilib.kpis.tables import compute_all
from kpilib.sections.build import build
from kpilib.sections.coaching import build_coaching
from kpilib.sections.cycle import build_cycle, verdict
from kpilib.story.coaching import coaching_text
from kpilib.story.cycle import cycle_text
from kpilib.story.format import Formatter

matplotlib.use("Agg")
EN, FR = Formatter(), Formatter(lang="fr", locale="fr_FR")
DAY = pd.Timestamp("2026-10-31")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _team_leads(rates: dict[str, tuple[int, int]], lead_at: str = "2026-07-01") -> pd.DataFrame:
    """Team T's leads of *lead_at*: per rep (leads, sales), each sale 10 days later."""
    owners, sold = [], []
    for owner, (n, k) in rates.items():
        owners += [owner] * n
        sold += [True] * k + [False] * (n - k)
    day = pd.Timestamp(lead_at)
    return pd.DataFrame(
        {
            "lead_id": pd.Series([f"L{i}" for i in range(len(owners))], dtype="str"),
            "lead_at": pd.Series([day] * len(owners), dtype="datetime64[us]"),
            "team": pd.Series(["T"] * len(owners), dtype="str"),
            "owner": pd.Series(owners, dtype="str"),
            "sale_at": pd.Series(
                [day + pd.Timedelta(days=10) if s else pd.NaT for s in sold],
                dtype="datetime64[us]",
            ),
            "customer_id": pd.Series([f"C{i}" if s else None for i, s in enumerate(sold)]),
        }
    )


def _dataset(leads: pd.DataFrame, window: int = 30) -> Dataset:
    return Dataset(leads=leads, settings=Settings(conversion_window_days=window))


# Ann 10 of 100, Bob 30 of 100, Cid 20 of 100 (tests/test_coaching.py works the prior:
# weight 198 / 10.5 − 1 = 17.857, mean 0.2): Ann's interval lies below 0.2, Bob's above
GAPS = {"Ann": (100, 10), "Bob": (100, 30), "Cid": (100, 20)}


def test_who_lies_below_and_above_the_team():
    section = build_coaching(_dataset(_team_leads(GAPS)), cohort="2026-07", as_of=DAY)
    assert section.available and not section.immature
    assert section.reps.value == 3
    # at most 3 × (1 − 0.9) / 2 = 0.15 reps below their team by chance
    assert section.by_chance.value == pytest.approx(0.15)
    assert [g.owner for g in section.below] == ["Ann"]
    assert [g.owner for g in section.above] == ["Bob"]
    ann = section.below[0]
    w = 198 / 10.5 - 1
    assert (ann.conversion.value, ann.entered.value, ann.converted.value) == (0.1, 100, 10)
    assert ann.shrunk.value == pytest.approx((0.2 * w + 10) / (w + 100))
    assert ann.ci_high.value == pytest.approx(beta.ppf(0.95, 0.2 * w + 10, 0.8 * w + 90))
    assert ann.team_rate.value == pytest.approx(0.2)
    assert ann.conversion.period == "2026-07" and ann.conversion.basis == "observed"
    assert ann.conversion.source == "coaching[cohort=2026-07, team=T, owner=Ann, step=lead→sale]"
    assert ann.steps == []  # a single step: lead → sale


def _numbers(text: str) -> list[float]:
    """Every number of a sentence, in order ("10.0%" and "10,0 %" alike)."""
    return [float(n.replace(",", ".")) for n in re.findall(r"\d+(?:[.,]\d+)?", text)]


@pytest.mark.parametrize("fmt", [EN, FR])
def test_the_sentences_say_what_the_table_says(fmt):
    section = build_coaching(_dataset(_team_leads(GAPS)), cohort="2026-07", as_of=DAY)
    text = coaching_text(section, fmt).sentences
    row = section.table[section.table["owner"] == "Ann"].iloc[0]
    named = [t for t in text if t.startswith("Ann (T)")]
    assert len(named) == 1
    # conv (converted of entered), shrunk, level, low, high, team rate: each the table's
    got = _numbers(named[0])
    want = [
        round(100 * row["conversion"], 1),
        row["converted"],
        row["entered"],
        round(100 * row["shrunk_conversion"], 1),
        90,
        round(100 * row["ci_low"], 1),
        round(100 * row["ci_high"], 1),
        round(100 * row["team_conversion"], 1),
    ]
    assert got == pytest.approx(want)
    # only a rep whose interval lies wholly below the team is named as needing support
    assert row["flag"] == "below" and row["ci_high"] < row["team_conversion"]
    support = {"en": "may need support", "fr": "besoin d’un accompagnement"}[fmt.lang]
    assert sum(support in t for t in text) == (section.table["flag"] == "below").sum()
    # Bob is above; Cid is the one rep left: too few leads to tell. By chance: 3 × 0.05 =
    # 0.15, a binary float just under 0.15, so shown as 0.1
    if fmt.lang == "en":
        assert text == [
            "On the July 2026 cohort, 3 reps are compared with their team; each rep’s rate is "
            "drawn towards the team’s the fewer leads the rep has, so that luck on a few leads "
            "ranks nobody first.",
            named[0],
            "Among 3 reps and with a 90% interval, up to about 0.1 can lie below their team by "
            "chance alone: each name is a question to ask, not a verdict.",
            "Bob (T) converts above their team beyond the interval.",
            "For the other rep, too few leads to tell: the team’s rate lies within the rep’s "
            "90% interval.",
        ]


def test_no_claim_on_an_immature_cohort():
    # leads of 2026-10-01 are younger than the 60-day window on 10-31: the flags are in
    # the table, but nobody is named
    leads = _team_leads(GAPS, lead_at="2026-10-01")
    section = build_coaching(_dataset(leads, window=60), cohort="2026-10", as_of=DAY)
    assert section.immature and section.below == [] and section.above == []
    assert coaching_text(section, EN).sentences == [
        "The October 2026 cohort is still immature: no rep is compared with their team yet."
    ]


def test_without_owners_nothing_is_compared():
    section = build_coaching(
        _dataset(_team_leads(GAPS).drop(columns=["owner"])), cohort="2026-07", as_of=DAY
    )
    assert not section.available
    assert coaching_text(section, FR).sentences == [
        "Les leads n’ont pas de colonne d’équipe ou de commercial\xa0: les commerciaux ne "
        "peuvent pas être comparés à leur équipe."
    ]


def test_one_rep_per_team_compares_nobody():
    section = build_coaching(_dataset(_team_leads({"Ann": (10, 2)})), cohort="2026-07", as_of=DAY)
    assert section.reps.value == 0
    assert coaching_text(section, EN).sentences == [
        "Fewer than two reps per team have leads in the July 2026 cohort: no rep can be "
        "compared with their team."
    ]


def _trend(medians: list[float], truncated: list[bool] | None = None) -> pd.DataFrame:
    months = [f"2026-{m:02d}" for m in range(1, len(medians) + 1)]
    return pd.DataFrame(
        {
            "month": months,
            "sales": [10] * len(medians),
            "median_days": medians,
            "p80_days": [m + 10 for m in medians],
            "truncated": truncated or [False] * len(medians),
        }
    )


def test_cycle_verdict():
    # 30, 32, 31, 35, 36, 40: Mann-Kendall S = 13, z = 12 / √28.33 = 2.25 > 1.96: up
    trend = _trend([30, 32, 31, 35, 36, 40])
    v = verdict(trend, trend["month"].tolist())
    assert (v.direction, v.first.value, v.last.value, v.months.value) == ("up", 30, 40, 6)
    assert v.first.source == "sales_cycle[month=2026-01, source=, team=]"
    # the last month not closed yet: 5 months, S = 8 − … z below 1.96: flat
    assert verdict(trend, trend["month"].tolist()[:5]).direction == "flat"
    # fewer than 4 closed months: no verdict
    assert verdict(trend, trend["month"].tolist()[:3]) is None


def _sales(days: dict[str, list[int]]) -> pd.DataFrame:
    """One lead per sale: sale on the 15th of each month, lead the given days before."""
    rows = []
    for month, spans in days.items():
        sale = pd.Timestamp(f"{month}-15")
        rows += [(sale - pd.Timedelta(days=d), sale) for d in spans]
    frame = pd.DataFrame(rows, columns=["lead_at", "sale_at"]).astype("datetime64[us]")
    frame.insert(0, "lead_id", pd.Series([f"L{i}" for i in range(len(rows))], dtype="str"))
    frame["customer_id"] = pd.Series([f"C{i}" for i in range(len(rows))], dtype="str")
    return frame


def test_cycle_section_and_sentence():
    # October: 10, 20, 40 days: median 20, p80 at 1.6: 20 + 0.6 × 20 = 32
    ds = _dataset(_sales({"2026-09": [14], "2026-10": [10, 20, 40]}), window=5)
    section = build_cycle(ds, period="2026-10", as_of=DAY, state="closed")
    assert (section.sales.value, section.median.value, section.p80.value) == (3, 20, 32)
    assert section.median.basis == "actual" and not section.truncated
    assert section.verdict is None  # two months
    assert cycle_text(section, EN).sentences == [
        "In October 2026, a sale took 20 days from lead to sale (median of 3 sales; 80% "
        "within 32 days)."
    ]
    open_ = build_cycle(ds, period="2026-10", as_of=pd.Timestamp("2026-10-20"), state="open")
    assert open_.median.basis == "month_to_date"
    assert cycle_text(open_, FR).sentences == [
        "Depuis le début d’octobre 2026, une vente a pris 20 jours entre le lead et la "
        "vente (médiane de 3 ventes à ce jour\u202f; 80\u202f% en 32 jours au plus)."
    ]


def test_a_truncated_month_is_said_to_read_short():
    # the first lead (09-01, 14 days before 09-15) is less than a 60-day window before
    # October: its cycle misses older leads' sales
    ds = _dataset(_sales({"2026-09": [14], "2026-10": [10, 20, 40]}), window=60)
    section = build_cycle(ds, period="2026-10", as_of=DAY, state="closed")
    assert section.truncated
    assert cycle_text(section, EN).sentences[1] == (
        "The data’s first lead came less than the 60-day conversion window before October "
        "2026 began: sales of older leads are missing, so this cycle reads short."
    )


def test_cycle_chart():
    ds = _dataset(_sales({"2026-09": [14], "2026-10": [10, 20, 40]}), window=5)
    section = build_cycle(ds, period="2026-10", as_of=pd.Timestamp("2026-10-20"), state="open")
    ax = charts.sales_cycle_trend(section, fmt=EN)
    assert ax.get_title(loc="left") == "Days from lead to sale, by month of sale"
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["80th percentile", "median", "month to date"]
    # the open month is drawn apart: September alone on the lines, October hollow
    assert list(ax.get_lines()[1].get_ydata()) == [14.0]
    assert list(ax.get_lines()[2].get_ydata()) == [20.0]
    assert ax.get_ylabel() == "days from lead to sale"


def test_cycle_chart_of_one_month_says_so():
    ds = _dataset(_sales({"2026-10": [10, 20, 40]}), window=5)
    section = build_cycle(ds, period="2026-10", as_of=DAY, state="closed")
    ax = charts.sales_cycle_trend(section, fmt=FR)
    assert ax.get_title(loc="left") == "Jours entre lead et vente, par mois de vente"
    assert [t.get_text() for t in ax.texts] == [
        "Rien à montrer\xa0: des ventes sur un seul mois, pas de tendance"
    ]


@pytest.mark.parametrize("as_of", ["2026-10-15", "2026-10-31"])
@pytest.mark.parametrize("fmt", [EN, FR])
def test_the_sample_pack_says_what_kpi_kpis_says(as_of, fmt):
    """The sentences of the sample's funnel page against the tables of ``kpi kpis``,
    computed apart (compute_all), not read from the report model."""
    ds = load_dataset(SAMPLE)
    report = build(ds, period="2026-10", as_of=as_of)
    tables = compute_all(ds, period="2026-10", as_of=as_of)
    cycle = tables["sales_cycle"]
    row = cycle[cycle["source"].isna() & cycle["team"].isna() & (cycle["month"] == "2026-10")]
    # "In October 2026, … took 35 days … (median of 131 sales; 80% within 56 days)":
    # 2026, then median, sales, 80 and p80
    sentence = cycle_text(report.cycle, fmt).sentences[0]
    numbers = _numbers(sentence)
    assert numbers[0] == 2026 and numbers[3] == 80
    assert [numbers[1], numbers[2], numbers[4]] == [
        round(row["median_days"].iloc[0]),
        row["sales"].iloc[0],
        round(row["p80_days"].iloc[0]),
    ]
    if as_of == "2026-10-15":
        assert sentence.startswith({"en": "So far", "fr": "Depuis le début"}[fmt.lang])
    # coaching: the cohort the funnel page reads; every rep said, none named without the
    # table's interval wholly below the team
    coach = tables["coaching"]
    assert set(coach["cohort"]) == {report.funnel.cohort}
    last = coach[(coach["from_stage"] == "lead") & (coach["to_stage"] == "sale")]
    assert last["converted"].sum() == report.funnel.mature_sales.value
    text = " ".join(coaching_text(report.coaching, fmt).sentences)
    reps = {"en": r"(\d+) reps are compared", "fr": r"(\d+) commerciaux sont comparés"}
    assert int(re.search(reps[fmt.lang], text).group(1)) == last["shrunk_conversion"].notna().sum()
    below = last[last["flag"] == "below"]
    assert not len(below)  # the sample's reps differ by chance only
    assert {"en": "too few leads to tell", "fr": "trop peu de leads"}[fmt.lang] in text
