"""Replication of an image version into its target regions [ACG][SIG][TS].

Publishing starts replication at the version's publish time. For each target region the first
replica is copied from the source region (across regions, over the WAN: size / wan_mb_per_s, with
lognormal jitter, plus a fixed setup `overhead`); in the source region itself that first copy is
local. Then the other replicas are copied inside the region, `parallel_copies` at a time, at the
LAN rate [ACG: further replicas are copied within the region]. The region goes Unknown ->
Replicating -> Completed, and only a Completed region serves deployments [ACG]. A Shallow version
is not copied: it is ready after the setup overhead and has one replica [SIG].

Calibration (assumptions, see sim.params.Replication): public observations put one region at 1-3 %
progress per minute (33-100 minutes), 15-20 minutes for small images and 30-60 minutes for a
version with Terraform (AZURE_FACTS section 5); the defaults give 30 GB in about 37 minutes.

Failures: a replication_failure fault (a time window or a probability), a region outage overlapping
the attempt, or the model's failure_probability fails the attempt; the region is Failed, retried
after `retry_delay` (Azure's remedy is to retry the region [azure-cli 15539]) up to `max_attempts`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Generator

import numpy as np
import simpy

from acgsim.sim.gallery import RegionCopy, VersionState
from acgsim.sim.params import Replication
from acgsim.sim.streams import lognormal_factor

MB_PER_GB = 1024.0


def copy_plan(
    size_gb: float,
    replicas: int,
    remote: bool,
    shallow: bool,
    p: Replication,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """Seconds for the first copy (setup included) and for the remaining in-region copies."""
    if shallow:
        return p.overhead, 0.0
    jitter = lognormal_factor(rng, p.jitter_cv, replicas)
    rate = p.wan_mb_per_s if remote else p.lan_mb_per_s
    first = p.overhead + size_gb * MB_PER_GB / rate * float(jitter[0])
    copies = [size_gb * MB_PER_GB / p.lan_mb_per_s * float(j) for j in jitter[1:]]
    lanes = [0.0] * min(p.parallel_copies, max(1, len(copies)))
    for c in copies:  # list scheduling on parallel lanes: the makespan of the in-region copies
        heapq.heapreplace(lanes, lanes[0] + c)
    return first, max(lanes) if copies else 0.0


def replicate(
    env: simpy.Environment,
    state: VersionState,
    copy: RegionCopy,
    p: Replication,
    rng: np.random.Generator,
    failure_at: Callable[[float, float], tuple[float, str] | None],
    on_complete: Callable[[RegionCopy], None],
    lanes: simpy.Resource,
) -> Generator:
    """The SimPy process that replicates one version into one region, with retries.

    A first copy across regions holds one of the version's `lanes` (parallel_regions) while it runs.
    """
    v = state.version
    if v.publish_at > env.now:
        yield env.timeout(v.publish_at - env.now)
    copy.started = env.now
    shallow = v.replication_mode == "Shallow"
    while copy.attempts < p.max_attempts:
        copy.attempts += 1
        copy.status, copy.attempt_started, copy.attempt_ends = "Replicating", None, None
        lane = None if copy.source or shallow else lanes.request()
        if lane is not None:
            yield lane
        first, rest = copy_plan(v.size_gb, copy.replicas, not copy.source, shallow, p, rng)
        start, end = env.now, env.now + first + rest
        copy.attempt_started, copy.attempt_ends = start, end
        failure = failure_at(start, end)
        cut = end if failure is None else failure[0]
        yield env.timeout(max(0.0, min(start + first, cut) - env.now))
        if start + first <= cut:
            copy.first_copy = env.now
        if lane is not None:
            lanes.release(lane)
        yield env.timeout(max(0.0, cut - env.now))
        if failure is None:
            copy.status, copy.completed = "Completed", env.now
            on_complete(copy)
            return
        copy.status = "Failed"
        copy.failures.append((env.now, failure[1]))
        if copy.attempts < p.max_attempts:
            yield env.timeout(p.retry_delay)
