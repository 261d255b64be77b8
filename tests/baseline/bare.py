"""An independent bare-SimPy model of acgsim's documented semantics.

Written from the README ("What the model does", "Where the time goes"), `acgsim assumptions`,
AZURE_FACTS and the help texts, not from acgsim's engine: its own random numbers, its own
processes, plain `simpy.Resource`s. The tests compare acgsim's figures with these statistically
(tests/baseline/compare.py). Every number below is a documented default; times are seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import simpy

# `acgsim assumptions` defaults, as documented.
DISK_BASE = 15.0  # disk.base
DISK_PER_GB = 0.5  # disk.per_gb, per occupied GB
DISK_CV = 0.3
BOOT_MEAN = 40.0
BOOT_CV = 0.3
WAN_MB_S = 16.0
LAN_MB_S = 64.0
OVERHEAD = 12 * 60.0
JITTER_CV = 0.2
PARALLEL_REGIONS = 10
PARALLEL_COPIES = 4
SOURCE_COPY_SLOTS = 6
PROPAGATION = 60.0
MB_PER_GB = 1024  # "30 GB takes about 44 min": 720 s + 30 x 1024 / 16 = 2,640 s
# Storage tiers: (concurrency_factor, disk_speedup).
TIERS = {"Standard_LRS": (1.0, 1.0), "Standard_ZRS": (1.0, 1.0), "Premium_LRS": (1.25, 1.5)}
# Throttling [ARM][CTL]: (bucket size, refill per second).
ARM_WRITES = (200.0, 10.0)
PUT_VM = (1500.0, 500.0 / 60.0)
VMSS_PUT = (375.0, 125.0 / 60.0)
MIN_RETRY_AFTER = 6.0
MAX_RETRIES = 10  # azure-cli / azure-core retry_total
BACKOFF_BASE = 0.8
BACKOFF_MAX = 120.0
VMSS_BATCH = 20


def lognormal(rng: np.random.Generator, mean: float, cv: float) -> float:
    """A lognormal draw with this mean and coefficient of variation."""
    if cv <= 0:
        return mean
    s2 = math.log1p(cv * cv)
    return float(rng.lognormal(math.log(mean) - s2 / 2, math.sqrt(s2)))


def slots_per_replica(concurrency: int, storage: str) -> int:
    """Disk creations one replica serves at once: the concurrency times the tier's factor,
    rounded to the nearest whole number (a half to the even one), at least 1."""
    return max(1, round(concurrency * TIERS[storage][0]))


def disk_mean(size_gb: float, storage: str) -> float:
    return (DISK_BASE + DISK_PER_GB * size_gb) / TIERS[storage][1]


# --- replication ---------------------------------------------------------------------------


@dataclass
class Target:
    region: str
    replicas: int
    source: bool = False


def replicate(
    rng: np.random.Generator,
    targets: list[Target],
    size_gb: float,
    *,
    lane_holds_region: bool = False,
    source_takes_lane: bool = False,
    publish_at: float = 0.0,
) -> dict[str, tuple[float, float]]:
    """(first copy done, region Completed) per region, for one version alone.

    Each region but the source takes one of `parallel_regions` lanes, in alphabetical order of
    region name; its first replica is copied from the source (overhead + size / WAN rate, the copy
    part jittered; the gallery's own region copies at the LAN rate, first and without a lane), then
    its other replicas in the region (size / LAN rate), `parallel_copies` at a time. Every copy
    also holds one of the source's copy slots (FIFO).
    """
    env = simpy.Environment()
    lanes = simpy.Resource(env, PARALLEL_REGIONS)
    source_slots = simpy.Resource(env, SOURCE_COPY_SLOTS)
    mb = size_gb * MB_PER_GB
    out: dict[str, tuple[float, float]] = {}

    def copy(seconds: float, overhead: float):
        with source_slots.request() as slot:
            yield slot
            yield env.timeout(overhead + seconds * lognormal(rng, 1.0, JITTER_CV))

    def region(t: Target):
        yield env.timeout(publish_at)
        lane = None if t.source and not source_takes_lane else lanes.request()
        if lane is not None:
            yield lane
        rate = LAN_MB_S if t.source else WAN_MB_S
        yield env.process(copy(mb / rate, OVERHEAD))
        first = env.now
        if lane is not None and not lane_holds_region:
            lanes.release(lane)
        in_region = simpy.Resource(env, PARALLEL_COPIES)

        def local():
            with in_region.request() as r:
                yield r
                yield env.process(copy(mb / LAN_MB_S, 0.0))

        yield env.all_of([env.process(local()) for _ in range(t.replicas - 1)])
        if lane is not None and lane_holds_region:
            lanes.release(lane)
        out[t.region] = (first, env.now)

    for t in sorted(targets, key=lambda t: (not t.source, t.region)):
        env.process(region(t))
    env.run()
    return out


# --- VM requests on a pool of replica slots ------------------------------------------------


@dataclass
class Request:
    submitted: float
    wait: float = 0.0
    throttled: float = 0.0
    retries: int = 0
    answers_429: int = 0
    ttr: float | None = None
    error: str = ""
    extra: dict = field(default_factory=dict)


class Bucket:
    """A token bucket: `size` tokens, refilled continuously at `rate` per second."""

    def __init__(self, size: float, rate: float, min_retry_after: float = MIN_RETRY_AFTER):
        self.size, self.rate, self.tokens, self.t = size, rate, size, 0.0
        self.min_retry_after = min_retry_after

    def _fill(self, now: float) -> None:
        self.tokens = min(self.size, self.tokens + (now - self.t) * self.rate)
        self.t = now

    def take(self, now: float) -> float:
        """0 if a token was taken, else the Retry-After: the time to the next token."""
        self._fill(now)
        if self.tokens >= 1.0 - 1e-9:
            self.tokens -= 1.0
            return 0.0
        return max(self.min_retry_after, (1.0 - self.tokens) / self.rate)


def vm_pool(
    rng: np.random.Generator,
    submitted: list[float],
    slots: int,
    size_gb: float,
    storage: str,
    *,
    buckets: list[Bucket] | None = None,
    route=None,
    slot_through_boot: bool = False,
    replicas: int = 1,
    selection: str = "least_loaded",
) -> list[Request]:
    """VM requests on one pooled FIFO queue of replica slots (least_loaded), or bound on arrival
    to one replica's queue of `slots / replicas` (`round_robin`: request i to replica i mod n;
    `random`: uniformly).

    A request's PUT passes each of its buckets in turn (`route(i)` for request i, asked at each
    attempt, else `buckets`: ARM writes of its principal, then compute PutVM of its subscription
    and region) or gets 429 and
    waits the Retry-After (its client honours it, up to MAX_RETRIES retries); then it waits for a
    slot, creates its disk holding the slot, and boots (the slot freed).
    """
    env = simpy.Environment()
    if selection == "least_loaded":
        pools = [simpy.Resource(env, slots)]
    else:
        pools = [simpy.Resource(env, slots // replicas) for _ in range(replicas)]
    arrived = [0]
    reqs = [Request(t) for t in submitted]
    route = route or (lambda i: buckets or [])
    dmean = disk_mean(size_gb, storage)

    def vm(r: Request, i: int):
        yield env.timeout(r.submitted)
        for attempt in range(MAX_RETRIES + 1):
            wait = 0.0
            for b in route(i):
                wait = b.take(env.now)
                if wait:
                    break
            if not wait:
                break
            r.answers_429 += 1
            if attempt == MAX_RETRIES:
                r.error = "TooManyRequests"
                return
            r.retries += 1
            yield env.timeout(wait)
        r.throttled = env.now - r.submitted
        asked = env.now
        if selection == "round_robin":
            pool = pools[arrived[0] % replicas]
        elif selection == "random":
            pool = pools[int(rng.integers(replicas))]
        else:
            pool = pools[0]
        arrived[0] += 1
        req = pool.request()
        yield req
        r.wait = env.now - asked
        yield env.timeout(lognormal(rng, dmean, DISK_CV))
        if not slot_through_boot:
            pool.release(req)
        yield env.timeout(lognormal(rng, BOOT_MEAN, BOOT_CV))
        if slot_through_boot:
            pool.release(req)
        r.ttr = env.now - r.submitted

    for i, r in enumerate(reqs):
        env.process(vm(r, i))
    env.run()
    return reqs


def poisson_times(rng: np.random.Generator, start: float, rate_per_min: float, duration: float):
    """Arrival times of a Poisson stream over [start, start + duration)."""
    out, t = [], start
    while True:
        t += rng.exponential(60.0 / rate_per_min)
        if t >= start + duration:
            return out
        out.append(t)


def spread_times(start: float, count: int, spread: float) -> list[float]:
    """`count` requests spread evenly over `spread`: one every spread / count."""
    return [start + i * spread / count for i in range(count)]


# --- scale sets ----------------------------------------------------------------------------


def scale_sets(
    rng: np.random.Generator,
    put_at: float,
    sets: int,
    instances: int,
    replicas: int,
    size_gb: float,
    storage: str,
    *,
    batch_ends_when: str = "disks",
) -> tuple[list[list[float]], list[float]]:
    """Each set's instances' times to running (from the set's PUT), the sets sent at once, and
    every instance's wait for a slot once its batch started.

    A set is bound to the replica with the fewest sets bound (the lowest index on a tie) and
    builds its instances in batches of VMSS_BATCH, all from that replica's slots (FIFO, shared
    with the other sets bound to it); the next batch starts once every disk of the batch is
    created ("disks") or every instance of it runs ("running").
    """
    env = simpy.Environment()
    c = slots_per_replica(20, storage)
    pools = [simpy.Resource(env, c) for _ in range(replicas)]
    bound = [0] * replicas
    dmean = disk_mean(size_gb, storage)
    out: list[list[float]] = []
    waits: list[float] = []

    def instance(pool, ttr: list[float], disk_done):
        asked = env.now
        with pool.request() as slot:
            yield slot
            waits.append(env.now - asked)
            yield env.timeout(lognormal(rng, dmean, DISK_CV))
        disk_done.succeed()
        yield env.timeout(lognormal(rng, BOOT_MEAN, BOOT_CV))
        ttr.append(env.now - put_at)

    def scale_set(pool, ttr: list[float]):
        yield env.timeout(put_at)
        for first in range(0, instances, VMSS_BATCH):
            n = min(VMSS_BATCH, instances - first)
            disks = [env.event() for _ in range(n)]
            procs = [env.process(instance(pool, ttr, d)) for d in disks]
            yield env.all_of(procs if batch_ends_when == "running" else disks)

    for _ in range(sets):
        i = min(range(replicas), key=lambda j: (bound[j], j))
        bound[i] += 1
        ttr: list[float] = []
        out.append(ttr)
        env.process(scale_set(pools[i], ttr))
    env.run()
    return out, waits


# --- a region outage -----------------------------------------------------------------------


def backoff(retry: int) -> float:
    """azure-core's backoff before retry n (1, 2, ...): 0.8 s doubling, at most 120 s."""
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (retry - 1))


