"""Tests of kpilib.kpis.clv: RFM summary, BG/NBD, Gamma-Gamma, projected cohort value.

Published values: Fader, Hardie & Lee (2005) on the CDNOW sample (tests/data/cdnow).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from kpilib.errors import DataError, KpiError, ParameterError
from kpilib.kpis.clv import BetaGeo, GammaGamma, projected_cohort_value, rfm_summary

CDNOW = Path(__file__).parent / "data" / "cdnow"
WEEKS = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # FHL (2005), CDNOW, weeks


def whole(message: str) -> str:
    """A pattern that matches exactly *message*."""
    return "^" + re.escape(message) + "$"


@pytest.fixture(scope="module")
def cdnow_orders() -> pd.DataFrame:
    raw = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "revenue"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"].astype(str),
            "order_date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[us]"),
            "revenue": raw["revenue"].astype("float64"),
        }
    )


@pytest.fixture(scope="module")
def cdnow_rfm(cdnow_orders: pd.DataFrame) -> pd.DataFrame:
    """Weeks 1-39 (calibration period of the paper)."""
    return rfm_summary(
        cdnow_orders, observation_end="1997-09-30", time_unit="weeks", value="revenue"
    )


@pytest.fixture(scope="module")
def cdnow_file() -> pd.DataFrame:
    return pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv").rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
    )


@pytest.fixture(scope="module")
def cdnow_bg(cdnow_rfm: pd.DataFrame) -> BetaGeo:
    return BetaGeo().fit(cdnow_rfm)


# --- rfm_summary ---------------------------------------------------------------------------


def small_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "customer_id": ["a", "a", "a", "b", "a", "c"],
            "order_date": pd.to_datetime(
                [
                    "2026-01-01 09:00",
                    "2026-01-01 17:00",  # same day as o1: one purchase of 15
                    "2026-01-15 00:00",
                    "2026-01-08 00:00",
                    "2026-02-05 00:00",  # after observation_end: left out
                    "2026-01-29 12:00",
                ]
            ).astype("datetime64[us]"),
            "revenue": [100.0, 50.0, 200.0, 70.0, 10.0, 30.0],
            "gross_margin": [10.0, 5.0, 20.0, 7.0, 1.0, 3.0],
        }
    )


def test_rfm_summary_in_weeks_by_hand() -> None:
    # a: purchase days 01-01 (15) and 01-15 (20) -> frequency 1, recency 14 d = 2 w,
    #    T = 28 d = 4 w, monetary = 20 (the first purchase is not a repeat)
    # b: one day, 01-08 -> T = 21 d = 3 w; c: bought on observation_end -> T = 0
    out = rfm_summary(small_orders(), observation_end="2026-01-29", time_unit="weeks")
    expected = pd.DataFrame(
        {
            "customer_id": pd.Series(["a", "b", "c"], dtype="str"),
            "frequency": np.array([1, 0, 0], dtype="int64"),
            "recency": [2.0, 0.0, 0.0],
            "T": [4.0, 3.0, 0.0],
            "monetary_value": [20.0, np.nan, np.nan],
        }
    )
    assert_frame_equal(out, expected)
    assert out.attrs["time_unit"] == "weeks"


def test_rfm_summary_units_and_value_column() -> None:
    # the same customer a: recency 14 days, T 28 days; in months 14/30.4375, 28/30.4375
    days = rfm_summary(
        small_orders(), observation_end="2026-01-29", time_unit="days", value="revenue"
    )
    months = rfm_summary(small_orders(), observation_end="2026-01-29", time_unit="months")
    assert days.loc[0, ["recency", "T", "monetary_value"]].tolist() == [14.0, 28.0, 200.0]
    assert months.loc[0, "recency"] == pytest.approx(14 / 30.4375, rel=1e-12)
    assert months.loc[0, "T"] == pytest.approx(28 / 30.4375, rel=1e-12)


def test_rfm_summary_empty_orders() -> None:
    out = rfm_summary(small_orders().iloc[:0], observation_end="2026-01-29", time_unit="weeks")
    assert out.columns.tolist() == ["customer_id", "frequency", "recency", "T", "monetary_value"]
    assert len(out) == 0


def test_rfm_summary_does_not_modify_input() -> None:
    orders = small_orders()
    rfm_summary(orders, observation_end="2026-01-29", time_unit="weeks")
    assert_frame_equal(orders, small_orders())


def test_rfm_summary_reproduces_the_cdnow_summary(
    cdnow_rfm: pd.DataFrame, cdnow_file: pd.DataFrame
) -> None:
    assert len(cdnow_rfm) == 2357
    assert cdnow_rfm["customer_id"].tolist() == [f"{i:04d}" for i in cdnow_file["ID"]]
    assert (cdnow_rfm["frequency"].to_numpy() == cdnow_file["frequency"].to_numpy()).all()
    for col in ["recency", "T"]:  # the file rounds weeks to 2 decimals
        diff = np.abs(cdnow_rfm[col].to_numpy() - cdnow_file[col].to_numpy())
        assert diff.max() <= 0.005 + 1e-9
    diff = np.abs(cdnow_rfm["monetary_value"].fillna(0).to_numpy() - cdnow_file["monetary_value"])
    assert diff.max() <= 0.005 + 1e-9  # cents


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"time_unit": "years"},
            ParameterError,
            "time_unit='years' is not accepted; use 'days', 'weeks' or 'months'.",
        ),
        (
            {"value": "amount"},
            ParameterError,
            "value='amount' is not accepted; use 'gross_margin' or 'revenue'.",
        ),
        (
            {"observation_end": "soon"},
            ParameterError,
            "observation_end='soon' is not a date; pass a date such as '2026-10-31'.",
        ),
    ],
)
def test_rfm_summary_bad_options(kwargs: dict, error: type, message: str) -> None:
    args = {"observation_end": "2026-01-29", "time_unit": "weeks"} | kwargs
    with pytest.raises(error, match=whole(message)):
        rfm_summary(small_orders(), **args)


def test_rfm_summary_bad_orders() -> None:
    with pytest.raises(
        DataError,
        match=whole(
            "rfm_summary: orders: missing column 'gross_margin' (it has: order_id, customer_id, "
            "order_date, revenue). kpilib.rfm_summary expects the orders table (customer_id, "
            "order_date, gross_margin); pass kpilib.load_dataset(folder).orders, or rename the "
            "matching columns as docs/data-model.md shows."
        ),
    ):
        rfm_summary(
            small_orders().drop(columns="gross_margin"),
            observation_end="2026-01-29",
            time_unit="weeks",
        )
    text_dates = small_orders().assign(order_date=lambda f: f["order_date"].astype(str))
    with pytest.raises(
        DataError,
        match=whole(
            "rfm_summary: orders: order_date has dtype str, not datetime. Parse it with "
            "pd.to_datetime, or load the orders with kpilib.load_dataset."
        ),
    ):
        rfm_summary(text_dates, observation_end="2026-01-29", time_unit="weeks")
    no_id = small_orders()
    no_id.loc[[1, 3], "customer_id"] = None
    with pytest.raises(
        DataError,
        match=whole(
            "rfm_summary: orders: 2 rows have no customer_id (rows 1, 3). Fill or drop those orders."
        ),
    ):
        rfm_summary(no_id, observation_end="2026-01-29", time_unit="weeks")


# --- BG/NBD --------------------------------------------------------------------------------


def test_betageo_reproduces_fader_hardie_lee_2005(cdnow_bg: BetaGeo) -> None:
    # FHL (2005), section 4: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4
    assert {k: round(v, 3) for k, v in cdnow_bg.params_.items()} == WEEKS
    assert round(cdnow_bg.log_likelihood_, 1) == -9582.4
    assert cdnow_bg.n_customers_ == 2357
    assert cdnow_bg.time_unit_ == "weeks"


def test_betageo_on_the_published_summary_file(cdnow_file: pd.DataFrame) -> None:
    bg = BetaGeo().fit(cdnow_file)
    assert {k: round(v, 3) for k, v in bg.params_.items()} == WEEKS
    assert round(bg.log_likelihood_, 1) == -9582.4
    assert bg.time_unit_ is None  # a CSV carries no unit
    # standard errors printed by lifetimes 0.11.3's BetaGeoFitter.summary on this file
    published = {"r": 0.012557, "alpha": 0.378221, "a": 0.185719, "b": 0.705345}
    for k, v in published.items():
        assert bg.standard_errors_[k] == pytest.approx(v, rel=1e-3)
    summary = bg.summary()
    assert summary.columns.tolist() == [
        "parameter",
        "estimate",
        "standard_error",
        "lower_95",
        "upper_95",
    ]
    assert summary["lower_95"].iloc[0] == pytest.approx(0.242593 - 1.959964 * 0.012557, abs=1e-4)


def test_betageo_conditional_expectation_of_the_paper() -> None:
    # FHL (2005), section 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in 39 weeks
    bg = BetaGeo.from_params(**WEEKS)
    rfm = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]}, index=["c1"])
    out = bg.expected_purchases(rfm, 39)
    assert out.index.tolist() == ["c1"]
    assert round(float(out.iloc[0]), 3) == 1.226


def test_betageo_probability_alive_by_hand() -> None:
    # x = 2, t_x = 5, T = 38.86: a/(b+x-1) = 0.793/3.426 = 0.23147;
    # ((alpha+T)/(alpha+t_x))^(r+x) = (43.274/9.414)^2.243 = 30.61; P = 1/(1 + 7.086) = 0.1237
    # x = 0: alive for sure (the model only lets a customer drop out after a purchase)
    bg = BetaGeo.from_params(**WEEKS)
    rfm = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 5.0], "T": [38.86, 38.86]})
    assert bg.probability_alive(rfm).round(4).tolist() == [1.0, 0.1237]


@pytest.mark.parametrize(
    ("params", "x", "big_t", "t", "reference"),
    [
        # E[Y(t) | alive] by 30-digit quadrature of its defining integral (mpmath), computed
        # once outside the tests. The closed forms overflow (a = 1000), divide 0/0 (a = 1)
        # or by 0 (a + b = 1, x = 0): these take the quadrature fallback.
        ((0.5, 5.0, 1000.0, 300.0), 5, 100.0, 156.0, 1.28530906223757),
        ((0.243, 4.414, 1.0, 2.426), 2, 38.86, 39.0, 1.62514953634328),
        ((0.5, 5.0, 0.25, 0.75), 0, 50.0, 52.0, 0.41486805338676),
        ((0.243, 4.414, 0.793, 2.426), 2, 38.86, 39.0, 1.68739930580531),
    ],
)
def test_betageo_expectation_where_closed_forms_fail(
    params: tuple, x: int, big_t: float, t: float, reference: float
) -> None:
    r, alpha, a, b = params
    bg = BetaGeo.from_params(r=r, alpha=alpha, a=a, b=b)
    rfm = pd.DataFrame({"frequency": [x], "recency": [0.0 if x == 0 else big_t], "T": [big_t]})
    # recency = T keeps P(alive) = 1 / (1 + a/(b+x-1)) for x > 0
    alive = 1.0 if x == 0 else 1 / (1 + a / (b + x - 1))
    assert float(bg.expected_purchases(rfm, t).iloc[0]) == pytest.approx(
        reference * alive, rel=1e-8
    )


def test_betageo_new_customer_starts_at_zero() -> None:
    bg = BetaGeo.from_params(**WEEKS)
    assert bg.expected_purchases_new_customer([0.0]).tolist() == [0.0]


def test_betageo_fit_errors() -> None:
    rfm = pd.DataFrame(
        {
            "frequency": [0, 0, 0, 1, 1, 2, 4, 1] * 20,
            "recency": [0.0, 0, 0, 3, 30, 6, 36, 20] * 20,
            "T": [40.0] * 160,
        }
    )
    with pytest.raises(
        KpiError,
        match=whole(
            "BetaGeo.fit did not converge in max_iter=1 iterations: the log-likelihood is not at a "
            "maximum yet. Raise max_iter. The summary has 100 repeat buyers among 160 customers; "
            "BG/NBD needs both repeat and one-time buyers over a long enough window."
        ),
    ):
        BetaGeo().fit(rfm, max_iter=1)
    nobody_returns = pd.DataFrame(
        {"frequency": [0] * 8, "recency": [0.0] * 8, "T": [10.0, 20, 30, 40] * 2}
    )
    with pytest.raises(
        KpiError,
        match=whole(
            "BetaGeo.fit did not converge: the log-likelihood is flat in some direction at the "
            "maximum, so the parameters are not identified. The summary has 0 repeat buyers among "
            "8 customers; BG/NBD needs both repeat and one-time buyers over a long enough window."
        ),
    ):
        BetaGeo().fit(nobody_returns)
    with pytest.raises(
        ParameterError, match=whole("BetaGeo.fit: rfm has no rows; it needs one row per customer.")
    ):
        BetaGeo().fit(rfm.iloc[:0])


def test_betageo_rejects_inconsistent_rfm() -> None:
    rfm = pd.DataFrame(
        {"frequency": [1, 2, 0], "recency": [5.0, 12.0, 0.0], "T": [10.0] * 3},
        index=["a", "b", "c"],
    )
    with pytest.raises(
        DataError,
        match=whole(
            "BetaGeo.probability_alive: rfm: 1 row has a recency outside 0..T (row b); recency is "
            "the age at the last purchase, T the age at the end of observation. Build it with "
            "kpilib.rfm_summary(orders, observation_end=..., time_unit=...)."
        ),
    ):
        BetaGeo.from_params(**WEEKS).probability_alive(rfm)
    with pytest.raises(
        DataError,
        match=whole(
            "BetaGeo.fit: rfm: missing column 'T' (it has: frequency, recency). "
            "kpilib.BetaGeo.fit expects the frame of kpilib.rfm_summary(orders, "
            "observation_end=..., time_unit=...) (frequency, recency, T); make it with that call."
        ),
    ):
        BetaGeo().fit(rfm.drop(columns="T"))


def test_betageo_not_fitted_and_bad_params() -> None:
    with pytest.raises(
        ParameterError,
        match=whole(
            "BetaGeo is not fitted: call .fit(rfm) first, or build it with "
            "BetaGeo.from_params(r=..., alpha=..., a=..., b=...)."
        ),
    ):
        BetaGeo().summary()
    with pytest.raises(
        ParameterError, match=whole("BetaGeo.from_params: alpha, b must be finite numbers above 0.")
    ):
        BetaGeo.from_params(r=1, alpha=0, a=1, b=-1)


@settings(max_examples=40, deadline=None)
@given(
    r=st.floats(0.05, 5),
    alpha=st.floats(0.5, 50),
    a=st.floats(0.1, 5),
    b=st.floats(0.1, 10),
    x=st.integers(0, 30),
    share=st.floats(0, 1),
    big_t=st.floats(0.1, 100),
)
def test_betageo_invariants(
    r: float, alpha: float, a: float, b: float, x: int, share: float, big_t: float
) -> None:
    bg = BetaGeo.from_params(r=r, alpha=alpha, a=a, b=b)
    rfm = pd.DataFrame({"frequency": [x], "recency": [share * big_t if x else 0.0], "T": [big_t]})
    alive = float(bg.probability_alive(rfm).iloc[0])
    assert 0 <= alive <= 1
    expected = [float(bg.expected_purchases(rfm, t).iloc[0]) for t in (0.0, 10.0, 50.0)]
    assert expected[0] == 0
    assert 0 <= expected[1] <= expected[2] * (1 + 1e-9)


# --- Gamma-Gamma ---------------------------------------------------------------------------


def test_gammagamma_reproduces_the_published_fit(cdnow_rfm: pd.DataFrame) -> None:
    # Fader, Hardie & Lee (2005, JMR) / Fader & Hardie (2013): p = 6.25, q = 3.74, gamma = 15.44
    gg = GammaGamma().fit(cdnow_rfm[cdnow_rfm["frequency"] > 0])
    assert {k: round(v, 2) for k, v in gg.params_.items()} == {"p": 6.25, "q": 3.74, "gamma": 15.44}
    assert gg.n_customers_ == 946


def test_gammagamma_on_the_rounded_summary_file(cdnow_file: pd.DataFrame) -> None:
    # zbar rounded to cents moves gamma by 0.004: 15.4478 (the file) vs 15.4435 (transactions)
    gg = GammaGamma().fit(cdnow_file[cdnow_file["frequency"] > 0])
    assert {k: round(v, 2) for k, v in gg.params_.items()} == {"p": 6.25, "q": 3.74, "gamma": 15.45}


def test_gammagamma_expected_average_margin_by_hand() -> None:
    # x = 0: population mean p*gamma/(q-1) = 6.25*15.44/2.74 = 35.2190
    # x = 2, zbar = 22.35: (15.44 + 2*22.35)*6.25/(2*6.25 + 3.74 - 1) = 375.875/15.24 = 24.6637
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    rfm = pd.DataFrame({"frequency": [0, 2], "monetary_value": [np.nan, 22.35]})
    expected = pd.Series([35.2190, 24.6637], name="expected_average_margin")
    assert_series_equal(gg.expected_average_margin(rfm).round(4), expected)


def test_gammagamma_fit_warnings_and_errors() -> None:
    rfm = pd.DataFrame(
        {
            "frequency": [0, 1, 2, 1, 3, 1, 2, 1] * 10,
            "monetary_value": [np.nan, 1.0, 3, 10, 30, 100, 300, 1000] * 10,
        }
    )
    with pytest.warns(UserWarning) as record:
        gg = GammaGamma().fit(rfm)
    assert [str(w.message) for w in record] == [
        "GammaGamma.fit: rfm: 10 of 80 customers have frequency 0 and were left out; "
        "Gamma-Gamma is fitted on repeat buyers only. Pass rfm[rfm['frequency'] > 0] to "
        "silence this.",
        "GammaGamma.fit: q = 0.45 <= 1, so the population mean value p*gamma/(q-1) is "
        "undefined and expected values of customers without repeat purchases cannot be "
        "computed. Fit on more repeat buyers or drop outliers.",
    ]
    with pytest.raises(
        ParameterError,
        match=whole(
            "GammaGamma.expected_average_margin: q = 0.45 <= 1, so the expected value of the 10 "
            "customers without repeat purchase is undefined (p*gamma/(q-1)). Refit on more repeat "
            "buyers, or predict for repeat buyers only."
        ),
    ):
        gg.expected_average_margin(rfm)
    negative = rfm.assign(monetary_value=lambda f: f["monetary_value"].where(f.index != 3, -5.0))
    with pytest.raises(
        DataError,
        match=whole(
            "GammaGamma.fit: rfm: 1 repeat buyer has a monetary_value <= 0 (row 3). Gamma-Gamma "
            "models positive values only; leave those customers out or fix the values."
        ),
    ):
        GammaGamma().fit(negative[negative["frequency"] > 0])
    with pytest.raises(
        ParameterError,
        match=whole(
            "GammaGamma.fit: rfm: no repeat buyers to fit on; Gamma-Gamma needs customers with "
            "frequency > 0."
        ),
    ):
        GammaGamma().fit(rfm.iloc[:0])


def test_clv_without_discount_is_purchases_times_margin() -> None:
    # d = 0: the monthly increments telescope to E[Y(12 months)] * E[M]
    bg = BetaGeo.from_params(**WEEKS, time_unit="weeks")
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    rfm = pd.DataFrame(
        {
            "frequency": [0, 2],
            "recency": [0.0, 30.43],
            "T": [38.86, 38.86],
            "monetary_value": [np.nan, 22.35],
        }
    )
    year = 365.25 / 7  # 12 months of 365.25/12 days, in weeks
    clv = gg.customer_lifetime_value(bg, rfm, horizon_months=12, discount_rate=0.0)
    plain = bg.expected_purchases(rfm, year) * gg.expected_average_margin(rfm)
    np.testing.assert_allclose(clv.to_numpy(), plain.to_numpy(), rtol=1e-12)


def test_clv_one_month_is_discounted_by_one_twelfth_of_a_year() -> None:
    # H = 1: E[Y(1 month)] * E[M] / 1.10^(1/12)
    bg = BetaGeo.from_params(**WEEKS)
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    rfm = pd.DataFrame(
        {"frequency": [2], "recency": [30.43], "T": [38.86], "monetary_value": [22.35]}
    )
    one = gg.customer_lifetime_value(bg, rfm, horizon_months=1, time_unit="weeks")
    month = bg.expected_purchases(rfm, 365.25 / 12 / 7) * 24.6637
    assert float(one.iloc[0]) == pytest.approx(float(month.iloc[0]) / 1.1 ** (1 / 12), rel=1e-5)


def test_clv_needs_a_time_unit_and_valid_options() -> None:
    bg = BetaGeo.from_params(**WEEKS)
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    rfm = pd.DataFrame(
        {"frequency": [2], "recency": [30.43], "T": [38.86], "monetary_value": [22.35]}
    )
    with pytest.raises(
        ParameterError,
        match=whole(
            "GammaGamma.customer_lifetime_value: the time unit of rfm is unknown; pass "
            "time_unit='days', 'weeks' or 'months'."
        ),
    ):
        gg.customer_lifetime_value(bg, rfm)
    with pytest.raises(
        ParameterError,
        match=whole("discount_rate=1.5 is invalid; use a yearly rate from 0 to 1 (0.10 for 10 %)."),
    ):
        gg.customer_lifetime_value(bg, rfm, discount_rate=1.5, time_unit="weeks")
    with pytest.raises(
        ParameterError,
        match=whole("horizon_months=-1 is invalid; use a whole number of months >= 0."),
    ):
        gg.customer_lifetime_value(bg, rfm, horizon_months=-1, time_unit="weeks")


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(0, 0.5), horizon=st.integers(0, 48))
def test_clv_is_positive_and_falls_with_the_discount_rate(rate: float, horizon: int) -> None:
    bg = BetaGeo.from_params(**WEEKS, time_unit="weeks")
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    rfm = pd.DataFrame(
        {
            "frequency": [0, 3],
            "recency": [0.0, 20.0],
            "T": [30.0, 30.0],
            "monetary_value": [np.nan, 40.0],
        }
    )
    low = gg.customer_lifetime_value(bg, rfm, horizon_months=horizon, discount_rate=rate)
    high = gg.customer_lifetime_value(bg, rfm, horizon_months=horizon, discount_rate=rate + 0.1)
    assert (low >= 0).all()
    assert (high <= low * (1 + 1e-12)).all()


# --- projected_cohort_value ----------------------------------------------------------------


def background(n: int = 200, seed: int = 3) -> pd.DataFrame:
    """Orders of customers outside the leads: enough for both fits to converge."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    k = rng.geometric(rng.beta(2, 5, n))
    gap = rng.gamma(2, 20, n)
    steps = pd.Series(rng.exponential(np.repeat(gap, k))).groupby(np.repeat(np.arange(n), k))
    days = (steps.cumsum() - steps.transform("first")).round().to_numpy()
    return pd.DataFrame(
        {
            "order_id": [f"B{i}" for i in range(k.sum())],
            "customer_id": np.repeat([f"B{i:03d}" for i in range(n)], k),
            "order_date": (np.repeat(first, k) + pd.to_timedelta(days, unit="D")).astype(
                "datetime64[us]"
            ),
            "revenue": np.full(k.sum(), 100.0),
            "gross_margin": rng.gamma(4, np.repeat(rng.gamma(3, 3, n), k)).round(2),
        }
    )


