"""Predictive customer lifetime value: buy-till-you-die models.

- :func:`rfm_summary` turns orders into frequency, recency, T and monetary_value;
- :class:`BetaGeo` (BG/NBD) projects purchases and the probability a customer is alive;
- :class:`GammaGamma` projects the value per purchase and discounted CLV;
- :func:`projected_cohort_value` extends the observed cohort value curves with both;
- :func:`projected_payback` sets projected CLV against CAC beside the observed payback.

Formulas, validation on CDNOW and a holdout check: ``docs/clv-models.md``.
"""

from kpilib.kpis.clv._betageo import BetaGeo
from kpilib.kpis.clv._cohort import ProjectedCohortValue, projected_cohort_value
from kpilib.kpis.clv._gammagamma import GammaGamma
from kpilib.kpis.clv._payback import projected_payback
from kpilib.kpis.clv._rfm import rfm_summary

__all__ = [
    "BetaGeo",
    "GammaGamma",
    "ProjectedCohortValue",
    "projected_cohort_value",
    "projected_payback",
    "rfm_summary",
]
