"""The report model: every section of the pack computed once, from one dataset view.

:func:`build` computes the objectives, acquisition and value, funnel, summary
and appendix sections of one period as seen on one day; :func:`save` and
:func:`load` hand the result to the notebooks (the report build computes it
once; a notebook run alone in JupyterLab computes it itself).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.data.periods import parse_period, resolve_as_of
from kpilib.data.settings import Settings
from kpilib.errors import ParameterError

__all__ = ["Report", "build", "save", "load", "open_report", "MODEL_FILE", "SECTIONS"]

MODEL_FILE = "model.pickle"
_FORMAT = 3  # bumped when the model's classes change shape (2: the CAC settings; 3: retention, forecast, coaching, cycle)


@dataclass
class Report:
    """The pack's facts for one period as seen on one day.

    ``state`` is "closed" (as_of on or after the period's last day), "open"
    (as_of inside it) or "future". Each section is a typed object whose fields
    are the facts that page states (see :mod:`kpilib.sections`); ``coaching``
    and ``cycle`` belong to the funnel page. A section not computed yet is None
    (see :func:`build`'s *on_ready*).
    """

    company: str
    period: str
    as_of: pd.Timestamp
    state: str
    settings: Settings
    objectives: Any = None
    acquisition: Any = None
    funnel: Any = None
    summary: Any = None
    appendix: Any = None
    coaching: Any = None
    cycle: Any = None

    @property
    def closed(self) -> bool:
        """Whether the period is over at as_of."""
        return self.state == "closed"


def period_state(period: str, as_of: pd.Timestamp, fiscal_year_start: int = 1) -> str:
    """ "closed", "open" or "future": where *as_of* falls against *period*.

    Examples
    --------
    >>> period_state("2026-10", pd.Timestamp("2026-10-31")), period_state("2026-10", pd.Timestamp("2026-10-15"))
    ('closed', 'open')
    >>> period_state("2026-10", pd.Timestamp("2026-09-30"))
    'future'
    """
    span = parse_period(period, fiscal_year_start=fiscal_year_start)
    day = pd.Timestamp(as_of).normalize()
    if day < pd.Timestamp(span.start):
        return "future"
    return "closed" if day >= pd.Timestamp(span.end) - pd.Timedelta(days=1) else "open"


SECTIONS = ("acquisition", "funnel", "coaching", "cycle", "objectives", "summary", "appendix")


def build(
    dataset: Dataset,
    *,
    period: str,
    as_of: Any = None,
    on_ready: Callable[[Report, frozenset[str]], None] | None = None,
) -> Report:
    """Compute every section of the pack of *period* as seen on *as_of* (default:
    the latest date in the data).

    The sections are computed in an order that lets the report draw a page
    while the rest is computed: the funnel page's first (funnel, coaching,
    cycle: the cheapest, so that a kernel has a page to draw early), then
    acquisition and value (its page takes the longest to draw), then
    objectives (while the period is open, its forecast is the costliest
    section), then the summary and the appendix, which draw on the others.
    *on_ready*, when given, is called after each of these steps with the
    report so far (the sections still to compute are None) and the names of
    the sections computed.
    """
    from kpilib.engine.pandas_input import converted_once
    from kpilib.engine.threads import one_blas_thread

    # the sections read the same frames: each converted once; their fits and forecasts
    # are cheaper on one BLAS thread (kpilib.engine.threads)
    with converted_once(), one_blas_thread():
        return _build(dataset, period, as_of, on_ready)


def _build(
    dataset: Dataset,
    period: str,
    as_of: Any,
    on_ready: Callable[[Report, frozenset[str]], None] | None,
) -> Report:
    """:func:`build`, within its conversion cache and BLAS limit."""
    from kpilib.sections.acquisition import build_acquisition
    from kpilib.sections.appendix import build_appendix
    from kpilib.sections.coaching import build_coaching
    from kpilib.sections.cycle import build_cycle
    from kpilib.sections.funnel import build_funnel
    from kpilib.sections.objectives import build_objectives
    from kpilib.sections.summary import build_summary

    s = dataset.settings
    day = pd.Timestamp(resolve_as_of(as_of, dataset.as_of))
    state = period_state(period, day, s.fiscal_year_start)
    report = Report(company=s.company, period=period, as_of=day, state=state, settings=s)

    def ready() -> None:
        if on_ready is not None:
            done = frozenset(n for n in SECTIONS if getattr(report, n) is not None)
            on_ready(report, done)

    report.funnel = build_funnel(dataset, period=period, as_of=day)
    report.coaching = build_coaching(dataset, cohort=report.funnel.cohort, as_of=day)
    report.cycle = build_cycle(dataset, period=period, as_of=day, state=state)
    ready()
    report.acquisition = build_acquisition(dataset, period=period, as_of=day)
    ready()
    report.objectives = build_objectives(dataset, period=period, as_of=day)
    ready()
    report.summary = build_summary(
        objectives=report.objectives,
        acquisition=report.acquisition,
        funnel=report.funnel,
        period=period,
        state=state,
        settings=s,
    )
    report.appendix = build_appendix(
        dataset, period=period, as_of=day, objectives=report.objectives, funnel=report.funnel
    )
    ready()
    return report


def open_report(
    model: str | Path = "",
    *,
    data: str | Path,
    period: str,
    as_of: str = "",
    engine: str = "pandas",
    cac_allocation: str = "",
    cac_lag: int = -1,
) -> tuple[Report, Any]:
    """The report model a notebook renders, and the dataset it was computed from.

    With *model* (the ``model.pickle`` a report build saved), that model and
    None: nothing is computed again. Without, the dataset folder *data* is
    opened on *engine* (:func:`kpilib.engine.scan.open_dataset`) and the model
    built from it (:func:`build`); a dataset loaded into pandas comes back
    too, so that a notebook run alone can show the kpilib calls behind each
    figure as pandas tables (on another engine, None: its methods give lazy
    frames; open it with ``open_dataset(data, engine=engine)`` to use them).
    *cac_allocation* and *cac_lag* ("" and -1: kpi.toml's ``[cac]``) replace
    the dataset's settings before the model is built; they cannot change a
    saved model.

    Parameters follow the notebooks' parameters: *as_of* "" is the latest
    date in the data.
    """
    changes = {
        "cac_allocation": cac_allocation or None,
        "cac_lag": None if cac_lag == -1 else cac_lag,
    }
    given = [k for k, v in changes.items() if v is not None]
    if model:
        if given:
            raise ParameterError(
                f"{', '.join(given)} cannot change the saved model {model}: it was computed "
                "with the settings of kpi.toml. Set them in kpi.toml's [cac] and build the "
                'report again, or leave model = "" to compute the model in the notebook.'
            )
        return load(model), None
    from kpilib.engine.scan import open_dataset

    dataset = open_dataset(data, engine=engine)
    if given:
        dataset = dataset.with_settings(**changes)
    report = build(dataset, period=period, as_of=as_of or None)
    return report, (None if hasattr(dataset, "backend") else dataset)  # a scan has a backend


def save(report: Report, folder: str | Path) -> Path:
    """Write *report* to ``folder/model.pickle`` (for the notebooks of one build).

    The file is replaced whole: a notebook reading it meanwhile reads the
    previous model or this one, never part of one.
    """
    path = Path(folder) / MODEL_FILE
    part = path.with_name(f".{MODEL_FILE}.part")
    with open(part, "wb") as f:
        pickle.dump({"format": _FORMAT, "report": report}, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(part, path)
    return path


def load(path: str | Path) -> Report:
    """The :class:`Report` saved by :func:`save` at *path* (a file or its folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / MODEL_FILE
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)  # noqa: S301 - written by this build, in its own folder
    except OSError as exc:
        raise ParameterError(f"{path}: the report model cannot be read ({exc}).") from exc
    if not isinstance(saved, dict) or saved.get("format") != _FORMAT:
        raise ParameterError(
            f"{path}: not a report model of this kpilib version. Build it again with "
            "kpilib.sections.build."
        )
    return saved["report"]
