"""Salesforce → leads: the opportunity report, plus its opportunity history report.

The opportunity report ("Details Only" CSV or .xlsx, or "Formatted" .xlsx
with its title and footer rows) gives one lead per opportunity. Stage dates
come from the opportunity history report, when given as the second file:
the first date each opportunity entered each stage, through the stage map.
``sale_at`` falls back to the close date of won opportunities, ``lost_at``
to that of closed, not won ones. 15- and 18-character ids match.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpilib.importers._crm import (
    Imported,
    Options,
    add_mapped_dates,
    build_mapping,
    current_canonical,
    found_stages,
    resolve_columns,
    stage_dates,
    stage_fields,
)
from kpilib.importers._dates import decide_order, parse_dates
from kpilib.importers._deals import Deals, closed_dates, deal_leads, require_customers
from kpilib.importers._files import read_export
from kpilib.importers._origin import origin_of
from kpilib.importers._text import plural
from kpilib.importers._values import (
    convert_currency,
    parse_amounts,
    parse_flags,
    parse_ids,
    parse_texts,
)

__all__ = ["read_salesforce"]

OPPORTUNITIES = {
    "lead_id": ["Opportunity ID", "ID de l'opportunité", "OpportunityId", "Id"],
    "account_id": ["Account ID", "ID du compte", "AccountId"],
    "account": ["Account Name", "Nom du compte"],
    "customer_id": [],  # a column named in [columns]: used before Account ID and Account Name
    "stage": ["Stage", "Étape", "StageName"],
    "amount": ["Amount", "Montant"],
    "currency": [
        "Opportunity Currency",
        "Amount Currency",
        "Devise de l'opportunité",
        "CurrencyIsoCode",
        "Devise",
    ],
    "close": ["Close Date", "Date de clôture", "CloseDate"],
    "lead_at": ["Created Date", "Date de création", "CreatedDate"],
    "source": ["Lead Source", "Origine de la piste", "Source de la piste", "LeadSource"],
    "owner": ["Opportunity Owner", "Propriétaire de l'opportunité", "Owner"],
    "team": ["Owner Role", "Rôle du propriétaire"],
    "won": ["Won", "Gagné", "Gagnée", "IsWon"],
    "closed": ["Closed", "Fermé", "Fermée", "Clôturé", "IsClosed"],
    "pipeline": [
        "Opportunity Record Type",
        "Record Type",
        "RecordType",
        "Type d'enregistrement de l'opportunité",
    ],
}
HISTORY = {
    "lead_id": ["Opportunity ID", "ID de l'opportunité", "OpportunityId"],
    "stage": ["To Stage", "Stage", "StageName", "Vers l'étape", "Étape"],
    "at": [
        "Created Date",
        "CreatedDate",
        "Edit Date",
        "Date de création",
        "Date de modification",
        "Last Modified",
    ],
}
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}


def _key(ids: pd.Series) -> pd.Series:
    """Match key of an id: 18-character ids are 15-character ones plus a checksum."""
    return ids.where(ids.str.len() != 18, ids.str[:15])


def _codes(cells: pd.Series) -> pd.Series:
    """Currency codes written inside amounts ("EUR 1,200.00", "1 200,00 €")."""
    text = parse_texts(cells)
    code = text.str.extract(r"([A-Z]{3})", expand=False)
    for sign, iso in _SYMBOLS.items():
        code = code.where(code.notna() | ~text.str.contains(sign, regex=False).fillna(False), iso)
    return code.astype("str")


def _history(path: Path, report_keys: pd.Series, pipeline: pd.Series, options: Options):
    export = read_export(
        path,
        known=[a for v in HISTORY.values() for a in v],
        what="a Salesforce opportunity history report",
        expected=["Opportunity ID", "To Stage", "Edit Date"],
    )
    cols = resolve_columns(export, HISTORY, mapping=None, required=["lead_id", "stage", "at"])
    order = decide_order(export, [cols["at"]], options.dates)
    at = parse_dates(
        export.frame[cols["at"]], export, cols["at"], order=order, timezone=options.timezone
    )
    ids = _key(parse_ids(export.frame[cols["lead_id"]], export, cols["lead_id"]))
    position = pd.Series(np.arange(len(report_keys)), index=report_keys.to_numpy())
    position = position[~position.index.duplicated()]
    pos = ids.map(position)
    events = pd.DataFrame(
        {"pos": pos, "stage": parse_texts(export.frame[cols["stage"]]), "at": at}
    ).dropna(subset=["pos", "stage", "at"])
    events["pos"] = events["pos"].astype(int)
    events["pipeline"] = pipeline.to_numpy()[events["pos"].to_numpy()]
    unknown = int(ids.notna().sum() - pos.notna().sum())
    note = (
        [
            f"{export.name}: {plural(unknown, 'history row')} of opportunities not in the "
            "report left out."
        ]
        if unknown
        else []
    )
    return events[["pos", "pipeline", "stage", "at"]], export.name, note


def read_salesforce(paths: list[Path], options: Options) -> Imported:
    """Leads from a Salesforce opportunity report and, optionally, its history report."""
    export = read_export(
        paths[0],
        known=[a for v in OPPORTUNITIES.values() for a in v],
        what="a Salesforce opportunity report",
        expected=["Opportunity ID", "Stage", "Created Date", "Close Date"],
        mapping=options.mapping,
    )
    dated = stage_fields(options.stages)
    cols = resolve_columns(
        export,
        OPPORTUNITIES,
        mapping=options.mapping,
        required=["lead_id", "lead_at", "stage"],
        dated=dated,
    )
    frame = export.frame
    lead_id = parse_ids(frame[cols["lead_id"]], export, cols["lead_id"])
    mapped = [k for k in cols if k in dated]
    text = {k: parse_texts(frame[c]) for k, c in cols.items() if k not in mapped}
    date_keys = [k for k in ("lead_at", "close", *mapped) if k in cols]
    order = decide_order(export, [cols[k] for k in date_keys], options.dates)
    dates = {
        k: parse_dates(frame[cols[k]], export, cols[k], order=order, timezone=options.timezone)
        for k in date_keys
    }
    pipeline = text.get("pipeline", pd.Series("default", index=frame.index, dtype="str"))
    pipeline = pipeline.fillna("default")
    files, notes = [export.name], []
    if len(paths) > 1:
        events, name, notes = _history(paths[1], _key(lead_id), pipeline, options)
        files.append(name)
    else:
        events = pd.DataFrame({"pos": [], "pipeline": [], "stage": [], "at": []})
        notes.append(
            f"{export.name}: no opportunity history report given; only sale_at and lost_at "
            "are set (from the close date). Add the history report for the other stages."
        )
    found = found_stages(
        pd.concat([events["pipeline"], pd.Series(pipeline.to_numpy())], ignore_index=True),
        pd.concat([events["stage"], pd.Series(text["stage"].to_numpy())], ignore_index=True),
    )
    sources = text["source"].dropna().unique() if "source" in text else []
    mapping = build_mapping("salesforce", found, list(sources), options)
    # The history report dates every stage an opportunity entered: each mapped stage is
    # recorded. Without it, only the close date dates anything (sale and lost).
    recorded = [(p, s) for p, t in mapping.stages.items() for s in t] if len(paths) > 1 else []
    by_stage = stage_dates(events, mapping, frame.index, sources=recorded)
    by_stage = add_mapped_dates(by_stage, {k: dates[k] for k in mapped})
    current = current_canonical(pipeline, text["stage"].fillna(""), mapping)
    won = parse_flags(frame[cols["won"]], export, cols["won"]) if "won" in cols else None
    won = won if won is not None else current.eq("sale")
    if "closed" in cols:
        lost = parse_flags(frame[cols["closed"]], export, cols["closed"]) & ~won
    else:
        lost = current.eq("lost")
    sale_at, lost_at = closed_dates(by_stage, won=won, lost=lost, close=dates.get("close"))
    amount = pd.Series(float("nan"), index=frame.index)
    currency = options.currency
    if "amount" in cols:
        amount = parse_amounts(frame[cols["amount"]], export, cols["amount"])
        codes = text["currency"] if "currency" in text else _codes(frame[cols["amount"]])
        amount, currency = convert_currency(
            amount, codes, export, cols["amount"], rates=options.rates, currency=options.currency
        )
    # The customer: a column named in [columns] first, then Account ID, then Account Name.
    named = options.mapping.columns if options.mapping else {}
    order = sorted(("customer_id", "account_id", "account"), key=lambda k: k not in named)
    key = next((k for k in order if k in cols), None)
    customer = (
        parse_ids(frame[cols[key]], export, cols[key])
        if key
        else pd.Series(pd.NA, index=frame.index, dtype="str")
    )
    require_customers(
        export,
        sale_at,
        customer,
        column=cols[key] if key else "Account ID",
        fix="Add the column Account ID (or Account Name) to the report, and an account to "
        "each won opportunity.",
    )
    keep = pipeline.isin(mapping.include or []).to_numpy()
    deals = Deals(lead_id, dates["lead_at"], sale_at, lost_at, customer, amount)
    leads = deal_leads(keep, options.stages, deals, text, mapping.sources, by_stage)
    if (~keep).any():
        notes.append(
            f"{export.name}: {plural(int((~keep).sum()), 'opportunity record')} of record types not "
            "in [pipelines] include left out."
        )
    counts = pipeline.value_counts(sort=False).to_dict()
    origin = origin_of(export.name, export.rows, keep, cols, customer_id=cols.get(key or ""))
    return Imported("leads", leads, mapping, files, currency, counts, notes, origin)
