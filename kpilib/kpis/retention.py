"""Customer retention: active customers per acquisition cohort, churn and lifetime.

:func:`retention` counts, for each acquisition cohort and month since
acquisition, the customers with at least one order that month.
:func:`cohort_lifetime` reads a monthly survival curve from that table (pooled
month-to-month survival across cohorts, weighted by the customers at risk);
:func:`model_lifetime` reads it from a fitted BG/NBD model's probability of
being alive. Both give the expected months a customer stays within a horizon
and the monthly churn (docs/kpis.md, "Retention and customer lifetime").
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, NamedTuple

import narwhals as nw
import numpy as np
import pandas as pd

from kpilib.data.require import require_columns
from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.value import _prepare, cohort_buyers, cohort_grid, cohort_orders

__all__ = [
    "retention",
    "cohort_lifetime",
    "model_lifetime",
    "Lifetime",
    "RETENTION_COLUMNS",
    "CHURN_MONTHS",
]

RETENTION_COLUMNS = ["cohort", "months_since", "customers", "active", "retention", "partial"]
CHURN_MONTHS = 12
"""Months over which the monthly churn is averaged: 1 - S(12)^(1/12)."""
_MONTH_DAYS = 365.25 / 12
_QUANTILES = 4000
_UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": _MONTH_DAYS}


def retention_lazy(
    leads: nw.LazyFrame, orders: nw.LazyFrame, *, day: dt.datetime, firsts: nw.LazyFrame
) -> nw.LazyFrame:
    """:func:`retention` on LazyFrames with a resolved as-of day and first sales."""
    group = ["_c"]
    as_of_key = day.year * 12 + day.month - 1
    # the as_of month is partial unless as_of is its last day
    month_open = (day + dt.timedelta(days=1)).month == day.month
    buyers = cohort_buyers(firsts, group)
    grid = cohort_grid(buyers, group, as_of_key)
    active = (
        cohort_orders(orders, buyers, day, [])
        .group_by(*group, "months_since")
        .agg(nw.col("customer_id").n_unique().alias("active"))
    )
    out = grid.join(active, on=[*group, "months_since"], how="left").with_columns(
        active=nw.col("active").fill_null(0).cast(nw.Int64),
        cohort=F.month_label(nw.col("_c")),
        partial=(nw.col("_c") + nw.col("months_since") == as_of_key) & nw.lit(month_open),
    )
    return out.sort(["_c", "months_since"]).select(
        nw.col("cohort").cast(nw.String),
        nw.col("months_since").cast(nw.Int64),
        nw.col("customers").cast(nw.Int64),
        nw.col("active").cast(nw.Int64),
        (nw.col("active").cast(nw.Float64) / nw.col("customers").cast(nw.Float64)).alias(
            "retention"
        ),
        nw.col("partial").cast(nw.Boolean),
    )


def retention(leads: Any, orders: Any, *, as_of: Any = None) -> Any:
    """Share of each acquisition cohort's customers who order, month by month.

    A customer's cohort is the month of its first sale_at, as in
    :func:`kpilib.cohort_value`. For each cohort and ``months_since`` (the
    order's month minus the cohort's; 0 = the acquisition month; an order
    dated before the acquisition counts in month 0), ``active`` counts the
    cohort's customers with at least one order in that month and
    ``retention`` = active / customers. Every month from 0 to as_of's month is
    listed (active 0 when nobody ordered). ``partial`` marks the month that
    holds as_of when as_of is not its last day: it is still open, its
    retention will rise, and it is not churn. Orders of customers absent from
    *leads* are ignored.

    Parameters
    ----------
    leads
        Leads: lead_at, sale_at, customer_id (source optional).
    orders
        Orders: customer_id, order_date.
    as_of
        Day of the data's view; default the latest date of leads and orders.

    Returns
    -------
    Frame of the input's kind sorted by cohort, months_since: cohort
    ("YYYY-MM"), months_since (months), customers (count), active (count),
    retention (fraction), partial (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> sales = pd.to_datetime(["2026-07-05", "2026-07-20", "2026-08-02"])
    >>> leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "lead_at": sales,
    ...                       "sale_at": sales, "customer_id": ["A", "B", "C"]})
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["A", "B", "A", "C", "C"],
    ...     "order_date": pd.to_datetime(["2026-07-05", "2026-07-20", "2026-08-09",
    ...                                   "2026-08-02", "2026-09-03"]),
    ... })
    >>> retention(leads, orders, as_of="2026-09-15")
        cohort  months_since  customers  active  retention  partial
    0  2026-07             0          2       2        1.0    False
    1  2026-07             1          2       1        0.5    False
    2  2026-07             2          2       0        0.0     True
    3  2026-08             0          1       1        1.0    False
    4  2026-08             1          1       1        1.0     True
    """
    kind, leads_lf, firsts, orders_lf, _, day = _prepare(
        leads, orders, as_of, "retention", order_columns=("customer_id", "order_date")
    )
    return F.to_native(retention_lazy(leads_lf, orders_lf, day=day, firsts=firsts), kind)


class Lifetime(NamedTuple):
    """Expected months a customer stays within ``horizon`` months, and the monthly churn.

    ``months`` = the sum of the survival curve S(0) + … + S(horizon − 1);
    ``churn`` = 1 − S(m)^(1/m) with m = min(12, horizon): the average monthly
    loss over the first year. ``curve`` holds months_since 0 .. horizon,
    ``survival`` and ``extrapolated`` (True where no data observed that step).
    Both NaN when the data gives no step of the curve.
    """

    months: float
    churn: float
    horizon: int
    curve: pd.DataFrame


def _horizon(horizon_months: int) -> int:
    whole = isinstance(horizon_months, int | np.integer) and not isinstance(horizon_months, bool)
    if not whole or horizon_months < 1:
        raise ParameterError(
            f"horizon_months = {horizon_months!r} is invalid; expected a whole number of "
            "months, at least 1."
        )
    return int(horizon_months)


def _lifetime(survival: np.ndarray, extrapolated: np.ndarray, horizon: int) -> Lifetime:
    curve = pd.DataFrame(
        {
            "months_since": np.arange(horizon + 1, dtype="int64"),
            "survival": survival.astype("float64"),
            "extrapolated": extrapolated.astype(bool),
        }
    )
    m = min(CHURN_MONTHS, horizon)
    months = float(survival[:horizon].sum())
    churn = float(1 - survival[m] ** (1 / m))
    return Lifetime(months, churn, horizon, curve)


def cohort_lifetime(table: Any, *, horizon_months: int = 36) -> Lifetime:
    """Customer lifetime from the cohort curves of :func:`retention`.

    For each step k ≥ 1, over the cohorts whose month k is observed and not
    partial: at risk = their active customers in month k − 1, retained = their
    active customers in month k, and the step's survival = retained / at risk,
    at most 1 (customers coming back after a quiet month are not negative
    churn). S(0) = 1 and S(k) is the product of the steps up to k. A step no
    cohort has observed yet takes the pooled survival of all observed steps
    (Σ retained / Σ at risk, at most 1) and is marked ``extrapolated``. A month
    without an order counts as a loss here: for customers who do not order
    every month this reads months with an order more than months as a
    customer.

    Parameters
    ----------
    table
        :func:`retention`'s table (any engine; it is small).
    horizon_months
        Truncation horizon H: the lifetime is S(0) + … + S(H − 1).

    Returns
    -------
    Lifetime

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "cohort": ["2026-01"] * 3 + ["2026-02"] * 2,
    ...     "months_since": [0, 1, 2, 0, 1],
    ...     "customers": [10, 10, 10, 10, 10], "active": [10, 5, 4, 10, 3],
    ...     "retention": [1.0, 0.5, 0.4, 1.0, 0.3],
    ...     "partial": [False, False, False, False, True],
    ... })
    >>> life = cohort_lifetime(table, horizon_months=3)
    >>> life.curve["survival"].round(3).tolist()  # steps 5/10, 4/5, then (5+4)/(10+5)
    [1.0, 0.5, 0.4, 0.24]
    >>> round(life.months, 2), round(life.churn, 4)  # 1 + 0.5 + 0.4; 1 - 0.24^(1/3)
    (1.9, 0.3786)
    """
    horizon = _horizon(horizon_months)
    require_columns(
        table,
        ["cohort", "months_since", "active", "partial"],
        name="table",
        expects="kpilib.cohort_lifetime expects the frame of kpilib.retention(leads, orders)",
        fix="make it with that call.",
    )
    frame = F.to_pandas(table)
    seen = frame.loc[~frame["partial"].astype(bool), ["cohort", "months_since", "active"]]
    before = seen.assign(months_since=seen["months_since"] + 1)
    steps = seen.merge(before, on=["cohort", "months_since"], suffixes=("", "_before"))
    steps = steps[steps["months_since"] >= 1]
    sums = steps.groupby("months_since")[["active", "active_before"]].sum()
    sums = sums[sums["active_before"] > 0]
    survival = np.ones(horizon + 1)
    extrapolated = np.zeros(horizon + 1, dtype=bool)
    if not len(sums):
        survival[1:] = math.nan
        return _lifetime(survival, extrapolated, horizon)
    pooled = min(1.0, sums["active"].sum() / sums["active_before"].sum())
    observed = (sums["active"] / sums["active_before"]).clip(upper=1.0).to_dict()
    for k in range(1, horizon + 1):
        extrapolated[k] = k not in observed
        survival[k] = survival[k - 1] * observed.get(k, pooled)
    return _lifetime(survival, extrapolated, horizon)


def _model_survival(params: dict[str, float], t: np.ndarray) -> np.ndarray:
    """P(alive at t after the first purchase) of a new customer under BG/NBD, per t.

    Given lambda and p, drop-outs come at rate lambda * p, so S(t | lambda, p) =
    exp(-lambda p t); over lambda ~ Gamma(r, alpha) that is (alpha / (alpha + p t))^r,
    averaged here over p ~ Beta(a, b) by the midpoint rule on its quantiles
    (_QUANTILES points: the integrand lies in [0, 1] and is smooth in p).
    """
    from scipy.special import betaincinv  # the beta quantile (scipy.stats' beta.ppf)

    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    p = betaincinv(a, b, (np.arange(_QUANTILES) + 0.5) / _QUANTILES)
    return np.exp(-r * np.log1p(np.outer(t, p) / alpha)).mean(axis=1)


def model_lifetime(model: Any, *, horizon_months: int = 36) -> Lifetime:
    """Customer lifetime from a fitted BG/NBD model's probability of being alive.

    S(k) is the probability that a new customer is still alive k months after
    its first purchase: under BG/NBD a customer buys at rate lambda ~ Gamma(r,
    alpha) and drops out after a repeat purchase with probability p ~ Beta(a, b),
    so S(t) = E_p[(alpha / (alpha + p t))^r] (t in the model's time unit; a
    month is 365.25 / 12 days). As for :func:`cohort_lifetime`, the lifetime is
    S(0) + … + S(H − 1) and the churn 1 − S(12)^(1/12).

    Parameters
    ----------
    model
        A fitted :class:`kpilib.kpis.clv.BetaGeo` with its ``time_unit_`` set.
    horizon_months
        Truncation horizon H.

    Returns
    -------
    Lifetime

    Examples
    --------
    >>> from kpilib.kpis.clv import BetaGeo
    >>> bg = BetaGeo.from_params(r=1.0, alpha=1.0, a=1.0, b=1.0, time_unit="months")
    >>> # S(t) = E_p[1 / (1 + p t)] = ln(1 + t) / t over p ~ Uniform(0, 1)
    >>> model_lifetime(bg, horizon_months=2).curve["survival"].round(4).tolist()
    [1.0, 0.6931, 0.5493]
    """
    horizon = _horizon(horizon_months)
    unit = getattr(model, "time_unit_", None)
    params = getattr(model, "params_", None)
    if not params or unit not in _UNIT_DAYS:
        raise ParameterError(
            "model_lifetime: the model is not a fitted BetaGeo with a time unit; fit it "
            "with BetaGeo().fit(rfm_summary(...)) or give from_params a time_unit."
        )
    month = _MONTH_DAYS / _UNIT_DAYS[unit]
    survival = _model_survival(params, np.arange(horizon + 1) * month)
    return _lifetime(survival, np.zeros(horizon + 1, dtype=bool), horizon)
