"""The scenario format: what an architect writes to describe galleries, images, access, workload.

This module holds the scenario itself: its tenants and subscriptions, access (role assignments),
updates of existing versions, the start clock, and the Scenario model tying them together (waves(),
versions() and the hash live here). The gallery side is sim.gallery_models, the workload
sim.workload, the faults sim.fault_models.

A scenario is YAML or JSON, read into pydantic v2 models that forbid unknown fields. Field names
are short snake_case; units are in the value ("30m") or in the name (`size_gb`, `rate_per_min`).
Single-field rules (names, ranges, regions) are checked in the models; rules that span fields
(limits per subscription and region, references, sharing) are in sim.checks; reading files and
reporting problems is sim.loader, whose `load` ties the three together.

Shorthands a person is glad of: a target region may be just its name; `sharing: community` stands
for `sharing: {mode: community}`; regions are accepted as "East US 2" and stored as "eastus2".
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, model_validator

from acgsim.sim import catalog
from acgsim.sim.client_profiles import CLIENT_NAMES, ClientPolicy
from acgsim.sim.errors import InputError
from acgsim.sim.fault_models import Fault
from acgsim.sim.fields import ImageRef, Label, PositiveDuration, RegionName, StrictModel
from acgsim.sim.gallery_models import Gallery, ImageDefinition, TargetRegion, VersionRef
from acgsim.sim.objectives import Objectives, Prices
from acgsim.sim.params import ModelParams
from acgsim.sim.refusals import refuse
from acgsim.sim.units import Duration
from acgsim.sim.workload import WaveRef, Workload

# --- tenants and subscriptions --------------------------------------------------------------


class Subscription(StrictModel):
    name: Label = Field(description="the name the rest of the scenario uses for this subscription")
    id: uuid.UUID | None = Field(None, description="subscription GUID, used by exports")


class Tenant(StrictModel):
    name: Label
    id: uuid.UUID | None = Field(None, description="tenant (directory) GUID, used by exports")
    subscriptions: list[Subscription] = Field(min_length=1)


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
