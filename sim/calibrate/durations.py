"""Fits of disk and boot times: direct (a lognormal per observation) and deconvolved.

The model (sim.deployment) times a VM create as held (429s) + queued (for a replica slot) + disk +
boot, with disk = (base + per_gb x GB) / speedup x F (F mean 1, shape disk.dist with disk.cv) and
boot lognormal (boot.mean, boot.cv). A create that met no 429 and found a free replica slot took
exactly disk + boot, so for those creates the likelihood is known: the density of a sum, computed
by integrating over F on its mid-quantile grid. That is how VM creates are deconvolved: the disk
part is held at its value (default, or fitted from disk observations when there are some) and the
boot part is fitted to the rest. Creates that were throttled or queued are left out of the fit
(their extra time is the throttling and replica assumptions, not disk or boot) and only compared.
"""

from __future__ import annotations

import numpy as np

from acgsim.sim.calibrate.likelihood import Fit, log_pdf, maximise, start_from_moments, unit_factors

GRID = 96  # quantile points standing for the disk factor F (the boot time smooths its steps)
CHUNK = 8192  # creates per block of the integrand: 8192 x 96 doubles, 6 MB


def lognormal_times(x: np.ndarray) -> Fit:
    """Mean and CV of lognormal times (boot rows, say)."""

    def nll(theta: np.ndarray) -> float:
        mean, cv = np.exp(theta)
        return -float(np.sum(log_pdf(x, mean, cv)))

    return maximise(nll, start_from_moments(x))


def disk_base(x: np.ndarray, sizes: np.ndarray, per_gb: float, speedup: float) -> Fit:
    """Disk creation times x = (base + per_gb x size) / speedup x F, F lognormal mean 1: the
    base and the CV (per_gb stays: one image size cannot separate it from the base)."""

    def nll(theta: np.ndarray) -> float:
        base, cv = np.exp(theta)
        means = (base + per_gb * sizes) / speedup
        return -float(np.sum(log_pdf(x / means, 1.0, cv) - np.log(means)))

    start = start_from_moments(x * speedup - per_gb * sizes + 1e-9)
    return maximise(nll, start)


def boot_from_creates(t: np.ndarray, disk_means: np.ndarray, dist: str, cv: float) -> Fit:
    """Boot mean and CV from create times t = disk_mean x F + B (B lognormal), F known. The
    n x GRID integrand is evaluated CHUNK rows at a time, so memory stays bounded."""
    f = unit_factors(dist, cv, GRID)

    def nll(theta: np.ndarray) -> float:
        mean, bcv = np.exp(theta)
        total = 0.0
        for i in range(0, len(t), CHUNK):
            rest = t[i : i + CHUNK, None] - np.outer(disk_means[i : i + CHUNK], f)
            dens = np.exp(log_pdf(rest, mean, bcv)).mean(axis=1)
            total -= float(np.sum(np.log(np.maximum(dens, 1e-300))))
        return total

    guess = np.maximum(t - disk_means, 1e-3)
    return maximise(nll, start_from_moments(guess))
