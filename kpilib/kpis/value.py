"""Customer value: cohort margin curves, observed CLV, CAC payback and LTV:CAC."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import narwhals as nw

from kpilib.data.periods import resolve_as_of
from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.acquisition import SALE_COLUMNS, Allocation, cac_lazy, check_cac_options

__all__ = ["cohort_value", "payback", "COHORT_VALUE_COLUMNS", "PAYBACK_COLUMNS"]

COHORT_VALUE_COLUMNS = [
    "cohort",
    "months_since",
    "customers",
    "margin_per_customer",
    "cumulative_margin_per_customer",
]
PAYBACK_COLUMNS = [
    "cohort",
    "customers",
    "cac",
    "payback_months",
    "months_observed",
    "clv",
    "ltv_to_cac",
    "flag_ltv_to_cac",
    "flag_payback",
]


def _keys(by: str | None) -> list[str]:
    if by not in (None, "channel"):
        raise ParameterError(f"by = {by!r} is invalid; expected None or 'channel'.")
    return ["cohort"] + (["channel"] if by else [])


def first_customers(leads: nw.LazyFrame, day: dt.datetime) -> nw.LazyFrame:
    """customer_id, acquired_at, source: each customer's first sale as seen at *day*.

    Leads created after *day* and sales dated after it do not count (see
    :func:`kpilib.engine.frames.first_sales`). The result, one row per customer, is
    materialised on engines that would otherwise compute it again at each use.
    """
    firsts = F.first_sales(leads, day + dt.timedelta(days=1))
    return F.materialise_small(firsts.select("customer_id", "acquired_at", "source"))


def _prepare(
    leads: Any,
    orders: Any,
    as_of: Any,
    what: str,
    costs: Any = None,
    order_columns: tuple[str, ...] = ("customer_id", "order_date", "gross_margin"),
    *,
    by_leads: bool = False,
) -> tuple:
    optional = ("costs",) if what in ("cohort_value", "retention") else ()
    # the leads are read for their first sales only (and their dates, for as_of): on
    # pandas input, the text columns are converted for the rows with a sale only
    kind, lf = F.lazy_inputs(
        optional,
        # payback's CAC reads every lead's source only when the leads share the costs
        keep={"leads": ["source"] if by_leads else [], "orders": list(order_columns)},
        sales=SALE_COLUMNS,
        leads=leads,
        orders=orders,
        costs=costs,
    )
    leads_lf, orders_lf = lf["leads"], lf["orders"]
    assert leads_lf is not None and orders_lf is not None
    F.require(leads_lf, "leads", ["lead_at", "sale_at", "customer_id"], what)
    F.require(orders_lf, "orders", list(order_columns), what)
    latest = (
        F.latest_date(
            leads=(leads_lf, F.date_columns(leads_lf)), orders=(orders_lf, ["order_date"])
        )
        if as_of is None
        else None  # given: the data's latest date is not read
    )
    day = resolve_as_of(as_of, latest)
    firsts = first_customers(F.sales_of(lf), day)
    return kind, leads_lf, firsts, orders_lf, lf["costs"], day


def cohort_buyers(firsts: nw.LazyFrame, group: list[str]) -> nw.LazyFrame:
    """customer_id and *group* (``_c`` = the cohort's month key, [channel]) per customer."""
    return firsts.with_columns(
        _c=F.month_key(nw.col("acquired_at")),
        channel=nw.col("source").fill_null("unknown"),
    ).select("customer_id", *group)


def cohort_grid(buyers: nw.LazyFrame, group: list[str], as_of_key: int) -> nw.LazyFrame:
    """One row per cohort (*group*) and months_since 0 .. as_of's month, with its customers."""
    cohorts = F.materialise_small(buyers.group_by(*group).agg(nw.len().alias("customers")))
    first = cohorts.select(nw.col("_c").min()).collect().item(0, 0)
    span = 0 if first is None or first != first else as_of_key - int(first)
    months = F.small_frame(
        cohorts, {"months_since": list(range(span + 1))}, {"months_since": nw.Int64}
    )
    return (
        cohorts.join(months, how="cross")
        .filter(nw.col("months_since") <= as_of_key - nw.col("_c"))
        .select(*group, nw.col("customers").cast(nw.Int64), "months_since")
    )


def cohort_orders(
    orders: nw.LazyFrame, buyers: nw.LazyFrame, day: dt.datetime, columns: list[str]
) -> nw.LazyFrame:
    """Orders up to *day* of the cohorts' customers, with their ``months_since``.

    An order dated before its customer's acquisition counts in month 0; orders of
    customers absent from *buyers* are left out.
    """
    cutoff = day + dt.timedelta(days=1)
    return (
        orders.filter(nw.col("order_date") < cutoff, ~nw.col("customer_id").is_null())
        .select("customer_id", "order_date", *columns)
        .join(buyers, on="customer_id", how="inner")
        .with_columns(
            months_since=nw.max_horizontal(
                F.month_key(nw.col("order_date")) - nw.col("_c"), nw.lit(0)
            ).cast(nw.Int64)
        )
    )


def cohort_value_lazy(
    leads: nw.LazyFrame,
    orders: nw.LazyFrame,
    *,
    day: dt.datetime,
    by: str | None = None,
    firsts: nw.LazyFrame | None = None,
) -> nw.LazyFrame:
    """:func:`cohort_value` on LazyFrames with a resolved as-of day (keeps ``_c``).

    *firsts* is :func:`first_customers` of the same leads and day when the
    caller has it already (computed once, it serves the CAC as well).
    """
    keys = _keys(by)
    group = ["_c", *keys[1:]]  # the month key stands for the cohort label until the end
    as_of_key = day.year * 12 + day.month - 1
    if firsts is None:
        firsts = first_customers(leads, day)
    buyers = cohort_buyers(firsts, group)
    grid = cohort_grid(buyers, group, as_of_key)
    margins = (
        cohort_orders(orders, buyers, day, ["gross_margin"])
        .with_columns(_m=nw.col("gross_margin").fill_null(0.0).cast(nw.Float64))
        .group_by(*group, "months_since")
        .agg(nw.col("_m").sum())
    )
    out = grid.join(margins, on=[*group, "months_since"], how="left").with_columns(
        margin_per_customer=nw.col("_m").fill_null(0.0) / nw.col("customers").cast(nw.Float64)
    )
    out = out.with_columns(
        cohort=F.month_label(nw.col("_c")),
        cumulative_margin_per_customer=nw.col("margin_per_customer")
        .cum_sum()
        .over(*group, order_by="months_since"),
    )
    return out.sort([*group, "months_since"], nulls_last=False).select(
        "_c",
        *[nw.col(k).cast(nw.String) for k in keys],
        nw.col("months_since").cast(nw.Int64),
        nw.col("customers").cast(nw.Int64),
        nw.col("margin_per_customer").cast(nw.Float64),
        nw.col("cumulative_margin_per_customer").cast(nw.Float64),
    )


def cohort_value(
    leads: Any,
    orders: Any,
    *,
    as_of: Any = None,
    by: Literal["channel"] | None = None,
) -> Any:
    """Gross margin per customer of each acquisition cohort, month by month.

    A customer (customer_id) is acquired at its first sale_at; its cohort is
    that month and its channel that lead's source. ``months_since`` is the
    order's month minus the cohort's (0 = the acquisition month; an order
    dated before the acquisition counts in month 0). ``margin_per_customer``
    = the cohort's gross margin in that month / its customers;
    ``cumulative_margin_per_customer`` sums it from month 0 (the observed CLV
    curve). Every month from 0 to as_of's month is listed, with 0 margin when
    no order fell in it. Orders of customers absent from *leads* are ignored.

    Parameters
    ----------
    leads
        Leads: lead_at, sale_at, customer_id, source.
    orders
        Orders: customer_id, order_date, gross_margin (currency).
    as_of
        Day of the data's view; default the latest date of leads and orders.
    by
        None, or "channel" for one curve per cohort and channel.

    Returns
    -------
    Frame of the input's kind sorted by cohort, [channel], months_since:
    cohort ("YYYY-MM"), [channel], months_since (months), customers (count),
    margin_per_customer, cumulative_margin_per_customer (currency per customer).

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_id": ["L1", "L2"], "source": ["ads", "ads"],
    ...     "lead_at": pd.to_datetime(["2026-08-01", "2026-08-02"]),
    ...     "sale_at": pd.to_datetime(["2026-08-10", "2026-08-20"]),
    ...     "customer_id": ["C1", "C2"],
    ... })
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["C1", "C2", "C1"],
    ...     "order_date": pd.to_datetime(["2026-08-10", "2026-08-20", "2026-10-05"]),
    ...     "gross_margin": [100.0, 300.0, 50.0],
    ... })
    >>> out = cohort_value(leads, orders)
    >>> out[["cohort", "months_since", "customers", "margin_per_customer"]]
        cohort  months_since  customers  margin_per_customer
    0  2026-08             0          2                200.0
    1  2026-08             1          2                  0.0
    2  2026-08             2          2                 25.0
    >>> out["cumulative_margin_per_customer"].tolist()
    [200.0, 200.0, 225.0]
    """
    kind, leads_lf, firsts, orders_lf, _, day = _prepare(leads, orders, as_of, "cohort_value")
    out = cohort_value_lazy(leads_lf, orders_lf, day=day, by=by, firsts=firsts).drop("_c")
    return F.to_native(out, kind)


def payback(
    leads: Any,
    orders: Any,
    costs: Any,
    *,
    as_of: Any = None,
    by: Literal["channel"] | None = None,
    ltv_to_cac_min: float = 3.0,
    payback_max_months: int = 12,
    allocation: Allocation = "new_customers",
    lag: int = 0,
) -> Any:
    """CAC payback, observed CLV and LTV:CAC per acquisition cohort.

    A cohort's ``cac`` is the CAC of its acquisition month as
    :func:`kpilib.kpis.acquisition.cac` computes it with *allocation* and
    *lag*: blended, or with ``by="channel"`` that channel's CAC, its share of
    the costs without a channel given by *allocation*. ``payback_months`` is the
    number of whole months after the acquisition month at whose end the
    cumulative margin per customer first covers ``cac`` (0 = within the
    acquisition month; missing, ``pd.NA`` in pandas' nullable Int64, when not
    covered yet or cac unknown).
    ``months_observed`` is the last months_since seen (as_of's month minus the
    cohort's). ``clv`` is the observed cumulative margin per customer at that
    month; ``ltv_to_cac = clv / cac`` (NaN when cac is 0 or unknown).
    ``flag_ltv_to_cac`` is True when ltv_to_cac < *ltv_to_cac_min*;
    ``flag_payback`` when payback_months > *payback_max_months*, or the cohort
    is not paid back after more than that many months.

    Parameters
    ----------
    leads, orders
        As for :func:`cohort_value`.
    costs
        Cost lines, as for :func:`kpilib.kpis.acquisition.cac`.
    as_of
        Day of the data's view; default the latest date of leads and orders.
    by
        None, or "channel".
    ltv_to_cac_min, payback_max_months
        Flag thresholds.
    allocation, lag
        How the CAC shares costs without a channel, and the months between a
        cost and the customers it buys, as for :func:`kpilib.kpis.acquisition.cac`.

    Returns
    -------
    Frame of the input's kind sorted by cohort, [channel]: cohort, [channel],
    customers (count), cac (currency per customer), payback_months (whole months),
    months_observed (months), clv (currency per customer), ltv_to_cac
    (ratio), flag_ltv_to_cac, flag_payback (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_id": ["L1", "L2"], "source": ["ads", "ads"],
    ...     "lead_at": pd.to_datetime(["2026-08-01", "2026-08-02"]),
    ...     "sale_at": pd.to_datetime(["2026-08-10", "2026-08-20"]),
    ...     "customer_id": ["C1", "C2"],
    ... })
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["C1", "C2", "C1"],
    ...     "order_date": pd.to_datetime(["2026-08-10", "2026-08-20", "2026-10-05"]),
    ...     "gross_margin": [100.0, 300.0, 50.0],
    ... })
    >>> costs = pd.DataFrame({"period": ["2026-08"], "category": ["campaigns"],
    ...                       "amount": [440.0]})
    >>> payback(leads, orders, costs).iloc[0]
    cohort              2026-08
    customers                 2
    cac                   220.0
    payback_months            2
    months_observed           2
    clv                   225.0
    ltv_to_cac         1.022727
    flag_ltv_to_cac        True
    flag_payback          False
    Name: 0, dtype: object
    """
    check_cac_options(allocation, lag)
    keys = _keys(by)
    kind, leads_lf, firsts, orders_lf, costs_lf, day = _prepare(
        leads, orders, as_of, "payback", costs, by_leads=bool(by) and allocation == "leads"
    )
    assert costs_lf is not None
    F.require(costs_lf, "costs", ["period", "category", "amount"], "payback")
    curve = cohort_value_lazy(leads_lf, orders_lf, day=day, by=by, firsts=firsts)
    # without by, only the blended CAC is read: its channel rows are not made
    cacs = cac_lazy(
        leads_lf,
        costs_lf,
        day=day,
        firsts=firsts,
        channels=bool(by),
        allocation=allocation,
        lag=lag,
    ).select(nw.col("period").alias("cohort"), "channel", "cac")
    if by:
        cacs = cacs.filter(~nw.col("channel").is_null())
    else:
        cacs = cacs.filter(nw.col("channel").is_null()).drop("channel")
    cum = nw.col("cumulative_margin_per_customer")
    rows = (
        curve.join(cacs, on=keys, how="left")
        .with_columns(
            _hit=nw.when(~nw.col("cac").is_null() & (cum >= nw.col("cac"))).then(
                nw.col("months_since")
            ),
            _last=nw.col("months_since").max().over(*keys),
        )
        .with_columns(_clv=nw.when(nw.col("months_since") == nw.col("_last")).then(cum))
    )
    out = rows.group_by(*keys).agg(
        nw.col("customers").max(),
        nw.col("cac").max(),
        nw.col("_hit").min().alias("payback_months"),
        nw.col("months_since").max().alias("months_observed"),
        nw.col("_clv").max().alias("clv"),
    )
    pb, seen = nw.col("payback_months"), nw.col("months_observed")
    out = out.with_columns(ltv_to_cac=F.ratio(nw.col("clv"), nw.col("cac")))
    out = out.with_columns(
        flag_ltv_to_cac=nw.when(~nw.col("ltv_to_cac").is_null())
        .then(nw.col("ltv_to_cac") < ltv_to_cac_min)
        .otherwise(False),
        flag_payback=nw.when(nw.col("cac").is_null())
        .then(False)
        .when(~pb.is_null())
        .then(pb > payback_max_months)
        .otherwise(seen > payback_max_months),
    )
    return F.to_native(
        out.sort(keys, nulls_last=False).select(
            *[nw.col(k).cast(nw.String) for k in keys],
            nw.col("customers").cast(nw.Int64),
            nw.col("cac").cast(nw.Float64),
            nw.col("payback_months").cast(nw.Float64),
            nw.col("months_observed").cast(nw.Int64),
            nw.col("clv").cast(nw.Float64),
            nw.col("ltv_to_cac").cast(nw.Float64),
            nw.col("flag_ltv_to_cac").cast(nw.Boolean),
            nw.col("flag_payback").cast(nw.Boolean),
        ),
        kind,
        whole=["payback_months"],
    )
