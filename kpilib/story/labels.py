"""Display labels of canonical codes: channels and sources, stages, metrics, cost categories.

Data hold codes (``paid_search``, ``new_customers``, ``offer``, ``bonuses``);
text and charts show labels, in the report's language, through
:meth:`kpilib.story.format.Formatter.label`. A dataset can rename any code in
``kpi.toml``'s ``[labels]`` table (for every language, or per language under
``[labels.en]`` and ``[labels.fr]``); see docs/data-model.md.

Channel labels are names (capitalised, "Paid search"); metric, stage and cost
category labels are nouns used inside sentences (lower case, "new customers").
A code with no label reads as itself: underscores become spaces, and in English
a channel's first letter is capitalised ("leads_referral" → "Leads referral").
French shows such a code as it is ("leads referral"), never translated by guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd

__all__ = ["METRICS", "STAGES", "CATEGORIES", "CHANNELS", "KINDS", "display_label", "MISSING"]

Kind = Literal["channel", "source", "metric", "stage", "category", "team", "owner"]
KINDS: tuple[str, ...] = ("channel", "source", "metric", "stage", "category", "team", "owner")
MISSING = "—"

METRICS = {
    "en": {
        "leads": "leads",
        "visits": "visits",
        "offers": "offers",
        "sales": "sales",
        "new_customers": "new customers",
        "revenue": "revenue",
    },
    "fr": {
        "leads": "leads",
        "visits": "visites",
        "offers": "offres",
        "sales": "ventes",
        "new_customers": "nouveaux clients",
        "revenue": "chiffre d’affaires",
    },
}

STAGES = {
    "en": {"lead": "lead", "visit": "visit", "offer": "offer", "sale": "sale"},
    "fr": {"lead": "lead", "visit": "visite", "offer": "offre", "sale": "vente"},
}

CATEGORIES = {
    "en": {
        "salaries": "salaries",
        "bonuses": "bonuses",
        "expenses": "expenses",
        "campaigns": "campaigns",
        "other": "other",
    },
    "fr": {
        "salaries": "salaires",
        "bonuses": "primes",
        "expenses": "frais",
        "campaigns": "campagnes",
        "other": "autres",
    },
}
# The sources of the sample and benchmark datasets, of the CRM and ad-platform
# importers, and the usual others.
CHANNELS = {
    "en": {
        "paid_search": "Paid search",
        "social_ads": "Social ads",
        "paid_social": "Paid social",
        "organic_search": "Organic search",
        "organic_social": "Organic social",
        "events": "Events",
        "trade_show": "Trade shows",
        "trade_shows": "Trade shows",
        "referral": "Referral",
        "referrals": "Referrals",
        "outbound": "Outbound",
        "inbound": "Inbound",
        "website": "Website",
        "partners": "Partners",
        "partner": "Partner",
        "webinar": "Webinar",
        "webinars": "Webinars",
        "email": "Email",
        "email_marketing": "Email marketing",
        "direct": "Direct",
        "direct_traffic": "Direct traffic",
        "display": "Display",
        "affiliates": "Affiliates",
        "content": "Content",
        "cold_call": "Cold calling",
        "offline_sources": "Offline sources",
        "other_campaigns": "Other campaigns",
        "other": "Other",
        "unknown": "Unknown",
    },
    "fr": {
        "paid_search": "Recherche payante",
        "social_ads": "Publicité réseaux sociaux",
        "paid_social": "Réseaux sociaux payants",
        "organic_search": "Recherche naturelle",
        "organic_social": "Réseaux sociaux (organique)",
        "events": "Événements",
        "trade_show": "Salons",
        "trade_shows": "Salons",
        "referral": "Recommandation",
        "referrals": "Recommandations",
        "outbound": "Prospection sortante",
        "inbound": "Demandes entrantes",
        "website": "Site web",
        "partners": "Partenaires",
        "partner": "Partenaire",
        "webinar": "Webinaire",
        "webinars": "Webinaires",
        "email": "E-mailing",
        "email_marketing": "Marketing par e-mail",
        "direct": "Accès direct",
        "direct_traffic": "Trafic direct",
        "display": "Display",
        "affiliates": "Affiliation",
        "content": "Contenu",
        "cold_call": "Prospection téléphonique",
        "offline_sources": "Sources hors ligne",
        "other_campaigns": "Autres campagnes",
        "other": "Autre",
        "unknown": "Non renseignée",
    },
}

_CATALOGUES = {
    "channel": CHANNELS,
    "source": CHANNELS,
    "metric": METRICS,
    "stage": STAGES,
    "category": CATEGORIES,
}
# nouns used inside sentences keep their case when they have no label
_NOUNS = ("metric", "stage", "category")


def display_label(
    code: Any,
    lang: str,
    kind: Kind | None = None,
    overrides: Mapping[str, str] | None = None,
) -> str:
    """The label of *code* in *lang*: the dataset's override, else the catalogue's, else the code.

    *kind* says which catalogue holds the code: ``"channel"`` or ``"source"``
    (the default), ``"metric"``, ``"stage"``, ``"category"``; a ``"team"`` or an
    ``"owner"`` has no catalogue (only the overrides). A missing code shows as a
    dash.

    Examples
    --------
    >>> display_label("paid_search", "fr"), display_label("offer", "fr", "stage")
    ('Recherche payante', 'offre')
    >>> display_label("leads_referral", "en"), display_label("leads_referral", "fr")
    ('Leads referral', 'leads referral')
    >>> display_label("paid_search", "en", overrides={"paid_search": "Google Ads"})
    'Google Ads'
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return MISSING
    code = str(code)
    if overrides and code in overrides:
        return overrides[code]
    catalogue = _CATALOGUES.get(kind or "channel")
    found = catalogue[lang].get(code) if catalogue else None
    if found is not None:
        return found
    text = code.replace("_", " ")
    if lang == "en" and kind not in _NOUNS:
        return text[:1].upper() + text[1:]
    return text
