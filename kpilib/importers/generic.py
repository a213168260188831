"""Any CRM export → leads, through its mapping alone (``kpi import csv``).

No labels are guessed: ``mapping.toml [columns]`` names the export column of
each field, ``[stages]`` reads a status column, ``[[join]]`` adds the
columns of other files matched on a key (a team per sales agent, the closed
deals of a list of leads), and ``[rows]`` says what to do with records
without a ``lead_at``. See :mod:`kpilib.importers._mapping` for the format.

A lead is won when its status maps to ``sale`` (or, without a status
column, when its ``sale_at`` is set); ``sale_at`` is then the mapped date,
else the close date. Lost likewise. Stage columns are those ``[columns]``
dates: nothing else records a stage.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpilib.errors import DataError, ParameterError
from kpilib.importers._crm import (
    Imported,
    Options,
    add_mapped_dates,
    resolve_columns,
    stage_fields,
)
from kpilib.importers._dates import decide_order, parse_dates
from kpilib.importers._deals import Deals, closed_dates, deal_leads, require_customers
from kpilib.importers._files import Export, read_export
from kpilib.importers._mapping import CANONICAL, Join, Mapping
from kpilib.importers._origin import origin_of
from kpilib.importers._text import label_key, plural, rows_text, snake
from kpilib.importers._values import convert_currency, parse_amounts, parse_ids, parse_texts

__all__ = ["FIELDS", "read_generic"]

# The fields [columns] may name, besides the <stage>_at dates; none has an alias.
FIELDS: dict[str, list[str]] = {k: [] for k in (*CANONICAL, "currency", "stage", "close")}


def _read(path: Path, known: list[str], mapping: Mapping, what: str) -> Export:
    return read_export(path, known=known, what=what, expected=known[:4], mapping=mapping)


def _column(export: Export, label: str, mapping: Mapping, where: str) -> str:
    by_key = {label_key(c): c for c in export.frame.columns}
    column = by_key.get(label_key(label))
    if column is None:
        raise DataError(
            f"{mapping.name}: [[join]] {where} = {label!r}: {export.name} has no such column "
            f"(columns found: {', '.join(export.frame.columns)}). Fix the key's label."
        )
    return column


def _join(export: Export, join: Join, mapping: Mapping) -> tuple[Export, list[str]]:
    """*export* with the columns of *join*'s file added, matched on the key."""
    left_key = _column(export, join.export_key, mapping, "on (export)")
    if not join.file.is_file():
        raise DataError(
            f"{mapping.name}: [[join]] file: {join.file} is not a file. Give the path of the "
            "file to join, relative to the mapping file."
        )
    other = _read(join.file, [join.file_key], mapping, f"the file joined on {join.file_key}")
    right_key = _column(other, join.file_key, mapping, "on (file)")
    keys = parse_texts(other.frame[right_key])
    dup = keys.notna() & keys.duplicated(keep=False)
    if dup.any():
        n, where = rows_text(other.rows, dup)
        raise DataError(
            f"{other.name}: column {right_key}: {n} rows repeat a key, such as "
            f"{keys[dup].iloc[0]!r} ({where}). A joined file needs one row per key: remove "
            "the duplicates."
        )
    position = pd.Series(np.arange(len(keys)), index=keys.fillna("\0").to_numpy())
    wanted = parse_texts(export.frame[left_key])
    pos = wanted.map(position.drop("\0", errors="ignore"))
    taken = pos.notna().to_numpy()
    frame = export.frame.copy()
    own = {label_key(c) for c in frame.columns}
    for col in other.frame.columns:
        if col == right_key:
            continue
        label = col if label_key(col) not in own else f"{col} ({other.name})"
        values = np.full(len(frame), None, dtype=object)
        values[taken] = other.frame[col].to_numpy()[pos[taken].astype(int).to_numpy()]
        frame[label] = values
    notes = []
    unmatched = np.setdiff1d(np.arange(len(keys)), pos[taken].astype(int).to_numpy())
    if len(unmatched):
        mask = np.isin(np.arange(len(keys)), unmatched)
        n, where = rows_text(other.rows, mask)
        notes.append(
            f"{other.name}: {plural(n, 'row')} {'matches' if n == 1 else 'match'} no record "
            f"of {export.name} on {left_key} ({where}); left out."
        )
    joined = Export(export.name, frame, export.rows, export.preamble, export.typed)
    return joined, notes


def _status(text: pd.Series, column: str, mapping: Mapping) -> pd.Series:
    """The canonical meaning (sale, lost, ignore) of each record's status."""
    table = mapping.stages.get("default", {})
    missing = [v for v in text.dropna().unique() if v not in table]
    if missing:
        listed = ", ".join(repr(v) for v in missing)
        raise DataError(
            f"{mapping.name}: {plural(len(missing), 'value')} of {column} "
            f"{'has' if len(missing) == 1 else 'have'} no meaning in [stages] ({listed}). Add "
            f'each under [stages], such as "{missing[0]}" = "ignore" (or sale, lost).'
        )
    return text.map(table).fillna("ignore")


