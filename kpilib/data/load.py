"""Loading and validating a dataset folder.

A dataset is a folder with ``leads`` (required), ``targets``, ``costs`` and
``orders`` (each optional), each as ``.csv``, ``.parquet`` or ``.xlsx``, and an
optional ``kpi.toml``. :func:`load_dataset` reads them, parses every column,
and checks everything in one pass: all errors are raised together as one
:class:`~kpilib.errors.DataError`, grouped per file; oddities that do not
stop a calculation become warnings on the :class:`~kpilib.data.dataset.Dataset`.
No input file is ever modified.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpilib.data.checks import (
    Checker,
    cut_short,
    dates,
    garbled,
    numbers,
    require,
    texts,
    unique,
)
from kpilib.data.dataset import Dataset
from kpilib.data.files import table_files
from kpilib.data.parse import is_blank
from kpilib.data.read import RawTable, read_table
from kpilib.data.schema import (
    MONTH_PATTERN,
    PERIOD_PATTERN,
    TABLE_NAMES,
    date_columns,
    loader_reads,
    other_dates,
)
from kpilib.data.schema import TABLES as SCHEMA
from kpilib.data.settings import Settings, load_settings
from kpilib.errors import DataError

__all__ = ["load_dataset", "TABLES", "PERIOD_PATTERN"]

TABLES = TABLE_NAMES


def _find_file(folder: Path, table: str) -> Path | None:
    found = table_files(folder, table)
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise DataError(f"{folder}: {table} is given twice ({names}). Keep one file per table.")
    return found[0] if found else None


def _extra_columns(check: Checker, raw: RawTable, settings: Settings) -> None:
    stage_like = other_dates(list(raw.frame.columns), settings)
    if stage_like:
        check.warnings.append(
            f"{raw.name}: column{'s' if len(stage_like) > 1 else ''} {', '.join(stage_like)} "
            "ignored: not a stage of kpi.toml [funnel].stages. Add the stage there to use it."
        )


def _leads(check: Checker, raw: RawTable, settings: Settings) -> pd.DataFrame | None:
    stage_cols = settings.stage_columns
    date_cols = date_columns("leads", settings)
    text_cols = ["lead_id", "source", "team", "owner", "customer_id"]
    known = text_cols + date_cols + ["amount"]
    _extra_columns(check, raw, settings)
    if not require(check, raw, ["lead_id", "lead_at"], "leads"):
        return None
    cols = {**texts(raw, text_cols), **dates(check, raw, date_cols, settings)}
    cols.update(numbers(check, raw, ["amount"], ["amount"], settings))
    frame = pd.DataFrame({c: cols[c] for c in known if c in cols}, copy=False)
    unique(check, raw, frame["lead_id"], "lead_id")
    check.flag(raw, "lead_id", frame["lead_id"].isna(), "no lead_id", "Every lead needs an id.")
    check.flag(
        raw,
        "lead_at",
        is_blank(raw.frame["lead_at"]),
        "no lead_at date",
        "Every lead needs the date it entered the funnel.",
    )
    if "source" not in frame:
        check.warnings.append(
            f"{raw.name}: no source column; every lead counts under source 'unknown'."
        )
        frame["source"] = pd.Series("unknown", index=frame.index, dtype="str")
    elif frame["source"].isna().all():
        check.warnings.append(
            f"{raw.name}: column source is blank in every row; every lead counts under source "
            "'unknown'. Fill it from the CRM's source or channel field to get the split."
        )
        frame["source"] = pd.Series("unknown", index=frame.index, dtype="str")
    if "sale_at" in frame:
        no_customer = frame["sale_at"].notna()
        if "customer_id" in frame:
            no_customer &= frame["customer_id"].isna()
        check.flag(
            raw,
            "customer_id",
            no_customer,
            "a sale without a customer_id",
            "Fill customer_id for every lead with a sale_at (the id of the account that bought).",
        )
    present = [c for c in stage_cols if c in frame]
    for prev, col in zip(present, present[1:], strict=False):
        early = frame[col] < frame[prev]
        check.flag(
            raw,
            col,
            early,
            f"a {col} before its {prev}",
            "Check the stage dates in the CRM; these leads still count as reaching both stages.",
            warn=True,
        )
    return frame


def _metrics(settings: Settings) -> dict[str, str]:
    names = {"new_customers": "new_customers", "revenue": "revenue"}
    for stage in settings.stages:
        names[stage] = names[f"{stage}s"] = f"{stage}s"
    return names


def _targets(check: Checker, raw: RawTable, settings: Settings) -> pd.DataFrame | None:
    if not require(check, raw, ["period", "metric", "target"], "targets"):
        return None
    frame = pd.DataFrame(texts(raw, ["period", "metric", "team", "owner"]))
    for col in ("team", "owner"):
        if col not in frame:
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype="str")
    frame["target"] = numbers(check, raw, ["target"], ["target"], settings)["target"]
    check.flag(
        raw,
        "target",
        frame["target"] == 0,
        "a target of 0",
        "Targets must be above 0, as attainment divides the actual by them: remove the row "
        "of a metric without an objective.",
    )
    bad_period = ~frame["period"].fillna("").str.match(PERIOD_PATTERN)
    check.flag(
        raw,
        "period",
        bad_period,
        "a period that does not parse",
        'Write periods as "2026-10" (month), "2026-Q4" (quarter) or "FY2026" (fiscal year).',
    )
    names = _metrics(settings)
    unknown = ~frame["metric"].isin(list(names))
    check.flag(
        raw,
        "metric",
        unknown,
        "an unknown metric",
        f"Accepted metrics: {', '.join(sorted(set(names.values())))}.",
    )
    frame["metric"] = frame["metric"].map(names).astype("str").where(~unknown, frame["metric"])
    key = frame[["period", "metric", "team", "owner"]].fillna("\0")
    check.flag(
        raw,
        "period",
        key.duplicated(keep=False),
        "a duplicate target (same period, metric, team and owner)",
        "Keep one target per period, metric, team and owner.",
    )
    check.flag(
        raw,
        "target",
        frame["target"].isna() & is_blank(raw.frame["target"]),
        "no target value",
        "Fill the target or remove the row.",
    )
    return frame[["period", "metric", "team", "owner", "target"]]


def _costs(check: Checker, raw: RawTable, settings: Settings) -> pd.DataFrame | None:
    has_period = "period" in raw.frame.columns
    fix = (
        "rename the matching columns as docs/data-model.md shows, and give each cost line a "
        'month ("2026-10") in a period column, or a date.'
    )
    if not require(check, raw, [("period", "date"), "category", "amount"], "costs", fix):
        return None
    frame = pd.DataFrame(texts(raw, ["period", "category", "channel", "team"]))
    if has_period:
        bad = ~frame["period"].fillna("").str.match(MONTH_PATTERN)
        check.flag(
            raw,
            "period",
            bad,
            "a period that does not parse",
            'Write cost periods as months, "2026-10", or give a date column instead.',
        )
    else:
        days = dates(check, raw, ["date"], settings)["date"]
        frame["period"] = days.dt.strftime("%Y-%m").astype("str")
    for col in ("channel", "team"):
        if col not in frame:
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype="str")
    frame["amount"] = numbers(check, raw, ["amount"], ["amount"], settings)["amount"]
    check.flag(
        raw,
        "amount",
        is_blank(raw.frame["amount"]),
        "no amount",
        "Fill the amount of every cost line, 0 if nothing was spent, or remove the row.",
    )
    check.flag(
        raw,
        "category",
        frame["category"].isna(),
        "no category",
        "Fill category: salaries, bonuses, expenses, campaigns or another name.",
    )
    return frame[["period", "category", "channel", "team", "amount"]]


def _orders(check: Checker, raw: RawTable, settings: Settings) -> pd.DataFrame | None:
    if not require(check, raw, ["order_id", "customer_id", "order_date", "revenue"], "orders"):
        return None
    frame = pd.DataFrame(texts(raw, ["order_id", "customer_id"]), copy=False)
    frame["order_date"] = dates(check, raw, ["order_date"], settings)["order_date"]
    frame = frame.assign(**numbers(check, raw, ["revenue", "gross_margin"], ["revenue"], settings))
    unique(check, raw, frame["order_id"], "order_id")
    check.flag(
        raw,
        "revenue",
        is_blank(raw.frame["revenue"]),
        "no revenue",
        "Fill the revenue of every order, 0 for a free one, or remove the row.",
    )
    check.flag(
        raw,
        "customer_id",
        frame["customer_id"].isna(),
        "no customer_id",
        "Every order needs the id of the customer who placed it.",
    )
    if "gross_margin" not in frame:
        frame["gross_margin"] = frame["revenue"] * settings.gross_margin_rate
    else:
        frame["gross_margin"] = frame["gross_margin"].fillna(
            frame["revenue"] * settings.gross_margin_rate
        )
    return frame[["order_id", "customer_id", "order_date", "revenue", "gross_margin"]]


# the columns each table's builder reads: the schema's required ones (a cost line
# has a period or a date, the builder says which it lacks)
_REQUIRED = {name: t.required for name, t in SCHEMA.items()}
_REQUIRED["costs"] = ("period", "date", *SCHEMA["costs"].required)
_BUILDERS = {"leads": _leads, "targets": _targets, "costs": _costs, "orders": _orders}


def _parts(folder: Path) -> str:
    """A hint when *folder* holds the leads as a folder of Parquet part files."""
    parts = folder / "leads"
    if parts.is_dir() and next(parts.rglob("*.parquet"), None) is not None:
        return (
            " leads/ holds Parquet part files, which only a scan reads (kpi kpis and kpi "
            "report with --engine duckdb or polars, kpilib.scan_dataset): give one of them, "
            "or write the leads as one file."
        )
    return ""


def load_dataset(path: str | Path) -> Dataset:
    """Load and validate the dataset folder at *path*.

    Returns a :class:`~kpilib.data.dataset.Dataset` of pandas frames. Raises
    :class:`~kpilib.errors.DataError` listing every problem found, per file.

    Examples
    --------
    >>> ds = load_dataset("data/sample")
    >>> sorted(ds.tables())
    ['costs', 'leads', 'orders', 'targets']
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(
            f"{folder}: no such folder. Give the folder that holds leads.csv and kpi.toml."
        )
    settings = load_settings(folder / "kpi.toml")
    check = Checker()
    frames: dict[str, pd.DataFrame | None] = {}
    files: dict[str, str] = {}
    encodings: dict[str, str] = {}
    for table in TABLES:
        file = _find_file(folder, table)
        if file is None:
            if table == "leads":
                raise DataError(
                    f"{folder}: no leads file (leads.csv, leads.parquet or leads.xlsx). "
                    f"A dataset needs at least its leads; see docs/data-model.md.{_parts(folder)}"
                )
            frames[table] = None
            continue
        files[table] = file.name
        reads = loader_reads(table)
        try:
            raw = read_table(file, columns=reads)
        except DataError as exc:
            check.errors.extend(exc.problems)
            continue
        if raw.encoding not in (None, "UTF-8"):
            encodings[table] = raw.encoding
        check.warnings.extend(raw.notes)
        if table == "leads" and raw.frame.empty:
            check.errors.append(
                f"{raw.name}: no rows under the header. A dataset needs at least one lead: "
                "export the leads again."
            )
            continue
        cut_short(check, raw, _REQUIRED[table])
        garbled(check, raw, [c for c in raw.frame.columns if reads(c)])
        frames[table] = _BUILDERS[table](check, raw, settings)
    if check.errors:
        raise DataError(_grouped(check.errors), check.errors)
    return Dataset(
        leads=frames["leads"],
        targets=frames.get("targets"),
        costs=frames.get("costs"),
        orders=frames.get("orders"),
        settings=settings,
        warnings=check.warnings,
        path=folder,
        files=files,
        encodings=encodings,
    )


def _grouped(problems: list[str]) -> str:
    by_file: dict[str, list[str]] = {}
    for p in problems:
        name, _, rest = p.partition(": ")
        by_file.setdefault(name, []).append(rest)
    n = len(problems)
    lines = [f"The dataset has {n} problem{'s' if n > 1 else ''}:"]
    for name, items in by_file.items():
        lines.append(f"{name}:")
        lines.extend(f"  - {item}" for item in items)
    return "\n".join(lines)
