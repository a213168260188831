"""Sales objectives: attainment, gap, pace to the period's close, realism of targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import narwhals as nw

from kpilib.data.periods import Period, pace, parse_period, resolve_as_of
from kpilib.data.schema import STAGES
from kpilib.engine import frames as F
from kpilib.errors import DataError, ParameterError

__all__ = ["attainment", "ATTAINMENT_COLUMNS", "DEFAULT_STAGES"]

DEFAULT_STAGES = STAGES
TRAILING_PERIODS = 3
ATTAINMENT_COLUMNS = [
    "period",
    "metric",
    "scope",
    "team",
    "owner",
    "target",
    "actual",
    "gap",
    "attainment",
    "projected",
    "projected_attainment",
    "required_per_business_day",
    "status",
    "trailing_average",
    "realism",
]
_N = F.NONE_KEY
# what the new customers are counted on: first sales (lead_id breaks ties) by team, owner
_SALE_COLUMNS = ["lead_at", "team", "owner", "lead_id", "customer_id"]


def _monthly_actuals(
    leads: nw.LazyFrame, sales: nw.LazyFrame, stages: Sequence[str], cutoff: dt.datetime
) -> nw.LazyFrame:
    """metric, _mk, team, owner, value: each metric's actual per month, team and owner.

    *leads* are those created before *cutoff*; a stage counts when dated
    before it. *sales* holds at least the leads' rows with a sale (the new
    customers are counted on it, as seen at *cutoff*).

    One filtered group-by per stage (the leads that reached it, by the month
    they did), the sales one also summing the amount: a group-by on one month
    key is several times cheaper than one on every stage's month at once.
    """
    have = F.columns(leads)
    amount = "amount" in have
    parts = []
    for stage in stages:
        col = f"{stage}_at"
        if col not in have:
            continue
        revenue = amount and stage == "sale"
        grouped = (
            leads.filter(nw.col(col) < cutoff)
            .with_columns(_mk=F.month_key(nw.col(col)))
            .group_by("_mk", "team", "owner")
            .agg(
                nw.len().alias("_n"),
                *([nw.col("amount").sum().alias("_amount")] if revenue else []),
            )
        )
        if revenue:
            grouped = F.materialise_small(grouped)
            parts.append(
                grouped.with_columns(
                    metric=nw.lit("revenue"), value=nw.col("_amount").cast(nw.Float64)
                )
            )
        parts.append(
            grouped.with_columns(metric=nw.lit(f"{stage}s"), value=nw.col("_n").cast(nw.Float64))
        )
    if "sale_at" in have and "customer_id" in have:
        parts.append(
            F.first_sales(sales, cutoff)
            .with_columns(_mk=F.month_key(nw.col("acquired_at")))
            .group_by("_mk", "team", "owner")
            .agg(nw.len().alias("_n"))
            .with_columns(metric=nw.lit("new_customers"), value=nw.col("_n").cast(nw.Float64))
        )
    return F.materialise_small(F.stack(parts, ["metric", "_mk", "team", "owner", "value"]))


def _scope_levels(monthly: nw.LazyFrame) -> nw.LazyFrame:
    """Actuals per month at company, team, owner and team+owner level (sentinel = all)."""
    cols = ["metric", "_mk", "_team", "_owner", "value"]
    value = nw.col("value").sum().alias("value")
    levels = [
        monthly.group_by("metric", "_mk")
        .agg(value)
        .with_columns(_team=nw.lit(_N), _owner=nw.lit(_N)),
        monthly.filter(~nw.col("team").is_null())
        .group_by("metric", "_mk", "team")
        .agg(value)
        .with_columns(_team=nw.col("team"), _owner=nw.lit(_N)),
        monthly.filter(~nw.col("owner").is_null())
        .group_by("metric", "_mk", "owner")
        .agg(value)
        .with_columns(_team=nw.lit(_N), _owner=nw.col("owner")),
        monthly.filter(~nw.col("team").is_null(), ~nw.col("owner").is_null()).with_columns(
            _team=nw.col("team"), _owner=nw.col("owner")
        ),
    ]
    return F.stack(levels, cols)


def _parse_periods(labels: list[str], fiscal_year_start: int) -> dict[str, Period]:
    parsed = {}
    for label in labels:
        try:
            parsed[label] = parse_period(label, fiscal_year_start=fiscal_year_start)
        except ParameterError as exc:
            raise DataError(
                f"targets: period {label!r} does not parse. Write periods as 2026-10 (month), "
                "2026-Q4 (quarter) or FY2026 (fiscal year)."
            ) from exc
    return parsed


def attainment(
    leads: Any,
    targets: Any,
    *,
    as_of: Any = None,
    period: str | None = None,
    on_track: float = 0.95,
    at_risk: float = 0.85,
    stages: Sequence[str] | None = None,
    fiscal_year_start: int = 1,
) -> Any:
    """Actual against target per period, metric and scope, with pace and realism.

    The actual of a metric counts the stage events dated in the period:
    ``leads`` by lead_at, ``visits`` by visit_at, ``offers`` by offer_at,
    ``sales`` by sale_at (any ``<stage>s`` by ``<stage>_at``), ``revenue`` =
    amount of those sales, ``new_customers`` = customers whose first sale is in
    the period. A team's or rep's actual comes from the lead's team and owner.
    Nothing dated after *as_of* counts.

    ``attainment = actual / target``, ``gap = target - actual``. For a period
    open at *as_of*: ``projected = actual * business days in period / business
    days elapsed`` (Monday-Friday, from the period's start to as_of
    inclusive), ``projected_attainment = projected / target``,
    ``required_per_business_day = max(gap, 0) / business days left`` and a
    status: "on track" when projected attainment >= *on_track*, "at risk" when
    >= *at_risk*, else "off track". A period not started yet has only
    ``required_per_business_day`` (gap over all its business days). A closed
    period has none of the four. ``trailing_average`` is the mean actual of the
    3 previous periods of the same length that the data covers (from the month
    of the first lead); ``realism = target / trailing_average`` (above 1: the
    target asks for more than history delivered).

    Parameters
    ----------
    leads
        Leads: lead_at, optional team, owner, ``<stage>_at``, customer_id, amount.
    targets
        Targets: period, metric, target, optional team and owner (both blank =
        company; team only = team; owner = rep).
    as_of
        Day of the data's view; default the latest ``*_at`` date of *leads*.
    period
        Keep target periods overlapping it ("2026-10" keeps 2026-10, 2026-Q4
        and FY2026 targets); None keeps all.
    on_track, at_risk
        Thresholds of projected attainment (fractions).
    stages
        Funnel stages; default lead, visit, offer, sale.
    fiscal_year_start
        Month that starts the fiscal year, for "2026-Q4" and "FY2026".

    Returns
    -------
    Frame of the input's kind, one row per target, sorted by period, metric,
    scope (company, team, rep), team and owner: period, metric, scope, team,
    owner, target, actual, gap (in the metric's unit; revenue in currency),
    attainment (fraction), projected, projected_attainment (fraction),
    required_per_business_day (metric unit per business day), status,
    trailing_average, realism (ratio). A metric the data cannot measure (its
    column is missing, or the team or owner column for a team or rep target)
    has a null actual; a zero target gives NaN ratios.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_id": ["L1", "L2", "L3"],
    ...     "lead_at": pd.to_datetime(["2026-10-01", "2026-10-05", "2026-10-12"]),
    ... })
    >>> targets = pd.DataFrame({"period": ["2026-10"], "metric": ["leads"], "target": [6.0]})
    >>> out = attainment(leads, targets, as_of="2026-10-15")
    >>> out[["actual", "attainment", "projected", "status"]]
       actual  attainment  projected    status
    0     3.0         0.5        6.0  on track
    """
    if not at_risk <= on_track:
        raise ParameterError(
            f"at_risk ({at_risk}) is above on_track ({on_track}); at_risk must be the lower "
            "threshold."
        )
    # on pandas input, the first sales' columns are converted for the rows with a sale only
    kind, lf = F.lazy_inputs(
        keep={"leads": ["team", "owner", "amount"]},
        sales=_SALE_COLUMNS,
        categories={"leads": ["team", "owner"]},  # only grouped on (_monthly_actuals)
        leads=leads,
        targets=targets,
    )
    leads_lf, targets_lf = lf["leads"], lf["targets"]
    assert leads_lf is not None and targets_lf is not None
    sales_lf = F.sales_of(lf)
    F.require(leads_lf, "leads", ["lead_at"], "attainment")
    F.require(targets_lf, "targets", ["period", "metric", "target"], "attainment")
    stages = tuple(stages) if stages is not None else DEFAULT_STAGES
    has_team, has_owner = (c in F.columns(leads_lf) for c in ("team", "owner"))
    leads_lf = F.with_optional(leads_lf, ["team", "owner", "source", "lead_id"])
    targets_lf = F.with_optional(targets_lf, ["team", "owner"])
    have = F.columns(leads_lf)
    dates = F.date_columns(leads_lf)

    # the latest date is read only when as_of is not given
    first_lead, latest = _bounds(leads_lf, dates if as_of is None else [])
    day = resolve_as_of(as_of, latest)
    cutoff = day + dt.timedelta(days=1)
    leads_lf = leads_lf.filter(nw.col("lead_at") < cutoff)

    labels = targets_lf.select("period").unique().collect().get_column("period").to_list()
    periods = _parse_periods([v for v in labels if v is not None], fiscal_year_start)
    if period is not None:
        wanted = parse_period(period, fiscal_year_start=fiscal_year_start)
        periods = {k: p for k, p in periods.items() if p.overlaps(wanted)}
    targets_lf = targets_lf.filter(nw.col("period").is_in(list(periods)))

    measurable = {f"{s}s" for s in stages if f"{s}_at" in have}
    if "sale_at" in have and "amount" in have:
        measurable.add("revenue")
    if "sale_at" in have and "customer_id" in have:
        measurable.add("new_customers")

    first_key = None if first_lead is None else first_lead.year * 12 + first_lead.month - 1
    # one row per period, window (k = 0: the period; 1-3: the ones before that the data
    # covers) and month of it, joined to the targets: a small table, not per-row lookups
    months: dict[str, list] = {"period": [], "_k": [], "_mk": []}
    n_trail = dict.fromkeys(periods, 0)
    for lab, p in periods.items():
        for k in range(TRAILING_PERIODS + 1):
            shifted = p.shift(-k)
            if k and (first_key is None or shifted.first_month < first_key):
                continue  # a trailing window before the first lead does not count
            n_trail[lab] += k > 0
            for mk in range(shifted.first_month, shifted.last_month + 1):
                for col, value in zip(months, (lab, k, mk), strict=True):
                    months[col].append(value)
    windows = F.small_frame(
        leads_lf, months, {"period": nw.String, "_k": nw.Int64, "_mk": nw.Int64}
    )
    # each period's pace: made before the plan below, as the windows are. On DuckDB a small
    # table is made by a statement that changes the catalog, after which every step built
    # before it is bound again when next used (40 binds of this plan at any size)
    paces = {lab: pace(p, day) for lab, p in periods.items()}
    info = F.small_frame(
        leads_lf,
        {
            "period": list(paces),
            "_state": [p.state for p in paces.values()],
            "_total": [float(p.total) for p in paces.values()],
            "_elapsed": [float(p.elapsed) for p in paces.values()],
            "_ntrail": [float(n_trail[lab]) for lab in paces],
        },
        {
            "period": nw.String,
            "_state": nw.String,
            "_total": nw.Float64,
            "_elapsed": nw.Float64,
            "_ntrail": nw.Float64,
        },
    )
    key = ["period", "metric", "_team", "_owner"]
    win = targets_lf.select("period", "metric", "team", "owner", "target").join(
        windows, on="period", how="inner"
    )
    win = win.with_columns(_team=nw.col("team").fill_null(_N), _owner=nw.col("owner").fill_null(_N))
    levels = _scope_levels(_monthly_actuals(leads_lf, sales_lf, stages, cutoff))
    joined = win.join(levels, on=["metric", "_team", "_owner", "_mk"], how="left").with_columns(
        _v=nw.col("value").fill_null(0.0)
    )
    joined = joined.with_columns(
        _v0=nw.when(nw.col("_k") == 0).then(nw.col("_v")).otherwise(0.0),
        _vt=nw.when(nw.col("_k") > 0).then(nw.col("_v")).otherwise(0.0),
    )
    out = joined.group_by(*key).agg(
        nw.col("target").max(),
        nw.col("_v0").sum().alias("actual"),
        nw.col("_vt").sum().alias("_trail"),
    )

    out = out.join(info, on="period", how="left")
    out = out.with_columns(
        team=nw.when(nw.col("_team") != _N).then(nw.col("_team")),
        owner=nw.when(nw.col("_owner") != _N).then(nw.col("_owner")),
        actual=nw.when(
            nw.col("metric").is_in(sorted(measurable))
            & ((nw.col("_team") == _N) | nw.lit(has_team))
            & ((nw.col("_owner") == _N) | nw.lit(has_owner))
        ).then(nw.col("actual")),
        _rank=nw.when(nw.col("_owner") != _N)
        .then(nw.lit(2))
        .when(nw.col("_team") != _N)
        .then(nw.lit(1))
        .otherwise(nw.lit(0)),
    )
    target, actual = nw.col("target"), nw.col("actual")
    open_ = nw.col("_state") == "open"
    out = out.with_columns(
        scope=F.lookup("_rank", {0: "company", 1: "team", 2: "rep"}, nw.String),
        gap=target - actual,
        attainment=F.ratio(actual, target),
        projected=nw.when(open_ & (nw.col("_elapsed") > 0)).then(
            actual * nw.col("_total") / nw.col("_elapsed")
        ),
        _left=nw.col("_total") - nw.col("_elapsed"),
        trailing_average=F.ratio(nw.col("_trail"), nw.col("_ntrail")),
    )
    gap_left = nw.max_horizontal(nw.col("gap"), nw.lit(0.0))
    out = out.with_columns(
        projected_attainment=F.ratio(nw.col("projected"), target),
        required_per_business_day=nw.when(
            (nw.col("_state") != "closed") & (nw.col("_left") > 0) & ~actual.is_null()
        ).then(gap_left / nw.col("_left")),
        realism=F.ratio(target, nw.col("trailing_average")),
    )
    pa = nw.col("projected_attainment")
    out = out.with_columns(
        status=nw.when(pa.is_null() | pa.is_nan())
        .then(nw.lit(None, nw.String))
        .when(pa >= on_track)
        .then(nw.lit("on track"))
        .when(pa >= at_risk)
        .then(nw.lit("at risk"))
        .otherwise(nw.lit("off track"))
    )
    out = out.sort(["period", "metric", "_rank", "team", "owner"], nulls_last=False)
    out = out.select(
        *[nw.col(c).cast(nw.String) for c in ATTAINMENT_COLUMNS[:5]],
        *[nw.col(c).cast(nw.Float64) for c in ATTAINMENT_COLUMNS[5:12]],
        nw.col("status").cast(nw.String),
        *[nw.col(c).cast(nw.Float64) for c in ATTAINMENT_COLUMNS[13:]],
    )
    return F.to_native(out, kind)


def _bounds(leads: nw.LazyFrame, dates: list[str]) -> tuple[Any, Any]:
    """First lead_at and latest date of any ``*_at`` column (None when empty)."""
    first = leads.select(nw.col("lead_at").min()).collect().item(0, 0)
    latest = F.latest_date(leads=(leads, dates))  # on DuckDB, from the last row groups
    return (None if first is None or first != first else first), latest
