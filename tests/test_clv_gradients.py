"""Analytic gradients of the BG/NBD and Gamma-Gamma log-likelihoods (kpilib.kpis.clv).

Each gradient is on the log-parameters and is checked against central finite
differences of the log-likelihood itself and, at extreme parameters where finite
differences lose digits, against 40-digit mpmath derivatives of the same sums.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpilib.errors import KpiError
from kpilib.kpis.clv import GammaGamma
from kpilib.kpis.clv._betageo_likelihood import log_likelihood as bg_log_likelihood
from kpilib.kpis.clv._betageo_likelihood import log_likelihood_and_gradient as bg_gradient
from kpilib.kpis.clv._gammagamma import _log_likelihood as gg_log_likelihood
from kpilib.kpis.clv._gammagamma import _log_likelihood_and_gradient as gg_gradient
from kpilib.kpis.clv._mle import maximise

CDNOW = Path(__file__).parent / "data" / "cdnow"
# two customers without repeat purchase (x = 0: the second term is absent), a
# repeat buyer still buying, old and lapsed ones, a heavy buyer, a short window
X = np.array([0.0, 0, 1, 2, 5, 40, 1])
TX = np.array([0.0, 0, 3, 30, 36, 39, 0.5])
T = np.array([40.0, 1, 40, 38.9, 40, 40, 1000])
# Gamma-Gamma: repeat purchases and mean value of each
GX = np.array([1.0, 2, 5, 40])
ZBAR = np.array([22.35, 3.5, 150.0, 41.2])


def central(f, z: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of f on each log-parameter."""
    return np.array([(f(z + h * e) - f(z - h * e)) / (2 * h) for e in np.eye(len(z))])


@pytest.mark.parametrize(
    "params",
    [
        [0.243, 4.414, 0.793, 2.426],  # CDNOW estimate (FHL 2005)
        [8.9, 187.0, 20.0, 270.0],  # near the data/sample fit
        [0.05, 1e3, 50.0, 0.01],  # tiny r and b, large alpha
        [1e-3, 1e-2, 1e-3, 1e-3],  # every parameter tiny
    ],
)
def test_betageo_gradient_equals_central_differences(params: list[float]) -> None:
    z = np.log(params)
    values, grad = bg_gradient(np.exp(z), X, TX, T)
    assert np.array_equal(values, bg_log_likelihood(np.exp(z), X, TX, T))
    numeric = central(lambda u: float(np.sum(bg_log_likelihood(np.exp(u), X, TX, T))), z)
    assert grad == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # mpmath at 40 digits: mp.diff of the summed eq. (6) in log-parameters
        (
            [1e3, 1e4, 1e4, 1e5],
            [31.421354924630837, -32.03745200933296, -2.227498735727739, 2.2268260614059767],
        ),
        (
            [0.243, 4.414, 0.793, 2.426],
            [4.050304487202624, -4.998645299335557, -1.6895917116195351, 0.20013381019744184],
        ),
    ],
)
def test_betageo_gradient_equals_high_precision_values(
    params: list[float], expected: list[float]
) -> None:
    # at a, b ~ 1e4-1e5 betaln is ~-3e4, so central differences keep only ~4 digits
    _, grad = bg_gradient(np.array(params), X, TX, T)
    assert grad == pytest.approx(expected, rel=1e-8)


