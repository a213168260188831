"""The user-editable mapping: ``mapping.toml``.

A first import writes it next to the dataset; the user edits it and imports
again with ``--map``. It holds, for CRMs, the pipelines that feed the funnel
and the canonical stage of each (pipeline, CRM stage); for every source, the
source values and the export columns to use; for ad platforms, the channel
and team of each campaign::

    source = "hubspot"

    [pipelines]
    include = ["Sales Pipeline"]        # deals of other pipelines are left out

    [stages."Sales Pipeline"]
    "Appointment Scheduled" = "visit"   # a stage of kpi.toml, qualified, lost or ignore
    "Closed Won" = "sale"

    [sources]
    "Paid search" = "paid_search"       # export value = canonical source

    [columns]
    team = "Deal - Team"                # canonical column = export label

    [campaigns]
    "Brand FR" = { channel = "paid_search", team = "North" }

``kpi import csv`` reads any export through its mapping alone: ``[columns]``
names every field, ``[stages]`` is one flat table (status value = sale,
lost or ignore), ``[[join]]`` adds the columns of another file matched on a
key, and ``[rows] without_lead_at = "skip"`` leaves out undated records::

    source = "csv"

    [columns]
    lead_id = "opportunity_id"
    team = "regional_office"            # a column of the joined file
    stage = "deal_stage"
    close = "close_date"

    [stages]
    "Won" = "sale"

    [[join]]
    file = "sales_teams.csv"            # relative to this mapping file
    on = "sales_agent"                  # or { export = "agent", file = "sales_agent" }
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpilib.data.schema import STAGES
from kpilib.errors import DataError
from kpilib.importers._text import label_key, plural

__all__ = ["CANONICAL", "Join", "Mapping", "guess_stage", "load_mapping", "render_mapping"]

_GUESSES = (
    ("lost", r"lost|perdu|\blose\b|verloren|disqualif|unqualif"),
    ("sale", r"won|gagn|signed|signe|customer|client|closed-?won|gewonnen"),
    ("offer", r"propos|offer|offre|quote|devis|contract|contrat|negoti|decision|opportunit"),
    (
        "visit",
        r"appointment|meeting|visit|rendez|rdv|demo|discovery|presentation|decouverte|analys",
    ),
    ("qualified", r"qualif"),
)
# The canonical leads columns an export column may give, stage dates aside.
CANONICAL = ("lead_id", "lead_at", "source", "team", "owner", "customer_id", "amount")
_COLUMNS = {
    *CANONICAL,
    "currency",
    "pipeline",
    "stage",
    # fields of the exports that are not canonical columns
    "status",
    "won",
    "lost",
    "closed",
    "close",
    "amount_home",
    "account",
    "account_id",
    "contact_id",
    "organization_id",
    "won_time",
    "lost_time",
    "last_change",
    "created",
    "day",
    "starts",
    "ends",
    "campaign",
    "campaign_type",
    "cost",
}


@dataclass
class Join:
    """A file joined to a generic export: its path and the key column on each side."""

    file: Path
    export_key: str
    file_key: str


@dataclass
class Mapping:
    """A parsed ``mapping.toml``; see the module docstring for each section."""

    source: str
    include: list[str] | None = None
    stages: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    campaigns: dict[str, dict[str, str]] = field(default_factory=dict)
    path: Path | None = None
    joins: list[Join] = field(default_factory=list)
    skip_undated: bool = False

    @property
    def name(self) -> str:
        """The file name used in messages."""
        return self.path.name if self.path else "mapping.toml"


def guess_stage(name: str, stages: tuple[str, ...]) -> str:
    """A first guess at the canonical stage of a CRM stage, from its name.

    Examples
    --------
    >>> [guess_stage(s, ("lead", "visit", "offer", "sale"))
    ...  for s in ["Appointment Scheduled", "Contract Sent", "Closed Won", "Perdu", "Nurture"]]
    ['visit', 'offer', 'sale', 'lost', 'ignore']
    """
    key = label_key(name)
    for stage, pattern in _GUESSES:
        if re.search(pattern, key) and (stage in stages or stage in ("lost", "qualified")):
            return stage
    return "ignore"


def allowed_stages(stages: tuple[str, ...]) -> list[str]:
    """Values a stage may map to: the later funnel stages, qualified, lost, ignore."""
    later = [s for s in stages[1:]]
    return later + [s for s in ("qualified", "lost", "ignore") if s not in later]


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _fail(problems: list[str]) -> None:
    if problems:
        raise DataError("\n".join(problems), problems)


def load_mapping(path: str | Path, *, source: str, stages: tuple[str, ...]) -> Mapping:
    """Read and check the mapping at *path* for *source*; *stages* from kpi.toml."""
    path = Path(path)
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such mapping file. Check the --map path.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{path.name}: not valid TOML ({exc}). Fix the syntax; quote names that hold "
            'spaces: "Closed Won" = "sale".'
        ) from exc
    problems: list[str] = []
    known = {"source", "pipelines", "stages", "sources", "columns", "campaigns", "join", "rows"}
    for key in sorted(set(data) - known):
        problems.append(
            f"{path.name}: unknown key {key!r}. Accepted: {', '.join(sorted(known))}; check "
            "the spelling or remove it."
        )
    if data.get("source", source) != source:
        problems.append(
            f"{path.name}: source = {data['source']!r}, but this import reads {source!r}. Use "
            f"the mapping written for {source!r}, or delete the file to get a new one."
        )
    include = data.get("pipelines", {}).get("include")
    if include is not None and not (
        isinstance(include, list) and all(isinstance(p, str) for p in include)
    ):
        problems.append(f'{path.name}: [pipelines] include must be a list of names: ["Sales"].')
    allowed = allowed_stages(stages)
    mapped: dict[str, dict[str, str]] = {}
    joins, skip_undated = _generic(data, path, source, problems)
    if source == "csv":
        data = data | {"stages": {"default": _flat_stages(data, path, problems)}}
    for pipeline, table in data.get("stages", {}).items():
        if not isinstance(table, dict):
            problems.append(
                f'{path.name}: [stages] {pipeline!r} must be a table: [stages."{pipeline}"].'
            )
            continue
        for crm_stage, canonical in table.items():
            if canonical not in allowed:
                problems.append(
                    f"{path.name}: [stages.{_toml(pipeline)}] {_toml(crm_stage)} = "
                    f"{_toml(canonical)} is not a canonical stage; use one of "
                    f"{', '.join(allowed)}."
                )
        mapped[pipeline] = {k: str(v) for k, v in table.items()}
    columns = data.get("columns", {})
    for key in sorted(set(columns) - _COLUMNS - {f"{s}_at" for s in allowed if s != "ignore"}):
        problems.append(
            f"{path.name}: [columns] {key!r} is not a column kpi import knows; use one of "
            f"{', '.join(sorted(_COLUMNS))} or a <stage>_at column."
        )
    campaigns = {}
    for name, value in data.get("campaigns", {}).items():
        if not isinstance(value, dict) or set(value) - {"channel", "team"}:
            problems.append(
                f'{path.name}: [campaigns] {_toml(name)} must be {{ channel = "…", team = "…" }}.'
            )
            continue
        campaigns[name] = {k: str(v) for k, v in value.items()}
    _fail(problems)
    return Mapping(
        source=source,
        include=list(include) if include is not None else None,
        stages=mapped,
        sources={str(k): str(v) for k, v in data.get("sources", {}).items()},
        columns={str(k): str(v) for k, v in columns.items()},
        campaigns=campaigns,
        path=path,
        joins=joins,
        skip_undated=skip_undated,
    )


_STATUS = ("sale", "lost", "ignore")


def _flat_stages(data: dict[str, Any], path: Path, problems: list[str]) -> dict[str, str]:
    """``kpi import csv``'s [stages]: status value = sale, lost or ignore."""
    table = data.get("stages", {})
    out: dict[str, str] = {}
    for value, canonical in table.items() if isinstance(table, dict) else []:
        if canonical not in _STATUS:
            problems.append(
                f"{path.name}: [stages] {_toml(value)} = {_toml(canonical)}: a status gives no "
                "stage date, so it can only say sale, lost or ignore (sale and lost are dated "
                "by the close column). Date other stages with [columns], such as visit_at = "
                '"Demo date".'
            )
            continue
        out[str(value)] = str(canonical)
    return out


