import math
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from kpi_fixtures import leads
from scipy.stats import beta

from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.data.settings import Settings
from kpilib.errors import DataError, ParameterError
from kpilib.kpis.coaching import COACHING_COLUMNS, coaching, prior

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _leads(rows: list[tuple]) -> pd.DataFrame:
    """Leads from (team, owner, visit_at, sale_at) rows, all entered on 2026-10-01."""
    frame = pd.DataFrame(rows, columns=["team", "owner", "visit_at", "sale_at"])
    return pd.DataFrame(
        {
            "lead_id": pd.Series([f"L{i}" for i in range(len(rows))], dtype="str"),
            "lead_at": pd.Series(
                pd.to_datetime(["2026-10-01"] * len(rows)), dtype="datetime64[us]"
            ),
            "team": pd.Series(frame["team"], dtype="str"),
            "owner": pd.Series(frame["owner"], dtype="str"),
            "visit_at": pd.Series(pd.to_datetime(frame["visit_at"]), dtype="datetime64[us]"),
            "sale_at": pd.Series(pd.to_datetime(frame["sale_at"]), dtype="datetime64[us]"),
        }
    )


V, S = "2026-10-05", "2026-10-20"
SMALL = _leads(
    [
        ("N", "Ann", V, S),
        ("N", "Ann", V, None),
        ("N", "Ann", None, None),
        ("N", "Bob", V, S),
        ("N", "Bob", V, S),
        ("N", "Bob", None, None),
        ("N", None, V, None),  # no owner: in the team's rate, no row
        ("S", "Cid", None, S),  # a sale without a visit reached the visit
    ]
)


def test_coaching_by_hand():
    table = coaching(SMALL, as_of="2026-10-31")
    assert list(table.columns) == COACHING_COLUMNS
    # team N: 7 leads, 5 visits (L7 without owner included), 3 sales.
    # lead→visit: Ann 2/3, Bob 2/3: μ = 2/3, S = 0, so ρ < 0 and the prior weighs the
    #   reps' 6 leads: Ann (4 + 2) / (6 + 3) = 2/3; team 5/7.
    # visit→sale: Ann 1/2, Bob 2/2: μ = 3/4, S = 2 (1/4)² × 2 = 0.25, S / μ(1−μ) = 4/3;
    #   ρ = (4/3 − 1) / (4 − 8/4 − 1) = 1/3, weight 1/ρ − 1 = 2: α = 1.5, β = 0.5;
    #   Ann (1.5 + 1) / (2 + 2) = 0.625, Bob (1.5 + 2) / 4 = 0.875; team 3/5.
    # lead→sale: Ann 1/3, Bob 2/3: μ = 1/2, S = 1/6, S / 0.25 − 1 < 0: weight 6;
    #   Ann (3 + 1) / 9, Bob (3 + 2) / 9; team 3/7.
    # team S: Cid alone, nothing to fit: raw rates only.
    n = table[table["team"] == "N"]
    assert n["owner"].tolist() == ["Ann", "Bob"] * 3
    assert n["from_stage"].tolist() == ["lead", "lead", "visit", "visit", "lead", "lead"]
    assert n["to_stage"].tolist() == ["visit", "visit", "sale", "sale", "sale", "sale"]
    assert n["entered"].tolist() == [3, 3, 2, 2, 3, 3]
    assert n["converted"].tolist() == [2, 2, 1, 2, 1, 2]
    assert n["conversion"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 2, 1, 1 / 3, 2 / 3])
    assert n["shrunk_conversion"].tolist() == pytest.approx(
        [2 / 3, 2 / 3, 0.625, 0.875, 4 / 9, 5 / 9]
    )
    assert n["team_conversion"].tolist() == pytest.approx(
        [5 / 7, 5 / 7, 3 / 5, 3 / 5, 3 / 7, 3 / 7]
    )
    assert n["prior_weight"].tolist() == pytest.approx([6, 6, 2, 2, 6, 6])
    # Ann's visit→sale posterior Beta(2.5, 1.5), 90% central interval
    ann = n.iloc[2]
    assert (ann["ci_low"], ann["ci_high"]) == pytest.approx(
        (beta.ppf(0.05, 2.5, 1.5), beta.ppf(0.95, 2.5, 1.5))
    )
    assert n["flag"].tolist() == ["unclear"] * 6
    # ranks within team and step: equal at lead→visit, Bob first elsewhere
    assert n["rank"].tolist() == [1, 1, 2, 1, 2, 1]
    assert n["note"].tolist() == [""] * 6
    assert not table["immature"].any()
    s = table[table["team"] == "S"]
    assert s["conversion"].tolist() == [1.0, 1.0, 1.0]
    assert s["shrunk_conversion"].isna().all() and s["ci_low"].isna().all()
    assert s["flag"].tolist() == ["unclear"] * 3
    assert (
        s["note"].tolist()
        == ["the only rep of the team with leads at this step: no team to compare with"] * 3
    )


