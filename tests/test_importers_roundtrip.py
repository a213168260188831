"""Round trip: the sample dataset written as CRM exports, imported back, gives the same KPIs.

The sample's leads are written out in the shape of a HubSpot deals export
(labels, quoting, day-first dates, stage-entry columns, closed flags) and of
a Pipedrive deals export (status, won/lost times, last stage change, custom
fields for team and earlier stage dates). Imported into a folder that holds
the sample's other tables, they must give the same leads table and the same
KPI tables as the sample itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpilib import load_dataset
from kpilib.importers import import_exports
from kpilib.kpis.tables import compute_all

SAMPLE = Path("data/sample")
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


@pytest.fixture(scope="module")
def want(sample):
    return compute_all(sample, period=PERIOD)


def _label(source: pd.Series) -> pd.Series:
    """paid_search -> "Paid search", as HubSpot and Pipedrive show sources."""
    return source.str.replace("_", " ").str.capitalize()


def _fmt(dates: pd.Series, pattern: str) -> pd.Series:
    return dates.dt.strftime(pattern).fillna("")


def _stage(leads: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    stage = pd.Series(names["lead"], index=leads.index)
    for col in ("visit_at", "offer_at", "sale_at", "lost_at"):
        stage = stage.where(leads[col].isna(), names[col])
    return stage


def hubspot_export(leads: pd.DataFrame, path: Path) -> None:
    dmy = "%d/%m/%Y %H:%M:%S"
    closed = leads["sale_at"].fillna(leads["lost_at"])
    forecast = (leads["lead_at"] + pd.offsets.MonthEnd(0)).dt.normalize()
    entered = 'Date entered "{} (Sales Pipeline)"'
    names = {
        "lead": "New",
        "visit_at": "Appointment Scheduled",
        "offer_at": "Contract Sent",
        "sale_at": "Closed Won",
        "lost_at": "Closed Lost",
    }
    frame = pd.DataFrame(
        {
            "Record ID": leads["lead_id"],
            "Deal Name": "Deal " + leads["lead_id"],
            "Deal Stage": _stage(leads, names),
            "Pipeline": "Sales Pipeline",
            "Amount": leads["amount"].map(lambda v: "" if np.isnan(v) else f"{v:.2f}"),
            "Currency": "EUR",
            "Create Date": _fmt(leads["lead_at"], dmy),
            "Close Date": _fmt(closed.fillna(forecast), dmy),
            "Deal owner": leads["owner"],
            "HubSpot Team": leads["team"],
            "Is Closed Won": np.where(leads["sale_at"].notna(), "true", "false"),
            "Is closed lost": np.where(leads["lost_at"].notna(), "true", "false"),
            "Original Source Type": _label(leads["source"]),
            "Associated Company IDs": leads["customer_id"].fillna(""),
        }
    )
    for col in ("visit_at", "offer_at", "sale_at", "lost_at"):
        frame[entered.format(names[col])] = _fmt(leads[col], dmy)
    frame.to_csv(path, index=False, quoting=1)


def pipedrive_export(leads: pd.DataFrame, path: Path) -> None:
    iso = "%Y-%m-%d %H:%M:%S"
    names = {
        "lead": "Lead In",
        "visit_at": "Demo Scheduled",
        "offer_at": "Proposal Made",
        "sale_at": "Proposal Made",
        "lost_at": "Lead In",
    }
    stage = _stage(leads, names)
    last = leads["offer_at"].where(stage == "Proposal Made", leads["visit_at"])
    last = last.where(stage != "Lead In")
    status = np.where(leads["sale_at"].notna(), "won", "open")
    status = np.where(leads["lost_at"].notna(), "lost", status)
    pd.DataFrame(
        {
            "Deal - ID": leads["lead_id"],
            "Deal - Title": "Deal " + leads["lead_id"],
            "Deal - Value": leads["amount"],
            "Deal - Currency": "EUR",
            "Deal - Pipeline": "Sales",
            "Deal - Stage": stage,
            "Deal - Status": status,
            "Deal - Owner": leads["owner"],
            "Deal - Organization": leads["customer_id"],
            "Deal - Deal created": _fmt(leads["lead_at"], iso),
            "Deal - Won time": _fmt(leads["sale_at"], iso),
            "Deal - Lost time": _fmt(leads["lost_at"], iso),
            "Deal - Deal closed on": _fmt(leads["sale_at"].fillna(leads["lost_at"]), iso),
            "Deal - Last stage change": _fmt(last, iso),
            "Deal - Source channel": _label(leads["source"]),
            "Deal - Team": leads["team"],
            "Deal - Visit date": _fmt(leads["visit_at"], iso),
            "Deal - Offer date": _fmt(leads["offer_at"], iso),
        }
    ).to_csv(path, index=False)


PIPEDRIVE_MAP = """\
source = "pipedrive"
[pipelines]
include = ["Sales"]
[stages."Sales"]
"Lead In" = "ignore"
"Demo Scheduled" = "visit"
"Proposal Made" = "offer"
[columns]
team = "Deal - Team"
visit_at = "Deal - Visit date"
offer_at = "Deal - Offer date"
"""


def _folder(tmp_path: Path) -> Path:
    out = tmp_path / "dataset"
    out.mkdir()
    for name in ("costs.csv", "orders.csv", "targets.csv", "kpi.toml"):
        shutil.copy(SAMPLE / name, out / name)
    return out


def _assert_same(imported, sample, want) -> None:
    pd.testing.assert_frame_equal(imported.leads, sample.leads)
    got = compute_all(imported, period=PERIOD)
    assert sorted(got) == sorted(want)
    for name in want:
        # the forecast is of an open period only: October is closed at the sample's end
        assert (len(want[name]) == 0) if name == "forecast" else (len(want[name]) > 0), name
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)


def test_hubspot_round_trip_gives_the_same_kpi_tables(tmp_path, sample, want):
    export = tmp_path / "hubspot-crm-exports-all-deals-2026-11-01.csv"
    hubspot_export(sample.leads, export)
    result = import_exports("hubspot", [export], out=_folder(tmp_path))
    _assert_same(result.dataset, sample, want)


def test_pipedrive_round_trip_gives_the_same_kpi_tables(tmp_path, sample, want):
    export = tmp_path / "deals-export.csv"
    pipedrive_export(sample.leads, export)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(PIPEDRIVE_MAP, encoding="utf-8")
    result = import_exports("pipedrive", [export], out=_folder(tmp_path), mapping=mapping)
    _assert_same(result.dataset, sample, want)
