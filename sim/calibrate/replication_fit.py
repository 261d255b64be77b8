"""Fit of the cross-region copy throughput and the copy-time spread from regions' completion.

The model (sim.replication) completes a region at overhead + GB x 1024 / rate x J0 + the makespan
of its other replicas' in-region copies (GB x 1024 / lan x Jk, parallel_copies at once), rate the
WAN rate for a remote region and the LAN rate for the source's own, every J lognormal with mean 1
and CV jitter_cv. Replication-status samples bracket each region's completion in an interval; the
likelihood of an interval is P(low < T <= high), a closed form in J0 averaged over the makespan,
which is integrated by Monte Carlo with fixed normal draws (common random numbers: the average is a
smooth function of the parameters, so the maximiser sees no noise).

Fitted: replication.wan_mb_per_s and replication.jitter_cv. The overhead, the LAN rate and the
copy lanes stay at their values: with one image size the overhead and the WAN rate trade off
exactly, and the in-region copies are a small part of a region's time. Versions whose copies could
queue for the source's copy slots or the version's region lanes are left out (their time is those
assumptions, not the rates).
"""

from __future__ import annotations

import numpy as np

from acgsim.sim.calibrate.likelihood import Fit, cdf, log_pdf, maximise
from acgsim.sim.calibrate.observations import RegionReplication
from acgsim.sim.replication import MB_PER_GB, copy_plan, makespan
from acgsim.sim.service_params import Replication

DRAWS = 128  # Monte Carlo points for the in-region makespan
CRN_SEED = 20261102  # fixed: the same draws at every parameter value


def uncontended(regions: list[RegionReplication], p: Replication) -> tuple[list, int]:
    """The regions whose version could not have queued for copy slots or region lanes, and how
    many were left out."""
    by_version: dict[str, list[RegionReplication]] = {}
    for r in regions:
        by_version.setdefault(r.version, []).append(r)
    keep, dropped = [], 0
    for version in sorted(by_version):
        rs = by_version[version]
        copies = sum(max(1, min(r.replicas - 1, p.parallel_copies)) for r in rs)
        remote = sum(1 for r in rs if not r.source)
        if copies <= p.source_copy_slots and remote <= p.parallel_regions:
            keep += rs
        else:
            dropped += len(rs)
    return keep, dropped


class _Regions:
    """The observations as arrays, with the fixed draws for each region's in-region copies."""

    def __init__(self, regions: list[RegionReplication], p: Replication):
        rng = np.random.default_rng(CRN_SEED)
        self.p = p
        self.mb = np.array([r.size_gb * MB_PER_GB for r in regions])
        self.remote = np.array([not r.source for r in regions])
        self.low = np.array([r.low_s for r in regions])
        self.high = np.array([np.inf if r.high_s is None else r.high_s for r in regions])
        self.exact = self.low == self.high
        self.z = [rng.standard_normal((DRAWS, max(r.replicas - 1, 0))) for r in regions]

    def makespans(self, cv: float) -> np.ndarray:
        """n x DRAWS in-region makespans at this CV."""
        s2 = np.log1p(cv * cv)
        out = np.zeros((len(self.z), DRAWS))
        lanes = self.p.parallel_copies
        for i, z in enumerate(self.z):
            if z.shape[1] == 0:
                continue
            copies = self.mb[i] / self.p.lan_mb_per_s * np.exp(np.sqrt(s2) * z - s2 / 2)
            if z.shape[1] <= lanes:
                out[i] = copies.max(axis=1)
                continue
            ends = np.zeros((DRAWS, lanes))
            rows = np.arange(DRAWS)
            for j in range(copies.shape[1]):
                k = ends.argmin(axis=1)
                ends[rows, k] += copies[:, j]
            out[i] = ends.max(axis=1)
        return out

    def nll(self, theta: np.ndarray) -> float:
        wan, cv = np.exp(theta)
        scale = self.mb / np.where(self.remote, wan, self.p.lan_mb_per_s)
        m = self.makespans(cv) + self.p.overhead
        a = scale[:, None]
        with np.errstate(invalid="ignore"):
            upper = np.where(np.isinf(self.high)[:, None], 1.0, cdf(self.high[:, None] - m, a, cv))
            prob = (upper - cdf(self.low[:, None] - m, a, cv)).mean(axis=1)
        dens = np.exp(log_pdf((self.low[:, None] - m) / a, 1.0, cv)).mean(axis=1)
        like = np.where(self.exact, dens / scale, prob)
        return -float(np.sum(np.log(np.maximum(like, 1e-300))))


def fit(regions: list[RegionReplication], p: Replication) -> Fit:
    """WAN throughput (MB/s) and jitter CV by maximum likelihood; profile-likelihood intervals."""
    data = _Regions(regions, p)
    mid = np.where(np.isinf(data.high), data.low * 1.5, (data.low + data.high) / 2)
    remote = data.remote & (mid > p.overhead)
    rest = mid[remote] - p.overhead
    wan0 = float(np.median(data.mb[remote] / rest)) if rest.size else p.wan_mb_per_s
    return maximise(data.nll, np.log([wan0, 0.2]))


def simulate(r: RegionReplication, p: Replication, rng: np.random.Generator, n: int) -> np.ndarray:
    """n completion times of one region under the model (its own copy_plan and makespan), as
    the samples would have seen them: the first sample at or after completion, the sampling
    carried on at its usual step past the last one (exact when the observation is exact)."""
    out = np.empty(n)
    for k in range(n):
        first, rest = copy_plan(r.size_gb, r.replicas, not r.source, False, p, rng)
        out[k] = first + makespan(rest, p.parallel_copies)
    if r.high_s is not None and r.low_s == r.high_s:
        return out
    times = np.array(sorted(r.sample_times))
    step = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    idx = np.searchsorted(times, out)
    seen = times[np.minimum(idx, len(times) - 1)]
    # past the last sample, the samples would have gone on at their usual step
    later = times[-1] + (np.ceil((out - times[-1]) / step) * step if step > 0 else 0.0)
    return np.where(idx < len(times), seen, np.maximum(later, out if step <= 0 else later))
