"""Image versions on the model: publishing a version starts its replication into each target
region (sim.replication.replicate with the source region's copy slots, the service's retries and
the scenario's faults); an update of its regions or replica counts runs as sim.updates runs it;
deleting it stops replication and its replicas. Its provisioningState and replicationStatus are
read from the model's copies each time they are asked for.
"""

from __future__ import annotations

import simpy

from acgsim.sim.errors import problem
from acgsim.sim.gallery import RegionCopy, VersionState
from acgsim.sim.gallery_models import ImageVersion, TargetRegion
from acgsim.sim.model import Simulation
from acgsim.sim.naming import version_key
from acgsim.sim.replication import replicate
from acgsim.sim.scenario import Scenario, VersionUpdate
from acgsim.sim.serve.records import GalleryRec, ImageRec, VersionRec
from acgsim.sim.serve.resources import ArmError
from acgsim.sim.updates import delete, run_update

MAX_VERSIONS = 2_000  # image versions on one server (Azure's own limit is 10,000 per region)


class Publishing:
    """The World's image versions (a mixin of sim.serve.world.World)."""

    m: Simulation
    scenario: Scenario
    galleries: dict
    lanes: dict[str, simpy.Resource]
    failures: object
    sources: object

    @property
    def now(self) -> float:
        return self.m.env.now

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
        """The version is gone at once (replication stops, its replicas stop serving), or the
        delete is refused, as the model refuses it, while a VM's disk is being created from it."""
        state = rec.state
        done = delete(self.m, state.ref)
        if done["outcome"] == "refused":
            raise ArmError(409, "OperationNotAllowed", done["message"])
        for copy in state.copies.values():
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
