"""The forecast's sentences say what its tables say, in English and French."""

from __future__ import annotations

import functools
import re

import pandas as pd
import pytest
from test_forecast import story

from kpilib import load_dataset
from kpilib.data.dataset import Dataset
from kpilib.sections.forecast import ForecastSection, build_forecast
from kpilib.story.forecast import forecast_text
from kpilib.story.format import formatter

NUMBER = r"€?\d[\d,. \u202f\xa0]*(?: €)?"
LINE = {
    "en": re.compile(
        rf"^(?P<metric>[\w ]+): (?P<actual>{NUMBER}) so far; the forecast \(the pipeline's, "
        rf"blended with the run rate\) puts the close at (?P<expected>{NUMBER}) \(80% range "
        rf"(?P<low>{NUMBER}) to (?P<high>{NUMBER})\), the run rate alone at (?P<run_rate>{NUMBER})\. Backtested on the past (?P<months>\d+) months "
        rf"from day (?P<day>\d+), the forecast was off by (?P<error>[\d.]+)% of the close on "
        rf"average, the run rate by (?P<error_rr>[\d.]+)%: (?P<verdict>[^.]+)\. The forecast's "
        rf"range held the close in (?P<covered>\d+) of (?P=months) months, within 5% in "
        rf"(?P<within>\d+)\.$"
    ),
    "fr": re.compile(
        rf"^(?P<metric>[\w’ ]+) : (?P<actual>{NUMBER}) à ce jour ; la prévision \(celle du "
        rf"pipeline, mêlée au rythme actuel\) situe la clôture à (?P<expected>{NUMBER}) "
        rf"\(fourchette à 80 % de (?P<low>{NUMBER}) à (?P<high>{NUMBER})\), le rythme actuel "
        rf"seul à (?P<run_rate>{NUMBER})\. Testée sur les "
        rf"(?P<months>\d+) derniers mois à partir du (?P<day>\d+), la prévision s’est écartée de "
        rf"la clôture de (?P<error>[\d,]+) % en moyenne, le rythme actuel de "
        rf"(?P<error_rr>[\d,]+) % : (?P<verdict>[^.]+)\. La fourchette de la prévision a contenu "
        rf"la clôture (?P<covered>\d+) mois sur (?P=months), à moins de 5 % près "
        rf"(?P<within>\d+) fois\.$"
    ),
}
VERDICTS = {
    "en": {
        "forecast": "the forecast has been the better guide",
        "run_rate": "the run rate has been the better guide",
        "even": "the two have done about as well",
    },
    "fr": {
        "forecast": "la prévision a été le meilleur guide",
        "run_rate": "le rythme actuel a été le meilleur guide",
        "even": "les deux se valent",
    },
}


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _number(text: str) -> float:
    """A formatted count or amount as a number ("€1,234" and "1 234 €" alike)."""
    digits = re.sub(r"[^\d.,]", "", text)
    digits = digits.replace(",", "") if "." in digits or re.search(r",\d{3}\b", digits) else digits
    return float(digits.replace(",", "."))


@functools.cache
def sample_section(as_of: str) -> tuple[Dataset, ForecastSection]:
    ds = load_dataset("data/sample")
    return ds, build_forecast(ds, period="2026-10", as_of=pd.Timestamp(as_of))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("as_of", ["2026-10-15", "2026-10-06"])
def test_each_number_is_the_tables(lang, as_of):
    ds, section = sample_section(as_of)
    text = forecast_text(section, formatter(ds.settings, lang))
    assert len(text.sentences) == 3
    table = section.table[section.table["team"].isna()].set_index("metric")
    summary = section.summary[section.summary["level"] == "company"].set_index("metric")
    # the open month's pace: the run rate is actual x business days in October (22) /
    # business days elapsed (15th: 11; 6th: 4)
    elapsed = {"2026-10-15": 11, "2026-10-06": 4}[as_of]
    for metric, sentence in zip(("sales", "new_customers", "revenue"), text.sentences, strict=True):
        m = LINE[lang].match(_plain(sentence))
        assert m, sentence
        row, measured = table.loc[metric], summary.loc[metric]
        for col in ("actual", "expected", "low", "high"):
            source = row["actual_to_date" if col == "actual" else col]
            assert _number(m[col]) == round(source), (col, sentence)
        assert _number(m["run_rate"]) == round(row["actual_to_date"] * 22 / elapsed)
        assert int(m["months"]) == measured["cases"] == 12
        assert int(m["day"]) == int(as_of[-2:])
        assert _number(m["error"]) == round(100 * measured["mape"], 1)
        assert _number(m["error_rr"]) == round(100 * measured["mape_run_rate"], 1)
        assert int(m["covered"]) == round(measured["coverage"] * 12)
        assert int(m["within"]) == round(measured["within_5"] * 12)
        # the verdict follows the measured errors: even when less than a tenth of the
        # smaller apart
        a, b = measured["mape"], measured["mape_run_rate"]
        want = "even" if abs(a - b) < 0.1 * min(a, b) else "forecast" if a < b else "run_rate"
        assert m["verdict"] == VERDICTS[lang][want], sentence


