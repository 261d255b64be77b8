"""Evaluating a candidate: the scenario with chosen replicas, simulated for K runs.

A region is simulated alone (sim.engine.Subset: only its waves and its versions' replication into
regions, with the full-scenario stream names), so its candidates share random numbers and its
figures equal the full run's. Figures are the mean and 95% confidence interval of each run's p50,
p95 and failure rate; the Evaluator counts simulations and simulated requests. A run is one
simulation on one child seed; "replication" means only Azure copying a version to regions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field

from acgsim.planner import rules
from acgsim.planner.plan import VersionRegion, apply_choices
from acgsim.sim.engine import Subset, simulate
from acgsim.sim.results import Bottleneck, RegionSummary, WaveSummary
from acgsim.sim.scenario import Scenario
from acgsim.sim.stats import Estimate


@dataclass
class WaveFigures:
    """One wave's figures over K runs (a wave of the region's workload)."""

    wave: str
    key: str
    region: str
    scale_sets: int | None
    instances: int | None
    requests: int
    p50: Estimate
    p95: Estimate
    failure: Estimate
    tail_share: float  # the wave's share of the region's requests at or above its p95


@dataclass
class Figures:
    """One candidate's figures for one region over K runs. `p95` is over ALL requests (a failed
    one counts as never running: sim.metrics.quantiles_all), so a candidate where requests fail
    can never look faster than one where none do; it has no mean when, in any run, more than 5%
    never ran. `p95_ran` is the successes-only figure, for reports."""

    p50: Estimate
    p95: Estimate
    failure: Estimate
    requests: int
    failed_by_code: dict[str, int]
    throttled: int
    wait_mean: float | None
    longest_queue: int
    p95_runs: list[float | None] = field(default_factory=list)  # run i's p95, for pairing
    failure_runs: list[float] = field(default_factory=list)
    bottleneck: Bottleneck | None = None  # what sets the p95 in the run with the median p95
    waves: list[WaveFigures] = field(default_factory=list)
    p95_ran: Estimate | None = None  # successes only

    def improves_on(self, other: Figures) -> bool:
        """Significantly better than `other` on the same runs (common random numbers): the 95%
        interval of the paired differences of failure rate, or else of p95, lies below zero."""
        n = min(len(self.p95_runs), len(other.p95_runs))  # the runs both have
        fails = Estimate.from_samples(
            [a - b for a, b in zip(self.failure_runs[:n], other.failure_runs[:n], strict=True)]
        )
        if fails.mean is not None and fails.half_width is not None and fails.mean:
            if fails.upper < 0:
                return True
            if fails.lower > 0:
                return False
        p95 = Estimate.from_samples(
            [
                None if a is None or b is None else a - b
                for a, b in zip(self.p95_runs[:n], other.p95_runs[:n], strict=True)
            ]
        )
        return p95.half_width is not None and p95.upper < 0

    def hopeless(self) -> bool:
        """More replicas cannot help: nobody waited for a slot and no replica was lost."""
        return self.longest_queue == 0 and "ReplicaUnavailable" not in self.failed_by_code

    def score(self) -> tuple[float, float]:
        """Lower is better: failure rate, then p95."""
        p95 = self.p95.mean
        return (self.failure.mean or 0.0, math.inf if p95 is None else p95)


@dataclass
class Objective:
    """One region's targets: p95 time to running and failure rate (None: not asked)."""

    p95: float | None
    failure: float | None

    def misses_p95(self, f: Figures) -> bool:
        """The p95 asked for does not hold at the upper end of its 95% confidence interval (or
        no VM ran at all)."""
        return self.p95 is not None and (f.p95.upper is None or f.p95.upper > self.p95)

    def misses_failure(self, f: Figures) -> bool:
        """Likewise the failure rate (no request at all is no evidence that it holds)."""
        return self.failure is not None and (
            f.failure.upper is None or f.failure.upper > self.failure
        )

    def met(self, f: Figures) -> bool:
        """Both hold at the upper end of their 95% confidence intervals."""
        return not (self.misses_p95(f) or self.misses_failure(f))

    @property
    def asked(self) -> bool:
        return self.p95 is not None or self.failure is not None


