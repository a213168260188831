"""The daily path of a metric against its target path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from kpilib.kpis.pacing import PATH_COLUMNS, cumulative_path

# Thu 1 Oct: 2 sales (100 + 300) by North; Fri 2: 1 sale (200) by South; Mon 5: a
# visit only. October 2026 has 22 business days; the revenue target is 2,200.
LEADS = pd.DataFrame(
    {
        "lead_id": ["L1", "L2", "L3", "L4"],
        "lead_at": pd.to_datetime(["2026-09-20", "2026-09-21", "2026-09-22", "2026-10-05"]),
        "team": ["North", "North", "South", "South"],
        "visit_at": pd.to_datetime([None, None, None, "2026-10-05"]),
        "sale_at": pd.to_datetime(
            ["2026-10-01 10:00", "2026-10-01 15:00", "2026-10-02 09:00", None]
        ),
        "customer_id": ["C1", "C1", "C2", None],
        "amount": [100.0, 300.0, 200.0, np.nan],
    }
)
TARGETS = pd.DataFrame(
    {
        "period": ["2026-10", "2026-10"],
        "metric": ["revenue", "revenue"],
        "team": [None, "North"],
        "owner": [None, None],
        "target": [2200.0, 1100.0],
    }
)


def test_revenue_path_until_as_of():
    path = cumulative_path(LEADS, TARGETS, period="2026-10", metric="revenue", as_of="2026-10-05")
    assert list(path.columns) == PATH_COLUMNS and len(path) == 31
    expected = pd.DataFrame(
        {
            "day": pd.to_datetime(
                ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06"]
            ).as_unit("us"),
            "business_day": [1, 2, 2, 2, 3, 4],
            "actual": [400.0, 200.0, 0.0, 0.0, 0.0, 0.0],
            "cumulative": [400.0, 600.0, 600.0, 600.0, 600.0, np.nan],  # nothing after as_of
            "target_path": [100.0, 200.0, 200.0, 200.0, 300.0, 400.0],  # 2,200 × days / 22
            "target": [2200.0] * 6,
        }
    )
    assert_frame_equal(path.head(6), expected)
    assert path["target_path"].iloc[-1] == 2200.0


def test_team_new_customers_and_missing_target():
    north = cumulative_path(LEADS, TARGETS, period="2026-10", metric="revenue", team="North")
    # as_of defaults to the latest date, 5 October: the path stops there
    assert north["cumulative"].max() == 400.0 and north["cumulative"].iloc[5:].isna().all()
    assert north["target"].iloc[0] == 1100.0
    # C1 bought twice on 1 October: one new customer
    new = cumulative_path(LEADS, TARGETS, period="2026-10", metric="new_customers")
    assert new.loc[new["actual"] > 0, "actual"].tolist() == [1.0, 1.0]
    assert new["target_path"].isna().all()
    visits = cumulative_path(LEADS, None, period="2026-10", metric="visits")
    assert visits["cumulative"].iloc[4] == 1.0


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_paths_on_lazy_frames_equal_the_pandas_ones(engine):
    # the events are counted on the frames' engine; targets may be lazy too
    import duckdb
    import polars as pl

    if engine == "polars":
        leads, targets = pl.LazyFrame(LEADS), pl.LazyFrame(TARGETS)
    else:
        con = duckdb.connect()
        leads, targets = (
            con.from_arrow(pl.from_pandas(LEADS)),
            con.from_arrow(pl.from_pandas(TARGETS)),
        )
    for metric, team in (("revenue", "North"), ("new_customers", None), ("visits", None)):
        want = cumulative_path(LEADS, TARGETS, period="2026-10", metric=metric, team=team)
        got = cumulative_path(leads, targets, period="2026-10", metric=metric, team=team)
        assert_frame_equal(got, want)


def test_a_customer_sold_twice_at_once_counts_for_the_lowest_lead_id():
    # as attainment counts it: C1's first sale is L1's (North), whatever the row order
    leads = pd.DataFrame(
        {
            "lead_id": ["L2", "L1"],
            "lead_at": pd.to_datetime(["2026-09-01", "2026-09-02"]),
            "team": ["South", "North"],
            "sale_at": pd.to_datetime(["2026-10-06 11:00", "2026-10-06 11:00"]),
            "customer_id": ["C1", "C1"],
        }
    )
    paths = {
        team: cumulative_path(leads, None, period="2026-10", metric="new_customers", team=team)
        for team in ("North", "South")
    }
    assert paths["North"]["actual"].sum() == 1.0 and paths["North"]["actual"].iloc[5] == 1.0
    assert paths["South"]["actual"].sum() == 0.0