def region_outage(
    rng: np.random.Generator,
    submitted: list[float],
    slots: int,
    size_gb: float,
    storage: str,
    down: tuple[float, float],
    *,
    booting_survives: bool = True,
) -> list[Request]:
    """VM requests in a region that is down over [start, end).

    A PUT while it is down fails (RegionUnavailable); a disk being created when it goes down is
    lost with its replica (the slot freed); both are retried by the client after backoff, every
    failure counting against MAX_RETRIES. A VM already booting keeps booting (it no longer needs
    the image); with `booting_survives` false it is lost too.
    """
    env = simpy.Environment()
    pool = simpy.Resource(env, slots)
    start, end = down
    reqs = [Request(t) for t in submitted]
    dmean = disk_mean(size_gb, storage)

    def is_down() -> bool:
        return start <= env.now < end

    def vm(r: Request):
        yield env.timeout(r.submitted)
        while True:
            if not is_down():
                slot = pool.request()
                yield slot
                disk = lognormal(rng, dmean, DISK_CV)
                boot = lognormal(rng, BOOT_MEAN, BOOT_CV)
                cut = start - env.now if env.now < start else math.inf
                if disk <= cut:
                    yield env.timeout(disk)
                    pool.release(slot)
                    cut -= disk
                    if booting_survives or boot <= cut:
                        yield env.timeout(boot)
                        r.ttr = env.now - r.submitted
                        return
                    yield env.timeout(cut)
                else:
                    yield env.timeout(cut)
                    pool.release(slot)
                r.extra["lost"] = r.extra.get("lost", 0) + 1
            if r.retries == MAX_RETRIES:
                r.error = "RegionUnavailable"
                return
            r.retries += 1
            yield env.timeout(backoff(r.retries))

    for r in reqs:
        env.process(vm(r))
    env.run()
    return reqs


