"""The scenario format: what an architect writes to describe galleries, images, access, workload.

A scenario is YAML or JSON, read into pydantic v2 models that forbid unknown fields. Field names
are short snake_case; units are in the value ("30m") or in the name (`size_gb`, `rate_per_min`).
Single-field rules (names, ranges, regions) are checked here; rules that span fields (limits per
subscription and region, references, sharing) are in sim.checks; reading files and reporting
problems is sim.loader, whose `load` ties the three together.

Shorthands a person is glad of: a target region may be just its name; `sharing: community` stands
for `sharing: {mode: community}`; regions are accepted as "East US 2" and stored as "eastus2".
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime
from typing import Annotated, ClassVar, Literal, NamedTuple, Union

from pydantic import AwareDatetime, BeforeValidator, Field, model_serializer, model_validator

from acgsim.sim import catalog
from acgsim.sim.errors import InputError
from acgsim.sim.fields import (
    AzText,
    Count,
    GalleryName,
    ImageName,
    ImageRef,
    Label,
    Offer,
    PositiveDuration,
    Probability,
    Publisher,
    RegionalReplicaCount,
    RegionName,
    ReplicaCount,
    ResourceGroup,
    Sku,
    StorageName,
    StrictModel,
    VersionName,
    _OrString,
)
from acgsim.sim.objectives import Objectives, Prices
from acgsim.sim.params import CLIENT_NAMES, ClientPolicy, ModelParams
from acgsim.sim.refusals import refuse
from acgsim.sim.units import Duration

# --- tenants and subscriptions --------------------------------------------------------------


class Subscription(StrictModel):
    name: Label = Field(description="the name the rest of the scenario uses for this subscription")
    id: uuid.UUID | None = Field(None, description="subscription GUID, used by exports")


class Tenant(StrictModel):
    name: Label
    id: uuid.UUID | None = Field(None, description="tenant (directory) GUID, used by exports")
    subscriptions: list[Subscription] = Field(min_length=1)


# --- galleries, image definitions, versions -------------------------------------------------


class TargetRegion(_OrString):
    _string_field: ClassVar[str] = "region"
    _string_means: ClassVar[str] = "just the region name, with the version's replicas and storage"
    region: RegionName
    replicas: RegionalReplicaCount | None = Field(
        None, description="default: the version's `replicas`"
    )
    storage: StorageName | None = Field(None, description="default: the version's `storage`")
    exclude_from_latest: bool | None = Field(
        None, description="overrides the version's flag in this region [ACG]"
    )


class VersionSource(StrictModel):
    """What a version is made from [SPEC]: a managed image, an OS disk snapshot or a VM by
    resource id, or a VHD blob with its storage account. A value left out is asked for when the
    export is deployed (a parameter or variable)."""

    kind: Literal["managed_image", "snapshot", "vhd", "vm"] = "managed_image"
    id: str | None = Field(None, description="managed_image, snapshot, vm: the resource id")
    uri: str | None = Field(None, description="vhd: the blob's https URI")
    storage_account: str | None = Field(
        None, description="vhd: resource id of the storage account holding the blob"
    )

    @model_validator(mode="after")
    def _fields_of_kind(self) -> VersionSource:
        from acgsim.sim import sources

        sources.check(self.kind, self.id, self.uri, self.storage_account)
        return self


class ImageVersion(StrictModel):
    name: VersionName
    size_gb: float = Field(gt=0, description="occupied size of the image in GB (what is billed)")
    disk_size_gb: float | None = Field(
        None, gt=0, description="provisioned OS disk size in GB; default: size_gb"
    )
    publish_at: Duration = Field(0.0, description="simulation time at which replication starts")
    replication_mode: Literal["Full", "Shallow"] = "Full"
    replicas: ReplicaCount = Field(1, description="replicas in a target region that gives none")
    storage: StorageName = Field(
        catalog.DEFAULT_STORAGE, description="storage type for a target region that gives none"
    )
    regions: list[TargetRegion] = Field(min_length=1, description="target regions")
    exclude_from_latest: bool = False
    end_of_life: date | None = Field(None, description="informational; deployments still succeed")
    source: VersionSource | None = Field(
        None, description="what the version is made from; default: a managed image (exports)"
    )

    @model_serializer(mode="wrap")
    def _without_default_source(self, handler):
        # A version without `source` dumps as before the field existed: scenario hashes, and so
        # every result and plan of an existing scenario, stay byte-identical.
        data = handler(self)
        if self.source is None and isinstance(data, dict):
            data.pop("source", None)
        return data

    @property
    def source_size_gb(self) -> float:
        return self.disk_size_gb if self.disk_size_gb is not None else self.size_gb

    def replicas_in(self, target: TargetRegion) -> int:
        return target.replicas if target.replicas is not None else self.replicas

    def storage_in(self, target: TargetRegion) -> str:
        return target.storage if target.storage is not None else self.storage

    def excluded_in(self, target: TargetRegion) -> bool:
        """Per-region excludeFromLatest takes precedence over the version-level flag [ACG]."""
        if target.exclude_from_latest is not None:
            return target.exclude_from_latest
        return self.exclude_from_latest


SecurityType = Literal[
    "Standard",
    "TrustedLaunch",
    "TrustedLaunchSupported",
    "ConfidentialVM",
    "ConfidentialVMSupported",
    "TrustedLaunchAndConfidentialVmSupported",
]


class ImageDefinition(StrictModel):
    name: ImageName
    publisher: Publisher
    offer: Offer
    sku: Sku
    os_type: Literal["Linux", "Windows"]
    os_state: Literal["Generalized", "Specialized"] = Field(
        description="required by the API [SPEC]"
    )
    # From API 2025-03-03 a new definition defaults to V2 + TrustedLaunchSupported [SIG][ACG].
    hyperv_generation: Literal["V1", "V2"] = "V2"
    architecture: Literal["x64", "Arm64"] = "x64"
    security_type: SecurityType = "TrustedLaunchSupported"
    description: AzText = ""
    end_of_life: date | None = Field(None, description="informational; deployments still succeed")
    versions: list[ImageVersion] = []


class Sharing(_OrString):
    _string_field: ClassVar[str] = "mode"
    _string_means: ClassVar[str] = "just the mode: private, groups or community"
    mode: Literal["private", "groups", "community"] = Field(
        "private", description="private (RBAC only), groups (direct sharing) or community (public)"
    )
    subscriptions: list[str] = Field([], description="groups: subscription names shared with")
    tenants: list[str] = Field([], description="groups: tenant names shared with")
    prefix: AzText | None = Field(None, description="community: public name prefix")
    publisher_email: AzText | None = Field(None, description="community: publisher contact")
    publisher_uri: AzText | None = Field(None, description="community: publisher URI")
    eula: AzText | None = Field(None, description="community: end-user licence agreement link")


class Gallery(StrictModel):
    name: GalleryName
    subscription: str = Field(description="name of a subscription under `tenants`")
    resource_group: ResourceGroup = "rg-images"
    region: RegionName
    description: AzText = ""
    sharing: Sharing = Field(default_factory=Sharing)
    soft_delete: bool = Field(False, description="keep deleted versions 7 days [ACG]")
    images: list[ImageDefinition] = []


# --- access ----------------------------------------------------------------------------------


class RoleAssignment(StrictModel):
    role: Literal["Reader", "Contributor", "Owner"] = "Reader"
    subscription: str | None = Field(None, description="assignee: a subscription name")
    tenant: str | None = Field(None, description="assignee: every subscription of a tenant")
    scope: str = Field(description="gallery, gallery/image or gallery/image/version")
    cross_tenant: Literal["app_in_both_tenants", "auxiliary_token", "none"] = Field(
        "app_in_both_tenants",
        description=(
            "for an assignee in another tenant than the gallery: how the deploying identity "
            "reaches it. Azure needs an app registration present in both tenants (or a token "
            "for the gallery's tenant sent as an auxiliary token) [ACG][share-gallery.md]; "
            "'none': the role alone, which fails with LinkedAuthorizationFailed"
        ),
    )

    @model_validator(mode="after")
    def _one_assignee(self) -> RoleAssignment:
        if (self.subscription is None) == (self.tenant is None):
            refuse("OneAssignee")
        return self


# --- workload --------------------------------------------------------------------------------


VmSecurityType = Literal["Standard", "TrustedLaunch", "ConfidentialVM"]


class _Wave(StrictModel):
    name: str | None = None
    at: Duration = Field(0.0, description="simulation time of the first request")
    region: RegionName
    subscription: str
    image: ImageRef
    client: str | None = Field(
        None,
        description=(
            "the deploying client's profile: azure-cli (the default), python-sdk, terraform, "
            "arm-template, or a name under the scenario's `clients`"
        ),
    )
    security_type: VmSecurityType | None = Field(
        None, description="the VMs' security type; checked against the image's [SIG]"
    )
    generation: Literal["V1", "V2"] | None = Field(
        None,
        description="the Hyper-V generation the VM size boots; must match the image's",
    )


class VmWave(_Wave):
    count: Count = Field(description="VMs in this wave")
    spread: Duration = Field(0.0, description="requests spread evenly over this long")
    concurrency: Count | None = Field(None, description="client keeps at most this many in flight")


class ScaleSetWave(_Wave):
    count: Count = Field(1, description="scale sets created in this wave")
    instances: Count = Field(description="instances in each scale set")
    orchestration: Literal["Uniform", "Flexible"] = Field(
        "Uniform",
        description=(
            "acgsim's default (Azure tools differ); Flexible cannot use another tenant's image"
        ),
    )
    spread: Duration = Field(0.0, description="scale sets spread evenly over this long")

    @model_validator(mode="after")
    def _instance_limit(self) -> ScaleSetWave:
        top = catalog.LIMITS["vmss_instances"].value
        if self.instances > top:
            refuse("ScaleSetTooLarge", value=self.instances, limit=top)
        return self


class Arrivals(_Wave):
    rate_per_min: float = Field(gt=0, description="mean VM requests per minute (Poisson)")
    duration: Duration = Field(description="how long requests keep arriving")


class Workload(StrictModel):
    vms: list[VmWave] = []
    scale_sets: list[ScaleSetWave] = []
    arrivals: list[Arrivals] = []


class WaveRef(NamedTuple):
    """A wave of the workload, its key ("vms/0", "scale_sets/1", "arrivals/2") and list index."""

    key: str
    wave: VmWave | ScaleSetWave | Arrivals
    index: int

    @property
    def kind(self) -> str:
        """The workload list the wave is in: vms, scale_sets or arrivals."""
        return self.key.partition("/")[0]


class VersionRef(NamedTuple):
    """An image version with its reference "gallery/image/version" and where it is defined."""

    ref: str
    gallery: Gallery
    image: ImageDefinition
    version: ImageVersion


# --- updates of existing versions -------------------------------------------------------------


class VersionUpdate(StrictModel):
    """An update of an existing image version [SIG][SPEC]: target regions and replica counts are
    updatable, the storage account type is not; or its deletion (`delete: true`), which Azure
    refuses while VMs are being provisioned from it. Applied by sim.updates."""

    at: Duration = Field(description="simulation time at which the update is sent")
    version: ImageRef = Field(description="gallery/image/version: the version updated")
    add_regions: list[TargetRegion] = Field(
        [], description="target regions added (or added back after a removal)"
    )
    remove_regions: list[RegionName] = Field(
        [], description="target regions removed; they stop serving at once"
    )
    replicas: list[TargetRegion] = Field(
        [],
        description=(
            "new replica counts for regions the version already targets; a storage type that "
            "differs from the region's is refused, since it is not updatable [SPEC]"
        ),
    )
    delete: bool = Field(
        False,
        description=(
            "delete the version instead: refused (OperationNotAllowed) while a VM is being "
            "provisioned from it; otherwise `latest` moves to the previous version and requests "
            "naming it fail (GalleryImageNotFound)"
        ),
    )

    @model_validator(mode="after")
    def _delete_alone(self) -> VersionUpdate:
        if self.delete and (self.add_regions or self.remove_regions or self.replicas):
            refuse("DeleteWithChanges", version=self.version)
        return self


# --- faults ----------------------------------------------------------------------------------


class ZoneOutage(StrictModel):
    kind: Literal["zone_outage"]
    region: RegionName
    zone: Literal[1, 2, 3]
    at: Duration
    duration: Duration


class RegionOutage(StrictModel):
    kind: Literal["region_outage"]
    region: RegionName
    at: Duration
    duration: Duration


class ReplicationFailure(StrictModel):
    kind: Literal["replication_failure"]
    region: RegionName
    version: ImageRef | None = Field(None, description="one version; default: every version")
    at: Duration | None = Field(None, description="copies into the region fail from this time")
    duration: Duration | None = Field(None, description="... for this long (needs `at`)")
    probability: Probability | None = Field(None, description="or: each attempt fails with this")

    @model_validator(mode="after")
    def _when(self) -> ReplicationFailure:
        if (self.at is None) == (self.probability is None):
            refuse("FailureWhen")
        if (self.at is None) != (self.duration is None):
            refuse("FailureWindow")
        return self


Fault = Annotated[Union[ZoneOutage, RegionOutage, ReplicationFailure], Field(discriminator="kind")]


# --- the scenario ----------------------------------------------------------------------------

START_EXAMPLE = "2026-12-01T09:00:00Z or 2026-12-01T09:00:00+01:00"


def _start(value: object) -> object:
    """ISO 8601 with a UTC offset (YAML reads an unquoted one as a datetime already)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"'{value}' is not an ISO 8601 date and time: write {START_EXAMPLE}"
            ) from None
    if not isinstance(value, date):  # a number would be read as seconds since 1970
        raise ValueError(f"{value!r} is not a date and time: write {START_EXAMPLE}")
    if not isinstance(value, datetime):
        raise ValueError(f"{value} is a date without a time of day: write {START_EXAMPLE}")
    if isinstance(value, datetime) and value.utcoffset() is None:
        raise ValueError(
            f"{value.isoformat()} has no UTC offset: add Z (UTC) or one such as +01:00"
        )
    return value


