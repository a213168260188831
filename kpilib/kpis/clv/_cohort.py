"""Cohort value curves extended beyond the observed months by BG/NBD + Gamma-Gamma."""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from kpilib.data.require import require_columns
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.clv._betageo import BetaGeo
from kpilib.kpis.clv._checks import rows_text
from kpilib.kpis.clv._gammagamma import GammaGamma
from kpilib.kpis.clv._rfm import _as_day, rfm_summary

__all__ = ["ProjectedCohortValue", "projected_cohort_value"]

CURVE_COLUMNS = [
    "cohort",
    "months_since",
    "customers",
    "projected",
    "projected_cumulative_margin_per_customer",
    "discounted_cumulative_margin_per_customer",
]
CLV_COLUMNS = [
    "cohort",
    "customers",
    "observed_margin_per_customer",
    "projected_clv",
    "horizon_months",
    "discount_rate",
]
_WEEK_DAYS = 7.0


class ProjectedCohortValue(NamedTuple):
    """Result of :func:`projected_cohort_value`: two frames, the fitted models, notes."""

    curves: pd.DataFrame
    clv: pd.DataFrame
    beta_geo: BetaGeo | None
    gamma_gamma: GammaGamma | None
    notes: list[str]


def _month_index(dates: pd.Series) -> np.ndarray:
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy(dtype="int64")


