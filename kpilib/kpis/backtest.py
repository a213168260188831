"""Backtest of the pipeline forecast against the run-rate projection.

:func:`backtest_forecast` forecasts each of the last closed months from one
day of that month, with the data as it stood on that day, and sets the
forecast and the run-rate projection (attainment's ``projected``: actual ×
business days in the month ÷ business days elapsed) beside the close.
:func:`backtest_summary` measures both: coverage of the interval, mean
absolute percentage error, share within 5% of the close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpilib.data.periods import pace, parse_period, resolve_as_of
from kpilib.data.require import require_columns
from kpilib.engine import frames as F
from kpilib.kpis.forecast import first_lead, forecast, forecast_leads, month_closes
from kpilib.kpis.forecast_model import shared, shared_snapshots

__all__ = ["backtest_forecast", "backtest_summary", "BACKTEST_COLUMNS", "SUMMARY_COLUMNS"]

BACKTEST_COLUMNS = [
    "period",
    "as_of",
    "metric",
    "team",
    "close",
    "actual_to_date",
    "expected",
    "low",
    "high",
    "run_rate",
]
SUMMARY_COLUMNS = [
    "metric",
    "level",
    "cases",
    "coverage",
    "mape",
    "mape_run_rate",
    "within_5",
    "within_5_run_rate",
]
WITHIN = 0.05
"""The mark of the best sales organisations: within 5% of the close."""


def _months(as_of: dt.datetime, last: int) -> list[str]:
    """The *last* months closed at *as_of*, oldest first."""
    end = parse_period(f"{as_of:%Y-%m}")
    if pace(end, as_of).state != "closed":
        end = end.shift(-1)
    return [end.shift(-k).label for k in range(last - 1, -1, -1)]


def backtest_forecast(
    leads: Any,
    *,
    day: int = 15,
    last: int = 12,
    periods: Sequence[str] | None = None,
    as_of: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """Forecast each closed month from its *day* and set it beside its close.

    For each month (*periods*, else the *last* months closed at *as_of*,
    default the latest date of *leads*) the forecast is made as of the month's
    *day* (its last day when shorter) with only what was known then, and the
    run-rate projection from the same actual to date. Months the data does
    not start before are left out. *options* go to
    :func:`kpilib.kpis.forecast.forecast`.

    Returns
    -------
    pandas.DataFrame
        period, as_of, metric, team (None = company), close (the month's
        actual), actual_to_date, expected, low, high, run_rate (counts;
        revenue in currency); one row per month, metric and team.
    """
    lf = forecast_leads(leads)  # converted once for the months' forecasts
    F.require(lf, "leads", ["lead_at", "sale_at"], "backtest_forecast")
    leads = lf.to_native()
    if periods is None:
        latest = F.latest_date(leads=(lf, F.date_columns(lf)))
        periods = _months(resolve_as_of(as_of, latest), last)
    frames = []
    with shared_snapshots(leads):  # the months learn from mostly the same past periods
        first = first_lead(lf, shared(leads))  # read once, by the months' forecasts too
        for label in periods:
            span = parse_period(label)
            if first is None or first != first or span.start <= first:
                continue
            last_day = (span.end - dt.timedelta(days=1)).day
            on = dt.datetime(span.start.year, span.start.month, min(day, last_day))
            got = F.to_pandas(forecast(leads, period=label, as_of=on, **options))
            if not len(got):
                continue
            state = pace(span, on)
            got["run_rate"] = got["actual_to_date"] * state.total / max(state.elapsed, 1)
            got["as_of"] = on.date().isoformat()
            frames.append(got)
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in BACKTEST_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    out["team"] = out["team"].astype(object).where(out["team"].notna(), None)
    closes = month_closes(leads, months=sorted(set(out["period"])))
    out = out.merge(
        closes.rename(columns={"actual": "close"}), on=["period", "metric", "team"], how="left"
    )
    out["close"] = out["close"].fillna(0.0)
    return out[BACKTEST_COLUMNS]


def backtest_summary(backtest: pd.DataFrame) -> pd.DataFrame:
    """The forecast and the run-rate projection measured on a :func:`backtest_forecast`.

    Per metric, for the company (level "company") and for the teams pooled
    (level "teams"): ``cases`` (months × teams), ``coverage`` = share of
    cases whose close lies in [low, high]; ``mape`` and ``mape_run_rate`` =
    mean of |forecast − close| / close (cases with a close of 0 are left
    out of the errors); ``within_5`` and ``within_5_run_rate`` = share of
    cases within 5% of the close.

    Examples
    --------
    >>> bt = pd.DataFrame({"metric": ["sales"] * 2, "team": [None] * 2,
    ...                    "close": [100.0, 50.0], "expected": [104.0, 60.0],
    ...                    "low": [95.0, 52.0], "high": [110.0, 70.0],
    ...                    "run_rate": [90.0, 50.0]})
    >>> backtest_summary(bt).round(3).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'metric': 'sales', 'level': 'company', 'cases': 2, 'coverage': 0.5,
     'mape': 0.12, 'mape_run_rate': 0.05, 'within_5': 0.5, 'within_5_run_rate': 0.5}
    """
    require_columns(
        backtest,
        ["metric", "team", "close", "expected", "low", "high", "run_rate"],
        name="backtest",
        expects="kpilib.backtest_summary expects the frame of kpilib.backtest_forecast(leads)",
        fix="make it with that call.",
        pandas=True,
    )
    rows = []
    order = {"sales": 0, "new_customers": 1, "revenue": 2}
    for (metric, level), part in backtest.assign(
        level=np.where(backtest["team"].isna(), "company", "teams")
    ).groupby(["metric", "level"], sort=False):
        close = part["close"].to_numpy(dtype="float64")
        inside = (part["low"] <= part["close"]) & (part["close"] <= part["high"])
        valid = close != 0
        err = np.abs(part["expected"].to_numpy(dtype="float64") - close)[valid] / close[valid]
        err_rr = np.abs(part["run_rate"].to_numpy(dtype="float64") - close)[valid] / close[valid]
        rows.append(
            {
                "metric": metric,
                "level": level,
                "cases": len(part),
                "coverage": float(inside.mean()),
                "mape": float(err.mean()) if len(err) else float("nan"),
                "mape_run_rate": float(err_rr.mean()) if len(err_rr) else float("nan"),
                "within_5": float((err <= WITHIN).mean()) if len(err) else float("nan"),
                "within_5_run_rate": float((err_rr <= WITHIN).mean()) if len(err) else float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    out = out.assign(_o=out["metric"].map(order)).sort_values(["_o", "level"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)