def _generic(
    data: dict[str, Any], path: Path, source: str, problems: list[str]
) -> tuple[list[Join], bool]:
    """The [[join]] and [rows] sections, which only ``kpi import csv`` reads."""
    if source != "csv":
        for key in ("join", "rows"):
            if key in data:
                problems.append(
                    f"{path.name}: [{key}] is read by kpi import csv only; remove it, or "
                    "import the file with kpi import csv."
                )
        return [], False
    for key in ("pipelines", "campaigns"):
        if key in data:
            problems.append(
                f"{path.name}: [{key}] is not read by kpi import csv, which has no "
                f"{key}; remove it."
            )
    raw = data.get("join", [])
    entries = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else [None]
    joins = []
    for entry in entries:
        on = entry.get("on") if isinstance(entry, dict) else None
        if isinstance(on, str):
            on = {"export": on, "file": on}
        ok = (
            isinstance(entry, dict)
            and set(entry) == {"file", "on"}
            and isinstance(entry["file"], str)
            and isinstance(on, dict)
            and set(on) == {"export", "file"}
            and all(isinstance(v, str) for v in on.values())
        )
        if not ok:
            problems.append(
                f'{path.name}: each [[join]] needs file = "other.csv" and on = "key column" '
                '(or on = { export = "key in the export", file = "key in the other file" }).'
            )
            continue
        joins.append(Join(path.parent / entry["file"], on["export"], on["file"]))
    rows = data.get("rows", {})
    undated = rows.get("without_lead_at", "refuse") if isinstance(rows, dict) else None
    if undated not in ("refuse", "skip") or set(rows) - {"without_lead_at"}:
        problems.append(
            f'{path.name}: [rows] takes without_lead_at = "skip" (leave out records without '
            'a lead_at date) or "refuse" (the default).'
        )
    return joins, undated == "skip"


