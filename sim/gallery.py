"""Control-plane state at run time: versions per region, `latest`, and who may deploy what.

Image resolution [SIG][ACG][TS]: an explicit version must have completed replication in the
request's region, else "not available in region". `latest` is the highest version by (major, minor,
patch) that is not excluded from latest in that region (a region's own flag overrides the version's
[ACG]) and has completed replication there. If every version is excluded: "There is no latest image
version exists". End of life never blocks a deployment [SIG].

Propagation: for `replication.propagation_delay` after a region first shows Completed, a request
resolved to that version there fails with GalleryImageNotFound ("... is not available in <region>
region"), as AgentBaker's pipelines saw right after replication reported success (AgentBaker PR
8373); `latest` picks the version by its Completed state, so it too meets the delay (the gallery
says Completed, the serving side has not caught up). An assumption, labelled in sim.params.

Updates (sim.updates): while regions or replicas are being added the version is Updating; a region
that already serves keeps serving from its completed replicas (new replicas join when their copies
finish), and `latest` keeps resolving to it there; an added region serves only once it completes
(Azure: once replication to a region is complete you can deploy there [ACG]; AgentBaker PR 6741
shows versions in the Updating state). A removed region is gone at once. A deleted version no
longer resolves: requests naming it fail with GalleryImageNotFound, `latest` moves to the previous
version.

Access [ACG][share-gallery*.md]: the gallery's own subscription may deploy; so may a subscription
with a role assignment (Reader or above) on the gallery, the definition or the version, directly or
through its tenant; so may a subscription or tenant the gallery is directly shared with; anyone may
deploy from a community gallery. Without access the request fails with AuthorizationFailed, or
LinkedAuthorizationFailed when the gallery lives in another tenant; so does a role held across
tenants without an app registered in both tenants (or an auxiliary token): `cross_tenant: none`.
A Flexible scale set cannot use an image shared from another tenant [ACG].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from acgsim.sim.gallery_models import Gallery, ImageDefinition, ImageVersion
from acgsim.sim.naming import version_key
from acgsim.sim.replicas import ReplicaPool
from acgsim.sim.scenario import Scenario


@dataclass
class RegionCopy:
    """One version's replication into one region: state, progress and, once complete, replicas."""

    version: str  # gallery/image/version
    region: str
    replicas: int
    storage: str
    excluded: bool
    source: bool
    start_at: float = 0.0  # when replication into the region starts (publish or update time)
    status: str = "Unknown"  # Unknown | Replicating | Completed | Failed [SPEC]
    serving_since: float | None = None  # when the region first completed (its replicas serve)
    removed: bool = False  # taken out of the version by an update
    process: object = None  # the replication process running into the region now (simpy.Process)
    attempts: int = 0
    started: float | None = None
    first_copy: float | None = None  # when the last attempt's first replica was in place
    completed: float | None = None
    attempt_started: float | None = None
    attempt_ends: float | None = None
    failures: list[tuple[float, str]] = field(default_factory=list)
    pool: ReplicaPool | None = None
    disk_s: float = 0.0  # mean seconds to create an OS disk from one of these replicas

    def progress(self, now: float) -> float:
        """Percent done, 0..100 (linear within an attempt)."""
        if self.status == "Completed":
            return 100.0
        if self.status != "Replicating" or self.attempt_ends is None:
            return 0.0
        span = self.attempt_ends - self.attempt_started
        return 100.0 * min(1.0, (now - self.attempt_started) / span) if span > 0 else 100.0


@dataclass
class VersionState:
    gallery: Gallery
    image: ImageDefinition
    version: ImageVersion
    key: tuple[int, int, int]
    copies: dict[str, RegionCopy]
    deleted: bool = False  # deleted by an update (sim.updates): it no longer resolves

    @property
    def ref(self) -> str:
        return f"{self.gallery.name}/{self.image.name}/{self.version.name}"


