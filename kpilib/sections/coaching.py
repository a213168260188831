"""The coaching part of the funnel page: which reps convert below their team beyond luck.

Read on the funnel page's own cohort (:attr:`FunnelSection.cohort
<kpilib.sections.funnel.FunnelSection>`, the latest mature lead cohort, with
the dataset's conversion window), so that the reps' leads and sales add up to
the page's. A rep is named as possibly needing support only when the 90%
posterior interval of its lead-to-sale conversion lies wholly below the
team's rate (:func:`kpilib.kpis.coaching.coaching`); every other gap is too
few leads to tell. Nothing is said on an immature cohort.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import narwhals as nw
import pandas as pd

from kpilib.data.dataset import Dataset
from kpilib.kpis.coaching import coaching_frame
from kpilib.sections.model import Fact, fact

__all__ = ["CoachingSection", "RepGap", "build_coaching", "LEVEL"]

LEVEL = 0.9
"""Probability held by the reps' posterior intervals."""


@dataclass(frozen=True)
class RepGap:
    """One rep's lead-to-sale conversion against the team's (the cohort's last step).

    ``steps`` are the stage steps ("visit→offer") where the rep's interval
    also lies wholly on the same side of the team's rate.
    """

    team: str
    owner: str
    conversion: Fact
    shrunk: Fact
    ci_low: Fact
    ci_high: Fact
    team_rate: Fact
    entered: Fact
    converted: Fact
    steps: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CoachingSection:
    """What the funnel page says about the reps.

    - ``cohort`` (the funnel page's) and ``immature`` (then nothing is claimed);
    - ``available``: the leads have team and owner columns;
    - ``table``: :func:`kpilib.kpis.coaching.coaching` of the cohort;
    - ``level``: the intervals' probability (0.9);
    - ``reps``: the reps compared on lead-to-sale conversion (a prior fitted);
    - ``below`` and ``above``: reps whose interval lies wholly below or above
      the team's rate, lowest (highest) shrunk rate first; empty on an
      immature cohort;
    - ``by_chance``: how many of ``reps`` could lie below their team by chance
      alone, at most: reps × (1 − level) / 2 (each interval leaves that much
      below it).
    """

    cohort: str
    immature: bool
    available: bool
    table: pd.DataFrame
    level: Fact
    reps: Fact
    below: list[RepGap]
    above: list[RepGap]
    by_chance: Fact


def _gap(steps: pd.DataFrame, last: dict, cohort: str) -> RepGap:
    """*last*: the rep's lead-to-sale row; *steps*: its rows of the other steps."""
    team, owner = str(last["team"]), str(last["owner"])
    src = (
        f"coaching[cohort={cohort}, team={team}, owner={owner}, "
        f"step={last['from_stage']}→{last['to_stage']}]"
    )

    def one(col: str, unit: str = "rate") -> Fact:
        return fact(last[col], unit, "observed", cohort, src)  # type: ignore[arg-type]

    same = steps[steps["flag"] == last["flag"]]
    return RepGap(
        team=team,
        owner=owner,
        conversion=one("conversion"),
        shrunk=one("shrunk_conversion"),
        ci_low=one("ci_low"),
        ci_high=one("ci_high"),
        team_rate=one("team_conversion"),
        entered=one("entered", "count"),
        converted=one("converted", "count"),
        steps=[(str(a), str(b)) for a, b in zip(same["from_stage"], same["to_stage"], strict=True)],
    )


def build_coaching(dataset: Dataset, *, cohort: str, as_of: pd.Timestamp) -> CoachingSection:
    """The coaching facts of lead cohort *cohort* (the funnel page's) as seen on *as_of*.

    Parameters
    ----------
    dataset
        A loaded or scanned dataset.
    cohort
        The lead cohort the funnel page shows, "YYYY-MM".
    as_of
        The day the data is seen on.

    Returns
    -------
    CoachingSection
        Its facts and table.

    Examples
    --------
    >>> from kpilib.data.load import load_dataset
    >>> section = build_coaching(load_dataset("data/sample"), cohort="2026-07",
    ...                          as_of=pd.Timestamp("2026-10-31"))
    >>> section.reps.value, len(section.below), section.immature
    (12.0, 0, False)
    """
    day = pd.Timestamp(as_of).normalize()
    level = fact(LEVEL, "rate", "target", None, "sections.coaching.LEVEL")
    names = nw.from_native(dataset.leads).collect_schema().names()
    if not {"team", "owner"} <= set(names):
        empty = pd.DataFrame()
        none = fact(0, "count", "observed", cohort, "coaching[no team or owner column]")
        return CoachingSection(cohort, False, False, empty, level, none, [], [], none)
    table = coaching_frame(dataset.coaching(period=cohort, as_of=day, level=LEVEL))
    immature = bool(len(table) and table["immature"].any())
    stages = [s for s in dataset.settings.stages if f"{s}_at" in names]
    last_step = (table["from_stage"] == stages[0]) & (table["to_stage"] == stages[-1])
    overall = table[last_step]
    fitted = overall[overall["shrunk_conversion"].notna()]
    reps = fact(len(fitted), "count", "observed", cohort, f"coaching[cohort={cohort}]")
    below: list[RepGap] = []
    above: list[RepGap] = []
    if not immature:
        for flag, out, ascending in (("below", below, True), ("above", above, False)):
            chosen = fitted[fitted["flag"] == flag].sort_values(
                ["shrunk_conversion", "team", "owner"], ascending=[ascending, True, True]
            )
            for row in chosen.to_dict("records"):
                mine = (table["team"] == row["team"]) & (table["owner"] == row["owner"])
                out.append(_gap(table[mine & ~last_step], row, cohort))
    chance = fact(
        len(fitted) * (1 - LEVEL) / 2, "count", "modelled", cohort, "coaching[reps] × (1 − 0.9) / 2"
    )
    return CoachingSection(cohort, immature, True, table, level, reps, below, above, chance)
