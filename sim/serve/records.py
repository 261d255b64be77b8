"""What `acgsim serve` holds for each resource a client created: the scenario's model of it, the
properties and tags to echo, and the model's live state (sim.gallery's VersionState, the
requests sim.deployment runs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from acgsim.sim.gallery import VersionState
from acgsim.sim.gallery_models import Gallery, ImageDefinition, ImageVersion
from acgsim.sim.metrics import Request
from acgsim.sim.scenario import RoleAssignment


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
class ComputeRec:
    """A VM or scale set: where it is, what was sent, the image it deploys."""

    sub_id: str
    rg: str
    name: str
    location: str
    props: dict
    tags: dict
    image: str  # gallery/image/version or gallery/image/latest

    @property
    def key(self) -> tuple[str, str, str]:
        """Its subscription, resource group and name as ARM compares them (case-insensitive)."""
        return self.sub_id.lower(), self.rg.lower(), self.name.lower()


@dataclass
class VmRec(ComputeRec):
    request: Request
    vm_id: str


@dataclass
class ScaleSetRec(ComputeRec):
    sku: dict
    capacity: int
    orchestration: str  # Uniform | Flexible
    source: str  # its instances' key in the model's recorder (sim.metrics.Recorder.waves)
    submitted: float
    vmss_id: str


@dataclass
class RoleRec:
    name: str  # the assignment's GUID
    scope_id: str  # the ARM id of the gallery, image or version it is assigned at
    props: dict  # roleDefinitionId, principalId, principalType as sent
    assignment: RoleAssignment  # what the model's access rules read (scenario.access)
