"""Every public KPI and chart function checks its input before computing.

A wrong input (a frame without the columns the function reads, a frame where
a report section is expected, an object that is no frame) gives a
:class:`~kpilib.errors.DataError` or :class:`~kpilib.errors.ParameterError`
saying what the function expects and how to make it; no KeyError or
AttributeError escapes. Messages come from :mod:`kpilib.data.require`.
"""

from __future__ import annotations

import pandas as pd
import pytest
from kpi_fixtures import costs, leads, orders, targets
from test_charts import _att, _closed

import kpilib
from kpilib import charts
from kpilib.errors import DataError, ParameterError
from kpilib.kpis import leakage, pacing, tables
from kpilib.kpis.clv import BetaGeo, GammaGamma

NO_LEAD_AT = leads().drop(columns=["lead_at"])
LEAD_COLUMNS = (
    "lead_id, source, team, owner, visit_at, offer_at, sale_at, lost_at, customer_id, amount"
)
RENAME = "or rename the matching columns as docs/data-model.md shows."
BUILD = "kpilib.sections.build.build(dataset, period=...)"


def _no_lead_at(function: str, needs: str = "lead_at", has: str = LEAD_COLUMNS) -> str:
    return (
        f"leads: missing column 'lead_at' (it has: {has}). kpilib.{function} expects "
        f"the leads table ({needs}); pass kpilib.load_dataset(folder).leads, {RENAME}"
    )


def _by_source() -> pd.DataFrame:
    """The frame of the report: kpilib.funnel(leads, by="source"), not funnel_trend's."""
    return kpilib.funnel(leads(), by="source", as_of="2026-10-15")


FUNNEL_BY_SOURCE = (
    "source, stage, reached, step_conversion, overall_conversion, lost, lost_share, ci_low, "
    "ci_high, median_days_from_previous, immature"
)
FUNNEL = FUNNEL_BY_SOURCE.removeprefix("source, ")

