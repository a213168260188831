"""Customer acquisition cost: blended and per channel, by cost category."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import narwhals as nw

from kpilib.data.periods import parse_period, resolve_as_of
from kpilib.data.schema import COST_CATEGORIES
from kpilib.engine import frames as F
from kpilib.errors import ParameterError

__all__ = ["cac", "check_cac_options", "Allocation", "CAC_COLUMNS", "CATEGORIES", "NO_CUSTOMER"]

CATEGORIES = COST_CATEGORIES
CAC_COLUMNS = [
    "period",
    "channel",
    "cost",
    "new_customers",
    "cac",
    "cac_note",
    *[f"cost_{c}" for c in CATEGORIES],
    "cost_other",
]
NO_CUSTOMER = "no new customer in the period"
# what the new customers are counted on: first sales (lead_id breaks ties) by source
SALE_COLUMNS = ["lead_at", "source", "lead_id", "customer_id"]
_COST_COLS = ["cost", *[f"cost_{c}" for c in CATEGORIES], "cost_other"]
_N = F.NONE_KEY
Allocation = Literal["new_customers", "leads", "none"]


def cac(
    leads: Any,
    costs: Any,
    *,
    as_of: Any = None,
    period: str | None = None,
    allocation: Allocation = "new_customers",
    lag: int = 0,
    fiscal_year_start: int = 1,
) -> Any:
    """Customer acquisition cost per period and channel, with a blended row.

    ``cac = cost / new_customers``. New customers are customers whose first
    sale falls in the period; their channel is that lead's source. The blended
    row (channel null) takes every cost and every new customer. A channel's
    cost is its direct costs plus its share of the costs that name no channel:
    ``share = base of the channel / base of all channels``, the base being the
    period's new customers (``allocation="new_customers"``), its leads by
    lead_at (``"leads"``), or nothing (``"none"``: shared costs stay in the
    blended row only). With ``lag = k``, costs of period t - k are set against
    the customers of period t. Zero new customers gives ``cac`` NaN and
    ``cac_note`` says why; never infinity.

    Parameters
    ----------
    leads
        Leads: lead_at, source, sale_at, customer_id.
    costs
        Cost lines: period ("YYYY-MM"), category, amount, optional channel
        (blank = shared).
    as_of
        Day of the data's view; default the latest ``*_at`` date of *leads*.
        Costs of months after its month and events after it do not count.
    period
        One period ("2026-10", "2026-Q4", "FY2026") computed as a whole; None
        gives every month with cost data up to as_of.
    allocation
        Base sharing the costs without a channel: "new_customers", "leads"
        or "none".
    lag
        Periods between a cost and the customers it buys (0 or more).
    fiscal_year_start
        Month that starts the fiscal year, for quarter and year periods.

    Returns
    -------
    Frame of the input's kind, sorted by period then channel (blended row
    first): period, channel, cost (currency), new_customers (count), cac
    (currency per customer), cac_note (why cac is NaN, else null),
    cost_salaries, cost_bonuses, cost_expenses, cost_campaigns, cost_other
    (currency; categories outside the first four go to cost_other). Channel
    costs add up to the blended cost when every shared cost finds a base.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_id": ["L1", "L2", "L3"],
    ...     "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"]),
    ...     "source": ["ads", "ads", "events"],
    ...     "sale_at": pd.to_datetime(["2026-10-10", "2026-10-12", "2026-10-20"]),
    ...     "customer_id": ["C1", "C2", "C3"],
    ... })
    >>> costs = pd.DataFrame({
    ...     "period": ["2026-10", "2026-10"], "category": ["campaigns", "salaries"],
    ...     "channel": ["ads", None], "amount": [300.0, 600.0],
    ... })
    >>> cac(leads, costs)[["period", "channel", "cost", "new_customers", "cac"]]
        period channel   cost  new_customers    cac
    0  2026-10     NaN  900.0              3  300.0
    1  2026-10     ads  700.0              2  350.0
    2  2026-10  events  200.0              1  200.0
    """
    check_cac_options(allocation, lag)
    # on pandas input, what the first sales read is converted for the rows with a sale
    # only, and every lead's source only when the leads share the costs (grouped on only)
    kind, lf = F.lazy_inputs(
        keep={"leads": ["source"] if allocation == "leads" else []},
        sales=SALE_COLUMNS,
        categories={"leads": ["source"]},
        leads=leads,
        costs=costs,
    )
    leads_lf, costs_lf = lf["leads"], lf["costs"]
    assert leads_lf is not None and costs_lf is not None
    F.require(leads_lf, "leads", ["lead_at"], "cac")
    F.require(costs_lf, "costs", ["period", "category", "amount"], "cac")
    latest = (
        None if as_of is not None else F.latest_date(leads=(leads_lf, F.date_columns(leads_lf)))
    )
    day = resolve_as_of(as_of, latest)
    firsts = None
    if "sale_at" in F.columns(leads_lf):
        sales = F.with_optional(F.sales_of(lf), ["customer_id"])
        firsts = F.first_sales(sales, day + dt.timedelta(days=1))
    out = cac_lazy(
        leads_lf,
        costs_lf,
        day=day,
        period=period,
        allocation=allocation,
        lag=lag,
        fiscal_year_start=fiscal_year_start,
        firsts=firsts,
    )
    return F.to_native(out, kind)


def check_cac_options(allocation: Any, lag: Any) -> None:
    """Raise :class:`~kpilib.errors.ParameterError` unless *allocation* and *lag*
    are options :func:`cac` accepts.

    Examples
    --------
    >>> check_cac_options("leads", 1)
    >>> check_cac_options("revenue", 0)
    Traceback (most recent call last):
    ...
    kpilib.errors.ParameterError: allocation = 'revenue' is invalid; expected 'new_customers', 'leads' or 'none'.
    """
    if allocation not in ("new_customers", "leads", "none"):
        raise ParameterError(
            f"allocation = {allocation!r} is invalid; expected 'new_customers', 'leads' or 'none'."
        )
    if isinstance(lag, bool) or not isinstance(lag, int) or lag < 0:
        raise ParameterError(
            f"lag = {lag!r} is invalid; expected a whole number of periods, 0 or more."
        )


def cac_lazy(
    leads: nw.LazyFrame,
    costs: nw.LazyFrame,
    *,
    day: dt.datetime,
    period: str | None = None,
    allocation: Allocation = "new_customers",
    lag: int = 0,
    fiscal_year_start: int = 1,
    firsts: nw.LazyFrame | None = None,
    channels: bool = True,
) -> nw.LazyFrame:
    """:func:`cac` on narwhals LazyFrames with a resolved as-of day.

    *firsts* is ``F.first_sales`` of the same leads at the same day (None when
    the leads have no sale_at): the callers read it from the rows with a sale. With *channels* False, only the blended
    rows (channel null) are made, without the allocation of shared costs.
    """
    leads = F.with_optional(leads, ["source"])  # counted per source
    costs = F.with_optional(costs, ["channel"])
    cutoff = day + dt.timedelta(days=1)
    leads = leads.filter(nw.col("lead_at") < cutoff)
    as_of_key = day.year * 12 + day.month - 1
    if period is None:
        months, step = None, 1
    else:
        p = parse_period(period, fiscal_year_start=fiscal_year_start)
        months, step = (p.first_month, p.last_month), p.months

    def labelled(lf: nw.LazyFrame) -> nw.LazyFrame:
        lf = lf.filter(nw.col("_mk") <= as_of_key)
        if months is None:
            return lf.with_columns(period=F.month_label(nw.col("_mk")))
        return lf.filter(nw.col("_mk") >= months[0], nw.col("_mk") <= months[1]).with_columns(
            period=nw.lit(period)
        )

    # cost lines: category sums per period text and channel (sentinel = shared), then
    # month + lag and the period label on those few rows, summed again per label. Parsing
    # and labelling every cost line instead took most of a DuckDB call's cost statement.
    amount = nw.col("amount").fill_null(0.0).cast(nw.Float64)
    category = nw.col("category")
    lines = (
        costs.with_columns(
            channel=nw.col("channel").fill_null(_N),
            cost=amount,
            **{f"cost_{c}": nw.when(category == c).then(amount).otherwise(0.0) for c in CATEGORIES},
            cost_other=nw.when(category.is_in(list(CATEGORIES))).then(0.0).otherwise(amount),
        )
        .group_by("period", "channel")
        .agg(*[nw.col(c).sum() for c in _COST_COLS])
    )
    lines = labelled(
        lines.filter(F.period_month_key(nw.col("period")) <= as_of_key).with_columns(
            _mk=F.period_month_key(nw.col("period")) + lag * step
        )
    )
    lines = lines.group_by("period", "channel").agg(*[nw.col(c).sum() for c in _COST_COLS])
    # the channels' sums added in one order, whatever order the group-by gave them in (it
    # varies from run to run on polars and DuckDB, and with it the blended cost's last bit)
    blended_cost = (
        lines.with_columns(_order=nw.col("channel").cast(nw.String))
        .sort("period", "_order")
        .group_by("period")
        .agg(*[nw.col(c).sum() for c in _COST_COLS])
    )

    buyers = (
        firsts.with_columns(_mk=F.month_key(nw.col("acquired_at")))
        if firsts is not None
        else leads.head(0).select(_mk=nw.lit(0), source=nw.col("source"))
    )
    # counted per month key first: the period label is made on the small result
    by_month = (
        buyers.filter(nw.col("_mk") <= as_of_key)
        .with_columns(channel=nw.col("source").fill_null("unknown"))
        .group_by("_mk", "channel")
        .agg(nw.len().alias("new_customers"))
    )
    customers = (
        labelled(by_month)
        .group_by("period", "channel")
        .agg(nw.col("new_customers").sum())
        .with_columns(nw.col("new_customers").cast(nw.Int64))
    )
    if channels:
        customers = F.materialise_small(customers)  # read by the channel and blended rows
    blended_nc = customers.group_by("period").agg(nw.col("new_customers").sum())
    out = blended_cost.join(blended_nc, on="period", how="left").with_columns(
        channel=nw.lit(None, nw.String), new_customers=nw.col("new_customers").fill_null(0)
    )
    if channels:
        rows = _channel_rows(
            leads, lines, blended_cost, customers, labelled=labelled, allocation=allocation
        )
        out = F.stack([out, rows], ["period", "channel", *_COST_COLS, "new_customers"])
    out = out.with_columns(
        cac=F.ratio(nw.col("cost"), nw.col("new_customers").cast(nw.Float64)),
        cac_note=nw.when(nw.col("new_customers") == 0).then(nw.lit(NO_CUSTOMER)),
    )
    return out.sort(["period", "channel"], nulls_last=False).select(
        nw.col("period").cast(nw.String),
        nw.col("channel").cast(nw.String),
        nw.col("cost").cast(nw.Float64),
        nw.col("new_customers").cast(nw.Int64),
        nw.col("cac").cast(nw.Float64),
        nw.col("cac_note").cast(nw.String),
        *[nw.col(c).cast(nw.Float64) for c in _COST_COLS[1:]],
    )


def _channel_rows(
    leads: nw.LazyFrame,
    lines: nw.LazyFrame,
    blended_cost: nw.LazyFrame,
    customers: nw.LazyFrame,
    *,
    labelled: Callable[[nw.LazyFrame], nw.LazyFrame],
    allocation: Allocation,
) -> nw.LazyFrame:
    """The channel rows of :func:`cac_lazy`: direct costs plus a share of the shared ones.

    *lines* are the cost sums per period and channel (sentinel = shared),
    *blended_cost* the periods with costs, *customers* the new customers per
    period and channel, *labelled* keeps and labels the month keys a call
    reports. Columns: period, channel, the cost columns, new_customers.
    """
    shared = lines.filter(nw.col("channel") == _N).select(
        "period", *[nw.col(c).alias(f"_s{c}") for c in _COST_COLS]
    )
    zero = {c: nw.lit(0.0) for c in _COST_COLS}
    parts = [
        lines.filter(nw.col("channel") != _N).with_columns(new_customers=nw.lit(0), _lb=nw.lit(0)),
        customers.with_columns(**zero, _lb=nw.lit(0)),
    ]
    if allocation == "leads":
        base = (
            leads.with_columns(
                _mk=F.month_key(nw.col("lead_at")), channel=nw.col("source").fill_null("unknown")
            )
            .group_by("_mk", "channel")
            .agg(nw.len().alias("_lb"))
        )
        base = (
            labelled(base)
            .group_by("period", "channel")
            .agg(nw.col("_lb").sum())
            .with_columns(nw.col("_lb").cast(nw.Int64))
        )
        parts.append(base.with_columns(**zero, new_customers=nw.lit(0)))
    keys = ["period", "channel"]
    cols = [*keys, *_COST_COLS, "new_customers", "_lb"]
    rows = (
        F.stack(
            [
                p.with_columns(nw.col("new_customers").cast(nw.Int64), nw.col("_lb").cast(nw.Int64))
                for p in parts
            ],
            cols,
        )
        .group_by(*keys)
        .agg(*[nw.col(c).sum() for c in cols[2:]])
        .join(blended_cost.select("period"), on="period", how="inner")
        .join(shared, on="period", how="left")
    )
    base_col = {"new_customers": "new_customers", "leads": "_lb", "none": None}[allocation]
    if base_col is None:
        rows = rows.with_columns(_share=nw.lit(0.0))
    else:
        b = nw.col(base_col).cast(nw.Float64)
        rows = rows.with_columns(_total=b.sum().over("period")).with_columns(
            _share=nw.when(nw.col("_total") > 0).then(b / nw.col("_total")).otherwise(0.0)
        )
    return rows.with_columns(
        **{c: nw.col(c) + nw.col("_share") * nw.col(f"_s{c}").fill_null(0.0) for c in _COST_COLS},
        channel=nw.when(nw.col("channel") != _N).then(nw.col("channel")),
    )
