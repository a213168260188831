"""Templates for what no export holds: targets and gross margin (``kpi init``).

:func:`init_templates` reads the leads of a dataset folder and writes
``targets.csv`` (one row per month, metric and team found, the target left
blank for the user to fill) and a commented ``kpi.toml`` that keeps the
folder's current settings and asks for the gross-margin rate.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from kpilib.data.settings import Settings
from kpilib.errors import DataError

__all__ = ["IMPORT_MARKER", "init_templates", "targets_template"]

IMPORT_MARKER = "# Written by kpi import"


def targets_template(leads: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Blank targets: each month from the first lead to the latest date, each metric, each team.

    Company-wide rows (blank team) come first in each month and metric.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_at": pd.to_datetime(["2025-01-05", "2025-02-11"]),
    ...                       "team": ["North", None]})
    >>> t = targets_template(leads, Settings(stages=("lead", "sale")))
    >>> len(t), t["metric"].unique().tolist(), t["team"].head(2).tolist()
    (16, ['leads', 'sales', 'new_customers', 'revenue'], ['', 'North'])
    """
    dates = [leads[c].max() for c in leads.columns if c.endswith("_at")]
    first, last = leads["lead_at"].min(), max(d for d in dates if pd.notna(d))
    months = pd.period_range(first, last, freq="M").strftime("%Y-%m")
    metrics = [f"{s}s" for s in settings.stages] + ["new_customers", "revenue"]
    teams = [""] + sorted(leads["team"].dropna().unique().tolist()) if "team" in leads else [""]
    index = pd.MultiIndex.from_product([months, metrics, teams], names=["period", "metric", "team"])
    frame = index.to_frame(index=False)
    frame["owner"] = ""
    frame["target"] = ""
    return frame


def _settings_text(settings: Settings, folder: Path) -> str:
    s = settings
    stages = ", ".join(f'"{x}"' for x in s.stages)
    return f"""# Settings of the dataset in {folder.name}/ (kpi init). See docs/data-model.md.
company = "{s.company}"              # shown in the report footer
currency = "{s.currency}"                 # ISO 4217 code of every amount
locale = "{s.locale}"                # number, date and currency formatting
language = "{s.language}"                   # narrative language: "en" or "fr"
fiscal_year_start = {s.fiscal_year_start}            # month 1-12 that starts the fiscal year

# Gross margin: no CRM exports it. Give the margin on revenue as a fraction
# (0.35 for 35 %), from finance; orders.csv may instead hold a gross_margin
# amount per order, which wins over this rate.
gross_margin_rate = {s.gross_margin_rate}

# Targets: fill the target column of targets.csv, one number per row
# (a count, or revenue in {s.currency}); a blank team means the whole company,
# an owner column value targets one rep. Delete the rows you do not target;
# until every row is filled or deleted, kpi validate lists the blank ones.

[funnel]
stages = [{stages}]   # each later stage has a <stage>_at column in leads

# CAC: how costs without a channel are shared between channels ("new_customers",
# "leads" or "none"), and the periods between a cost and the customers it buys.
[cac]
allocation = "{s.cac_allocation}"
lag = {s.cac_lag}
"""


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)


def init_templates(path: str | Path, *, force: bool = False) -> list[Path]:
    """Write ``targets.csv`` and ``kpi.toml`` templates into the dataset folder *path*.

    The folder must hold leads (run ``kpi import`` first). Existing files
    are kept unless *force*, except a ``kpi.toml`` that ``kpi import``
    wrote. Returns the paths written.
    """
    from kpilib.data.load import load_dataset

    folder = Path(path).resolve()  # "." is named by its own name, and the paths printed whole
    if not folder.is_dir() or not any(folder.glob("leads.*")):
        raise DataError(
            f"{folder}: no leads file, so no periods and teams to template. Run kpi import "
            "first (or give the folder that holds leads.csv)."
        )
    targets, toml = folder / "targets.csv", folder / "kpi.toml"
    ours = toml.exists() and IMPORT_MARKER in toml.read_text(encoding="utf-8-sig")
    kept = [p for p in (targets, toml) if p.exists() and not force and not (p == toml and ours)]
    if kept:
        raise DataError(
            f"{', '.join(str(p) for p in kept)}: already there; kpi init does not overwrite "
            "filled files. Move them away, or pass --force to replace them."
        )
    with tempfile.TemporaryDirectory() as tmp:
        for file in [*folder.glob("leads.*"), toml]:
            if file.exists():
                shutil.copy(file, Path(tmp) / file.name)
        dataset = load_dataset(tmp)
    template = targets_template(dataset.leads, dataset.settings)
    _write(targets, template.to_csv(index=False))
    _write(toml, _settings_text(dataset.settings, folder))
    return [targets, toml]
