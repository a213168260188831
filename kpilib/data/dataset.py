"""The :class:`Dataset`: the four canonical tables and their settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kpilib.data.methods import KpiMethods
from kpilib.data.settings import Settings
from kpilib.data.summary import summary_text

__all__ = ["Dataset"]


@dataclass
class Dataset(KpiMethods):
    """A loaded, validated dataset.

    Tables are pandas frames with canonical, normalised columns:
    ids and texts as strings (missing = NA), dates as naive ``datetime64[us]``,
    measures as ``float64``. ``targets``, ``costs`` and ``orders`` are ``None``
    when the folder has no such file.

    - leads: lead_id, lead_at, source, team, owner, <stage>_at for every later
      stage of ``settings.stages``, qualified_at and lost_at when present,
      customer_id, amount.
    - targets: period ("2026-10", "2026-Q4", "FY2026"), metric, team, owner, target.
    - costs: period ("YYYY-MM"), category, channel, team, amount.
    - orders: order_id, customer_id, order_date, revenue, gross_margin
      (filled from ``settings.gross_margin_rate`` where the file has none).

    The KPI functions are methods with the dataset's tables and settings filled
    in (:class:`~kpilib.data.methods.KpiMethods`): ``ds.funnel(period="2026-07")``
    gives the report's figure, with its conversion window, stages, thresholds
    and fiscal year.
    """

    leads: pd.DataFrame
    targets: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    settings: Settings = field(default_factory=Settings)
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    files: dict[str, str] = field(default_factory=dict)
    # the text encoding of each CSV table not in UTF-8
    encodings: dict[str, str] = field(default_factory=dict)

    @property
    def as_of(self) -> pd.Timestamp:
        """The latest date recorded anywhere in the dataset."""
        from kpilib.data.checks import latest_date  # read from the dates' integers

        dates: list[Any] = []
        for frame in (self.leads, self.orders):
            if frame is None:
                continue
            for col in frame.columns:
                if col.endswith("_at") or col == "order_date":
                    dates.append(latest_date(frame[col]))
        valid = [d for d in dates if pd.notna(d)]
        return max(valid) if valid else pd.NaT

    @property
    def first_date(self) -> pd.Timestamp:
        """The earliest ``lead_at``: where the data starts."""
        from kpilib.data.checks import date_bounds

        return date_bounds(self.leads["lead_at"])[0]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables present, by name."""
        named = {
            "leads": self.leads,
            "targets": self.targets,
            "costs": self.costs,
            "orders": self.orders,
        }
        return {k: v for k, v in named.items() if v is not None}

    def summary(self) -> str:
        """A few lines for a terminal: rows per table, date span, sources, teams, warnings
        (:func:`kpilib.data.summary.summary_text`)."""
        leads = self.leads
        first, last = leads["lead_at"].min(), self.as_of
        return summary_text(
            name=self.path.name if self.path else "dataset",
            company=self.settings.company,
            currency=self.settings.currency,
            rows={table: len(frame) for table, frame in self.tables().items()},
            files=self.files,
            encodings=self.encodings,
            dates=(first, last) if pd.notna(first) else None,
            labels={
                c: sorted(leads[c].dropna().unique()) for c in ("source", "team") if c in leads
            },
            warnings=self.warnings,
        )
