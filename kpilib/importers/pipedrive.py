"""Pipedrive → leads: the deals export (CSV or .xlsx), one lead per deal.

Pipedrive exports only each deal's last stage change, so the current stage
gets that date through the stage map; earlier stage dates come from custom
date fields named in ``mapping.toml [columns]`` (``visit_at = "Deal - Visit
date"``). ``sale_at`` is the won time, ``lost_at`` the lost time, each
falling back to the close date by the deal's status.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpilib.importers._crm import (
    Imported,
    Options,
    add_mapped_dates,
    build_mapping,
    found_stages,
    resolve_columns,
    stage_dates,
    stage_fields,
)
from kpilib.importers._dates import decide_order, parse_dates
from kpilib.importers._deals import Deals, closed_dates, deal_leads, require_customers
from kpilib.importers._files import read_export
from kpilib.importers._origin import origin_of
from kpilib.importers._text import label_key, plural
from kpilib.importers._values import convert_currency, parse_amounts, parse_ids, parse_texts

__all__ = ["read_pipedrive"]

_PREFIXES = ("Deal - ", "Affaire - ", "Obchod - ", "")
_FIELDS = {
    "lead_id": ["ID", "Pipedrive System ID"],
    "amount": ["Value", "Valeur", "Hodnota"],
    "currency": ["Currency", "Currency of value", "Devise", "Devise de la valeur"],
    "pipeline": ["Pipeline"],
    "stage": ["Stage", "Étape"],
    "status": ["Status", "Statut"],
    "owner": ["Owner", "Propriétaire"],
    "organization_id": ["Organization ID", "ID de l'organisation"],
    "customer_id": ["Organization", "Organisation"],
    "lead_at": [
        "Deal created",
        "Creation date",
        "Deal created on",
        "Affaire créée",
        "Date de création",
        "Créée le",
    ],
    "won_time": ["Won time", "Heure de gain", "Date de gain"],
    "lost_time": ["Lost time", "Heure de perte", "Date de perte"],
    "close": ["Deal closed on", "Affaire conclue le", "Date de clôture", "Closed on"],
    "last_change": ["Last stage change", "Dernier changement d'étape"],
    "source": ["Source channel", "Canal source", "Source"],
    "team": [],  # Pipedrive has no team: only a custom field named in [columns]
}
DEALS = {k: [p + a for p in _PREFIXES for a in v] for k, v in _FIELDS.items()}
_WON = {"won", "gagne", "gagnee", "vyhrano"}
_LOST = {"lost", "perdu", "perdue", "prohrano"}


def read_pipedrive(path: Path, options: Options) -> Imported:
    """Leads from a Pipedrive deals export."""
    known = [a for v in DEALS.values() for a in v]
    export = read_export(
        path,
        known=known,
        what="a Pipedrive deals export",
        expected=["Deal - ID", "Deal - Stage", "Deal - Status", "Deal - Deal created"],
        mapping=options.mapping,
    )
    dated = stage_fields(options.stages)
    cols = resolve_columns(
        export,
        DEALS,
        mapping=options.mapping,
        required=["lead_id", "lead_at", "stage", "status"],
        dated=dated,
    )
    frame = export.frame
    lead_id = parse_ids(frame[cols["lead_id"]], export, cols["lead_id"])
    custom = {k: c for k, c in cols.items() if k in dated}
    text = {k: parse_texts(frame[c]) for k, c in cols.items() if k not in custom}
    date_keys = ["lead_at", "won_time", "lost_time", "close", "last_change", *custom]
    date_cols = [cols[k] for k in date_keys if k in cols]
    order = decide_order(export, date_cols, options.dates)
    dates = {
        k: parse_dates(frame[cols[k]], export, cols[k], order=order, timezone=options.timezone)
        for k in date_keys
        if k in cols
    }
    pipeline = text["pipeline"].fillna("default") if "pipeline" in text else None
    if pipeline is None:
        pipeline = pd.Series("default", index=frame.index, dtype="str")
    stage = text["stage"]
    found = found_stages(pipeline, stage)
    sources = text["source"].dropna().unique() if "source" in text else []
    mapping = build_mapping("pipedrive", found, list(sources), options)
    last = dates.get("last_change")
    if last is None:
        last = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    events = pd.DataFrame(
        {
            "pos": range(len(frame)),
            "pipeline": pipeline.to_numpy(),
            "stage": stage.to_numpy(),
            "at": last.to_numpy(),
        }
    )
    # The last stage change dates each deal's current stage: every mapped stage is recorded.
    recorded = None if "last_change" in dates else []
    by_stage = stage_dates(events, mapping, frame.index, sources=recorded)
    by_stage = add_mapped_dates(by_stage, {k: dates[k] for k in custom})
    status = text["status"].fillna("")
    status = status.map({v: label_key(v) for v in status.unique()})
    won, lost = status.isin(_WON), status.isin(_LOST)
    for name, key in (("sale", "won_time"), ("lost", "lost_time")):
        if key in dates:
            given = by_stage.get(name)
            by_stage[name] = dates[key] if given is None else dates[key].fillna(given)
    sale_at, lost_at = closed_dates(by_stage, won=won, lost=lost, close=dates.get("close"))
    amount = pd.Series(float("nan"), index=frame.index)
    currency = options.currency
    if "amount" in cols:
        amount = parse_amounts(frame[cols["amount"]], export, cols["amount"])
        codes = text.get("currency", pd.Series(pd.NA, index=frame.index, dtype="str"))
        amount, currency = convert_currency(
            amount, codes, export, cols["amount"], rates=options.rates, currency=options.currency
        )
    named = options.mapping.columns if options.mapping else {}
    # The organization id wins over its name, unless [columns] names the customer column.
    by_id = "organization_id" in cols and ("customer_id" not in named or "organization_id" in named)
    key = "organization_id" if by_id else "customer_id"
    customer = (
        parse_ids(frame[cols[key]], export, cols[key])
        if key in cols
        else pd.Series(pd.NA, index=frame.index, dtype="str")
    )
    require_customers(
        export,
        sale_at,
        customer,
        column=cols.get(key, "Deal - Organization"),
        fix="Link an organization to each won deal in Pipedrive, or add the column "
        "Deal - Organization to the export.",
    )
    keep = pipeline.isin(mapping.include or []).to_numpy()
    deals = Deals(lead_id, dates["lead_at"], sale_at, lost_at, customer, amount)
    leads = deal_leads(keep, options.stages, deals, text, mapping.sources, by_stage)
    notes = []
    if (~keep).any():
        notes.append(
            f"{export.name}: {plural(int((~keep).sum()), 'deal')} of pipelines not in "
            "[pipelines] include left out."
        )
    if not custom:
        notes.append(
            f"{export.name}: Pipedrive exports only the last stage change; earlier stage dates "
            "need custom date fields named in mapping.toml [columns] (see docs/importing.md)."
        )
    counts = pipeline.value_counts(sort=False).to_dict()
    origin = origin_of(
        export.name,
        export.rows,
        keep,
        cols,
        customer_id=cols.get(key),
        sale_at=cols.get("won_time"),
        lost_at=cols.get("lost_time"),
    )
    return Imported("leads", leads, mapping, [export.name], currency, counts, notes, origin)
