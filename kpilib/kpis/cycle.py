"""The sales cycle: days from lead to sale, read on the sales of each month.

Unlike the funnel, which follows lead cohorts (young cohorts have not had the
time to sell), the cycle is read on *sales*: the sales dated in a month, and
the days each took from its lead's lead_at. A month's figure is final once the
month is over; it does not wait for a cohort to mature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import narwhals as nw

from kpilib.data.periods import parse_period
from kpilib.engine import frames as F
from kpilib.engine.dates import DAYS_PER_SECOND
from kpilib.errors import ParameterError
from kpilib.kpis.funnel import _check_window, _cohort

__all__ = ["sales_cycle", "sales_cycles", "CYCLE_COLUMNS", "CYCLE_QUANTILE"]

CYCLE_QUANTILE = 0.8
"""The upper quantile of the cycle: ``p80_days``, the days within which 80% of sales closed."""
CYCLE_COLUMNS = ["month", "sales", "median_days", "p80_days", "truncated"]


def sales_cycle(
    leads: Any,
    *,
    period: str | None = None,
    by: Literal["source", "team"] | None = None,
    months: int = 12,
    as_of: Any = None,
    window_days: int | None = None,
    stages: Sequence[str] | None = None,
) -> Any:
    """Days from lead to sale of the sales of each month: median and 80th percentile.

    A sale is a lead whose last stage (``sale_at`` by default) is dated in the
    month, on or before *as_of*; its cycle is ``sale_at − lead_at`` in days
    (to the second). Per sale month of the *months* months that end with
    *period* (as_of's month when None), and per *by* value: ``sales``, the
    ``median_days`` and the ``p80_days`` (80th percentile) of their cycles,
    both with linear interpolation between the two nearest sales (the same
    on every engine: DuckDB's ``quantile_cont``, numpy's and polars' "linear").
    Months without a sale are absent; leads without a *by* value are grouped
    under "unknown". An open month's figures are those of its sales so far.

    A month is ``truncated`` when the data's first lead came less than
    *window_days* (the conversion window) before the month began: most of its
    sales come from leads of the window before it, and the older ones are not
    in the data, so its cycle reads short. Without a window no month is.

    Parameters
    ----------
    leads
        Leads: lead_at, the last stage's ``<stage>_at`` and the *by* column.
    period
        The last month of the trend, "YYYY-MM"; None: as_of's month.
    by
        None, "source" or "team": one row per month and value.
    months
        Number of sale months, ending with *period*.
    as_of
        Day of the data's view; default the latest ``*_at`` date of *leads*.
    window_days
        The conversion window in days, for ``truncated``; None: never truncated.
    stages
        Stage names in order, starting with "lead"; the last is the sale.

    Returns
    -------
    Frame of the input's kind sorted by month, [by]: month ("YYYY-MM"), [by],
    sales (count), median_days, p80_days (days), truncated (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-09-01", "2026-09-01", "2026-10-11", "2026-10-01"]),
    ...     "sale_at": pd.to_datetime(["2026-10-01", "2026-10-11", "2026-10-21", None]),
    ... })
    >>> sales_cycle(leads, period="2026-10", months=1)  # 30, 40, 10 days: p80 = 30 + 0.6 × 10
         month  sales  median_days  p80_days  truncated
    0  2026-10      3         30.0      36.0      False
    """
    return sales_cycles(
        leads,
        period=period,
        by=[by],
        months=months,
        as_of=as_of,
        window_days=window_days,
        stages=stages,
    )[0]


def sales_cycles(
    leads: Any,
    *,
    period: str | None = None,
    by: Sequence[Literal["source", "team"] | None] = (None,),
    months: int = 12,
    as_of: Any = None,
    window_days: int | None = None,
    stages: Sequence[str] | None = None,
) -> list[Any]:
    """:func:`sales_cycle` for each of *by* (None, "source", "team"), in that order, the
    leads read once: the months' sales are gathered (one row each, a fraction of the
    leads) and each table groups them.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-09-01", "2026-09-01", "2026-10-11"]),
    ...     "sale_at": pd.to_datetime(["2026-10-01", "2026-10-11", "2026-10-21"]),
    ...     "team": ["N", "S", "S"],
    ... })
    >>> company, teams = sales_cycles(leads, period="2026-10", months=1, by=[None, "team"])
    >>> teams[["team", "sales", "median_days"]]  # N: 30 days; S: 40 and 10, median 25
      team  sales  median_days
    0    N      1         30.0
    1    S      2         25.0
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ParameterError(f"months = {months!r} is invalid; expected a whole number above 0.")
    for one in by:
        if one not in (None, "source", "team"):
            raise ParameterError(f"by = {one!r} is invalid; expected None, 'source' or 'team'.")
    read = [k for k in ("source", "team") if k in by]
    kind, lz, present, day, _ = _cohort(
        leads,
        period=None,
        as_of=as_of,
        window_days=None,
        stages=stages,
        fiscal_year_start=1,
        what="sales_cycle",
        columns=read,
        grouped=read,
    )
    if period is None:
        end = day.year * 12 + day.month - 1
    else:
        p = parse_period(period)
        if p.kind != "month":
            raise ParameterError(
                f"period {period!r} is not a month; the sales cycle is read per month: give "
                "the last month of the trend as YYYY-MM."
            )
        end = p.first_month
    if len(present) < 2:
        raise ParameterError(
            "leads: no stage after 'lead' is present, so there is no sale to time. The sales "
            "cycle needs the sale's date column (sale_at, or the last stage's <stage>_at)."
        )
    _check_window(window_days)
    truncated = nw.lit(False)
    if window_days is not None:
        first = lz.select(nw.col("lead_at").min()).collect().item(0, 0)
        if first is not None:
            # month keys whose first day is less than the window after the first lead
            reach = first + dt.timedelta(days=window_days)
            truncated = nw.col("_mk") < reach.year * 12 + reach.month - 1 + (
                1 if (reach.day, reach.time()) > (1, dt.time()) else 0
            )
    sale = nw.col(f"{present[-1]}_at")
    sales = F.materialise_small(
        lz.filter(~sale.is_null())
        .with_columns(_mk=F.month_key(sale), _secs=F.seconds_between(lz, sale, nw.col("lead_at")))
        .filter(nw.col("_mk") > end - months, nw.col("_mk") <= end)
        .select("_mk", "_secs", *[nw.col(k).cast(nw.String) for k in read])  # categories: text
    )
    return [_per_month(sales, [one] if one else [], truncated, kind) for one in by]


