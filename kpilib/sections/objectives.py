"""The objectives section: actual against target, with one status word per target.

Computed once from :func:`kpilib.kpis.objectives.attainment`. A target set
only per team gets a company target, the sum of the team targets, said so
(``from_teams``). A closed period *met* a target at 100% or more and *missed*
it otherwise; an open one is *on track*, *at risk* or *behind* by its
projection, and its projected figures say they are projected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period
from kpilib.data.schema import METRICS as SCHEMA_METRICS
from kpilib.engine import frames as F
from kpilib.kpis.objectives import ATTAINMENT_COLUMNS, attainment
from kpilib.kpis.pacing import cumulative_path
from kpilib.sections.model import Fact, Finding, Status, fact, status_of

__all__ = [
    "Objective",
    "ObjectivesSection",
    "build_objectives",
    "objectives_section",
    "with_company_targets",
    "METRICS",
]

METRICS = SCHEMA_METRICS


@dataclass(frozen=True)
class Objective:
    """One target of the period and what the data says of it.

    ``actual`` counts up to as_of (basis "actual" for a closed period,
    "month_to_date" for an open one); ``attainment`` = actual ÷ target on the
    same basis; ``projected`` and ``projected_attainment`` are the open
    period's run to the close (unknown when closed); ``ratio`` is the one the
    status is read on (projected while open).
    """

    metric: str
    scope: str
    team: str | None
    owner: str | None
    period: str
    closed: bool
    target: Fact
    actual: Fact
    attainment: Fact
    gap: Fact
    projected: Fact
    projected_attainment: Fact
    required_per_day: Fact
    realism: Fact
    status: Status
    from_teams: bool = False

    @property
    def ratio(self) -> Fact:
        """The attainment the status is read on: projected while open, else actual."""
        return self.attainment if self.closed else self.projected_attainment

    @property
    def shortfall(self) -> Fact:
        """How far below the target the status is read (1 − ratio; negative when ahead)."""
        r = self.ratio
        return fact(1 - r.value, "rate", r.basis, r.period, r.source)

    @property
    def who(self) -> str:
        """``company``, ``team:<name>`` or ``rep:<name>``."""
        if self.scope == "team":
            return f"team:{self.team}"
        if self.scope == "rep":
            return f"rep:{self.owner}"
        return "company:"


@dataclass
class ObjectivesSection:
    """What the objectives page states.

    ``company``, ``teams`` and ``reps`` hold the month's targets; ``table`` is
    the attainment frame the charts draw (every target period overlapping the
    month, with the company targets derived from teams); ``paths`` the daily
    cumulative actual of revenue and new customers; ``target_level`` is
    "company", "teams" (company targets are team sums) or "none".
    """

    period: str
    closed: bool
    company: list[Objective]
    teams: list[Objective]
    reps: list[Objective]
    target_level: str
    missing_metrics: list[str]
    table: pd.DataFrame
    paths: dict[str, pd.DataFrame]
    company_actuals: dict[str, Fact]
    previous_actuals: dict[str, Fact]
    findings: list[Finding] = field(default_factory=list)
    forecast: Any = None  # the pipeline forecast beside the run rate (sections.forecast)

    def get(self, metric: str) -> Objective | None:
        """The company objective of *metric*, None when it has no target."""
        return next((o for o in self.company if o.metric == metric), None)

    @property
    def met(self) -> int:
        """Company targets met (closed) or on track (open)."""
        word = "met" if self.closed else "on_track"
        return sum(o.status == word for o in self.company)

    def worst(self, rows: list[Objective] | None = None) -> Objective | None:
        """The target furthest below 100% by the ratio its status is read on."""
        valid = [o for o in (self.company if rows is None else rows) if o.ratio.known]
        return min(valid, key=lambda o: o.ratio.value) if valid else None

    def best(self, rows: list[Objective] | None = None) -> Objective | None:
        """The target furthest ahead by the ratio its status is read on."""
        valid = [o for o in (self.company if rows is None else rows) if o.ratio.known]
        return max(valid, key=lambda o: o.ratio.value) if valid else None

    def realism(self) -> Objective | None:
        """The company target asking most of history (highest realism), if any has one."""
        valid = [o for o in self.company if o.realism.known]
        return max(valid, key=lambda o: o.realism.value) if valid else None


def with_company_targets(targets: Any) -> tuple[Any, set[tuple[str, str]]]:
    """*targets* plus a company target for each (period, metric) set only per team.

    The derived target is the sum of the team targets (rep targets are not
    added up: a rep's target is part of its team's). Returns the targets on
    their own engine and the (period, metric) pairs derived.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2026-10"] * 2, "metric": ["sales"] * 2,
    ...                   "team": ["North", "South"], "owner": [None, None],
    ...                   "target": [10.0, 5.0]})
    >>> out, derived = with_company_targets(t)
    >>> out[out["team"].isna()][["period", "metric", "target"]].to_dict("records"), derived
    ([{'period': '2026-10', 'metric': 'sales', 'target': 15.0}], {('2026-10', 'sales')})
    """
    frame = F.to_pandas(targets)
    frame = frame.reindex(columns=["period", "metric", "team", "owner", "target"])
    company = frame["team"].isna() & frame["owner"].isna()
    teams = frame[frame["team"].notna() & frame["owner"].isna()]
    have = set(zip(frame.loc[company, "period"], frame.loc[company, "metric"], strict=True))
    sums = teams.groupby(["period", "metric"], sort=True)["target"].sum().reset_index()
    given = [(p, m) in have for p, m in zip(sums["period"], sums["metric"], strict=True)]
    sums = sums[~pd.Series(given, index=sums.index, dtype=bool)]
    derived = set(zip(sums["period"], sums["metric"], strict=True))
    if not derived:
        return targets, derived
    data = {
        "period": sums["period"].tolist(),
        "metric": sums["metric"].tolist(),
        "team": [None] * len(sums),
        "owner": [None] * len(sums),
        "target": sums["target"].astype("float64").tolist(),
    }
    if isinstance(targets, pd.DataFrame):
        extra = pd.DataFrame(data).astype(
            {"team": frame["team"].dtype, "owner": frame["owner"].dtype}
        )
        return pd.concat([frame, extra], ignore_index=True), derived
    native = nw.from_native(targets)
    lf = native.lazy() if isinstance(native, nw.DataFrame) else native
    lf = lf.select("period", "metric", "team", "owner", nw.col("target").cast(nw.Float64))
    types = {"period": nw.String, "metric": nw.String, "team": nw.String, "owner": nw.String}
    more = F.small_frame(lf, data, {**types, "target": nw.Float64})
    out = F.stack([lf, more], ["period", "metric", "team", "owner", "target"])
    return (
        out.collect().to_native() if isinstance(native, nw.DataFrame) else out.to_native()
    ), derived


def _objective(row: pd.Series, closed: bool, derived: set, s: Any) -> Objective:
    period, metric = str(row["period"]), str(row["metric"])
    unit = "money" if metric == "revenue" else "count"
    who = (
        row["scope"]
        if row["scope"] == "company"
        else f"{row['scope']}={row['team'] if row['scope'] == 'team' else row['owner']}"
    )
    src = f"attainment[period={period}, metric={metric}, {who}]"
    basis = "actual" if closed else "month_to_date"
    ratio = row["attainment"] if closed else row["projected_attainment"]
    return Objective(
        metric=metric,
        scope=str(row["scope"]),
        team=None if pd.isna(row["team"]) else str(row["team"]),
        owner=None if pd.isna(row["owner"]) else str(row["owner"]),
        period=period,
        closed=closed,
        target=fact(row["target"], unit, "target", period, src),
        actual=fact(row["actual"], unit, basis, period, src),
        attainment=fact(row["attainment"], "rate", basis, period, src),
        gap=fact(row["gap"], unit, basis, period, src),
        projected=fact(None if closed else row["projected"], unit, "projected", period, src),
        projected_attainment=fact(
            None if closed else row["projected_attainment"], "rate", "projected", period, src
        ),
        required_per_day=fact(row["required_per_business_day"], unit, "projected", period, src),
        realism=fact(row["realism"], "rate", "observed", period, src),
        status=status_of(
            float("nan") if pd.isna(ratio) else float(ratio),
            closed=closed,
            on_track=s.on_track,
            at_risk=s.at_risk,
        ),
        from_teams=row["scope"] == "company" and (period, metric) in derived,
    )


def _actual(path: pd.DataFrame, period: str, metric: str, basis: str) -> Fact:
    """The company actual of *metric* in *period*: the sum of its daily path (counted
    with or without a target)."""
    unit = "money" if metric == "revenue" else "count"
    value = float(path["actual"].sum()) if len(path) else float("nan")
    return fact(value, unit, basis, period, f"cumulative_path[period={period}, metric={metric}]")


def build_objectives(dataset: Dataset, *, period: str, as_of: pd.Timestamp) -> ObjectivesSection:
    """Compute the objectives section of *period* as seen on *as_of*."""
    from kpilib.sections.build import period_state
    from kpilib.sections.forecast import build_forecast

    s = dataset.settings
    state = period_state(period, as_of, s.fiscal_year_start)
    closed = state == "closed"
    targets, derived = dataset.targets, set()
    if F.has_rows(targets):
        targets, derived = with_company_targets(targets)
        table = F.to_pandas(
            attainment(
                dataset.leads,
                targets,
                as_of=as_of,
                period=period,
                on_track=s.on_track,
                at_risk=s.at_risk,
                stages=s.stages,
                fiscal_year_start=s.fiscal_year_start,
            )
        )
    else:
        table = pd.DataFrame({c: pd.Series([], dtype="object") for c in ATTAINMENT_COLUMNS})
    table = table.assign(
        from_teams=[
            sc == "company" and (p, m) in derived
            for p, m, sc in zip(table["period"], table["metric"], table["scope"], strict=True)
        ]
    )
    prev = parse_period(period, fiscal_year_start=s.fiscal_year_start).shift(-1).label
    basis = "actual" if closed else "month_to_date"
    metrics = ("new_customers", "revenue")
    # the daily paths of the month give its company actuals too
    paths = {
        m: cumulative_path(dataset.leads, targets, period=period, metric=m, as_of=as_of)
        for m in metrics
    }
    before = {
        m: cumulative_path(dataset.leads, None, period=prev, metric=m, as_of=as_of) for m in metrics
    }
    section = objectives_section(
        table,
        period=period,
        closed=closed,
        settings=s,
        company_actuals={m: _actual(paths[m], period, m, basis) for m in metrics},
        previous_actuals={m: _actual(before[m], prev, m, "actual") for m in metrics},
        paths={m: paths[m] for m in ("revenue", "new_customers")},
    )
    section.forecast = build_forecast(dataset, period=period, as_of=as_of)
    return section


def objectives_section(
    table: pd.DataFrame,
    *,
    period: str,
    closed: bool,
    settings: Any = None,
    company_actuals: dict[str, Fact] | None = None,
    previous_actuals: dict[str, Fact] | None = None,
    paths: dict[str, pd.DataFrame] | None = None,
) -> ObjectivesSection:
    """The objectives section of *period* from an attainment *table*
    (:func:`kpilib.kpis.objectives.attainment` output, pandas; a ``from_teams``
    column marks company targets summed from teams)."""
    from kpilib.data.settings import Settings

    s = settings or Settings()
    if "from_teams" not in table:
        table = table.assign(from_teams=False)
    table = table.reindex(columns=[*ATTAINMENT_COLUMNS, "from_teams"])
    derived = {
        (p, m)
        for p, m, d in zip(table["period"], table["metric"], table["from_teams"], strict=True)
        if d
    }
    month = table[table["period"] == period]
    rows = [_objective(r, closed, derived, s) for _, r in month.iterrows()]
    rows.sort(key=lambda o: METRICS.index(o.metric) if o.metric in METRICS else len(METRICS))
    company = [o for o in rows if o.scope == "company"]
    level = "none" if not company else "teams" if any(o.from_teams for o in company) else "company"
    section = ObjectivesSection(
        period=period,
        closed=closed,
        company=company,
        teams=[o for o in rows if o.scope == "team"],
        reps=[o for o in rows if o.scope == "rep"],
        target_level=level,
        missing_metrics=[m for m in METRICS if m not in {o.metric for o in company}],
        table=table,
        paths=paths or {},
        company_actuals=company_actuals or {},
        previous_actuals=previous_actuals or {},
    )
    section.findings = _findings(section)
    return section


def _findings(section: ObjectivesSection) -> list[Finding]:
    """The largest shortfall of the month (any scope), or that every target was met."""
    rows = section.company + section.teams + section.reps
    worst = section.worst(rows)
    if worst is None:
        return []
    names = {"who": worst.who, "metric": f"metric:{worst.metric}"}
    if section.closed:
        if worst.ratio.value < 1:
            facts = {
                "att": worst.attainment,
                "actual": worst.actual,
                "target": worst.target,
                "gap": worst.gap,
            }
            score = 2 * (1 - worst.ratio.value)
            return [Finding("objectives", score, "find.obj.missed", facts, names)]
        best = section.best() or worst
        facts = {"att": best.attainment}
        return [
            Finding(
                "objectives", 0.05, "find.obj.all_met", facts, {"metric": f"metric:{best.metric}"}
            )
        ]
    facts = {
        "patt": worst.projected_attainment,
        "projected": worst.projected,
        "target": worst.target,
        "actual": worst.actual,
    }
    score = 2 * max(0.0, 1 - worst.ratio.value)
    key = "find.obj.projected_short" if worst.ratio.value < 1 else "find.obj.projected_ahead"
    return [Finding("objectives", score if worst.ratio.value < 1 else 0.05, key, facts, names)]
