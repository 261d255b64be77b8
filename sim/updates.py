"""Updates of existing image versions: target regions added or removed, replica counts changed.

Target regions and replica counts of a version are updatable; its storage account type is not
[SIG][SPEC] (sim.checks refuses such an update before anything runs). At an update's time:
- an added region starts replicating like a published one (first copy from the source, then the
  in-region copies), and serves once it completes; the version is Updating meanwhile and every
  region that already serves keeps serving [ACG][AgentBaker PR 6741];
- a removed region stops serving at once: new requests there get "not available in region", disk
  creations already running finish; a replication still running into it stops. A region that ended
  Failed is recovered this way: remove it, then add it back [azure-cli 15539];
- a higher replica count copies only the new replicas inside the region, after any replication
  still running there finishes; they join the serving replicas when copied. A lower count takes
  replicas out of service at once (their running disk creations finish). A region that has not
  served yet (still Failed) only records the new count, copied when it is added back.
How Azure orders overlapping operations on one version is not published: acgsim runs an update's
work in a region after the work already running there (an assumption).
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from acgsim.sim.gallery import RegionCopy
from acgsim.sim.model import Simulation
from acgsim.sim.scenario import VersionUpdate

Start = Callable[[RegionCopy, int], simpy.Process]
"""Starts the replication process of a copy (0: the whole region; n > 0: n more replicas)."""


def run_update(m: Simulation, update: VersionUpdate, start: Start) -> Generator:
    """The SimPy process of one update, applied at its time."""
    env = m.env
    if update.at > env.now:
        yield env.timeout(update.at - env.now)
    state = m.gallery.versions[update.version]
    v = state.version
    for region in update.remove_regions:
        copy = m.gallery.remove_region(update.version, region)
        if copy.process is not None and copy.process.is_alive:
            copy.process.interrupt("region removed")
        if copy.pool is not None:
            copy.pool.retire(len(copy.pool.replicas))
    for t in update.add_regions:
        copy = RegionCopy(
            update.version,
            t.region,
            v.replicas_in(t),
            v.storage_in(t),
            v.excluded_in(t),
            t.region == state.gallery.region,
            env.now,
        )
        previous = next((c for c in m.copies.get(t.region, []) if c.version == copy.version), None)
        if previous is not None and previous.removed:  # added back: keep its history visible
            copy.failures = [(at, f"before removal: {why}") for at, why in previous.failures]
            m.copies[t.region].remove(previous)
        m.gallery.add_region(update.version, copy)
        m.copies.setdefault(t.region, []).append(copy)
        copy.process = start(copy, 0)
    for t in update.replicas:
        copy = state.copies[t.region]
        new = v.replicas_in(t)
        env.process(_resize(m, copy, new, start))


def _resize(m: Simulation, copy: RegionCopy, new: int, start: Start) -> Generator:
    """Change one region's replica count once the work already running there is done."""
    while copy.process is not None and copy.process.is_alive:
        yield copy.process
    if copy.removed:
        return
    if copy.pool is None:  # never served (Failed): the count is copied when it is added back
        copy.replicas = new
        return
    serving = sum(not r.removed for r in copy.pool.replicas)
    copy.replicas = new
    if new < serving:
        copy.pool.retire(serving - new)
        m.sync(copy.region)
    elif new > serving:
        copy.process = start(copy, new - serving)
