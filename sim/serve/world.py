"""The simulated Azure behind `acgsim serve`: the model's state, advanced to each request's time.

One SimPy environment runs for the server's life. Every request first advances it to the
request's simulated time (sim.serve.clock), then reads or changes it; nothing else moves it, so
the same requests at the same times give the same answers (the deterministic core).

What runs on the model (sim/): an image version's replication into its target regions is
sim.replication.replicate with the source region's copy slots (sim.egress), the service's retries
and the scenario's replication faults and outages; a region serves once Completed, after the
propagation delay (sim.gallery); an update of the target regions or replica counts is
sim.updates.run_update; a VM is sim.deployment.vm: the image resolved in its region (access,
`latest`, GalleryImageNotFound), a replica slot (queued when all are busy), the OS disk created
from the replica, the boot. The front door's 429s are sim.serve.throttling, so the model's own
client retries are off here: the real client retries.

What is instant: galleries, image definitions, deletes, resource groups (no model time). What is
not simulated: the source of a version (its size comes from the `acgsim-size-gb` tag or the
server's default), networking, the VM's size and quota. A gallery name is unique on one server
(Azure: within a subscription), since the model names versions gallery/image/version.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

import simpy

from acgsim.sim import catalog
from acgsim.sim.egress import SourceCapacity
from acgsim.sim.errors import RUNTIME, problem
from acgsim.sim.faults import Outages, ReplicationFaults
from acgsim.sim.gallery import GalleryState, RegionCopy, VersionState
from acgsim.sim.metrics import Recorder, Request
from acgsim.sim.model import Simulation
from acgsim.sim.naming import version_key
from acgsim.sim.replicas import SELECTIONS
from acgsim.sim.replication import replicate
from acgsim.sim.scenario import (
    Gallery,
    ImageDefinition,
    ImageVersion,
    RegionOutage,
    Scenario,
    Subscription,
    TargetRegion,
    VersionUpdate,
    ZoneOutage,
)
from acgsim.sim.serve.resources import ArmError, stable_uuid
from acgsim.sim.streams import Streams, durations
from acgsim.sim.throttle import Throttles
from acgsim.sim.updates import run_update

MAX_SUBSCRIPTIONS = 100  # bounded memory: subscriptions created on the fly
MAX_VERSIONS = 2_000  # image versions on one server (Azure's own limit is 10,000 per region)
MAX_VMS = 20_000  # virtual machines on one server


@dataclass
class VersionRec:
    model: ImageVersion
    props: dict
    tags: dict
    published: float
    state: VersionState
    updated: bool = False


@dataclass
class ImageRec:
    model: ImageDefinition
    props: dict
    tags: dict
    versions: dict[str, VersionRec] = field(default_factory=dict)


@dataclass
class GalleryRec:
    sub_id: str
    model: Gallery
    props: dict
    tags: dict
    images: dict[str, ImageRec] = field(default_factory=dict)


@dataclass
class VmRec:
    sub_id: str
    rg: str
    name: str
    location: str
    props: dict
    tags: dict
    image: str  # gallery/image/version or gallery/image/latest
    request: Request
    vm_id: str


class World:
    """The model's state for one server, and the resources clients created in it."""

    def __init__(self, scenario: Scenario, seed: int, default_size_gb: float, epoch: float):
        self.scenario = scenario.model_copy(deep=True)
        s, p = self.scenario, self.scenario.model
        self.default_size_gb = default_size_gb
        self.epoch = epoch  # wall-clock UNIX time of simulated time 0, for timestamps only
        env = simpy.Environment()
        self.m = Simulation(
            env,
            s,
            p,
            Streams(seed),
            Throttles({}, unlimited=True),  # the front door throttles; see the docstring
            GalleryState(s),
            Recorder(sorted(catalog.REGIONS), False),
            SELECTIONS[p.replica_selection],
        )
        self.m.params = p.model_copy(
            update={"retry": p.retry.model_copy(update={"max_retries": 0})}
        )
        self.m.outages = Outages(env, self.m.sync, self.m.sync)
        self.m.gallery.clock = lambda: env.now
        self.failures = ReplicationFaults(s, p.replication.failure_probability)
        self.sources = SourceCapacity(env, p.replication.source_copy_slots)
        self.lanes: dict[str, simpy.Resource] = {}
        self.subs: dict[str, str] = {}  # subscription id (lower case) -> scenario name
        self.galleries: dict[tuple[str, str, str], GalleryRec] = {}
        self.by_name: dict[str, tuple[str, str, str]] = {}  # gallery name (lower) -> key
        self.vms: dict[tuple[str, str, str], VmRec] = {}
        self.groups: dict[tuple[str, str], str] = {}  # (sub, rg lower) -> location
        for t in s.tenants:
            for sub in t.subscriptions:
                self.subs[self.sub_id(sub)] = sub.name
        for fault in s.faults:
            if isinstance(fault, (ZoneOutage, RegionOutage)):
                env.process(self.m.outages.run(fault))
        self._adopt_scenario_galleries()

    # --- time -----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.m.env.now

    def advance(self, now: float) -> None:
        """Run the model up to simulated time `now`."""
        if now > self.m.env.now:
            self.m.env.run(until=now)

    def stamp(self, sim_seconds: float) -> str:
        """A simulated time as ARM's ISO 8601 timestamp."""
        when = datetime.datetime.fromtimestamp(self.epoch + sim_seconds, datetime.UTC)
        return when.isoformat(timespec="seconds").replace("+00:00", "Z")

    # --- subscriptions and resource groups ------------------------------------------------

    @staticmethod
    def sub_id(sub: Subscription) -> str:
        return str(sub.id) if sub.id else stable_uuid("subscription", sub.name)

    def subscription(self, sub_id: str) -> str:
        """The scenario name of subscription `sub_id`, added to the first tenant if new."""
        key = sub_id.lower()
        if key not in self.subs:
            try:
                guid = uuid.UUID(key)
            except ValueError:
                raise ArmError(
                    400,
                    "InvalidSubscriptionId",
                    f"The provided subscription identifier '{sub_id[:80]}' is malformed or "
                    "invalid.",
                ) from None
            if len(self.subs) >= MAX_SUBSCRIPTIONS:
                raise ArmError(
                    404, "SubscriptionNotFound", f"The subscription '{sub_id}' could not be found."
                )
            name = f"sub-{key}"
            self.scenario.tenants[0].subscriptions.append(Subscription(name=name, id=guid))
            self.m.gallery.subs = self.scenario.subscriptions()
            self.subs[key] = name
        return self.subs[key]

    def group(self, sub_id: str, rg: str, location: str | None = None) -> str:
        """A resource group, created on first use (its location: the first resource's)."""
        key = (sub_id.lower(), rg.lower())
        if key not in self.groups:
            if len(self.groups) >= MAX_SUBSCRIPTIONS * 10:
                raise ArmError(
                    409, "OperationNotAllowed", "Too many resource groups on this server"
                )
            self.groups[key] = location or "eastus"
        return self.groups[key]

    # --- galleries, images, versions ------------------------------------------------------

    def _adopt_scenario_galleries(self) -> None:
        """The scenario's galleries exist when the server starts; their versions replicate from
        their publish_at on the simulated clock."""
        names = {sub.name: sub for t in self.scenario.tenants for sub in t.subscriptions}
        for g in self.scenario.galleries:
            sub_id = self.sub_id(names[g.subscription])
            rec = GalleryRec(sub_id, g, {"description": g.description}, {})
            self.galleries[(sub_id, g.resource_group.lower(), g.name.lower())] = rec
            self.by_name[g.name.lower()] = (sub_id, g.resource_group.lower(), g.name.lower())
            self.group(sub_id, g.resource_group, g.region)
            for d in g.images:
                img = rec.images[d.name.lower()] = ImageRec(d, {}, {})
                for v in d.versions:
                    state = self.m.gallery.versions[f"{g.name}/{d.name}/{v.name}"]
                    img.versions[v.name] = VersionRec(v, {}, {}, v.publish_at, state)
                    for copy in state.copies.values():
                        self.m.copies.setdefault(copy.region, []).append(copy)
                        copy.process = self._start(copy)

    def find_gallery(self, sub_id: str, rg: str, name: str) -> GalleryRec | None:
        return self.galleries.get((sub_id.lower(), rg.lower(), name.lower()))

    def add_gallery(self, rec: GalleryRec) -> None:
        key = (rec.sub_id.lower(), rec.model.resource_group.lower(), rec.model.name.lower())
        if self.by_name.get(rec.model.name.lower(), key) != key:
            raise ArmError(
                409,
                "Conflict",
                f"acgsim serve holds one gallery named '{rec.model.name}' across all "
                "subscriptions (Azure: one per subscription); pick another name",
            )
        g = rec.model
        same = [
            x
            for x in self.galleries.values()
            if x.sub_id == rec.sub_id and x.model.region == g.region
        ]
        self._limit("galleries", len(same), rec.sub_id, g.region)
        self.galleries[key] = rec
        self.by_name[g.name.lower()] = key
        self.scenario.galleries.append(g)

    def replace_gallery(self, old: GalleryRec, rec: GalleryRec) -> None:
        """A PUT on an existing gallery: new description, sharing, tags; location unchanged."""
        if rec.model.region != old.model.region:
            raise ArmError(
                400,
                "PropertyChangeNotAllowed",
                "Changing property 'location' is not allowed.",
                "location",
            )
        index = next(i for i, g in enumerate(self.scenario.galleries) if g is old.model)
        self.scenario.galleries[index] = rec.model
        rec.images = old.images
        key = (old.sub_id.lower(), old.model.resource_group.lower(), old.model.name.lower())
        self.galleries[key] = rec

    def delete_gallery(self, rec: GalleryRec) -> None:
        if rec.images:
            raise _nested()
        key = (rec.sub_id.lower(), rec.model.resource_group.lower(), rec.model.name.lower())
        del self.galleries[key]
        del self.by_name[rec.model.name.lower()]
        self.scenario.galleries[:] = [g for g in self.scenario.galleries if g is not rec.model]

    def delete_image(self, g: GalleryRec, image: ImageRec) -> None:
        if image.versions:
            raise _nested()
        del g.images[image.model.name.lower()]

    def add_image(self, g: GalleryRec, rec: ImageRec) -> None:
        count = sum(
            len(x.images)
            for x in self.galleries.values()
            if x.sub_id == g.sub_id and x.model.region == g.model.region
        )
        self._limit("image_definitions", count, g.sub_id, g.model.region)
        g.images[rec.model.name.lower()] = rec

    def _limit(self, key: str, count: int, sub_id: str, region: str) -> None:
        limit = catalog.LIMITS[key]
        if count >= limit.value:
            p = problem(
                (),
                "LimitExceeded",
                subscription=sub_id,
                region=region,
                count=f"{count + 1:,}",
                what=limit.what,
                limit=f"{limit.value:,}",
            )
            raise ArmError(409, "OperationNotAllowed", p.docs or p.message)

    def add_version(self, g: GalleryRec, image: ImageRec, v: ImageVersion, props: dict, tags: dict):
        """Publish a version now: replication into each target region starts."""
        total = sum(len(i.versions) for x in self.galleries.values() for i in x.images.values())
        if total >= MAX_VERSIONS:
            raise ArmError(
                409, "OperationNotAllowed", f"acgsim serve holds {MAX_VERSIONS} versions"
            )
        now = self.now
        v = v.model_copy(update={"publish_at": now})
        gm, d = g.model, image.model
        ref = f"{gm.name}/{d.name}/{v.name}"
        copies = {
            t.region: RegionCopy(
                ref,
                t.region,
                v.replicas_in(t),
                v.storage_in(t),
                v.excluded_in(t),
                t.region == gm.region,
                now,
            )
            for t in v.regions
        }
        state = VersionState(gm, d, v, version_key(v.name), copies)
        gs = self.m.gallery
        gs.versions[ref] = state
        states = gs.by_image.setdefault(f"{gm.name}/{d.name}", [])
        states.append(state)
        states.sort(key=lambda s: s.key, reverse=True)
        for copy in copies.values():
            self.m.copies.setdefault(copy.region, []).append(copy)
            copy.process = self._start(copy)
        image.versions[v.name] = rec = VersionRec(v, props, tags, now, state)
        return rec

    def update_version(self, rec: VersionRec, new: ImageVersion, props: dict, tags: dict) -> None:
        """A PUT on an existing version: regions added or removed and replica counts changed
        run as sim.updates runs them; the storage type of a region cannot change [SPEC]."""
        old = rec.state.copies
        wanted = {t.region: t for t in new.regions}
        for region, copy in sorted(old.items()):
            t = wanted.get(region)
            if t is not None and new.storage_in(t) != copy.storage:
                p = problem(
                    (),
                    "StorageNotUpdatable",
                    region=region,
                    current=copy.storage,
                    given=new.storage_in(t),
                )
                raise ArmError(409, "OperationNotAllowed", p.azure or p.message)
        add = [
            TargetRegion(
                region=t.region,
                replicas=new.replicas_in(t),
                storage=new.storage_in(t),
                exclude_from_latest=new.excluded_in(t),
            )
            for r, t in wanted.items()
            if r not in old
        ]
        resize = [
            TargetRegion(region=r, replicas=new.replicas_in(t))
            for r, t in wanted.items()
            if r in old and new.replicas_in(t) != old[r].replicas
        ]
        remove = sorted(r for r in old if r not in wanted)
        rec.props, rec.tags = props, tags
        rec.model = new.model_copy(update={"publish_at": rec.published})
        if add or remove or resize:
            rec.updated = True
            update = VersionUpdate(
                at=self.now,
                version=rec.state.ref,
                add_regions=add,
                remove_regions=remove,
                replicas=resize,
            )
            # due now, so it applies at once (regions added and removed before this answer)
            for _ in run_update(self.m, update, self._start):
                raise AssertionError("an update due now never waits")

    def delete_version(self, image: ImageRec, rec: VersionRec) -> None:
        """The version is gone at once: replication stops, its replicas stop serving."""
        state = rec.state
        for copy in state.copies.values():
            if copy.process is not None and copy.process.is_alive:
                copy.process.interrupt("version deleted")
            if copy.pool is not None:
                copy.pool.retire(len(copy.pool.replicas))
            copy.removed = True
        gs = self.m.gallery
        gs.versions.pop(state.ref, None)
        key = f"{state.gallery.name}/{state.image.name}"
        gs.by_image[key] = [s for s in gs.by_image.get(key, []) if s is not state]
        del image.versions[rec.model.name]

    def _start(self, copy: RegionCopy, grow: int = 0) -> simpy.Process:
        """The replication process of one copy (engine.build_simulation's, per version)."""
        env, p = self.m.env, self.scenario.model
        state = self.m.gallery.versions[copy.version]
        lanes = self.lanes.get(copy.version)
        if lanes is None:
            lanes = self.lanes[copy.version] = simpy.Resource(env, p.replication.parallel_regions)
        name = f"{copy.version}/{copy.region}@{env.now:.3f}" + (f"/grow{grow}" if grow else "")
        return env.process(
            replicate(
                env,
                state,
                copy,
                p.replication,
                self.m.streams.rng(f"replication/{name}"),
                self.failures.for_copy(
                    copy, state.gallery.region, self.m.streams.rng(f"faults/{name}")
                ),
                self.m.complete,
                lanes,
                self.sources.of(state.gallery.region),
                grow,
            )
        )

    def version_status(self, rec: VersionRec) -> tuple[str, str]:
        """(provisioningState, the failed regions' reasons) of a version now."""
        copies = list(rec.state.copies.values())
        finished_failed = [
            c
            for c in copies
            if c.status == "Failed" and (c.process is None or not c.process.is_alive)
        ]
        if finished_failed:
            why = "; ".join(
                f"{c.region}: {c.failures[-1][1]}" for c in finished_failed if c.failures
            )
            return "Failed", why
        if all(c.status == "Completed" for c in copies):
            return "Succeeded", ""
        return ("Updating" if rec.updated else "Creating"), ""

    def replication_status(self, rec: VersionRec) -> dict:
        """ARM's replicationStatus: the aggregated state and each region's state and progress."""
        now = self.now
        summary = []
        for region, c in sorted(rec.state.copies.items()):
            state = c.status if c.status in ("Replicating", "Completed", "Failed") else "Unknown"
            if state == "Unknown" and now >= c.start_at:
                state = "Replicating"
            details = f"{c.failures[-1][1]} (attempt {c.attempts})" if c.status == "Failed" else ""
            summary.append(
                {
                    "region": region,
                    "state": state,
                    "details": details,
                    "progress": int(c.progress(now)),
                }
            )
        states = {s["state"] for s in summary}
        if "Failed" in states:
            agg = "Failed"
        elif states == {"Completed"}:
            agg = "Completed"
        elif "Replicating" in states:
            agg = "InProgress"
        else:
            agg = "Unknown"
        return {"aggregatedState": agg, "summary": summary}

    def remaining(self, rec: VersionRec) -> float:
        """Simulated seconds until the version's current attempts end (a polling hint)."""
        ends = [c.attempt_ends for c in rec.state.copies.values() if c.attempt_ends is not None]
        left = max(ends, default=self.now) - self.now
        return left if left > 0 else 60.0

    # --- virtual machines -----------------------------------------------------------------

    def resolve_image(self, ref: str, region: str, subscription: str) -> None:
        """What Azure checks when the VM PUT arrives: access, then the image in the region."""
        error = self.m.gallery.access(subscription, ref)
        if error is None:
            _, error = self.m.gallery.resolve(ref, region)
        if error is not None:
            raise runtime_error(error, ref, region, subscription)

    def add_vm(self, rec_args: dict, ref: str, subscription: str) -> VmRec:
        """Create a VM now: a replica slot, the disk, the boot, as sim.deployment.vm does."""
        from acgsim.sim.deployment import Client, vm

        if len(self.vms) >= MAX_VMS:
            raise ArmError(409, "OperationNotAllowed", f"acgsim serve holds {MAX_VMS} VMs")
        m = self.m
        name = f"serve/vm/{rec_args['sub_id']}/{rec_args['rg']}/{rec_args['name']}".lower()
        req = m.rec.open("vm", "serve", rec_args["location"], subscription, ref, m.env.now, "serve")
        rng = m.streams.rng(name)
        disk, boot = m.params.disk, m.params.boot
        factor = float(durations(rng, disk.dist, 1.0, disk.cv, 1)[0])
        boot_s = float(durations(rng, boot.dist, boot.mean, boot.cv, 1)[0])
        # the real client retries 429s itself, at the front door: the model's default client only
        # sees a request the server has already accepted (its deadline is the model's)
        m.env.process(vm(m, req, factor, boot_s, Client(m, None)))
        rec = VmRec(image=ref, request=req, vm_id=stable_uuid(name), **rec_args)
        self.vms[(rec.sub_id.lower(), rec.rg.lower(), rec.name.lower())] = rec
        return rec

    def vm_state(self, rec: VmRec) -> str:
        return {"succeeded": "Succeeded", "failed": "Failed"}.get(rec.request.outcome, "Creating")

    def vm_error(self, rec: VmRec) -> ArmError | None:
        req = rec.request
        if req.outcome != "failed":
            return None
        return runtime_error(req.error, rec.image, rec.location, req.subscription)


def runtime_error(key: str, ref: str, region: str, subscription: str) -> ArmError:
    """A model's run-time error (sim.errors.RUNTIME) as ARM's error."""
    e = RUNTIME[key]
    text = e.message.format(image=ref, region=region, tenant="", subscription=subscription)
    return ArmError(e.status, e.code or key, text)


def _nested() -> ArmError:
    return ArmError(
        409, "CannotDeleteResource", "Can not delete resource before nested resources are deleted."
    )