KPI_CASES = {
    "attainment": (lambda: kpilib.attainment(NO_LEAD_AT, targets()), _no_lead_at("attainment")),
    "cac": (lambda: kpilib.cac(NO_LEAD_AT, costs()), _no_lead_at("cac")),
    "cohort_value": (
        lambda: kpilib.cohort_value(NO_LEAD_AT, orders()),
        _no_lead_at("cohort_value", "lead_at, sale_at, customer_id"),
    ),
    "payback": (
        lambda: kpilib.payback(NO_LEAD_AT, orders(), costs()),
        _no_lead_at("payback", "lead_at, sale_at, customer_id"),
    ),
    "funnel": (lambda: kpilib.funnel(NO_LEAD_AT), _no_lead_at("funnel")),
    "funnel_trend": (lambda: kpilib.funnel_trend(NO_LEAD_AT), _no_lead_at("funnel_trend")),
    "win_rate": (
        lambda: kpilib.win_rate(NO_LEAD_AT),
        _no_lead_at("win_rate", "lead_at, sale_at, lost_at"),
    ),
    "qualified_to_customer": (
        lambda: kpilib.qualified_to_customer(NO_LEAD_AT.assign(qualified_at=leads()["visit_at"])),
        _no_lead_at(
            "qualified_to_customer",
            "lead_at, qualified_at, sale_at, customer_id",
            has=f"{LEAD_COLUMNS}, qualified_at",
        ),
    ),
    "conversion_window": (
        lambda: kpilib.conversion_window(NO_LEAD_AT),
        _no_lead_at("conversion_window"),
    ),
    "cumulative_path": (
        lambda: pacing.cumulative_path(NO_LEAD_AT, targets(), period="2026-10", metric="leads"),
        _no_lead_at("kpis.pacing.cumulative_path"),
    ),
    "lost_value": (
        lambda: leakage.lost_value(kpilib.funnel(leads()), leads()),
        f"funnel_by: missing column 'source' (it has: {FUNNEL}). kpilib.kpis.leakage.lost_value "
        'expects the frame of kpilib.funnel(leads, by="source") (source, stage, reached, '
        "lost); make it with that call, as pandas.",
    ),
    "compute_all": (
        lambda: kpilib.compute_all(leads(), period="2026-10"),
        "dataset: got a DataFrame. kpilib.compute_all expects a dataset: pass "
        "kpilib.load_dataset(folder), or kpilib.engine.scan.open_dataset(folder, engine=...).",
    ),
    "write_tables": (
        lambda: kpilib.write_tables({"leads": leads()}, period="2026-10", out="unused"),
        "dataset: got a dict. kpilib.write_tables expects a dataset: pass "
        "kpilib.load_dataset(folder), or kpilib.engine.scan.open_dataset(folder, engine=...).",
    ),
    "dataset_payback": (
        lambda: tables.dataset_payback(None, as_of="2026-10-15"),
        "dataset: got None. kpilib.kpis.tables.dataset_payback expects a dataset: pass "
        "kpilib.load_dataset(folder), or kpilib.engine.scan.open_dataset(folder, engine=...).",
    ),
    "neutralise": (
        lambda: tables.neutralise([["=1+2"]]),
        "frame: got a list. kpilib.kpis.tables.neutralise expects a pandas DataFrame, such as "
        "a table of kpilib.compute_all(dataset, period=...).",
    ),
    "rfm_summary": (
        lambda: kpilib.rfm_summary(
            orders().drop(columns=["order_date"]), observation_end="2026-10-31", time_unit="weeks"
        ),
        "rfm_summary: orders: missing column 'order_date' (it has: order_id, customer_id, "
        "revenue, gross_margin). kpilib.rfm_summary expects the orders table (customer_id, "
        f"order_date, gross_margin); pass kpilib.load_dataset(folder).orders, {RENAME}",
    ),
    "projected_cohort_value": (
        lambda: kpilib.projected_cohort_value(leads(), [1, 2], as_of="2026-10-31"),
        "projected_cohort_value: orders: a list is not a pandas DataFrame. "
        "kpilib.projected_cohort_value expects the orders table (order_id, customer_id, "
        "order_date, gross_margin); pass kpilib.load_dataset(folder).orders, or pass "
        "margin_rate to use revenue x margin_rate.",
    ),
    "retention": (
        lambda: kpilib.retention(NO_LEAD_AT, orders()),
        _no_lead_at("retention", "lead_at, sale_at, customer_id"),
    ),
    "cohort_lifetime": (
        lambda: kpilib.cohort_lifetime(leads()),
        "table: missing columns 'cohort', 'months_since', 'active', 'partial' (it has: "
        f"lead_id, lead_at, {LEAD_COLUMNS.removeprefix('lead_id, ')}). kpilib.cohort_lifetime "
        "expects the frame of kpilib.retention(leads, orders) (cohort, months_since, active, "
        "partial); make it with that call.",
    ),
    "model_lifetime": (
        lambda: kpilib.model_lifetime(leads()),
        "model_lifetime: the model is not a fitted BetaGeo with a time unit; fit it with "
        "BetaGeo().fit(rfm_summary(...)) or give from_params a time_unit.",
    ),
    "coaching": (
        lambda: kpilib.coaching(NO_LEAD_AT),
        _no_lead_at("coaching", "lead_at, team, owner"),
    ),
    "sales_cycle": (lambda: kpilib.sales_cycle(NO_LEAD_AT), _no_lead_at("sales_cycle")),
    "forecast": (
        lambda: kpilib.forecast(NO_LEAD_AT, period="2026-10", as_of="2026-10-15"),
        _no_lead_at("forecast", "lead_at, sale_at"),
    ),
    "backtest_forecast": (
        lambda: kpilib.backtest_forecast(NO_LEAD_AT),
        _no_lead_at("backtest_forecast", "lead_at, sale_at"),
    ),
    "backtest_summary": (
        lambda: kpilib.backtest_summary(leads().drop(columns=["lead_id"])),
        "backtest: missing columns 'metric', 'close', 'expected', 'low', 'high', 'run_rate' "
        f"(it has: lead_at, {LEAD_COLUMNS.removeprefix('lead_id, ')}). kpilib.backtest_summary "
        "expects the frame of kpilib.backtest_forecast(leads) (metric, team, close, expected, "
        "low, high, run_rate); make it with that call.",
    ),
    "BetaGeo.fit": (
        lambda: BetaGeo().fit(_by_source()),
        f"BetaGeo.fit: rfm: missing columns 'frequency', 'recency', 'T' (it has: "
        f"{FUNNEL_BY_SOURCE}). kpilib.BetaGeo.fit expects the frame of "
        "kpilib.rfm_summary(orders, observation_end=..., time_unit=...) (frequency, recency, "
        "T); make it with that call.",
    ),
}


def _gg_rfm() -> pd.DataFrame:
    return pd.DataFrame({"frequency": [1.0], "recency": [2.0], "T": [3.0]})