@dataclass
class Group:
    """Regions that interact (one region's versions, regions deploying from one subscription),
    simulated together; every version's replications run so replication timing is exact."""

    units: list[rules.UnitPlan]
    waves: frozenset[str]
    copies: frozenset[VersionRegion]  # the replications into regions simulated
    objectives: dict[str, Objective]
    tried: dict[tuple[int, ...], dict[str, Figures]] = field(default_factory=dict)
    chosen: list[int] = field(default_factory=list)  # the search's answer, unit by unit
    exact: bool = False  # judge every candidate on K runs (a forecast here proved wrong)
    accepted: set[str] = field(default_factory=set)  # regions whose chosen count met them

    @property
    def regions(self) -> list[str]:
        return sorted({u.region for u in self.units})


Listener = Callable[[int], None]
"""Told how many more candidates (K runs each, counted in runs) an Evaluator has simulated."""
_listeners: list[Listener] = []


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Tell `listener` of every candidate simulated while this lasts (in this process)."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


Run = tuple[str | None, list[RegionSummary], list[WaveSummary], bool, float | None]
"""One run of a candidate: its error, regions, waves, whether the fast path computed it, and when
its last replication completed (None: one had not by the horizon)."""


def _one(args: tuple) -> Run:
    scenario, seed, run, subset = args
    r = simulate(scenario, seed, run, subset=subset)  # the fast path where the run allows
    done = [c.completed_s for c in r.replication_log if c.state == "Completed"]
    ready = max(done, default=0.0) if len(done) == len(r.replication_log) else None
    return r.error, r.regions, r.waves, r.engine is not None and r.engine.name == "fast", ready


def _whole(variant: Scenario, group: Group) -> bool:
    """The group is the whole scenario: every wave and every replication, and no updates (which
    a part leaves out), so simulating it as a part or as the whole is one and the same run."""
    copies = {(x.ref, t.region) for x in variant.versions() for t in x.version.regions}
    waves = {w.key for w in variant.waves()}
    return not variant.updates and group.waves == waves and group.copies == copies


class Evaluator:
    """Simulates candidates on runs 0, 1, ... (on a process pool if given) and counts the work.

    A candidate is simulated run by run as the search asks for more (at most `runs`); runs are
    kept, so asking for more extends them and a candidate asked for again, by any group with the
    same waves, replications and counts (the whole plan included), is not simulated again."""

    def __init__(self, scenario: Scenario, runs: int, seed: int, pool: Executor | None):
        self.scenario, self.runs, self.seed, self.pool = scenario, runs, seed, pool
        self.simulations = 0
        self.requests = 0
        self.fast = 0  # simulations the exact fast path computed
        self._done: dict[tuple, list] = {}  # a candidate's runs so far, in run order
        self._heard = 0  # runs told to listeners, in whole candidates (`runs` runs each)

    def group(
        self, group: Group, counts: tuple[int, ...], runs: int | None = None
    ) -> dict[str, Figures]:
        """Each region's figures over the first `runs` runs (default: all K) with these replica
        counts for the group's units."""
        k = self.runs if runs is None else max(1, min(runs, self.runs))
        done = self._runs(group, counts)
        if len(done) < k:
            self._simulate(group, counts, done, k)
        figures = {}
        for region in group.regions:
            rows = [r for run in done[:k] for r in run[1] if r.region == region]
            waves = [w for run in done[:k] for w in run[2] if w.region == region]
            figures[region] = _figures(rows, waves)
        before = group.tried.get(counts)
        if before is None or runs_of(before) <= k:
            group.tried[counts] = figures
        return figures

    def _runs(self, group: Group, counts: tuple[int, ...]) -> list[Run]:
        """The candidate's runs so far, in run order (a list kept, and extended, here)."""
        choices = _choices(group, counts)
        return self._done.setdefault((group.waves, group.copies, frozenset(choices.items())), [])

    def ran(self, group: Group, counts: tuple[int, ...]) -> int:
        """How many runs of the candidate have been simulated."""
        return len(self._runs(group, counts))

    def variant(self, group: Group, counts: tuple[int, ...]) -> tuple[Scenario, Subset | None]:
        """The scenario with the group's counts, and the part of it the group simulates (None:
        all of it)."""
        variant = apply_choices(self.scenario, _choices(group, counts))
        return variant, None if _whole(variant, group) else Subset(group.waves, group.copies)

    def replicated_by(self, group: Group, counts: tuple[int, ...], until: float) -> str | None:
        """None if, in each of the candidate's runs so far, every replication had completed
        strictly before `until`; otherwise the first run where one had not."""
        for i, run in enumerate(self._runs(group, counts)):
            ready = run[4]
            if ready is None or not ready + 0.001 < until:  # completed_s is to the millisecond
                state = "not completed" if ready is None else f"completed at {ready:.0f} s"
                return f"{', '.join(group.regions)}'s runs: the last replication {state} (run {i})"
        return None

    def _simulate(self, group: Group, counts: tuple[int, ...], done: list, k: int) -> None:
        variant, subset = self.variant(group, counts)
        jobs = [(variant, self.seed, i, subset) for i in range(len(done), k)]
        results = list(self.pool.map(_one, jobs)) if self.pool else [_one(j) for j in jobs]
        for error, regions, _, fast, _ in results:
            self.fast += fast
            if error:
                raise RuntimeError(f"the simulation broke while planning:\n{error}")
            self.requests += sum(r.requests for r in regions if r.region in group.regions)
        done.extend(results)
        self.simulations += len(jobs)
        heard = self.simulations // self.runs
        if heard > self._heard:
            for listener in _listeners:
                listener(heard - self._heard)
            self._heard = heard


