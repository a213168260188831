"""The BG/NBD log-likelihood (Fader, Hardie & Lee 2005) and its gradient, per customer."""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, gammaln

__all__ = ["distinct_x", "log_likelihood", "log_likelihood_and_gradient", "terms"]


def log_likelihood(
    params: np.ndarray,
    x: np.ndarray,
    tx: np.ndarray,
    t: np.ndarray,
    *,
    by_x: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Per-customer log-likelihood, eq. (6) of Fader, Hardie & Lee (2005), in logs.

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x));
    the two terms are added with log-sum-exp, so nothing under- or overflows.
    *by_x*: :func:`distinct_x` of *x*, when the caller evaluates it many times.
    """
    common, still_alive, dropped = terms(params, x, tx, t, by_x)
    return common + np.logaddexp(still_alive, dropped)


def distinct_x(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct repeat counts of *x* and where each customer's is among them."""
    values, where = np.unique(x, return_inverse=True)
    return values, where.reshape(-1)


def terms(
    params: np.ndarray,
    x: np.ndarray,
    tx: np.ndarray,
    t: np.ndarray,
    by_x: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log L = common + logaddexp(still_alive, dropped); dropped is -inf where x = 0.

    The log-gamma and log-beta terms depend on a customer only through its repeat
    count x, a few dozen distinct values among thousands of customers: they are
    computed once per distinct x and spread (the same values, element by element,
    as computed per customer).
    """
    r, alpha, a, b = params
    values, where = distinct_x(x) if by_x is None else by_x
    common = (gammaln(r + values) - gammaln(r) + r * np.log(alpha) - betaln(a, b))[where]
    still_alive = betaln(a, b + values)[where] - (r + x) * np.log(alpha + t)
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    xr = x[repeat]
    some = values > 0
    after_repeat = np.zeros_like(values)
    after_repeat[some] = betaln(a + 1, b + values[some] - 1)
    dropped[repeat] = after_repeat[where[repeat]] - (r + xr) * np.log(alpha + tx[repeat])
    return common, still_alive, dropped


def log_likelihood_and_gradient(
    params: np.ndarray, x: np.ndarray, tx: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer log-likelihood and the gradient of its sum on log r, alpha, a, b.

    With w = exp(still_alive - log L) the weight of the first term (1 where x = 0)
    and psi the digamma function, per customer:
    d/dr = psi(r+x) - psi(r) + log alpha - w log(alpha+T) - (1-w) log(alpha+t_x);
    d/dalpha = r/alpha - (r+x) (w/(alpha+T) + (1-w)/(alpha+t_x));
    d/da = psi(a+b) - psi(a+b+x) + (1-w)/a;
    d/db = psi(a+b) - psi(a+b+x) + psi(b+x) - psi(b) - (1-w)/(b+x-1)
    (d/da and d/db use psi(y+1) = psi(y) + 1/y). Each is times the parameter
    (chain rule on log-parameters).
    """
    r, alpha, a, b = params
    common, still_alive, dropped = terms(params, x, tx, t)
    mixed = np.logaddexp(still_alive, dropped)
    w = np.exp(still_alive - mixed)
    v = 1 - w  # 0 where x = 0
    repeat = x > 0
    log_at, log_atx = np.log(alpha + t), np.log(alpha + tx)
    shared = digamma(a + b) - digamma(a + b + x)
    after = np.zeros_like(x)
    after[repeat] = v[repeat] / (b + x[repeat] - 1)
    grad = np.array(
        [
            r * np.sum(digamma(r + x) - digamma(r) + np.log(alpha) - w * log_at - v * log_atx),
            np.sum(r - alpha * (r + x) * (w / (alpha + t) + v / (alpha + tx))),
            np.sum(shared + v / a) * a,
            b * np.sum(shared + digamma(b + x) - digamma(b) - after),
        ]
    )
    return common + mixed, grad
