"""Figures the report derives from the KPI tables: headline tiles and lost value.

These are small, pure steps on the outputs of the KPI modules (attainment,
cac, payback, cohort_value, funnel, funnel_trend), kept here so notebooks hold
no calculation.
"""

from __future__ import annotations

import math
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period, resolve_as_of
from kpilib.engine import frames as F
from kpilib.kpis.funnel import funnel_trend
from kpilib.kpis.tables import dataset_attainment
from kpilib.sections.acquisition import AcquisitionSection, build_acquisition

__all__ = [
    "headline",
    "HEADLINE_COLUMNS",
    "lost_value",
    "latest_mature",
    "differs",
    "mature_cohort",
    "funnel_frames",
    "objectives_frames",
    "missing_tables",
]

HEADLINE_COLUMNS = [
    "tile",
    "value",
    "previous",
    "change",
    "change_kind",
    "target",
    "attainment",
    "status",
    "reference",
    "previous_reference",
    "months",
    "immature",
    "significant",
]
TILES = ("new_customers", "revenue", "conversion", "cac", "ltv_to_cac", "payback")


def differs(k1: float, n1: float, k2: float, n2: float, z: float = 1.959963984540054) -> bool:
    """Whether two proportions k1/n1 and k2/n2 differ at 95% (two-proportion z-test).

    Examples
    --------
    >>> differs(50, 1000, 56, 1000), differs(50, 1000, 90, 1000)
    (False, True)
    """
    if min(n1, n2) <= 0:
        return False
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return bool(se > 0 and abs(k1 / n1 - k2 / n2) / se > z)


def _status(ratio: float, good: float, warn: float, *, higher_is_better: bool = True) -> Any:
    """ "good", "warn" or "bad" for a ratio against two thresholds; None when NaN."""
    if ratio is None or pd.isna(ratio):
        return None
    if not higher_is_better:
        ratio = 1 / ratio if ratio else np.inf
    return "good" if ratio >= good else "warn" if ratio >= warn else "bad"


def _relative(now: float, before: float) -> float:
    if pd.isna(now) or pd.isna(before) or before == 0:
        return np.nan
    return now / before - 1


