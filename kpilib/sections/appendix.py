"""The appendix section: the data notes that keep a reader from trusting a number blindly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.sections.model import Fact

__all__ = ["AppendixSection", "build_appendix"]


@dataclass
class AppendixSection:
    """What the data notes say.

    ``warnings`` are the dataset's validation warnings; ``missing_tables`` the
    optional tables it lacks; ``immature_cohorts`` the lead cohorts younger
    than the conversion ``window`` (``window_derived``: read from the data, not
    set in kpi.toml); ``target_level`` and ``missing_metrics`` as in the
    objectives section; ``no_rep_targets`` when no target is set per rep.
    ``cac_allocation`` and ``cac_lag`` are how the CAC shares the costs that
    name no channel and the periods between a cost and the customers it buys
    (kpi.toml's ``[cac]``).
    """

    period: str
    warnings: list[str]
    missing_tables: list[str]
    immature_cohorts: list[str]
    window: Fact | None
    window_derived: bool
    target_level: str
    missing_metrics: list[str]
    no_rep_targets: bool
    derived_targets: list[str] = field(default_factory=list)
    cac_allocation: str = "new_customers"
    cac_lag: int = 0


def build_appendix(
    dataset: Dataset, *, period: str, as_of: pd.Timestamp, objectives: Any, funnel: Any
) -> AppendixSection:
    """The data notes of one report, from the dataset and the sections already computed."""
    trend = getattr(funnel, "trend", None)
    immature: list[str] = []
    if trend is not None and len(trend):
        immature = [str(c) for c in trend.loc[trend["immature"].astype(bool), "cohort"]]
    return AppendixSection(
        period=period,
        warnings=list(dataset.warnings),
        missing_tables=[t for t in ("targets", "costs", "orders") if getattr(dataset, t) is None],
        immature_cohorts=immature,
        window=getattr(funnel, "window", None),
        window_derived=bool(getattr(funnel, "window_derived", False)),
        target_level=objectives.target_level,
        missing_metrics=list(objectives.missing_metrics) if objectives.company else [],
        no_rep_targets=bool(objectives.company) and not objectives.reps,
        derived_targets=[o.metric for o in objectives.company if o.from_teams],
        cac_allocation=dataset.settings.cac_allocation,
        cac_lag=dataset.settings.cac_lag,
    )
