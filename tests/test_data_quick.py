"""kpi validate's quick path (kpilib.data.quick): the loader's output, byte for byte.

Every folder goes through ``kpi validate`` twice: as it runs (the quick path,
falling back on the loader) and with the quick path switched off (the loader
alone, as before it). Output, errors and exit code must be equal; on clean
folders the quick path must have answered itself, and on every folder the
loader refuses, warns about or reads otherwise it must have declined. The
folders: the sample, a generated one, the KPI fixtures as Parquet and as CSV,
each changed in every way ``tests/test_auto_engine*.py`` changes them, the
loader's own bad CSV files (``tests/test_data_read.REFUSED``) and CSV cases of
this module.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from test_auto_engine import REFUSED as REFUSED_PARQUET
from test_auto_engine import Tables, _set, changed, good, write
from test_auto_engine_loaded import LOADED

import kpilib.data.quick as quick
from kpilib.cli import main
from kpilib.data.quick import quick_summary
from kpilib.sample import write_sample

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def validate(folder: Path, capsys, monkeypatch, *, loader_only: bool) -> tuple[int, str, str]:
    """Exit code, output and errors of ``kpi validate folder``."""
    with monkeypatch.context() as patch:
        if loader_only:
            patch.setattr(quick, "quick_summary", lambda path: None)
        code = main(["validate", str(folder)])
    out, err = capsys.readouterr()
    return code, out, err


def assert_as_the_loader(folder: Path, capsys, monkeypatch, *, quick_path: bool) -> None:
    """The same outcome with and without the quick path, which answered iff *quick_path*."""
    assert (quick_summary(folder) is not None) == quick_path
    got = validate(folder, capsys, monkeypatch, loader_only=False)
    assert got == validate(folder, capsys, monkeypatch, loader_only=True)


def write_csv(folder: Path, tables: Tables) -> Path:
    """*tables* as CSV files in *folder*, as pandas writes them (NaN as a blank cell)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder


# --- clean folders: answered by the quick path, as the loader answers


def test_the_sample_is_summed_up_as_by_the_loader(capsys, monkeypatch):
    assert_as_the_loader(SAMPLE, capsys, monkeypatch, quick_path=True)
    code, out, _ = validate(SAMPLE, capsys, monkeypatch, loader_only=False)
    assert (code, out.splitlines()[1], out.splitlines()[-2:]) == (
        0,
        "  leads       47,607 rows  (leads.csv)",
        ["  warnings 0", "valid"],
    )


def test_a_generated_sample_and_its_parquet_copy(tmp_path, capsys, monkeypatch):
    csv = tmp_path / "csv"
    write_sample(csv, seed=11)
    assert_as_the_loader(csv, capsys, monkeypatch, quick_path=True)
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    for path in csv.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
        for col in frame.columns:
            if col.endswith("_at") or col == "order_date":
                frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
            elif col in ("amount", "target", "revenue", "gross_margin"):
                frame[col] = frame[col].astype("float64")
        write(parquet, {path.stem: frame})
    (parquet / "kpi.toml").write_bytes((csv / "kpi.toml").read_bytes())
    assert_as_the_loader(parquet, capsys, monkeypatch, quick_path=True)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_the_fixtures(tmp_path, capsys, monkeypatch, fmt):
    folder = (write if fmt == "parquet" else write_csv)(tmp_path, good())
    assert_as_the_loader(folder, capsys, monkeypatch, quick_path=True)


def test_only_leads_without_team_and_with_padded_csv_cells(tmp_path, capsys, monkeypatch):
    # the loader strips " L1" and "web\t"; a folder of leads only says what is not given
    (tmp_path / "leads.csv").write_text(
        "lead_id,lead_at,source\n L1,2026-10-01 09:30,web\t\nL2,2026-10-02T10:00:00,\xa0ads\n"
    )
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=True)
    assert validate(tmp_path, capsys, monkeypatch, loader_only=False)[1] == (
        f"{tmp_path.name}: Company, amounts in EUR\n"
        "  leads            2 rows  (leads.csv)\n"
        "  not given: targets, costs, orders\n"
        "  dates    2026-10-01 to 2026-10-02 (as of 2026-10-02)\n"
        "  sources  2: ads, web\n"
        "  warnings 0\n"
        "valid\n"
    )


