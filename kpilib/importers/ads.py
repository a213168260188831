"""Ad platforms → costs: Google Ads, Meta Ads Manager and LinkedIn Campaign Manager.

Each export row is a campaign's spend over a day or a date range; a range
is spread evenly over its days, then spend is summed per month, channel and
team into cost lines of category ``campaigns``. The channel is the
platform's (Google Ads: ``paid_search``; Meta and LinkedIn: ``social_ads``)
unless ``mapping.toml [campaigns]`` gives one, with a team, per campaign.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpilib.errors import DataError
from kpilib.importers._crm import Imported, Options, resolve_columns
from kpilib.importers._dates import decide_order, parse_dates
from kpilib.importers._files import Export, read_export
from kpilib.importers._mapping import Mapping
from kpilib.importers._text import label_key, plural, rows_text
from kpilib.importers._values import convert_currency, parse_amounts, parse_texts

__all__ = ["CHANNELS", "read_ads", "spread_by_month"]

CHANNELS = {"google-ads": "paid_search", "meta-ads": "social_ads", "linkedin-ads": "social_ads"}
ALIASES = {
    "google-ads": {
        "day": ["Day", "Jour", "Tag", "Date"],
        "campaign": ["Campaign", "Campagne", "Kampagne"],
        "campaign_type": ["Campaign type", "Type de campagne", "Kampagnentyp"],
        "currency": ["Currency code", "Code de la devise", "Code devise", "Währungscode"],
        "cost": ["Cost", "Coût", "Kosten"],
        "other": ["Clicks", "Impr.", "Conversions", "Clics", "Klicks", "Cost / conv."],
    },
    "meta-ads": {
        "day": ["Day", "Jour"],
        "starts": ["Reporting starts", "Début des rapports"],
        "ends": ["Reporting ends", "Fin des rapports"],
        "campaign": ["Campaign name", "Nom de la campagne"],
        "currency": ["Currency", "Devise"],
        "cost": ["Amount spent", "Montant dépensé"],
        "other": ["Results", "Impressions", "Reach", "Résultats", "Couverture", "Link clicks"],
    },
    "linkedin-ads": {
        "starts": ["Start Date (in UTC)", "Start Date", "Date de début (en UTC)", "Date de début"],
        "ends": ["End Date (in UTC)", "End Date", "Date de fin (en UTC)", "Date de fin"],
        "campaign": ["Campaign Name", "Nom de la campagne"],
        "currency": ["Currency", "Devise"],
        "cost": ["Total Spent", "Total dépensé", "Amount Spent"],
        "other": ["Account Name", "Campaign Group Name", "Impressions", "Clicks"],
    },
}
_WHAT = {
    "google-ads": "a Google Ads report",
    "meta-ads": "a Meta Ads Manager export",
    "linkedin-ads": "a LinkedIn Campaign Manager export",
}
_EXPECTED = {
    "google-ads": ["Day", "Campaign", "Cost"],
    "meta-ads": ["Reporting starts", "Campaign name", "Amount spent (EUR)"],
    "linkedin-ads": ["Start Date (in UTC)", "Campaign Name", "Total Spent"],
}
_SPENT = re.compile(r"^(amount spent|montant depense) \((?P<c>[a-z]{3})\)$")
_RANGE = re.compile(r"(?P<a>[A-Za-z]+ \d{1,2}, \d{4})\s*[-–]\s*(?P<b>[A-Za-z]+ \d{1,2}, \d{4})")
_LINKEDIN = re.compile(r"report (?P<w>start|end)\s*:\s*(?P<d>.+)$", re.IGNORECASE)


def spread_by_month(start: pd.Series, end: pd.Series, amount: pd.Series) -> pd.DataFrame:
    """Spread each row's amount evenly over its days; sum per row and month.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2025-01-30", "2025-02-03"]))
    >>> e = pd.Series(pd.to_datetime(["2025-02-02", "2025-02-03"]))
    >>> spread_by_month(s, e, pd.Series([40.0, 5.0]))
       row   period  amount
    0    0  2025-01    20.0
    1    0  2025-02    20.0
    2    1  2025-02     5.0
    """
    days = ((end - start).dt.days + 1).to_numpy()
    rows = np.repeat(np.arange(len(start)), days)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(days) - days, days)
    day = start.to_numpy()[rows] + offset.astype("timedelta64[D]")
    share = amount.to_numpy()[rows] / days[rows]
    long = pd.DataFrame(
        {"row": rows, "period": pd.Series(day).dt.strftime("%Y-%m"), "amount": share}
    )
    return long.groupby(["row", "period"], as_index=False)["amount"].sum(min_count=1)


def _cost_column(export: Export, cols: dict[str, str]) -> tuple[str, str | None]:
    for column in export.frame.columns:
        hit = _SPENT.match(label_key(column))
        if hit:
            return column, hit["c"].upper()
    if "cost" not in cols:
        raise DataError(
            f"{export.name}: no spend column (expected 'Cost', 'Amount spent (EUR)' or 'Total "
            f"Spent'; columns found: {', '.join(export.frame.columns)}). Add the spend column "
            "to the report and export it again."
        )
    return cols["cost"], None


def _range_from_preamble(export: Export, source: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    text = " ".join(export.preamble)
    start = end = None
    hit = _RANGE.search(text)
    if hit:
        start, end = pd.Timestamp(hit["a"]), pd.Timestamp(hit["b"])
    for line in export.preamble:
        found = _LINKEDIN.search(line)
        if found:
            value = pd.to_datetime(found["d"].strip(), errors="coerce")
            start, end = (value, end) if found["w"].lower() == "start" else (start, value)
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        raise DataError(
            f"{export.name}: the report has no day column and no date range above its header "
            f"({text or 'no lines'}). Export it again with a Day (date) breakdown, or for one "
            "calendar month."
        )
    if start.strftime("%Y-%m") != end.strftime("%Y-%m"):
        raise DataError(
            f"{export.name}: the report covers {start:%Y-%m-%d} to {end:%Y-%m-%d} without a day "
            "column, so its spend cannot be put in months. Export it again with a Day (date) "
            "breakdown, or one report per calendar month."
        )
    return start, end


def _read_one(source: str, path: Path, options: Options) -> tuple[pd.DataFrame, str | None]:
    aliases = ALIASES[source]
    known = [a for v in aliases.values() for a in v] + ["Amount spent (EUR)"]
    export = read_export(
        path,
        known=known,
        what=_WHAT[source],
        expected=_EXPECTED[source],
        mapping=options.mapping,
    )
    cols = resolve_columns(export, aliases, mapping=options.mapping, required=["campaign"])
    cost_col, header_code = _cost_column(export, cols)
    frame = export.frame
    date_keys = [k for k in ("day", "starts", "ends") if k in cols]
    order = decide_order(export, [cols[k] for k in date_keys], options.dates)
    dates = {k: parse_dates(frame[cols[k]], export, cols[k], order=order) for k in date_keys}
    start = dates.get("day", dates.get("starts"))
    end = dates.get("day", dates.get("ends", start))
    if start is None:
        first, last = _range_from_preamble(export, source)
        start = pd.Series(first, index=frame.index).astype("datetime64[us]")
        end = pd.Series(last, index=frame.index).astype("datetime64[us]")
    amount = parse_amounts(frame[cost_col], export, cost_col)
    if header_code:
        codes = pd.Series(header_code, index=frame.index, dtype="str")
    else:
        codes = parse_texts(frame[cols["currency"]]) if "currency" in cols else None
    if codes is None:
        codes = pd.Series(pd.NA, index=frame.index, dtype="str")
    amount, currency = convert_currency(
        amount, codes, export, cost_col, rates=options.rates, currency=options.currency
    )
    campaign = parse_texts(frame[cols["campaign"]])
    undated = (start.isna() | end.isna()) & campaign.notna()
    if undated.any():
        n, where = rows_text(export.rows, undated)
        raise DataError(
            f"{export.name}: {n} {'row has' if n == 1 else 'rows have'} no date ({where}). "
            "Fill the date or export the report again."
        )
    backwards = (end < start) & campaign.notna()
    if backwards.any():
        n, where = rows_text(export.rows, backwards)
        raise DataError(
            f"{export.name}: {n} {'row ends' if n == 1 else 'rows end'} before {'it starts' if n == 1 else 'they start'} "
            f"({where}). Check the reporting dates, or export the report again."
        )
    keep = campaign.notna().to_numpy()
    spread = spread_by_month(start[keep], end[keep], amount[keep].reset_index(drop=True))
    spread["campaign"] = campaign[keep].to_numpy()[spread["row"].to_numpy()]
    return spread.drop(columns="row"), currency


def read_ads(source: str, paths: list[Path], options: Options) -> Imported:
    """Campaign cost lines from one or more exports of *source*."""
    parts, currencies = [], {}
    for path in paths:
        frame, currency = _read_one(source, path, options)
        parts.append(frame)
        if currency:
            currencies[path.name] = currency
    if len(set(currencies.values())) > 1:
        listed = ", ".join(f"{k}: {v}" for k, v in currencies.items())
        raise DataError(
            f"The files are in different currencies ({listed}). A dataset has one currency: "
            "give a rate table (--rates rates.csv --currency EUR), or export them in one currency."
        )
    spend = pd.concat(parts, ignore_index=True)
    given = options.mapping.campaigns if options.mapping else {}
    default = CHANNELS[source]
    names = list(dict.fromkeys(spend["campaign"]))
    campaigns = {n: given.get(n, {"channel": default, "team": ""}) for n in names}
    channel = spend["campaign"].map({n: v.get("channel") or default for n, v in campaigns.items()})
    team = spend["campaign"].map({n: v.get("team", "") for n, v in campaigns.items()})
    lines = pd.DataFrame(
        {
            "period": spend["period"],
            "category": "campaigns",
            "channel": channel,
            "team": team.replace("", pd.NA),
            "amount": spend["amount"],
        }
    )
    costs = lines.groupby(["period", "category", "channel", "team"], dropna=False, as_index=False)[
        "amount"
    ].sum(min_count=1)
    for col in ("period", "category", "channel", "team"):
        costs[col] = costs[col].astype("str")
    mapping = Mapping(
        source, campaigns=campaigns, path=options.mapping.path if options.mapping else None
    )
    notes = (
        [
            f"{plural(len(set(names) - set(given)), 'campaign')} without a line in "
            f"[campaigns] counted under channel {default}."
        ]
        if options.mapping and set(names) - set(given)
        else []
    )
    return Imported(
        "costs",
        costs,
        mapping,
        [p.name for p in paths],
        next(iter(currencies.values()), options.currency),
        {},
        notes,
    )
