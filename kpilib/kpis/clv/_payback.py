"""Payback and LTV:CAC with projected CLV beside the observed figures."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpilib.engine import frames as F
from kpilib.kpis.clv._cohort import ProjectedCohortValue, projected_cohort_value
from kpilib.kpis.value import payback

__all__ = ["projected_payback"]


def projected_payback(
    leads: Any,
    orders: Any,
    costs: Any,
    *,
    as_of: Any = None,
    horizon_months: int = 36,
    discount_rate: float = 0.10,
    ltv_to_cac_min: float = 3.0,
    payback_max_months: int = 12,
    projection: ProjectedCohortValue | None = None,
    lag: int = 0,
) -> pd.DataFrame:
    """:func:`kpilib.payback` per cohort, plus the same figures on projected CLV.

    The observed columns are those of :func:`kpilib.payback` (``clv`` is the
    margin per customer seen so far). Added, from
    :func:`kpilib.projected_cohort_value` (BG/NBD + Gamma-Gamma fitted on the
    orders up to *as_of*):

    - ``projected_clv``: expected margin per customer over *horizon_months*
      after acquisition, discounted at *discount_rate* a year;
    - ``projected_ltv_to_cac`` = projected_clv / cac, and
      ``flag_projected_ltv_to_cac`` when it is below *ltv_to_cac_min*;
    - ``projected_payback_months``: the first month since acquisition at whose
      end the (undiscounted) projected cumulative margin per customer covers
      cac, within the horizon; NaN when it never does or cac is unknown.

    *projection*, a :func:`kpilib.projected_cohort_value` result for the same
    data, as_of, horizon and rate, saves fitting the models a second time.
    *lag* is the CAC's lag (:func:`kpilib.cac`): costs of period t - lag set
    against the customers of period t.

    Returns a pandas frame whatever the input (the models run on numpy).

    Examples
    --------
    >>> import kpilib
    >>> ds = kpilib.load_dataset("data/sample")
    >>> out = projected_payback(ds.leads, ds.orders, ds.costs)
    >>> list(out.columns[-4:])
    ['projected_clv', 'projected_ltv_to_cac', 'flag_projected_ltv_to_cac', 'projected_payback_months']
    """
    observed = F.to_pandas(
        payback(
            leads,
            orders,
            costs,
            as_of=as_of,
            ltv_to_cac_min=ltv_to_cac_min,
            payback_max_months=payback_max_months,
            lag=lag,
        )
    )
    if projection is None:
        # the models read every order: the tables come to pandas (on any engine)
        leads_pd, orders_pd = F.to_pandas(leads), F.to_pandas(orders)
        day = (
            as_of
            if as_of is not None
            else max(leads_pd.filter(like="_at").max().max(), orders_pd["order_date"].max())
        )
        projection = projected_cohort_value(
            leads_pd,
            orders_pd,
            as_of=day,
            horizon_months=horizon_months,
            discount_rate=discount_rate,
        )
    out = observed.merge(projection.clv[["cohort", "projected_clv"]], on="cohort", how="left")
    cac = out["cac"].where(out["cac"] > 0)
    out["projected_ltv_to_cac"] = out["projected_clv"] / cac
    out["flag_projected_ltv_to_cac"] = (out["projected_ltv_to_cac"] < ltv_to_cac_min).fillna(False)
    curves = projection.curves.merge(out[["cohort", "cac"]], on="cohort", how="inner")
    covered = curves[curves["projected_cumulative_margin_per_customer"] >= curves["cac"]]
    first = covered.groupby("cohort")["months_since"].min().astype("float64")
    months = out["cohort"].map(first).astype("float64").where(cac.notna())
    out["projected_payback_months"] = months.astype("Int64")  # whole months, or unknown
    return out.reset_index(drop=True)