def test_a_windows_1252_file_is_named_with_its_encoding(tmp_path, capsys, monkeypatch):
    leads = "lead_id,lead_at,source,owner\nL1,2026-10-01,web,Benoît\nL2,2026-10-02,ads,Zoé\n"
    (tmp_path / "leads.csv").write_bytes(leads.encode("cp1252"))
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=True)
    out = validate(tmp_path, capsys, monkeypatch, loader_only=False)[1]
    assert "  leads            2 rows  (leads.csv, Windows-1252)\n" in out


# --- anything the loader refuses, warns about or reads otherwise: the loader's word


@pytest.mark.parametrize("case", list(REFUSED_PARQUET))
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_refused_as_by_the_loader(tmp_path, capsys, monkeypatch, case, fmt):
    change = REFUSED_PARQUET[case][0]
    folder = (write if fmt == "parquet" else write_csv)(tmp_path, changed(change))
    assert_as_the_loader(folder, capsys, monkeypatch, quick_path=False)
    assert validate(folder, capsys, monkeypatch, loader_only=False)[0] == 1


@pytest.mark.parametrize("case", list(LOADED))
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_warned_or_changed_by_the_loader(tmp_path, capsys, monkeypatch, case, fmt):
    change = LOADED[case][0]
    folder = (write if fmt == "parquet" else write_csv)(tmp_path, changed(change))
    # as CSV, the NaN marks are numbers (-0.125: refused for an amount, a margin may be
    # negative), a float id a text and a padded name stripped: nothing to warn about
    clean = fmt == "csv" and case in (
        "a margin of NaN",
        "ids written as floats",
        "a padded column name",
    )
    assert_as_the_loader(folder, capsys, monkeypatch, quick_path=clean)


