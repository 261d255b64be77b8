"""Which observed VM creates took exactly disk + boot in the model, and what the scenario says
about them (image size, storage, replica slots).

In the model a create that met no 429 and found a free replica slot took disk + boot; the others
also waited (sim.deployment). The activity log shows 429s; a slot is judged free when no more
creates were in flight in the region (counting the create itself, from Started to Succeeded, so
booting VMs too: conservative) than its replicas' slots (replicas x concurrency per the guidance
and the storage tier). A create whose region is unknown is judged against the smallest region.
"""

from __future__ import annotations

import numpy as np

from acgsim.sim.calibrate.observations import Timed
from acgsim.sim.params import ModelParams
from acgsim.sim.scenario import Scenario


class Facts:
    """Sizes, storage and replica slots the scenario gives, for the observed creates."""

    def __init__(self, scenario: Scenario, params: ModelParams):
        self.refs = {r.ref.lower(): r for r in scenario.versions()}
        self.reference = scenario.versions()[0]
        for w in scenario.waves():
            image = getattr(w.wave, "image", "").lower()
            found = self.refs.get(image) or self._latest(image.rpartition("/")[0])
            if found is not None:
                self.reference = found
                break
        self.params = params
        self.guidance = scenario.guidance

    def _latest(self, image: str):
        """The scenario's last-listed version of gallery/image, or None."""
        found = [r for k, r in self.refs.items() if k.rpartition("/")[0] == image]
        return found[-1] if found else None

    def version(self, image_id: str):
        """The scenario's version a create's image reference names (else the reference one)."""
        parts = image_id.strip("/").split("/")
        if "galleries" in parts:
            i = parts.index("galleries")
            key = "/".join(parts[i + 1 :: 2])
            found = self.refs.get(key) or self._latest(key)
            if found is not None:
                return found
        return self.reference

    def disk_mean(self, t: Timed, disk) -> float:
        v = self.version(t.image).version
        size = t.size_gb or v.size_gb
        speedup = self.params.storage.load(v.storage).disk_speedup
        return (disk.base + disk.per_gb * size) / speedup

    def slots(self, t: Timed) -> int:
        v = self.version(t.image).version
        counts = [
            v.replicas_in(r) * self.params.concurrency(self.guidance, v.storage_in(r))
            for r in v.regions
            if not t.region or r.region == t.region
        ]
        return (
            min(counts)
            if counts
            else min(
                v.replicas_in(r) * self.params.concurrency(self.guidance, v.storage_in(r))
                for r in v.regions
            )
        )


def clean_creates(creates: list[Timed], ctx: Facts) -> tuple[list[Timed], int, int]:
    """The creates that met no 429 and found a free slot (in flight, counting themselves, no more
    than their region's replica slots), and how many were throttled and possibly queued. A create
    whose region is unknown counts against every region (conservative: more are left out)."""
    throttled = sum(1 for t in creates if t.throttled)
    flights: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # region -> sorted starts, ends

    def in_flight(t: Timed) -> int:
        if t.region not in flights:
            near = [c for c in creates if not t.region or not c.region or c.region == t.region]
            flights[t.region] = (
                np.sort([c.start for c in near]),
                np.sort([c.start + c.duration_s for c in near]),
            )
        starts, ends = flights[t.region]  # started at or before t.start, not ended by then
        return int(
            np.searchsorted(starts, t.start, "right") - np.searchsorted(ends, t.start, "right")
        )

    keep, queued = [], 0
    for t in creates:
        if t.throttled:
            continue
        if in_flight(t) > ctx.slots(t):
            queued += 1
            continue
        keep.append(t)
    return keep, throttled, queued
