"""kpilib: sales KPIs for Jupyter — objectives, CAC, lifetime value and the lead funnel."""

from kpilib.clv import (
    BetaGeo,
    GammaGamma,
    ProjectedCohortValue,
    projected_cohort_value,
    rfm_summary,
)
from kpilib.data import load_dataset
from kpilib.dataset import Dataset
from kpilib.errors import DataError, KpiError, ParameterError
from kpilib.settings import Settings

__all__ = [
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
    "rfm_summary",
]
__version__ = "0.1.0"
