"""What every CRM importer shares: options, columns, the mapping, the stage dates."""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpilib.data.schema import STAGES
from kpilib.errors import DataError
from kpilib.importers._dates import DateOrder
from kpilib.importers._files import Export
from kpilib.importers._mapping import Mapping, allowed_stages, guess_stage
from kpilib.importers._origin import Origin
from kpilib.importers._text import label_key, match_columns, snake

__all__ = [
    "Imported",
    "Options",
    "add_mapped_dates",
    "build_mapping",
    "current_canonical",
    "found_stages",
    "resolve_columns",
    "stage_dates",
    "stage_fields",
]

_SHOWN_COLUMNS = 12


@dataclass
class Options:
    """How to read the exports: the user's mapping and the import options."""

    mapping: Mapping | None = None
    stages: tuple[str, ...] = STAGES
    dates: DateOrder = "auto"
    timezone: str | None = None
    rates: dict[str, float] | None = None
    currency: str | None = None


@dataclass
class Imported:
    """One source's canonical table, the mapping it used, what to tell the user, its origin.

    ``origin`` maps the table back to the export (file, column labels, rows) for
    validation messages; None for ad costs.
    """

    table: str
    frame: pd.DataFrame
    mapping: Mapping
    files: list[str]
    currency: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    origin: Origin | None = None


def _listing(columns: Sequence[str]) -> str:
    shown = ", ".join(columns[:_SHOWN_COLUMNS])
    return shown + (", …" if len(columns) > _SHOWN_COLUMNS else "")


def stage_fields(stages: tuple[str, ...]) -> list[str]:
    """The ``<stage>_at`` fields ``[columns]`` may name: later stages, qualified, lost.

    Examples
    --------
    >>> stage_fields(("lead", "visit", "sale"))
    ['visit_at', 'sale_at', 'qualified_at', 'lost_at']
    """
    return [f"{s}_at" for s in allowed_stages(stages) if s != "ignore"]


def _refuse_unused(
    mapping: Mapping, aliases: AnyMapping[str, Sequence[str]], dated: Sequence[str]
) -> None:
    fields = sorted(k for k in aliases if k != "other")
    for name, label in mapping.columns.items():
        if name in aliases and name != "other" or name in dated:
            continue
        uses = ", ".join(fields)
        if dated:
            uses += f", and the stage dates {', '.join(dated)}"
        raise DataError(
            f"{mapping.name}: [columns] {name} = {label!r}: kpi import {mapping.source} does "
            f"not use {name}. It uses: {uses}. Remove the line, or import the file with kpi "
            "import csv, which reads every field named in [columns]."
        )


def resolve_columns(
    export: Export,
    aliases: AnyMapping[str, Sequence[str]],
    *,
    mapping: Mapping | None,
    required: Sequence[str],
    dated: Sequence[str] = (),
) -> dict[str, str]:
    """The export column of each field: its aliases, overridden by ``[columns]``.

    A field of ``[columns]`` that is neither one of *aliases* nor one of the
    ``<stage>_at`` fields in *dated* is refused by name: the import would
    not use it.
    """
    found = match_columns(export.frame.columns, aliases)
    by_key = {label_key(c): c for c in export.frame.columns}
    if mapping is not None:
        _refuse_unused(mapping, aliases, dated)
    for name, label in (mapping.columns if mapping else {}).items():
        column = by_key.get(label_key(label))
        if column is None:
            raise DataError(
                f"{mapping.name if mapping else 'mapping.toml'}: [columns] {name} = {label!r}: "
                f"{export.name} has no such column (columns found: "
                f"{_listing(list(export.frame.columns))}). Fix the label or remove the line."
            )
        found[name] = column
    missing = [f for f in required if f not in found]
    if missing:
        wanted = "; ".join(f"{f}: {' or '.join(repr(a) for a in aliases[f][:3])}" for f in missing)
        raise DataError(
            f"{export.name}: no column for {', '.join(missing)} (expected {wanted}; columns "
            f"found: {_listing(list(export.frame.columns))}). Add the column to the export, or "
            f'name it in mapping.toml [columns], such as {missing[0]} = "My column".'
        )
    return found


def build_mapping(
    source: str,
    found: dict[str, list[str]],
    source_values: Sequence[str],
    options: Options,
    *,
    default_sources: AnyMapping[str, str] | None = None,
) -> Mapping:
    """The mapping to use: the user's, checked against what the export holds, or a guess."""
    defaults = dict(default_sources or {})
    guessed_sources = {
        v: defaults.get(label_key(v)) or str(snake(pd.Series([v], dtype="str"))[0])
        for v in source_values
    }
    given = options.mapping
    if given is None:
        stages = {
            p: {s: guess_stage(s, options.stages) for s in names} for p, names in found.items()
        }
        return Mapping(source, include=list(found), stages=stages, sources=guessed_sources)
    include = given.include if given.include is not None else list(found)
    unknown = [p for p in include if p not in found]
    if unknown:
        raise DataError(
            f"{given.name}: [pipelines] include names {', '.join(map(repr, unknown))}, not in "
            f"the export (pipelines found: {', '.join(map(repr, found))}). Fix the names."
        )
    missing = [(p, s) for p in include for s in found[p] if s not in given.stages.get(p, {})]
    if missing:
        listed = "; ".join(f"{s!r} in {p!r}" for p, s in missing)
        p, s = missing[0]
        raise DataError(
            f"{given.name}: {len(missing)} CRM stage{'s' if len(missing) > 1 else ''} "
            f"{'have' if len(missing) > 1 else 'has'} no canonical stage ({listed}). Add "
            f'each under its pipeline, such as [stages."{p}"] "{s}" = "ignore" (or visit, '
            "offer, sale, qualified, lost)."
        )
    sources = guessed_sources | given.sources
    return Mapping(
        source,
        include=include,
        stages=given.stages,
        sources=sources,
        columns=given.columns,
        campaigns=given.campaigns,
        path=given.path,
    )


