"""Observations + scenario -> Calibration: the assumptions the observations inform, fitted by
maximum likelihood with 95% intervals, the ones left at their values (and why), and the check of
the fit.

Which observation informs what (the most direct source wins):
- disk creates (activity-log disks/write, CSV disk_create): disk.base and disk.cv;
- boot times (CSV boot): boot.mean and boot.cv;
- else VM creates that met no 429 and found a free replica slot: boot.mean and boot.cv, with the
  disk part held at its value (calibrate.durations: the deconvolution);
- regions' replication (status samples, CSV replication): replication.wan_mb_per_s and jitter_cv;
- 429s followed by a retry: the gaps are reported (the model's Retry-After is the time to the
  next token, floored at retry.min_retry_after), not fitted.
Maximum likelihood, not a fit on quantiles: the model's distributions for these clean operations
are known in closed form (or one integral away), so the likelihood is exact and uses every
observation, and its profile gives the intervals (calibrate.likelihood); a quantile fit would
need choosing quantiles and weights, and bootstrapping for intervals. Fitting the whole simulated
distribution (throttling and queues included) by simulation was not chosen: it would make the fit
depend on the throttling and replica assumptions it does not estimate, and cost thousands of runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from acgsim.sim.calibrate import durations, replication_fit
from acgsim.sim.calibrate.creates import Facts, clean_creates
from acgsim.sim.calibrate.documents import day
from acgsim.sim.calibrate.goodness import PER_OBSERVATION, Comparison, compare
from acgsim.sim.calibrate.likelihood import Fit
from acgsim.sim.calibrate.observations import Observations
from acgsim.sim.params import ModelParams
from acgsim.sim.scenario import Scenario
from acgsim.sim.streams import durations as draw

MIN_OBSERVATIONS = 10
SEED = 20261102  # the goodness-of-fit draws: fixed, so the same files give the same report
TIME_PARAMETERS = {
    "disk.base": "disk creates (operation disk_create, or Microsoft.Compute/disks/write)",
    "disk.per_gb": "disk creates of images of different sizes (not fitted yet)",
    "disk.cv": "disk creates",
    "boot.mean": "boot times (CSV boot) or VM creates without 429 or queue",
    "boot.cv": "boot times or VM creates without 429 or queue",
    "replication.wan_mb_per_s": "replication-status samples of remote regions",
    "replication.jitter_cv": "replication-status samples",
    "replication.lan_mb_per_s": "regions with many replicas (not fitted: a small part of the time)",
    "replication.overhead": "versions of several sizes (not fitted: trades off with the WAN rate)",
    "replication.source_copy_slots": "many regions at once (not fitted)",
    "retry.min_retry_after": "429s and their retries (gaps reported, not fitted)",
    "replica_concurrency": "creates queued for a replica (not fitted)",
}


@dataclass(frozen=True)
class Estimate:
    """One fitted assumption: value, 95% interval, and what supports it."""

    path: str  # as under `model:`, e.g. boot.mean
    value: float
    low: float
    high: float
    default: float
    count: int
    support: str  # "412 VM creates, 2026-11-02..2026-11-20"
    method: str

    def covers(self, true: float) -> bool:
        """Whether the interval holds a value."""
        return self.low <= true <= self.high


@dataclass
class Calibration:
    """What `acgsim calibrate` found."""

    estimates: list[Estimate]
    kept: list[tuple[str, str, str]]  # (path, value, why it stayed)
    comparisons: list[Comparison]
    params: ModelParams
    ignored: Counter
    caveats: Counter
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    retry_gaps: list[float] = field(default_factory=list)


def _span(times: list[float]) -> str:
    return f"{day(min(times))}..{day(max(times))}" if times else "no dates"


def calibrate(obs: Observations, scenario: Scenario) -> Calibration:
    """Fit what the observations inform; keep the rest; compare the fitted model with the data."""
    params = scenario.model
    ctx = Facts(scenario, params)
    rng = np.random.default_rng(SEED)
    cal = Calibration(
        [], [], [], params, Counter(obs.ignored), Counter(obs.caveats), list(obs.notes)
    )
    cal.retry_gaps = sorted(g.seconds for g in obs.retry_gaps)
    updates: dict[str, float] = {}
    _disk(obs, ctx, cal, updates, rng)
    _boot(obs, ctx, cal, updates, rng)
    _replication(obs, params, cal, updates, rng)
    cal.params = _with(params, updates)
    fitted = {e.path for e in cal.estimates}
    dumped = params.model_dump(mode="json")
    for path, source in TIME_PARAMETERS.items():
        if path not in fitted and not any(k == path for k, _, _ in cal.kept):
            value = _get(dumped, path)
            shown = "the guidance's" if value is None else str(value)
            cal.kept.append((path, shown, f"needs {source}"))
    cal.warnings += [w for c in cal.comparisons if (w := c.warning())]
    return cal


def _add(cal: Calibration, fit: Fit, paths: tuple[str, ...], defaults, n, what, times, method):
    if not fit.ok:
        cal.warnings.append(f"{', '.join(paths)}: the {n} {what} do not pin them down; kept")
        return False
    for i, path in enumerate(paths):
        cal.estimates.append(
            Estimate(
                path,
                fit.values[i],
                fit.low[i],
                fit.high[i],
                defaults[i],
                n,
                f"{n} {what}, {_span(times)}",
                method,
            )
        )
    return True


def _too_few(cal: Calibration, paths: tuple[str, ...], n: int, what: str, params) -> None:
    dumped = params.model_dump(mode="json")
    for p in paths:
        cal.kept.append((p, str(_get(dumped, p)), f"{what}: {n} (at least {MIN_OBSERVATIONS})"))


def _disk(obs, ctx, cal, updates, rng) -> None:
    disks = obs.of("disk_create")
    if not disks:
        return
    paths, p = ("disk.base", "disk.cv"), ctx.params.disk
    if len(disks) < MIN_OBSERVATIONS:
        return _too_few(cal, paths, len(disks), "disk creates", ctx.params)
    x = np.array([t.duration_s for t in disks])
    sizes = np.array([t.size_gb or ctx.version(t.image).version.size_gb for t in disks])
    speed = np.array(
        [ctx.params.storage.load(ctx.version(t.image).version.storage).disk_speedup for t in disks]
    )
    fit = durations.disk_base(x, sizes, p.per_gb, float(np.mean(speed)))
    if _add(
        cal,
        fit,
        paths,
        (p.base, p.cv),
        len(x),
        "disk creates",
        [t.start for t in disks],
        "maximum likelihood, lognormal around base + per_gb x GB",
    ):
        updates.update({"disk.base": fit.values[0], "disk.cv": fit.values[1], "disk.dist": 0})
        means = (fit.values[0] + p.per_gb * sizes) / speed
        sim = np.concatenate(
            [m * draw(rng, "lognormal", 1.0, fit.values[1], PER_OBSERVATION) for m in means]
        )
        cal.comparisons.append(compare("disk creates", x, sim))


def _boot(obs, ctx, cal, updates, rng) -> None:
    paths, p = ("boot.mean", "boot.cv"), ctx.params
    boots = obs.of("boot")
    disk = p.disk.model_copy(
        update={
            k.split(".")[1]: v
            for k, v in updates.items()
            if k.startswith("disk.") and k != "disk.dist"
        }
    )
    dist = "lognormal" if "disk.cv" in updates else disk.dist
    creates = obs.of("vm_create")
    clean, throttled, queued = clean_creates(creates, ctx)
    if creates:
        cal.notes.append(
            f"{len(creates)} VM creates: {len(clean)} without 429 or queue, {throttled} "
            f"throttled and {queued} possibly queued for a replica (left out of the fit)"
        )
    if boots:
        if len(boots) < MIN_OBSERVATIONS:
            return _too_few(cal, paths, len(boots), "boot times", p)
        x = np.array([t.duration_s for t in boots])
        fit = durations.lognormal_times(x)
        if _add(
            cal,
            fit,
            paths,
            (p.boot.mean, p.boot.cv),
            len(x),
            "boot times",
            [t.start for t in boots],
            "maximum likelihood, lognormal",
        ):
            updates.update({"boot.mean": fit.values[0], "boot.cv": fit.values[1]})
            sim = draw(rng, "lognormal", fit.values[0], fit.values[1], PER_OBSERVATION * len(x))
            cal.comparisons.append(compare("boot times", x, sim))
        return
    if not creates:
        return
    if len(clean) < MIN_OBSERVATIONS:
        return _too_few(cal, paths, len(clean), "VM creates without 429 or queue", p)
    t = np.array([c.duration_s for c in clean])
    means = np.array([ctx.disk_mean(c, disk) for c in clean])
    fit = durations.boot_from_creates(t, means, dist, disk.cv)
    held = "fitted from disk creates" if "disk.base" in updates else "held at its value"
    if _add(
        cal,
        fit,
        paths,
        (p.boot.mean, p.boot.cv),
        len(t),
        "VM creates",
        [c.start for c in clean],
        f"maximum likelihood of disk + boot over creates without 429 or queue (disk {held})",
    ):
        updates.update({"boot.mean": fit.values[0], "boot.cv": fit.values[1]})
        sim = np.concatenate(
            [
                m * draw(rng, dist, 1.0, disk.cv, PER_OBSERVATION)
                + draw(rng, "lognormal", fit.values[0], fit.values[1], PER_OBSERVATION)
                for m in means
            ]
        )
        cal.comparisons.append(compare("VM creates (no 429, no queue)", t, sim))


def _replication(obs, params, cal, updates, rng) -> None:
    if not obs.regions:
        return
    paths, p = ("replication.wan_mb_per_s", "replication.jitter_cv"), params.replication
    regions, dropped = replication_fit.uncontended(obs.regions, p)
    if dropped:
        cal.ignored["regions of versions whose copies could queue for copy slots"] += dropped
    remote = [r for r in regions if not r.source]
    if len(remote) < MIN_OBSERVATIONS:
        return _too_few(cal, paths, len(remote), "remote regions replicated", params)
    fit = replication_fit.fit(regions, p)
    versions = len({r.version for r in regions})
    if _add(
        cal,
        fit,
        paths,
        (p.wan_mb_per_s, p.jitter_cv),
        len(regions),
        f"regions of {versions} versions",
        [r.published for r in regions],
        "maximum likelihood, completion bracketed by the samples (interval-censored)",
    ):
        updates.update(
            {"replication.wan_mb_per_s": fit.values[0], "replication.jitter_cv": fit.values[1]}
        )
        fitted = p.model_copy(update={"wan_mb_per_s": fit.values[0], "jitter_cv": fit.values[1]})
        seen = np.array([r.high_s if r.high_s is not None else np.inf for r in regions])
        sim = np.concatenate(
            [replication_fit.simulate(r, fitted, rng, PER_OBSERVATION) for r in regions]
        )
        cal.comparisons.append(compare("regions' replication (as sampled)", seen, sim))


def _get(data: dict, path: str):
    for part in path.split("."):
        data = data[part]
    return data


def _with(params: ModelParams, updates: dict[str, float]) -> ModelParams:
    """The parameters with the fitted values in place (a disk fit makes the disk lognormal)."""
    data = params.model_dump()
    for path, value in updates.items():
        head, name = path.split(".")
        data[head][name] = "lognormal" if name == "dist" else round(float(value), 4)
    return ModelParams.model_validate(data)
