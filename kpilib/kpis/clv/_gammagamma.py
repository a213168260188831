"""The Gamma-Gamma model of the value per purchase (Fader, Hardie & Lee 2005; Fader & Hardie 2013)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from kpilib.errors import DataError, ParameterError
from kpilib.kpis.clv._betageo import BetaGeo
from kpilib.kpis.clv._checks import (
    DAYS_PER_UNIT,
    TimeUnit,
    check_time_unit,
    require_rfm,
    rfm_arrays,
    rows_text,
)
from kpilib.kpis.clv._mle import maximise

__all__ = ["GammaGamma"]


def _log_likelihood(params: np.ndarray, x: np.ndarray, zbar: np.ndarray) -> np.ndarray:
    """Per-customer log-density of the mean value zbar of x repeat purchases.

    f(zbar | p, q, gamma; x) = G(px+q) / (G(px) G(q)) * gamma^q x^(px) zbar^(px-1)
                               / (gamma + x zbar)^(px+q)
    """
    p, q, gamma = params
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + px * np.log(x)
        + (px - 1) * np.log(zbar)
        - (px + q) * np.log(gamma + x * zbar)
    )


def _log_likelihood_and_gradient(
    params: np.ndarray, x: np.ndarray, zbar: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer log-density and the gradient of its sum on log p, log q, log gamma.

    With psi the digamma function and s = gamma + x zbar, per customer:
    d/dp = x (psi(px+q) - psi(px) + log x + log zbar - log s);
    d/dq = psi(px+q) - psi(q) + log gamma - log s;
    d/dgamma = q/gamma - (px+q)/s; each times the parameter (log-parameters).
    """
    p, q, gamma = params
    px = p * x
    log_s = np.log(gamma + x * zbar)
    both = digamma(px + q)
    grad = np.array(
        [
            p * np.sum(x * (both - digamma(px) + np.log(x) + np.log(zbar) - log_s)),
            q * np.sum(both - digamma(q) + np.log(gamma) - log_s),
            np.sum(q - gamma * (px + q) / (gamma + x * zbar)),
        ]
    )
    return _log_likelihood(params, x, zbar), grad