# --- replicas one by one: least_loaded selection and a zone outage --------------------------


class Replicas:
    """`k` replicas of `c` slots each; a request takes the alive replica with the fewest busy
    slots (the first on a tie) or waits in one FIFO queue for the first slot to free
    (`first_free`: the first alive replica with a free slot instead)."""

    def __init__(self, env: simpy.Environment, k: int, c: int, *, first_free: bool = False):
        self.env, self.c, self.first_free = env, c, first_free
        self.busy = [0] * k
        self.alive = [True] * k
        self.lost = [env.event() for _ in range(k)]
        self.queue: list[simpy.Event] = []
        self.peak = 0

    def _pick(self) -> int | None:
        free = [j for j in range(len(self.busy)) if self.alive[j] and self.busy[j] < self.c]
        if not free:
            return None
        return free[0] if self.first_free else min(free, key=lambda j: (self.busy[j], j))

    def acquire(self) -> simpy.Event:
        ev = self.env.event()
        self.queue.append(ev)
        self._dispatch()
        return ev

    def release(self, j: int) -> None:
        if self.alive[j]:
            self.busy[j] -= 1
        self._dispatch()

    def _dispatch(self) -> None:
        while self.queue and (j := self._pick()) is not None:
            self.busy[j] += 1
            self.peak = max(self.peak, self.busy[j])
            self.queue.pop(0).succeed(j)

    def go_down(self, j: int) -> None:
        self.alive[j], self.busy[j] = False, 0
        self.lost[j].succeed()
        self.lost[j] = self.env.event()

    def come_back(self, j: int) -> None:
        self.alive[j] = True
        self._dispatch()


