"""Maximum likelihood with Wald intervals on the log scale, and the lognormal pieces the fits use.

Every fitted assumption is positive (a mean, a CV, a throughput), so it is estimated as its log:
the likelihood is maximised by Nelder-Mead (no gradients needed, robust to the quadrature's small
roughness), the observed information is the numerical Hessian of the negative log-likelihood at
the maximum, and the 95% interval is exp(log-estimate +- 1.96 standard errors). On the log scale
the likelihood of these models is close to quadratic from a few dozen observations on, which is
where the Wald interval is accurate; the recovery test measures its coverage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import ndtr, ndtri

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Fit:
    """Estimates (natural scale), their 95% intervals, and whether the information was usable."""

    values: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    ok: bool  # False: the Hessian was not positive definite (the data cannot pin these down)


def maximise(neg_log_lik: Callable[[np.ndarray], float], start: np.ndarray) -> Fit:
    """Minimise `neg_log_lik` over log-parameters from `start` (logs); Wald intervals."""
    res = minimize(
        neg_log_lik,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 4000, "maxfev": 8000},
    )
    theta = res.x
    h = _hessian(neg_log_lik, theta)
    try:
        cov = np.linalg.inv(h)
        se = np.sqrt(np.diag(cov))
        ok = bool(np.all(np.isfinite(se)) and np.all(np.diag(cov) > 0))
    except np.linalg.LinAlgError:
        se, ok = np.full(len(theta), np.inf), False
    if not ok:
        se = np.full(len(theta), np.inf)
    return Fit(
        tuple(float(v) for v in np.exp(theta)),
        tuple(float(v) for v in np.exp(theta - Z95 * se)),
        tuple(float(v) for v in np.exp(theta + Z95 * se)),
        ok,
    )


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
