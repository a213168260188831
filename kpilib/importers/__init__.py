"""Turn CRM and ad-platform exports into a canonical dataset folder.

The functions live in :mod:`kpilib.importers.api` (see its examples) and are
loaded on first use, so that the ``kpi`` command lists ``import`` and ``init``
without importing pandas.
"""

from __future__ import annotations

__all__ = [
    "SOURCES",
    "ImportResult",
    "import_exports",
    "init_templates",
    "load_rates",
    "read_exports",
]

SOURCES = {
    "hubspot": "HubSpot deals export",
    "hubspot-contacts": "HubSpot contacts export",
    "salesforce": "Salesforce opportunity report (+ opportunity history report)",
    "pipedrive": "Pipedrive deals export",
    "csv": "any other CRM export, read through its mapping (--map)",
    "google-ads": "Google Ads report download",
    "meta-ads": "Meta Ads Manager export",
    "linkedin-ads": "LinkedIn Campaign Manager export",
}


def __getattr__(name: str) -> object:
    if name in __all__:
        from kpilib.importers import api

        return getattr(api, name)
    raise AttributeError(f"module 'kpilib.importers' has no attribute {name!r}")
