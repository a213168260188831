"""The forecast model's array helpers: pandas' own figures, and the no-team key kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpilib.engine.frames import NONE_KEY
from kpilib.kpis.forecast_arrays import codes, nunique_by, split_rows, sum_by, total, with_k


def test_sum_by_adds_each_key_sorted_or_in_order_of_appearance():
    keys = np.array(["S", "N", "S", "N", "N"], dtype=object)
    values = [1.0, 2.0, 4.0, 8.0, 16.0]
    # N: 2 + 8 + 16 = 26, S: 1 + 4 = 5
    got = sum_by(values, keys)
    assert (got[0].tolist(), got[1].tolist()) == (["N", "S"], [26.0, 5.0])
    got = sum_by(values, keys, sort=False)
    assert (got[0].tolist(), got[1].tolist()) == (["S", "N"], [5.0, 26.0])


def test_sum_by_counts_integers_and_skips_nan():
    keys = np.array(["N", "N", "S"], dtype=object)
    assert sum_by(np.array([3, 4, 5], dtype="uint32"), keys)[1].tolist() == [7.0, 5.0]
    # a NaN is left out: N 1 + 0 (nothing else), S has none at all: 0
    got = sum_by([1.0, np.nan, np.nan], keys)
    assert got[1].tolist() == [1.0, 0.0]


def test_sum_by_keeps_the_no_team_key():
    # numpy's fixed-width text (np.full, np.asarray of a list) gives "" for a lone "\x00"
    keys = np.array([NONE_KEY] * 3, dtype=object)
    got = sum_by([1.0, 2.0, 3.0], keys)
    assert (got[0].tolist(), got[1].tolist()) == ([NONE_KEY], [6.0])
    assert codes([NONE_KEY, "N"], [NONE_KEY])[0].tolist() == [NONE_KEY, "N"]


@pytest.mark.parametrize("seed", range(5))
def test_sum_by_is_pandas_to_the_last_bit(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        n = int(rng.integers(0, 40))
        keys = np.array([f"T{i}" for i in rng.integers(0, 6, n)], dtype=object)
        if rng.random() < 0.5:  # sorted keys: pandas 3.1 adds with np.add.reduceat
            keys = np.sort(keys)
        values = rng.random(n) * rng.choice([1.0, 1e9, 1e-5], n)
        if n and rng.random() < 0.3:  # a NaN: pandas adds with Kahan's compensation
            values[int(rng.integers(0, n))] = np.nan
        for sort in (True, False):
            want = pd.Series(values).groupby(keys, sort=sort).sum()
            got = sum_by(values, keys, sort=sort)
            assert got[0].tolist() == want.index.tolist()
            assert got[1].tolist() == want.tolist()


def test_total_is_series_sum():
    assert total(pd.Series([1.0, np.nan, 2.5])) == 3.5
    assert total(np.array([2, 3], dtype="uint32")) == 5


def test_codes_nunique_and_rows():
    values, (a, b) = codes(["S", "N"], ["N", "W"])
    assert (values.tolist(), a.tolist(), b.tolist()) == (["N", "S", "W"], [1, 0], [0, 2])
    # group 0 saw periods 1 and 2 (1 twice), group 1 period 3, group 2 none
    code = np.array([0, 0, 1, 0])
    assert nunique_by(code, np.array([1, 2, 3, 1]), 3).tolist() == [2, 1, 0]
    assert [r.tolist() for r in split_rows(code, 3)] == [[0, 1, 3], [2], []]
    assert split_rows(np.array([], dtype="intp"), 0) == []


def test_with_k_sets_each_period_first():
    parts = {
        3: pd.DataFrame({"team": ["N"], "n": [1]}),
        1: pd.DataFrame({"team": ["S", "N"], "n": [2, 4]}),
    }
    got = with_k(parts)
    want = pd.DataFrame({"_k": [3, 1, 1], "team": ["N", "S", "N"], "n": [1, 2, 4]})
    pd.testing.assert_frame_equal(got, want)
    assert with_k({}) is None


def test_to_arrays_reads_polars_as_numpy_and_text_as_objects():
    import polars as pl

    from kpilib.engine import frames as F

    frame = pl.DataFrame(
        {
            "team": ["N", NONE_KEY],
            "n": pl.Series([3, 4], dtype=pl.UInt32),
            "amount": [1.5, 2.0],
        }
    )
    got = F.to_arrays(frame.lazy())
    want = pd.DataFrame(
        {
            "team": pd.Series(["N", NONE_KEY], dtype=object),
            "n": np.array([3, 4], dtype="uint32"),
            "amount": [1.5, 2.0],
        }
    )
    pd.testing.assert_frame_equal(got, want)
    # a missing count: as to_pandas gives it (pandas' nullable Int64)
    pd.testing.assert_frame_equal(
        F.to_arrays(pl.DataFrame({"n": [1, None]}).lazy()),
        pd.DataFrame({"n": pd.array([1, None], dtype="Int64")}),
    )
    # pandas stays pandas
    same = pd.DataFrame({"n": [1]})
    assert F.to_arrays(same) is same


def test_combine_without_any_team_gives_an_empty_table():
    # no open lead, no lead in the pace window, no actual: nothing to forecast (this
    # raised a bare ValueError from an empty unpacking before)
    from kpilib.kpis.forecast_model import Learnt, combine

    def empty(**dtypes: str) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in dtypes.items()})

    learnt = Learnt(
        pipeline=None,
        arrivals=None,
        recent_leads=empty(team="object", n="int64"),
        recent_days=20,
        deals=empty(team="object", n="int64", amount="float64", amount2="float64"),
        firsts=None,
        outcomes=None,
        history=6,
    )
    got = combine(
        learnt,
        empty(team="object", _stage="object", _band="int64", n="int64"),
        empty(metric="object", team="object", value="float64"),
        days_left=10,
        run_rate=2.0,
        metrics=["sales"],
        prior_weight=20.0,
        level=0.8,
    )
    assert len(got) == 0
    assert got.columns.tolist() == ["metric", "team", "actual_to_date", "expected", "low", "high"]