def test_the_loaders_bad_csv_files(tmp_path, capsys, monkeypatch):
    from test_data_read import REFUSED as LOADER_CASES

    for i, (files, _) in enumerate(LOADER_CASES.values()):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        for name, content in files.items():
            (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
        assert_as_the_loader(folder, capsys, monkeypatch, quick_path=False)


def _leads(*rows: str, header: str = "lead_id,lead_at,source,amount") -> dict[str, str]:
    return {"leads.csv": "\n".join([header, *rows]) + "\n"}


_TARGETS = "period,metric,team,owner,target\n"
# CSV the quick path declines, clean or not: the loader decides (its word is the output)
DECLINED: dict[str, dict[str, str | bytes]] = {
    "a day-first date": _leads("L1,01/10/2026,web,5"),
    "an impossible day": _leads("L1,2026-02-30,web,5"),
    "a time with a zone": _leads("L1,2026-10-01T23:30:00+02:00,web,5"),
    "a time to the tenth of a second": _leads("L1,2026-10-01 10:00:00.5,web,5"),
    "a time to the hour": _leads("L1,2026-10-01 10,web,5"),
    "a decimal comma": _leads('L1,2026-10-01,web,"5,5"'),
    "a number reading two ways": _leads("L1,2026-10-01,web,1.234"),
    "a thousands separator": _leads("L1,2026-10-01,web,1 234"),
    "a number in exponent notation": _leads("L1,2026-10-01,web,1e3"),
    "a long number": _leads("L1,2026-10-01,web,1234567890123.45"),
    "a quoted line break": _leads('L1,2026-10-01,"web\nads",5'),
    "a blank row": _leads("L1,2026-10-01,web,5", ",,,", "L2,2026-10-02,ads,6"),
    "a short row": _leads("L1,2026-10-01,web"),
    "a repeated column": _leads("L1,2026-10-01,web,5", header="lead_id,lead_at,source,source"),
    "a duplicate id once stripped": _leads("L1,2026-10-01,web,5", "L1 ,2026-10-02,ads,6"),
    "mojibake": _leads("L1,2026-10-01,webÃ©,5"),
    "a BOM of UTF-16 before UTF-8": {"leads.csv": b"\xff\xfelead_id,lead_at\nL1,2026-10-01\n"},
    "a singular metric": {
        **_leads("L1,2026-10-01,web,5"),
        "targets.csv": _TARGETS + "2026-10,sale,,,4\n",
    },
    "a stage out of order": _leads(
        "L1,2026-10-05,web,2026-10-01", header="lead_id,lead_at,source,visit_at"
    ),
    "a workbook": {"leads.xlsx": "not a workbook"},
    "a table given twice": {**_leads("L1,2026-10-01,web,5"), "leads.parquet": b"PAR1"},
    "no leads file": {"orders.csv": "order_id,customer_id,order_date,revenue\n"},
    "no source column": {"leads.csv": "lead_id,lead_at\nL1,2026-10-01\n"},
    "both decimal marks": _leads("L1,2026-10-01,web,1.5", 'L2,2026-10-02,ads,"2,5"'),
    "a row cut before a required cell": _leads("L1"),
}


@pytest.mark.parametrize("case", list(DECLINED))
def test_declined_csv_ends_as_the_loader_says(tmp_path, capsys, monkeypatch, case):
    for name, content in DECLINED[case].items():
        data = content if isinstance(content, bytes) else content.encode()
        (tmp_path / name).write_bytes(data)
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=False)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
@pytest.mark.parametrize(
    ("codec", "shown"),
    [
        ("utf-8", "leads.csv"),
        ("utf-8-sig", "leads.csv"),  # a byte-order mark: UTF-8, named as UTF-8 is
        ("cp1252", "leads.csv, Windows-1252"),
        ("utf-16", "leads.csv, UTF-16"),
    ],
)
def test_csv_is_decoded_and_sniffed_as_by_the_loader(
    tmp_path, capsys, monkeypatch, sep, codec, shown
):
    # kpilib.data.text.read_csv_text, which the loader reads CSV through too: the
    # delimiter splitting the header into the known columns, the encoding named when it
    # is not UTF-8; two clean leads, so the quick path answers itself
    text = "lead_id,lead_at,source,amount\nL1,2026-10-01,Benoît,5\nL2,2026-10-02,web,6.5\n"
    (tmp_path / "leads.csv").write_bytes(text.replace(",", sep).encode(codec))
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=True)
    code, out, _ = validate(tmp_path, capsys, monkeypatch, loader_only=False)
    # 2 rows; leads from 2026-10-01 to 2026-10-02; sources sorted: Benoît, web
    assert (code, out.splitlines()[1:5]) == (
        0,
        [
            f"  leads            2 rows  ({shown})",
            "  not given: targets, costs, orders",
            "  dates    2026-10-01 to 2026-10-02 (as of 2026-10-02)",
            "  sources  2: Benoît, web",
        ],
    )


def test_a_kpi_toml_the_settings_refuse_and_no_folder(tmp_path, capsys, monkeypatch):
    (tmp_path / "leads.csv").write_text("lead_id,lead_at,source\nL1,2026-10-01,web\n")
    (tmp_path / "kpi.toml").write_text('currency = "EURO"\n')
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=False)
    assert_as_the_loader(tmp_path / "missing", capsys, monkeypatch, quick_path=False)


def _cost_dates(t: Tables) -> None:
    t["costs"] = t["costs"].drop(columns="period").assign(date=pd.Timestamp("2026-10-01"))


_CLEAN_CHANGES: dict[str, Callable[[Tables], None]] = {
    "costs dated instead of a period": _cost_dates,
    "targets without team and owner": lambda t: t.update(
        targets=t["targets"].drop(columns=["team", "owner"])
    ),
    "no orders": lambda t: t.pop("orders"),
    "no order rows": lambda t: t.update(orders=t["orders"].iloc[:0]),
    "ids in any order": lambda t: t.update(leads=t["leads"].iloc[::-1].reset_index(drop=True)),
}