def _undated(export: Export, lead_at: pd.Series, column: str, mapping: Mapping) -> np.ndarray:
    """Which records to keep: all of them, unless some lack lead_at and may be skipped."""
    blank = lead_at.isna().to_numpy()
    if blank.any() and not mapping.skip_undated:
        n, where = rows_text(export.rows, blank)
        raise DataError(
            f"{export.name}: column {column} (lead_at): {n} "
            f"{'record has' if n == 1 else 'records have'} no date ({where}). Every lead "
            "needs the date it entered the funnel: fill it, name another column for lead_at, "
            f'or add [rows] without_lead_at = "skip" to {mapping.name} to leave them out.'
        )
    return ~blank


def read_generic(path: Path, options: Options) -> Imported:
    """Leads from any export, read through ``options.mapping`` (required)."""
    mapping = options.mapping
    if mapping is None:
        raise ParameterError(
            f"{path.name}: kpi import csv reads an export through its mapping: give --map "
            "mapping.toml naming the columns (mapping= in Python; see docs/importing.md)."
        )
    export = _read(path, list(mapping.columns.values()), mapping, "the export")
    notes: list[str] = []
    joined: dict[str, str] = {}
    for join in mapping.joins:
        before = set(export.frame.columns)
        export, more = _join(export, join, mapping)
        joined |= {c: join.file.name for c in export.frame.columns if c not in before}
        notes += more
    dated = stage_fields(options.stages)
    cols = resolve_columns(
        export, FIELDS, mapping=mapping, required=["lead_id", "lead_at"], dated=dated
    )
    frame = export.frame
    date_keys = [k for k in ("lead_at", "close", *dated) if k in cols]
    order = decide_order(export, [cols[k] for k in date_keys], options.dates)
    dates = {
        k: parse_dates(frame[cols[k]], export, cols[k], order=order, timezone=options.timezone)
        for k in date_keys
    }
    keep = _undated(export, dates["lead_at"], cols["lead_at"], mapping)
    if not keep.all():
        n, where = rows_text(export.rows, ~keep)
        notes.append(f"{export.name}: {plural(n, 'record')} without lead_at left out ({where}).")
    text = {
        k: parse_texts(frame[cols[k]])
        for k in ("source", "team", "owner", "stage", "currency")
        if k in cols
    }
    by_stage = add_mapped_dates({}, {k: dates[k] for k in dated if k in dates})
    if "stage" in text:
        status = _status(text["stage"], cols["stage"], mapping)
        won, lost = status.eq("sale"), status.eq("lost")
    else:
        if "close" in cols:
            raise DataError(
                f"{mapping.name}: [columns] close = {mapping.columns['close']!r} needs a status "
                'column to say which records closed won or lost: add stage = "…" and '
                "[stages], or name sale_at and lost_at instead."
            )
        never = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
        won = by_stage.get("sale", never).notna()
        lost = by_stage.get("lost", never).notna() & ~won
    sale_at, lost_at = closed_dates(by_stage, won=won, lost=lost, close=dates.get("close"))
    undated = (won & sale_at.isna()) | (lost & lost_at.isna())
    if undated.to_numpy()[keep].any():
        n, where = rows_text(export.rows, undated.to_numpy() & keep)
        fix = (
            f"Fill {cols['close']} for them, or name sale_at and lost_at date columns in [columns]."
            if "close" in cols
            else 'Name the column that dates the close in [columns] (close = "…", or sale_at '
            "and lost_at)."
        )
        raise DataError(
            f"{export.name}: column {cols['stage']}: {n} won or lost "
            f"{'record has' if n == 1 else 'records have'} no date ({where}). {fix}"
        )
    amount, currency = pd.Series(np.nan, index=frame.index), options.currency
    if "amount" in cols:
        amount = parse_amounts(frame[cols["amount"]], export, cols["amount"])
        codes = text.get("currency", pd.Series(pd.NA, index=frame.index, dtype="str"))
        amount, currency = convert_currency(
            amount, codes, export, cols["amount"], rates=options.rates, currency=currency
        )
    customer = (
        parse_ids(frame[cols["customer_id"]], export, cols["customer_id"])
        if "customer_id" in cols
        else pd.Series(pd.NA, index=frame.index, dtype="str")
    )
    require_customers(
        export,
        sale_at.where(keep),
        customer,
        column=cols.get("customer_id", "customer_id"),
        fix='Name the customer column in [columns] (customer_id = "…") and fill it for every '
        "won record.",
    )
    sources = {}
    if "source" in text:
        values = text["source"].dropna().unique()
        guessed = snake(pd.Series(values, dtype="str"))
        sources = dict(zip(values, guessed, strict=True)) | mapping.sources
    lead_id = parse_ids(frame[cols["lead_id"]], export, cols["lead_id"])
    deals = Deals(lead_id, dates["lead_at"], sale_at, lost_at, customer, amount)
    leads = deal_leads(keep, options.stages, deals, text, sources, by_stage)
    files = [export.name] + [j.file.name for j in mapping.joins]
    used = Mapping("csv", stages=mapping.stages, sources=sources, columns=mapping.columns)
    origin = origin_of(export.name, export.rows, keep, cols)
    origin.files = joined
    counts = {"default": len(leads)}
    return Imported("leads", leads, used, files, currency, counts, notes, origin)
