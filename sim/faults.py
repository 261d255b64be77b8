"""Zone outages, region outages and replication failures, as a scenario schedules them.

A zone outage takes down, in one region, every replica that lives in that zone: LRS and
Premium_LRS replicas are zonal (spread round-robin over the zones), ZRS replicas survive the loss
of one zone [ACG]. A region outage takes down every replica in the region and answers every request
there with RegionUnavailable (retried with backoff); it also fails replication attempts into the
region that overlap it (a zone outage does not: the copy is assumed to land on surviving storage).
Replication failures come from the scenario (a window or a probability per attempt) or from the
model's failure_probability. Overlapping outages are counted, so a zone is back only when the last
outage covering it ends. Where VMs themselves run (their zones) is not modelled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator

import numpy as np
import simpy

from acgsim.sim.fault_models import RegionOutage, ReplicationFailure, ZoneOutage
from acgsim.sim.gallery import RegionCopy
from acgsim.sim.scenario import Scenario

ALL_ZONES = None  # a region outage: every replica, zonal or not
FailureAt = Callable[..., "tuple[float, str, float] | None"]
"""(attempt start, planned end, until=None) -> (failure time, reason, fault clears at) or None."""


class Outages:
    """Which zones and regions are down now; tells the replica pools when that changes."""

    def __init__(
        self,
        env: simpy.Environment,
        on_lose: Callable[[str, int | None], None],
        on_restore: Callable[[str, int | None], None],
    ):
        self.env = env
        self.on_lose = on_lose
        self.on_restore = on_restore
        self.zones: Counter = Counter()  # (region, zone) -> outages in force
        self.regions: Counter = Counter()

    def region_down(self, region: str) -> bool:
        return self.regions.get(region, 0) > 0  # get: a Counter's [] of a new key is slow

    def lost(self, region: str) -> set[int | None]:
        """Zones whose replicas are down now: ALL_ZONES in a region outage; zone 0 (zone-redundant
        replicas) once two or more zones are down, since ZRS survives the loss of one zone [ACG]."""
        if self.regions[region]:
            return {ALL_ZONES}
        zones = {z for (r, z), n in self.zones.items() if r == region and n}
        return zones | {0} if len(zones) >= 2 else zones

    def run(self, fault: ZoneOutage | RegionOutage) -> Generator:
        """The SimPy process of one outage (one that lasts no time takes nothing down)."""
        if fault.duration <= 0:
            return
        yield self.env.timeout(max(0.0, fault.at - self.env.now))
        zone = fault.zone if isinstance(fault, ZoneOutage) else ALL_ZONES
        counter, key = (self.zones, (fault.region, zone)) if zone else (self.regions, fault.region)
        counter[key] += 1
        self.on_lose(fault.region, zone)
        yield self.env.timeout(fault.duration)
        counter[key] -= 1
        self.on_restore(fault.region, zone)


class ReplicationFaults:
    """When, if at all, a replication attempt fails."""

    def __init__(self, scenario: Scenario, base_probability: float):
        self.base = base_probability
        self.windows: list[tuple[str, str | None, float, float, str]] = []
        self.chances: list[tuple[str, str | None, float]] = []
        for f in scenario.faults:
            if isinstance(f, ReplicationFailure):
                if f.probability is not None:
                    self.chances.append((f.region, f.version, f.probability))
                else:
                    self.windows.append(
                        (f.region, f.version, f.at, f.at + f.duration, "replication_failure fault")
                    )
            elif isinstance(f, RegionOutage):
                self.windows.append((f.region, None, f.at, f.at + f.duration, "region outage"))

    def for_copy(self, copy: RegionCopy, source: str, rng: np.random.Generator) -> FailureAt:
        """A function (attempt start, planned end, until) -> (failure time, reason, the time the
        fault clears) or None for this copy. Windows count up to `until` (default: the planned
        end; a copy slowed by contention runs past its plan), a probability draw falls within
        the plan. An outage of the source region fails copies into every region: they copy from
        it [ACG]. A failure by probability clears at once."""

        def applies(region: str, version: str | None) -> bool:
            return region == copy.region and version in (None, copy.version)

        windows = [(a, b, why) for r, v, a, b, why in self.windows if applies(r, v)]
        windows += [
            (a, b, "source region outage")
            for r, v, a, b, why in self.windows
            if why == "region outage" and r == source and r != copy.region
        ]
        survive = 1.0 - self.base
        for r, v, p in self.chances:
            if applies(r, v):
                survive *= 1.0 - p
        chance = 1.0 - survive

        def failure_at(
            start: float, end: float, until: float | None = None
        ) -> tuple[float, str, float] | None:
            last = end if until is None else until
            hits = [(max(a, start), why, b) for a, b, why in windows if a < last and b > start]
            draw, where = rng.random(), rng.random()  # always two draws: streams stay aligned
            if draw < chance:
                at = start + where * (end - start)
                hits.append((at, "replication failed (probability)", at))
            if not hits:
                return None
            at, why, _ = min(hits)
            # the fault clears when every window in force at that moment has ended
            clears = max([b for a, b, _ in windows if a <= at < b], default=at)
            return at, why, clears

        return failure_at
