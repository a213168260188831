"""Leakage in value: what the leads lost at each stage were worth.

A lead lost at a stage is valued at what a lead at that stage was worth in
sales: the share of that stage's leads that reached the last stage, times the
average deal of its source.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import pandas as pd

from kpilib.data.require import require_columns
from kpilib.engine import frames as F

__all__ = ["lost_value"]


def lost_value(funnel_by: pd.DataFrame, leads: Any, *, by: str = "source") -> pd.DataFrame:
    """Value of the deals lost at each stage, per *by* value.

    ``sale_rate`` = leads that reached the last stage ÷ leads that reached the
    stage (what a lead at that stage was worth in sales), ``average_deal`` =
    mean amount of the *by* value's sales in *leads*, ``lost_value = lost ×
    sale_rate × average_deal`` (currency). The last stage loses nothing.

    Examples
    --------
    >>> fb = pd.DataFrame({"source": ["web"] * 3, "stage": ["lead", "offer", "sale"],
    ...                    "reached": [10, 4, 2], "lost": [6, 2, 0]})
    >>> leads = pd.DataFrame({"source": ["web", "web"], "amount": [100.0, 300.0]})
    >>> lost_value(fb, leads)["lost_value"].round(6).tolist()  # 6 × 2/10 × 200, 2 × 2/4 × 200
    [240.0, 200.0, 0.0]
    """
    require_columns(
        funnel_by,
        [by, "stage", "reached", "lost"],
        name="funnel_by",
        expects=f'kpilib.kpis.leakage.lost_value expects the frame of kpilib.funnel(leads, by="{by}")',
        fix="make it with that call, as pandas.",
        pandas=True,
    )
    frame = funnel_by.copy()
    last = frame.groupby(by, sort=False)["reached"].transform("last")
    frame["sale_rate"] = (last / frame["reached"].where(frame["reached"] > 0)).astype("float64")
    average = _average_deal(leads, by)
    frame["average_deal"] = frame[by].map(average).astype("float64")
    frame["lost_value"] = (frame["lost"] * frame["sale_rate"] * frame["average_deal"]).fillna(0.0)
    return frame[[by, "stage", "lost", "sale_rate", "average_deal", "lost_value"]]


def _average_deal(leads: Any, by: str) -> pd.Series:
    """Mean amount of the leads that have one, per *by* value (on the leads' engine)."""
    _, frames = F.lazy_inputs(keep={"leads": [by, "amount"]}, leads=leads)
    lf = frames["leads"]
    assert lf is not None
    F.require(lf, "leads", [by], "kpis.leakage.lost_value")
    if "amount" not in F.columns(lf):
        return pd.Series(dtype="float64")
    means = F.to_pandas(
        lf.filter(~nw.col("amount").is_null())
        .group_by(by)
        .agg(nw.col("amount").cast(nw.Float64).mean())
        .to_native()
    )
    return means.set_index(by)["amount"]
