"""The canonical data model, stated once: tables and their columns, stages, metrics, costs.

Every reader (the loader, the scans of Parquet folders), every importer and
every KPI takes its column lists and defaults from here (docs/data-model.md
describes each column).

Examples
--------
>>> TABLES["leads"].required
('lead_id', 'lead_at')
>>> stage_column("visit"), metric_of("offer")
('visit_at', 'offers')
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings import this module
    from kpilib.data.settings import Settings

__all__ = [
    "PERIOD_PATTERN",
    "MONTH_PATTERN",
    "loader_reads",
    "date_columns",
    "other_dates",
    "Table",
    "TABLES",
    "TABLE_NAMES",
    "STAGES",
    "METRICS",
    "COST_CATEGORIES",
    "stage_column",
    "metric_of",
]

STAGES: tuple[str, ...] = ("lead", "visit", "offer", "sale")
"""The default funnel stages (kpi.toml's ``[funnel] stages`` may name others)."""

METRICS: tuple[str, ...] = ("leads", "visits", "offers", "sales", "new_customers", "revenue")
"""The target metrics of the default stages: a stage's count, new customers and revenue."""

COST_CATEGORIES: tuple[str, ...] = ("salaries", "bonuses", "expenses", "campaigns")
"""The cost categories reported apart; any other category counts as "other"."""

PERIOD_PATTERN = r"^(\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4]|FY\d{4})$"
"""A target's period: a month ("2026-10"), a quarter ("2026-Q4") or a fiscal year ("FY2026")."""

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
"""A cost line's period: a month."""


@dataclass(frozen=True)
class Table:
    """One table of a dataset: its required columns and the type of each column.

    ``dates`` lists the fixed date columns (a lead's ``<stage>_at`` columns
    follow the dataset's stages); ``text`` the ids and labels, read as strings;
    ``numbers`` the measures, read as floats.
    """

    name: str
    required: tuple[str, ...]
    text: tuple[str, ...]
    numbers: tuple[str, ...]
    dates: tuple[str, ...] = ()


TABLES: dict[str, Table] = {
    "leads": Table(
        "leads",
        required=("lead_id", "lead_at"),
        text=("lead_id", "source", "team", "owner", "customer_id"),
        numbers=("amount",),
        dates=("lead_at", "qualified_at", "lost_at"),
    ),
    "targets": Table(
        "targets",
        required=("period", "metric", "target"),
        text=("period", "metric", "team", "owner"),
        numbers=("target",),
    ),
    "costs": Table(
        "costs",
        required=("category", "amount"),  # and a period or a date
        text=("period", "category", "channel", "team"),
        numbers=("amount",),
        dates=("date",),
    ),
    "orders": Table(
        "orders",
        required=("order_id", "customer_id", "order_date", "revenue"),
        text=("order_id", "customer_id"),
        numbers=("revenue", "gross_margin"),
        dates=("order_date",),
    ),
}
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


def stage_column(stage: str) -> str:
    """The leads' column dating *stage*: ``visit`` → ``visit_at``."""
    return f"{stage}_at"


def metric_of(stage: str) -> str:
    """The target metric counting *stage*: ``offer`` → ``offers``."""
    return f"{stage}s"


def _named_as_date(name: str) -> bool:
    """Whether a leads column is named as a date (``*_at``), a stage of kpi.toml or not."""
    return name.endswith("_at")


def loader_reads(table: str) -> Callable[[str], bool]:
    """Which columns of *table* :func:`kpilib.load_dataset` reads (a Parquet file is read
    for those only): the canonical ones, and every ``*_at`` column of the leads, so that
    one not among the stages still gets its warning (:func:`other_dates`).

    Examples
    --------
    >>> reads = loader_reads("leads")
    >>> reads("amount"), reads("demo_at"), reads("notes")
    (True, True, False)
    """
    names = {
        "leads": {"lead_id", "source", "team", "owner", "customer_id", "amount", "lead_at"},
        "targets": {"period", "metric", "team", "owner", "target"},
        "costs": {"period", "date", "category", "channel", "team", "amount"},
        "orders": {"order_id", "customer_id", "order_date", "revenue", "gross_margin"},
    }[table]
    if table == "leads":
        return lambda c: c in names or _named_as_date(c)
    return names.__contains__


def date_columns(table: str, settings: Settings, names: Collection[str] | None = None) -> list[str]:
    """The date columns :func:`kpilib.load_dataset` parses in *table*: the stages' of the
    leads (after *settings*), ``qualified_at`` and ``lost_at``; an order's ``order_date``;
    a cost line's ``date``.

    With the file's column *names*, those of them it parses, in that order: a cost
    line's ``date`` only where the file has no ``period`` (the loader then takes the
    period and leaves the date unparsed).

    Examples
    --------
    >>> from kpilib.data.settings import Settings
    >>> date_columns("leads", Settings())
    ['lead_at', 'visit_at', 'offer_at', 'sale_at', 'qualified_at', 'lost_at']
    >>> date_columns("leads", Settings(), ["lead_id", "sale_at", "lead_at", "demo_at"])
    ['lead_at', 'sale_at']
    >>> date_columns("costs", Settings(), ["date"])
    ['date']
    >>> date_columns("costs", Settings(), ["period", "date"])  # the date is left unparsed
    []
    """
    dates = {
        "leads": [*settings.stage_columns, "qualified_at", "lost_at"],
        "orders": ["order_date"],
        "costs": ["date"],
        "targets": [],
    }[table]
    if names is None:
        return dates
    present = set(names)
    if table == "costs" and "period" in present:
        return []
    return [c for c in dates if c in present]


def other_dates(names: Collection[str], settings: Settings) -> list[str]:
    """The leads columns of *names* named as dates (``*_at``) that are no date column
    of *settings* (:func:`date_columns`): the loader reads them only to warn that it
    ignores them, in the order of *names*.

    Examples
    --------
    >>> from kpilib.data.settings import Settings
    >>> other_dates(["lead_at", "demo_at", "notes", "lost_at"], Settings())
    ['demo_at']
    """
    dates = set(date_columns("leads", settings))
    return [c for c in names if _named_as_date(c) and c not in dates]