def cohort_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "customer_id": ["x1", "x2", "x3", None],
            "sale_at": pd.to_datetime(["2025-01-10", "2025-01-20", "2025-02-03", None]).astype(
                "datetime64[us]"
            ),
        }
    )
    mine = pd.DataFrame(
        {
            "order_id": ["X1", "X2", "X3", "X4", "X5"],
            "customer_id": ["x1", "x1", "x2", "x3", "x1"],
            "order_date": pd.to_datetime(
                ["2025-01-10", "2025-02-15", "2025-01-20", "2025-02-03", "2025-03-01"]
            ).astype("datetime64[us]"),
            "revenue": [100.0, 50.0, 80.0, 60.0, 40.0],
            "gross_margin": [40.0, 20.0, 30.0, 24.0, 16.0],
        }
    )
    return leads, pd.concat([background(), mine], ignore_index=True)


def test_projected_cohort_value_observed_part_by_hand() -> None:
    # as_of 2026-06-30 is long after month 2 of every cohort: nothing is projected.
    # 2025-01 (x1, x2): month 0 = 40 + 30 = 70 -> 35/customer; month 1 +20 -> 45; month 2 +16 -> 53
    # 2025-02 (x3): month 0 = 24, nothing after -> 24, 24, 24
    # discounted: 2025-01: 35, 35 + 10/1.1^(1/12), + 8/1.1^(2/12)
    leads, orders = cohort_data()
    res = projected_cohort_value(leads, orders, as_of="2026-06-30", horizon_months=2)
    d1, d2 = 1.1 ** (-1 / 12), 1.1 ** (-2 / 12)
    expected = pd.DataFrame(
        {
            "cohort": pd.Series(["2025-01"] * 3 + ["2025-02"] * 3, dtype="str"),
            "months_since": np.array([0, 1, 2] * 2, dtype="int64"),
            "customers": np.array([2, 2, 2, 1, 1, 1], dtype="int64"),
            "projected": [False] * 6,
            "projected_cumulative_margin_per_customer": [35.0, 45.0, 53.0, 24.0, 24.0, 24.0],
            "discounted_cumulative_margin_per_customer": [
                35.0,
                35 + 10 * d1,
                35 + 10 * d1 + 8 * d2,
                24.0,
                24.0,
                24.0,
            ],
        }
    )
    assert_frame_equal(res.curves, expected)
    clv = pd.DataFrame(
        {
            "cohort": pd.Series(["2025-01", "2025-02"], dtype="str"),
            "customers": np.array([2, 1], dtype="int64"),
            "observed_margin_per_customer": [53.0, 24.0],
            "projected_clv": [35 + 10 * d1 + 8 * d2, 24.0],
            "horizon_months": np.array([2, 2], dtype="int64"),
            "discount_rate": [0.1, 0.1],
        }
    )
    assert_frame_equal(res.clv, clv)
    assert res.notes == []