def _team(rates: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for owner, (n, k) in rates.items():
        rows += [("T", owner, None, S)] * k + [("T", owner, None, None)] * (n - k)
    return _leads(rows).drop(columns="visit_at")  # one step: lead → sale


def test_flags_below_and_above_beyond_chance():
    # 100 leads each; Ann 10 sales, Bob 30, Cid 20: μ = 0.2,
    # S = 100 (0.1² + 0.1² + 0) = 2; S / 0.16 − 2 = 10.5; den = 300 − 30000/300 − 2 = 198;
    # ρ = 10.5 / 198, weight = 198 / 10.5 − 1 = 17.857…: α = 3.571…, β = 14.286…
    table = coaching(_team({"Ann": (100, 10), "Bob": (100, 30), "Cid": (100, 20)}))
    w = 198 / 10.5 - 1
    a, b = 0.2 * w, 0.8 * w
    assert table["prior_weight"].tolist() == pytest.approx([w] * 3)
    assert table["shrunk_conversion"].tolist() == pytest.approx(
        [(a + 10) / (w + 100), (a + 30) / (w + 100), (a + 20) / (w + 100)]
    )
    # Ann's posterior Beta(13.57, 104.29) lies below 0.2 at 90%: 0.95 quantile ≈ 0.165
    assert table["ci_high"].iloc[0] == pytest.approx(beta.ppf(0.95, a + 10, b + 90))
    assert table["ci_high"].iloc[0] < 0.2 < table["ci_low"].iloc[1]
    assert table["flag"].tolist() == ["below", "above", "unclear"]
    assert table["rank"].tolist() == [3, 1, 2]


def test_a_rep_with_few_leads_is_not_ranked_first_by_luck():
    # Dan converts 3 of 8 (37.5%) against Eve's 40 of 200 and Fay's 50 of 200 (20%, 25%):
    # μ = 93/408, the reps differ no more than chance at these sizes, so the prior weighs
    # 408 leads and Dan's shrunk rate is (93 + 3) / (408 + 8) = 0.2308, below Fay's
    # (93 + 50) / 608 = 0.2352.
    table = coaching(_team({"Dan": (8, 3), "Eve": (200, 40), "Fay": (200, 50)}))
    assert table["conversion"].iloc[0] == 0.375
    assert table["prior_weight"].tolist() == pytest.approx([408] * 3)
    assert table["shrunk_conversion"].tolist() == pytest.approx([96 / 416, 133 / 608, 143 / 608])
    assert table["rank"].tolist() == [2, 3, 1]
    assert table["flag"].tolist() == ["unclear"] * 3


def test_prior_edge_cases():
    assert prior([100, 100], [10, 30]) == pytest.approx((0.2, 99 / 11.5 - 1))
    # one rep, no rep, or a pooled rate of 0 or 1: nothing to fit
    for n, k in (([10], [3]), ([], []), ([5, 5], [0, 0]), ([5, 5], [5, 5])):
        mu, weight = prior(n, k)
        assert math.isnan(mu) and math.isnan(weight)
    # reps without leads at the step are left out: [0, 4, 4] is [4, 4]
    assert prior([0, 4, 4], [0, 1, 3]) == prior([4, 4], [1, 3])
    # all-or-nothing reps (ρ → 1): the weight is floored at 2
    assert prior([10, 10], [0, 10]) == (0.5, 2.0)


def test_a_rep_with_no_lead_at_a_step():
    # Bob's only lead never got a visit: nothing enters visit→sale for him
    table = coaching(_leads([("N", "Ann", V, S), ("N", "Ann", V, None), ("N", "Bob", None, None)]))
    bob = table[(table["owner"] == "Bob") & (table["from_stage"] == "visit")].iloc[0]
    assert bob["entered"] == 0 and math.isnan(bob["conversion"])
    assert math.isnan(bob["shrunk_conversion"]) and bob["flag"] == "unclear"
    assert bob["note"] == "no lead reached visit"


def test_window_and_immature_cohort():
    # the funnel's window: a sale 19 days after the lead is outside a 10-day window, and
    # leads of 2026-10-01 are younger than 40 days at 2026-10-31
    short = coaching(SMALL, window_days=10, as_of="2026-10-31")
    assert short.loc[short["to_stage"] == "sale", "converted"].sum() == 0
    # visits came on day 4: Ann 2, Bob 2 (Cid's visit was only implied by his sale)
    assert short.loc[short["to_stage"] == "visit", "converted"].tolist() == [2, 2, 0]
    assert coaching(SMALL, window_days=40, as_of="2026-10-31")["immature"].all()


def test_empty_cohort_gives_empty_table():
    table = coaching(SMALL, period="2025-01")
    assert list(table.columns) == COACHING_COLUMNS and len(table) == 0


def test_invalid_level():
    with pytest.raises(ParameterError) as err:
        coaching(SMALL, level=1.5)
    assert str(err.value) == (
        "level = 1.5 is invalid; expected a probability above 0 and below 1 (0.9 for a 90% "
        "interval)."
    )


def test_missing_owner_column():
    with pytest.raises(DataError) as err:
        coaching(SMALL.drop(columns=["owner"]))
    assert str(err.value) == (
        "leads: missing column 'owner' (it has: lead_id, lead_at, team, visit_at, sale_at). "
        "kpilib.coaching expects the leads table (lead_at, team, owner); pass "
        "kpilib.load_dataset(folder).leads, or rename the matching columns as "
        "docs/data-model.md shows."
    )


def test_the_dataset_method_reads_the_funnels_cohort():
    ds = Dataset(leads=leads(), settings=Settings(conversion_window_days=10))
    got = ds.coaching(period="2026-10")
    pd.testing.assert_frame_equal(
        got, coaching(leads(), period="2026-10", window_days=10, as_of="2026-10-21")
    )
    # the reps' counts add up to the funnel's, team by team (every fixture lead has an owner)
    per_team = got[got["from_stage"] == "lead"].groupby(["team", "to_stage"])
    funnel = ds.funnel(period="2026-10", by="team").set_index(["team", "stage"])["reached"]
    for (team, stage), rows in per_team:
        assert rows["converted"].sum() == funnel[(team, stage)]


def test_the_samples_reps_add_up_to_the_funnel_page():
    # July 2026 is the sample report's mature cohort: 118 sales within the 90-day window
    ds = load_dataset(SAMPLE)
    table = ds.coaching(period="2026-07")
    to_sale = table[(table["from_stage"] == "lead") & (table["to_stage"] == "sale")]
    assert to_sale["converted"].sum() == 118
    assert to_sale["entered"].sum() == ds.funnel(period="2026-07")["reached"].iloc[0]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    reps=st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 60)).map(lambda t: (max(t), min(t))),
        min_size=2,
        max_size=5,
    )
)
def test_shrunk_rates_lie_between_the_rep_and_the_team(reps):
    """Rates are fractions, each interval holds its shrunk rate, and the shrunk rate lies
    between the rep's own rate and the prior mean (the reps' pooled rate)."""
    rates = {f"R{i}": (n, k) for i, (n, k) in enumerate(reps)}
    table = coaching(_team(rates), as_of="2026-10-31")
    assume(len(table) > 0)  # no lead at all: an empty table (tested above)
    for col in ("conversion", "shrunk_conversion", "ci_low", "ci_high", "team_conversion"):
        values = table[col].dropna()
        assert ((values >= 0) & (values <= 1)).all(), col
    fitted = table.dropna(subset=["shrunk_conversion"])
    assert (fitted["ci_low"] <= fitted["shrunk_conversion"] + 1e-12).all()
    assert (fitted["shrunk_conversion"] <= fitted["ci_high"] + 1e-12).all()
    mu = table["team_conversion"].iloc[0]  # every lead has an owner: the prior mean
    lo = fitted[["conversion"]].assign(mu=mu).min(axis=1) - 1e-12
    hi = fitted[["conversion"]].assign(mu=mu).max(axis=1) + 1e-12
    assert ((lo <= fitted["shrunk_conversion"]) & (fitted["shrunk_conversion"] <= hi)).all()
    # the flag follows the interval
    below = fitted["ci_high"] < fitted["team_conversion"]
    assert (fitted.loc[below, "flag"] == "below").all()


