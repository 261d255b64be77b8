"""Build a simulation from a scenario, run it, and return a RunResult.

`build_simulation` wires every process (replication per version and region, outages, workload waves,
the sampler) and checks the wiring before anything runs; `simulate` runs one seed to the horizon
and summarises; `simulate_many` repeats it for K runs on spawned child seeds (statistical runs, not
to be confused with Azure's replication of a version). Same scenario and seed give a byte-identical
RunResult JSON (wall time is recorded only on request, since it is not reproducible).
"""

from __future__ import annotations

import gc
import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import simpy

from acgsim import __version__
from acgsim.sim import attribution, catalog, fastpath, fastrecord, footprint, polling
from acgsim.sim.catalog import Bucket
from acgsim.sim.deployment import arrival_stream, scale_set_wave, vm_wave
from acgsim.sim.egress import SourceCapacity
from acgsim.sim.errors import InputError
from acgsim.sim.fault_models import RegionOutage, ZoneOutage
from acgsim.sim.faults import Outages, ReplicationFaults
from acgsim.sim.footprint import RunTooLarge
from acgsim.sim.gallery import GalleryState, RegionCopy
from acgsim.sim.metrics import PoolFigures, Recorder, merge, region_summary
from acgsim.sim.model import Simulation
from acgsim.sim.params import assumptions
from acgsim.sim.replicas import SELECTIONS
from acgsim.sim.replication import replicate
from acgsim.sim.results import (
    EngineUsed,
    RegionSummary,
    ReplicationRecord,
    RunResult,
    WaveSummary,
)
from acgsim.sim.scenario import Scenario
from acgsim.sim.streams import Streams
from acgsim.sim.throttle import Throttles
from acgsim.sim.updates import run_update

BUCKETS = {
    "arm_write": catalog.ARM_BUCKETS["write"],
    "arm_write_subscription": Bucket(
        catalog.ARM_BUCKETS["write"].size * catalog.ARM_SUBSCRIPTION_MULTIPLIER,
        catalog.ARM_BUCKETS["write"].refill_per_s * catalog.ARM_SUBSCRIPTION_MULTIPLIER,
    ),
    "PutVM": catalog.COMPUTE_POLICIES["PutVM"].per_subscription,
    "VMSSPut": catalog.COMPUTE_POLICIES["VMSSPut"].per_subscription,
}


def _throttles(p) -> Throttles:
    buckets = dict(BUCKETS)
    if p.arm_limits == "hourly":
        buckets["arm_write"] = buckets["arm_write_subscription"] = catalog.ARM_HOURLY_WRITES
    return Throttles(buckets, unlimited=not p.throttling)


def _regions(s: Scenario, subset: Subset | None = None) -> list[str]:
    if subset is None:
        used = {t.region for x in s.versions() for t in x.version.regions}
        used |= {w.wave.region for w in s.waves()}
    else:
        used = {region for _, region in subset.copies}
        used |= {w.wave.region for w in s.waves() if w.key in subset.waves}
    return sorted(used)


@dataclass(frozen=True)
class Subset:
    """Part of a scenario to simulate: waves by key ("vms/0", "scale_sets/1", "arrivals/2") and
    replications by (version "gallery/image/version", region). Streams keep their full-scenario
    names, so a part sees exactly the random numbers it sees in the whole (the planner searches
    regions apart).
    """

    waves: frozenset[str]
    copies: frozenset[tuple[str, str]]


