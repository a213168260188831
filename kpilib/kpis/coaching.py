"""Rep coaching: each rep's conversion at each stage against the team's, luck set apart.

A rep with 8 leads and 3 sales converts 38% and would top any ranking; with
so few leads that rate says little. Each rep's rate is shrunk towards the
team's by empirical Bayes: a beta prior fitted on the team's reps (method of
moments), updated with the rep's own leads. A rep with few leads stays near
the team; one with many keeps close to its own rate. The posterior interval
says when a gap to the team is more than luck.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from kpilib.engine import frames as F
from kpilib.errors import ParameterError
from kpilib.kpis.funnel import _cohort, _reached

__all__ = ["coaching", "prior", "COACHING_COLUMNS", "MIN_PRIOR_WEIGHT"]

COACHING_COLUMNS = [
    "team",
    "owner",
    "from_stage",
    "to_stage",
    "entered",
    "converted",
    "conversion",
    "shrunk_conversion",
    "ci_low",
    "ci_high",
    "team_conversion",
    "flag",
    "rank",
    "prior_weight",
    "immature",
    "note",
]
MIN_PRIOR_WEIGHT = 2.0
"""The least weight (in leads) of a fitted prior: that of a uniform prior."""
UNKNOWN = "unknown"


def prior(entered: Sequence[float], converted: Sequence[float]) -> tuple[float, float]:
    """The beta prior of a team's reps at one step, by the method of moments: (mean, weight).

    With ``nᵢ`` leads entering the step and ``kᵢ`` converting for rep i,
    ``N = Σ nᵢ``, ``m`` reps, the mean is the pooled rate ``μ = Σ kᵢ / N`` and
    ``S = Σ nᵢ (kᵢ/nᵢ − μ)²``. Under a beta-binomial model whose
    intra-class correlation is ``ρ = 1 / (α + β + 1)``,
    ``E[S] = μ (1 − μ) ((m − 1) + ρ (N − Σ nᵢ² / N − (m − 1)))``; solved for
    ρ, the weight is ``α + β = 1/ρ − 1``. When the reps differ no more than
    chance gives (ρ ≤ 0) the weight is N (the prior is worth the whole team's
    leads, no more); it is also capped at N, and is at least
    :data:`MIN_PRIOR_WEIGHT`. Reps with no lead at the step are left out.
    NaN, NaN with fewer than two reps, or a pooled rate of 0 or 1.

    Examples
    --------
    >>> prior([100, 100], [10, 30])  # μ = 0.2, S = 2 × 100 × 0.01 = 2, μ(1−μ) = 0.16
    ...  # ρ = (2 / 0.16 − 1) / (200 − 100 − 1) = 11.5 / 99; weight = 99 / 11.5 − 1
    (0.2, 7.608695652173916)
    >>> prior([100, 100], [20, 20])  # no spread: the weight is the team's 200 leads
    (0.2, 200.0)
    """
    n = np.asarray(entered, dtype=float)
    k = np.asarray(converted, dtype=float)
    mu, weight, _ = _priors(np.zeros(len(n), dtype=np.intp), n, k, 1)
    return float(mu[0]), float(weight[0])


def _sums(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """The sum of *values* per group (*group*: each value's group, ascending), added as
    ``numpy.sum`` adds one group's array: groups of one size are summed as the rows of
    one matrix, whose row sums numpy adds pairwise as it does a lone array's."""
    counts = np.bincount(group, minlength=groups)
    starts = np.cumsum(counts) - counts
    out = np.zeros(groups)
    for size in np.unique(counts[counts > 0]):
        ids = np.flatnonzero(counts == size)
        out[ids] = values[starts[ids, None] + np.arange(size)].sum(axis=1)
    return out


def _priors(
    group: np.ndarray, n: np.ndarray, k: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`prior` of every group at once: its mean, weight and number of reps with
    leads (*group*: each rep's group, ascending; *n*, *k*: its entered and converted)."""
    has = n > 0
    g, n, k = group[has], n[has], k[has]
    reps = np.bincount(g, minlength=groups)
    total, converted = _sums(n, g, groups), _sums(k, g, groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where((reps >= 2) & (total > 0), converted / total, np.nan)
        mu = np.where((mu > 0) & (mu < 1), mu, np.nan)
        spread = _sums(n * (k / n - mu[g]) ** 2, g, groups)
        den = total - _sums(n * n, g, groups) / total - (reps - 1)
        rho = np.where(den > 0, (spread / (mu * (1 - mu)) - (reps - 1)) / den, 0.0)
        weight = np.where(rho <= 0, total, np.minimum(1 / rho - 1, total))
    weight = np.where(mu == mu, np.maximum(weight, MIN_PRIOR_WEIGHT), np.nan)
    return mu, weight, reps


def _steps(present: list[str]) -> list[tuple[int, int]]:
    """Each stage from the one before it, then the first stage to the last."""
    pairs = [(i - 1, i) for i in range(1, len(present))]
    if len(present) > 2:
        pairs.append((0, len(present) - 1))
    return pairs


def _notes(n: np.ndarray, reps: np.ndarray, mu: np.ndarray, a: str, b: str) -> np.ndarray:
    """Why a rep's rate or interval is missing at step *a* → *b*, else empty."""
    return np.where(
        n <= 0,
        f"no lead reached {a}",
        np.where(
            reps < 2,
            "the only rep of the team with leads at this step: no team to compare with",
            np.where(mu != mu, f"every or no lead of the team reached {b}: no spread to fit", ""),
        ),
    )


def _rows(counts: pd.DataFrame, present: list[str], level: float, young: bool) -> dict[str, list]:
    """The coaching rows of the per-rep counts (team, owner, _r0, _r1…), by column: every
    team, step and rep at once."""
    teams, team = np.unique(counts["team"].astype(str).to_numpy(), return_inverse=True)
    owner = counts["owner"].astype(str).to_numpy()
    reached = counts[[f"_r{i}" for i in range(len(present))]].to_numpy(dtype=float)
    is_rep = owner != UNKNOWN
    _, owner_code = np.unique(owner, return_inverse=True)
    order = np.lexsort((owner_code[is_rep], team[is_rep]))  # by team, then owner
    rep_team, rep_owner, rep_reached = (
        team[is_rep][order],
        owner[is_rep][order],
        reached[is_rep][order],
    )
    if not len(rep_team):
        return {c: [] for c in COACHING_COLUMNS}
    parts = []
    for step, (a, b) in enumerate(_steps(present)):
        n_all = np.bincount(team, weights=reached[:, a], minlength=len(teams))
        k_all = np.bincount(team, weights=reached[:, b], minlength=len(teams))
        with np.errstate(invalid="ignore", divide="ignore"):
            team_rate = np.where(n_all > 0, k_all / n_all, np.nan)
        n, k = rep_reached[:, a], rep_reached[:, b]
        mu, weight, reps = _priors(rep_team, n, k, len(teams))
        mu, weight, reps = mu[rep_team], weight[rep_team], reps[rep_team]
        post_a, post_b = mu * weight + k, (1 - mu) * weight + n - k
        fitted = (n > 0) & (mu == mu)
        with np.errstate(invalid="ignore", divide="ignore"):
            shrunk = np.where(fitted, post_a / (post_a + post_b), np.nan)
            raw = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "_team": rep_team,
                    "_step": step,
                    "team": teams[rep_team],
                    "owner": rep_owner,
                    "from_stage": present[a],
                    "to_stage": present[b],
                    "entered": n.astype("int64"),
                    "converted": k.astype("int64"),
                    "conversion": raw,
                    "shrunk_conversion": shrunk,
                    "_a": np.where(fitted, post_a, np.nan),
                    "_b": np.where(fitted, post_b, np.nan),
                    "team_conversion": team_rate[rep_team],
                    "prior_weight": weight,
                    "note": _notes(n, reps, mu, present[a], present[b]),
                }
            )
        )
    # team by team, each step's reps in owner order (a stable sort keeps that order)
    rows = pd.concat(parts, ignore_index=True).sort_values(["_team", "_step"], kind="stable")
    rows["rank"] = (
        rows.groupby(["_team", "_step"])["shrunk_conversion"]
        .rank(ascending=False, method="min")
        .to_numpy()
    )
    out = _intervals(rows.drop(columns=["_team", "_step"]), level).assign(immature=young)
    columns = {c: out[c].tolist() for c in COACHING_COLUMNS}
    columns["rank"] = [None if r != r else r for r in columns["rank"]]  # null, not NaN
    return columns


def coaching_frame(result: Any) -> pd.DataFrame:
    """A :func:`coaching` result as pandas, its rank nullable ``Int64`` on every engine
    (a scan's comes back ``int64`` when every rep is ranked)."""
    table = F.to_pandas(result)
    table["rank"] = table["rank"].astype("Int64")
    return table


def _intervals(rows: pd.DataFrame, level: float) -> pd.DataFrame:
    """ci_low, ci_high (the *level* interval of each rep's beta posterior, ``_a`` and
    ``_b``; NaN where not fitted) and flag: below or above when the interval lies wholly
    under or over the team's rate. One call for every team and step."""
    # the beta quantile: scipy.stats' beta.ppf is this function, without importing
    # scipy.stats (0.3 s)
    from scipy.special import betaincinv

    tail = (1 - level) / 2
    post_a, post_b = rows["_a"].to_numpy(), rows["_b"].to_numpy()
    fitted = ~np.isnan(post_a)
    low, high = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    low[fitted] = betaincinv(post_a[fitted], post_b[fitted], tail)
    high[fitted] = betaincinv(post_a[fitted], post_b[fitted], 1 - tail)
    team = rows["team_conversion"].to_numpy()
    below, above = fitted & (high < team), fitted & (low > team)
    flag = np.where(below, "below", np.where(above, "above", "unclear"))
    return rows.drop(columns=["_a", "_b"]).assign(ci_low=low, ci_high=high, flag=flag)


def coaching(
    leads: Any,
    *,
    period: str | None = None,
    as_of: Any = None,
    window_days: int | None = None,
    level: float = 0.9,
    stages: Sequence[str] | None = None,
    fiscal_year_start: int = 1,
) -> Any:
    """Each rep's conversion at each step against the team's, shrunk by empirical Bayes.

    The cohort is the funnel's (:func:`kpilib.kpis.funnel.funnel`): the leads
    whose lead_at is in *period*, followed up to as_of or within *window_days*;
    a stage is reached when its date or a later stage's is set. Per team, rep
    (owner) and step (each stage from the previous one, then the first stage
    to the last): ``entered`` (the rep's leads that reached the step's first
    stage) and ``converted`` (those that reached its second), ``conversion =
    converted / entered``; the team's rate ``team_conversion`` over all its
    leads (those without an owner included, as the funnel by team counts
    them). A beta prior is fitted on the team's reps at that step
    (:func:`prior`: mean μ, weight w); each rep's posterior is
    ``Beta(μ w + converted, (1 − μ) w + entered − converted)``:
    ``shrunk_conversion`` its mean, ``ci_low`` and ``ci_high`` its central
    *level* interval. ``flag`` is "below" when the interval lies wholly under
    the team's rate, "above" when wholly over it, else "unclear" (too few
    leads to tell). ``rank`` orders the team's reps by shrunk conversion (1 =
    highest), so that a rep with 8 leads is not first by luck.

    Parameters
    ----------
    leads
        Leads: lead_at, the ``<stage>_at`` columns, team and owner.
    period
        The lead cohort: "2026-10", "2026-Q4" or "FY2026"; None takes all leads.
    as_of
        Day of the data's view; default the latest ``*_at`` date of *leads*.
    window_days
        Conversion window in days, or None to follow leads up to as_of.
    level
        Probability held by the interval, above 0 and below 1 (0.9: from the
        5th to the 95th percentile).
    stages
        Stage names in order, starting with "lead"; default lead, visit,
        offer, sale.
    fiscal_year_start
        Month that starts the fiscal year, for quarter and year periods.

    Returns
    -------
    Frame of the input's kind sorted by team, step (in stage order) and owner: team, owner,
    from_stage, to_stage, entered, converted (counts), conversion,
    shrunk_conversion, ci_low, ci_high, team_conversion (fractions), flag
    ("below", "above", "unclear"), rank, prior_weight (leads), immature (the
    cohort holds leads younger than the window), note (why a rate or interval
    is missing, else empty). Leads without a team are under team "unknown";
    those without an owner count in their team's rate but have no row.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({
    ...     "lead_at": pd.to_datetime(["2026-10-01"] * 6),
    ...     "sale_at": pd.to_datetime(["2026-10-09", None, None, "2026-10-09", "2026-10-20", None]),
    ...     "team": ["N"] * 6,
    ...     "owner": ["Ann", "Ann", "Ann", "Bob", "Bob", "Bob"],
    ... })
    >>> table = coaching(leads)  # Ann 1 sale of 3, Bob 2 of 3: no more spread than chance,
    >>> # so the prior weighs the team's 6 leads at μ = 0.5: Ann (3 + 1) / (6 + 3) = 4/9
    >>> table[["owner", "conversion", "shrunk_conversion", "flag"]].round(3)
      owner  conversion  shrunk_conversion     flag
    0   Ann       0.333              0.444  unclear
    1   Bob       0.667              0.556  unclear
    """
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ParameterError(
            f"level = {level!r} is invalid; expected a probability above 0 and below 1 "
            "(0.9 for a 90% interval)."
        )
    kind, lz, present, _, _ = _cohort(
        leads,
        period=period,
        as_of=as_of,
        window_days=window_days,
        stages=stages,
        fiscal_year_start=fiscal_year_start,
        required=("lead_at", "team", "owner"),
        what="coaching",
        columns=["team", "owner"],
        grouped=["team", "owner"],
    )
    lz = _reached(lz, present)
    sums = [nw.col(f"_r{i}").sum() for i in range(len(present))]
    grouped = lz.group_by("team", "owner").agg(*sums, nw.col("_young").sum())
    # sums as whole numbers (DuckDB's are decimals); the keys as text (pandas input's
    # come as categories)
    grouped = grouped.with_columns(
        *[nw.col(c).cast(nw.Int64) for c in [*[f"_r{i}" for i in range(len(present))], "_young"]],
        *[nw.col(c).cast(nw.String) for c in ("team", "owner")],
    )
    counts = F.to_pandas(F.to_native(grouped, "lazy"))
    young = bool(len(counts) and counts["_young"].sum() > 0)
    rows = _rows(counts, present, float(level), young)
    dtypes = {c: nw.Float64 for c in COACHING_COLUMNS}
    dtypes.update(
        dict.fromkeys(("team", "owner", "from_stage", "to_stage", "flag", "note"), nw.String)
    )
    dtypes.update(entered=nw.Int64, converted=nw.Int64, immature=nw.Boolean)
    out = F.small_frame(lz, rows, dtypes)
    out = out.select(*[nw.col(c).cast(dtypes[c]) for c in COACHING_COLUMNS])
    return F.to_native(out, kind, whole=["rank"])  # a whole number, missing where not fitted
