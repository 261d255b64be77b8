"""What every export writes: galleries, image definitions and versions with their target regions.

Built from a scenario (its own publishing profiles) or from a plan (the scenario the plan embeds,
with the plan's replicas and storage per region, and any region the plan adds). Deployment-time
values (the source image of each version, tags, the resource group) become template parameters
or variables, never hard-coded strings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from acgsim.planner.plan import Plan, apply_choices
from acgsim.sim.scenario import Gallery, ImageDefinition, ImageVersion, Scenario


@dataclass
class Target:
    region: str
    replicas: int
    storage: str
    exclude_from_latest: bool | None


@dataclass
class Version:
    key: str  # unique among the export's versions: letters, digits and underscores
    name: str
    source_param: str  # the parameter or variable that holds the source image's resource id
    replication_mode: str
    replicas: int
    storage: str
    exclude_from_latest: bool
    end_of_life: date | None
    targets: list[Target]
    replication_estimate_s: float


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

    @property
    def source_params(self) -> list[str]:
        return [v.source_param for g in self.galleries for i in g.images for v in i.versions]


def identifier(*parts: str) -> str:
    """A name safe as a parameter, variable or symbolic name: letters, digits and underscores."""
    text = "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_") for p in parts)
    return text if text[:1].isalpha() else f"x_{text}"


def unique(name: str, used: set[str]) -> str:
    """`name`, or name_2, name_3, ... if taken (web-app and web_app would otherwise collide)."""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{name}_{n}"
    used.add(candidate)
    return candidate


def replication_estimate(v: ImageVersion, regions: int, replicas: int, scenario: Scenario) -> float:
    """Seconds the slowest region should take to replicate, by the model's mean copy times."""
    p = scenario.model.replication
    if v.replication_mode == "Shallow":
        return p.overhead
    first = p.overhead + v.size_gb * 1024 / p.wan_mb_per_s
    rounds = math.ceil(max(regions - 1, 0) / p.parallel_regions) or 1
    rest = math.ceil(max(replicas - 1, 0) / p.parallel_copies) * v.size_gb * 1024 / p.lan_mb_per_s
    return rounds * first + rest


def from_scenario(scenario: Scenario) -> Export:
    """The scenario's galleries, versions and target regions."""
    galleries = []
    used: set[str] = set()
    for g in scenario.galleries:
        out = GalleryOut(unique(identifier(g.name), used), g)
        for d in g.images:
            image = Image(unique(identifier(g.name, d.name), used), d)
            for v in d.versions:
                targets = [
                    Target(t.region, v.replicas_in(t), v.storage_in(t), t.exclude_from_latest)
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
                    )
                )
            out.images.append(image)
        galleries.append(out)
    first_rg = scenario.galleries[0].resource_group if scenario.galleries else "rg-images"
    return Export(
        scenario.name, first_rg, galleries, "production" if scenario.production else "test"
    )


def from_plan(plan: Plan) -> Export:
    """The plan's replicas and storage applied to the scenario it was made for."""
    return from_scenario(apply_choices(Scenario.model_validate(plan.scenario_spec), plan.choices()))


def one_line(text: str) -> str:
    """Text for a comment line of any format: a line break in it would end the comment and
    make the rest code (shell, HCL and Bicep comments end at CR or LF)."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def timeout_minutes(seconds: float) -> int:
    """A client timeout long enough for replication: twice the estimate, at least an hour, in
    whole ten minutes (too-short tool timeouts are the commonest complaint of gallery users)."""
    return max(60, math.ceil(2 * seconds / 600) * 10)
