"""Mutations of a small valid dataset folder, for tests/test_fuzz_inputs.py.

:data:`BASE` is the dataset; each function registered in :data:`MUTATIONS`
damages a folder holding it, drawing its choices from a seeded generator, and
says whether it keeps the figures (re-encoding, quoting, reordering, ...) or
not. A mutation that finds nothing to work on (a file already gone) does
nothing.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kpilib import DataError
from kpilib.data.text import decode, sniff

__all__ = ["BASE", "MUTATIONS", "write_base"]

NUMBER_COLUMNS = {"amount", "target", "revenue", "gross_margin"}
BASE = {
    "leads.csv": (
        "lead_id,lead_at,source,team,owner,visit_at,offer_at,sale_at,lost_at,customer_id,amount\n"
        "L1,2026-09-03,web,North,Chloé,2026-09-10,2026-09-20,2026-10-02,,C1,1234.56\n"
        "L2,2026-10-01,web,North,Chloé,2026-10-05,,,2026-10-20,,\n"
        "L3,2026-10-02 09:30:00,events,South,Benoît,2026-10-06,2026-10-12,2026-10-25,,C2,2500.00\n"
        "L4,2026-10-08,events,South,Benoît,,,,,,\n"
        "L5,2026-10-15,web,North,Ann,2026-10-18,2026-10-22,2026-10-30,,C3,800.5\n"
        "L6,2026-10-20,referral,South,Ann,2026-10-21,,,,,\n"
    ),
    "targets.csv": (
        "period,metric,team,owner,target\n"
        "2026-10,leads,,,5\n2026-10,sales,,,3\n2026-10,revenue,,,4000.5\n2026-10,sales,North,,2\n"
    ),
    "costs.csv": (
        "period,category,channel,team,amount\n"
        "2026-09,campaigns,web,,1000\n2026-10,campaigns,web,,1200.5\n"
        "2026-10,salaries,,North,3000\n2026-10,campaigns,events,,450.25\n"
    ),
    "orders.csv": (
        "order_id,customer_id,order_date,revenue,gross_margin\n"
        "O1,C1,2026-10-02,1234.56,400\nO2,C2,2026-10-25,2500,800.5\nO3,C3,2026-10-30,800.5,\n"
    ),
    "kpi.toml": (
        'company = "Acme"\ncurrency = "EUR"\nlocale = "en_GB"\n\n'
        "[funnel]\nconversion_window_days = 60\n"
    ),
}

# --- helpers on the folder's files


def write_base(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, text in BASE.items():
        (folder / name).write_text(text, encoding="utf-8")


def _csvs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if p.is_file() and not p.is_symlink())


def _rows(path: Path) -> list[list[str]] | None:
    """The records of a CSV file, or None when it no longer decodes or splits."""
    try:
        text = decode(path.read_bytes(), path.name)[0]
        return [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sniff(text)) if r]
    except (DataError, csv.Error, OSError):
        return None


def _save(path: Path, rows: list[list[str]], *, sep: str = ",", **options) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n", **options).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _pick(rng: random.Random, folder: Path) -> Path | None:
    files = _csvs(folder)
    return rng.choice(files) if files else None


def _text_of(path: Path) -> str | None:
    try:
        return decode(path.read_bytes(), path.name)[0]
    except (DataError, OSError):
        return None


Mutation = Callable[[random.Random, Path], None]
MUTATIONS: list[tuple[str, bool, Mutation]] = []


def mutation(name: str, *, keeps: bool = False) -> Callable[[Mutation], Mutation]:
    """Register a mutation; *keeps* when it keeps the figures unchanged."""

    def register(fn: Mutation) -> Mutation:
        MUTATIONS.append((name, keeps, fn))
        return fn

    return register


# --- mutations that keep the figures


@mutation("re-encode", keeps=True)
def _reencode(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    text = path and _text_of(path)
    if text:
        encoding = rng.choice(["cp1252", "latin-1", "utf-16", "utf-16-le", "utf-8-sig"])
        path.write_bytes(text.encode(encoding))


def _rewrite_numbers(
    rng: random.Random, folder: Path, cell: Callable[[str], str], *, sep: str = ","
) -> None:
    """Rewrite every number cell of a random CSV table through *cell*."""
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if rows:
        numeric = [i for i, c in enumerate(rows[0]) if c.strip() in NUMBER_COLUMNS]
        body = [[cell(c) if i in numeric else c for i, c in enumerate(r)] for r in rows[1:]]
        _save(path, [rows[0], *body], sep=sep)


@mutation("semicolons and decimal commas", keeps=True)
def _semicolons(rng: random.Random, folder: Path) -> None:
    _rewrite_numbers(rng, folder, lambda c: c.replace(".", ","), sep=";")


@mutation("thousands separators", keeps=True)
def _thousands(rng: random.Random, folder: Path) -> None:
    def group(cell: str) -> str:
        whole, dot, rest = cell.partition(".")
        if not whole.isdigit() or len(whole) < 4 or not dot:
            return cell  # only values that show their decimal point, so 1,234 never appears
        return f"{int(whole):,}.{rest}"

    _rewrite_numbers(rng, folder, group)


@mutation("CRLF", keeps=True)
def _crlf(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    text = path and _text_of(path)
    if text:
        path.write_bytes(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))


@mutation("BOM", keeps=True)
def _bom(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    text = path and _text_of(path)
    if text:
        path.write_bytes(text.encode("utf-8-sig"))


@mutation("quote every cell", keeps=True)
def _quote(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if rows:
        _save(path, rows, quoting=csv.QUOTE_ALL)


@mutation("reorder rows", keeps=True)
def _reorder_rows(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if rows:
        body = rows[1:]
        rng.shuffle(body)
        _save(path, [rows[0], *body])


@mutation("reorder columns", keeps=True)
def _reorder_columns(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if rows and all(len(r) == len(rows[0]) for r in rows):
        order = list(range(len(rows[0])))
        rng.shuffle(order)
        _save(path, [[r[i] for i in order] for r in rows])


@mutation("tab-separated", keeps=True)
def _tabs(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if rows:
        _save(path, rows, sep=rng.choice(["\t", "|"]))


@mutation("Parquet or .xlsx copy", keeps=True)
def _binary_copy(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if rows and all(len(r) == len(rows[0]) for r in rows) and len(set(rows[0])) == len(rows[0]):
        frame = pd.DataFrame(rows[1:], columns=rows[0], dtype="str")
        if rng.random() < 0.5:
            frame.to_parquet(path.with_suffix(".parquet"), index=False)
        else:
            frame.to_excel(path.with_suffix(".xlsx"), index=False)
        path.unlink()


@mutation("symlink to the real file", keeps=True)
def _symlink(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    if path:
        store = folder / "store"
        store.mkdir(exist_ok=True)
        real = store / path.name
        path.rename(real)
        path.symlink_to(real)


@mutation("kpi.toml in UTF-16 with a comment", keeps=True)
def _toml_utf16(rng: random.Random, folder: Path) -> None:
    toml = folder / "kpi.toml"
    text = toml.is_file() and _text_of(toml)
    if text:
        toml.write_bytes(("# settings\r\n" + text).encode("utf-16"))


# --- damage


@mutation("flip bytes")
def _flip(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    if path:
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 5)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))


@mutation("truncate")
def _truncate(rng: random.Random, folder: Path) -> None:
    files = [p for p in folder.iterdir() if p.is_file() and not p.is_symlink()]
    if files:
        path = rng.choice(files)
        data = path.read_bytes()
        path.write_bytes(data[: rng.randrange(len(data) + 1)])


@mutation("odd UTF-16 or UTF-16 BOM before UTF-8")
def _utf16_damage(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    text = path and _text_of(path)
    if text:
        if rng.random() < 0.5:
            path.write_bytes(text.encode("utf-16") + b"x")
        else:
            path.write_bytes(b"\xff\xfe" + text.encode("utf-8"))


@mutation("mojibake")
def _mojibake(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    text = path and _text_of(path)
    if text:
        path.write_bytes(text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"))


def _set_cell(
    rng: random.Random, folder: Path, column: Callable[[str], bool], values: list[str]
) -> None:
    """Write one of *values* in a random cell of a column that *column* accepts."""
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if rows and len(rows) > 1:
        columns = [i for i, c in enumerate(rows[0]) if column(c.strip())]
        if columns:
            r, c = rng.randrange(1, len(rows)), rng.choice(columns)
            if c < len(rows[r]):
                rows[r][c] = rng.choice(values)
                _save(path, rows)


@mutation("number notation")
def _numbers(rng: random.Random, folder: Path) -> None:
    notations = ["1.234", "1,234", "€12", "1e400", "-5", "0", "1.234.567,8", "12,5", "nan", "1e15"]
    _set_cell(rng, folder, NUMBER_COLUMNS.__contains__, notations)


@mutation("date notation")
def _dates(rng: random.Random, folder: Path) -> None:
    notations = ["03/10/2026", "9999-12-31", "0001-01-01", "2026-02-30", "", "soon"]
    notations.append("2026-10-01T23:30:00+05:00")
    _set_cell(rng, folder, lambda c: c.endswith(("_at", "date")), notations)


@mutation("semantic damage")
def _semantic(rng: random.Random, folder: Path) -> None:
    path = _pick(rng, folder)
    rows = path and _rows(path)
    if not rows or len(rows) < 2:
        return
    kind = rng.choice(
        [
            "dup row",
            "dup header",
            "space header",
            "short",
            "long",
            "blank id",
            "header only",
            "unknown metric",
        ]
    )
    if kind == "dup row":
        rows.append(list(rows[1]))
    elif kind == "dup header":
        i = rng.randrange(len(rows[0]))
        rows[0][rng.randrange(len(rows[0]))] = rows[0][i]
    elif kind == "space header":
        rows[0].append(rows[0][-1] + " ")
        for r in rows[1:]:
            r.append("1")
    elif kind == "short":
        r = rng.randrange(1, len(rows))
        rows[r] = rows[r][: rng.randrange(len(rows[r]))]
    elif kind == "long":
        rows[rng.randrange(1, len(rows))].append("extra")
    elif kind == "blank id":
        rows[rng.randrange(1, len(rows))][0] = ""
    elif kind == "header only":
        rows = rows[:1]
    else:
        rows[rng.randrange(1, len(rows))][min(1, len(rows[1]) - 1)] = "bookings"
    _save(path, rows)


@mutation("zero targets")
def _zero_targets(rng: random.Random, folder: Path) -> None:
    path = folder / "targets.csv"
    rows = path.is_file() and _rows(path)
    if rows and "target" in rows[0]:
        i = rows[0].index("target")
        _save(path, [rows[0]] + [[*r[:i], "0", *r[i + 1 :]] for r in rows[1:] if len(r) > i])


@mutation("file-level damage")
def _file_level(rng: random.Random, folder: Path) -> None:
    name = rng.choice(["leads", "targets", "costs", "orders"])
    for old in folder.glob(f"{name}.*"):
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()
    path = folder / f"{name}.{rng.choice(['csv', 'parquet', 'xlsx'])}"
    kind = rng.choice(["dir", "dangling", "empty", "header only", "truncated", "garbage"])
    if kind == "dir":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to(folder / "nowhere")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "header only" and path.suffix == ".csv":
        path.write_text(BASE[f"{name}.csv"].split("\n", 1)[0] + "\n", encoding="utf-8")
    else:
        frame = pd.read_csv(io.StringIO(BASE[f"{name}.csv"]), dtype="str", keep_default_na=False)
        if kind == "header only":
            frame = frame.iloc[:0]
        buffer = io.BytesIO()
        if path.suffix == ".xlsx":
            frame.to_excel(buffer, index=False)
        else:
            frame.to_parquet(buffer, index=False)
        data = buffer.getvalue()
        if kind == "truncated":
            data = data[: rng.randrange(len(data))]
        elif kind == "garbage":
            data = bytes(rng.randrange(256) for _ in range(200))
        path.write_bytes(data)


@mutation("kpi.toml damage")
def _toml(rng: random.Random, folder: Path) -> None:
    toml = folder / "kpi.toml"
    if toml.is_dir():
        return
    choice = rng.choice(
        [
            "[funnel]\nconversion_window_days = 1000000000000000000\n",
            "gross_margin_rate = nan\n",
            "[value]\nltv_to_cac_min = inf\n",
            "[value]\nhorizon_months = -3\n",
            "fiscal_year_start = 0\n",
            'locale = "fr_FR"\n',
            'colour = "blue"\n',
            "[funnel]\nstages = []\n",
            "company = \n",
            "dir",
            "missing",
            "bytes",
        ]
    )
    if toml.exists():
        toml.unlink()
    if choice == "dir":
        toml.mkdir()
    elif choice == "bytes":
        toml.write_bytes(bytes(rng.randrange(256) for _ in range(64)))
    elif choice != "missing":
        toml.write_text(BASE["kpi.toml"].split("\n[funnel]")[0] + "\n" + choice, encoding="utf-8")