KPI_CASES["GammaGamma.fit"] = (
    lambda: GammaGamma().fit(_gg_rfm()),
    "GammaGamma.fit: rfm: missing column 'monetary_value' (it has: frequency, recency, T). "
    "kpilib.GammaGamma.fit expects the frame of kpilib.rfm_summary(orders, "
    "observation_end=..., time_unit=...) (frequency, monetary_value); make it with that call.",
)
KPI_CASES["projected_payback"] = (
    lambda: kpilib.projected_payback(NO_LEAD_AT, orders(), costs()),
    _no_lead_at("payback", "lead_at, sale_at, customer_id"),
)


def _section_message(chart: str, got: str, kind: str, field: str) -> str:
    return (
        f"charts.{chart}(section): got {got}. charts.{chart} expects the report's {kind}: "
        f"pass {field} from {BUILD}."
    )


def _axes_message(name: str, got: str) -> str:
    return (
        f"charts.{name}(ax): got {got}. charts.{name} expects the Axes a chart function "
        "returns, such as charts.attainment_bars(report.objectives)."
    )


CAC = "kpilib.cac(leads, costs)"
TREND_BY_SOURCE = 'kpilib.funnel_trend(leads, by="source", periods=1)'
PACING = "kpilib.kpis.pacing.cumulative_path(leads, targets, period=..., metric=...)"

CHART_CASES = {
    # the reported case: the frame of funnel(by="source") where funnel_trend's is expected
    "source_conversion": (
        lambda: charts.source_conversion(_by_source(), cohort="2026-10"),
        f"charts.source_conversion(by_source): missing column 'leads' (it has: "
        f"{FUNNEL_BY_SOURCE}). charts.source_conversion expects the frame of {TREND_BY_SOURCE} "
        "(source, leads, overall_conversion, ci_low, ci_high); pass report.funnel.by_source "
        f"from {BUILD}, or make it with {TREND_BY_SOURCE}.",
    ),
    "funnel_stages": (
        lambda: charts.funnel_stages(kpilib.funnel_trend(leads()), cohort="2026-10"),
        "charts.funnel_stages(frame): missing columns 'stage', 'reached', 'lost', "
        "'step_conversion' (it has: cohort, leads, converted, overall_conversion, ci_low, "
        "ci_high, immature). charts.funnel_stages expects the frame of kpilib.funnel(leads, "
        "period=...) (stage, reached, lost, step_conversion); pass report.funnel.current from "
        f"{BUILD}, or make it with kpilib.funnel(leads, period=...).",
    ),
    "conversion_trend": (
        lambda: charts.conversion_trend(kpilib.funnel(leads())),
        f"charts.conversion_trend(trend): missing column 'cohort' (it has: {FUNNEL}). "
        "charts.conversion_trend expects the frame of kpilib.funnel_trend(leads) (cohort, "
        "overall_conversion, ci_low, ci_high, immature); pass report.funnel.trend from "
        f"{BUILD}, or make it with kpilib.funnel_trend(leads).",
    ),
    "cac_trend": (
        lambda: charts.cac_trend(_closed(_att())),
        "charts.cac_trend(source): an ObjectivesSection is not a pandas DataFrame. "
        f"charts.cac_trend expects the frame of {CAC} (period, channel, cac); pass "
        f"report.acquisition from {BUILD}, or make it with {CAC}.",
    ),
    "cac_trend_without_period": (
        lambda: charts.cac_trend(kpilib.cac(leads(), costs())),
        f"charts.cac_trend: period is required when drawing a frame of {CAC} rather than "
        'report.acquisition; pass period="2026-10", the last month to show.',
    ),
    "cost_breakdown": (
        lambda: charts.cost_breakdown(kpilib.funnel(leads()), period="2026-10"),
        "charts.cost_breakdown(source): missing columns 'period', 'channel', 'cost_salaries', "
        "'cost_bonuses', 'cost_expenses', 'cost_campaigns', 'cost_other' (it has: "
        f"{FUNNEL}). charts.cost_breakdown expects the frame of {CAC} (period, channel, "
        "cost_salaries, cost_bonuses, cost_expenses, cost_campaigns, cost_other); pass "
        f"report.acquisition from {BUILD}, or make it with {CAC}.",
    ),
    "cumulative_path": (
        lambda: charts.cumulative_path(kpilib.funnel(leads()), metric="leads", period="2026-10"),
        "charts.cumulative_path(path): missing columns 'day', 'cumulative', 'target_path' "
        f"(it has: {FUNNEL}). charts.cumulative_path expects the frame of {PACING} (day, "
        f"cumulative, target_path); pass report.objectives.paths[metric] from {BUILD}, or "
        f"make it with {PACING}.",
    ),
    "attainment_bars": (
        lambda: charts.attainment_bars(_att()),
        _section_message(
            "attainment_bars", "a DataFrame", "ObjectivesSection", "report.objectives"
        ),
    ),
    "team_attainment": (
        lambda: charts.team_attainment(None),
        _section_message("team_attainment", "None", "ObjectivesSection", "report.objectives"),
    ),
    "gap_ranking": (
        lambda: charts.gap_ranking(_att()),
        _section_message("gap_ranking", "a DataFrame", "ObjectivesSection", "report.objectives"),
    ),
    "target_realism": (
        lambda: charts.target_realism(_att()),
        _section_message("target_realism", "a DataFrame", "ObjectivesSection", "report.objectives"),
    ),
    "cohort_curves": (
        lambda: charts.cohort_curves(_closed(_att())),
        _section_message(
            "cohort_curves", "an ObjectivesSection", "AcquisitionSection", "report.acquisition"
        ),
    ),
    "ltv_to_cac": (
        lambda: charts.ltv_to_cac(_att()),
        _section_message("ltv_to_cac", "a DataFrame", "AcquisitionSection", "report.acquisition"),
    ),
    "retention_heatmap": (
        lambda: charts.retention_heatmap(_att()),
        _section_message(
            "retention_heatmap", "a DataFrame", "AcquisitionSection", "report.acquisition"
        ),
    ),
    "sales_cycle_trend": (
        lambda: charts.sales_cycle_trend(_att()),
        _section_message("sales_cycle_trend", "a DataFrame", "CycleSection", "report.cycle"),
    ),
    "projected_curves": (
        lambda: charts.projected_curves(_att()),
        _section_message(
            "projected_curves", "a DataFrame", "AcquisitionSection", "report.acquisition"
        ),
    ),
    "show": (lambda: charts.show(_att()), _axes_message("show", "a DataFrame")),
    "to_png": (lambda: charts.to_png(None), _axes_message("to_png", "None")),
    "to_svg": (lambda: charts.to_svg("x"), _axes_message("to_svg", "a str")),
    "fmt": (
        lambda: charts.attainment_bars(_closed(_att()), fmt="en"),
        "fmt: got a str. A chart's fmt is a kpilib.Formatter: pass kpilib.Formatter(lang=..., "
        "locale=..., currency=...), or leave it out for English.",
    ),
}


