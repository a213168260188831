"""kpilib: sales KPIs for Jupyter — objectives, CAC, lifetime value and the lead funnel."""

from kpilib.data import load_dataset
from kpilib.dataset import Dataset
from kpilib.errors import DataError, KpiError, ParameterError
from kpilib.settings import Settings

__all__ = ["DataError", "Dataset", "KpiError", "ParameterError", "Settings", "load_dataset"]
__version__ = "0.1.0"
