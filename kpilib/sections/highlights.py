"""Figures the report derives from the KPI tables: the headline tiles.

These are small, pure steps on the outputs of the KPI modules (attainment,
cac, payback, cohort_value, and the funnel section), kept here so notebooks hold
no calculation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period, resolve_as_of
from kpilib.engine import frames as F
from kpilib.kpis.acquisition import cac
from kpilib.kpis.significance import differs  # still read here by story.summary
from kpilib.kpis.tables import dataset_attainment, dataset_payback
from kpilib.kpis.value import cohort_value

__all__ = [
    "headline",
    "HEADLINE_COLUMNS",
    "ltv_at_horizon",
    "differs",
    "ltv_cohort",
    "acquisition_frames",
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


def ltv_at_horizon(values: pd.DataFrame, paybacks: pd.DataFrame, cohort: str, months: int) -> float:
    """LTV:CAC of *cohort* after *months*: cumulative margin per customer ÷ CAC.

    Examples
    --------
    >>> values = pd.DataFrame({"cohort": ["2026-01"] * 2, "months_since": [0, 1],
    ...                        "cumulative_margin_per_customer": [100.0, 300.0]})
    >>> paybacks = pd.DataFrame({"cohort": ["2026-01"], "cac": [100.0]})
    >>> ltv_at_horizon(values, paybacks, "2026-01", 1)
    3.0
    """
    row = values[(values["cohort"] == cohort) & (values["months_since"] == months)]
    cost = paybacks.loc[paybacks["cohort"] == cohort, "cac"]
    if not len(row) or not len(cost) or pd.isna(cost.iloc[0]) or cost.iloc[0] == 0:
        return np.nan
    return float(row["cumulative_margin_per_customer"].iloc[0] / cost.iloc[0])


def _company(att: pd.DataFrame, period: str, metric: str) -> pd.Series | None:
    rows = att[(att["period"] == period) & (att["metric"] == metric) & (att["scope"] == "company")]
    return rows.iloc[0] if len(rows) else None


def headline(
    dataset: Dataset,
    *,
    period: str,
    as_of: Any = None,
    horizon: int = 12,
    frames: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """The six headline tiles of the summary, each against the previous period.

    - new_customers, revenue: the company actual of *period* (``value``) with
      its target and attainment (projected attainment while the period is
      open); ``change`` = relative change against the previous month's actual.
    - conversion: lead-to-sale conversion of the latest mature lead cohort
      (``reference``) and the one before; ``change`` in points.
    - cac: blended CAC of *period* and the previous month; relative change.
    - ltv_to_cac: cumulative margin per customer after *horizon* months (or
      the longest observed) ÷ CAC, for the cohort acquired that many months
      before *period*, and for the cohort before it.
    - payback: CAC payback months of the same cohort as ltv_to_cac (NaN when
      not paid back yet) and of the cohort before it.

    ``significant`` (conversion only) says whether the change is beyond
    chance (two-proportion z-test at 95%); None elsewhere.
    ``status`` is "good", "warn" or "bad" from the dataset's thresholds
    (attainment against on_track/at_risk, LTV:CAC against ltv_to_cac_min,
    payback against payback_max_months; CAC and conversion get none).

    *frames* may hold tables already computed for the same period and as_of
    (``attainment``, ``cac``, ``cohort_value``, ``payback``, as from
    :func:`objectives_frames` and :func:`acquisition_frames`, and ``funnel``,
    the :func:`kpilib.sections.funnel.build_funnel` section); they are reused
    instead of computed again.

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

    fun = frames.get("funnel")
    if fun is None:
        from kpilib.sections.funnel import build_funnel

        fun = build_funnel(dataset, period=period, as_of=pd.Timestamp(day))
    conv = {"tile": "conversion", "change_kind": "points"}
    if fun.conversion.known:
        conv.update(value=fun.conversion.value, reference=fun.cohort)
        conv["immature"] = fun.conversion_immature
        if fun.previous_conversion is not None:
            before = fun.previous_conversion
            conv.update(previous=before.value, previous_reference=before.period)
            conv["change"] = fun.conversion.value - before.value
            conv["significant"] = fun.conversion_significant
    rows.append(conv)

    costs = {"tile": "cac", "change_kind": "relative", "reference": period}
    if dataset.costs is not None:
        frame = frames.get("cac")
        if frame is None:
            frame = F.to_pandas(
                cac(leads, dataset.costs, as_of=day, fiscal_year_start=s.fiscal_year_start)
            )
        blended = frame[frame["channel"].isna()].set_index("period")["cac"]
        costs.update(value=blended.get(period, np.nan), previous=blended.get(prev, np.nan))
        costs.update(previous_reference=prev, change=_relative(costs["value"], costs["previous"]))
    rows.append(costs)

    ltv = {"tile": "ltv_to_cac", "change_kind": "relative"}
    back = {"tile": "payback", "change_kind": "absolute", "reference": period}
    if dataset.orders is not None and dataset.costs is not None:
        values = frames.get("cohort_value")
        if values is None:
            values = F.to_pandas(cohort_value(leads, dataset.orders, as_of=day))
        paid = frames.get("payback")
        if paid is None:
            paid = dataset_payback(dataset, as_of=day)
        paid = paid[paid["cohort"] <= period]
        observed = int(paid["months_observed"].max()) if len(paid) else 0
        months = min(horizon, observed)
        cohort = span.shift(-months).label
        before = span.shift(-months - 1).label
        ltv.update(value=ltv_at_horizon(values, paid, cohort, months), reference=cohort)
        ltv.update(previous=ltv_at_horizon(values, paid, before, months), previous_reference=before)
        ltv.update(months=months, change=_relative(ltv["value"], ltv["previous"]))
        ltv["status"] = _status(ltv["value"] / s.ltv_to_cac_min, 1.0, 0.67)
        # the cohort LTV:CAC is read on: old enough for its payback to be known
        by = paid.set_index("cohort")
        back.update(reference=cohort, months=months)
        if cohort in by.index:
            back["value"] = by.loc[cohort, "payback_months"]
            late = pd.isna(back["value"]) or back["value"] > s.payback_max_months
            back["status"] = "bad" if late and months >= s.payback_max_months else "good"
            if pd.isna(back["value"]) and months < s.payback_max_months:
                back["status"] = None
        if before in by.index:
            back.update(previous=by.loc[before, "payback_months"], previous_reference=before)
        back["change"] = back.get("value", np.nan) - back.get("previous", np.nan)
    rows.extend([ltv, back])
    out = pd.DataFrame(rows).reindex(columns=HEADLINE_COLUMNS)
    out["immature"] = out["immature"].fillna(False).astype(bool)
    out["significant"] = out["significant"].astype(object).where(out["significant"].notna(), None)
    for col in ("value", "previous", "change", "target", "attainment", "months"):
        out[col] = out[col].astype("float64")
    return out


