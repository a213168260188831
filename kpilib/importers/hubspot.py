"""HubSpot → leads: the deals export and the contacts export.

Deals: one lead per deal. Stage dates come from the ``Date entered "<Stage>
(<Pipeline>)"`` columns (the legacy single-quoted set fills gaps; internal
``hs_date_entered_<stage>`` names work too), through the stage map of
``mapping.toml``. ``sale_at`` and ``lost_at`` fall back to the close date of
deals flagged won or lost. Contacts: one lead per contact, stage dates from
the ``Became a … Date`` columns.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpilib.errors import DataError
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
from kpilib.importers._deals import Deals, closed_dates, deal_leads, leads_frame, require_customers
from kpilib.importers._files import Export, read_export
from kpilib.importers._origin import origin_of
from kpilib.importers._text import label_key, plural
from kpilib.importers._values import (
    convert_currency,
    parse_amounts,
    parse_flags,
    parse_ids,
    parse_texts,
)

__all__ = ["read_hubspot_contacts", "read_hubspot_deals"]

DEALS = {
    "lead_id": ["Record ID", "Deal ID", "hs_object_id", "ID de fiche d'informations", "ID"],
    "stage": ["Deal Stage", "dealstage", "Phase de la transaction", "Étape de la transaction"],
    "pipeline": ["Pipeline", "Pipeline de transactions"],
    "amount_home": [
        "Amount in company currency",
        "amount_in_home_currency",
        "Montant dans la devise de l'entreprise",
    ],
    "amount": ["Amount", "Montant"],
    "currency": ["Currency", "deal_currency_code", "Devise"],
    "lead_at": ["Create Date", "createdate", "Date de création"],
    "close": ["Close Date", "closedate", "Date de fermeture", "Date de clôture"],
    "owner": ["Deal owner", "hubspot_owner_id", "Propriétaire de la transaction"],
    "team": ["HubSpot Team", "hubspot_team_id", "Équipe HubSpot"],
    "won": ["Is Closed Won", "hs_is_closed_won", "Est conclue gagnée", "Conclue gagnée"],
    "lost": ["Is closed lost", "hs_is_closed_lost", "Est conclue perdue", "Conclue perdue"],
    "source": [
        "Original Source Type",
        "Original Traffic Source",
        "Original Source",
        "hs_analytics_source",
        "Source d'origine",
        "Type de source d'origine",
        "Source de trafic d'origine",
    ],
    "customer_id": [
        "Associated Company IDs",
        "Associated Company ID",
        "Associated Company IDs (Primary)",
        "associatedcompanyid",
        "ID des entreprises associées",
        "ID d'entreprise associée",
    ],
    "contact_id": ["Associated Contact IDs", "Associated Contact ID", "ID des contacts associés"],
}
CONTACTS = {
    "lead_id": ["Record ID", "Contact ID", "hs_object_id", "ID de fiche d'informations", "ID"],
    "lead_at": [],  # only when named in [columns]: else "Became a Lead Date", then created
    "created": ["Create Date", "createdate", "Date de création"],
    "owner": ["Contact owner", "hubspot_owner_id", "Propriétaire du contact"],
    "team": ["HubSpot Team", "hubspot_team_id", "Équipe HubSpot"],
    "source": [
        "Original Source",
        "Original Traffic Source",
        "hs_analytics_source",
        "Source d'origine",
        "Source de trafic d'origine",
    ],
    "customer_id": DEALS["customer_id"],
}
# Labels that identify a contacts export's header; the lifecycle stage itself is not read.
_CONTACT_LABELS = ["Lifecycle Stage", "lifecyclestage", "Phase du cycle de vie"]
# HubSpot's source labels in French (as the French UI shows them; partly unverified).
SOURCES_FR = {
    "recherche naturelle": "organic_search",
    "recherche payante": "paid_search",
    "marketing par e-mail": "email_marketing",
    "reseaux sociaux": "organic_social",
    "reseaux sociaux payants": "paid_social",
    "references": "referrals",
    "recommandations": "referrals",
    "autres campagnes": "other_campaigns",
    "trafic direct": "direct_traffic",
    "sources hors ligne": "offline_sources",
}
_ENTERED = [
    re.compile(r'^date entered (?P<q>["\'])(?P<s>.+)(?P=q)$'),
    re.compile(r"^date d'entree (?:dans |en )?(?:l'etape |la phase )?(?P<q>[\"'])(?P<s>.+)(?P=q)$"),
    re.compile(r"^hs_(?:v2_)?date_entered_(?P<s>.+)$"),
]
_BECAME = [
    re.compile(r"^became an? (?P<s>.+) date$"),
    re.compile(r"^hs_lifecyclestage_(?P<s>.+)_date$"),
    re.compile(r"^date a laquelle le contact est devenu (?:un |une )?(?P<s>.+)$"),
]
_LEAD_STAGE = {"lead", "Lead"}


def _stage_columns(export: Export, pipelines: list[str]) -> list[tuple[str, str | None, str]]:
    """(stage, pipeline or None, column) of each ``Date entered`` column, best set first."""
    found: list[tuple[int, str, str | None, str]] = []
    for column in export.frame.columns:
        key = label_key(column)
        for pattern in _ENTERED:
            hit = pattern.match(key)
            if not hit:
                continue
            start, end = hit.span("s")
            inner = (column[start:end] if len(column) == len(key) else hit.group("s")).strip()
            rank = 0 if hit.groupdict().get("q") == '"' else 1
            stage, pipeline = inner, None
            head, sep, tail = inner.rpartition(" (")
            if sep and tail.endswith(")") and tail[:-1] in pipelines:
                stage, pipeline = head, tail[:-1]
            found.append((rank, stage, pipeline, column))
            break
    found.sort(key=lambda f: f[0])
    return [(s, p, c) for _, s, p, c in found]


def _events(
    export: Export,
    columns: list[tuple[str, str | None, str]],
    pipeline: pd.Series,
    dates: dict[str, pd.Series],
) -> pd.DataFrame:
    """One row per (deal, stage-entry column with a date); better sets come first."""
    parts = []
    seen: set[tuple[str, str | None]] = set()
    for stage, pipe, column in columns:
        at = dates[column]
        if (stage, pipe) in seen:
            continue
        same = [c for s, p, c in columns if (s, p) == (stage, pipe)]
        for other in same[1:]:
            at = at.fillna(dates[other])
        seen.add((stage, pipe))
        mask = at.notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "pos": mask.nonzero()[0],
                    "pipeline": pipeline[mask].to_numpy() if pipe is None else pipe,
                    "stage": stage,
                    "at": at[mask].to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame({"pos": [], "pipeline": [], "stage": [], "at": []})
    return pd.concat(parts, ignore_index=True)


def _found_stages(
    current: pd.Series, pipeline: pd.Series, events: pd.DataFrame
) -> dict[str, list[str]]:
    pipes = pd.concat([events["pipeline"], pd.Series(pipeline.to_numpy())], ignore_index=True)
    names = pd.concat([events["stage"], pd.Series(current.to_numpy())], ignore_index=True)
    found = found_stages(pipes.astype(object), names.astype(object))
    return {p: found.get(p, []) for p in pipeline.dropna().unique()}


def _read_one(
    path: Path, known: dict[str, list[str]], what: str, options: Options, *, extra: list[str]
) -> Export:
    expected = [known["lead_id"][0], (known.get("stage") or extra)[0], "Create Date"]
    return read_export(
        path,
        known=[a for v in known.values() for a in v] + extra,
        what=what,
        expected=expected,
        mapping=options.mapping,
    )


def read_hubspot_deals(path: Path, options: Options) -> Imported:
    """Leads from a HubSpot deals export (CSV or .xlsx), one lead per deal."""
    return _deals(_read_one(path, DEALS, "a HubSpot deals export", options, extra=[]), options)


def _deals(export: Export, options: Options) -> Imported:
    dated = stage_fields(options.stages)
    cols = resolve_columns(
        export,
        DEALS,
        mapping=options.mapping,
        required=["lead_id", "lead_at", "stage"],
        dated=dated,
    )
    mapped = {k: c for k, c in cols.items() if k in dated}
    cols = {k: c for k, c in cols.items() if k not in dated}
    frame = export.frame
    lead_id = parse_ids(frame[cols["lead_id"]], export, cols["lead_id"])
    text = {k: parse_texts(frame[c]) for k, c in cols.items()}
    if "pipeline" in cols:
        pipeline = text["pipeline"].fillna("default")
    else:
        pipeline = pd.Series("default", index=frame.index, dtype="str")
    stage_cols = _stage_columns(export, list(pipeline.unique()))
    date_cols = [cols["lead_at"]] + ([cols["close"]] if "close" in cols else [])
    date_cols += [c for _, _, c in stage_cols] + list(mapped.values())
    order = decide_order(export, date_cols, options.dates)
    dates = {
        c: parse_dates(frame[c], export, c, order=order, timezone=options.timezone)
        for c in date_cols
    }
    events = _events(export, stage_cols, pipeline, dates)
    found = _found_stages(text["stage"], pipeline, events)
    sources = text["source"].dropna().unique() if "source" in text else []
    mapping = build_mapping("hubspot", found, list(sources), options, default_sources=SOURCES_FR)
    entered = [
        (p, stage)
        for stage, pipe, _ in stage_cols
        for p in ([pipe] if pipe is not None else pipeline.unique())
    ]
    by_stage = stage_dates(events, mapping, frame.index, sources=entered)
    by_stage = add_mapped_dates(by_stage, {k: dates[c] for k, c in mapped.items()})
    current = current_canonical(pipeline, text["stage"].fillna(""), mapping)
    won = parse_flags(frame[cols["won"]], export, cols["won"]) if "won" in cols else None
    lost = parse_flags(frame[cols["lost"]], export, cols["lost"]) if "lost" in cols else None
    won = won if won is not None else current.eq("sale")
    lost = lost if lost is not None else current.eq("lost")
    close = dates.get(cols.get("close", ""))
    sale_at, lost_at = closed_dates(by_stage, won=won, lost=lost, close=close)
    named = options.mapping.columns if options.mapping else {}
    # A mapped amount or currency means Amount with its Currency, not the company-currency one.
    if ("amount" in named or "currency" in named) and "amount_home" not in named:
        cols.pop("amount_home", None)
    if "amount_home" in cols:
        amount = parse_amounts(frame[cols["amount_home"]], export, cols["amount_home"])
        currency = options.currency
    elif "amount" in cols:
        amount = parse_amounts(frame[cols["amount"]], export, cols["amount"])
        codes = text.get("currency", pd.Series(pd.NA, index=frame.index, dtype="str"))
        amount, currency = convert_currency(
            amount, codes, export, cols["amount"], rates=options.rates, currency=options.currency
        )
    else:
        amount, currency = pd.Series(float("nan"), index=frame.index), options.currency
    customer = _first_id(frame, cols, "customer_id", export)
    if "contact_id" in cols:
        customer = customer.fillna(_first_id(frame, cols, "contact_id", export))
    require_customers(
        export,
        sale_at,
        customer,
        column=cols.get("customer_id", "Associated Company IDs"),
        fix="Associate a company with each won deal in HubSpot, or add the column "
        "Associated Company IDs to the export.",
    )
    keep = pipeline.isin(mapping.include or []).to_numpy()
    deals = Deals(lead_id, dates[cols["lead_at"]], sale_at, lost_at, customer, amount)
    leads = deal_leads(keep, options.stages, deals, text, mapping.sources, by_stage)
    counts = pipeline.value_counts(sort=False).to_dict()
    notes = []
    if (~keep).any():
        notes.append(
            f"{export.name}: {plural(int((~keep).sum()), 'deal')} of pipelines not in "
            "[pipelines] include left out."
        )
    amount_col = cols.get("amount_home", cols.get("amount"))
    origin = origin_of(export.name, export.rows, keep, cols, amount=amount_col, **mapped)
    return Imported("leads", leads, mapping, [export.name], currency, counts, notes, origin)


def _first_id(frame: pd.DataFrame, cols: dict[str, str], key: str, export: Export) -> pd.Series:
    if key not in cols:
        return pd.Series(pd.NA, index=frame.index, dtype="str")
    first = parse_texts(frame[cols[key]]).str.replace(r"\s*[;,].*$", "", regex=True)
    return parse_ids(first, export, cols[key])


def read_hubspot_contacts(path: Path, options: Options) -> Imported:
    """Leads from a HubSpot contacts export, one lead per contact.

    ``lead_at`` is "Became a Lead Date" (else "Create Date"); the other
    "Became a … Date" columns are the stages of the single pipeline
    ``lifecycle``. Contacts carry no amount and no lost date, unless
    ``[columns]`` names a ``lost_at`` date column.
    """
    export = _read_one(path, CONTACTS, "a HubSpot contacts export", options, extra=_CONTACT_LABELS)
    dated = stage_fields(options.stages)
    cols = resolve_columns(
        export, CONTACTS, mapping=options.mapping, required=["lead_id"], dated=dated
    )
    mapped = {k: c for k, c in cols.items() if k in dated}
    cols = {k: c for k, c in cols.items() if k not in dated}
    lead_id = parse_ids(export.frame[cols["lead_id"]], export, cols["lead_id"])
    became = []
    for column in export.frame.columns:
        for pattern in _BECAME:
            hit = pattern.match(label_key(column))
            if hit:
                start, end = hit.span("s")
                key = label_key(column)
                became.append((column[start:end] if len(column) == len(key) else hit["s"], column))
                break
    lead_cols = [c for s, c in became if label_key(s) == "lead"]
    starts = [cols[k] for k in ("lead_at",) if k in cols] + lead_cols
    starts += [cols["created"]] if "created" in cols else []
    if not starts:
        raise DataError(
            f"{export.name}: no column for lead_at (expected 'Became a Lead Date' or "
            "'Create Date'). Add one of them to the export."
        )
    stage_cols = [(s, c) for s, c in became if label_key(s) != "lead"]
    date_cols = starts + [c for _, c in stage_cols] + list(mapped.values())
    order = decide_order(export, date_cols, options.dates)
    dates = {
        c: parse_dates(export.frame[c], export, c, order=order, timezone=options.timezone)
        for c in date_cols
    }
    lead_at = dates[starts[0]]
    for other in starts[1:]:
        lead_at = lead_at.fillna(dates[other])
    pipeline = pd.Series("lifecycle", index=export.frame.index, dtype="str")
    events = _events(export, [(s, None, c) for s, c in stage_cols], pipeline, dates)
    text = {k: parse_texts(export.frame[c]) for k, c in cols.items()}
    sources = text["source"].dropna().unique() if "source" in text else []
    found = {"lifecycle": [s for s, _ in stage_cols]}
    mapping = build_mapping(
        "hubspot-contacts", found, list(sources), options, default_sources=SOURCES_FR
    )
    entered = [("lifecycle", s) for s, _ in stage_cols]
    by_stage = stage_dates(events, mapping, export.frame.index, sources=entered)
    by_stage = add_mapped_dates(by_stage, {k: dates[c] for k, c in mapped.items()})
    sale_at = by_stage.get("sale", pd.Series(pd.NaT, index=lead_id.index, dtype="datetime64[us]"))
    customer = _first_id(export.frame, cols, "customer_id", export).fillna(lead_id)
    parts = {
        "lead_id": lead_id,
        "lead_at": lead_at,
        "team": text.get("team"),
        "owner": text.get("owner"),
        "customer_id": customer.where(sale_at.notna()),
    }
    if "source" in text:
        parts["source"] = text["source"].map(mapping.sources)
    parts |= {f"{s}_at": at for s, at in by_stage.items()}
    parts = {k: v for k, v in parts.items() if v is not None}
    leads = leads_frame(parts, options.stages)
    counts = {"lifecycle": len(leads)}
    notes = [f"{export.name}: HubSpot contacts have no amount; it stays blank."]
    if "lost_at" not in mapped:
        notes = [
            f"{export.name}: HubSpot contacts have no lost stage and no amount; both stay blank."
        ]
    origin = origin_of(
        export.name, export.rows, np.ones(len(leads), dtype=bool), cols, lead_at=starts[0], **mapped
    )
    return Imported("leads", leads, mapping, [export.name], options.currency, counts, notes, origin)
