"""A stage column exists in the imported leads only when the export records the stage.

An export without stage history must not give blank visit_at and offer_at
columns: the funnel counts a stage as reached when a later one is, so blank
columns would show every sale as a visit and an offer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpilib import load_dataset
from kpilib.importers import import_exports
from kpilib.kpis.funnel import funnel

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
AS_OF = pd.Timestamp("2026-10-31")

OPPORTUNITIES = """\
Opportunity ID,Stage,Created Date,Close Date,Amount,Won,Closed,Account ID
0065g00000XyZ11,Closed Won,2026-10-01,2026-10-11,1000,1,1,0015g00000AbC01
0065g00000XyZ12,Closed Lost,2026-10-02,2026-10-09,,0,1,
0065g00000XyZ13,Proposal/Price Quote,2026-10-05,2026-11-30,500,0,0,
"""


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "opportunities.csv"
    path.write_text(OPPORTUNITIES, encoding="utf-8")
    return path


def _funnel(folder: Path) -> pd.DataFrame:
    dataset = load_dataset(folder)
    got = funnel(dataset.leads, stages=dataset.settings.stages, as_of=AS_OF)
    return got[["stage", "reached", "step_conversion", "lost", "median_days_from_previous"]]


def test_an_export_without_stage_history_gives_a_lead_to_sale_funnel(tmp_path):
    out = tmp_path / "acme"
    import_exports("salesforce", [_export(tmp_path)], out=out)
    header = (out / "leads.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "lead_id,lead_at,source,team,owner,sale_at,lost_at,customer_id,amount"
    assert (
        (out / "kpi.toml")
        .read_text(encoding="utf-8")
        .endswith(
            "[funnel]\n"
            "# The stages the export records, each with a <stage>_at column in leads.csv.\n"
            'stages = ["lead", "sale"]\n'
        )
    )
    # 3 leads, 1 won: 1/3 convert. The won one took 10 days (10-01 -> 10-11).
    # 2 leads leak at the lead stage; no visit or offer is invented.
    want = pd.DataFrame(
        {
            "stage": ["lead", "sale"],
            "reached": [3, 1],
            "step_conversion": [1.0, 1 / 3],
            "lost": [2, 0],
            "median_days_from_previous": [float("nan"), 10.0],
        }
    )
    pd.testing.assert_frame_equal(_funnel(out), want, check_dtype=False)


def test_stages_kept_in_an_existing_kpi_toml_are_named(tmp_path):
    out = tmp_path / "acme"
    out.mkdir()
    (out / "kpi.toml").write_text('currency = "EUR"\n', encoding="utf-8")
    result = import_exports("salesforce", [_export(tmp_path)], out=out)
    assert (
        f"{out / 'kpi.toml'}: [funnel] stages lists visit, offer, which opportunities.csv does "
        "not record; the funnel leaves them out. Remove visit, offer from the stages, or name "
        'a date column for each in mapping.toml [columns] (visit_at = "…").'
    ) in result.notes
    # the export has no source: said by the loader, in the export's terms
    assert (
        "opportunities.csv (imported as leads.csv): column source is blank in every row; every "
        "lead counts under source 'unknown'. Fill it from the CRM's source or channel field to "
        "get the split."
    ) in result.notes
    # The kpi.toml is the user's: left as it was. The funnel skips the absent stages.
    assert (out / "kpi.toml").read_text(encoding="utf-8") == 'currency = "EUR"\n'
    assert _funnel(out)["stage"].tolist() == ["lead", "sale"]


def test_stages_the_export_dates_are_kept(tmp_path):
    out = tmp_path / "acme"
    import_exports("hubspot", [FIXTURES / "hubspot_deals.csv"], out=out)
    # Date entered columns map to visit ("Appointment Scheduled") and offer ("Contract Sent").
    assert load_dataset(out).settings.stages == ("lead", "visit", "offer", "sale")


def test_pipedrive_stages_are_recorded_only_with_the_last_stage_change(tmp_path):
    from kpilib.importers import read_exports

    rows = (
        "Deal - ID,Deal - Stage,Deal - Status,Deal - Organization,Deal - Deal created,"
        "Deal - Won time{extra}\n"
        "1,Demo Scheduled,open,,2026-10-01 10:00:00,{demo}\n"
        "2,Proposal Made,won,Acme,2026-10-02 10:00:00,2026-10-20 10:00:00{offer}\n"
    )
    without = tmp_path / "without.csv"
    without.write_text(rows.format(extra="", demo="", offer=""), encoding="utf-8")
    with_change = tmp_path / "with.csv"
    with_change.write_text(
        rows.format(
            extra=",Deal - Last stage change",
            demo=",2026-10-05 10:00:00",
            offer=",2026-10-12 10:00:00",
        ),
        encoding="utf-8",
    )
    # Without the last stage change nothing dates Demo Scheduled (visit) or Proposal Made
    # (offer): no visit_at, no offer_at.
    got = read_exports("pipedrive", [without]).frame
    assert [c for c in got.columns if c.endswith("_at")] == ["lead_at", "sale_at", "lost_at"]
    # With it, each deal's current stage is dated: deal 1 visited on 10-05, deal 2 got its
    # offer on 10-12.
    got = read_exports("pipedrive", [with_change]).frame
    assert [c for c in got.columns if c.endswith("_at")] == [
        "lead_at", "visit_at", "offer_at", "sale_at", "lost_at",
    ]  # fmt: skip
    assert got["visit_at"].tolist() == [pd.Timestamp("2026-10-05 10:00"), pd.NaT]
    assert got["offer_at"].tolist() == [pd.NaT, pd.Timestamp("2026-10-12 10:00")]
