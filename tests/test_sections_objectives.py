"""The objectives section and its text, on a small hand-made dataset with targets per team only
and no kpi.toml, closed and mid-month."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from kpilib import load_dataset
from kpilib.data.settings import Settings
from kpilib.sections.build import period_state
from kpilib.sections.model import fact
from kpilib.sections.objectives import build_objectives, with_company_targets
from kpilib.sections.summary import build_summary
from kpilib.story.format import Formatter
from kpilib.story.objectives import objectives_text
from kpilib.story.summary import findings, tiles

LEADS = """lead_id,lead_at,source,team,owner,sale_at,customer_id,amount
L1,2026-09-01,web,North,Ann,2026-10-05,C1,100
L2,2026-09-02,web,North,Ann,2026-10-20,C2,300
L3,2026-09-03,events,South,Bob,2026-10-06,C3,200
L4,2026-08-20,events,North,Ann,2026-09-10,C4,50
L5,2026-09-04,web,South,Bob,,,
"""
# targets per team only: the company targets are their sums (new customers 4, revenue 800)
TARGETS = """period,metric,team,owner,target
2026-10,new_customers,North,,2
2026-10,new_customers,South,,2
2026-10,revenue,North,,400
2026-10,revenue,South,,400
"""


@pytest.fixture
def dataset(tmp_path: Path):
    (tmp_path / "leads.csv").write_text(LEADS)
    (tmp_path / "targets.csv").write_text(TARGETS)
    return load_dataset(tmp_path)


def test_period_state():
    assert period_state("2026-10", pd.Timestamp("2026-10-31")) == "closed"
    assert period_state("2026-10", pd.Timestamp("2026-10-30 18:00")) == "open"
    assert period_state("2026-10", pd.Timestamp("2026-11-02")) == "closed"
    assert period_state("2026-10", pd.Timestamp("2026-09-30")) == "future"


def test_closed_month_team_targets_summed(dataset):
    s = build_objectives(dataset, period="2026-10", as_of=pd.Timestamp("2026-10-31"))
    assert s.closed and s.target_level == "teams"
    nc, rev = s.get("new_customers"), s.get("revenue")
    # C1, C2, C3 acquired in October: 3 of 2 + 2 = 4 -> 75%, missed by 1
    assert (nc.actual.value, nc.target.value, nc.attainment.value, nc.gap.value) == (3, 4, 0.75, 1)
    assert nc.status == "missed" and nc.from_teams and nc.actual.basis == "actual"
    # 100 + 300 + 200 = 600 of 400 + 400 = 800 -> 75%
    assert (rev.actual.value, rev.target.value, rev.attainment.value) == (600, 800, 0.75)
    assert not nc.projected.known
    assert s.met == 0
    north = next(o for o in s.teams if o.team == "North" and o.metric == "new_customers")
    assert (north.actual.value, north.status) == (2, "met")  # C1, C2 of 2: exactly 100% is met
    # September: C4 only
    assert s.previous_actuals["new_customers"].value == 1
    assert s.missing_metrics == ["leads", "visits", "offers", "sales"]


def test_open_month_projects_and_labels(dataset):
    s = build_objectives(dataset, period="2026-10", as_of=pd.Timestamp("2026-10-15"))
    assert not s.closed
    nc, rev = s.get("new_customers"), s.get("revenue")
    # October 2026 has 22 business days; 1-15 October holds 11. C1 (5th), C3 (6th) so far:
    # 2 of 4 = 50% so far, projected 2 x 22 / 11 = 4 = 100% -> on track
    assert (nc.actual.value, nc.attainment.value) == (2, 0.5)
    assert nc.actual.basis == "month_to_date"
    assert (nc.projected.value, nc.projected_attainment.value, nc.status) == (4, 1.0, "on_track")
    # revenue 100 + 200 = 300, projected 600 of 800 = 75% -> behind (below at_risk 85%)
    assert (rev.projected.value, rev.projected_attainment.value, rev.status) == (
        600,
        0.75,
        "behind",
    )


def _fake_sections():
    rate = fact(0.05, "rate", "observed", "2026-07", "funnel_trend[cohort=2026-07]")
    funnel = SimpleNamespace(
        conversion=rate,
        previous_conversion=None,
        conversion_significant=None,
        conversion_immature=False,
        findings=[],
    )
    money = fact(1000.0, "money", "actual", "2026-10", "cac[period=2026-10]")
    acquisition = SimpleNamespace(
        cac=money,
        previous_cac=None,
        cac_change=None,
        ltv_to_cac=fact(None, "ratio", "observed", None, "payback"),
        previous_ltv_to_cac=None,
        ltv_months=0,
        ltv_mature=False,
        payback=fact(None, "months", "observed", None, "payback"),
        previous_payback=None,
        findings=[],
    )
    return acquisition, funnel


def _summary(dataset, day):
    obj = build_objectives(dataset, period="2026-10", as_of=pd.Timestamp(day))
    acquisition, funnel = _fake_sections()
    state = period_state("2026-10", pd.Timestamp(day))
    return obj, build_summary(
        objectives=obj,
        acquisition=acquisition,
        funnel=funnel,
        period="2026-10",
        state=state,
        settings=Settings(),
    )


def test_tiles_closed_say_missed_by(dataset):
    _, summary = _summary(dataset, "2026-10-31")
    text = tiles(summary, Formatter()).text.splitlines()
    # 3 new customers of 4: 75%, missed by 1; September had 1 (C4): +200%
    assert (
        text[0] == "New customers | 3 | 75% of 4 · missed by 1 | +200% vs September 2026 | missed"
    )
    assert (
        text[1]
        == "Revenue | €600 | 75% of €800 · missed by €200 | +1,100% vs September 2026 | missed"
    )


def test_tiles_open_never_mix_projected_and_actual(dataset):
    _, summary = _summary(dataset, "2026-10-15")
    text = tiles(summary, Formatter()).text.splitlines()
    # no change against a closed month while October is open
    assert text[0] == "New customers | 2 | 50% of 4 so far · projected 4 (100%) | on track"
    assert text[1] == "Revenue | €300 | 38% of €800 so far · projected €600 (75%) | behind"
    fr = tiles(summary, Formatter(lang="fr", locale="fr_FR")).text.splitlines()[0]
    assert fr.replace("\u202f", " ").replace("\xa0", " ") == (
        "Nouveaux clients | 2 | 50 % de 4 à ce jour · projection 4 (100 %) | en bonne voie"
    )


def test_findings_closed_and_open(dataset):
    _, closed = _summary(dataset, "2026-10-31")
    assert findings(closed, Formatter()).sentences == [
        # South: C3 only of 2 new customers -> 50%, the largest shortfall of any scope
        "South missed its new customers target by 1: 1 of 2 (50%)."
    ]
    _, open_ = _summary(dataset, "2026-10-15")
    # by the 15th North has C1 only: revenue 100, projected 100 x 22 / 11 = 200 of 400 (50%),
    # below South (200 -> 400 of 400) and the company (300 -> 600 of 800)
    assert findings(open_, Formatter()).sentences == [
        "North is projected to close revenue at €200 of €400 (50%), with €100 so far."
    ]


def test_objectives_text_closed_and_open(dataset):
    s = build_objectives(dataset, period="2026-10", as_of=pd.Timestamp("2026-10-31"))
    text = objectives_text(s, Formatter(), as_of="2026-10-31").sentences
    assert text[0] == (
        "Targets are set per team only: the company targets of new customers, revenue are the "
        "sums of the team targets."
    )
    assert text[1] == "In October 2026 the company met 0 of its 2 targets."
    assert text[2] == "New customers missed its target by 1: 3 of 4 (75%)."
    # revenue by team: North 400 of 400 = 100%, South 200 of 400 = 50%
    assert "By team (revenue), North reached 100% of its target; South 50%." in text
    s = build_objectives(dataset, period="2026-10", as_of=pd.Timestamp("2026-10-15"))
    text = objectives_text(s, Formatter(), as_of="2026-10-15").sentences
    assert text[2] == (
        "Revenue: €300 of €800 so far, projected to close at €600 (75%): behind; €45 a "
        "business day are needed from here."
    )


_PCT_OF = re.compile(r"(\d+)% \((?:€)?([\d,]+) of (?:€)?([\d,]+)\)")


@pytest.mark.parametrize("day", ["2026-10-08", "2026-10-15", "2026-10-23", "2026-10-31"])
def test_every_percent_of_holds(dataset, day):
    """Any "N% (a of b)" in the rendered text holds arithmetically."""
    obj, summary = _summary(dataset, day)
    fmt = Formatter()
    lines = [*findings(summary, fmt).sentences, *objectives_text(obj, fmt, as_of=day).sentences]
    for line in lines:
        for pct, a, b in _PCT_OF.findall(line):
            a, b = float(a.replace(",", "")), float(b.replace(",", ""))
            assert round(100 * a / b) == int(pct), line


def test_company_targets_only_are_kept_as_given():
    targets = pd.DataFrame(
        {
            "period": ["2026-10", "2026-10"],
            "metric": ["sales", "revenue"],
            "team": pd.Series([None, None], dtype="str"),
            "owner": pd.Series([None, None], dtype="str"),
            "target": [4.0, 5000.0],
        }
    )
    out, derived = with_company_targets(targets)
    assert derived == set() and out is targets
    # a company target and team targets of the same metric: the company's is kept
    both = pd.concat(
        [targets, targets.assign(team="North", target=[1.0, 100.0])], ignore_index=True
    )
    out, derived = with_company_targets(both)
    assert derived == set() and len(out) == 4


@pytest.mark.parametrize(
    ("months", "detail", "level"),
    [
        # read before 12 months, the cohort's observed value still grows: no verdict
        (3, "after 3 months, cohort July 2026 · immature", ""),
        # at 12 months, 0.5:1 is below two thirds of the 3:1 line: bad
        (12, "after 12 months, cohort July 2026", "bad"),
    ],
)
def test_a_young_cohort_s_ltv_to_cac_is_shown_but_not_judged(dataset, months, detail, level):
    obj = build_objectives(dataset, period="2026-10", as_of=pd.Timestamp("2026-10-31"))
    acquisition, funnel = _fake_sections()
    acquisition.ltv_to_cac = fact(0.5, "ratio", "observed", "2026-07", "payback")
    acquisition.ltv_months, acquisition.ltv_mature = months, months >= 12  # as the section says
    summary = build_summary(
        objectives=obj,
        acquisition=acquisition,
        funnel=funnel,
        period="2026-10",
        state="closed",
        settings=Settings(),
    )
    tile = next(t for t in summary.tiles if t.key == "ltv_to_cac")
    assert tile.level == level  # the tile's colour
    row = next(r for r in tiles(summary, Formatter()).text.splitlines() if r.startswith("LTV"))
    assert row == f"LTV:CAC | 0.5:1 | {detail}"
