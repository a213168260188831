"""What the deal importers share once the export is read: won and lost, customers, leads.

Every CRM importer ends alike: the closed flags and dates give ``sale_at``
and ``lost_at``, each sale needs a customer, and the parsed columns become
the canonical leads frame, with a stage column only for the stages the
export records.
"""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from kpilib.errors import DataError
from kpilib.importers._files import Export
from kpilib.importers._text import rows_text

__all__ = [
    "Deals",
    "closed_dates",
    "deal_leads",
    "leads_frame",
    "recorded_stages",
    "require_customers",
]


def leads_frame(parts: dict[str, pd.Series], stages: tuple[str, ...]) -> pd.DataFrame:
    """The canonical leads frame from its columns, in canonical order.

    A stage column (``visit_at``, ``offer_at``, ``qualified_at``) is there
    only when *parts* holds it, that is when the export records the stage:
    a blank column would let the funnel count every sale as a visit and an
    offer. ``sale_at``, ``lost_at`` and the other columns are always there.
    """
    index = parts["lead_id"].index
    columns = ["lead_id", "lead_at", "source", "team", "owner"]
    columns += [f"{s}_at" for s in stages[1:] if f"{s}_at" in parts or s == "sale"]
    if "qualified_at" in parts and "qualified" not in stages:
        columns.append("qualified_at")
    if "sale_at" not in columns:
        columns.append("sale_at")
    columns += ["lost_at", "customer_id", "amount"]
    frame = {}
    for col in columns:
        if col in parts:
            frame[col] = parts[col]
        elif col.endswith("_at"):
            frame[col] = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
        elif col == "amount":
            frame[col] = pd.Series(np.nan, index=index, dtype="float64")
        else:
            frame[col] = pd.Series(pd.NA, index=index, dtype="str")
    return pd.DataFrame(frame, index=index).reset_index(drop=True)


def recorded_stages(frame: pd.DataFrame, stages: tuple[str, ...]) -> tuple[str, ...]:
    """The funnel stages of *stages* that the imported leads *frame* records.

    Examples
    --------
    >>> frame = pd.DataFrame(columns=["lead_id", "lead_at", "sale_at", "lost_at"])
    >>> recorded_stages(frame, ("lead", "visit", "offer", "sale"))
    ('lead', 'sale')
    """
    return tuple(s for s in stages if s == stages[0] or f"{s}_at" in frame.columns)


def closed_dates(
    dates: dict[str, pd.Series],
    *,
    won: pd.Series,
    lost: pd.Series,
    close: pd.Series | None,
) -> tuple[pd.Series, pd.Series]:
    """``sale_at`` and ``lost_at``: the mapped stage date, else the close date.

    The closed flags decide: a deal that is not won has no ``sale_at``, even
    if it once entered a won stage; an open deal's close date (a forecast) is
    never used.

    Examples
    --------
    >>> idx = pd.RangeIndex(3)
    >>> sale = pd.Series(pd.to_datetime([None, "2025-01-09", None]), index=idx)
    >>> close = pd.Series(pd.to_datetime(["2025-01-05", "2025-01-10", "2025-02-01"]), index=idx)
    >>> s, l = closed_dates({"sale": sale}, won=pd.Series([True, True, False]),
    ...                     lost=pd.Series([False, False, False]), close=close)
    >>> s.dt.strftime("%m-%d").tolist(), l.isna().all()
    (['01-05', '01-09', nan], np.True_)
    """
    out = []
    for name, flag in (("sale", won), ("lost", lost)):
        mapped = dates.get(name)
        if mapped is None:
            mapped = pd.Series(pd.NaT, index=flag.index, dtype="datetime64[us]")
        if close is not None:
            mapped = mapped.fillna(close)
        out.append(mapped.where(flag.to_numpy(dtype=bool)).astype("datetime64[us]"))
    return out[0], out[1]


def require_customers(
    export: Export, sale_at: pd.Series, customer_id: pd.Series, *, column: str, fix: str
) -> None:
    """Every sale needs a customer id: an error naming the rows and *fix* otherwise."""
    missing = (sale_at.notna() & customer_id.isna()).to_numpy()
    if missing.any():
        n, where = rows_text(export.rows, missing)
        raise DataError(
            f"{export.name}: column {column}: {n} won "
            f"{'record has' if n == 1 else 'records have'} no customer ({where}). {fix}"
        )


class Deals(NamedTuple):
    """The parsed columns of a deals export, one value per record."""

    lead_id: pd.Series
    lead_at: pd.Series
    sale_at: pd.Series
    lost_at: pd.Series
    customer: pd.Series  # the customer id, kept on sales only
    amount: pd.Series


def deal_leads(
    keep: np.ndarray,
    stages: tuple[str, ...],
    deals: Deals,
    text: AnyMapping[str, pd.Series],
    sources: AnyMapping[str, str],
    by_stage: AnyMapping[str, pd.Series],
) -> pd.DataFrame:
    """The leads frame of the records *keep*, from the parsed columns of a deals export.

    *text* holds the parsed text fields, of which source (through
    *sources*), team and owner are used; *by_stage* the date of each stage
    the export records.
    """
    parts = {
        "lead_id": deals.lead_id,
        "lead_at": deals.lead_at,
        "source": text["source"].map(sources) if "source" in text else None,
        "team": text.get("team"),
        "owner": text.get("owner"),
        "sale_at": deals.sale_at,
        "lost_at": deals.lost_at,
        "customer_id": deals.customer.where(deals.sale_at.notna()),
        "amount": deals.amount,
    }
    parts |= {f"{s}_at": at for s, at in by_stage.items() if s not in ("sale", "lost")}
    return leads_frame({k: v[keep] for k, v in parts.items() if v is not None}, stages)