def _raised(call) -> Exception:
    with pytest.raises((DataError, ParameterError)) as err:
        call()
    return err.value


@pytest.mark.parametrize("name", list(KPI_CASES))
def test_kpi_functions_say_what_they_expect(name):
    call, message = KPI_CASES[name]
    assert str(_raised(call)) == message


@pytest.mark.parametrize("name", list(CHART_CASES))
def test_charts_say_what_they_expect(name):
    call, message = CHART_CASES[name]
    assert str(_raised(call)) == message


def test_a_missing_column_is_a_data_error_and_a_wrong_object_a_parameter_error():
    assert type(_raised(CHART_CASES["source_conversion"][0])) is DataError
    assert type(_raised(CHART_CASES["attainment_bars"][0])) is ParameterError
    assert type(_raised(KPI_CASES["projected_cohort_value"][0])) is ParameterError


def test_every_public_function_has_a_case():
    # each public chart and KPI function is covered above, so a new one gets a case
    chart_functions = {n for n in charts.__all__ if callable(getattr(charts, n))} - {"Picture"}
    assert chart_functions <= set(CHART_CASES)
    kpi_functions = {
        "attainment", "cac", "cohort_value", "payback", "funnel", "funnel_trend", "win_rate",
        "qualified_to_customer", "conversion_window", "compute_all", "write_tables",
        "rfm_summary", "projected_cohort_value", "projected_payback", "retention",
        "cohort_lifetime", "model_lifetime", "coaching", "sales_cycle", "forecast",
        "backtest_forecast", "backtest_summary",
    }  # fmt: skip
    public = {
        n
        for n in kpilib.__all__
        if callable(getattr(kpilib, n)) and not isinstance(getattr(kpilib, n), type)
    }
    others = {"load_dataset", "parse_period", "business_days", "resolve_as_of", "build_report"}
    assert public - others == kpi_functions
    assert kpi_functions <= set(KPI_CASES)