def test_the_backtest_uses_only_the_months_before():
    _, section = sample_section("2026-10-15")
    bt = section.backtest
    # October 2025 to September 2026, each forecast from its 15th
    assert bt["period"].unique().tolist() == [f"2025-{m}" for m in (10, 11, 12)] + [
        f"2026-{m:02d}" for m in range(1, 10)
    ]
    assert set(bt["as_of"].str[-2:]) == {"15"}


@pytest.mark.parametrize(
    ("as_of", "lang", "want"),
    [
        ("2026-10-31", "en", "October 2026 is closed: no forecast, its actuals are final."),
        (
            "2026-10-31",
            "fr",
            "Octobre 2026 est clos\xa0: pas de prévision, ses réalisés sont définitifs.",
        ),
        ("2026-09-30", "en", "October 2026 has not started: no forecast before its first day."),
    ],
)
def test_no_forecast_says_why(as_of, lang, want):
    ds = Dataset(leads=story())
    section = build_forecast(ds, period="2026-10", as_of=pd.Timestamp(as_of))
    assert forecast_text(section, formatter(ds.settings, lang)).sentences == [want]


def test_a_short_history_makes_no_claim_on_which_to_trust():
    # the story's data starts in August: no closed month before October can be
    # backtested with a month to learn from but September
    ds = Dataset(leads=story())
    section = build_forecast(ds, period="2026-10", as_of=pd.Timestamp("2026-10-15"))
    assert [line.trust for line in section.lines] == ["untested"] * 3
    text = forecast_text(section, formatter(ds.settings, "en")).sentences
    assert text[0].endswith(
        "Only 1 past month can be backtested: which of the two to trust is not known yet."
    )


def test_no_month_to_learn_from():
    ds = Dataset(leads=story().iloc[6:])
    section = build_forecast(ds, period="2026-10", as_of=pd.Timestamp("2026-10-15"))
    assert section.reason == "no_history"
    assert forecast_text(section, formatter(ds.settings, "en")).sentences == [
        "No month before October 2026 to learn from: no forecast of its close."
    ]


def test_each_figure_is_a_fact_with_its_basis():
    from kpilib.sections.model import facts

    _, section = sample_section("2026-10-15")
    table = facts(section)
    basis = dict(zip(table["field"], table["basis"], strict=True))
    # so far is month to date, the forecast modelled, the run rate projected, the
    # backtest's figures observed on past months
    assert basis["lines[0].actual"] == "month_to_date"
    assert {basis[f"lines[0].{f}"] for f in ("expected", "low", "high")} == {"modelled"}
    assert basis["lines[0].run_rate"] == "projected"
    assert {basis[f"lines[0].{f}"] for f in ("months", "covered", "within", "error")} == {
        "observed"
    }
    sources = dict(zip(table["field"], table["source"], strict=True))
    assert (
        sources["lines[2].expected"] == "forecast[period=2026-10, metric=revenue, company].expected"
    )
    assert sources["lines[0].run_rate"] == (
        "forecast[period=2026-10, metric=sales, company].actual_to_date × 22 / 11 business days"
    )


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_the_section_is_the_same_on_a_scanned_dataset(tmp_path, engine):
    from test_report_engines import write_parquet_sample

    from kpilib.engine.scan import open_dataset

    folder = write_parquet_sample(tmp_path / "parquet")
    _, want = sample_section("2026-10-15")
    got = build_forecast(
        open_dataset(folder, engine=engine), period="2026-10", as_of=pd.Timestamp("2026-10-15")
    )
    assert [line.trust for line in got.lines] == [line.trust for line in want.lines]
    for a, b in zip(got.lines, want.lines, strict=True):
        for name in ("actual", "expected", "low", "high", "run_rate", "error", "error_run_rate"):
            assert getattr(a, name).value == pytest.approx(getattr(b, name).value, rel=1e-9)
        assert (a.months.value, a.covered.value, a.within.value) == (
            b.months.value,
            b.covered.value,
            b.within.value,
        )