def build_simulation(
    scenario: Scenario,
    seed: np.random.SeedSequence,
    trace: bool = False,
    subset: Subset | None = None,
    workload: bool = True,
) -> Simulation:
    """Wire every process of the scenario into a fresh SimPy environment; check before running.
    Without `workload`, no wave starts (the fast path computes the requests itself)."""
    env = simpy.Environment()
    p = scenario.model
    m = Simulation(
        env,
        scenario,
        p,
        Streams(seed),
        _throttles(p),
        GalleryState(scenario),
        Recorder(_regions(scenario, subset), trace),
        SELECTIONS[p.replica_selection],
    )
    m.outages = Outages(env, m.sync, m.sync)
    mine = [w for w in scenario.waves() if subset is None or w.key in subset.waves]
    m.polls = polling.build(scenario, mine, m.rec, trace) if workload else None
    m.gallery.clock = lambda: env.now
    failures = ReplicationFaults(scenario, p.replication.failure_probability)
    copies = [
        c for c in m.gallery.copies() if subset is None or (c.version, c.region) in subset.copies
    ]
    lanes = {
        ref: simpy.Resource(env, p.replication.parallel_regions)
        for ref in sorted(m.gallery.versions)
    }
    sources = SourceCapacity(env, p.replication.source_copy_slots)

    def start(copy: RegionCopy, grow: int = 0) -> simpy.Process:
        state = m.gallery.versions[copy.version]
        name = f"{copy.version}/{copy.region}"
        if grow or copy.start_at != state.version.publish_at:  # an update's: its own streams
            name += f"/{'grow' if grow else 'added'}@{env.now:.3f}"
        return env.process(
            replicate(
                env,
                state,
                copy,
                p.replication,
                m.streams.rng(f"replication/{name}"),
                failures.for_copy(copy, state.gallery.region, m.streams.rng(f"faults/{name}")),
                m.complete,
                lanes[copy.version],
                sources.of(state.gallery.region),
                grow,
            )
        )

    for copy in copies:
        m.copies.setdefault(copy.region, []).append(copy)
        copy.process = start(copy)
    if subset is None:  # the planner's parts leave updates out
        for update in scenario.updates:
            env.process(run_update(m, update, start))
    for fault in scenario.faults:
        if isinstance(fault, (ZoneOutage, RegionOutage)):
            env.process(m.outages.run(fault))
    starts = {"vms": vm_wave, "scale_sets": scale_set_wave, "arrivals": arrival_stream}
    for w in scenario.waves():
        if workload and (subset is None or w.key in subset.waves):
            env.process(starts[w.kind](m, w.wave, w.index))
    env.process(m.sample() if workload else fastrecord.sampler(m))
    for key, x, _ in scenario.waves():
        if subset is not None and key not in subset.waves:
            continue
        if x.region not in m.rec.regions or x.image.rsplit("/", 1)[0] not in m.gallery.by_image:
            raise ValueError(f"unwired workload: {x.region} {x.image}")
    if subset is None and len(copies) != sum(len(v.copies) for v in m.gallery.versions.values()):
        raise ValueError("a target region has no replication process")
    return m


def seed_sequence(seed: int, run: int | None) -> np.random.SeedSequence:
    """The seed of run `run` of `seed` (None: `seed` itself)."""
    # run i uses the i-th child of the seed: SeedSequence(seed).spawn(K)[i]
    return np.random.SeedSequence(seed, spawn_key=() if run is None else (run,))


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    run: int | None = None,
    *,
    trace: bool = False,
    timing: bool = False,
    subset: Subset | None = None,
    tick: Tick | None = None,
    engine: str | None = None,
) -> RunResult:
    """Run a scenario to its horizon on one seed (or, given `run`, on that run's child seed);
    `tick`, if given, hears how far the run has got every TICK_EVERY events. `engine`: "auto"
    takes the exact fast path where the run is eligible (sim.fastpath), "simpy" never does,
    "fast" must (NotEligible, an InputError, names why it cannot); None: $ACGSIM_ENGINE or auto."""
    seed = scenario.seed if seed is None else seed
    engine = engine or os.environ.get(ENGINE_VARIABLE) or "auto"
    started = time.perf_counter()
    result = RunResult(
        acgsim_version=__version__,
        scenario=scenario.name,
        scenario_sha256=scenario.sha256(),
        seed=seed,
        run=run,
        horizon_s=scenario.horizon,
        assumptions=assumptions(scenario.model, scenario.guidance),
        faults=[f.model_dump() for f in scenario.faults],  # seconds, for plotting
        objective_p95_s=scenario.objectives.p95,
        start=scenario.start,
    )
    short: str | None = None
    try:
        m, result.engine = _simulated(
            scenario, seed_sequence(seed, run), trace, subset, tick, engine
        )
        _summarise(m, result)
    except NotEligible:
        raise
    except footprint.OutOfRoom as exc:  # stopped before memory ran out: the user's to fix
        short = str(exc)
    except MemoryError:  # ran out all the same (one step took it all)
        short = "memory ran out"
    except Exception as exc:  # the envelope carries the failure; the CLI shows it and exits 1
        result.error = "".join(traceback.format_exception(exc))
    if short is not None:  # raised here, once the run's processes are let go
        raise RunTooLarge(
            f"{scenario.name}: the run stopped, {short}: simulate less, or lower --max-memory to "
            "what this machine has so that acgsim refuses such a run before it starts"
        )
    if timing:
        result.wall_time_s = round(time.perf_counter() - started, 3)
    return result


