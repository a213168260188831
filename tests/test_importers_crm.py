"""CRM exports → leads: HubSpot deals and contacts, Salesforce, Pipedrive.

Each fixture follows the export's documented shape; expected leads are
written out by hand from the fixture rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpilib.errors import DataError
from kpilib.importers import read_exports

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
NaT = None


def leads(rows: list[tuple], columns: list[str] | None = None) -> pd.DataFrame:
    """The canonical leads frame, typed as the importers give it."""
    columns = columns or [
        "lead_id", "lead_at", "source", "team", "owner", "visit_at", "offer_at", "sale_at",
        "lost_at", "customer_id", "amount",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    for col in columns:
        if col.endswith("_at"):
            frame[col] = pd.to_datetime(frame[col], format="ISO8601").astype("datetime64[us]")
        elif col == "amount":
            frame[col] = frame[col].astype("float64")
        else:
            frame[col] = frame[col].astype("str")
    return frame


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- HubSpot -----------------------------------------------------------------


def test_hubspot_deals_export():
    got = read_exports("hubspot", [FIXTURES / "hubspot_deals.csv"])
    # 0001: the double-quoted "Appointment Scheduled" wins over the legacy single-quoted one.
    # 0002: only the legacy column has the visit; blank Amount stays blank; lost from its stage.
    # 0003: open deal: its Close Date is a forecast, so no sale_at.
    # 0004: won without a "Closed Won" entry date: sale_at falls back to the Close Date.
    # 0005: Renewals pipeline, included by the guessed mapping; first company id of "5001".
    want = leads([
        ("189165000001", "2025-01-06 09:00", "paid_search", "North", "Ann Lee",
         "2025-01-10 10:00", "2025-01-20 11:00", "2025-02-10 17:00", NaT, "5001", 1200.0),
        ("189165000002", "2025-01-15 08:30", "referrals", "South", "Bob Roy",
         "2025-01-18 14:00", NaT, NaT, "2025-02-03 12:00", None, np.nan),
        ("189165000003", "2025-02-01 09:15", "organic_search", "North", "Ann Lee",
         "2025-02-03 10:00", "2025-02-12 16:00", NaT, NaT, None, 800.0),
        ("189165000004", "2025-02-03 10:00", "paid_search", "South", "Bob Roy",
         NaT, "2025-02-20 09:00", "2025-03-01 09:00", NaT, "5004", 500.0),
        ("189165000005", "2025-01-20 09:00", "offline_sources", "North", "Ann Lee",
         NaT, NaT, "2025-02-05 12:00", NaT, "5001", 300.0),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)
    assert got.currency == "EUR"
    assert got.counts == {"Sales Pipeline": 4, "Renewals": 1}
    assert got.mapping.stages == {
        "Sales Pipeline": {
            "Appointment Scheduled": "visit",
            "Contract Sent": "offer",
            "Closed Won": "sale",
            "Closed Lost": "lost",
        },
        "Renewals": {"Renewal Due": "ignore", "Closed Won": "sale"},
    }


def test_hubspot_french_export_resaved_in_windows_1252_with_semicolons():
    # French labels, « » quotes, day-first dates, decimal comma, French source labels.
    got = read_exports("hubspot", [FIXTURES / "hubspot_deals_fr_cp1252.csv"])
    want = leads([
        ("301", "2025-02-22 03:33", "paid_search", "Nord", "Chloé Lambert",
         "2025-02-25 09:00", "2025-03-03 11:00", "2025-03-14 10:00", NaT, "7001", 1200.5),
        ("302", "2025-03-01 08:00", "referrals", "Sud", "Hugo Bernard",
         NaT, NaT, NaT, "2025-03-20 09:30", None, np.nan),
        ("303", "2025-03-05 14:15", "direct_traffic", "Nord", "Chloé Lambert",
         "2025-03-06 10:00", "2025-03-12 16:45", NaT, NaT, None, 950.0),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)
    assert got.mapping.stages["Pipeline des ventes"] == {
        "Rendez-vous programmé": "visit",
        "Contrat envoyé": "offer",
        "Conclue gagnée": "sale",
        "Conclue perdue": "lost",
    }


def test_hubspot_internal_names_with_utc_times_go_to_the_dataset_zone(tmp_path):
    path = write(tmp_path, "deals-api.csv", (
        "hs_object_id,dealstage,pipeline,amount,deal_currency_code,createdate,closedate,"
        "hubspot_owner_id,hs_is_closed_won,hs_analytics_source,associatedcompanyid,"
        "hs_date_entered_appointmentscheduled,hs_date_entered_closedwon\n"
        "901,closedwon,default,100,EUR,2025-01-06T08:00:00Z,2025-01-20T16:00:00Z,3301,true,"
        "PAID_SEARCH,77,2025-01-08T09:30:00Z,2025-01-20T16:00:00Z\n"
        "902,appointmentscheduled,default,,EUR,2025-07-01T08:00:00Z,2025-07-31T22:00:00Z,3302,"
        "false,ORGANIC_SEARCH,,2025-07-02T10:00:00Z,\n"
    ))  # fmt: skip
    got = read_exports("hubspot", [path], timezone="Europe/Paris")
    # UTC+1 in January, UTC+2 in July. No column dates an offer: no offer_at.
    columns = ["lead_id", "lead_at", "source", "team", "owner", "visit_at", "sale_at",
               "lost_at", "customer_id", "amount"]  # fmt: skip
    want = leads([
        ("901", "2025-01-06 09:00", "paid_search", None, "3301",
         "2025-01-08 10:30", "2025-01-20 17:00", NaT, "77", 100.0),
        ("902", "2025-07-01 10:00", "organic_search", None, "3302",
         "2025-07-02 12:00", NaT, NaT, None, np.nan),
    ], columns)  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)


def test_hubspot_pipeline_filter_from_the_mapping(tmp_path):
    mapping = write(tmp_path, "mapping.toml", (
        'source = "hubspot"\n[pipelines]\ninclude = ["Sales Pipeline"]\n'
        '[stages."Sales Pipeline"]\n"Appointment Scheduled" = "ignore"\n'
        '"Contract Sent" = "offer"\n"Closed Won" = "sale"\n"Closed Lost" = "lost"\n'
        '[stages."Renewals"]\n"Renewal Due" = "ignore"\n"Closed Won" = "sale"\n'
    ))  # fmt: skip
    got = read_exports("hubspot", [FIXTURES / "hubspot_deals.csv"], mapping=mapping)
    frame = got.frame
    assert frame["lead_id"].tolist() == [f"18916500000{i}" for i in (1, 2, 3, 4)]
    # "Appointment Scheduled" = "ignore": nothing else dates a visit, so no visit_at.
    assert list(frame.columns) == [
        "lead_id", "lead_at", "source", "team", "owner", "offer_at", "sale_at", "lost_at",
        "customer_id", "amount",
    ]  # fmt: skip
    assert got.notes == [
        "hubspot_deals.csv: 1 deal of pipelines not in [pipelines] include left out."
    ]


def test_hubspot_stage_missing_from_the_mapping_is_named(tmp_path):
    mapping = write(tmp_path, "mapping.toml", (
        'source = "hubspot"\n[pipelines]\ninclude = ["Sales Pipeline"]\n'
        '[stages."Sales Pipeline"]\n"Appointment Scheduled" = "visit"\n'
        '"Contract Sent" = "offer"\n"Closed Won" = "sale"\n'
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("hubspot", [FIXTURES / "hubspot_deals.csv"], mapping=mapping)
    assert str(err.value) == (
        "mapping.toml: 1 CRM stage has no canonical stage ('Closed Lost' in 'Sales Pipeline'). "
        'Add each under its pipeline, such as [stages."Sales Pipeline"] "Closed Lost" = '
        '"ignore" (or visit, offer, sale, qualified, lost).'
    )


def test_hubspot_unknown_pipeline_in_include_is_named(tmp_path):
    mapping = write(tmp_path, "mapping.toml", '[pipelines]\ninclude = ["Sales pipline"]\n')
    with pytest.raises(DataError) as err:
        read_exports("hubspot", [FIXTURES / "hubspot_deals.csv"], mapping=mapping)
    assert str(err.value) == (
        "mapping.toml: [pipelines] include names 'Sales pipline', not in the export (pipelines "
        "found: 'Sales Pipeline', 'Renewals'). Fix the names."
    )


def test_hubspot_contacts_export():
    got = read_exports("hubspot-contacts", [FIXTURES / "hubspot_contacts.csv"])
    # 501: lead_at from "Became a Lead Date"; MQL and SQL both map to qualified: earliest.
    # 502: no "Became a Lead Date": lead_at is its Create Date.
    # 503: a customer without a company is its own customer.
    # No "Became a … Date" column maps to visit: no visit_at.
    columns = ["lead_id", "lead_at", "source", "team", "owner", "offer_at",
               "sale_at", "qualified_at", "lost_at", "customer_id", "amount"]  # fmt: skip
    want = leads([
        ("501", "2025-04-02 09:00", "organic_search", None, "Ann Lee",
         "2025-04-10 12:00", "2025-04-20 13:00", "2025-04-03 10:00", NaT, "9001", np.nan),
        ("502", "2025-04-03 08:00", "paid_search", None, "Bob Roy",
         NaT, NaT, "2025-04-08 10:00", NaT, None, np.nan),
        ("503", "2025-04-04 09:00", "direct_traffic", None, "Ann Lee",
         NaT, "2025-04-25 15:00", NaT, NaT, "503", np.nan),
    ], columns)  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)


# --- Salesforce --------------------------------------------------------------


def test_salesforce_report_with_history_report():
    files = [FIXTURES / "salesforce_opportunities.csv", FIXTURES / "salesforce_history.csv"]
    got = read_exports("salesforce", files)
    # Month-first (2/13/2025). History ids have 18 characters, the report's 15.
    # ...01: offer = first of Proposal/Price Quote (1/20) and Negotiation/Review (1/25).
    # ...03: re-entered Needs Analysis on 2/14: the first entry (2/3) counts.
    # ...04: won, no Closed Won history row: sale_at is the Close Date.
    want = leads([
        ("0065g00000XyZ01", "2025-01-06", "web", "North", "Ann Lee",
         "2025-01-10 10:00", "2025-01-20 11:00", "2025-02-10 17:00", NaT, "0015g00000AbCdE",
         1200.0),
        ("0065g00000XyZ02", "2025-01-15", "partner_referral", "South", "Bob Roy",
         "2025-01-18 14:00", NaT, NaT, "2025-02-03 12:00", None, np.nan),
        ("0065g00000XyZ03", "2025-02-01", "web", "North", "Ann Lee",
         "2025-02-03 10:00", "2025-02-12 16:00", NaT, NaT, None, 800.0),
        ("0065g00000XyZ04", "2025-02-13", "trade_show", "South", "Bob Roy",
         NaT, "2025-02-20 09:00", "2025-03-01", NaT, "0015g00000AbCdH", 500.0),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)
    assert got.notes == [
        "salesforce_history.csv: 1 history row of opportunities not in the report left out."
    ]


def test_salesforce_formatted_xlsx_in_french(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [
        ["Rapport des opportunités"],
        ["Filtré par :"],
        ["    Afficher : Toutes les opportunités"],
        [],
        [None, "Propriétaire de l'opportunité", "Nom du compte", "ID du compte",
         "ID de l'opportunité", "Étape", "Montant", "Date de clôture", "Date de création",
         "Origine de la piste", "Gagné", "Fermé"],
        [None, "Chloé Lambert", "Dupont SA", "0015g00000FrC01", "0065g00000FrA01",
         "Conclue gagnée", 1200.5, dt.datetime(2025, 3, 14), 45658, "Salon", 1, 1],
        [None, "Hugo Bernard", "Martin SARL", "0015g00000FrC02", "0065g00000FrA02",
         "Conclue perdue", None, dt.datetime(2025, 3, 20), 45665, "Web", 0, 1],
        [None, "Chloé Lambert", "Bernard & Fils", "0015g00000FrC03", "0065g00000FrA03",
         "Proposition/Devis", 950, dt.datetime(2025, 4, 30), 45680, "Web", 0, 0],
        [None, "Total", None, None, None, None, 2150.5],
        [],
        ["Informations confidentielles - Ne pas diffuser"],
        ["Copyright © 2000-2025 salesforce.com, inc. Tous droits réservés."],
    ]:  # fmt: skip
        sheet.append(row)
    path = tmp_path / "opportunites.xlsx"
    book.save(path)
    got = read_exports("salesforce", [path])
    # Excel serials 45658, 45665, 45680 are 2025-01-01, 01-08 and 01-23.
    # No history report: nothing dates a visit or an offer, so neither column is there.
    columns = ["lead_id", "lead_at", "source", "team", "owner", "sale_at", "lost_at",
               "customer_id", "amount"]  # fmt: skip
    want = leads([
        ("0065g00000FrA01", "2025-01-01", "salon", None, "Chloé Lambert",
         "2025-03-14", NaT, "0015g00000FrC01", 1200.5),
        ("0065g00000FrA02", "2025-01-08", "web", None, "Hugo Bernard",
         NaT, "2025-03-20", None, np.nan),
        ("0065g00000FrA03", "2025-01-23", "web", None, "Chloé Lambert",
         NaT, NaT, None, 950.0),
    ], columns)  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)


# --- Pipedrive ---------------------------------------------------------------


def test_pipedrive_deals_export():
    got = read_exports("pipedrive", [FIXTURES / "pipedrive_deals.csv"])
    # The last stage change dates the current stage only ("Negotiations Started" -> offer,
    # "Qualified" -> qualified, "Proposal Made" -> offer, "Demo Scheduled" -> visit).
    columns = ["lead_id", "lead_at", "source", "team", "owner", "visit_at", "offer_at",
               "sale_at", "qualified_at", "lost_at", "customer_id", "amount"]  # fmt: skip
    want = leads([
        ("101", "2025-03-03 09:00", "paid_search", None, "Ann Lee", NaT, "2025-03-20 10:00",
         "2025-04-02 15:00", NaT, NaT, "Acme SA", 1500.0),
        ("102", "2025-03-05 11:30", "referral", None, "Bob Roy", NaT, NaT,
         NaT, "2025-03-10 08:00", "2025-03-25 16:00", None, np.nan),
        ("103", "2025-03-10 14:00", "paid_search", None, "Ann Lee", NaT, "2025-03-18 09:30",
         NaT, NaT, NaT, None, 900.0),
        ("104", "2025-03-12 10:00", "events", None, "Bob Roy", "2025-03-14 11:00", NaT,
         NaT, NaT, NaT, None, 2200.0),
    ], columns)  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)


def test_pipedrive_xlsx_with_excel_serial_dates_custom_fields_and_pipeline_filter(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in [
        ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Pipeline",
         "Deal - Stage", "Deal - Status", "Deal - Owner", "Deal - Organization",
         "Deal - Deal created", "Deal - Won time", "Deal - Lost time",
         "Deal - Last stage change", "Deal - Team", "Deal - Visit date"],
        [201, "A", 1000, "EUR", "Sales", "Proposal Made", "won", "Ann Lee", "Acme",
         45717.375, 45731.5, None, 45725, "North", 45720.25],
        [202, "B", None, "EUR", "Sales", "Demo Scheduled", "open", "Bob Roy", None,
         45718.5, None, None, 45721, "South", None],
        [203, "C", 400, "EUR", "Partners", "Lead In", "open", "Ann Lee", None,
         45719, None, None, None, "North", None],
    ]:  # fmt: skip
        book.active.append(row)
    path = tmp_path / "deals.xlsx"
    book.save(path)
    mapping = write(tmp_path, "mapping.toml", (
        'source = "pipedrive"\n[pipelines]\ninclude = ["Sales"]\n'
        '[stages."Sales"]\n"Proposal Made" = "offer"\n"Demo Scheduled" = "visit"\n'
        '[stages."Partners"]\n"Lead In" = "ignore"\n'
        '[columns]\nteam = "Deal - Team"\nvisit_at = "Deal - Visit date"\n'
    ))  # fmt: skip
    got = read_exports("pipedrive", [path], mapping=mapping)
    # 45717 is 2025-03-01; .375 of a day is 09:00, .5 is 12:00, .25 is 06:00.
    want = leads([
        ("201", "2025-03-01 09:00", None, "North", "Ann Lee", "2025-03-04 06:00",
         "2025-03-09", "2025-03-15 12:00", NaT, "Acme", 1000.0),
        ("202", "2025-03-02 12:00", None, "South", "Bob Roy", "2025-03-05",
         NaT, NaT, NaT, None, np.nan),
    ])  # fmt: skip
    pd.testing.assert_frame_equal(got.frame, want)


def test_pipedrive_won_deal_without_organization_is_reported(tmp_path):
    path = write(tmp_path, "deals.csv", (
        "Deal - ID,Deal - Stage,Deal - Status,Deal - Organization,Deal - Deal created,"
        "Deal - Won time\n"
        "1,Won,won,,2025-01-01 10:00:00,2025-01-09 10:00:00\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("pipedrive", [path])
    assert str(err.value) == (
        "deals.csv: column Deal - Organization: 1 won record has no customer (row 2). Link an "
        "organization to each won deal in Pipedrive, or add the column Deal - Organization to "
        "the export."
    )


def test_missing_required_column_names_the_aliases_and_the_fix(tmp_path):
    path = write(tmp_path, "deals.csv", (
        "Deal - ID,Deal - Stage,Deal - Deal created\n1,Won,2025-01-01 10:00:00\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("pipedrive", [path])
    assert str(err.value) == (
        "deals.csv: no column for status (expected status: 'Deal - Status' or "
        "'Deal - Statut' or 'Affaire - Status'; columns found: Deal - ID, Deal - Stage, "
        "Deal - Deal created). Add the column to the export, or name it in mapping.toml "
        '[columns], such as status = "My column".'
    )


def test_several_currencies_in_a_crm_export_are_refused(tmp_path):
    path = write(tmp_path, "deals.csv", (
        "Deal - ID,Deal - Stage,Deal - Status,Deal - Value,Deal - Currency,Deal - Deal created\n"
        "1,Demo,open,100,EUR,2025-01-01 10:00:00\n"
        "2,Demo,open,80,USD,2025-01-02 10:00:00\n"
        "3,Demo,open,,GBP,2025-01-03 10:00:00\n"
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        read_exports("pipedrive", [path])
    assert str(err.value) == (
        "deals.csv: column Deal - Value: amounts are in 2 currencies (EUR: 1 row, USD: 1 row). "
        "A dataset has one currency: give a rate table (kpi import --rates rates.csv --currency "
        "EUR, where rates.csv has the columns currency,rate and rate is the value of one unit "
        "in EUR), or export the amounts in the company currency."
    )
    got = read_exports("pipedrive", [path], rates={"USD": 0.5}, currency="EUR")
    # 80 USD x 0.5 = 40 EUR; the blank GBP amount stays blank and needs no rate.
    assert got.frame["amount"].tolist()[:2] == [100.0, 40.0]
    assert np.isnan(got.frame["amount"].iloc[2])
