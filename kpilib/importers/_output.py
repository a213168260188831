"""Writing an imported table into a dataset folder, atomically, then validating it.

The folder is built in a temporary sibling: the files already in the target
folder are copied in, the imported table replaces its canonical file (ad
costs replace only the campaign lines of the periods and channels they
cover), and the result must pass :func:`kpilib.load_dataset` before it takes
the target's place. A failed import leaves the target folder as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.errors import DataError
from kpilib.importers._origin import Origin, translate

__all__ = ["merge_costs", "write_dataset"]

_OTHER_FORMATS = (".parquet", ".xlsx")


def merge_costs(existing: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """*existing* cost lines without the campaign lines that *new* replaces, plus *new*.

    Examples
    --------
    >>> old = pd.DataFrame({"period": ["2025-01", "2025-01", "2025-02"],
    ...     "category": ["salaries", "campaigns", "campaigns"], "channel": ["", "paid_search", "paid_search"],
    ...     "team": ["", "", ""], "amount": ["100", "20", "30"]})
    >>> new = pd.DataFrame({"period": ["2025-01"], "category": ["campaigns"],
    ...     "channel": ["paid_search"], "team": [""], "amount": [25.0]})
    >>> merge_costs(old, new)["amount"].tolist()
    [25.0, '100', '30']
    """
    replaced = set(zip(new["period"], new["channel"].fillna(""), strict=True))
    keys = pd.Series(
        list(zip(existing["period"], existing["channel"].fillna(""), strict=True)),
        index=existing.index,
    )
    drop = existing["category"].eq("campaigns") & keys.isin(replaced)
    merged = pd.concat([existing[~drop], new], ignore_index=True)
    order = merged[["period", "category", "channel"]].fillna("").astype(str)
    return merged.loc[order.sort_values(["period", "category", "channel"], kind="stable").index]


def _settings_text(currency: str | None, stages: tuple[str, ...] | None) -> str:
    lines = [
        "# Settings of this dataset; see docs/data-model.md for every key.",
        "# Written by kpi import: fill company and gross_margin_rate (kpi init explains).",
    ]
    if currency:
        lines.append(f'currency = "{currency}"')
    if stages and len(stages) >= 2:
        listed = ", ".join(f'"{s}"' for s in stages)
        lines += [
            "",
            "[funnel]",
            "# The stages the export records, each with a <stage>_at column in leads.csv.",
            f"stages = [{listed}]",
        ]
    return "\n".join(lines) + "\n"


def _check_currency(folder: Path, currency: str | None) -> None:
    from kpilib.data.settings import load_settings

    toml = folder / "kpi.toml"
    if currency and toml.exists():
        have = load_settings(toml).currency
        if have != currency:
            raise DataError(
                f"{toml}: currency = {have!r}, but the imported amounts are in {currency}. "
                f"Give a rate table (--rates rates.csv --currency {have}), or change kpi.toml."
            )


def write_dataset(
    out: Path,
    table: str,
    frame: pd.DataFrame,
    *,
    currency: str | None,
    extra: dict[str, str] | None = None,
    stages: tuple[str, ...] | None = None,
    origin: Origin | None = None,
) -> Dataset:
    """Write *frame* as ``<table>.csv`` into the folder *out*; return the validated dataset.

    *extra* holds more files to write (name → text), such as the mapping.
    A ``kpi.toml`` is written when the folder has none, with the currency
    and the funnel *stages* the import records. With *origin*, the
    validation's errors and warnings about ``leads.csv`` name the export's
    file, columns and rows instead.
    """
    from kpilib.data.load import load_dataset

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DataError(f"{out}: exists and is not a folder. Give a folder for --out.")
    if out.is_dir():
        _check_currency(out, currency)
    for suffix in _OTHER_FORMATS:
        if (out / f"{table}{suffix}").exists():
            raise DataError(
                f"{out / f'{table}{suffix}'}: the folder already holds {table} in another "
                f"format. Move it away, or import into a new folder."
            )
    if table != "leads" and not any(out.glob("leads.*")):
        raise DataError(
            f"{out}: no leads file yet, and a dataset needs its leads. Import the CRM export "
            f"first (kpi import hubspot deals.csv --out {out}), then the {table}."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.import-", dir=out.parent))
    try:
        if out.is_dir():
            shutil.copytree(out, tmp, dirs_exist_ok=True)
            shutil.copymode(out, tmp)
        else:
            tmp.chmod(0o777 & ~_umask())
        if table == "costs" and (tmp / "costs.csv").exists():
            existing = pd.read_csv(tmp / "costs.csv", dtype=str, keep_default_na=False)
            existing = existing.replace("", pd.NA)
            frame = merge_costs(existing, frame)
        frame.to_csv(tmp / f"{table}.csv", index=False)
        if not (tmp / "kpi.toml").exists():
            (tmp / "kpi.toml").write_text(_settings_text(currency, stages), encoding="utf-8")
        for name, text in (extra or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
        try:
            dataset = load_dataset(tmp)
        except DataError as exc:
            problems = [p.replace(str(tmp), str(out)) for p in exc.problems]
            detail = str(exc).replace(str(tmp), str(out))
            told = translate(problems, origin)
            if told != problems:  # some are about leads.csv: list them as the export's
                problems, detail = told, "\n".join(f"- {p}" for p in told)
            raise DataError(
                f"The imported dataset does not validate, so {out} was left unchanged.\n{detail}",
                problems,
            ) from exc
        dataset.warnings = translate(dataset.warnings, origin)
        _swap(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    dataset.path = out
    return dataset


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(tmp: Path, out: Path) -> None:
    """Put *tmp* in place of *out*; the old folder is removed only once the new one is in."""
    if not out.exists():
        tmp.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        tmp.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old)