def _team_prior(n: np.ndarray, k: np.ndarray) -> tuple[float, float]:
    """:func:`prior` as written for one team's arrays (the reference of the test below)."""
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
    return mu, float(max(weight, 2.0))


def _one_team(team: str, reps: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """One team's rows at one step as the coaching table gave them when it computed
    team by team (reps: owner, n, k in owner order)."""
    n, k = reps["n"].to_numpy(dtype=float), reps["k"].to_numpy(dtype=float)
    mu, weight = _team_prior(n, k)
    post_a, post_b = mu * weight + k, (1 - mu) * weight + n - k
    fitted = (n > 0) & (mu == mu)
    shrunk = np.where(fitted, post_a / (post_a + post_b), np.nan)
    return pd.DataFrame(
        {
            "team": team,
            "owner": reps["owner"].tolist(),
            "from_stage": a,
            "to_stage": b,
            "entered": n.astype("int64"),
            "converted": k.astype("int64"),
            "shrunk_conversion": shrunk,
            "prior_weight": weight,
            "rank": pd.Series(shrunk).rank(ascending=False, method="min").to_numpy(),
        }
    )


def test_every_team_at_once_gives_the_team_by_team_values():
    # 8 teams of 1 to 90 reps (numpy adds 8 or more values pairwise, fewer in a row),
    # a rep without leads at some steps, leads without owner: every value equal to the
    # last bit to the team-by-team computation
    rng = np.random.default_rng(16)
    rows = []
    for t, size in enumerate([1, 2, 3, 7, 8, 12, 40, 90]):
        for r in range(size):
            for _ in range(int(rng.integers(0, 30))):
                visit, sale = rng.random() < 0.5, rng.random() < 0.3
                rows.append((f"T{t}", f"R{r:02d}", V if visit else None, S if sale else None))
        rows.append((f"T{t}", None, V, None))
    table = coaching(_leads(rows), as_of="2026-10-31")
    counts = _leads(rows).fillna({"owner": "unknown"})
    counts["_r0"], counts["_r1"] = 1, (counts["visit_at"].notna() | counts["sale_at"].notna())
    counts["_r2"] = counts["sale_at"].notna()
    counts = counts.groupby(["team", "owner"], as_index=False)[["_r0", "_r1", "_r2"]].sum()
    blocks = []
    for team, group in counts.groupby("team", sort=True):
        reps = group[group["owner"] != "unknown"].sort_values("owner")
        for a, b, (x, y) in (
            ("lead", "visit", (0, 1)),
            ("visit", "sale", (1, 2)),
            ("lead", "sale", (0, 2)),
        ):
            step = reps.assign(n=reps[f"_r{x}"], k=reps[f"_r{y}"])
            blocks.append(_one_team(str(team), step, a, b))
    expected = pd.concat(blocks, ignore_index=True)
    got = table[expected.columns].assign(rank=table["rank"].astype(float))
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)
