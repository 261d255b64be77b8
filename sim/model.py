"""The shared state of one running simulation, and the behaviours that act on all of it.

A `Simulation` holds the SimPy environment and everything the processes of one run share: the
scenario and its model assumptions, the named random streams, the throttles, the gallery's control
plane state, the recorder, the outages in force, and the replicas serving in each region. It is
built and run by sim.engine; the workload (sim.deployment, sim.vm, sim.scaleset) and
sim.replication act on it. When a region finishes replicating its replicas start serving
(`complete`); outages take replicas down and bring them back (`sync`); `sample` records the time
series the plots show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from acgsim.sim import catalog
from acgsim.sim.faults import ALL_ZONES, Outages
from acgsim.sim.gallery import GalleryState, RegionCopy
from acgsim.sim.metrics import Recorder
from acgsim.sim.params import ModelParams
from acgsim.sim.polling import Polls
from acgsim.sim.replicas import ReplicaPool, Selection
from acgsim.sim.results import Series
from acgsim.sim.scenario import Scenario
from acgsim.sim.streams import Streams
from acgsim.sim.throttle import Throttles


@dataclass
class Simulation:
    """Everything one running simulation shares: the clock, the scenario, the streams, the
    throttles, the gallery state, the recorder, the outages and the replica pools per region."""

    env: simpy.Environment
    scenario: Scenario
    params: ModelParams
    streams: Streams
    throttles: Throttles
    gallery: GalleryState
    rec: Recorder
    selection: type[Selection]  # the scenario's replica_selection, as its policy class
    outages: Outages = field(init=False)
    polls: Polls | None = None  # status polls, where read buckets may bind (sim.polling)
    deletions: list[dict] = field(default_factory=list)  # versions deleted or not (sim.updates)
    pools: dict[str, list[ReplicaPool]] = field(default_factory=dict)
    copies: dict[str, list[RegionCopy]] = field(default_factory=dict)
    series: Series = field(default_factory=Series)

    def complete(self, copy: RegionCopy) -> None:
        """A region finished replicating: its replicas start serving."""
        if copy.pool is not None:  # an update's new replicas: they join the serving pool
            copy.pool.grow(copy.replicas - sum(not r.removed for r in copy.pool.replicas))
            self.sync(copy.region)
            return
        copy.serving_since = self.env.now
        p, state = self.params, self.gallery.versions[copy.version]
        shallow = state.version.replication_mode == "Shallow"
        capacity = (
            p.shallow_concurrency
            if shallow
            else p.concurrency(self.scenario.guidance, copy.storage)
        )
        region = catalog.REGIONS[copy.region]
        pool = ReplicaPool(
            self.env,
            copy.replicas,
            capacity,
            region.zones,
            catalog.STORAGE_TYPES[copy.storage].zone_redundant,
            self.selection(self.streams.rng(f"selection/{copy.version}/{copy.region}")),
        )
        speedup = p.storage.load(copy.storage).disk_speedup
        copy.disk_s = (p.disk.base + p.disk.per_gb * state.version.size_gb) / speedup
        copy.pool = pool
        self.pools.setdefault(copy.region, []).append(pool)
        self.sync(copy.region)

    def sync(self, region: str, _zone: int | None = None) -> None:
        """Bring the region's replicas in line with the outages in force now."""
        lost = self.outages.lost(region)
        for pool in self.pools.get(region, []):
            for zone in (0, 1, 2, 3):
                if ALL_ZONES in lost or zone in lost:
                    pool.lose_zone(zone)
            for zone in (0, 1, 2, 3):
                if ALL_ZONES not in lost and zone not in lost:
                    pool.restore_zone(zone)

    def sample(self):
        """Every sample_interval: in flight, busy slots, queue and 429s per region."""
        step = self.params.sample_interval
        while True:
            self.series.t.append(round(self.env.now, 3))
            for region, stats in self.rec.regions.items():
                pools = self.pools.get(region, [])
                row = self.series.regions.setdefault(region, {k: [] for k in Series.FIELDS})
                row["in_flight"].append(stats.in_flight)
                row["busy"].append(sum(p.busy for p in pools))
                row["queue"].append(sum(p.waiting for p in pools))
                row["capacity"].append(sum(p.up_slots for p in pools))
                row["throttled"].append(stats.throttled)
                row["retries"].append(stats.retries)
                copies = self.copies.get(region, [])
                row["replication_progress"].append(
                    round(sum(c.progress(self.env.now) for c in copies) / len(copies), 2)
                    if copies
                    else 0.0
                )
            yield self.env.timeout(step)
