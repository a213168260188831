"""kpilib: sales KPIs for Jupyter — objectives, CAC, lifetime value and the lead funnel."""

from kpilib.acquisition import cac
from kpilib.clv import (
    BetaGeo,
    GammaGamma,
    ProjectedCohortValue,
    projected_cohort_value,
    projected_payback,
    rfm_summary,
)
from kpilib.data import load_dataset
from kpilib.dataset import Dataset
from kpilib.errors import DataError, KpiError, ParameterError
from kpilib.funnel import funnel, funnel_trend, qualified_to_customer, win_rate
from kpilib.objectives import attainment
from kpilib.periods import Period, business_days, parse_period, resolve_as_of
from kpilib.settings import Settings
from kpilib.tables import compute_all, write_tables
from kpilib.value import cohort_value, payback

__all__ = [
    "Period",
    "attainment",
    "business_days",
    "cac",
    "cohort_value",
    "compute_all",
    "funnel",
    "funnel_trend",
    "parse_period",
    "payback",
    "qualified_to_customer",
    "resolve_as_of",
    "win_rate",
    "write_tables",
    "BetaGeo",
    "DataError",
    "Dataset",
    "GammaGamma",
    "KpiError",
    "ParameterError",
    "ProjectedCohortValue",
    "Settings",
    "load_dataset",
    "projected_cohort_value",
    "projected_payback",
    "rfm_summary",
]
__version__ = "0.1.0"