def test_projected_cohort_value_adds_the_model_after_as_of() -> None:
    # as_of 2025-02-20: cohort 2025-01's month 1 (February) ends 8 days later, month 2 (March)
    # 39 days later. Observed to as_of: 40 + 30 + 20 = 90 -> 45/customer.
    # Projection: 45 + mean over x1, x2 of E[purchases in 8/7 (or 39/7) weeks] * E[margin].
    leads, orders = cohort_data()
    res = projected_cohort_value(leads, orders, as_of="2025-02-20", horizon_months=2)
    bg, gg = res.beta_geo, res.gamma_gamma
    assert bg is not None and gg is not None
    mine = rfm_summary(orders, observation_end="2025-02-20", time_unit="weeks")
    mine = mine.set_index("customer_id").loc[["x1", "x2"]]
    margin = gg.expected_average_margin(mine)
    per_month = [float((bg.expected_purchases(mine, d / 7) * margin).mean()) for d in (8, 39)]
    curve = res.curves.loc[res.curves["cohort"] == "2025-01"]
    assert curve["projected"].tolist() == [False, True, True]
    got = curve["projected_cumulative_margin_per_customer"].to_numpy()
    np.testing.assert_allclose(got, [35.0, 45 + per_month[0], 45 + per_month[1]], rtol=1e-12)
    assert res.clv["observed_margin_per_customer"].tolist() == [45.0, 24.0]