def zone_outage(
    rng: np.random.Generator,
    submitted: list[float],
    replicas: int,
    size_gb: float,
    storage: str,
    zone: int,
    down: tuple[float, float],
    *,
    first_free: bool = False,
) -> tuple[list[Request], int]:
    """VM requests (and the busiest replica's peak) on `replicas` replicas spread over zones 1-3
    round-robin (LRS), zone `zone` down over [start, end): its replicas' disk creations are lost
    (the slot with them) and the request is retried by the client after backoff; booting VMs run
    on. No throttling binds."""
    env = simpy.Environment()
    reps = Replicas(env, replicas, slots_per_replica(20, storage), first_free=first_free)
    in_zone = [j for j in range(replicas) if j % 3 + 1 == zone]
    reqs = [Request(t) for t in submitted]
    dmean = disk_mean(size_gb, storage)

    def outage():
        yield env.timeout(down[0])
        for j in in_zone:
            reps.go_down(j)
        yield env.timeout(down[1] - down[0])
        for j in in_zone:
            reps.come_back(j)

    def vm(r: Request):
        yield env.timeout(r.submitted)
        while True:
            asked = env.now
            j = yield reps.acquire()
            r.wait += env.now - asked
            lost = reps.lost[j]
            disk = env.timeout(lognormal(rng, dmean, DISK_CV))
            yield disk | lost
            if not lost.triggered:
                reps.release(j)
                break
            r.extra["lost"] = r.extra.get("lost", 0) + 1
            if r.retries == MAX_RETRIES:
                r.error = "ReplicaUnavailable"
                return
            r.retries += 1
            yield env.timeout(backoff(r.retries))
        yield env.timeout(lognormal(rng, BOOT_MEAN, BOOT_CV))
        r.ttr = env.now - r.submitted

    env.process(outage())
    for r in reqs:
        env.process(vm(r))
    env.run()
    return reqs, reps.peak


