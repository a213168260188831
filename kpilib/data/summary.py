"""The lines ``kpi validate`` prints about a dataset, from plain values.

:meth:`kpilib.data.dataset.Dataset.summary` (pandas frames) and the quick path
of ``kpi validate`` (:mod:`kpilib.data.quick`, Arrow tables) both write their
summary here, so that the two print the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

__all__ = ["summary_text"]

# the tables a dataset may lack, as the summary names them
_OPTIONAL = ("targets", "costs", "orders")
_LABELS = (("source", "sources"), ("team", "teams"))


def summary_text(
    *,
    name: str,
    company: str,
    currency: str,
    rows: Mapping[str, int],
    files: Mapping[str, str],
    encodings: Mapping[str, str],
    dates: tuple[dt.datetime, dt.datetime] | None,
    labels: Mapping[str, Sequence[str]],
    warnings: Sequence[str],
) -> str:
    """A few lines for a terminal: rows per table, date span, sources, teams, warnings.

    Parameters
    ----------
    name
        The dataset folder's name.
    company, currency
        kpi.toml's company and currency.
    rows
        The number of rows of each table present, in the order to show.
    files, encodings
        The file of each table, and the text encoding of each CSV table not in UTF-8.
    dates
        The first ``lead_at`` and the latest date anywhere (the data's as-of), or None
        when no lead has a date.
    labels
        The distinct values of the leads' ``source`` and ``team`` columns, sorted, for
        the columns the leads have.
    warnings
        The loader's warnings.

    Returns
    -------
    str
        The lines, without a final line break.

    Examples
    --------
    >>> print(summary_text(name="shop", company="Shop", currency="EUR", rows={"leads": 1200},
    ...       files={"leads": "leads.csv"}, encodings={}, dates=None,
    ...       labels={"source": ["ads", "web"]}, warnings=[]))
    shop: Shop, amounts in EUR
      leads        1,200 rows  (leads.csv)
      not given: targets, costs, orders
      sources  2: ads, web
      warnings 0
    """
    lines = [f"{name}: {company}, amounts in {currency}"]
    for table, count in rows.items():
        source = files.get(table, "-")
        if table in encodings:
            source += f", {encodings[table]}"
        lines.append(f"  {table:<8} {count:>9,} rows  ({source})")
    missing = [t for t in _OPTIONAL if t not in rows]
    if missing:
        lines.append(f"  not given: {', '.join(missing)}")
    if dates is not None:
        first, last = dates
        lines.append(f"  dates    {first:%Y-%m-%d} to {last:%Y-%m-%d} (as of {last:%Y-%m-%d})")
    for col, label in _LABELS:
        if col in labels:
            values = labels[col]
            lines.append(f"  {label:<8} {len(values)}: {', '.join(values)}")
    lines.append(f"  warnings {len(warnings)}")
    lines.extend(f"    - {w}" for w in warnings)
    return "\n".join(lines)
