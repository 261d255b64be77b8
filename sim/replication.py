"""Replication of an image version into its target regions [ACG][SIG][TS].

Publishing starts replication at the version's publish time. For each target region the first
replica is copied from the source region (across regions, over the WAN: size / wan_mb_per_s, with
lognormal jitter, plus a fixed setup `overhead`); in the source region itself that first copy is
local. Then the other replicas are copied inside the region, `parallel_copies` at a time, at the
LAN rate [ACG: further replicas are copied within the region]. Every copy also holds one of the
source region's copy slots while it runs (sim.egress), so a version to many regions with many
replicas takes longer than one to a few. The region goes Unknown -> Replicating -> Completed, and
only a Completed region serves deployments [ACG]. A Shallow version is not copied: it is ready
after the setup overhead and has one replica [SIG].

Calibration (assumptions, see sim.service_params.Replication): public observations put one region at
1-3 % progress per minute (33-100 minutes), 15-20 minutes for small images and 30-60 minutes for a
version with Terraform, and a 35-region update with 10-50 replicas each still running after a day
(AZURE_FACTS section 5).

Failures: a replication_failure fault (a time window or a probability), a region outage overlapping
the attempt, or the model's failure_probability fails the attempt; the region is Failed and the
service retries it every `retry_delay` (Azure's remedy is to retry the region [azure-cli 15539]).
A retry that finds the fault still in force spends no attempt and waits again, so a fault that ends
is recovered from; `max_attempts` is the budget of attempts that actually ran. A region still
Failed when the budget is spent stays Failed until an update removes it and adds it again
[azure-cli 15539] (sim.updates). An update that adds replicas to a serving region copies only the
new replicas (no first copy); the region keeps serving from its completed replicas meanwhile.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Generator

import numpy as np
import simpy

from acgsim.sim.faults import FailureAt
from acgsim.sim.gallery import RegionCopy, VersionState
from acgsim.sim.service_params import Replication
from acgsim.sim.streams import lognormal_factor

MB_PER_GB = 1024.0


def copy_plan(
    size_gb: float,
    replicas: int,
    remote: bool,
    shallow: bool,
    p: Replication,
    rng: np.random.Generator,
) -> tuple[float, list[float]]:
    """Seconds for the first copy (setup included) and for each remaining in-region copy."""
    if shallow:
        return p.overhead, []
    jitter = lognormal_factor(rng, p.jitter_cv, replicas)
    rate = p.wan_mb_per_s if remote else p.lan_mb_per_s
    first = p.overhead + size_gb * MB_PER_GB / rate * float(jitter[0])
    return first, [size_gb * MB_PER_GB / p.lan_mb_per_s * float(j) for j in jitter[1:]]


def makespan(copies: list[float], lanes: int) -> float:
    """List scheduling of the in-region copies on `lanes` parallel lanes, nothing else copying."""
    if not copies:
        return 0.0
    ends = [0.0] * min(lanes, len(copies))
    for c in copies:
        heapq.heapreplace(ends, ends[0] + c)
    return max(ends)


def _free(resource: simpy.Resource, request: simpy.resources.resource.Request) -> None:
    request.cancel()  # if still waiting
    resource.release(request)  # if granted


def _copies(env: simpy.Environment, todo: deque, slots: simpy.Resource) -> Generator:
    """One in-region copy lane: takes the next copy, holds a source slot while it runs."""
    try:
        while todo:
            seconds = todo.popleft()
            with slots.request() as slot:
                yield slot
                yield env.timeout(seconds)
    except simpy.Interrupt:
        return


def _work(
    env: simpy.Environment,
    copy: RegionCopy,
    first: float | None,
    rest: list[float],
    lanes: int,
    slots: simpy.Resource,
    first_done: Callable[[], None],
) -> Generator:
    """The copies of one attempt: the first (if any), then the in-region ones, `lanes` at once."""
    workers: list[simpy.Process] = []
    try:
        if first is not None:
            with slots.request() as slot:
                yield slot
                yield env.timeout(first)
            copy.first_copy = env.now
            first_done()
        todo = deque(rest)
        workers = [env.process(_copies(env, todo, slots)) for _ in range(min(lanes, len(rest)))]
        if workers:
            yield env.all_of(workers)
    except simpy.Interrupt:
        for w in workers:
            if w.is_alive:
                w.interrupt()


def replicate(
    env: simpy.Environment,
    state: VersionState,
    copy: RegionCopy,
    p: Replication,
    rng: np.random.Generator,
    failure_at: FailureAt,
    on_complete: Callable[[RegionCopy], None],
    lanes: simpy.Resource,
    slots: simpy.Resource,
    grow: int = 0,
) -> Generator:
    """The SimPy process that replicates one version into one region, with the service's retries.

    A first copy across regions holds one of the version's `lanes` (parallel_regions) while it runs;
    every copy holds one of the source's `slots`. With `grow` > 0 the region already serves and
    only `grow` more replicas are copied in it (an update). An interrupt (the region removed by an
    update) stops it wherever it is.
    """
    v = state.version
    lane = work = None
    try:
        if copy.start_at > env.now:
            yield env.timeout(copy.start_at - env.now)
        if not grow:
            copy.started = env.now
        shallow = v.replication_mode == "Shallow"
        attempts = 0
        while attempts < p.max_attempts:
            attempts += 1
            copy.attempts += 1
            copy.status, copy.attempt_started, copy.attempt_ends = "Replicating", None, None
            lane = None if copy.source or shallow or grow else lanes.request()
            if lane is not None:
                yield lane
            count = grow + 1 if grow else copy.replicas
            first, rest = copy_plan(v.size_gb, count, not copy.source, shallow, p, rng)
            start = env.now
            planned = (0.0 if grow else first) + makespan(rest, p.parallel_copies)
            copy.attempt_started, copy.attempt_ends = start, start + planned
            failure = failure_at(start, start + planned, math.inf)
            held = [lane]

            def release_lane(held: list = held) -> None:
                if held[0] is not None:
                    _free(lanes, held[0])
                    held[0] = None

            work = env.process(
                _work(
                    env, copy, None if grow else first, rest, p.parallel_copies, slots, release_lane
                )
            )
            if failure is None:
                yield work
            else:
                yield work | env.timeout(max(0.0, failure[0] - env.now))
            release_lane()
            lane = None
            if not work.is_alive:
                copy.status, copy.completed, copy.attempt_ends = "Completed", env.now, env.now
                on_complete(copy)
                return
            work.interrupt()
            work = None
            copy.status = "Failed"
            copy.failures.append((env.now, failure[1]))
            if attempts < p.max_attempts:
                wait = p.retry_delay  # a retry that still finds the fault waits again
                ahead = failure[2] - env.now
                if ahead > 1000 * wait:  # counted, not stepped: a fault may outlast the run by ages
                    wait = ahead if math.isinf(ahead) else wait * math.ceil(ahead / wait)
                while env.now + wait < failure[2]:
                    wait += p.retry_delay
                yield env.timeout(wait)
    except simpy.Interrupt:
        if work is not None and work.is_alive:
            work.interrupt()
        if lane is not None:
            _free(lanes, lane)