def replicate_with_failures(
    rng: np.random.Generator,
    size_gb: float,
    probability: float,
    *,
    retry_delay: float = 15 * 60.0,
    max_attempts: int = 3,
    fail_at_end: bool = False,
) -> tuple[str, int, float | None]:
    """(state, attempts, completed) of one target region with one replica, its source feeding
    nothing else: an attempt copies overhead + size / WAN (jittered); with `probability` it fails
    at a uniformly random point of it (`fail_at_end`: at its end), and the service retries it
    `retry_delay` later, at most `max_attempts` attempts in all."""
    t = 0.0
    for attempt in range(1, max_attempts + 1):
        planned = OVERHEAD + size_gb * MB_PER_GB / WAN_MB_S * lognormal(rng, 1.0, JITTER_CV)
        if rng.random() >= probability:
            return "Completed", attempt, t + planned
        t += (planned if fail_at_end else rng.random() * planned) + retry_delay
    return "Failed", max_attempts, None


def added_replicas(
    rng: np.random.Generator,
    submitted: list[float],
    before: int,
    after: int,
    size_gb: float,
    storage: str,
    update_at: float,
    *,
    join: str = "together",
) -> tuple[list[Request], float]:
    """VM requests on `before` replicas until an update at `update_at` raises them to `after`:
    the new replicas are copied in the region (size / LAN rate, jittered, `parallel_copies` at a
    time) and join together when the last copy ends, as the region completes again ("each":
    each as its own copy ends; "instant": a wrong model in which they serve at once). Returns
    the requests and the time the region completed again."""
    env = simpy.Environment()
    reps = Replicas(env, after, slots_per_replica(20, storage))
    for j in range(before, after):
        reps.alive[j] = False
    dmean = disk_mean(size_gb, storage)
    reqs = [Request(t) for t in submitted]
    done = [update_at]

    def update():
        yield env.timeout(update_at)
        lanes = simpy.Resource(env, PARALLEL_COPIES)

        def copy(j: int):
            with lanes.request() as lane:
                yield lane
                seconds = size_gb * MB_PER_GB / LAN_MB_S * lognormal(rng, 1.0, JITTER_CV)
                yield env.timeout(0.0 if join == "instant" else seconds)
            if join != "together":
                reps.come_back(j)

        yield env.all_of([env.process(copy(j)) for j in range(before, after)])
        done[0] = env.now
        if join == "together":
            for j in range(before, after):
                reps.come_back(j)

    def vm(r: Request):
        yield env.timeout(r.submitted)
        asked = env.now
        j = yield reps.acquire()
        r.wait = env.now - asked
        yield env.timeout(lognormal(rng, dmean, DISK_CV))
        reps.release(j)
        yield env.timeout(lognormal(rng, BOOT_MEAN, BOOT_CV))
        r.ttr = env.now - r.submitted

    env.process(update())
    for r in reqs:
        env.process(vm(r))
    env.run()
    return reqs, done[0]