class NotEligible(InputError):
    """--engine fast on a run the fast path cannot compute exactly."""


ENGINES = ("auto", "simpy", "fast")
ENGINE_VARIABLE = "ACGSIM_ENGINE"  # the default engine (the CLI's --engine sets it for workers)


def _simulated(
    scenario: Scenario,
    seed: np.random.SeedSequence,
    trace: bool,
    subset: Subset | None,
    tick: Tick | None,
    engine: str,
) -> tuple[Simulation, EngineUsed]:
    """The run, computed by the fast path where it may be (and `engine` allows), else by SimPy."""
    if engine not in ENGINES:
        raise NotEligible(f"--engine {engine}: one of {', '.join(ENGINES)}")
    waves = [w for w in scenario.waves() if subset is None or w.key in subset.waves]
    why = (
        "asked for"
        if engine == "simpy"
        else "--trace: records carry each answer's headers, which SimPy writes"
        if trace
        else fastpath.static_reason(scenario, waves, subset is None)
    )
    if why is None:
        prep = m = None
        try:
            prep = fastpath.prepare(scenario, Streams(seed), waves, _throttles(scenario.model))
            m = build_simulation(scenario, seed, trace, subset, workload=False)
            _run(m, scenario.horizon, tick)
            fastpath.run(m, prep)
            fastpath.check_timeouts(m)
            return m, EngineUsed(name="fast")
        except fastpath.Ineligible as exc:
            why = str(exc)
            prep = m = None
            gc.collect()  # whose processes hold each other in cycles, go before SimPy runs)
    if engine == "fast":
        raise NotEligible(f"{scenario.name}: --engine fast cannot compute this run exactly: {why}")
    m = build_simulation(scenario, seed, trace, subset)
    _run(m, scenario.horizon, tick)
    return m, EngineUsed(name="simpy", why=why)


Tick = Callable[[float, int], None]
"""Told, now and then during a run, the simulated seconds reached and the requests finished."""
CHECK_EVERY = 10_000  # events between looks at the memory left (~15 MB of a burst at most)
TICKS = 5  # looks between ticks: a tick every 50,000 events, a few a second on one core


def _run(m: Simulation, until: float, tick: Tick | None) -> None:
    """`env.run(until=until)`, the same steps in the same order, looking every CHECK_EVERY events
    at the memory left (footprint.out_of_room) and telling `tick` how far the run has got."""
    env = m.env
    # the stop event Environment.run(until) schedules: first among the events at `until`
    stop = simpy.Event(env)
    stop._ok, stop._value = True, None
    env.schedule(stop, simpy.core.URGENT, until - env.now)
    stop.callbacks.append(simpy.core.StopSimulation.callback)
    looks = 0
    footprint.check_room()
    try:
        while True:
            for _ in range(CHECK_EVERY):
                env.step()
            footprint.check_room()
            looks += 1
            if tick is not None and looks % TICKS == 0:
                tick(env.now, m.rec.finished())
    except simpy.core.StopSimulation:
        return