def projected_cohort_value(
    leads: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of: object,
    horizon_months: int = 36,
    discount_rate: float = 0.10,
    margin_rate: float | None = None,
) -> ProjectedCohortValue:
    """Cumulative margin per customer by month since acquisition, projected to a horizon.

    A customer's cohort is the month of its first ``sale_at`` in *leads* (by
    *as_of*). BG/NBD and Gamma-Gamma are fitted on all orders up to *as_of*, in
    weeks (a week = 7 days), each customer born at its first order. For cohort c
    and month m = 0..horizon_months since acquisition (calendar months, 0 = the
    acquisition month), the value per customer is

    - observed: the cohort's margin in months 0..m / its customers, while month
      c+m has ended by *as_of*;
    - otherwise: the margin observed up to *as_of*, plus for each customer
      E[purchases from *as_of* to the end of month c+m] (BG/NBD) x E[margin per
      purchase] (Gamma-Gamma), summed and divided by the cohort's customers.

    ``projected_clv`` is the curve at the horizon with month m's margin
    discounted by (1 + discount_rate)^(-m/12): the value at acquisition.
    The observed part is :func:`kpilib.kpis.value.cohort_value`'s curve: an order
    dated before the acquisition counts in month 0; orders of customers without
    a sale in *leads* count in the fit, not in the curves. Caveats of the fits
    (poorly identified parameters, customers left out) are returned in
    ``notes``, not warned, for the report's data notes.

    Parameters
    ----------
    leads : DataFrame
        customer_id and sale_at (datetime) per lead.
    orders : DataFrame
        order_id, customer_id, order_date (datetime) and gross_margin (or revenue
        when *margin_rate* is given).
    as_of : date-like
        Last day observed (inclusive).
    horizon_months : int
        Last month since acquisition projected (kpi.toml ``value.horizon_months``).
    discount_rate : float
        Yearly discount rate of ``projected_clv`` (kpi.toml ``value.discount_rate``).
    margin_rate : float, optional
        When given, margin = revenue x margin_rate instead of the gross_margin column.

    Returns
    -------
    ProjectedCohortValue
        ``curves``: cohort (str "YYYY-MM"), months_since (int), customers (int),
        projected (bool: month m ends after *as_of*, so it holds model
        expectation), projected_cumulative_margin_per_customer and
        discounted_cumulative_margin_per_customer (money per customer), one row
        per cohort and month 0..horizon_months. ``clv``: cohort, customers,
        observed_margin_per_customer (to *as_of*), projected_clv (money per
        customer, discounted), horizon_months, discount_rate. ``beta_geo`` and
        ``gamma_gamma``: the fitted models (None without customers).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ids = [f"C{i:02d}" for i in range(80)]
    >>> first = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 90, 80), unit="D")
    >>> n = rng.geometric(rng.beta(2, 5, 80))  # orders per customer
    >>> gap = rng.gamma(2, 20, 80)  # mean days between orders, per customer
    >>> gaps = pd.Series(rng.exponential(np.repeat(gap, n))).groupby(np.repeat(np.arange(80), n))
    >>> days = (gaps.cumsum() - gaps.transform("first")).to_numpy()
    >>> orders = pd.DataFrame({
    ...     "order_id": [f"O{i}" for i in range(n.sum())],
    ...     "customer_id": np.repeat(ids, n),
    ...     "order_date": np.repeat(first, n) + pd.to_timedelta(days.round(), unit="D"),
    ...     "gross_margin": rng.gamma(4, np.repeat(rng.gamma(3, 3, 80), n)).round(2),
    ... })
    >>> leads = pd.DataFrame({"customer_id": ids, "sale_at": first})
    >>> res = projected_cohort_value(leads, orders, as_of="2025-06-30", horizon_months=12)
    >>> res.clv[["cohort", "customers", "observed_margin_per_customer", "projected_clv"]].round(1)
        cohort  customers  observed_margin_per_customer  projected_clv
    0  2025-01         22                         111.8          143.3
    1  2025-02         29                         135.5          193.6
    2  2025-03         29                          99.9          138.8
    >>> res.curves.iloc[[26, 29, 30, 38], [0, 1, 3, 4]].round(1)
         cohort  months_since  projected  projected_cumulative_margin_per_customer
    26  2025-03             0      False                                      60.7
    29  2025-03             3       True                                      99.9
    30  2025-03             4       True                                     107.5
    38  2025-03            12       True                                     141.6
    >>> res.notes
    []
    """
    if not (isinstance(horizon_months, int) and horizon_months >= 0):
        raise ParameterError(
            f"horizon_months={horizon_months!r} is invalid; use a whole number of months >= 0."
        )
    if not (isinstance(discount_rate, int | float) and 0 <= discount_rate <= 1):
        raise ParameterError(
            f"discount_rate={discount_rate!r} is invalid; use a yearly rate from 0 to 1 "
            "(0.10 for 10 %)."
        )
    if margin_rate is not None and not (
        isinstance(margin_rate, int | float) and 0 <= margin_rate <= 1
    ):
        raise ParameterError(
            f"margin_rate={margin_rate!r} is invalid; use a fraction from 0 to 1 (0.35 for 35 %)."
        )
    end = _as_day(as_of, name="as_of")
    require_columns(
        leads,
        ["customer_id", "sale_at"],
        name="projected_cohort_value: leads",
        expects="kpilib.projected_cohort_value expects the leads table",
        fix="pass kpilib.load_dataset(folder).leads.",
        pandas=True,
    )
    measure = "gross_margin" if margin_rate is None else "revenue"
    require_columns(
        orders,
        ["order_id", "customer_id", "order_date", measure],
        name="projected_cohort_value: orders",
        expects="kpilib.projected_cohort_value expects the orders table",
        fix="pass kpilib.load_dataset(folder).orders"
        + (", or pass margin_rate to use revenue x margin_rate." if margin_rate is None else "."),
        pandas=True,
    )
    dup = orders["order_id"].duplicated(keep=False)
    if dup.any():
        hits = orders.index[dup.to_numpy()].to_list()
        raise DataError(
            f"projected_cohort_value: orders: {len(hits)} rows share an order_id with another "
            f"row ({rows_text(hits)}). order_id must be unique; remove the duplicates."
        )
    if not pd.api.types.is_datetime64_any_dtype(leads["sale_at"]):
        raise DataError(
            f"projected_cohort_value: leads: sale_at has dtype {leads['sale_at'].dtype}, not "
            "datetime. Parse it with pd.to_datetime, or load the leads with kpilib.load_dataset."
        )
    margin = (
        orders["gross_margin"]
        if margin_rate is None
        else pd.to_numeric(orders["revenue"], errors="coerce") * margin_rate
    )
    cal = pd.DataFrame(
        {
            "customer_id": orders["customer_id"],
            "order_date": orders["order_date"],
            "gross_margin": margin,
        }
    )
    rfm = rfm_summary(cal, observation_end=end, time_unit="weeks")

    sales = leads.loc[leads["sale_at"].notna() & leads["customer_id"].notna()]
    sales = sales.loc[sales["sale_at"].dt.normalize() <= end]
    acquired = (
        sales.groupby(sales["customer_id"].astype(str))["sale_at"].min().rename("acquired_at")
    )
    if acquired.empty:
        return ProjectedCohortValue(
            _empty(CURVE_COLUMNS, _curve_dtypes()),
            _empty(CLV_COLUMNS, _clv_dtypes()),
            None,
            None,
            [],
        )

    if rfm.empty:
        raise DataError(
            f"projected_cohort_value: orders: no order up to as_of {end.date()}; the models "
            "need the customers' order history. Check as_of, or load the orders table."
        )
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bg = BetaGeo().fit(rfm)
        repeat = rfm.loc[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
        gg = GammaGamma().fit(repeat)
    for w in caught:
        if str(w.message).startswith(("BetaGeo", "GammaGamma")):
            notes.append(str(w.message))
        else:  # not ours: pass it on
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    dropped = int(((rfm["frequency"] > 0) & ~(rfm["monetary_value"] > 0)).sum())
    if dropped:
        notes.append(
            f"{dropped} repeat buyers with a mean repeat margin <= 0 were left out of the "
            "Gamma-Gamma fit (it models positive values); their expected margin per purchase "
            "still weighs their own mean against the population mean."
        )

    # one row per acquired customer: its cohort and its RFM (no order yet: x = 0 from its sale)
    cust = acquired.to_frame().join(rfm.set_index("customer_id"), how="left")
    no_order = cust["frequency"].isna()
    cust.loc[no_order, ["frequency", "recency"]] = 0.0
    cust.loc[no_order, "T"] = (end - cust.loc[no_order, "acquired_at"].dt.normalize()).dt.days / 7
    cust["cohort_index"] = _month_index(cust["acquired_at"])
    as_of_index = int(end.year * 12 + end.month - 1)

    # expected future margin of each customer to the end of months as_of .. as_of + horizon
    ends = pd.to_datetime(
        [
            pd.Timestamp(year=(i + 1) // 12, month=(i + 1) % 12 + 1, day=1)
            for i in range(as_of_index, as_of_index + horizon_months + 1)
        ]
    )
    future_weeks = ((ends - end).days.to_numpy() - 1) / _WEEK_DAYS
    rfm_cust = cust[["frequency", "recency", "T", "monetary_value"]]
    x, tx, big_t = (rfm_cust[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    per_purchase = gg.expected_average_margin(rfm_cust).to_numpy()
    expected = (
        np.stack([bg._conditional(x, tx, big_t, np.full_like(x, w)) for w in future_weeks], axis=1)
        * per_purchase[:, None]
    )

    cohorts = np.unique(cust["cohort_index"].to_numpy())
    months = np.arange(horizon_months + 1)
    grid_c = np.repeat(cohorts, len(months))
    grid_m = np.tile(months, len(cohorts))
    n_cust = cust.groupby("cohort_index").size().reindex(cohorts).to_numpy()

    # observed margin by cohort and month since acquisition
    seen = cal.loc[cal["order_date"].dt.normalize() <= end].assign(
        customer_id=lambda f: f["customer_id"].astype(str)
    )
    seen = seen.join(cust["cohort_index"], on="customer_id", how="inner")
    # an order dated before the acquisition month counts in month 0 (as in value.cohort_value)
    seen["m"] = np.maximum(_month_index(seen["order_date"]) - seen["cohort_index"].to_numpy(), 0)
    seen = seen.loc[seen["m"] <= horizon_months]
    by_month = seen.groupby(["cohort_index", "m"])["gross_margin"].sum()
    observed = by_month.reindex(pd.MultiIndex.from_arrays([grid_c, grid_m]), fill_value=0.0)
    observed = observed.to_numpy().reshape(len(cohorts), len(months)).cumsum(axis=1)

    # model part: months ending after as_of get the cohort's expected margin to that month's end
    future = np.zeros((len(cohorts), len(months)))
    pos = np.searchsorted(cohorts, cust["cohort_index"].to_numpy())
    sums = np.zeros((len(cohorts), expected.shape[1]))
    np.add.at(sums, pos, expected)
    k = cohorts[:, None] + months[None, :] - as_of_index  # index into `ends`
    open_month = k >= 0
    future[open_month] = sums[np.nonzero(open_month)[0], k[open_month]]
    # cumulative margin up to as_of (month as_of_index is the last one with orders)
    last_seen = np.minimum(as_of_index - cohorts, horizon_months)
    observed_to_date = np.take_along_axis(observed, last_seen[:, None], axis=1)
    total = np.where(open_month, observed_to_date + future, observed) / n_cust[:, None]
    increments = np.diff(total, axis=1, prepend=0.0)
    discounted = (increments * (1 + discount_rate) ** (-months / 12)).cumsum(axis=1)

    labels = np.array([f"{c // 12:04d}-{c % 12 + 1:02d}" for c in cohorts], dtype=object)
    curves = pd.DataFrame(
        {
            "cohort": pd.Series(np.repeat(labels, len(months)), dtype="str"),
            "months_since": grid_m.astype("int64"),
            "customers": np.repeat(n_cust, len(months)).astype("int64"),
            "projected": open_month.ravel(),
            "projected_cumulative_margin_per_customer": total.ravel(),
            "discounted_cumulative_margin_per_customer": discounted.ravel(),
        }
    )
    clv = pd.DataFrame(
        {
            "cohort": pd.Series(labels, dtype="str"),
            "customers": n_cust.astype("int64"),
            "observed_margin_per_customer": observed_to_date[:, 0] / n_cust,
            "projected_clv": discounted[:, -1],
            "horizon_months": np.full(len(cohorts), horizon_months, dtype="int64"),
            "discount_rate": np.full(len(cohorts), float(discount_rate)),
        }
    )
    return ProjectedCohortValue(curves, clv, bg, gg, notes)


def _curve_dtypes() -> dict[str, str]:
    return {
        "cohort": "str",
        "months_since": "int64",
        "customers": "int64",
        "projected": "bool",
        "projected_cumulative_margin_per_customer": "float64",
        "discounted_cumulative_margin_per_customer": "float64",
    }


def _clv_dtypes() -> dict[str, str]:
    return {
        "cohort": "str",
        "customers": "int64",
        "observed_margin_per_customer": "float64",
        "projected_clv": "float64",
        "horizon_months": "int64",
        "discount_rate": "float64",
    }


def _empty(columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in columns})
