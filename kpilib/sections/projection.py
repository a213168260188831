"""Projected customer value of the acquisition section: BG/NBD + Gamma-Gamma beside what is observed.

:func:`build_projection` fits the models of :mod:`kpilib.kpis.clv` once and
keeps the facts the page states about one cohort (the cohort LTV:CAC is read
on) and a young one; when no projection can be made, ``reason`` says why in
terms that are true of the data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period
from kpilib.engine import frames as F
from kpilib.errors import DataError, KpiError
from kpilib.sections.model import Fact, fact, missing

__all__ = ["Projection", "build_projection", "REASONS"]

REASONS = ("no_orders", "no_costs", "no_customers", "no_cohort", "data", "fit")
"""Why a projection cannot be made: the dataset has no orders; no costs; no customer
acquired by the period (up to as_of); the cohort read has no customer; the orders hold
values the models cannot read (``error`` says which); the models could not be fitted
on the orders (the error is in ``notes``)."""


@dataclass
class Projection:
    """Projected against observed value of one cohort.

    ``value`` is the projected CLV over ``horizon`` months, discounted at
    ``discount_rate`` a year (the figure projected LTV:CAC divides);
    ``value_undiscounted`` the same cumulative margin not discounted (what the
    chart's dashed line reaches at the horizon). ``observed_value`` is the
    margin per customer earned up to as_of in ``months_observed``.
    ``young_payback`` is the young cohort's projected payback (months; NaN:
    not within the horizon) when it has not covered its CAC yet, else None.
    When the models cannot be fitted (``reason`` "fit"), ``buyers`` counts the
    customers with an order up to as_of and ``repeat_buyers`` those who
    ordered on more than one day: what the models learn from. With ``reason``
    "data", ``error`` is the problem found in the orders (file, column, rows).
    ``result`` is :func:`kpilib.projected_payback` (every cohort) and
    ``curves`` the projected curves; both None with ``reason`` set. ``bg_params``
    holds the fitted BG/NBD parameters (r, alpha, a, b; empty unless fitted) in
    ``bg_time_unit``, which the retention section reads the probability of being
    alive from (``beta_geo`` rebuilds the model from them).
    """

    cohort: str | None = None
    young: str | None = None
    fitted_to: pd.Timestamp | None = None
    horizon: Fact = field(default_factory=lambda: missing("months", "modelled", None, "settings"))
    discount_rate: Fact = field(default_factory=lambda: missing("rate", "actual", None, "settings"))
    observed_value: Fact = field(default_factory=lambda: missing("money", "observed", None, ""))
    months_observed: Fact = field(default_factory=lambda: missing("months", "observed", None, ""))
    observed_ltv_to_cac: Fact = field(
        default_factory=lambda: missing("ratio", "observed", None, "")
    )
    value: Fact = field(default_factory=lambda: missing("money", "modelled", None, ""))
    value_undiscounted: Fact = field(default_factory=lambda: missing("money", "modelled", None, ""))
    ltv_to_cac: Fact = field(default_factory=lambda: missing("ratio", "modelled", None, ""))
    young_payback: Fact | None = None
    buyers: Fact | None = None
    repeat_buyers: Fact | None = None
    error: str | None = None
    result: pd.DataFrame | None = None
    curves: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None
    bg_params: dict[str, float] = field(default_factory=dict)
    bg_time_unit: str | None = None

    @property
    def drawn(self) -> bool:
        """Whether there is a projection to draw (else ``reason`` and the text say why)."""
        return self.reason is None and self.curves is not None and self.cohort is not None

    @property
    def beta_geo(self) -> Any:
        """The fitted BG/NBD model, rebuilt from ``bg_params`` (None without a fit)."""
        if not self.bg_params:
            return None
        from kpilib.kpis.clv import BetaGeo

        return BetaGeo.from_params(**self.bg_params, time_unit=self.bg_time_unit)  # type: ignore[arg-type]


def _model_inputs(dataset: Dataset, day: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def build_projection(
    dataset: Dataset, *, period: str, as_of: dt.datetime, cohort: str | None
) -> Projection:
    """Fit BG/NBD + Gamma-Gamma on the orders up to *as_of* and read *cohort* and the
    cohort 3 months before *period* (the young one).

    Examples
    --------
    >>> import pandas as pd
    >>> build_projection(Dataset(leads=pd.DataFrame({"lead_id": []})), period="2026-10",
    ...                  as_of=dt.datetime(2026, 10, 31), cohort=None).reason
    'no_orders'
    """
    from kpilib.kpis.clv import projected_cohort_value, projected_payback

    s = dataset.settings
    out = Projection(cohort=cohort, fitted_to=pd.Timestamp(as_of))
    out.horizon = fact(
        s.horizon_months, "months", "modelled", None, "kpi.toml value.horizon_months"
    )
    out.discount_rate = fact(
        s.discount_rate, "rate", "actual", None, "kpi.toml value.discount_rate"
    )
    if not F.has_rows(dataset.orders):
        out.reason = "no_orders"
        return out
    if not F.has_rows(dataset.costs):
        out.reason = "no_costs"
        return out
    if cohort is None:
        out.reason = "no_customers"
        return out
    opts = {"as_of": as_of, "horizon_months": s.horizon_months, "discount_rate": s.discount_rate}
    inputs = _model_inputs(dataset, as_of)
    try:
        projection = projected_cohort_value(*inputs, **opts)
        if not len(projection.clv):
            out.reason = "no_customers"
            return out
        result = projected_payback(
            dataset.leads,
            dataset.orders,
            dataset.costs,
            ltv_to_cac_min=s.ltv_to_cac_min,
            payback_max_months=s.payback_max_months,
            projection=projection,
            lag=s.cac_lag,  # the blended CAC: its allocation changes nothing
            **opts,
        )
    except DataError as exc:  # the orders hold what the models cannot read: say what
        out.reason, out.error = "data", str(exc).rstrip(".")
        out.notes.append(str(exc))
        return out
    except KpiError as exc:
        out.reason = "fit"
        out.notes.append(str(exc))
        out.buyers, out.repeat_buyers = _buyers(inputs[1], as_of)
        return out
    out.result, out.curves, out.notes = result, projection.curves, list(projection.notes)
    if projection.beta_geo is not None:
        out.bg_params = dict(projection.beta_geo.params_)
        out.bg_time_unit = projection.beta_geo.time_unit_
    rows = result.set_index("cohort")
    if cohort not in rows.index:
        out.reason = "no_cohort"
        return out
    row = rows.loc[cohort]
    src = f"projected_payback[cohort={cohort}]"
    out.observed_value = fact(row["clv"], "money", "observed", cohort, f"{src}.clv")
    out.months_observed = fact(
        row["months_observed"], "months", "observed", cohort, f"{src}.months_observed"
    )
    out.observed_ltv_to_cac = fact(
        row["ltv_to_cac"], "ratio", "observed", cohort, f"{src}.ltv_to_cac"
    )
    out.value = fact(row["projected_clv"], "money", "modelled", cohort, f"{src}.projected_clv")
    out.ltv_to_cac = fact(
        row["projected_ltv_to_cac"], "ratio", "modelled", cohort, f"{src}.projected_ltv_to_cac"
    )
    curve = projection.curves[projection.curves["cohort"] == cohort]
    end = curve[curve["months_since"] == s.horizon_months]
    out.value_undiscounted = fact(
        end["projected_cumulative_margin_per_customer"].iloc[0] if len(end) else math.nan,
        "money",
        "modelled",
        cohort,
        f"projected_cohort_value.curves[cohort={cohort}, months_since={s.horizon_months}]",
    )
    young = parse_period(period).shift(-3).label
    if young in rows.index and young != cohort:
        out.young = young
        y = rows.loc[young]
        if pd.isna(y["payback_months"]) and pd.notna(y["cac"]):
            out.young_payback = fact(
                y["projected_payback_months"],
                "months",
                "modelled",
                young,
                f"projected_payback[cohort={young}].projected_payback_months",
            )
    return out


def _buyers(orders: pd.DataFrame, as_of: dt.datetime) -> tuple[Fact, Fact]:
    """Customers with an order up to *as_of*, and those who ordered on more than one day."""
    seen = orders[orders["order_date"] < as_of + dt.timedelta(days=1)]
    days = seen.assign(day=seen["order_date"].dt.normalize()).groupby("customer_id")["day"]
    per = days.nunique()
    src = f"orders[order_date <= {as_of:%Y-%m-%d}]"
    return (
        fact(len(per), "count", "actual", None, f"{src}: customers"),
        fact(
            int((per > 1).sum()), "count", "actual", None, f"{src}: customers ordering on 2+ days"
        ),
    )