Progress = Callable[[Iterable[int]], Iterable[int]]
"""Wraps the run indices and yields them back, showing progress as it goes: `tqdm` or
`rich.progress.track` as they are, or `lambda runs: progress.track(runs, "runs")`."""


def simulate_many(
    scenario: Scenario,
    runs: int,
    seed: int | None = None,
    *,
    timing: bool = False,
    trace: bool = False,
    progress: Progress | None = None,
    engine: str | None = None,
) -> list[RunResult]:
    """K runs on the child seeds of one seed: run i is `simulate(scenario, seed, i)`."""
    indices: Iterable[int] = range(runs) if progress is None else progress(range(runs))
    return [simulate(scenario, seed, i, trace=trace, timing=timing, engine=engine) for i in indices]


def _summarise(m: Simulation, result: RunResult) -> None:
    end = m.env.now
    figures: dict[str, PoolFigures] = {}
    done: dict[str, float | None] = {}
    total = PoolFigures()
    for region in m.rec.regions:
        f = figures[region] = PoolFigures()
        for pool in m.pools.get(region, []):
            pool.finish()
            f.add(
                pool.busy_area,
                pool.capacity_area,
                pool.queue_area,
                pool.max_queue,
                max((r.peak for r in pool.replicas), default=0),
                pool.capacity,
            )
        total.add(
            f.busy_area, f.capacity_area, f.queue_area, f.longest_queue, f.peak_busy, f.capacity
        )
        times = [c.completed for c in m.copies.get(region, []) if not c.removed]
        done[region] = max(times) if times and None not in times else None
    every = list(done.values())
    result.simulated_end_s = end
    cuts = {r: attribution.region_p95(s.ttr) for r, s in m.rec.regions.items()}
    waves = [
        attribution.wave_summary(m.scenario, key, w, cuts[w.region])
        for key, w in sorted(m.rec.waves.items(), key=lambda kw: attribution.wave_order(kw[0]))
    ]
    result.waves = [WaveSummary(**w) for w in waves]
    result.regions = []
    for r, s in m.rec.regions.items():
        row = region_summary(r, s, figures[r], end, done[r])
        mine = [(w, k) for k, w in m.rec.waves.items() if w.region == r]
        row["p95_parts_s"] = attribution.region_tail(mine, cuts[r])
        row["bottleneck"] = attribution.bottleneck(
            m.scenario, r, row["p95_parts_s"], waves, row["throttled_429"]
        )
        result.regions.append(RegionSummary(**row))
    result.overall = RegionSummary(
        **region_summary(
            "all",
            merge(list(m.rec.regions.values())),
            total,
            end,
            max(every) if every and None not in every else None,
        )
    )
    result.replication_log = [
        _replication_record(c)
        for c in sorted(
            (c for cs in m.copies.values() for c in cs if not c.removed),
            key=lambda c: (c.version, c.region),
        )
    ]
    result.timeseries = m.series
    result.reads = None if m.polls is None else m.polls.summary(end)
    result.deletions = m.deletions or None
    if m.rec.trace:
        result.records = [r.row() for r in m.rec.records]


def _replication_record(c: RegionCopy) -> ReplicationRecord:
    done = None if c.completed is None or c.started is None else round(c.completed - c.started, 3)
    return ReplicationRecord(
        version=c.version,
        region=c.region,
        replicas=c.replicas,
        storage=c.storage,
        source=c.source,
        state=c.status,
        attempts=c.attempts,
        started_s=None if c.started is None else round(c.started, 3),
        first_copy_s=None if c.first_copy is None else round(c.first_copy, 3),
        completed_s=None if c.completed is None else round(c.completed, 3),
        duration_s=done,
        failures=[{"at_s": round(t, 3), "why": why} for t, why in c.failures],
    )
