"""kpilib: sales KPIs for Jupyter — objectives, CAC, lifetime value, retention and the lead funnel.

Every public name is loaded on first use (PEP 562): ``import kpilib`` imports
neither pandas nor polars, so the ``kpi`` command starts in a fraction of a
second and each sub-command imports only what it needs. ``from kpilib import
Dataset`` and ``kpilib.load_dataset(...)`` work as usual.
"""

from __future__ import annotations

from kpilib.errors import DataError, KpiError, ParameterError

# public name -> the module that defines it, imported on first access
_LAZY = {
    "Dataset": "kpilib.data.dataset",
    "load_dataset": "kpilib.data.load",
    "Period": "kpilib.data.periods",
    "business_days": "kpilib.data.periods",
    "parse_period": "kpilib.data.periods",
    "resolve_as_of": "kpilib.data.periods",
    "Settings": "kpilib.data.settings",
    "cac": "kpilib.kpis.acquisition",
    "qualified_to_customer": "kpilib.kpis.closing",
    "win_rate": "kpilib.kpis.closing",
    "funnel": "kpilib.kpis.funnel",
    "funnel_trend": "kpilib.kpis.funnel",
    "attainment": "kpilib.kpis.objectives",
    "backtest_forecast": "kpilib.kpis.backtest",
    "backtest_summary": "kpilib.kpis.backtest",
    "sales_cycle": "kpilib.kpis.cycle",
    "forecast": "kpilib.kpis.forecast",
    "cohort_lifetime": "kpilib.kpis.retention",
    "model_lifetime": "kpilib.kpis.retention",
    "retention": "kpilib.kpis.retention",
    "compute_all": "kpilib.kpis.tables",
    "write_tables": "kpilib.kpis.tables",
    "cohort_value": "kpilib.kpis.value",
    "payback": "kpilib.kpis.value",
    "conversion_window": "kpilib.kpis.window",
    "Formatter": "kpilib.story.format",
    # the lifetime-value models need scipy (about a second to import)
    "BetaGeo": "kpilib.kpis.clv",
    "GammaGamma": "kpilib.kpis.clv",
    "ProjectedCohortValue": "kpilib.kpis.clv",
    "projected_cohort_value": "kpilib.kpis.clv",
    "projected_payback": "kpilib.kpis.clv",
    "rfm_summary": "kpilib.kpis.clv",
    "build_report": "kpilib.report.build",
    "coaching": "kpilib.kpis.coaching",
}
# the layer packages, reachable as attributes (``kpilib.kpis``) as when they were imported eagerly
_PACKAGES = frozenset(
    {"charts", "data", "engine", "importers", "kpis", "report", "sample", "sections", "story"}
)


def __getattr__(name: str) -> object:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # the next access is a plain attribute
        return value
    if name in _PACKAGES:
        return importlib.import_module(f"kpilib.{name}")
    raise AttributeError(f"module 'kpilib' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names, lazily loaded ones included, and the layer packages
    (``kpilib.charts``...): what tab completion offers."""
    return sorted({*__all__, *_PACKAGES, "__version__"})


__all__ = [
    "BetaGeo",
    "DataError",
    "Dataset",
    "Formatter",
    "GammaGamma",
    "KpiError",
    "ParameterError",
    "Period",
    "ProjectedCohortValue",
    "Settings",
    "attainment",
    "backtest_forecast",
    "backtest_summary",
    "build_report",
    "business_days",
    "cac",
    "cohort_lifetime",
    "coaching",
    "cohort_value",
    "compute_all",
    "conversion_window",
    "forecast",
    "funnel",
    "funnel_trend",
    "load_dataset",
    "model_lifetime",
    "parse_period",
    "payback",
    "projected_cohort_value",
    "projected_payback",
    "qualified_to_customer",
    "resolve_as_of",
    "retention",
    "rfm_summary",
    "sales_cycle",
    "win_rate",
    "write_tables",
]
__version__ = "0.1.0"
