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

import simpy

from acgsim.sim import catalog
from acgsim.sim.egress import SourceCapacity
from acgsim.sim.errors import problem
from acgsim.sim.fault_models import RegionOutage, ZoneOutage
from acgsim.sim.faults import Outages, ReplicationFaults
from acgsim.sim.gallery import GalleryState
from acgsim.sim.metrics import Recorder
from acgsim.sim.model import Simulation
from acgsim.sim.replicas import SELECTIONS
from acgsim.sim.scenario import Scenario, Subscription
from acgsim.sim.serve.machines import Machines
from acgsim.sim.serve.publishing import Publishing
from acgsim.sim.serve.records import (
    GalleryRec,
    ImageRec,
    RoleRec,
    ScaleSetRec,
    VersionRec,
    VmRec,
)
from acgsim.sim.serve.resources import ArmError, stable_uuid
from acgsim.sim.streams import Streams
from acgsim.sim.throttle import Throttles
from acgsim.sim.updates import run_update

MAX_SUBSCRIPTIONS = 100  # bounded memory: subscriptions created on the fly


class World(Publishing, Machines):
    """The model's state for one server, and the resources clients created in it (image versions:
    sim.serve.publishing; VMs and scale sets: sim.serve.machines)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        default_size_gb: float,
        epoch: float,
        play: bool = False,
    ):
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
        self.scale_sets: dict[tuple[str, str, str], ScaleSetRec] = {}
        self.roles: dict[tuple[str, str], RoleRec] = {}  # (scope id, name), lower case
        self.set_count = 0  # scale sets created: each one's key in the model's recorder
        self.created = 0  # VMs and scale-set instances created in the server's life
        self.groups: dict[tuple[str, str], str] = {}  # (sub, rg lower) -> location
        for t in s.tenants:
            for sub in t.subscriptions:
                self.subs[self.sub_id(sub)] = sub.name
        for fault in s.faults:
            if isinstance(fault, (ZoneOutage, RegionOutage)):
                env.process(self.m.outages.run(fault))
        self._adopt_scenario_galleries()
        if play:
            self._play()

    def _play(self) -> None:
        """The scenario's own workload and updates, run as sim.engine runs them, on the
        server's clock beside the clients' requests (`acgsim serve SCENARIO --play`). Their VMs
        meet no front-door 429s (the buckets are the real clients'); they queue on the same
        replicas, so a class sees the scenario's load in its own VMs' times."""
        from acgsim.sim.deployment import arrival_stream, scale_set_wave, vm_wave

        env = self.m.env
        for update in self.scenario.updates:
            env.process(run_update(self.m, update, self._start))
        starts = {"vms": vm_wave, "scale_sets": scale_set_wave, "arrivals": arrival_stream}
        for w in self.scenario.waves():
            env.process(starts[w.kind](self.m, w.wave, w.index))

    def played(self) -> dict[str, dict[str, int]]:
        """The scenario's waves so far, by key: requests submitted, succeeded, failed."""
        return {
            key: {
                "requests": w.requests,
                "succeeded": w.succeeded,
                "failed": sum(w.failed.values()),
            }
            for key, w in sorted(self.m.rec.waves.items())
            if not key.startswith("serve")
        }

    # --- time -----------------------------------------------------------------------------

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
        if rec.model.sharing.mode == old.model.sharing.mode == "groups":  # groups: POST share
            kept = {"subscriptions": old.model.sharing.subscriptions}
            kept["tenants"] = old.model.sharing.tenants
            sharing = rec.model.sharing.model_copy(update=kept)
            rec.model = rec.model.model_copy(update={"sharing": sharing})
        index = next(i for i, g in enumerate(self.scenario.galleries) if g is old.model)
        self.scenario.galleries[index] = rec.model
        rec.images = old.images
        key = (old.sub_id.lower(), old.model.resource_group.lower(), old.model.name.lower())
        self.galleries[key] = rec
        self.access_changed()

    # --- who may use a gallery -----------------------------------------------------------

    def access_changed(self) -> None:
        """Sharing or roles changed: the model's memoised access answers are stale (sim.gallery
        memoises them because a scenario's access is static)."""
        self.m.gallery._access.clear()

    def set_sharing(self, rec: GalleryRec, sharing) -> None:
        """A gallery's sharing profile replaced (POST .../share)."""
        model = rec.model.model_copy(update={"sharing": sharing})
        index = next(i for i, g in enumerate(self.scenario.galleries) if g is rec.model)
        self.scenario.galleries[index] = rec.model = model
        self.access_changed()

    def add_role(self, key: tuple[str, str], rec: RoleRec) -> None:
        self.roles[key] = rec
        self.scenario.access.append(rec.assignment)
        self.access_changed()

    def remove_role(self, key: tuple[str, str]) -> RoleRec | None:
        rec = self.roles.pop(key, None)
        if rec is not None:
            self.scenario.access[:] = [a for a in self.scenario.access if a is not rec.assignment]
            self.access_changed()
        return rec

    def tenant_ids(self) -> dict[str, str]:
        """Each tenant's id (lower case) by name: the scenario's, else derived from the name."""
        return {
            t.name: str(t.id).lower() if t.id else stable_uuid("tenant", t.name)
            for t in self.scenario.tenants
        }

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


def _nested() -> ArmError:
    return ArmError(
        409, "CannotDeleteResource", "Can not delete resource before nested resources are deleted."
    )
