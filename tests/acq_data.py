"""Small acquisition datasets and hand-made sections for the story and chart tests.

``two_channels()``, the story (no kpi.toml: default settings):

- September 2026: C0, C1 (ads) and C2 (web) buy; 9,000 of shared salaries:
  CAC 9,000 / 3 = 3,000.
- October 2026: C3, C4 (ads) and C5, C6 (web) buy; campaigns 6,000 on ads and
  2,000 on web: CAC 8,000 / 4 = 2,000 (−33%); ads 6,000 / 2 = 3,000, web
  2,000 / 2 = 1,000.
- Orders: every customer's first order brings 1,000 of margin in its month;
  C0 orders again in October (+2,000): the September cohort holds
  3,000 + 2,000 = 5,000 for 3 customers after 1 month, 1,667 a customer.
"""

from __future__ import annotations

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.sections.acquisition import AcquisitionSection
from kpilib.sections.model import fact, missing
from kpilib.sections.projection import Projection

SALES = [
    "2026-09-05",
    "2026-09-10",
    "2026-09-20",
    "2026-10-02",
    "2026-10-09",
    "2026-10-16",
    "2026-10-23",
]


def two_channels() -> Dataset:
    """Two channels, September's costs shared, October's direct (see the module)."""
    leads = pd.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(7)],
            "lead_at": pd.to_datetime(["2026-09-01"] * 3 + ["2026-10-01"] * 4),
            "source": ["ads", "ads", "web", "ads", "ads", "web", "web"],
            "sale_at": pd.to_datetime(SALES),
            "customer_id": [f"C{i}" for i in range(7)],
        }
    )
    costs = pd.DataFrame(
        {
            "period": ["2026-09", "2026-10", "2026-10"],
            "category": ["salaries", "campaigns", "campaigns"],
            "channel": [None, "ads", "web"],
            "amount": [9000.0, 6000.0, 2000.0],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(8)],
            "customer_id": [f"C{i}" for i in range(7)] + ["C0"],
            "order_date": pd.to_datetime([*SALES, "2026-10-20"]),
            "revenue": [4000.0] * 7 + [8000.0],
            "gross_margin": [1000.0] * 7 + [2000.0],
        }
    )
    return Dataset(leads=leads, costs=costs, orders=orders)


def with_projection(projection: Projection) -> AcquisitionSection:
    """A section of October 2026 (as of its last day) holding only *projection*."""
    blank = missing("money", "actual", "2026-10", "test")
    return AcquisitionSection(
        period="2026-10",
        previous_period="2026-09",
        as_of=pd.Timestamp("2026-10-31"),
        month_to_date=False,
        cac=blank,
        cost=blank,
        new_customers=blank,
        previous_cac=None,
        previous_cost=None,
        previous_new_customers=None,
        cac_change=None,
        ltv_to_cac=blank,
        previous_ltv_to_cac=None,
        ltv_months=0,
        payback=blank,
        previous_payback=None,
        projection=projection,
    )


def projection(**values: float) -> Projection:
    """A projection of the 2025-10 cohort (young: 2026-07) from plain numbers:
    observed, months, observed_ratio, value, ratio, young_payback, horizon, rate."""
    c, y = "2025-10", "2026-07"
    return Projection(
        cohort=c,
        young=y,
        fitted_to=pd.Timestamp("2026-10-31"),
        horizon=fact(values.get("horizon", 36), "months", "modelled", None, "test"),
        discount_rate=fact(values.get("rate", 0.10), "rate", "actual", None, "test"),
        observed_value=fact(values["observed"], "money", "observed", c, "test"),
        months_observed=fact(values["months"], "months", "observed", c, "test"),
        observed_ltv_to_cac=fact(values["observed_ratio"], "ratio", "observed", c, "test"),
        value=fact(values["value"], "money", "modelled", c, "test"),
        ltv_to_cac=fact(values["ratio"], "ratio", "modelled", c, "test"),
        young_payback=fact(values.get("young_payback"), "months", "modelled", y, "test"),
    )