def render_mapping(
    mapping: Mapping,
    *,
    files: list[str],
    counts: dict[str, int] | None = None,
    stages: tuple[str, ...] = STAGES,
) -> str:
    """The text of *mapping* as ``mapping.toml``, with comments on how to edit it."""
    lines = [
        f"# kpi import mapping for {mapping.source}, written from {', '.join(files)}.",
        "# Edit it, then import again with --map pointing at this file.",
        f"source = {_toml(mapping.source)}",
        "",
    ]
    if mapping.stages:
        found = ", ".join(f"{_toml(p)} ({plural(n, 'record')})" for p, n in (counts or {}).items())
        lines += [
            "[pipelines]",
            f"# Pipelines found: {found}.",
            "# Only records of the pipelines listed here feed the funnel.",
            f"include = {_toml(mapping.include or list(mapping.stages))}",
            "",
            f"# Each CRM stage becomes one of: {', '.join(allowed_stages(stages))}.",
            "# A lead reaches a canonical stage on the earliest date it entered any CRM",
            "# stage mapped to it; ignore drops the stage's dates.",
        ]
        for pipeline, table in mapping.stages.items():
            lines += ["", f"[stages.{_toml(pipeline)}]"]
            lines += [f"{_toml(k)} = {_toml(v)}" for k, v in table.items()]
        lines.append("")
    if mapping.sources:
        lines += ["[sources]", "# Export value = canonical source (channel of the lead)."]
        lines += [f"{_toml(k)} = {_toml(v)}" for k, v in mapping.sources.items()]
        lines.append("")
    if mapping.campaigns:
        lines += ["[campaigns]", "# Campaign = its channel and, optionally, its sales team."]
        lines += [
            f"{_toml(k)} = {{ channel = {_toml(v.get('channel', ''))}, "
            f"team = {_toml(v.get('team', ''))} }}"
            for k, v in mapping.campaigns.items()
        ]
        lines.append("")
    lines += [
        "[columns]",
        "# Column or field = export label, for columns this export labels differently",
        '# or custom fields, such as team = "Sales team" or visit_at = "Visit date".',
    ]
    lines += [f"{k} = {_toml(v)}" for k, v in mapping.columns.items()]
    return "\n".join(lines) + "\n"