def test_projected_cohort_value_margin_rate_uses_revenue() -> None:
    # background revenue is 100 per order; with margin_rate 0.5 cohort 2025-01 month 0 is
    # (100 + 80) * 0.5 / 2 = 45
    leads, orders = cohort_data()
    res = projected_cohort_value(
        leads,
        orders.drop(columns="gross_margin"),
        as_of="2026-06-30",
        horizon_months=0,
        margin_rate=0.5,
    )
    assert res.curves["projected_cumulative_margin_per_customer"].tolist() == [45.0, 30.0]


def test_projected_cohort_value_without_customers() -> None:
    leads, orders = cohort_data()
    res = projected_cohort_value(leads.iloc[3:], orders, as_of="2026-06-30")
    assert res.curves.columns.tolist() == [
        "cohort",
        "months_since",
        "customers",
        "projected",
        "projected_cumulative_margin_per_customer",
        "discounted_cumulative_margin_per_customer",
    ]
    assert len(res.curves) == 0 and len(res.clv) == 0
    assert res.beta_geo is None and res.notes == []


def test_projected_cohort_value_errors() -> None:
    leads, orders = cohort_data()
    dup = pd.concat([orders, orders.iloc[[0]]], ignore_index=True)
    last = len(dup) - 1
    with pytest.raises(
        DataError,
        match=whole(
            "projected_cohort_value: orders: 2 rows share an order_id with another row "
            f"(rows 0, {last}). order_id must be unique; remove the duplicates."
        ),
    ):
        projected_cohort_value(leads, dup, as_of="2026-06-30")
    with pytest.raises(
        DataError,
        match=whole(
            "projected_cohort_value: orders: missing column 'gross_margin' (it has: order_id, "
            "customer_id, order_date, revenue). kpilib.projected_cohort_value expects the orders "
            "table (order_id, customer_id, order_date, gross_margin); pass "
            "kpilib.load_dataset(folder).orders, or pass margin_rate to use revenue x margin_rate."
        ),
    ):
        projected_cohort_value(leads, orders.drop(columns="gross_margin"), as_of="2026-06-30")
    with pytest.raises(
        DataError,
        match=whole(
            "projected_cohort_value: leads: missing column 'sale_at' (it has: lead_id, "
            "customer_id). kpilib.projected_cohort_value expects the leads table (customer_id, "
            "sale_at); pass kpilib.load_dataset(folder).leads."
        ),
    ):
        projected_cohort_value(leads.drop(columns="sale_at"), orders, as_of="2026-06-30")
    for kwargs, message in [
        (
            {"horizon_months": 2.5},
            "horizon_months=2.5 is invalid; use a whole number of months >= 0.",
        ),
        (
            {"discount_rate": -0.1},
            "discount_rate=-0.1 is invalid; use a yearly rate from 0 to 1 (0.10 for 10 %).",
        ),
        (
            {"margin_rate": 35},
            "margin_rate=35 is invalid; use a fraction from 0 to 1 (0.35 for 35 %).",
        ),
    ]:
        with pytest.raises(ParameterError, match=whole(message)):
            projected_cohort_value(leads, orders, as_of="2026-06-30", **kwargs)


