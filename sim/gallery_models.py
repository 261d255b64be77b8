"""The gallery side of a scenario: galleries and their sharing, image definitions, image versions
and their target regions, as the architect writes them (pydantic models; sim.gallery holds their
state while a run plays, sim.checks the rules that span fields).

Shorthands a person is glad of: a target region may be just its name; `sharing: community` stands
for `sharing: {mode: community}`.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, NamedTuple

from pydantic import Field, model_serializer, model_validator

from acgsim.sim import catalog
from acgsim.sim.fields import (
    AzText,
    GalleryName,
    ImageName,
    Offer,
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
from acgsim.sim.units import Duration


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


class VersionRef(NamedTuple):
    """An image version with its reference "gallery/image/version" and where it is defined."""

    ref: str
    gallery: Gallery
    image: ImageDefinition
    version: ImageVersion