@pytest.mark.parametrize("case", list(_CLEAN_CHANGES))
def test_other_clean_parquet(tmp_path, capsys, monkeypatch, case):
    folder = write(tmp_path, changed(_CLEAN_CHANGES[case]))
    assert_as_the_loader(folder, capsys, monkeypatch, quick_path=True)


def test_a_csv_cost_line_dated_instead_of_a_period(tmp_path, capsys, monkeypatch):
    (tmp_path / "leads.csv").write_text("lead_id,lead_at,source\nL1,2026-10-01,web\n")
    (tmp_path / "costs.csv").write_text("date,category,amount\n2026-10-03,salaries,100\n")
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=True)


def test_optional_tables_with_a_header_only(tmp_path, capsys, monkeypatch):
    (tmp_path / "leads.csv").write_text("lead_id,lead_at,source\nL1,2026-10-01,web\n")
    (tmp_path / "targets.csv").write_text("period,metric,target\n")
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date,revenue\n")
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=True)
    out = validate(tmp_path, capsys, monkeypatch, loader_only=False)[1]
    assert "  targets          0 rows  (targets.csv)\n" in out


def test_a_garbled_cost_date_beside_a_period(tmp_path, capsys, monkeypatch):
    # the loader reads no date where a period is given, but warns about its mojibake
    folder = write(tmp_path, changed(lambda t: t["costs"].__setitem__("date", "1 octobre, Ã©tÃ©")))
    assert_as_the_loader(folder, capsys, monkeypatch, quick_path=False)
    assert "warnings 1" in validate(folder, capsys, monkeypatch, loader_only=False)[1]


@pytest.mark.parametrize("given", ["a link to nothing", "a folder"])
def test_a_table_that_is_no_file_is_left_to_the_loader(tmp_path, capsys, monkeypatch, given):
    # found as the loader finds it (kpilib.data.files.table_files), then declined
    (tmp_path / "leads.csv").write_text("lead_id,lead_at,source\nL1,2026-10-01,web\n")
    if given == "a folder":
        (tmp_path / "targets.csv").mkdir()
        problem = "a folder, not a file. Put the targets.csv file itself there."
    else:
        (tmp_path / "targets.csv").symlink_to(tmp_path / "gone.csv")
        problem = "a link to a file that does not exist. Put the file itself there."
    assert_as_the_loader(tmp_path, capsys, monkeypatch, quick_path=False)
    code, out, err = validate(tmp_path, capsys, monkeypatch, loader_only=False)
    assert (code, out, err) == (
        1,
        "",
        f"error: The dataset has 1 problem:\ntargets.csv:\n  - {problem}\n",
    )


def test_a_damaged_parquet_file(tmp_path, capsys, monkeypatch):
    folder = write(tmp_path, good())
    (folder / "orders.parquet").write_bytes(b"PAR1 cut short")
    assert_as_the_loader(folder, capsys, monkeypatch, quick_path=False)
    code, _, err = validate(folder, capsys, monkeypatch, loader_only=False)
    assert (code, err.startswith("error: The dataset has 1 problem:\norders.parquet:")) == (1, True)


def test_a_unicode_space_at_the_end_of_a_parquet_text(tmp_path, capsys, monkeypatch):
    folder = write(tmp_path, changed(_set("leads", 0, "team", "North\u3000")))
    assert_as_the_loader(folder, capsys, monkeypatch, quick_path=False)


@pytest.mark.parametrize("seed", range(0, 250, 2))
def test_the_fuzzed_folders(tmp_path, capsys, monkeypatch, seed):
    # tests/test_fuzz_inputs.py's damaged folders (every other seed): whichever path
    # answers, the output is the loader's
    import random

    from fuzz_mutations import MUTATIONS, write_base

    rng = random.Random(seed)
    write_base(tmp_path / "case")
    for _, _, mutate in [rng.choice(MUTATIONS) for _ in range(rng.randint(1, 3))]:
        mutate(rng, tmp_path / "case")
    got = validate(tmp_path / "case", capsys, monkeypatch, loader_only=False)
    assert got == validate(tmp_path / "case", capsys, monkeypatch, loader_only=True)


