"""The conversion window: how long the funnel follows each lead, read from the data.

A cohort younger than the window at as_of is immature: its conversion will
still rise. Without a window set in kpi.toml, :func:`conversion_window` gives
one (the days within which 90% of the sales closed), so that the youngest
cohorts' censored conversion is not read as a drop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import narwhals as nw

from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.funnel import _cohort

__all__ = ["conversion_window"]


def conversion_window(
    leads: Any,
    *,
    as_of: Any = None,
    quantile: float = 0.9,
    stages: Sequence[str] | None = None,
) -> int | None:
    """Days within which *quantile* of the sales close, read from the data.

    Among the leads that reached the last stage present (the sale) by as_of,
    the days from lead_at to that stage's date; the window is their
    *quantile* (linear interpolation), rounded up to a whole day and at least
    1: ``quantile`` of the sales closed within it. A cohort younger than the
    window at as_of is immature (see :func:`funnel`): its conversion will
    still rise. Use it when ``conversion_window_days`` is not set, so that the
    youngest cohorts' censored conversion is not read as a drop.

    Parameters
    ----------
    leads
        Leads: lead_at and the ``<stage>_at`` columns.
    as_of
        Day of the data's view (sales after it are not seen); default the
        latest ``*_at`` date of *leads*.
    quantile
        Share of the sales the window covers, above 0 and at most 1.
    stages
        Stage names in order, starting with "lead"; default lead, visit,
        offer, sale.

    Returns
    -------
    int or None
        The window in days; None when no lead reached the last stage (or the
        data has no stage after "lead").

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-09-01"] * 4 + ["2026-09-02"]),
    ...     "sale_at": pd.to_datetime(["2026-09-11", "2026-09-21", "2026-10-01",
    ...                                "2026-10-11", None]),
    ... })
    >>> conversion_window(leads)  # days 10, 20, 30, 40: 30 + 0.7 × 10 = 37
    37
    """
    if isinstance(quantile, bool) or not isinstance(quantile, int | float) or not 0 < quantile <= 1:
        raise ParameterError(
            f"quantile = {quantile!r} is invalid; expected a share above 0 and at most 1 "
            "(0.9 for 90% of sales)."
        )
    _, lz, present, _, _ = _cohort(
        leads,
        period=None,
        as_of=as_of,
        window_days=None,
        stages=stages,
        fiscal_year_start=1,
        what="conversion_window",
        columns=[],
    )
    if len(present) < 2:
        return None
    last = nw.col(f"{present[-1]}_at")
    days = F.days_between(lz, last, nw.col("lead_at")).alias("_days")
    value = (
        lz.filter(~last.is_null())
        .select(days)
        .select(nw.col("_days").quantile(float(quantile), interpolation="linear"))
        .collect()
        .item(0, 0)
    )
    if value is None or value != value:  # no sale: null on most engines, NaN on pandas
        return None
    # rounded first: 15.000000000000002 days (interpolation noise) is a 15-day window
    return max(1, math.ceil(round(float(value), 6)))