class GammaGamma:
    """Gamma-Gamma: the value of each purchase around a customer's own mean.

    A customer's purchase values are Gamma(p, nu) around its mean p/nu, and nu ~
    Gamma(q, gamma) across customers; the value process is assumed independent of
    the purchase process (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie
    2013, "The Gamma-Gamma model of monetary value"). In kpilib the value is the
    gross margin of a purchase.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``gamma`` (gamma in money units).
    standard_errors_ : dict
        Asymptotic standard errors (inverse numerical Hessian).
    log_likelihood_ : float
        Total log-likelihood at the estimate.
    n_customers_ : int
        Repeat buyers the model was fitted on.

    Examples
    --------
    >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> rfm = pd.DataFrame({"frequency": [0, 2, 10], "monetary_value": [np.nan, 22.35, 50.0]})
    >>> gg.expected_average_margin(rfm).round(2).tolist()
    [35.22, 24.66, 49.38]
    """

    _names = ("p", "q", "gamma")

    def __init__(self) -> None:
        self.params_: dict[str, float] = {}
        self.standard_errors_: dict[str, float] = {}
        self.log_likelihood_: float = float("nan")
        self.n_customers_: int = 0

    def __repr__(self) -> str:
        if not self.params_:
            return "GammaGamma(not fitted)"
        return f"GammaGamma({', '.join(f'{k}={v:.4g}' for k, v in self.params_.items())})"

    @classmethod
    def from_params(cls, *, p: float, q: float, gamma: float) -> GammaGamma:
        """A model with known parameters, without a fit.

        Examples
        --------
        >>> GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        GammaGamma(p=6.25, q=3.74, gamma=15.44)
        """
        values = {"p": p, "q": q, "gamma": gamma}
        bad = [k for k, v in values.items() if not (np.isfinite(v) and v > 0)]
        if bad:
            raise ParameterError(
                f"GammaGamma.from_params: {', '.join(bad)} must be finite numbers above 0."
            )
        model = cls()
        model.params_ = {k: float(v) for k, v in values.items()}
        return model

    def _params(self) -> dict[str, float]:
        if not self.params_:
            raise ParameterError(
                "GammaGamma is not fitted: call .fit(rfm) first, or build it with "
                "GammaGamma.from_params(p=..., q=..., gamma=...)."
            )
        return self.params_

    def fit(self, rfm: pd.DataFrame, *, max_iter: int = 2000) -> GammaGamma:
        """Estimate p, q, gamma by maximum likelihood on the repeat buyers.

        Rows with ``frequency`` 0 carry no repeat value and are left out with a
        warning; a repeat buyer with ``monetary_value`` <= 0 is an error (the model
        is for positive values). A fit with q <= 1 warns: the population mean value
        p*gamma/(q-1) is then undefined.

        Parameters
        ----------
        rfm : DataFrame
            ``frequency`` and ``monetary_value`` (mean value of the repeat
            purchases) per customer, as made by :func:`kpilib.rfm_summary`.
        max_iter : int
            Iteration budget of each optimiser stage.

        Returns
        -------
        GammaGamma
            The model itself, fitted.

        Examples
        --------
        Simulated repeat buyers with p = 6, q = 3, gamma = 15:

        >>> rng = np.random.default_rng(0)
        >>> x = rng.integers(1, 6, 2000)  # repeat purchases
        >>> nu = rng.gamma(3.0, 1 / 15.0, 2000)  # each customer's rate, Gamma(q, gamma)
        >>> zbar = rng.gamma(6.0 * x, 1 / (nu * x))  # mean of x values ~ Gamma(p, nu)
        >>> gg = GammaGamma().fit(pd.DataFrame({"frequency": x, "monetary_value": zbar}))
        >>> {k: round(v, 1) for k, v in gg.params_.items()}
        {'p': 5.7, 'q': 3.0, 'gamma': 15.7}
        """
        name = "GammaGamma.fit: rfm"
        x, _, _, m = _value_arrays(rfm, name=name)
        repeat = x > 0
        if not repeat.all():
            warnings.warn(
                f"{name}: {int((~repeat).sum())} of {len(x)} customers have frequency 0 and "
                "were left out; Gamma-Gamma is fitted on repeat buyers only. Pass "
                "rfm[rfm['frequency'] > 0] to silence this.",
                UserWarning,
                stacklevel=2,
            )
        assert m is not None
        bad = repeat & ~(m > 0)
        if bad.any():
            hits = rfm.index[bad].to_list()
            raise DataError(
                f"{name}: {len(hits)} repeat {'buyer has' if len(hits) == 1 else 'buyers have'} "
                f"a monetary_value <= 0 ({rows_text(hits)}). Gamma-Gamma models positive "
                "values only; leave those customers out or fix the values."
            )
        x, m = x[repeat], m[repeat]
        if len(x) == 0:
            raise ParameterError(
                f"{name}: no repeat buyers to fit on; Gamma-Gamma needs customers with "
                "frequency > 0."
            )
        estimate = maximise(
            lambda p: _log_likelihood(p, x, m),
            {"p": 1.0, "q": 2.0, "gamma": float(np.mean(m))},
            model="GammaGamma",
            max_iter=max_iter,
            with_gradient=lambda p: _log_likelihood_and_gradient(p, x, m),
            hint=f"It was fitted on {len(x)} repeat buyers; it needs values that vary.",
        )
        self.params_ = estimate.params
        self.standard_errors_ = estimate.standard_errors
        self.log_likelihood_ = estimate.log_likelihood
        self.n_customers_ = len(x)
        if self.params_["q"] <= 1:
            warnings.warn(
                f"GammaGamma.fit: q = {self.params_['q']:.3g} <= 1, so the population mean "
                "value p*gamma/(q-1) is undefined and expected values of customers without "
                "repeat purchases cannot be computed. Fit on more repeat buyers or drop outliers.",
                UserWarning,
                stacklevel=2,
            )
        return self

    def expected_average_margin(self, rfm: pd.DataFrame) -> pd.Series:
        """Expected value per future purchase of each customer.

        E[M | p, q, gamma, x, zbar] = (gamma + x zbar) p / (p x + q - 1): a weighted
        mean of the population mean p gamma/(q-1) and the customer's own mean
        zbar, with weight p x/(p x + q - 1) on zbar. Customers with frequency 0 get
        the population mean (their monetary_value is ignored).

        Parameters
        ----------
        rfm : DataFrame
            ``frequency`` and ``monetary_value`` per customer.

        Returns
        -------
        Series
            Expected value per purchase (money), on ``rfm``'s index.

        Raises
        ------
        ParameterError
            When q <= 1 and some customer has frequency 0.

        Examples
        --------
        >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        >>> rfm = pd.DataFrame({"frequency": [0, 2], "monetary_value": [np.nan, 22.35]})
        >>> gg.expected_average_margin(rfm).round(2).tolist()
        [35.22, 24.66]
        """
        x, _, _, m = _value_arrays(rfm, name="GammaGamma.expected_average_margin: rfm")
        assert m is not None
        return pd.Series(
            self._expected(x, m, "expected_average_margin"),
            index=rfm.index,
            name="expected_average_margin",
        )

    def _expected(self, x: np.ndarray, m: np.ndarray, who: str) -> np.ndarray:
        par = self._params()
        p, q, gamma = par["p"], par["q"], par["gamma"]
        denominator = p * x + q - 1
        if np.any(denominator <= 0):
            raise ParameterError(
                f"GammaGamma.{who}: q = {q:.3g} <= 1, so the expected value of the "
                f"{int((denominator <= 0).sum())} customers without repeat purchase is "
                "undefined (p*gamma/(q-1)). Refit on more repeat buyers, or predict for "
                "repeat buyers only."
            )
        own = np.where(x > 0, x * np.nan_to_num(m), 0.0)
        return (gamma + own) * p / denominator

    def customer_lifetime_value(
        self,
        beta_geo: BetaGeo,
        rfm: pd.DataFrame,
        *,
        horizon_months: int = 36,
        discount_rate: float = 0.10,
        time_unit: TimeUnit | None = None,
    ) -> pd.Series:
        """Discounted expected value of each customer's purchases over the next months.

        CLV = sum over months i = 1..H of
        (E[Y(i months)] - E[Y(i-1 months)]) * E[M] / (1 + d)^(i/12),
        with E[Y] from *beta_geo* (:meth:`BetaGeo.expected_purchases`), E[M] from
        :meth:`expected_average_margin` and d the yearly discount rate: each month's
        expected purchases are discounted from the month's end, at the monthly rate
        (1+d)^(1/12) - 1. A month is 365.25/12 days, converted to the model's time unit.

        Parameters
        ----------
        beta_geo : BetaGeo
            Fitted purchase model; ``rfm`` is in its time unit.
        rfm : DataFrame
            frequency, recency, T, monetary_value per customer.
        horizon_months : int
            Number of months ahead (the horizon H), >= 0.
        discount_rate : float
            Yearly discount rate d, from 0 to 1 (0.10 for 10 %).
        time_unit : {"days", "weeks", "months"}, optional
            Time unit of ``rfm``; by default ``beta_geo.time_unit_``.

        Returns
        -------
        Series
            CLV in money units, on ``rfm``'s index.

        Examples
        --------
        >>> bg = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        >>> rfm = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 30.43],
        ...                     "T": [38.86, 38.86], "monetary_value": [np.nan, 22.35]})
        >>> gg.customer_lifetime_value(bg, rfm, time_unit="weeks").round(2).tolist()
        [19.42, 77.65]
        """
        unit = time_unit if time_unit is not None else beta_geo.time_unit_
        if unit is None:
            raise ParameterError(
                "GammaGamma.customer_lifetime_value: the time unit of rfm is unknown; pass "
                "time_unit='days', 'weeks' or 'months'."
            )
        unit = check_time_unit(unit)
        if not (isinstance(horizon_months, int) and horizon_months >= 0):
            raise ParameterError(
                f"horizon_months={horizon_months!r} is invalid; use a whole number of months >= 0."
            )
        if not (0 <= discount_rate <= 1):
            raise ParameterError(
                f"discount_rate={discount_rate!r} is invalid; use a yearly rate from 0 to 1 "
                "(0.10 for 10 %)."
            )
        x, tx, big_t, m = _value_arrays(
            rfm, name="GammaGamma.customer_lifetime_value: rfm", timed=True
        )
        assert m is not None
        margin = self._expected(x, m, "customer_lifetime_value")
        month = (365.25 / 12) / DAYS_PER_UNIT[unit]
        steps = np.arange(horizon_months + 1)
        cumulative = np.stack(
            [beta_geo._conditional(x, tx, big_t, np.full_like(x, i * month)) for i in steps],
            axis=1,
        )
        discount = (1 + discount_rate) ** (-steps[1:] / 12)
        value = np.diff(cumulative, axis=1) @ discount * margin
        return pd.Series(value, index=rfm.index, name="clv")


def _value_arrays(
    rfm: object, *, name: str, timed: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """frequency (and recency, T when *timed*) and monetary_value, checked."""
    if timed:
        return rfm_arrays(rfm, name=name, monetary=True)
    require_rfm(rfm, ["frequency", "monetary_value"], name=name)
    assert isinstance(rfm, pd.DataFrame)
    if not {"recency", "T"} <= set(rfm.columns):
        frame = rfm.assign(recency=0.0, T=0.0)
        x, _, _, m = rfm_arrays(frame, name=name, monetary=True)
        return x, x, x, m
    return rfm_arrays(rfm, name=name, monetary=True)
