"""Small statistics over runs (repetitions on child seeds): the mean and its 95% confidence
interval (Student t), and paired differences between two scenarios on common random numbers."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from pydantic import ConfigDict

# Two-sided 95% quantiles of Student's t (0.975 one-sided) by degrees of freedom; standard tables.
_T975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom (interpolated in 1/df)."""
    if df < 1:
        raise ValueError("a confidence interval needs at least two values")
    if df in _T975:
        return _T975[df]
    keys = sorted(_T975)
    if df > keys[-1]:
        lo, hi, tlo, thi = keys[-1], math.inf, _T975[keys[-1]], 1.960
    else:
        lo = max(k for k in keys if k < df)
        hi = min(k for k in keys if k > df)
        tlo, thi = _T975[lo], _T975[hi]
    x, xlo, xhi = 1.0 / df, 1.0 / lo, (0.0 if hi == math.inf else 1.0 / hi)
    return thi + (tlo - thi) * (x - xhi) / (xlo - xhi)


@dataclass(frozen=True)
class Estimate:
    """A figure's mean over runs, the half-width of its 95% confidence interval, and the count.

    A plan carries these as they are; pydantic serialises them as {mean, half_width, n}.
    """

    __pydantic_config__ = ConfigDict(extra="forbid")  # a plan read back from JSON stays strict

    mean: float | None
    half_width: float | None = None
    n: int = 0

    @classmethod
    def from_samples(cls, values: list[float | None]) -> Estimate:
        """Mean, 95% half-width and count of the values that are not None (rounded to 3 places)."""
        xs = np.array([v for v in values if v is not None], dtype=float)
        if len(xs) == 0:
            return cls(None, None, 0)
        if len(xs) == 1:
            return cls(round(float(xs[0]), 3), None, 1)
        half = t975(len(xs) - 1) * float(xs.std(ddof=1)) / math.sqrt(len(xs))
        return cls(round(float(xs.mean()), 3), round(half, 3), len(xs))

    @property
    def upper(self) -> float | None:
        """The upper end of the interval (the mean alone when there is no interval)."""
        return None if self.mean is None else self.mean + (self.half_width or 0)

    @property
    def lower(self) -> float | None:
        """The lower end of the interval (the mean alone when there is no interval)."""
        return None if self.mean is None else self.mean - (self.half_width or 0)

    def overlaps(self, other: Estimate) -> bool:
        """The two 95% intervals share a value (False if either has no mean)."""
        if self.mean is None or other.mean is None:
            return False
        return self.lower <= other.upper and other.lower <= self.upper


def mean_ci(values: list[float | None]) -> dict[str, float | int | None]:
    """Estimate.from_samples as a dict, for the tables that are serialised as they are."""
    return asdict(Estimate.from_samples(values))


KEY_FIGURES = (
    "requests",
    "succeeded",
    "failed",
    "failure_rate",
    "ttr_p50_s",
    "ttr_p95_s",
    "ttr_p99_s",
    "wait_mean_s",
    "throttled_429",
    "retries",
    "replica_utilisation",
    "longest_queue",
    "replication_done_s",
)


def aggregate(results: list) -> dict[str, dict[str, dict]]:
    """Per region (and 'all'): each key figure's mean and 95% CI over runs."""
    by_region: dict[str, list] = {}
    for r in results:
        for s in [*r.regions, r.overall]:
            if s is not None:
                by_region.setdefault(s.region, []).append(s)
    return {
        region: {f: mean_ci([getattr(s, f) for s in rows]) for f in KEY_FIGURES}
        for region, rows in sorted(by_region.items(), key=lambda kv: (kv[0] == "all", kv[0]))
    }


COMPARED = (
    "requests",
    "succeeded",
    "ttr_p50_s",
    "ttr_p95_s",
    "failure_rate",
    "wait_mean_s",
    "throttled_429",
    "retries",
    "replica_utilisation",
    "replication_done_s",
)


def paired(a: list, b: list) -> dict[str, dict[str, dict]]:
    """Per region (and 'all') and figure: A's mean, B's mean, the mean of the paired differences
    B - A with its 95% confidence interval, and whether it excludes zero. Run i of A and of B
    share a child seed (common random numbers), so differences are paired."""
    out: dict[str, dict[str, dict]] = {}
    pairs = list(zip(a, b, strict=True))
    regions = sorted(
        {s.region for r in a for s in r.regions} & {s.region for r in b for s in r.regions}
    ) + ["all"]
    for region in regions:
        rows = {}
        for figure in COMPARED:
            xs, ys, ds = [], [], []
            for ra, rb in pairs:
                sa, sb = _summary(ra, region), _summary(rb, region)
                va, vb = getattr(sa, figure), getattr(sb, figure)
                xs.append(va)
                ys.append(vb)
                if va is not None and vb is not None:
                    ds.append(vb - va)
            diff = mean_ci(ds)
            half = diff["half_width"]
            rows[figure] = {
                "a": mean_ci(xs)["mean"],
                "b": mean_ci(ys)["mean"],
                "diff": diff["mean"],
                "half_width": half,
                # None where there is nothing to compare (no pairs, or a single one)
                "significant": None
                if half is None or diff["mean"] is None
                else abs(diff["mean"]) > half,
            }
        out[region] = rows
    return out


def _summary(result, region: str):
    if region == "all":
        return result.overall
    return next(s for s in result.regions if s.region == region)
