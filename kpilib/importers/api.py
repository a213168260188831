"""Turn CRM and ad-platform exports into a canonical dataset folder (kpilib.importers).

CRMs give ``leads``: the HubSpot deals or contacts export, the Salesforce
opportunity report (plus its opportunity history report for stage dates),
the Pipedrive deals export, and any other export read through its mapping
alone (``csv``, which may join further files on a key). Ad platforms give ``costs`` (category
``campaigns``): the Google Ads report, the Meta Ads Manager export, the
LinkedIn Campaign Manager export. :func:`import_exports` writes the table
into a dataset folder with the mapping it used (``mapping-<source>.toml``,
for the user to edit and pass back), then validates the folder.
:func:`init_templates` writes the targets and settings no tool exports.

Examples
--------
>>> import tempfile, pathlib
>>> tmp = tempfile.TemporaryDirectory()
>>> out = pathlib.Path(tmp.name) / "acme"
>>> result = import_exports("pipedrive", ["tests/fixtures/imports/pipedrive_deals.csv"], out=out)
>>> result.dataset.leads["lead_id"].tolist()
['101', '102', '103', '104']
>>> sorted(p.name for p in out.iterdir())
['kpi.toml', 'leads.csv', 'mapping-pipedrive.toml']
>>> tmp.cleanup()
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.schema import STAGES
from kpilib.errors import DataError, ParameterError
from kpilib.importers import SOURCES
from kpilib.importers._crm import Imported, Options
from kpilib.importers._dates import DateOrder
from kpilib.importers._deals import recorded_stages
from kpilib.importers._mapping import Mapping, load_mapping, render_mapping
from kpilib.importers.templates import init_templates

# what kpilib.importers offers from here (SOURCES is the package's own)
__all__ = ["ImportResult", "import_exports", "init_templates", "load_rates", "read_exports"]


@dataclass
class ImportResult:
    """What an import wrote: the validated dataset, its table, the mapping file."""

    dataset: Dataset
    table: str
    frame: pd.DataFrame
    mapping_path: Path | None
    notes: list[str] = field(default_factory=list)


def _paths(source: str, files: Sequence[str | Path]) -> list[Path]:
    if source not in SOURCES:
        raise ParameterError(
            f"Unknown source {source!r}. Accepted: {', '.join(SOURCES)}; see docs/importing.md."
        )
    paths = [Path(f) for f in files]
    if not paths:
        raise ParameterError(f"No file given for {source}: give the exported file(s).")
    limit = {"salesforce": 2, "hubspot": 1, "hubspot-contacts": 1, "pipedrive": 1, "csv": 1}
    limit = limit.get(source)
    if limit and len(paths) > limit:
        takes = "one file" if limit == 1 else "the opportunity report and its history report"
        fix = (
            "Name the other files in the mapping's [[join]] (see docs/importing.md)."
            if source == "csv"
            else "Export one file covering every record."
        )
        raise ParameterError(
            f"{source} takes {takes}; {len(paths)} were given "
            f"({', '.join(p.name for p in paths)}). {fix}"
        )
    return paths


def _checked(timezone: str | None, currency: str | None) -> tuple[str | None, str | None]:
    """The time zone and currency options, checked."""
    if timezone is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ParameterError(
                f"Unknown time zone {timezone!r}. Give an IANA name such as Europe/Paris, "
                "America/New_York or UTC."
            ) from exc
    if currency is not None:
        code = currency.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ParameterError(
                f"Currency {currency!r} is not an ISO 4217 code; give three letters such as EUR."
            )
        currency = code
    return timezone, currency


def load_rates(path: str | Path) -> dict[str, float]:
    """Read a rate table: a CSV with columns ``currency,rate`` (one unit's value).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> p = pathlib.Path(tmp.name) / "rates.csv"
    >>> _ = p.write_text("currency,rate\\nUSD,0.92\\nGBP,1.17\\n")
    >>> load_rates(p)
    {'USD': 0.92, 'GBP': 1.17}
    >>> tmp.cleanup()
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise DataError(f"{path}: no such rate table. Check the --rates path.")
    # the loader's reader: a folder, an unreadable file or a bad encoding is a DataError
    from kpilib.data.text import decode, read_bytes

    text = decode(read_bytes(path), path.name)[0]
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    rates: dict[str, float] = {}
    for i, row in enumerate(rows, start=2):
        code, rate = (row.get("currency") or "").strip().upper(), (row.get("rate") or "").strip()
        try:
            value = float(rate)
        except ValueError:
            value = -1.0
        if len(code) != 3 or value <= 0:
            raise DataError(
                f"{path.name}: row {i}: {code or '(blank)'},{rate or '(blank)'} is not a rate. "
                "Give the columns currency,rate with a three-letter code and a number above 0, "
                "such as USD,0.92."
            )
        rates[code] = value
    return rates


def read_exports(
    source: str,
    files: Sequence[str | Path],
    *,
    mapping: Mapping | str | Path | None = None,
    stages: tuple[str, ...] = STAGES,
    dates: DateOrder = "auto",
    timezone: str | None = None,
    rates: dict[str, float] | None = None,
    currency: str | None = None,
) -> Imported:
    """Read exports of *source* into a canonical table, without writing anything.

    Parameters
    ----------
    source
        One of :data:`SOURCES`.
    files
        The exported files (CSV or .xlsx).
    mapping
        A ``mapping.toml`` (path or parsed); None guesses one from the export.
    stages
        The funnel stages (kpi.toml ``[funnel].stages``).
    dates
        ``"day-first"`` or ``"month-first"`` for dates such as 03/04/2025;
        ``"auto"`` decides from the file and asks when it cannot tell.
    timezone
        IANA zone the dataset's times are kept in; times with an offset (or
        in UTC by the export's definition) are converted to it.
    rates, currency
        Rate table (one unit's value in *currency*) and the dataset currency,
        needed when amounts come in several currencies.
    """
    paths = _paths(source, files)
    timezone, currency = _checked(timezone, currency)
    if isinstance(mapping, str | Path):
        mapping = load_mapping(mapping, source=source, stages=stages)
    options = Options(mapping, stages, dates, timezone, rates, currency)
    if source == "hubspot":
        from kpilib.importers.hubspot import read_hubspot_deals

        return read_hubspot_deals(paths[0], options)
    if source == "hubspot-contacts":
        from kpilib.importers.hubspot import read_hubspot_contacts

        return read_hubspot_contacts(paths[0], options)
    if source == "salesforce":
        from kpilib.importers.salesforce import read_salesforce

        return read_salesforce(paths, options)
    if source == "pipedrive":
        from kpilib.importers.pipedrive import read_pipedrive

        return read_pipedrive(paths[0], options)
    if source == "csv":
        from kpilib.importers.generic import read_generic

        return read_generic(paths[0], options)
    from kpilib.importers.ads import read_ads

    return read_ads(source, paths, options)


def import_exports(
    source: str,
    files: Sequence[str | Path],
    *,
    out: str | Path,
    mapping: str | Path | None = None,
    dates: DateOrder = "auto",
    timezone: str | None = None,
    rates: dict[str, float] | None = None,
    currency: str | None = None,
) -> ImportResult:
    """Import exports of *source* into the dataset folder *out*, then validate it.

    Writes ``leads.csv`` (CRMs) or the campaign lines of ``costs.csv`` (ad
    platforms), a ``kpi.toml`` when the folder has none, and, when no
    *mapping* is given, the guessed ``mapping-<source>.toml`` to edit and
    pass back. Input files are never modified; a failed import leaves *out*
    unchanged. Options are those of :func:`read_exports`.
    """
    from kpilib.data.settings import load_settings
    from kpilib.importers._output import write_dataset

    out = Path(out)
    settings = load_settings(out / "kpi.toml")
    mapping_name = f"mapping-{source}.toml"
    if mapping is None and (out / mapping_name).exists():
        raise DataError(
            f"{out / mapping_name}: a mapping from an earlier import is there. Pass it with "
            f"--map {out / mapping_name} to use it (mapping= in Python), or delete it to "
            "get a new guess."
        )
    imported = read_exports(
        source,
        files,
        mapping=mapping,
        stages=settings.stages,
        dates=dates,
        timezone=timezone,
        rates=rates,
        currency=currency or (settings.currency if (out / "kpi.toml").exists() else None),
    )
    extra = {}
    if mapping is None:
        extra[mapping_name] = render_mapping(
            imported.mapping, files=imported.files, counts=imported.counts, stages=settings.stages
        )
    stages = None
    notes = list(imported.notes)
    if imported.table == "leads":
        stages = recorded_stages(imported.frame, settings.stages)
        skipped = [s for s in settings.stages if s not in stages]
        if skipped and (out / "kpi.toml").exists():
            names = ", ".join(skipped)
            notes.append(
                f"{out / 'kpi.toml'}: [funnel] stages lists {names}, which "
                f"{', '.join(imported.files)} does not record; the funnel leaves "
                f"{'it' if len(skipped) == 1 else 'them'} out. Remove {names} from the "
                f'stages, or name a date column for each in mapping.toml [columns] ({skipped[0]}_at = "…").'
            )
    dataset = write_dataset(
        out,
        imported.table,
        imported.frame,
        currency=imported.currency,
        extra=extra,
        stages=stages,
        origin=imported.origin,
    )
    return ImportResult(
        dataset,
        imported.table,
        imported.frame,
        out / mapping_name if extra else None,
        notes + dataset.warnings,
    )
