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

Deleting a version (`delete: true`): Azure refuses to delete an image while VMs are being
provisioned from it (OperationNotAllowed, "Operation 'Image Delete' is not allowed since the Virtual
Machines '...' are being provisioned using the Image '...'", seen for managed images and assumed the
same for gallery versions: sim.service_errors). acgsim reads "being provisioned from it" as a
request that holds a replica slot of the version, in any region, and whose OS disk is still being
created from it: once the disk exists the VM no longer needs the image (a request still queued for a
slot does not block the delete; it is turned away and retries, as when a replica is lost). A refused
delete changes nothing. A delete that passes stops the version resolving at once: requests naming it
fail with GalleryImageNotFound, `latest` moves to the previous version, replication still running
into its regions stops, and its replicas take no new disk creations. Later updates of a deleted
version do nothing. Each delete's outcome is in the run's `deletions`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from acgsim.sim.gallery import RegionCopy
from acgsim.sim.model import Simulation
from acgsim.sim.scenario import VersionUpdate
from acgsim.sim.service_errors import RUNTIME

Start = Callable[[RegionCopy, int], simpy.Process]
"""Starts the replication process of a copy (0: the whole region; n > 0: n more replicas)."""


def run_update(m: Simulation, update: VersionUpdate, start: Start) -> Generator:
    """The SimPy process of one update, applied at its time."""
    env = m.env
    if update.at > env.now:
        yield env.timeout(update.at - env.now)
    state = m.gallery.versions[update.version]
    if state.deleted:
        return
    if update.delete:
        m.deletions.append(delete(m, update.version))
        return
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


def delete(m: Simulation, ref: str) -> dict:
    """Delete a version now, or refuse to while a VM's disk is being created from it (an update
    of the scenario, or acgsim serve's DELETE)."""
    state = m.gallery.versions[ref]
    busy = sorted(
        i
        for c in state.copies.values()
        if c.pool is not None
        for r in c.pool.replicas
        for i in r.active
    )
    row = {"at_s": round(m.env.now, 3), "version": ref}
    if busy:
        shown = ",".join(f"request {i}" for i in busy[:3])  # acgsim's request ids
        shown += f",... ({len(busy)} VMs)" if len(busy) > 3 else ""
        return row | {
            "outcome": "refused",
            "error": "DeleteWhileProvisioning",
            "vms": len(busy),
            "message": RUNTIME["DeleteWhileProvisioning"].message.format(vms=shown, image=ref),
        }
    m.gallery.delete_version(ref)
    for region, copy in state.copies.items():
        if copy.process is not None and copy.process.is_alive:
            copy.process.interrupt("version deleted")
        if copy.pool is not None:
            copy.pool.retire(len(copy.pool.replicas))
            m.sync(region)
    return row | {"outcome": "deleted", "error": None, "vms": 0, "message": None}
