"""Maximum likelihood with profile-likelihood intervals, and the lognormal pieces the fits use.

Every fitted assumption is positive (a mean, a CV, a throughput), so it is estimated as its log:
the likelihood is maximised by Nelder-Mead (no gradients needed, robust to the quadrature's small
roughness). Each 95% interval is the profile-likelihood interval: the values of one parameter
where the likelihood, maximised over the others, is within chi-squared(1)/2 = 1.92 of its
maximum. It follows the likelihood's own shape where it is skewed (a CV from few observations),
unlike the Wald interval (estimate +- 1.96 standard errors from the Hessian), which only seeds
the search here. A Hessian that is not positive definite means the data cannot pin the
parameters down: the fit says so. The recovery tests measure the intervals' coverage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize, minimize_scalar
from scipy.special import ndtr, ndtri

Z95 = 1.959963984540054
CHI2_95 = 3.841458820694124  # the 95% point of chi-squared with one degree of freedom


@dataclass(frozen=True)
class Fit:
    """Estimates (natural scale), their 95% intervals, and whether the information was usable."""

    values: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    ok: bool  # False: the Hessian was not positive definite (the data cannot pin these down)


def maximise(neg_log_lik: Callable[[np.ndarray], float], start: np.ndarray) -> Fit:
    """Minimise `neg_log_lik` over log-parameters from `start` (logs); profile-likelihood
    intervals, searched for from the Wald ones."""
    res = minimize(
        neg_log_lik,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 4000, "maxfev": 8000},
    )
    theta, best = res.x, float(res.fun)
    h = _hessian(neg_log_lik, theta)
    try:
        cov = np.linalg.inv(h)
        ok = bool(np.all(np.isfinite(cov)) and np.all(np.diag(cov) > 0))
    except np.linalg.LinAlgError:
        ok = False
    if not ok:
        inf = tuple(float("inf") for _ in theta)
        return Fit(tuple(float(v) for v in np.exp(theta)), (0.0,) * len(theta), inf, False)
    se = np.sqrt(np.diag(cov))
    low, high = [], []
    for i in range(len(theta)):
        lo, hi = (_endpoint(neg_log_lik, theta, best, i, se, side) for side in (-1, 1))
        low.append(float(np.exp(lo)))
        high.append(float(np.exp(hi)))
    return Fit(tuple(float(v) for v in np.exp(theta)), tuple(low), tuple(high), True)


def _profile(f: Callable[[np.ndarray], float], theta: np.ndarray, i: int, x: float) -> float:
    """The negative log-likelihood with parameter i fixed at x, the others at their best."""
    if len(theta) == 1:
        return f(np.array([x]))
    rest = np.delete(theta, i)

    def at(others: np.ndarray) -> float:
        return f(np.insert(np.asarray(others, dtype=float), i, x))

    if len(rest) == 1:
        r = minimize_scalar(
            lambda y: at(np.array([y])), bracket=(rest[0] - 0.05, rest[0]), tol=1e-4
        )
        return float(r.fun)
    return float(minimize(at, rest, method="Nelder-Mead").fun)


def _endpoint(f, theta: np.ndarray, best: float, i: int, se: np.ndarray, side: int) -> float:
    """Where the profile rises CHI2_95 / 2 above the maximum, on one side of parameter i (log
    scale); the Wald end point is the first guess, widened until the profile crosses."""
    target = best + CHI2_95 / 2

    def excess(x: float) -> float:
        return _profile(f, theta, i, x) - target

    step = Z95 * se[i]
    far = theta[i] + side * step
    for _ in range(8):
        if excess(far) > 0:
            break
        far += side * step
    else:
        return float("inf") * side
    return float(brentq(excess, theta[i], far, xtol=1e-3))


def _hessian(f: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-3) -> np.ndarray:
    n = len(x)
    h = np.zeros((n, n))
    f0 = f(x)
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * step, np.eye(n)[j] * step
            if i == j:
                h[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / step**2
            else:
                h[i, j] = h[j, i] = (
                    f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
                ) / (4 * step**2)
    return h


def sigma(cv: float | np.ndarray) -> np.ndarray:
    """The log-sd of a lognormal with this CV."""
    return np.sqrt(np.log1p(np.square(cv)))


def log_pdf(x: np.ndarray, mean: float, cv: float) -> np.ndarray:
    """Log density of a lognormal with this mean and CV (-inf where x <= 0)."""
    s = float(sigma(cv))
    mu = np.log(mean) - s * s / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        lx = np.log(np.where(x > 0, x, np.nan))
        out = -((lx - mu) ** 2) / (2 * s * s) - lx - np.log(s * np.sqrt(2 * np.pi))
    return np.where(x > 0, out, -np.inf)


def cdf(x: np.ndarray, scale: np.ndarray | float, cv: float) -> np.ndarray:
    """P(scale * J <= x) for J lognormal with mean 1 and this CV (0 where x <= 0)."""
    s = float(sigma(cv))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log(np.where(x > 0, x, np.nan) / scale) + s * s / 2) / s
    return np.where(x > 0, ndtr(np.nan_to_num(z, nan=-np.inf)), 0.0)


def unit_factors(dist: str, cv: float, k: int) -> np.ndarray:
    """k equally weighted points standing for a mean-1 factor of this shape: the mid-quantiles."""
    u = (np.arange(k) + 0.5) / k
    if dist == "fixed" or (dist == "lognormal" and cv <= 0):
        return np.ones(1)
    if dist == "exponential":
        return -np.log1p(-u)
    s = float(sigma(cv))
    return np.exp(s * ndtri(u) - s * s / 2)


def start_from_moments(x: np.ndarray) -> np.ndarray:
    """Log mean and log CV of a positive sample, as a starting point."""
    mean = float(np.mean(x))
    cv = float(np.std(x) / mean) if mean > 0 else 0.3
    return np.log([max(mean, 1e-6), min(max(cv, 0.02), 4.0)])