def latest_mature(trend: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rows of *trend* (from :func:`kpilib.kpis.funnel.funnel_trend`) for the latest
    mature cohort up to *period* and the one before it.

    Falls back to the latest cohorts (immature) when none is mature. Returns 0 to 2
    rows, oldest first.

    Examples
    --------
    >>> trend = pd.DataFrame({"cohort": ["2026-08", "2026-09", "2026-10"],
    ...                       "immature": [False, True, True]})
    >>> latest_mature(trend, "2026-10")["cohort"].tolist()
    ['2026-08']
    """
    upto = trend[trend["cohort"] <= period]
    mature = upto[~upto["immature"].astype(bool)]
    chosen = mature if len(mature) else upto
    return chosen.tail(2).reset_index(drop=True)


def _company(att: pd.DataFrame, period: str, metric: str) -> pd.Series | None:
    rows = att[(att["period"] == period) & (att["metric"] == metric) & (att["scope"] == "company")]
    return rows.iloc[0] if len(rows) else None


def headline(
    dataset: Dataset,
    *,
    period: str,
    as_of: Any = None,
    frames: dict[str, Any] | None = None,
    acquisition: AcquisitionSection | None = None,
) -> pd.DataFrame:
    """The six headline tiles of the summary, each against the previous period.

    - new_customers, revenue: the company actual of *period* (``value``) with
      its target and attainment (projected attainment while the period is
      open); ``change`` = relative change against the previous month's actual.
    - conversion: lead-to-sale conversion of the latest mature lead cohort
      (``reference``) and the one before; ``change`` in points.
    - cac, ltv_to_cac, payback: the facts of the acquisition section
      (:func:`kpilib.sections.acquisition.build_acquisition`): blended CAC of
      *period* (month-to-date while it is open, then without a change), and
      the LTV:CAC and payback of the cohort they are read on, each against the
      cohort before it.

    ``significant`` (conversion only) says whether the change is beyond
    chance (two-proportion z-test at 95%); None elsewhere.
    ``status`` is "good", "warn" or "bad" from the dataset's thresholds
    (attainment against on_track/at_risk, LTV:CAC against ltv_to_cac_min,
    payback against payback_max_months; CAC and conversion get none).

    *frames* may hold tables already computed for the same period and as_of
    (``attainment``, ``trend``, as from :func:`objectives_frames` and
    :func:`funnel_frames`) and *acquisition* the acquisition section; they are
    reused instead of computed again.

    Returns
    -------
    pandas.DataFrame
        One row per tile in the order above, columns ``HEADLINE_COLUMNS``.
    """
    frames = frames or {}
    s = dataset.settings
    span = parse_period(period, fiscal_year_start=s.fiscal_year_start)
    prev = span.shift(-1).label
    day = resolve_as_of(as_of, dataset.as_of)
    leads = dataset.leads
    rows: list[dict[str, Any]] = []

    att = pd.DataFrame(columns=["period", "metric", "scope"])
    if dataset.targets is not None:
        now_att = frames.get("attainment")
        if now_att is None:
            now_att = dataset_attainment(dataset, period=period, as_of=day)
        prev_att = dataset_attainment(dataset, period=prev, as_of=day)
        att = pd.concat([now_att, prev_att], ignore_index=True)
    for metric in ("new_customers", "revenue"):
        now, before = _company(att, period, metric), _company(att, prev, metric)
        ratio = np.nan
        if now is not None:
            ratio = now["projected_attainment"]
            ratio = now["attainment"] if pd.isna(ratio) else ratio
        value = now["actual"] if now is not None else np.nan
        previous = before["actual"] if before is not None else np.nan
        rows.append(
            {
                "tile": metric,
                "value": value,
                "previous": previous,
                "change": _relative(value, previous),
                "change_kind": "relative",
                "target": now["target"] if now is not None else np.nan,
                "attainment": ratio,
                "status": _status(ratio, s.on_track, s.at_risk),
                "reference": period,
                "previous_reference": prev,
            }
        )
    for row in rows:
        if pd.isna(row["value"]):
            # no company target: count the actual from the events all the same
            from kpilib.kpis.pacing import cumulative_path

            for label, key in ((period, "value"), (prev, "previous")):
                path = cumulative_path(leads, None, period=label, metric=row["tile"], as_of=day)
                row[key] = float(path["actual"].sum())
            row["change"] = _relative(row["value"], row["previous"])

    trend = frames.get("trend")
    if trend is None:
        trend = F.to_pandas(
            funnel_trend(leads, as_of=day, window_days=s.conversion_window_days, stages=s.stages)
        )
    pick = latest_mature(trend, period)
    conv = {"tile": "conversion", "change_kind": "points"}
    if len(pick):
        last = pick.iloc[-1]
        conv.update(value=last["overall_conversion"], reference=last["cohort"])
        conv["immature"] = bool(last["immature"])
        if len(pick) == 2:
            first = pick.iloc[0]
            conv.update(previous=first["overall_conversion"], previous_reference=first["cohort"])
            conv["change"] = last["overall_conversion"] - first["overall_conversion"]
            conv["significant"] = differs(
                first["converted"], first["leads"], last["converted"], last["leads"]
            )
    rows.append(conv)

    rows.extend(_value_tiles(acquisition or build_acquisition(dataset, period=period, as_of=day)))
    out = pd.DataFrame(rows).reindex(columns=HEADLINE_COLUMNS)
    out["immature"] = out["immature"].fillna(False).astype(bool)
    out["significant"] = out["significant"].astype(object).where(out["significant"].notna(), None)
    for col in ("value", "previous", "change", "target", "attainment", "months"):
        out[col] = out[col].astype("float64")
    return out


def lost_value(funnel_by: pd.DataFrame, leads: pd.DataFrame, *, by: str = "source") -> pd.DataFrame:
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
    if "amount" not in F.columns(lf):
        return pd.Series(dtype="float64")
    means = F.to_pandas(
        lf.filter(~nw.col("amount").is_null())
        .group_by(by)
        .agg(nw.col("amount").cast(nw.Float64).mean())
        .to_native()
    )
    return means.set_index(by)["amount"]


def mature_cohort(trend: pd.DataFrame, period: str) -> str:
    """The latest mature lead cohort up to *period* (*period* itself when none is).

    Examples
    --------
    >>> trend = pd.DataFrame({"cohort": ["2026-08", "2026-09"], "immature": [False, True]})
    >>> mature_cohort(trend, "2026-10")
    '2026-08'
    """
    pick = latest_mature(trend, period) if len(trend) else trend
    if not len(pick) or bool(pick["immature"].iloc[-1]):
        return period
    return str(pick["cohort"].iloc[-1])


def funnel_frames(dataset: Dataset, *, period: str, as_of: Any = None) -> dict[str, Any]:
    """Everything the funnel section shows.

    Keys: ``current`` (the funnel of *period*'s lead cohort), ``trend`` (the
    last 12 cohorts), ``mature_cohort`` (see :func:`mature_cohort`),
    ``mature`` (its funnel), ``by_source`` (its lead-to-sale conversion per
    source with 95% intervals) and ``lost`` (:func:`lost_value` per source
    and stage).
    """
    from kpilib.kpis.funnel import funnel

    s = dataset.settings
    day = resolve_as_of(as_of, dataset.as_of)
    opts = {"as_of": day, "window_days": s.conversion_window_days, "stages": s.stages}
    leads = dataset.leads
    trend = F.to_pandas(funnel_trend(leads, **opts))
    cohort = mature_cohort(trend, period)
    by_source = F.to_pandas(funnel_trend(leads, by="source", **opts))
    return {
        "current": F.to_pandas(funnel(leads, period=period, **opts)),
        "trend": trend,
        "mature_cohort": cohort,
        "mature": F.to_pandas(funnel(leads, period=cohort, **opts)),
        "by_source": by_source[by_source["cohort"] == cohort].reset_index(drop=True),
        "lost": lost_value(F.to_pandas(funnel(leads, period=cohort, by="source", **opts)), leads),
    }


def objectives_frames(dataset: Dataset, *, period: str, as_of: Any = None) -> dict[str, Any]:
    """Everything the objectives section shows.

    Keys: ``attainment`` (targets of the periods overlapping *period*; empty
    with its columns when the dataset has no targets) and ``paths``, the
    daily :func:`kpilib.kpis.pacing.cumulative_path` of revenue and new customers
    for the company.
    """
    from kpilib.kpis.pacing import cumulative_path

    day = resolve_as_of(as_of, dataset.as_of)
    att = dataset_attainment(dataset, period=period, as_of=day)
    paths = {
        metric: cumulative_path(
            dataset.leads, dataset.targets, period=period, metric=metric, as_of=day
        )
        for metric in ("revenue", "new_customers")
    }
    return {"attainment": att, "paths": paths}


def missing_tables(dataset: Dataset) -> list[str]:
    """Names of the optional tables the dataset lacks (targets, costs, orders).

    Examples
    --------
    >>> missing_tables(Dataset(leads=pd.DataFrame({"lead_id": []})))
    ['targets', 'costs', 'orders']
    """
    return [t for t in ("targets", "costs", "orders") if getattr(dataset, t) is None]


def _value_tiles(sec: AcquisitionSection) -> list[dict[str, Any]]:
    """The cac, ltv_to_cac and payback tiles from the acquisition section's facts."""

    def value(f: Any) -> float:
        return f.value if f is not None else np.nan

    s_min = value(sec.ltv_to_cac_min)
    cac_tile = {
        "tile": "cac",
        "change_kind": "relative",
        "reference": sec.period,
        "value": value(sec.cac),
        "previous": value(sec.previous_cac),
        "previous_reference": sec.previous_period,
        "change": value(sec.cac_change),
    }
    ltv = {"tile": "ltv_to_cac", "change_kind": "relative"}
    back = {"tile": "payback", "change_kind": "absolute", "reference": sec.period}
    if sec.ltv_cohort is not None:
        before = sec.previous_ltv_to_cac.period if sec.previous_ltv_to_cac else None
        ltv.update(value=value(sec.ltv_to_cac), reference=sec.ltv_cohort, months=sec.ltv_months)
        ltv.update(previous=value(sec.previous_ltv_to_cac), previous_reference=before)
        ltv["change"] = _relative(ltv["value"], ltv["previous"])
        ltv["status"] = _status(ltv["value"] / s_min, 1.0, 0.67)
        back.update(reference=sec.ltv_cohort, months=sec.ltv_months, value=value(sec.payback))
        back.update(previous=value(sec.previous_payback), previous_reference=before)
        back["change"] = back["value"] - back["previous"]
        limit = sec.payback_max.value if sec.payback_max is not None else np.nan
        late = pd.isna(back["value"]) or back["value"] > limit
        back["status"] = "bad" if late and sec.ltv_months >= limit else "good"
        if pd.isna(back["value"]) and sec.ltv_months < limit:
            back["status"] = None
    return [cac_tile, ltv, back]
