"""RFM summary: the input of the buy-till-you-die models."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from kpilib.data.require import require_columns
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.clv._checks import (
    DAYS_PER_UNIT,
    TimeUnit,
    check_time_unit,
    rows_text,
)

__all__ = ["rfm_summary"]

RFM_COLUMNS = ["customer_id", "frequency", "recency", "T", "monetary_value"]


def _as_day(value: object, *, name: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"{name}={value!r} is not a date; pass a date such as '2026-10-31'."
        ) from exc
    if pd.isna(day):
        raise ParameterError(f"{name} is missing; pass a date such as '2026-10-31'.")
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def rfm_summary(
    orders: pd.DataFrame,
    *,
    observation_end: object,
    time_unit: TimeUnit,
    value: Literal["gross_margin", "revenue"] = "gross_margin",
) -> pd.DataFrame:
    """Frequency, recency, age and mean repeat value of each customer.

    Orders are counted per calendar day: all orders of a customer on one day are one
    purchase, whose value is their sum. The first purchase day is the customer's
    birth (time 0). Orders after *observation_end* are left out.

    - frequency = purchase days - 1 (repeat purchases);
    - recency = last purchase day - first purchase day;
    - T = observation_end - first purchase day;
    - monetary_value = mean value of the repeat purchase days (the first is left
      out), NaN for customers with frequency 0.

    Times are converted from days to *time_unit* and nothing else: a week is 7
    days, a month 365.25/12 = 30.4375 days. The unit is also kept in
    ``attrs["time_unit"]`` for :class:`kpilib.BetaGeo`.

    Parameters
    ----------
    orders : DataFrame
        Columns customer_id (str), order_date (datetime) and the *value* column.
    observation_end : date-like
        Last day observed (inclusive; its time of day is ignored).
    time_unit : {"days", "weeks", "months"}
        Unit of recency and T; required, there is no default.
    value : {"gross_margin", "revenue"}
        Column summed into the purchase values.

    Returns
    -------
    DataFrame
        customer_id, frequency (int64, count), recency and T (float64, in
        *time_unit*), monetary_value (float64, money per purchase), one row per
        customer with a purchase by *observation_end*, sorted by customer_id.

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-15", "2026-01-08"]),
    ...     "gross_margin": [10.0, 5.0, 20.0, 7.0],
    ... })
    >>> rfm_summary(orders, observation_end="2026-01-29", time_unit="weeks")
      customer_id  frequency  recency    T  monetary_value
    0           a          1      2.0  4.0            20.0
    1           b          0      0.0  3.0             NaN
    """
    unit = check_time_unit(time_unit)
    if value not in ("gross_margin", "revenue"):
        raise ParameterError(f"value={value!r} is not accepted; use 'gross_margin' or 'revenue'.")
    end = _as_day(observation_end, name="observation_end")
    name = "rfm_summary: orders"
    require_columns(
        orders,
        ["customer_id", "order_date", value],
        name=name,
        expects="kpilib.rfm_summary expects the orders table",
        fix="pass kpilib.load_dataset(folder).orders, or rename the matching columns as "
        "docs/data-model.md shows.",
        pandas=True,
    )
    if not pd.api.types.is_datetime64_any_dtype(orders["order_date"]):
        raise DataError(
            f"{name}: order_date has dtype {orders['order_date'].dtype}, not datetime. "
            "Parse it with pd.to_datetime, or load the orders with kpilib.load_dataset."
        )
    dates = orders["order_date"]
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    amounts = pd.to_numeric(orders[value], errors="coerce").astype("float64")
    for bad, what in [
        (orders["customer_id"].isna(), "no customer_id"),
        (dates.isna(), "no order_date"),
        (amounts.isna() & orders[value].notna(), f"a {value} that is not a number"),
        (orders[value].isna(), f"no {value}"),
    ]:
        if bad.any():
            hits = orders.index[bad.to_numpy()].to_list()
            raise DataError(
                f"{name}: {len(hits)} {'row has' if len(hits) == 1 else 'rows have'} {what} "
                f"({rows_text(hits)}). Fill or drop those orders."
            )
    frame = pd.DataFrame(
        {
            "customer_id": orders["customer_id"].astype(str).to_numpy(),
            "day": dates.dt.normalize().to_numpy(),
            "amount": amounts.to_numpy(),
        }
    )
    frame = frame.loc[frame["day"] <= end]
    days = frame.groupby(["customer_id", "day"], as_index=False, sort=True)["amount"].sum()
    first_day = days.groupby("customer_id")["day"].transform("min")
    days["repeat_amount"] = days["amount"].where(days["day"] > first_day)
    per = days.groupby("customer_id", sort=True).agg(
        purchases=("day", "size"),
        first=("day", "min"),
        last=("day", "max"),
        monetary_value=("repeat_amount", "mean"),
    )
    day_len = pd.Timedelta(days=1) * DAYS_PER_UNIT[unit]
    out = pd.DataFrame(
        {
            "customer_id": per.index.astype(str),
            "frequency": (per["purchases"] - 1).astype("int64").to_numpy(),
            "recency": ((per["last"] - per["first"]) / day_len).astype("float64").to_numpy(),
            "T": ((end - per["first"]) / day_len).astype("float64").to_numpy(),
            "monetary_value": per["monetary_value"].astype("float64").to_numpy(),
        },
        columns=RFM_COLUMNS,
    )
    out.attrs["time_unit"] = unit
    return out.reset_index(drop=True)