class GalleryState:
    """Every version's per-region copies and the scenario's access rules, for fast lookups."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.clock: Callable[[], float] = lambda: 0.0  # the engine sets the simulation's clock
        self.propagation = scenario.model.replication.propagation_delay
        self.subs = scenario.subscriptions()
        self.versions: dict[str, VersionState] = {}
        self.by_image: dict[str, list[VersionState]] = {}
        for g in scenario.galleries:
            for d in g.images:
                states = []
                for v in d.versions:
                    copies = {
                        t.region: RegionCopy(
                            f"{g.name}/{d.name}/{v.name}",
                            t.region,
                            v.replicas_in(t),
                            v.storage_in(t),
                            v.excluded_in(t),
                            t.region == g.region,
                            v.publish_at,
                        )
                        for t in v.regions
                    }
                    state = VersionState(g, d, v, version_key(v.name), copies)
                    self.versions[state.ref] = state
                    states.append(state)
                states.sort(key=lambda s: s.key, reverse=True)
                self.by_image[f"{g.name}/{d.name}"] = states
        self._access: dict[tuple[str, str, bool], str | None] = {}  # access is static: memoised
        self._candidates: dict[tuple[str, str], list[VersionState] | None] = {}

    def copies(self) -> list[RegionCopy]:
        """Every (version, region) copy in a stable order."""
        return [
            c for ref in sorted(self.versions) for _, c in sorted(self.versions[ref].copies.items())
        ]

    def resolve(self, ref: str, region: str) -> tuple[VersionState | None, str | None]:
        """The version a request gets in a region, or the error key it fails with."""
        key = (ref, region)
        if key not in self._candidates:  # which versions may answer: fixed until regions change
            self._candidates[key] = self._eligible(ref, region)
        eligible = self._candidates[key]
        if eligible is None:  # an explicit version
            state = self.versions[ref]
            if state.deleted:
                return None, "VersionDeleted"
            copy = state.copies.get(region)
            if copy is None or copy.serving_since is None:
                return None, "NotAvailableInRegion"
            return state, self._propagated(copy)
        if not eligible:
            return None, "NoLatestVersion"
        for state in eligible:
            copy = state.copies.get(region)
            if copy is not None and copy.serving_since is not None:
                return state, self._propagated(copy)
        return None, "NotAvailableInRegion"

    def _eligible(self, ref: str, region: str) -> list[VersionState] | None:
        """`latest`'s candidates in a region, newest first (None for an explicit version)."""
        gallery, image, version = ref.split("/")
        if version != "latest":
            return None
        return [
            s
            for s in self.by_image[f"{gallery}/{image}"]
            if not s.deleted and not _excluded(s, region)
        ]

    def _propagated(self, copy: RegionCopy) -> str | None:
        """GalleryImageNotFound while a region that just completed has not yet propagated."""
        if copy.serving_since is not None and self.clock() < copy.serving_since + self.propagation:
            return "GalleryImageNotFound"
        return None

    def add_region(self, ref: str, copy: RegionCopy) -> None:
        """An update adds (or adds back) a target region to a version."""
        self.versions[ref].copies[copy.region] = copy
        self._candidates.clear()

    def delete_version(self, ref: str) -> VersionState:
        """An update deletes a version: it stops resolving and `latest` falls back to the
        previous one."""
        state = self.versions[ref]
        state.deleted = True
        self._candidates.clear()
        return state

    def remove_region(self, ref: str, region: str) -> RegionCopy:
        """An update removes a target region from a version: it stops serving at once."""
        copy = self.versions[ref].copies.pop(region)
        copy.removed = True
        self._candidates.clear()
        return copy

    def access(self, subscription: str, ref: str, flexible: bool = False) -> str | None:
        """None if `subscription` may deploy `ref`, else the error key it gets."""
        key = (subscription, ref, flexible)
        if key not in self._access:
            self._access[key] = self._check_access(subscription, ref, flexible)
        return self._access[key]

    def _check_access(self, subscription: str, ref: str, flexible: bool) -> str | None:
        gallery_name, image, version = ref.split("/")
        gallery = next(g for g in self.scenario.galleries if g.name == gallery_name)
        tenant = self.subs[subscription][0].name
        owner_tenant = self.subs[gallery.subscription][0].name
        cross_tenant = tenant != owner_tenant
        refused = "CrossTenantFlexible" if flexible and cross_tenant else None
        if subscription == gallery.subscription or gallery.sharing.mode == "community":
            return refused
        sharing = gallery.sharing
        if sharing.mode == "groups" and (
            subscription in sharing.subscriptions or tenant in sharing.tenants
        ):
            return refused
        scopes = {gallery_name, f"{gallery_name}/{image}"}
        if version != "latest":
            scopes.add(ref)
        for a in self.scenario.access:
            if a.subscription not in (None, subscription) or a.tenant not in (None, tenant):
                continue
            # `latest` needs the definition: a version-level role is not enough
            if a.scope in scopes and not (cross_tenant and a.cross_tenant == "none"):
                return refused
        return "LinkedAuthorizationFailed" if cross_tenant else "AuthorizationFailed"


def _excluded(state: VersionState, region: str) -> bool:
    copy = state.copies.get(region)
    if copy is not None:
        return copy.excluded
    return state.version.exclude_from_latest