def ltv_cohort(paybacks: pd.DataFrame, period: str, *, horizon: int = 12) -> tuple[str, int]:
    """The cohort whose LTV:CAC is read after *horizon* months, and that number of months.

    With less history than *horizon*, the oldest cohort and the months it has.

    Examples
    --------
    >>> paybacks = pd.DataFrame({"cohort": ["2026-08", "2026-09", "2026-10"],
    ...                          "months_observed": [2, 1, 0]})
    >>> ltv_cohort(paybacks, "2026-10")
    ('2026-08', 2)
    """
    rows = paybacks[paybacks["cohort"] <= period] if len(paybacks) else paybacks
    observed = int(rows["months_observed"].max()) if len(rows) else 0
    months = min(horizon, observed)
    return parse_period(period).shift(-months).label, months


def acquisition_frames(
    dataset: Dataset, *, period: str, as_of: Any = None, horizon: int = 12
) -> dict[str, Any]:
    """Everything the acquisition section shows, None where the data lacks a table.

    Keys: ``cac`` (every month up to as_of, blended and per channel),
    ``payback`` and ``payback_by_channel`` (every cohort), ``cohort_value``,
    ``ltv_cohort`` and ``ltv_months`` (see :func:`ltv_cohort`).
    """
    s = dataset.settings
    day = resolve_as_of(as_of, dataset.as_of)
    leads, costs, orders = dataset.leads, dataset.costs, dataset.orders
    out: dict[str, Any] = dict.fromkeys(
        ("cac", "payback", "payback_by_channel", "cohort_value", "ltv_cohort"), None
    )
    out["ltv_months"] = 0
    has_costs = F.has_rows(costs)
    if has_costs:
        out["cac"] = F.to_pandas(
            cac(leads, costs, as_of=day, fiscal_year_start=s.fiscal_year_start)
        )
    if F.has_rows(orders):
        out["cohort_value"] = F.to_pandas(cohort_value(leads, orders, as_of=day))
        if has_costs:
            out["payback"] = dataset_payback(dataset, as_of=day)
            out["payback_by_channel"] = dataset_payback(dataset, as_of=day, by="channel")
            out["ltv_cohort"], out["ltv_months"] = ltv_cohort(
                out["payback"], period, horizon=horizon
            )
    return out


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


