"""Closing rates of a lead cohort: win rate, and qualified leads to new customers.

Both follow the cohort as :func:`kpilib.kpis.funnel.funnel` does (leads that
entered in the period, censored at as_of) and give a 95% Wilson interval.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from kpilib.engine import frames as F
from kpilib.errors import DataError
from kpilib.kpis.funnel import By, _check_by, _cohort

__all__ = ["win_rate", "qualified_to_customer"]


def _rate(
    lz: nw.LazyFrame, keys: list[str], k: str, n: str, name: str, kind: str, extra: list[str]
) -> Any:
    aggs = [nw.col(c).sum() for c in dict.fromkeys([n, k, *extra])]
    wide = lz.group_by(*keys).agg(*aggs) if keys else lz.select(*aggs)
    wide = F.wilson(
        wide.with_columns(
            **{name: F.ratio(nw.col(k).cast(nw.Float64), nw.col(n).cast(nw.Float64))}
        ),
        k,
        n,
    )
    return F.to_native(
        wide.sort(keys, nulls_last=False).select(
            *[nw.col(c).cast(nw.String) for c in keys],
            *[nw.col(c).cast(nw.Int64) for c in [n, k, *extra]],
            *[nw.col(c).cast(nw.Float64) for c in (name, "ci_low", "ci_high")],
        )
        if keys
        else wide.select(
            *[nw.col(c).cast(nw.Int64) for c in [n, k, *extra]],
            *[nw.col(c).cast(nw.Float64) for c in (name, "ci_low", "ci_high")],
        ),
        kind,
    )


def win_rate(
    leads: Any,
    *,
    period: str | None = None,
    by: By | None = None,
    as_of: Any = None,
    fiscal_year_start: int = 1,
) -> Any:
    """Win rate of the cohort's leads closed by as_of: ``sales / (sales + lost)``.

    A lead is closed when sale_at or lost_at is set by as_of; a lead with
    both counts as a sale. Open leads are left out.

    Parameters
    ----------
    leads
        Leads: lead_at, sale_at, lost_at.
    period, by, as_of, fiscal_year_start
        As for :func:`funnel`.

    Returns
    -------
    Frame of the input's kind: [by], closed, sales, lost (counts), win_rate,
    ci_low, ci_high (fractions; NaN when nothing is closed).

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]),
    ...     "sale_at": pd.to_datetime(["2026-10-20", None, None, None]),
    ...     "lost_at": pd.to_datetime([None, "2026-10-09", "2026-10-12", None]),
    ... })
    >>> win_rate(leads)[["closed", "sales", "lost", "win_rate"]]
       closed  sales  lost  win_rate
    0       3      1     2  0.333333
    """
    keys = _check_by(by)
    kind, lz, _, _, _ = _cohort(
        leads,
        period=period,
        as_of=as_of,
        window_days=None,
        stages=("lead",),
        fiscal_year_start=fiscal_year_start,
        required=("lead_at", "sale_at", "lost_at"),
        what="win_rate",
        columns=keys,
    )
    sale = ~nw.col("sale_at").is_null()
    lz = lz.with_columns(
        sales=F.count_if(sale),
        lost=F.count_if(~sale & ~nw.col("lost_at").is_null()),
    ).with_columns(closed=nw.col("sales") + nw.col("lost"))
    return _rate(lz, keys, "sales", "closed", "win_rate", kind, ["lost"])


def qualified_to_customer(
    leads: Any,
    *,
    period: str | None = None,
    by: By | None = None,
    as_of: Any = None,
    window_days: int | None = None,
    fiscal_year_start: int = 1,
) -> Any:
    """Share of the cohort's qualified leads that became new customers.

    ``qualified`` counts the cohort's leads with qualified_at set (by as_of or
    within the window); ``new_customers`` those of them whose sale is their
    customer's first sale (a repeat deal is not a new customer).
    ``qualified_to_customer = new_customers / qualified``.

    Parameters
    ----------
    leads
        Leads: lead_at, qualified_at, sale_at, customer_id.
    period, by, as_of, window_days, fiscal_year_start
        As for :func:`funnel`.

    Returns
    -------
    Frame of the input's kind: [by], qualified, new_customers (counts),
    qualified_to_customer, ci_low, ci_high (fractions; NaN without a
    qualified lead).

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_id": ["L1", "L2", "L3"],
    ...     "lead_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"]),
    ...     "qualified_at": pd.to_datetime(["2026-10-02", "2026-10-04", None]),
    ...     "sale_at": pd.to_datetime(["2026-10-20", None, None]),
    ...     "customer_id": ["C1", None, None],
    ... })
    >>> qualified_to_customer(leads)[["qualified", "new_customers", "qualified_to_customer"]]
       qualified  new_customers  qualified_to_customer
    0          2              1                    0.5
    """
    keys = _check_by(by)
    kind, lz, _, _, everyone = _cohort(
        leads,
        period=period,
        as_of=as_of,
        window_days=window_days,
        stages=("lead",),
        fiscal_year_start=fiscal_year_start,
        extra=("qualified_at", "sale_at"),
        required=("lead_at", "qualified_at", "sale_at", "customer_id"),
        what="qualified_to_customer",
    )
    if "lead_id" not in F.columns(lz) or lz.select(nw.col("lead_id").null_count()).collect().item(
        0, 0
    ):
        raise DataError(
            "leads: lead_id is missing or blank. qualified_to_customer needs a lead_id per lead."
        )
    firsts = F.first_sales(everyone).select("lead_id", _new=nw.lit(1))
    lz = lz.join(firsts, on="lead_id", how="left").with_columns(
        qualified=F.count_if(~nw.col("qualified_at").is_null()),
    )
    lz = lz.with_columns(
        new_customers=nw.when((nw.col("qualified") == 1) & ~nw.col("sale_at").is_null())
        .then(nw.col("_new").fill_null(0))
        .otherwise(0)
    )
    return _rate(lz, keys, "new_customers", "qualified", "qualified_to_customer", kind, [])
