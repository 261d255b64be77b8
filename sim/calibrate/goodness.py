"""Goodness of fit: each kind of observation against what the fitted model simulates for the same
operations (same image sizes, replica counts and sampling times), as a quantile table and the
two-sample Kolmogorov-Smirnov statistic.

The model draws `PER_OBSERVATION` simulated values for each observation, with the model's own
functions (sim.streams for disk and boot, sim.replication for copies). The KS p-value treats the
fitted parameters as known, which makes it conservative (the fit was chosen to match): a small
p-value is therefore strong evidence that no value of these parameters reproduces the data (a
bimodal disk time, two populations mixed), and calibrate warns below WARN_P.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import ks_2samp

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)
PER_OBSERVATION = 40
WARN_P = 0.01


@dataclass(frozen=True)
class Comparison:
    """Observed against simulated for one kind of operation."""

    what: str  # "VM creates (no 429, no queue)", ...
    observed: tuple[float, ...]  # the finite observed values, seconds
    simulated: tuple[float, ...]
    ks: float
    p_value: float

    @property
    def reproduced(self) -> bool:
        """False when the model cannot reproduce the data (p below WARN_P)."""
        return self.p_value >= WARN_P

    def quantile_rows(self) -> list[tuple[float, float, float]]:
        """(q, observed, simulated) for each quantile in QUANTILES."""
        o, s = np.quantile(self.observed, QUANTILES), np.quantile(self.simulated, QUANTILES)
        return [(q, float(a), float(b)) for q, a, b in zip(QUANTILES, o, s, strict=True)]

    def warning(self) -> str | None:
        """What to tell the user when the model does not reproduce these observations."""
        if self.reproduced:
            return None
        return (
            f"the model cannot reproduce the {self.what}: KS D={self.ks:.3f}, p={self.p_value:.2g} "
            f"over {len(self.observed)} observations; the observed times may be bimodal or mix "
            "populations (image sizes, VM sizes, regions, times of day): split the observations, "
            "and read the fitted values as a summary, not a model of them"
        )


def compare(what: str, observed: np.ndarray, simulated: np.ndarray) -> Comparison:
    """The comparison of two samples (infinite values, never-completed regions, dropped)."""
    o = observed[np.isfinite(observed)]
    s = simulated[np.isfinite(simulated)]
    result = ks_2samp(o, s)
    return Comparison(
        what,
        tuple(map(float, o)),
        tuple(map(float, s)),
        float(result.statistic),
        float(result.pvalue),
    )
