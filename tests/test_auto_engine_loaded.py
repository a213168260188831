"""engine="auto" on data the loader warns about or reads otherwise, and on its own fixtures.

Each case writes the KPI fixtures as Parquet (see ``test_auto_engine.py``),
changed in one way the loader does not refuse but warns about or changes
(mojibake, a stage out of order, NaN, float ids...): ``auto`` then gives the
loader's frames and warnings. The loader's refused fixtures
(``test_data_read.REFUSED``), written as Parquet, end on ``auto`` as on pandas; and
the pre-check's list of the loader's problems holds every message the loader writes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_auto_engine import (  # noqa: F401 - scanning_engine is the fixture "engine"
    NAN,
    Tables,
    _set,
    changed,
    scanning_engine,
    write,
)

import kpilib.engine.auto as auto
from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.engine.scan import ScannedDataset, open_dataset, scan_dataset
from kpilib.engine.texts import ASCII_SPACES, SPACES
from kpilib.errors import DataError
from kpilib.kpis.tables import compute_all

# --- warnings and silent changes: the loader's frames and warnings

_GARBLED = (
    "leads.parquet: column owner: 3 rows have text that looks garbled, such as 'BenoÃ®t' (rows "
    "3, 6, 7). The file was saved as UTF-8 and later opened as Windows-1252: export it again "
    "as CSV UTF-8."
)


def _rename(table: str, old: str, new: str) -> Callable[[Tables], None]:
    return lambda t: t.update({table: t[table].rename(columns={old: new})})


LOADED = {
    "a visit before its lead": (
        _set("leads", 0, "visit_at", pd.Timestamp("2026-09-01")),
        "leads: visit_at: a visit_at before its lead_at",
        [
            "leads.parquet: column visit_at: 1 row has a visit_at before its lead_at (row 2). "
            "Check the stage dates in the CRM; these leads still count as reaching both stages."
        ],
    ),
    "a source blank in every row": (
        lambda t: t["leads"].__setitem__("source", pd.Series([" "] * 8, dtype="str")),
        "leads: source: blank in every row",
        [
            "leads.parquet: column source is blank in every row; every lead counts under "
            "source 'unknown'. Fill it from the CRM's source or channel field to get the split."
        ],
    ),
    "a column ending in _at that is no stage": (
        lambda t: t["leads"].__setitem__("demo_at", t["leads"]["lead_at"]),
        "leads: column demo_at: not a stage of kpi.toml",
        [
            "leads.parquet: column demo_at ignored: not a stage of kpi.toml [funnel].stages. Add "
            "the stage there to use it."
        ],
    ),
    "garbled text": (
        lambda t: t["leads"].__setitem__("owner", t["leads"]["owner"].replace("Bob", "BenoÃ®t")),
        "leads: owner: text garbled or padded",
        [_GARBLED],
    ),
    "an amount of NaN": (
        _set("leads", 0, "amount", NAN),
        "leads: amount: NaN, which the loader reads as blank",
        [],
    ),
    "ids written as floats": (
        lambda t: t["leads"].__setitem__("lead_id", np.arange(1.0, 9.0)),
        "leads: column lead_id: typed double",
        [],
    ),
    "a padded column name": (
        _rename("leads", "amount", " amount"),
        "leads: a column name repeated or padded",
        [],
    ),
    "a margin of NaN": (
        _set("orders", 0, "gross_margin", NAN),
        "orders: gross_margin: NaN, which the loader reads as blank",
        [],
    ),
}


@pytest.mark.parametrize("case", list(LOADED))
def test_warned_or_changed_by_the_loader_loads(tmp_path, engine, case):
    change, found, warnings = LOADED[case]
    folder = write(tmp_path, changed(change))
    assert found in auto.precheck(scan_dataset(folder, backend=engine))
    dataset, loaded = open_dataset(folder, engine="auto"), load_dataset(folder)
    assert isinstance(dataset, Dataset)
    assert dataset.warnings == loaded.warnings == warnings
    for name, frame in loaded.tables().items():
        pd.testing.assert_frame_equal(getattr(dataset, name), frame)


@pytest.mark.parametrize("team", ["\xa0North\xa0", "North\x1f"])
def test_spaces_python_strips_are_stripped_as_by_the_loader(tmp_path, engine, team):
    # a unit separator: every scan strips it; a no-break space: polars strips it, DuckDB
    # does not, and the pre-check sends the folder to the loader. The same teams.
    folder = write(tmp_path, changed(_set("leads", 0, "team", team)))
    dataset = open_dataset(folder, engine="auto")
    got = compute_all(dataset, period="2026-10", as_of="2026-10-21", tables=["attainment"])
    want = compute_all(load_dataset(folder), period="2026-10", as_of="2026-10-21")
    pd.testing.assert_frame_equal(got["attainment"], want["attainment"])
    loaded = engine == "duckdb" and team.startswith("\xa0")
    assert isinstance(dataset, Dataset if loaded else ScannedDataset)


def test_the_scans_strip_what_python_strips():
    spaces = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert SPACES == spaces
    assert set(ASCII_SPACES) == {c for c in spaces if c.isascii()}


# --- the loader's own bad-input fixtures, as Parquet: auto ends as the pandas engine does


def as_parquet(csv_folder: Path, out: Path) -> bool:
    """The CSV tables of *csv_folder* as Parquet in *out*, dates and numbers typed where
    every value parses (else left as text, as an export might); False when a table is
    refused before its cells are read (a CSV-only problem: encoding, quoting, widths)."""
    from kpilib.data.read import read_table

    out.mkdir()
    for path in csv_folder.glob("*.csv"):
        try:
            frame = read_table(path).frame
        except DataError:
            return False
        typed = {}
        for col in frame.columns:
            values = frame[col].astype(object)
            blank = values.isna() | (values.astype(str).str.strip() == "")
            text = values.where(~blank, None)
            if col.endswith("_at") or col in ("order_date", "date"):
                parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
                typed[col] = (
                    parsed.astype("datetime64[us]") if parsed.notna().eq(~blank).all() else text
                )
            elif col in ("amount", "target", "revenue", "gross_margin"):
                parsed = pd.to_numeric(text, errors="coerce")
                typed[col] = parsed.astype("float64") if parsed.notna().eq(~blank).all() else text
            else:
                typed[col] = text
        write(out, {path.stem: pd.DataFrame(typed)})
    return True


def outcome(folder: Path, engine: str) -> object:
    """The error message, or the tables (as pandas) and warnings."""
    from kpilib.engine.native import to_pandas

    try:
        dataset = open_dataset(folder, engine=engine)
    except DataError as exc:
        return str(exc)
    tables = {name: to_pandas(t) for name, t in dataset.tables().items()}
    return {name: t.to_dict("list") for name, t in tables.items()}, dataset.warnings


def test_the_loaders_refused_fixtures_as_parquet(tmp_path):
    from test_data_read import REFUSED as LOADER_CASES

    converted = 0
    for i, (files, _) in enumerate(LOADER_CASES.values()):
        csv = tmp_path / f"csv{i}"
        csv.mkdir()
        for name, content in files.items():
            (csv / name).write_bytes(content if isinstance(content, bytes) else content.encode())
        parquet = tmp_path / f"parquet{i}"
        if as_parquet(csv, parquet):
            converted += 1
            assert outcome(parquet, "auto") == outcome(parquet, "pandas"), list(files)
    assert converted >= 8  # the others are refused while the CSV text is read


# --- the list stays in step with the loader


def _signature(node: ast.expr) -> str:
    """A message as written: f-string fields as {}, a call as name()."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.Call):
        return f"{ast.unparse(node.func)}()"
    return ast.unparse(node)


def loader_messages() -> set[str]:
    """Every problem kpilib/data/load.py and checks.py record or raise."""
    import kpilib.data.checks
    import kpilib.data.load

    found = set()
    for module in (kpilib.data.load, kpilib.data.checks):
        for node in ast.walk(ast.parse(Path(module.__file__).read_text("utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                if ast.unparse(node.exc.func) == "DataError":
                    found.add(_signature(node.exc.args[0]))
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            target = ast.unparse(node.func)
            if target == "check.flag":
                found.add(_signature(node.args[3]))
            elif target in ("check.errors.append", "check.warnings.append"):
                found.add(_signature(node.args[0]))
    return found


def test_every_problem_of_the_loader_is_in_the_pre_checks_list():
    assert loader_messages() == set(auto.REFUSALS)
