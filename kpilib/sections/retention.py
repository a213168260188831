"""Retention and customer lifetime, for the value part of the acquisition section.

:func:`build_retention` computes once the facts the page states: the share of
customers still buying in their 12th month (pooled over the cohorts that have
lived a whole 12th month by as_of), and the expected months a customer stays
within the value horizon, from the cohort curves and from BG/NBD's probability
of being alive (the model the projection already fitted: it is not fitted
again). The sentence quotes the model's lifetime when it was fitted: the
cohort curves count a month without an order as a departure, so for customers
who do not order every month they read months with an order rather than
months as a customer. When the two differ by more than half, the page says so.
The month that holds as_of, while open, is partial: it enters no figure.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period
from kpilib.engine import frames as F
from kpilib.kpis.retention import Lifetime, cohort_lifetime, model_lifetime
from kpilib.sections.model import Basis, Fact, fact, missing
from kpilib.sections.projection import Projection

__all__ = ["RetentionSection", "build_retention", "YEAR_MONTH", "DISAGREE", "HEAT_COHORTS"]

YEAR_MONTH = 12
"""The month since acquisition read as "after a year"."""
DISAGREE = 1.5
"""The two lifetimes disagree widely when the larger is more than 1.5 times the smaller."""
HEAT_COHORTS = 12
"""Cohorts the heatmap shows: those of the 12 months before the period (or fewer)."""


@dataclass
class RetentionSection:
    """Retention after a year and the customer lifetime, with where each comes from.

    ``year_retention`` = Σ active / Σ customers in month 12 over the
    ``year_cohorts`` cohorts whose month 12 is whole by as_of (None when no
    cohort is that old). ``cohort_months`` and ``cohort_churn`` come from the
    cohort curves (:func:`kpilib.kpis.retention.cohort_lifetime`; observed up to
    month ``cohort_observed``, extended at the pooled rate beyond, and then of
    basis "modelled"); ``model_months`` and ``model_churn`` from the projection's
    BG/NBD fit (:func:`kpilib.kpis.retention.model_lifetime`; None without a fit).
    ``lifetime`` is the one the sentence quotes and ``used`` says which
    ("model" or "cohorts"): the model's when fitted, else the cohort curves' when
    ``cohorts_mature`` (observed over 12 months or more; a shorter curve is mostly
    its pooled rate run on, and no sentence rests on it), else None.
    ``disagree`` is True when both are quotable and differ by more than
    :data:`DISAGREE` times. ``table`` is :func:`kpilib.retention`; ``heat`` its
    rows of the 12 cohorts acquired in the 12 months before the period (or those up
    to the period when the data starts later), months 1 to 12, and ``pooled`` per month 1 to 12 Σ active / Σ customers over every
    cohort whose month is whole (month 12 is ``year_retention``): the chart's.
    ``reason``: "no_orders" (no orders table), "no_customers" (no cohort by as_of).
    """

    horizon: Fact = field(default_factory=lambda: missing("months", "modelled", None, "settings"))
    table: pd.DataFrame | None = None
    heat: pd.DataFrame | None = None
    pooled: pd.DataFrame | None = None
    year_retention: Fact | None = None
    year_cohorts: Fact | None = None
    year_customers: Fact | None = None
    cohort_months: Fact | None = None
    cohort_churn: Fact | None = None
    cohort_observed: Fact | None = None
    model_months: Fact | None = None
    model_churn: Fact | None = None
    lifetime: Fact | None = None
    cohorts_mature: bool = False
    used: Literal["model", "cohorts"] | None = None
    disagree: bool = False
    cohort_curve: pd.DataFrame | None = None
    model_curve: pd.DataFrame | None = None
    reason: str | None = None


def _year(out: RetentionSection, table: pd.DataFrame) -> None:
    rows = table[(table["months_since"] == YEAR_MONTH) & ~table["partial"].astype(bool)]
    if not len(rows):
        return
    src = f"retention[months_since={YEAR_MONTH}, partial=False]"
    customers = int(rows["customers"].sum())
    out.year_retention = fact(
        rows["active"].sum() / customers, "rate", "observed", None, f"{src}: Σactive / Σcustomers"
    )
    out.year_cohorts = fact(len(rows), "count", "observed", None, f"{src}: cohorts")
    out.year_customers = fact(customers, "count", "observed", None, f"{src}: Σcustomers")


def _lifetime_facts(life: Lifetime, basis: Basis, source: str) -> tuple[Fact, Fact]:
    return (
        fact(life.months, "months", basis, None, f"{source}.months"),
        fact(life.churn, "rate", basis, None, f"{source}.churn"),
    )


def _heat(table: pd.DataFrame, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chart's cells: months 1 to 12 of the 12 cohorts acquired in the 12 months
    before *period* (the oldest has a 12th month), or, when the data starts later,
    of its cohorts up to *period* (never one acquired after it); and the pooled row:
    per month, Σ active / Σ customers over every cohort whose month is whole."""
    first = max(parse_period(period).shift(-HEAT_COHORTS).label, str(table["cohort"].min()))
    last = min(parse_period(first).shift(HEAT_COHORTS - 1).label, period)
    months = table["months_since"].between(1, YEAR_MONTH)
    cells = table[(table["cohort"] >= first) & (table["cohort"] <= last) & months]
    whole = table[months & ~table["partial"].astype(bool)]
    sums = whole.groupby("months_since")[["active", "customers"]].sum()
    pooled = pd.DataFrame(
        {
            "months_since": sums.index.astype("int64"),
            "active": sums["active"].to_numpy(),
            "customers": sums["customers"].to_numpy(),
            "retention": (sums["active"] / sums["customers"]).to_numpy(),
        }
    )
    return cells.reset_index(drop=True), pooled