# --- every problem of the loader has a case above


# each message of the loader (kpilib.engine.refusals.REFUSALS, kept in step with it by
# tests/test_auto_engine_loaded.py) -> the case or test of this module that meets it
COVERED = {
    "{}: {} is given twice ({}). Keep one file per table.": "a table given twice",
    "{}: no such folder. Give the folder that holds leads.csv and kpi.toml.": (
        "test_a_kpi_toml_the_settings_refuse_and_no_folder"
    ),
    "{}: no leads file (leads.csv, leads.parquet or leads.xlsx). A dataset needs at least its "
    "leads; see docs/data-model.md.{}": "no leads file",
    "{}: no rows under the header. A dataset needs at least one lead: export the leads "
    "again.": "no lead at all",
    "{}: column{} {} ignored: not a stage of kpi.toml [funnel].stages. Add the stage there to "
    "use it.": "a column ending in _at that is no stage",
    "{}: no source column; every lead counts under source 'unknown'.": "no source column",
    "{}: column source is blank in every row; every lead counts under source 'unknown'. Fill "
    "it from the CRM's source or channel field to get the split.": "a source blank in every row",
    "no lead_id": "a lead id blank once stripped",
    "no lead_at date": "no lead_at",
    "a sale without a customer_id": "a sale without a customer",
    "a {} before its {}": "a visit before its lead",
    "a target of 0": "a target of 0",
    "a period that does not parse": "a cost period that is no month",
    "an unknown metric": "an unknown metric",
    "a duplicate target (same period, metric, team and owner)": "a duplicate target",
    "no target value": "targets: target NaN",
    "no amount": "costs: amount null",
    "no category": "a cost without category",
    "no revenue": "orders: revenue NaN",
    "no customer_id": "an order without customer",
    "missing_message()": "a missing column",
    "a date that does not parse": "dates as text",
    "a date outside 1900-01-01 to 2199-12-31": "a cost dated 1800",
    "a number that does not parse": "an infinite amount",
    "a number of 10^15 or more": "a margin of 10^15",
    "a negative value": "a negative target",
    "{}: column {}: both decimal marks are used: a point ({}) and a comma ({}). Write every "
    "number of a column with the same decimal mark.": "both decimal marks",
    "{}: column {}: {} {} two ways ({}): {} is {} with a decimal mark, or {} with a "
    "thousands separator, and no value of the column settles it. Set locale in kpi.toml "
    '("en_GB" reads a point as the decimal mark, "fr_FR" a comma), or write the numbers '
    "without thousands separators.": "a number reading two ways",
    "no cell for this column (the row has fewer cells than the header)": (
        "a row cut before a required cell"
    ),
    "{}: {} {} fewer cells than the header ({}); the missing cells are read as blank.": (
        "a short row"
    ),
    "text that looks garbled, such as {}": "garbled text",
    "a duplicate id": "a duplicate order id",
    "_grouped()": "a duplicate lead id",
}


def test_every_problem_of_the_loader_has_a_case():
    from kpilib.engine.refusals import REFUSALS

    assert set(COVERED) == set(REFUSALS)
    cases = {*REFUSED_PARQUET, *LOADED, *DECLINED, *globals()}
    assert [c for c in COVERED.values() if c not in cases] == []


# --- what the quick path imports


def test_validate_on_the_sample_imports_neither_pandas_nor_duckdb():
    code = (
        "import sys\n"
        "from kpilib.cli import main\n"
        f"assert main(['validate', {str(SAMPLE)!r}]) == 0\n"
        "print(sorted({'pandas', 'duckdb', 'polars', 'narwhals'} & set(sys.modules)))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.splitlines()[-1] == "[]"