def test_projected_cohort_value_does_not_modify_inputs() -> None:
    leads, orders = cohort_data()
    before = (leads.copy(), orders.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        projected_cohort_value(leads, orders, as_of="2025-02-20", horizon_months=3)
    assert_frame_equal(leads, before[0])
    assert_frame_equal(orders, before[1])


def test_betageo_warns_when_parameters_are_poorly_identified() -> None:
    # no customer goes quiet long before T: nothing tells how drop-out varies
    rfm = pd.DataFrame(
        {
            "frequency": [0, 0, 0, 1, 1, 2, 3, 5] * 25,
            "recency": [0.0, 0, 0, 10, 30, 20, 35, 38] * 25,
            "T": [40.0, 35, 30, 40, 38, 39, 40, 40] * 25,
        }
    )
    with pytest.warns(UserWarning) as record:
        BetaGeo().fit(rfm)
    assert [str(w.message) for w in record] == [
        "BetaGeo.fit: a, b are poorly identified (95 % interval beyond a factor 50 either "
        "side): the data hardly pin them down. Predictions remain usable; do not interpret "
        "these parameters."
    ]


def test_projected_cohort_value_returns_fit_caveats_as_notes() -> None:
    # every customer drops out with the same probability 0.35 after each order: a and b
    # are not identified; the caveat is returned, not warned (warnings are errors here)
    rng = np.random.default_rng(0)
    ids = [f"C{i:02d}" for i in range(80)]
    first = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 90, 80), unit="D")
    n = rng.geometric(0.35, size=80)
    gaps = pd.Series(rng.exponential(35, n.sum())).groupby(np.repeat(np.arange(80), n))
    days = (gaps.cumsum() - gaps.transform("first")).round().to_numpy()
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(n.sum())],
            "customer_id": np.repeat(ids, n),
            "order_date": np.repeat(first, n) + pd.to_timedelta(days, unit="D"),
            "gross_margin": rng.gamma(4, np.repeat(rng.gamma(3, 3, 80), n)),
        }
    )
    leads = pd.DataFrame({"customer_id": ids, "sale_at": first})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = projected_cohort_value(leads, orders, as_of="2025-06-30", horizon_months=6)
    assert res.notes == [
        "BetaGeo.fit: a, b are poorly identified (95 % interval beyond a factor 50 either "
        "side): the data hardly pin them down. Predictions remain usable; do not interpret "
        "these parameters.",
        "GammaGamma.fit: q, gamma are poorly identified (95 % interval beyond a factor 50 "
        "either side): the data hardly pin them down. Predictions remain usable; do not "
        "interpret these parameters.",
    ]


def test_projected_cohort_value_needs_orders_before_as_of() -> None:
    leads, orders = cohort_data()
    with pytest.raises(
        DataError,
        match=whole(
            "projected_cohort_value: orders: no order up to as_of 2024-12-31; the models need the "
            "customers' order history. Check as_of, or load the orders table."
        ),
    ):
        projected_cohort_value(
            leads.assign(sale_at=pd.Timestamp("2024-12-01")), orders, as_of="2024-12-31"
        )
