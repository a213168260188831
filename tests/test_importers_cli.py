"""`kpi import` and `kpi init`: the folder written, atomicity, inputs untouched, messages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from kpilib.cli import main
from kpilib.data.settings import load_settings
from kpilib.errors import DataError
from kpilib.importers import import_exports, init_templates

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_import_writes_the_folder_and_the_mapping_and_leaves_inputs_alone(tmp_path, capsys):
    before = _digest(FIXTURES)
    out = tmp_path / "acme"
    code = main(["import", "hubspot", str(FIXTURES / "hubspot_deals.csv"), "--out", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "kpi.toml",
        "leads.csv",
        "mapping-hubspot.toml",
    ]
    assert capsys.readouterr().out == (
        f"{out}: 5 leads rows written and validated.\n"
        f"Mapping written to {out}/mapping-hubspot.toml: check it, edit it, and run again with "
        f"--map {out}/mapping-hubspot.toml.\n"
    )
    assert load_settings(out / "kpi.toml").currency == "EUR"
    leads = pd.read_csv(out / "leads.csv", dtype=str, keep_default_na=False)
    assert leads.loc[0].tolist() == [
        "189165000001", "2025-01-06 09:00:00", "paid_search", "North", "Ann Lee",
        "2025-01-10 10:00:00", "2025-01-20 11:00:00", "2025-02-10 17:00:00", "", "5001",
        "1200.0",
    ]  # fmt: skip
    assert _digest(FIXTURES) == before


def test_import_again_without_map_refuses_to_overwrite_the_edited_mapping(tmp_path, capsys):
    out = tmp_path / "acme"
    deals = str(FIXTURES / "hubspot_deals.csv")
    assert main(["import", "hubspot", deals, "--out", str(out)]) == 0
    assert main(["import", "hubspot", deals, "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"error: {out}/mapping-hubspot.toml: a mapping from an earlier import is there. Pass it "
        f"with --map {out}/mapping-hubspot.toml to use it (mapping= in Python), or delete it "
        "to get a new guess.\n"
    )


def test_edited_mapping_is_used_on_the_next_run(tmp_path):
    out = tmp_path / "acme"
    deals = FIXTURES / "hubspot_deals.csv"
    first = import_exports("hubspot", [deals], out=out)
    text = first.mapping_path.read_text(encoding="utf-8")
    edited = text.replace('include = ["Sales Pipeline", "Renewals"]', 'include = ["Renewals"]')
    first.mapping_path.write_text(edited, encoding="utf-8")
    second = import_exports("hubspot", [deals], out=out, mapping=first.mapping_path)
    assert second.dataset.leads["lead_id"].tolist() == ["189165000005"]
    assert second.mapping_path is None
    assert first.mapping_path.read_text(encoding="utf-8") == edited


def test_failed_validation_leaves_the_folder_unchanged(tmp_path):
    out = tmp_path / "acme"
    out.mkdir()
    (out / "leads.csv").write_text("lead_id,lead_at\nL1,2025-01-01\n", encoding="utf-8")
    (out / "targets.csv").write_text("period,metric,target\n2025-13,leads,5\n", encoding="utf-8")
    before = _digest(out)
    with pytest.raises(DataError) as err:
        import_exports("pipedrive", [FIXTURES / "pipedrive_deals.csv"], out=out)
    assert str(err.value) == (
        f"The imported dataset does not validate, so {out} was left unchanged.\n"
        "The dataset has 1 problem:\n"
        "targets.csv:\n"
        "  - column period: 1 row has a period that does not parse (row 2). Write periods as "
        '"2026-10" (month), "2026-Q4" (quarter) or "FY2026" (fiscal year).'
    )
    assert _digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme"]


def test_ad_costs_replace_only_the_campaign_lines_they_cover(tmp_path):
    out = tmp_path / "acme"
    import_exports("pipedrive", [FIXTURES / "pipedrive_deals.csv"], out=out)
    (out / "costs.csv").write_text(
        "period,category,channel,team,amount\n"
        "2025-09,salaries,,North,5000\n"
        "2025-09,campaigns,paid_search,,999\n"
        "2025-10,campaigns,events,,300\n",
        encoding="utf-8",
    )
    import_exports("google-ads", [FIXTURES / "google_ads_daily_utf16.csv"], out=out)
    got = pd.read_csv(out / "costs.csv", dtype=str, keep_default_na=False)
    # The 999 of paid_search in September is replaced; salaries and events are kept.
    assert got.values.tolist() == [
        ["2025-09", "campaigns", "paid_search", "", "1234.56"],
        ["2025-09", "salaries", "", "North", "5000"],
        ["2025-10", "campaigns", "events", "", "300"],
        ["2025-10", "campaigns", "paid_search", "", "1045.5"],
    ]


def test_ad_costs_need_the_leads_first(tmp_path):
    out = tmp_path / "acme"
    with pytest.raises(DataError) as err:
        import_exports("meta-ads", [FIXTURES / "meta_ads_fr.csv"], out=out)
    assert str(err.value) == (
        f"{out}: no leads file yet, and a dataset needs its leads. Import the CRM export first "
        f"(kpi import hubspot deals.csv --out {out}), then the costs."
    )
    assert not out.exists()


def test_currency_of_the_folder_is_kept(tmp_path):
    out = tmp_path / "acme"
    out.mkdir()
    (out / "leads.csv").write_text("lead_id,lead_at\nL1,2025-01-01\n", encoding="utf-8")
    (out / "kpi.toml").write_text('currency = "USD"\n', encoding="utf-8")
    with pytest.raises(DataError) as err:
        import_exports("meta-ads", [FIXTURES / "meta_ads_fr.csv"], out=out)
    assert str(err.value) == (
        "meta_ads_fr.csv: column Montant dépensé (EUR): amounts are in EUR, not in the dataset "
        "currency USD. Give a rate table (--rates rates.csv) or use --currency EUR."
    )


def test_day_first_flag_settles_ambiguous_dates(tmp_path, capsys):
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Deal - ID,Deal - Stage,Deal - Status,Deal - Deal created\n1,Demo,open,03/04/2025\n",
        encoding="utf-8",
    )
    out = tmp_path / "acme"
    assert main(["import", "pipedrive", str(deals), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        "error: deals.csv: columns Deal - Deal created: no date tells whether it is written "
        "day-first or month-first (such as 03/04/2025). Say which: kpi import --day-first or "
        "--month-first (dates='day-first' or 'month-first' in Python).\n"
    )
    assert main(["import", "pipedrive", str(deals), "--out", str(out), "--day-first"]) == 0
    assert pd.read_csv(out / "leads.csv")["lead_at"].tolist() == ["2025-04-03"]


def test_init_writes_targets_for_the_periods_and_teams_found(tmp_path, capsys):
    out = tmp_path / "acme"
    import_exports("hubspot", [FIXTURES / "hubspot_deals.csv"], out=out)
    assert main(["init", str(out)]) == 0
    targets = pd.read_csv(out / "targets.csv", dtype=str, keep_default_na=False)
    # Leads from 2025-01-06 to the last date, 2025-03-01: three months; six metrics;
    # company-wide plus North and South: 3 x 6 x 3 = 54 rows, every target blank.
    assert len(targets) == 54
    assert targets["period"].unique().tolist() == ["2025-01", "2025-02", "2025-03"]
    assert targets["metric"].unique().tolist() == [
        "leads", "visits", "offers", "sales", "new_customers", "revenue",
    ]  # fmt: skip
    assert targets["team"].head(3).tolist() == ["", "North", "South"]
    assert (targets["target"] == "").all()
    settings = load_settings(out / "kpi.toml")
    assert (settings.currency, settings.gross_margin_rate) == ("EUR", 0.3)
    assert "# Gross margin: no CRM exports it." in (out / "kpi.toml").read_text(encoding="utf-8")
    assert capsys.readouterr().out.endswith(
        "Fill the target column of targets.csv and gross_margin_rate in kpi.toml.\n"
    )


def test_init_of_the_current_folder_prints_whole_paths(tmp_path, capsys, monkeypatch):
    out = tmp_path / "acme"
    import_exports("hubspot", [FIXTURES / "hubspot_deals.csv"], out=out)
    (out / "kpi.toml").unlink()
    monkeypatch.chdir(out)
    assert main(["init", "."]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == [str(out / "targets.csv"), str(out / "kpi.toml")]
    text = (out / "kpi.toml").read_text(encoding="utf-8")
    assert text.startswith("# Settings of the dataset in acme/ (kpi init).")
    # the template states the CAC settings with their defaults, and loads
    assert '[cac]\nallocation = "new_customers"\nlag = 0\n' in text
    from kpilib.data.settings import load_settings

    settings = load_settings(out / "kpi.toml")
    assert (settings.cac_allocation, settings.cac_lag) == ("new_customers", 0)


def test_init_does_not_overwrite_filled_files(tmp_path):
    out = tmp_path / "acme"
    import_exports("pipedrive", [FIXTURES / "pipedrive_deals.csv"], out=out)
    init_templates(out)
    with pytest.raises(DataError) as err:
        init_templates(out)
    assert str(err.value) == (
        f"{out}/targets.csv, {out}/kpi.toml: already there; kpi init does not overwrite filled "
        "files. Move them away, or pass --force to replace them."
    )
    assert len(init_templates(out, force=True)) == 2


def test_init_without_leads_says_to_import_first(tmp_path):
    with pytest.raises(DataError) as err:
        init_templates(tmp_path)
    assert str(err.value) == (
        f"{tmp_path}: no leads file, so no periods and teams to template. Run kpi import first "
        "(or give the folder that holds leads.csv)."
    )


def test_unknown_source_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["import", "zoho", "x.csv", "--out", str(tmp_path)])
    assert "argument SOURCE: invalid choice: 'zoho'" in capsys.readouterr().err