def test_betageo_gradient_without_repeat_buyers() -> None:
    # only x = 0 rows: B(a, b)/B(a, b) = 1, so L = (alpha/(alpha+T))^r and per customer
    # d/dlog r = r (log alpha - log(alpha+T)), d/dlog alpha = r - r alpha/(alpha+T),
    # d/dlog a = d/dlog b = 0; r = 2, alpha = 10, a = 1, b = 3, T = 10:
    # 2 log(1/2) = -1.386294, 2 - 2*10/20 = 1, 0, 0
    _, grad = bg_gradient(np.array([2.0, 10, 1, 3]), np.zeros(1), np.zeros(1), np.full(1, 10.0))
    assert grad == pytest.approx([2 * np.log(0.5), 1.0, 0.0, 0.0], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # mpmath at 40 digits: mp.diff of the summed log-density in log-parameters
        ([6.25, 3.74, 15.44], [-6.989911513942053, -1.8248890860607532, -3.3567020669591305]),
        ([1e-3, 1e4, 1e6], [4.140371197263234, -24.20911922526317, 24.1928289700179]),
    ],
)
def test_gammagamma_gradient(params: list[float], expected: list[float]) -> None:
    z = np.log(params)
    values, grad = gg_gradient(np.exp(z), GX, ZBAR)
    assert np.array_equal(values, gg_log_likelihood(np.exp(z), GX, ZBAR))
    assert grad == pytest.approx(expected, rel=1e-8)
    numeric = central(lambda u: float(np.sum(gg_log_likelihood(np.exp(u), GX, ZBAR))), z)
    assert grad == pytest.approx(numeric, rel=1e-6)


def test_gammagamma_fit_with_the_analytic_gradient() -> None:
    # the CDNOW summary file (tests/data/cdnow), 946 repeat buyers; the fit with
    # finite-difference gradients (kpilib before the analytic gradient) gave
    # p = 6.248788510, q = 3.744590605, gamma = 15.447792875, LL = -4055.923243503,
    # with a mean gradient of ~4e-7 left on the log-parameters; this one has ~2e-8
    # and a log-likelihood 9e-11 higher, so the two agree to the older one's tolerance
    rfm = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    repeat = rfm[rfm["x"] > 0].rename(columns={"x": "frequency", "zbar": "monetary_value"})
    gg = GammaGamma().fit(repeat)
    before = {"p": 6.248788510451699, "q": 3.744590604801861, "gamma": 15.447792875079568}
    assert gg.params_ == pytest.approx(before, rel=1e-5)
    assert gg.log_likelihood_ == pytest.approx(-4055.9232435029526, abs=1e-8)
    x, m = repeat["frequency"].to_numpy("float64"), repeat["monetary_value"].to_numpy("float64")
    _, grad = gg_gradient(np.array(list(gg.params_.values())), x, m)
    assert np.all(np.abs(grad / len(x)) < 1e-7)


def test_maximise_with_a_gradient_reports_a_likelihood_finite_nowhere() -> None:
    def nowhere(params: np.ndarray) -> np.ndarray:
        return np.full(3, -np.inf)

    with pytest.raises(
        KpiError,
        match="^"
        + re.escape(
            "Toy.fit did not converge: the log-likelihood is not finite at any point "
            "tried. Check the data."
        )
        + "$",
    ):
        maximise(
            nowhere,
            {"k": 1.0},
            model="Toy",
            max_iter=50,
            hint="Check the data.",
            with_gradient=lambda p: (nowhere(p), np.zeros(1)),
        )


def test_bg_nbd_terms_per_distinct_repeat_count_equal_the_per_customer_ones_bit_for_bit():
    from scipy.special import betaln, gammaln

    from kpilib.kpis.clv._betageo_likelihood import distinct_x

    rng = np.random.default_rng(3)
    x = rng.poisson(1.5, 500).astype(float)
    t = rng.integers(1, 60, 500).astype(float)
    tx = np.where(x > 0, rng.uniform(0, 1, 500) * t, 0.0)
    r, alpha, a, b = 0.7, 9.0, 1.3, 2.4
    # eq. (6) written per customer, as it was before the distinct counts
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x) - (r + x) * np.log(alpha + t)
    dropped = np.full_like(x, -np.inf)
    rep = x > 0
    dropped[rep] = betaln(a + 1, b + x[rep] - 1) - (r + x[rep]) * np.log(alpha + tx[rep])
    expected = common + np.logaddexp(alive, dropped)
    values, where = distinct_x(x)
    assert values.tolist() == sorted(set(x.tolist())) and np.array_equal(values[where], x)
    params = np.array([r, alpha, a, b])
    assert np.array_equal(bg_log_likelihood(params, x, tx, t, by_x=(values, where)), expected)
    assert np.array_equal(bg_log_likelihood(params, x, tx, t), expected)