def _model_inputs(dataset: Dataset, day: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leads and orders as :func:`kpilib.projected_cohort_value` reads them, in pandas.

    pandas tables are passed as they are. Others (a scanned dataset) are reduced
    on their engine first: each customer's first sale up to *day* (what the
    cohorts are made of) and the orders' four columns the models fit on.
    """
    leads, orders = dataset.leads, dataset.orders
    if isinstance(leads, pd.DataFrame):
        return leads, orders
    cutoff = day + dt.timedelta(days=1)
    firsts = (
        F.with_optional(nw.from_native(leads), ["customer_id"])
        .filter(
            ~nw.col("customer_id").is_null(),
            ~nw.col("sale_at").is_null(),
            nw.col("sale_at") < cutoff,
        )
        .group_by("customer_id")
        .agg(nw.col("sale_at").min())
    )
    cols = ["order_id", "customer_id", "order_date", "gross_margin"]
    return F.to_pandas(firsts), F.to_pandas(nw.from_native(orders).select(cols))


def projected_frames(dataset: Dataset, *, period: str, as_of: Any = None) -> dict[str, Any]:
    """What the projected-value section shows, or the reason it cannot.

    Keys: ``result`` (:func:`kpilib.projected_payback`, every cohort),
    ``curves`` (:func:`kpilib.projected_cohort_value` curves), ``cohort`` (the
    cohort read after 12 months, as LTV:CAC is elsewhere), ``young`` (the
    cohort 3 months old), ``notes`` (the fit's caveats) and ``reason`` (why
    there is nothing, else None).
    """
    from kpilib.errors import KpiError
    from kpilib.kpis.clv import projected_cohort_value, projected_payback

    s = dataset.settings
    day = resolve_as_of(as_of, dataset.as_of)
    out: dict[str, Any] = dict.fromkeys(("result", "curves", "cohort", "young"), None)
    out.update(notes=[], reason=None)
    if not F.has_rows(dataset.orders):
        out["reason"] = "no_orders"
        return out
    if not F.has_rows(dataset.costs):
        out["reason"] = "no_costs"
        return out
    opts = {"as_of": day, "horizon_months": s.horizon_months, "discount_rate": s.discount_rate}
    try:
        projection = projected_cohort_value(*_model_inputs(dataset, day), **opts)
        result = projected_payback(
            dataset.leads,
            dataset.orders,
            dataset.costs,
            ltv_to_cac_min=s.ltv_to_cac_min,
            payback_max_months=s.payback_max_months,
            projection=projection,
            **opts,
        )
    except KpiError:
        out["reason"] = "few"
        return out
    out.update(result=result, curves=projection.curves, notes=list(projection.notes))
    out["cohort"], _ = ltv_cohort(result, period)
    out["young"] = parse_period(period).shift(-3).label
    return out
