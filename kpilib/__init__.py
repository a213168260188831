"""kpilib: sales KPIs for Jupyter — objectives, CAC, lifetime value, retention and the lead funnel."""

from __future__ import annotations

from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.data.periods import Period, business_days, parse_period, resolve_as_of
from kpilib.data.settings import Settings
from kpilib.errors import DataError, KpiError, ParameterError
from kpilib.kpis.acquisition import cac
from kpilib.kpis.backtest import backtest_forecast, backtest_summary
from kpilib.kpis.closing import qualified_to_customer, win_rate
from kpilib.kpis.cycle import sales_cycle
from kpilib.kpis.forecast import forecast
from kpilib.kpis.funnel import funnel, funnel_trend
from kpilib.kpis.objectives import attainment
from kpilib.kpis.retention import cohort_lifetime, model_lifetime, retention
from kpilib.kpis.tables import compute_all, write_tables
from kpilib.kpis.value import cohort_value, payback
from kpilib.kpis.window import conversion_window
from kpilib.story.format import Formatter

# The lifetime-value models need scipy (about a second to import): loaded on first use.
_LAZY = {
    "BetaGeo": "kpilib.kpis.clv",
    "GammaGamma": "kpilib.kpis.clv",
    "ProjectedCohortValue": "kpilib.kpis.clv",
    "projected_cohort_value": "kpilib.kpis.clv",
    "projected_payback": "kpilib.kpis.clv",
    "rfm_summary": "kpilib.kpis.clv",
    "build_report": "kpilib.report.build",
    "coaching": "kpilib.kpis.coaching",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kpilib' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names, lazily loaded ones included (what tab completion offers)."""
    return sorted({*__all__, "__version__"})


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