def build_retention(
    dataset: Dataset, *, period: str, as_of: dt.datetime, projection: Projection
) -> RetentionSection:
    """Retention after a year and the lifetime of *dataset*'s customers as seen on *as_of*.

    *projection* is the acquisition section's: its fitted BG/NBD parameters (if
    any) give the model's lifetime. See :class:`RetentionSection`.

    Examples
    --------
    >>> import pandas as pd
    >>> build_retention(Dataset(leads=pd.DataFrame({"lead_id": []})), period="2026-10",
    ...                 as_of=dt.datetime(2026, 10, 31), projection=Projection()).reason
    'no_orders'
    """
    horizon = dataset.settings.horizon_months
    out = RetentionSection(
        horizon=fact(horizon, "months", "modelled", None, "kpi.toml value.horizon_months")
    )
    if not F.has_rows(dataset.orders):
        out.reason = "no_orders"
        return out
    table = F.to_pandas(dataset.retention(as_of=as_of))
    # a past period reads its own cohorts (acquired up to its last month), as the
    # value part and the funnel do, followed up to as_of
    span = parse_period(period, fiscal_year_start=dataset.settings.fiscal_year_start)
    last_month = (span.end - dt.timedelta(days=1)).strftime("%Y-%m")
    table = table[table["cohort"] <= last_month].reset_index(drop=True)
    out.table = table
    if not len(table):
        out.reason = "no_customers"
        return out
    out.heat, out.pooled = _heat(table, period)
    _year(out, table)
    life = cohort_lifetime(table, horizon_months=horizon)
    out.cohort_curve = life.curve
    steps = life.curve[~life.curve["extrapolated"]]["months_since"]
    out.cohort_observed = fact(
        steps.max(), "months", "observed", None, "cohort_lifetime.curve: last observed step"
    )
    basis: Basis = "modelled" if life.curve["extrapolated"].any() else "observed"
    out.cohort_months, out.cohort_churn = _lifetime_facts(life, basis, "cohort_lifetime")
    fitted = projection.beta_geo  # the projection's fit, not fitted again
    if fitted is not None:
        model = model_lifetime(fitted, horizon_months=horizon)
        out.model_curve = model.curve
        out.model_months, out.model_churn = _lifetime_facts(model, "modelled", "model_lifetime")
    # a curve observed over less than a year is mostly the pooled rate run on: not quoted
    out.cohorts_mature = out.cohort_months.known and out.cohort_observed.value >= YEAR_MONTH
    if out.model_months is not None and out.model_months.known:
        out.lifetime, out.used = out.model_months, "model"
    elif out.cohorts_mature:
        out.lifetime, out.used = out.cohort_months, "cohorts"
    quoted = [out.cohort_months] if out.cohorts_mature else []
    both = [f.value for f in (*quoted, out.model_months) if f is not None and f.known]
    if len(both) == 2 and min(both) > 0:
        out.disagree = max(both) / min(both) > DISAGREE
    elif len(both) == 2:
        out.disagree = not math.isclose(both[0], both[1])
    return out