def _choices(group: Group, counts: tuple[int, ...]) -> dict:
    return {(u.version, u.region): (n, u.storage) for u, n in zip(group.units, counts, strict=True)}


def runs_of(figures: dict[str, Figures]) -> int:
    """How many runs these figures are over."""
    return min((len(f.p95_runs) for f in figures.values()), default=0)


def _wave_figures(waves: list[WaveSummary]) -> list[WaveFigures]:
    """Each wave's figures over the runs (its rows, one a run, in run order)."""
    by_key: dict[str, list[WaveSummary]] = {}
    for w in waves:
        by_key.setdefault(w.key, []).append(w)
    out = []
    for rows in by_key.values():
        tails = sum(w.tail_requests for w in waves if w.region == rows[0].region)
        w = rows[0]
        out.append(
            WaveFigures(
                w.wave,
                w.key,
                w.region,
                w.scale_sets,
                w.instances,
                w.requests,
                Estimate.from_samples([x.ttr_p50_s for x in rows]),
                Estimate.from_samples([x.ttr_p95_s for x in rows]),
                Estimate.from_samples([x.failure_rate for x in rows]),
                round(sum(x.tail_requests for x in rows) / tails, 3) if tails else 0.0,
            )
        )
    return out


def _median_run(rows: list[RegionSummary]) -> RegionSummary:
    """The run whose p95 is the median (the lower of the two middle ones): a typical run."""
    ran = sorted((r for r in rows if r.ttr_p95_s is not None), key=lambda r: r.ttr_p95_s)
    return ran[(len(ran) - 1) // 2] if ran else rows[0]


def _all_p95(rows: list[RegionSummary]) -> list[float | None]:
    """Each run's p95 over all requests; None where more than 5% never ran (or none was asked)."""
    return [r.ttr_all_p95_s for r in rows]


def _never_estimate(values: list[float | None], rows: list[RegionSummary]) -> Estimate:
    """The mean and interval of the runs' all-requests p95, or no mean at all if any run that had
    requests has none (more than 5% never ran there: dropping that run would flatter)."""
    if any(v is None and r.requests for v, r in zip(values, rows, strict=True)):
        return Estimate(None, None, 0)
    return Estimate.from_samples(values)


def _figures(rows: list[RegionSummary], waves: list[WaveSummary]) -> Figures:
    codes: dict[str, int] = {}
    for r in rows:
        for code, n in r.failed_by_code.items():
            codes[code] = codes.get(code, 0) + n
    every = _all_p95(rows)
    return Figures(
        Estimate.from_samples([r.ttr_p50_s for r in rows]),
        _never_estimate(every, rows),
        Estimate.from_samples([r.failure_rate for r in rows]),
        rows[0].requests,
        codes,
        sum(r.throttled_429 for r in rows),
        Estimate.from_samples([r.wait_mean_s for r in rows]).mean,
        max(r.longest_queue for r in rows),
        every,
        [r.failure_rate for r in rows],
        _median_run(rows).bottleneck,
        _wave_figures(waves),
        Estimate.from_samples([r.ttr_p95_s for r in rows]),
    )
