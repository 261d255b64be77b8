"""The exact fast path: a run's workload computed without SimPy's event loop, same bytes out.

Where a run is eligible, the engine runs SimPy only for what is cheap and intricate (replication
into every region, the sampler's clock and replication progress) and computes the requests here:
submission times and draws from the same named streams (sim.submissions), FIFO multi-slot queueing
at each replica pool on a heap of slot-free times (sim.slots; sim.pinned where scale sets bind to
a replica), then the recorder, the pools' statistics, the time series and the trace filled as the
SimPy processes would have left them (sim.fastrecord), so sim.engine summarises both engines with
the same code and the RunResult JSON is byte-identical.

Eligible (`static_reason` and `Ineligible` say why not):
- replica_selection least_loaded; no zone or region outages; no updates;
- VM waves without client concurrency, arrival streams and scale sets (sim.pinned: bound to
  one replica, built in batches);
- every wave starts after its image's copies in its region completed and propagated (the
  gallery cannot change under it), and its requests may deploy the image;
- throttling cannot bind: every token bucket is proved to hold a token for every request, from
  the requests' times (min over earlier takes of size - takes + refill x elapsed >= 1);
- no two events whose order SimPy would settle by its event ids fall at one instant (a slot freed
  as a request arrives, two disk creations or two finishes at once, one at a sample time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acgsim.sim import fastrecord, footprint, polling
from acgsim.sim.fault_models import RegionOutage, ZoneOutage
from acgsim.sim.model import Simulation
from acgsim.sim.pinned import Job, Outcome, serve_jobs
from acgsim.sim.scenario import Scenario
from acgsim.sim.slots import Served, serve, serve_pooled
from acgsim.sim.streams import Streams
from acgsim.sim.submissions import (
    Coincident,
    Submissions,
    arrivals,
    scale_set_wave,
    step_order,
    vm_wave,
)
from acgsim.sim.throttle import Throttles
from acgsim.sim.workload import Arrivals, ScaleSetWave, VmWave

MARGIN = 1e-6  # tokens to spare, per token of bucket size, for a bucket to count as never empty


class Ineligible(Exception):
    """The run needs SimPy; the message says why."""


def static_reason(scenario: Scenario, waves: list, updates: bool) -> str | None:
    """Why the scenario as written cannot take the fast path, or None."""
    p = scenario.model
    if p.replica_selection != "least_loaded":
        return f"replica_selection is {p.replica_selection} (the fast path: least_loaded)"
    if updates and scenario.updates:
        return "updates change the gallery during the run"
    if any(isinstance(f, (ZoneOutage, RegionOutage)) for f in scenario.faults):
        return "zone or region outages"
    for w in waves:
        if isinstance(w.wave, VmWave) and w.wave.concurrency:
            return f"client concurrency ({w.key})"
        client = scenario.client(getattr(w.wave, "client", None))
        if client.concurrency or client.deadline is not None or client.scale_set_deadline:
            return f"the client's concurrency or deadline ({w.key})"
        if getattr(w.wave, "security_type", None) or getattr(w.wave, "generation", None):
            return f"a security type or generation to check ({w.key})"
    if any(getattr(a, "cross_tenant", None) == "none" for a in scenario.access):
        return "access without an app registered in both tenants"
    return None


def check_timeouts(m) -> None:
    """Ineligible if any request of the computed run took as long as the OS provisioning
    timeout: the fast path does not time requests out (SimPy does), so the run is redone there."""
    limit = m.params.os_provisioning_timeout
    for stats in m.rec.regions.values():
        if len(stats.ttr) and max(stats.ttr) >= limit - 1e-6:
            raise Ineligible("a request reaches the OS provisioning timeout")


@dataclass
class _Wave:
    key: str
    name: str
    wave: VmWave | Arrivals | ScaleSetWave
    start: int  # its requests are start:stop in the run's arrays
    stop: int
    first: float  # its first request's submission time
    step_of: np.ndarray | None = None  # a scale-set wave's: each instance's step
    sets: np.ndarray | None = None  # a scale-set wave's: each instance's set
    version: str = ""
    pool: object = None
    disk_s: float = 0.0


@dataclass
class Prepared:
    """What the fast path computes before SimPy runs: every request's submission time, disk
    factor and boot time and its wave (the waves' requests one after another), the order SimPy
    opens them in (`order`: request indices; `pos`: each request's place), the sampler's clock
    readings and how many requests were opened before each of its samples."""

    waves: list[_Wave]
    times: np.ndarray
    factors: np.ndarray | None
    boots: np.ndarray
    wave_of: np.ndarray
    order: np.ndarray
    pos: np.ndarray
    ticks: np.ndarray
    opened: np.ndarray


def prepare(scenario: Scenario, streams: Streams, waves: list, throttles: Throttles) -> Prepared:
    """The requests and their order, and the proof that throttling cannot bind; Ineligible
    if it cannot be given. Needs no replication: it is done before SimPy runs."""
    horizon, p = scenario.horizon, scenario.model
    ws: list[_Wave] = []
    subs: list[Submissions] = []
    at = 0
    makers = {"vms": vm_wave, "arrivals": arrivals, "scale_sets": scale_set_wave}
    for w in waves:
        sub = makers[w.kind](w.wave, w.index, streams, p, horizon)
        n = len(sub.times)
        if n and sub.step_of[0] < 0:
            raise Ineligible("requests at time 0, before any replication")
        first = float(sub.times[0]) if n else 0.0
        x = _Wave(w.key, w.wave.name or f"{w.kind}[{w.index}]", w.wave, at, at + n, first)
        if sub.sets is not None:
            x.step_of, x.sets = sub.step_of, sub.sets
        ws.append(x)
        subs.append(sub)
        at += n
    ticks = fastrecord.tick_times(p.sample_interval, horizon)
    try:
        ranks = step_order([s.step_times for s in subs] + [ticks[1:]])
    except Coincident as exc:
        raise Ineligible(str(exc)) from None
    # every request in the order SimPy opens them: by its step's rank, then within the wave
    step_rank = np.concatenate(
        [r[s.step_of] for r, s in zip(ranks, subs, strict=False)] or [np.empty(0, np.int64)]
    )
    order = np.argsort(step_rank, kind="stable")
    step_rank.sort()  # requests opened before each sample: those whose step ran before it
    opened = np.concatenate(([0], np.searchsorted(step_rank, ranks[-1])))
    del step_rank
    n = at
    pos = np.empty(n, dtype=np.int64)  # request -> its place in the opening order (id - 1)
    pos[order] = np.arange(n)
    wave_of = np.repeat(np.arange(len(ws), dtype=np.int32), [w.stop - w.start for w in ws])
    times = np.concatenate([s.times for s in subs] or [[]])
    factors = np.concatenate([s.factors for s in subs] or [[]])
    boots = np.concatenate([s.boots for s in subs] or [[]])
    del subs
    if not throttles.unlimited:
        _throttles_cannot_bind(throttles, p.arm_principals, ws, wave_of[order], times[order])
    return Prepared(ws, times, factors, boots, wave_of, order, pos, ticks, opened)


def run(m: Simulation, prep: Prepared) -> None:
    """Fill `m` (SimPy has run replication and the sampler to the horizon, no workload) with the
    workload's outcome; raise Ineligible where the result could differ from SimPy's."""
    horizon = m.env.now
    ws, ticks, order, pos = prep.waves, prep.ticks, prep.order, prep.pos
    wave_of, times, boots = prep.wave_of, prep.times, prep.boots
    if [round(t, 3) for t in ticks.tolist()] != m.series.t:
        raise Ineligible("the sample times differ from the sampler's")
    for w in ws:
        if w.stop > w.start:
            _resolve(m, w)
    footprint.check_room()
    disks, prep.factors = prep.factors, None
    for w in ws:  # as the SimPy engine computes it: copy.disk_s * factor
        disks[w.start : w.stop] = w.disk_s * disks[w.start : w.stop]
    served, batched = _serve(m, ws, wave_of, order, times, disks, horizon)
    arrived = times if batched is None else batched.arrived
    if not m.rec.trace:
        order = prep.order = None  # no longer needed: let it go
    granted, waited, _, released = served
    done = released + boots  # inf where the disk was not done by the horizon
    why = polling.fast_reason(m.scenario, ws, times, done)  # status polls' read buckets
    if why is not None:
        raise Ineligible(why)
    footprint.check_room()
    try:
        fastrecord.off_ticks(m, released[released < horizon], "a slot frees at a sample time")
        fastrecord.record(m, ws, pos, times, arrived, done, waited, granted, disks, boots, batched)
    except Coincident as exc:
        raise Ineligible(str(exc)) from None
    finished = done < horizon
    fastrecord.series(
        m, ws, wave_of, pos, times, arrived, ticks, prep.opened, served, done, finished
    )
    if m.rec.trace:
        fastrecord.trace(m, ws, wave_of, order, times, served, disks, boots, done, batched)


def _resolve(m: Simulation, w: _Wave) -> None:
    """The version and pool every request of the wave gets: the gallery cannot change under it."""
    x, first = w.wave, w.first
    gallery, image, _ = x.image.split("/")
    for state in m.gallery.by_image[f"{gallery}/{image}"]:
        c = state.copies.get(x.region)
        if c is not None and c.serving_since is not None and not c.serving_since < first:
            raise Ineligible(f"{w.key} starts before replication to {x.region} completes")
    flexible = isinstance(x, ScaleSetWave) and x.orchestration == "Flexible"
    error = m.gallery.access(x.subscription, x.image, flexible)
    clock = m.gallery.clock
    m.gallery.clock = lambda: first
    try:
        state, resolved = m.gallery.resolve(x.image, x.region)
    finally:
        m.gallery.clock = clock
    error = error or resolved
    if error is not None or state is None:
        raise Ineligible(f"requests of {w.key} fail ({error or 'unresolved'})")
    copy = state.copies[x.region]
    if copy.pool is None or copy.pool.capacity < 1:
        raise Ineligible(f"{w.key}: no replica slots in {x.region}")
    w.version, w.pool, w.disk_s = state.ref, copy.pool, copy.disk_s


def _throttles_cannot_bind(
    throttles: Throttles, principals: int, ws: list[_Wave], wave_of: np.ndarray, t: np.ndarray
) -> None:
    """Prove every bucket a PUT takes from holds a token when it does (requests in opening
    order: `wave_of` and times `t`; a VM request's PUT with its principal, its subscription's
    principals taken in turn, a scale set's one PUT with principal 0). A bucket starts full;
    before its j-th take it holds min over i <= j of (size - (j - i) + refill x (t_j - t_i))."""
    subs = sorted({w.wave.subscription for w in ws})
    places = sorted({(w.wave.subscription, w.wave.region) for w in ws})
    sub_of = np.array([subs.index(w.wave.subscription) for w in ws] or [0])
    place_of = np.array([places.index((w.wave.subscription, w.wave.region)) for w in ws] or [0])
    vm = np.array([w.sets is None for w in ws] or [True])[wave_of]
    vm_t, vm_w = t[vm], wave_of[vm]
    vm_sub = sub_of[vm_w]
    by_sub = np.argsort(vm_sub, kind="stable")  # each subscription's VMs, in opening order
    ranked = vm_sub[by_sub]
    turn = np.empty(len(by_sub), dtype=np.int64)  # its subscription's VMs opened before it
    turn[by_sub] = np.arange(len(by_sub)) - np.searchsorted(ranked, ranked)
    set_t, set_w = [], []
    for i, w in enumerate(ws):
        if w.sets is not None and w.stop > w.start:
            set_t.append(_set_times(w, t, wave_of, i))
            set_w.append(np.full(len(set_t[-1]), i))
    st = np.concatenate(set_t) if set_t else np.empty(0)
    sw = np.concatenate(set_w).astype(np.int64) if set_w else np.empty(0, dtype=np.int64)
    arm_key = np.concatenate([vm_sub * principals + turn % principals, sub_of[sw] * principals])
    arm_t = np.concatenate([vm_t, st])
    takes = [("arm_write", arm_key, arm_t)]
    if principals > 1:
        takes.append(("arm_write_subscription", np.concatenate([sub_of[vm_w], sub_of[sw]]), arm_t))
    takes.append(("PutVM", place_of[vm_w], vm_t))
    takes.append(("VMSSPut", place_of[sw], st))
    for policy, key, when in takes:
        spec = throttles.specs[policy]
        by = np.lexsort((when, key))  # each bucket's takes, in time order
        k = key[by]
        cuts = np.flatnonzero(k[1:] != k[:-1]) + 1
        for group in np.split(by, cuts):
            tk = when[group]
            j = np.arange(len(tk), dtype=np.float64)
            rt = spec.refill_per_s * tk
            tokens = spec.size - j + rt + np.minimum.accumulate(j - rt)
            if len(tk) and tokens.min() < 1.0 + MARGIN * max(1.0, spec.size):
                raise Ineligible(f"throttling may bind ({policy})")


def _set_times(w: _Wave, t: np.ndarray, wave_of: np.ndarray, i: int) -> np.ndarray:
    """The submission times of a scale-set wave's sets (its instances carry them)."""
    mine = t[wave_of == i]  # in opening order, which keeps a wave's own order
    firsts = np.flatnonzero(np.diff(w.sets, prepend=-1))
    return mine[firsts]


@dataclass
class Batched:
    """Per request, where scale sets take part: when it reached its pool (a later batch's
    instance: when that batch started; inf: never) and its set's earlier batches' disk time and
    queuing (0 for VM requests)."""

    arrived: np.ndarray
    batches: np.ndarray
    queued_before: np.ndarray


def _serve(
    m: Simulation,
    ws: list[_Wave],
    wave_of: np.ndarray,
    order: np.ndarray,
    times: np.ndarray,
    disks: np.ndarray,
    horizon: float,
) -> tuple[Served, Batched | None]:
    """Every pool's requests through its slots; results per request (in wave-concatenated order)."""
    n = len(times)
    granted, released = np.full(n, np.inf), np.full(n, np.inf)
    waited = np.zeros(n, dtype=bool)
    replica = np.full(n, -1, dtype=np.int64) if m.rec.trace else None  # only the trace shows it
    batched = out = None
    if any(w.sets is not None for w in ws):
        batched = Batched(times.copy(), np.zeros(n), np.zeros(n))
        for w in ws:  # a scale set's instances reach the pool when their batch starts, if ever
            if w.sets is not None:
                batched.arrived[w.start : w.stop] = np.inf
        where = replica if replica is not None else np.full(n, -1, dtype=np.int64)
        out = Outcome(
            batched.arrived,
            granted,
            waited,
            where,
            released,
            batched.batches,
            batched.queued_before,
        )
    pools: dict[int, list[int]] = {}
    for i, w in enumerate(ws):
        if w.pool is not None:
            pools.setdefault(id(w.pool), []).append(i)
    pool_of = np.full(max(len(ws), 1), -1, dtype=np.int64)  # each wave's pool, numbered
    for k, members in enumerate(pools.values()):
        pool_of[members] = k
    ordered_pool = pool_of[wave_of[order]]
    for k, members in enumerate(pools.values()):
        pool, region = ws[members[0]].pool, ws[members[0]].wave.region
        mine = order[ordered_pool == k]
        since = next(c.serving_since for c in m.copies[region] if c.pool is pool)
        syncs = sorted(
            c.serving_since
            for c in m.copies[region]
            if c.serving_since is not None and c.serving_since > since
        )
        try:
            if out is not None and any(ws[i].sets is not None for i in members):
                jobs = _jobs(ws, wave_of, times, mine)
                serve_jobs(pool, jobs, disks, out, m.params.vmss_batch, horizon, since, syncs)
                continue
            s = (
                None
                if m.rec.trace
                else serve_pooled(pool, times[mine], disks[mine], horizon, since, syncs)
            )
            if s is None:  # the replicas' own figures are needed
                s = serve(pool, times[mine].tolist(), disks[mine].tolist(), horizon, since, syncs)
        except Coincident as exc:
            raise Ineligible(str(exc)) from None
        granted[mine], waited[mine], released[mine] = s.granted, s.waited, s.released
        if replica is not None:
            replica[mine] = s.replica
    return Served(granted, waited, replica, released), batched


def _jobs(ws: list[_Wave], wave_of: np.ndarray, times: np.ndarray, mine: np.ndarray) -> list[Job]:
    """A pool's requests (in opening order) as jobs: each VM request alone, each scale set with
    its instances; a scale set's step is its wave's step (sets of one step bind together)."""
    jobs: list[Job] = []
    current: dict[tuple[int, int], Job] = {}
    for i in mine.tolist():
        wi = int(wave_of[i])
        w = ws[wi]
        if w.sets is None:
            jobs.append(Job(float(times[i]), (wi, -1 - i), [i], False))
            continue
        local = i - w.start
        key = (wi, int(w.sets[local]))
        job = current.get(key)
        if job is None:
            job = current[key] = Job(float(times[i]), (wi, int(w.step_of[local])), [], True)
            jobs.append(job)
        job.members.append(i)
    return jobs
