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
    k, n = k[n > 0], n[n > 0]
    total = n.sum()
    if len(n) < 2 or total <= 0:
        return np.nan, np.nan
    mu = float(k.sum() / total)
    if mu <= 0 or mu >= 1:
        return np.nan, np.nan
    spread = float((n * (k / n - mu) ** 2).sum())
    m = len(n)
    den = total - (n * n).sum() / total - (m - 1)
    rho = (spread / (mu * (1 - mu)) - (m - 1)) / den if den > 0 else 0.0
    weight = total if rho <= 0 else min(1 / rho - 1, total)
    return mu, float(max(weight, MIN_PRIOR_WEIGHT))


def _steps(present: list[str]) -> list[tuple[int, int]]:
    """Each stage from the one before it, then the first stage to the last."""
    pairs = [(i - 1, i) for i in range(1, len(present))]
    if len(present) > 2:
        pairs.append((0, len(present) - 1))
    return pairs


def _note(entered: float, reps: int, mu: float, to_stage: str, from_stage: str) -> str:
    if entered <= 0:
        return f"no lead reached {from_stage}"
    if reps < 2:
        return "the only rep of the team with leads at this step: no team to compare with"
    if mu != mu:
        return f"every or no lead of the team reached {to_stage}: no spread to fit"
    return ""


def _block(team: str, reps: pd.DataFrame, team_rate: float, a: str, b: str) -> pd.DataFrame:
    """The rows of one team and step: *reps* has the reps' owner, ``n`` and ``k``; the
    interval's posterior parameters in ``_a`` and ``_b`` (:func:`_intervals` reads them)."""
    n = reps["n"].to_numpy(dtype=float)
    k = reps["k"].to_numpy(dtype=float)
    mu, weight = prior(n, k)
    post_a, post_b = mu * weight + k, (1 - mu) * weight + n - k
    fitted = (n > 0) & (mu == mu)
    shrunk = np.where(fitted, post_a / (post_a + post_b), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
    count = int((n > 0).sum())
    return pd.DataFrame(
        {
            "team": team,
            "owner": reps["owner"].astype(str).to_numpy(),
            "from_stage": a,
            "to_stage": b,
            "entered": n.astype("int64"),
            "converted": k.astype("int64"),
            "conversion": raw,
            "shrunk_conversion": shrunk,
            "_a": np.where(fitted, post_a, np.nan),
            "_b": np.where(fitted, post_b, np.nan),
            "team_conversion": float(team_rate),
            "rank": pd.Series(shrunk).rank(ascending=False, method="min").to_numpy(),
            "prior_weight": float(weight),
            "note": [_note(x, count, mu, b, a) for x in n],
        }
    )


def _rows(counts: pd.DataFrame, present: list[str], level: float, young: bool) -> dict[str, list]:
    """The coaching rows of the per-rep counts (team, owner, _r0, _r1…), by column."""
    blocks = []
    for team, group in counts.groupby("team", sort=True):
        reps = group[group["owner"] != UNKNOWN].sort_values("owner")
        for a, b in _steps(present):
            n_all, k_all = group[f"_r{a}"].sum(), group[f"_r{b}"].sum()
            team_rate = k_all / n_all if n_all > 0 else np.nan
            step = reps.assign(n=reps[f"_r{a}"], k=reps[f"_r{b}"])
            blocks.append(_block(str(team), step, team_rate, present[a], present[b]))
    if not blocks:
        return {c: [] for c in COACHING_COLUMNS}
    out = _intervals(pd.concat(blocks, ignore_index=True), level).assign(immature=young)
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
    )
    lz = _reached(lz, present)
    sums = [nw.col(f"_r{i}").sum() for i in range(len(present))]
    grouped = lz.group_by("team", "owner").agg(*sums, nw.col("_young").sum())
    # sums as whole numbers (DuckDB's are decimals)
    grouped = grouped.with_columns(
        *[nw.col(c).cast(nw.Int64) for c in [*[f"_r{i}" for i in range(len(present))], "_young"]]
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
