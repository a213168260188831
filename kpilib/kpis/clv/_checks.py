"""Validation at the boundary of the CLV models: one helper per input kind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from kpilib.data.require import require_columns
from kpilib.errors import DataError, ParameterError

TimeUnit = Literal["days", "weeks", "months"]

#: Length of one time unit in days. A month is an average Gregorian month.
DAYS_PER_UNIT: dict[str, float] = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12}


def rows_text(labels: Sequence[object], *, limit: int = 5) -> str:
    """Name the first rows of a problem: ``"rows 3, 7 and 2 more"``."""
    shown = ", ".join(str(v) for v in labels[:limit])
    more = len(labels) - limit
    word = "row" if len(labels) == 1 else "rows"
    return f"{word} {shown}" + (f" and {more} more" if more > 0 else "")


def check_time_unit(time_unit: object) -> TimeUnit:
    """Return *time_unit* when it is one of the accepted units."""
    if time_unit not in DAYS_PER_UNIT:
        raise ParameterError(
            f"time_unit={time_unit!r} is not accepted; use 'days', 'weeks' or 'months'."
        )
    return time_unit  # type: ignore[return-value]


_RFM_HINT = "Build it with kpilib.rfm_summary(orders, observation_end=..., time_unit=...)."


def require_rfm(rfm: object, cols: Sequence[str], *, name: str) -> None:
    """Check that *rfm*, the argument *name* ("BetaGeo.fit: rfm"), is a pandas frame
    of :func:`kpilib.rfm_summary` with *cols*."""
    require_columns(
        rfm,
        cols,
        name=name,
        expects=f"kpilib.{name.partition(':')[0]} expects the frame of "
        "kpilib.rfm_summary(orders, observation_end=..., time_unit=...)",
        fix="make it with that call.",
        pandas=True,
    )


def rfm_arrays(
    rfm: object, *, name: str, monetary: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Check an RFM summary and return frequency, recency, T (and monetary_value).

    Every row needs a whole ``frequency`` >= 0 and 0 <= ``recency`` <= ``T``, with
    ``recency`` = 0 where ``frequency`` = 0; ``monetary_value`` must be finite
    where ``frequency`` > 0.
    """
    cols = ["frequency", "recency", "T"] + (["monetary_value"] if monetary else [])
    require_rfm(rfm, cols, name=name)
    assert isinstance(rfm, pd.DataFrame)
    arrays: dict[str, np.ndarray] = {}
    for col in cols:
        try:
            arrays[col] = rfm[col].to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"{name}: column {col} is not numeric ({rfm[col].dtype}). {_RFM_HINT}"
            ) from exc
    x, tx, t = arrays["frequency"], arrays["recency"], arrays["T"]
    labels = rfm.index.to_list()
    with np.errstate(invalid="ignore"):
        rules = [
            (
                ~np.isfinite(x) | ~np.isfinite(tx) | ~np.isfinite(t),
                "a missing or infinite frequency, recency or T",
                "fill them or drop those customers",
            ),
            (
                (x < 0) | (x != np.round(x)),
                "a frequency that is not a whole number >= 0",
                "frequency counts repeat purchases",
            ),
            (
                (tx < 0) | (tx > t),
                "a recency outside 0..T",
                "recency is the age at the last purchase, T the age at the end of observation",
            ),
            (
                (x == 0) & (tx != 0),
                "frequency 0 with a recency other than 0",
                "a customer without repeat purchase has recency 0",
            ),
        ]
        if monetary:
            m = arrays["monetary_value"]
            rules.append(
                (
                    (x > 0) & ~np.isfinite(m),
                    "frequency > 0 with a missing monetary_value",
                    "monetary_value is the mean value of the repeat purchases",
                )
            )
    for bad, what, fix in rules:
        if bad.any():
            hits = [labels[i] for i in np.flatnonzero(bad)]
            raise DataError(
                f"{name}: {len(hits)} {'row has' if len(hits) == 1 else 'rows have'} {what} "
                f"({rows_text(hits)}); {fix}. {_RFM_HINT}"
            )
    return x, tx, t, arrays.get("monetary_value")