def _per_month(sales: nw.LazyFrame, keys: list[str], truncated: nw.Expr, kind: str) -> Any:
    """The cycle table of *sales* (_mk, _secs, the keys) by month and *keys*.

    The median and quantile are taken on seconds, then turned into days: a median of
    whole seconds is exact on every engine, so each engine gives the same days; the
    80th percentile, interpolated, is rounded to the second first.
    """
    out = sales.group_by("_mk", *keys).agg(
        nw.len().alias("sales"),
        nw.col("_secs").median().alias("median_days"),
        nw.col("_secs").quantile(CYCLE_QUANTILE, interpolation="linear").alias("p80_days"),
    )
    out = out.with_columns(
        month=F.month_label(nw.col("_mk")),
        truncated=truncated,
        median_days=nw.col("median_days") * DAYS_PER_SECOND,
        # to the second first: engines interpolate in their own order of operations, a
        # last bit apart (3,981,103.6 s on DuckDB, 3,981,103.6000000006 on polars)
        p80_days=nw.col("p80_days").round(0) * DAYS_PER_SECOND,
    )
    return F.to_native(
        out.sort(["_mk", *keys]).select(
            nw.col("month").cast(nw.String),
            *[nw.col(k).cast(nw.String) for k in keys],
            nw.col("sales").cast(nw.Int64),
            nw.col("median_days").cast(nw.Float64),
            nw.col("p80_days").cast(nw.Float64),
            nw.col("truncated").cast(nw.Boolean),
        ),
        kind,
    )