def _stage_table(mapping: Mapping) -> pd.DataFrame:
    return pd.DataFrame(
        [(p, s, c) for p, stages in mapping.stages.items() for s, c in stages.items()],
        columns=["pipeline", "stage", "canonical"],
    )


def stage_dates(
    events: pd.DataFrame,
    mapping: Mapping,
    index: pd.Index,
    *,
    sources: Sequence[tuple[str, str]] | None = None,
) -> dict[str, pd.Series]:
    """Earliest date per lead and canonical stage, for each stage the export records.

    *events* has one row per (lead position, pipeline, CRM stage, date);
    each CRM stage becomes its canonical stage through *mapping*. *sources*
    are the (pipeline, CRM stage) pairs the export has a date column for
    (default: those of *events*): each canonical stage they map to gets a
    column, blank where no lead reached it; a stage nothing dates gets none.

    Examples
    --------
    >>> m = Mapping("hubspot", stages={"P": {"Demo": "visit", "Trial": "visit",
    ...                                      "Quote": "offer", "Won": "sale"}})
    >>> ev = pd.DataFrame({"pos": [0, 0, 1], "pipeline": ["P", "P", "P"],
    ...                    "stage": ["Trial", "Demo", "Won"],
    ...                    "at": pd.to_datetime(["2025-03-05", "2025-03-02", "2025-04-01"])})
    >>> out = stage_dates(ev, m, pd.RangeIndex(2), sources=[("P", "Demo"), ("P", "Quote"),
    ...                                                      ("P", "Trial"), ("P", "Won")])
    >>> out["visit"].tolist(), out["offer"].isna().all(), sorted(out)
    ([Timestamp('2025-03-02 00:00:00'), NaT], np.True_, ['offer', 'sale', 'visit'])
    """
    table = _stage_table(mapping)
    merged = events.dropna(subset=["at"]).merge(table, on=["pipeline", "stage"], how="inner")
    merged = merged[merged["canonical"] != "ignore"]
    firsts = merged.groupby(["canonical", "pos"])["at"].min()
    if sources is None:
        sources = list(zip(events["pipeline"], events["stage"], strict=True))
    pairs = pd.DataFrame(list(sources), columns=["pipeline", "stage"], dtype=object)
    include = mapping.include if mapping.include is not None else list(mapping.stages)
    pairs = pairs[pairs["pipeline"].isin(include)]
    recorded = pairs.merge(table, on=["pipeline", "stage"], how="inner")["canonical"]
    out: dict[str, pd.Series] = {}
    for canonical in dict.fromkeys([*recorded, *firsts.index.get_level_values(0)]):
        if canonical == "ignore":
            continue
        dates = (
            firsts.loc[canonical]
            if canonical in firsts.index
            else pd.Series(dtype="datetime64[us]")
        )
        out[str(canonical)] = pd.Series(
            dates.reindex(np.arange(len(index))).to_numpy(dtype="datetime64[us]"), index=index
        )
    return out


def add_mapped_dates(
    by_stage: dict[str, pd.Series], dates: AnyMapping[str, pd.Series]
) -> dict[str, pd.Series]:
    """*by_stage* with the ``<stage>_at`` fields of ``[columns]`` (*dates*, by field) added.

    A stage dated both ways keeps each lead's earliest date.

    Examples
    --------
    >>> by_stage = {"visit": pd.Series(pd.to_datetime(["2025-03-05", None]))}
    >>> mapped = {"visit_at": pd.Series(pd.to_datetime(["2025-03-02", "2025-03-09"])),
    ...           "offer_at": pd.Series(pd.to_datetime([None, "2025-03-20"]))}
    >>> out = add_mapped_dates(by_stage, mapped)
    >>> out["visit"].dt.strftime("%m-%d").tolist(), out["offer"].dt.strftime("%m-%d").tolist()
    (['03-02', '03-09'], [nan, '03-20'])
    """
    out = dict(by_stage)
    for field_name, at in dates.items():
        name = field_name.removesuffix("_at")
        given = out.get(name)
        both = at if given is None else pd.concat([given, at], axis=1).min(axis=1)
        out[name] = both.astype("datetime64[us]")
    return out


def found_stages(pipelines: pd.Series, stages: pd.Series) -> dict[str, list[str]]:
    """The CRM stages seen in each pipeline, in order of first appearance.

    Examples
    --------
    >>> found_stages(pd.Series(["A", "A", "B", "A"]), pd.Series(["x", "y", "x", "x"]))
    {'A': ['x', 'y'], 'B': ['x']}
    """
    pairs = pd.DataFrame({"p": pipelines.to_numpy(), "s": stages.to_numpy()}).dropna()
    pairs = pairs.drop_duplicates()
    found: dict[str, list[str]] = {}
    for p, s in zip(pairs["p"].tolist(), pairs["s"].tolist(), strict=True):
        found.setdefault(p, []).append(s)
    return found


def current_canonical(pipelines: pd.Series, stages: pd.Series, mapping: Mapping) -> pd.Series:
    """The canonical stage of each record's current CRM stage ("ignore" if unmapped)."""
    table = _stage_table(mapping)
    keys = pd.DataFrame({"pipeline": pipelines.to_numpy(), "stage": stages.to_numpy()})
    merged = keys.merge(table, on=["pipeline", "stage"], how="left")
    return pd.Series(merged["canonical"].fillna("ignore").to_numpy(), index=stages.index)
