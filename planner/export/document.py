"""What every export writes: galleries, image definitions and versions with their target regions.

Built from a scenario (its own publishing profiles) or from a plan (the scenario the plan embeds,
with the plan's replicas and storage per region, and any region the plan adds). Deployment-time
values (the source of each version, the principals given access, tags, the resource group) become
template parameters or variables, never hard-coded strings; a value the scenario knows is the
parameter's default.

Each target region carries its effective exclude-from-latest flag (a region's own flag, else the
version's [ACG]) and the reason for its replica count, so that every format writes both: a format
that leaves a region's flag out may send its own default for it (azurerm sends false for every
target region, which un-hides a version excluded from latest).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from acgsim.planner.export.access import Access, access_of
from acgsim.planner.export.params import Param, identifier, unique
from acgsim.planner.plan import Plan, apply_choices
from acgsim.sim.gallery_models import Gallery, ImageDefinition, ImageVersion, VersionSource
from acgsim.sim.scenario import Scenario


@dataclass
class Target:
    region: str
    replicas: int
    storage: str
    exclude_from_latest: bool | None  # the effective flag: from_scenario always sets it
    reason: str = ""  # why this many replicas: the plan's reasons, or the scenario's own number


@dataclass
class Source:
    """What a version is made from and the parameters that hold its ids [SPEC]: a managed image,
    a snapshot or a VM by resource id; a VHD by blob URI and storage account id."""

    kind: str  # managed_image | snapshot | vhd | vm
    params: dict[str, Param]  # "id", or "uri" and "storage_account" for a vhd


@dataclass
class Version:
    key: str  # unique among the export's versions: letters, digits and underscores
    name: str
    source_param: str  # the parameter or variable that holds the source's resource id (or URI)
    replication_mode: str
    replicas: int
    storage: str
    exclude_from_latest: bool
    end_of_life: date | None
    targets: list[Target]
    replication_estimate_s: float
    source: Source | None = None


@dataclass
class Image:
    key: str  # unique among the export's images
    spec: ImageDefinition
    versions: list[Version] = field(default_factory=list)


@dataclass
class GalleryOut:
    key: str  # unique among the export's galleries
    spec: Gallery
    images: list[Image] = field(default_factory=list)


@dataclass
class Export:
    """Everything an exporter needs; `resource_group` is only the default of a parameter."""

    scenario: str
    resource_group: str
    galleries: list[GalleryOut]
    environment: str = "test"  # the default of the environment tag parameter
    access: Access = field(default_factory=Access)

    @property
    def source_params(self) -> list[str]:
        return [v.source_param for g in self.galleries for i in g.images for v in i.versions]

    def versions(self) -> list[Version]:
        return [v for g in self.galleries for i in g.images for v in i.versions]

    def params(self, shares: bool = True) -> list[Param]:
        """Every value the user supplies: sources, principals given access, and (unless not
        asked for) the ids a gallery is shared with."""
        out = [p for v in self.versions() if v.source for p in v.source.params.values()]
        return out + self.access.params(shares)


def replication_estimate(v: ImageVersion, regions: int, replicas: int, scenario: Scenario) -> float:
    """Seconds the slowest region should take to replicate, by the model's mean copy times."""
    p = scenario.model.replication
    if v.replication_mode == "Shallow":
        return p.overhead
    first = p.overhead + v.size_gb * 1024 / p.wan_mb_per_s
    rounds = math.ceil(max(regions - 1, 0) / p.parallel_regions) or 1
    rest = math.ceil(max(replicas - 1, 0) / p.parallel_copies) * v.size_gb * 1024 / p.lan_mb_per_s
    return rounds * first + rest


SOURCE_WHAT = {
    "managed_image": "Resource id of the managed image this version is made from",
    "snapshot": "Resource id of the OS disk snapshot this version is made from",
    "vm": "Resource id of the virtual machine this version is captured from",
    "vhd": "URI of the VHD blob this version is made from",
}


def source_of(v: ImageVersion, key: str) -> Source:
    """The version's source (a managed image by default) and the parameters holding its ids."""
    spec = v.source or VersionSource()
    name = f"source_{key}"
    if spec.kind == "vhd":
        return Source(
            "vhd",
            {
                "uri": Param(name, SOURCE_WHAT["vhd"], spec.uri),
                "storage_account": Param(
                    f"{name}_storage_account",
                    "Resource id of the storage account that holds the source VHD",
                    spec.storage_account,
                ),
            },
        )
    return Source(spec.kind, {"id": Param(name, SOURCE_WHAT[spec.kind], spec.id)})


def scenario_reason(v: ImageVersion, t) -> str:
    """Why a target region of a scenario (not a plan) has its replicas."""
    if t.replicas is not None:
        return "the scenario's own number for this region"
    return "the version's default replica count in the scenario"


def from_scenario(scenario: Scenario, reasons: dict[tuple[str, str], str] | None = None) -> Export:
    """The scenario's galleries, versions and target regions (REASONS: a plan's reason per
    (version, region), where the plan decided)."""
    galleries = []
    used: set[str] = set()
    for g in scenario.galleries:
        out = GalleryOut(unique(identifier(g.name), used), g)
        for d in g.images:
            image = Image(unique(identifier(g.name, d.name), used), d)
            for v in d.versions:
                ref = f"{g.name}/{d.name}/{v.name}"
                targets = [
                    Target(
                        t.region,
                        v.replicas_in(t),
                        v.storage_in(t),
                        v.excluded_in(t),
                        (reasons or {}).get((ref, t.region)) or scenario_reason(v, t),
                    )
                    for t in v.regions
                ]
                most = max(t.replicas for t in targets)
                key = unique(identifier(g.name, d.name, v.name), used)
                image.versions.append(
                    Version(
                        key,
                        v.name,
                        f"source_{key}",
                        v.replication_mode,
                        v.replicas,
                        v.storage,
                        v.exclude_from_latest,
                        v.end_of_life,
                        targets,
                        replication_estimate(v, len(targets), most, scenario),
                        source_of(v, key),
                    )
                )
            out.images.append(image)
        galleries.append(out)
    first_rg = scenario.galleries[0].resource_group if scenario.galleries else "rg-images"
    return Export(
        scenario.name,
        first_rg,
        galleries,
        "production" if scenario.production else "test",
        access_of(scenario, galleries),
    )


def from_plan(plan: Plan) -> Export:
    """The plan's replicas and storage applied to the scenario it was made for, each region
    with the plan's reasons."""
    scenario = apply_choices(Scenario.model_validate(plan.scenario_spec), plan.choices())
    reasons = {(r.version, r.region): "; ".join(r.reasons) for r in plan.regions}
    return from_scenario(scenario, reasons)


def replicas_text(n: int) -> str:
    return f"{n} replica" if n == 1 else f"{n} replicas"


def one_line(text: str) -> str:
    """Text for a comment line of any format: a line break in it would end the comment and
    make the rest code (shell, HCL and Bicep comments end at CR or LF)."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def timeout_minutes(seconds: float) -> int:
    """A client timeout long enough for replication: twice the estimate, at least an hour, in
    whole ten minutes (too-short tool timeouts are the commonest complaint of gallery users)."""
    return max(60, math.ceil(2 * seconds / 600) * 10)