Start = Annotated[AwareDatetime, BeforeValidator(_start)]


class Scenario(StrictModel):
    name: Label
    description: str = ""
    seed: int = Field(1, ge=0, description="random seed; the same seed gives the same results")
    horizon: PositiveDuration = Field(86400.0, description="simulated time at which the run stops")
    start: Start | None = Field(
        None,
        description=(
            "the clock time at which the simulation starts (ISO 8601 with a UTC offset, "
            f"{START_EXAMPLE}): plots and stories show clock time; no figure changes"
        ),
    )
    guidance: Literal["seed", "current"] = Field(
        catalog.DEFAULT_GUIDANCE, description="seed: 20 VMs per replica; current: 50 [ACG]"
    )
    production: bool = Field(False, description="production images keep >= 3 replicas [ACG]")
    tenants: list[Tenant] = Field(min_length=1)
    galleries: list[Gallery] = []
    access: list[RoleAssignment] = []
    workload: Workload = Field(default_factory=Workload)
    faults: list[Fault] = []
    updates: list[VersionUpdate] = Field(
        [], description="updates of existing versions: regions added or removed, replica counts"
    )
    clients: dict[Label, ClientPolicy] = Field(
        {}, description="custom client profiles by name, for the waves' `client`"
    )
    model: ModelParams = Field(default_factory=ModelParams)
    objectives: Objectives = Field(default_factory=Objectives)
    prices: Prices | None = None

    def client(self, name: str | None) -> ClientPolicy:
        """The client policy a wave with this `client` uses (none named: `model.retry`)."""
        if name is None:
            return self.model.retry
        if name in self.clients:
            return self.clients[name]
        found = self.model.clients.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def client_names(self) -> list[str]:
        """Every client profile a wave may name."""
        return [*CLIENT_NAMES, *sorted(self.clients)]

    def subscriptions(self) -> dict[str, tuple[Tenant, Subscription]]:
        """Every subscription by name, with its tenant."""
        return {s.name: (t, s) for t in self.tenants for s in t.subscriptions}

    def with_options(
        self, *, guidance: str | None = None, objectives: list[str] | None = None
    ) -> Scenario:
        """This scenario with command-line overrides: a guidance profile, KEY=VALUE objectives."""
        update: dict[str, object] = {}
        if guidance is not None:
            if guidance not in catalog.GUIDANCE:
                raise InputError(
                    f"--guidance: '{guidance}' is not a guidance profile; use seed or current"
                )
            update["guidance"] = guidance
        if objectives:
            update["objectives"] = self.objectives.with_options(objectives)
        return self.model_copy(update=update) if update else self

    def wave(self, key: str) -> WaveRef:
        """The wave with this key ("vms/0", "scale_sets/1", "arrivals/2")."""
        return next(w for w in self.waves() if w.key == key)

    def waves(self) -> list[WaveRef]:
        """Every wave of the workload: VM waves, then scale-set waves, then arrival streams."""
        w = self.workload
        return (
            [WaveRef(f"vms/{i}", x, i) for i, x in enumerate(w.vms)]
            + [WaveRef(f"scale_sets/{i}", x, i) for i, x in enumerate(w.scale_sets)]
            + [WaveRef(f"arrivals/{i}", x, i) for i, x in enumerate(w.arrivals)]
        )

    def versions(self) -> list[VersionRef]:
        """Every image version, in the order the scenario lists them."""
        return [
            VersionRef(f"{g.name}/{d.name}/{v.name}", g, d, v)
            for g in self.galleries
            for d in g.images
            for v in d.versions
        ]

    def sha256(self) -> str:
        """The hash of the scenario's content: every field, defaults included, as canonical JSON
        (so formatting, comments and shorthands in the file do not change it)."""
        data = self.model_dump(mode="json")
        if data["start"] is None:  # a scenario without a start keeps the hash it had before
            del data["start"]
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def find_image(self, gallery: str, image: str) -> tuple[Gallery, ImageDefinition] | None:
        """The gallery and image definition a reference names, or None."""
        for g in self.galleries:
            if g.name == gallery:
                for d in g.images:
                    if d.name == image:
                        return g, d
        return None
