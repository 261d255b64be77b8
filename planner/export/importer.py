"""Import: an ARM template holding gallery resources -> a scenario skeleton to start from.

Reads Microsoft.Compute/galleries, galleries/images and galleries/images/versions (as exported by
Azure's "Export template" or by acgsim) and writes the galleries, definitions, versions and target
regions as a scenario. What a template does not say is filled with labelled placeholders the
architect must check: one tenant and subscription, the version's occupied size (30 GB), an empty
workload. The result is validated like any scenario.
"""

from __future__ import annotations

import re
from typing import Any

from sim import catalog
from sim.errors import Problem, ScenarioError
from sim.loader import validate
from sim.scenario import Scenario

SIZE_PLACEHOLDER_GB = 30.0
TYPES = (
    "Microsoft.Compute/galleries",
    "Microsoft.Compute/galleries/images",
    "Microsoft.Compute/galleries/images/versions",
)
PERMISSIONS = {"Private": "private", "Groups": "groups", "Community": "community"}


def _name(resource: dict) -> list[str]:
    name = str(resource.get("name", ""))
    if name.startswith("["):  # e.g. [concat(parameters('gallery'), '/web')]
        found = re.findall(r"'([^']*)'", name)
        name = "/".join(p.strip("/") for p in found if p.strip("/"))
    return [p for p in name.split("/") if p]


def _region(value: Any, fallback: str | None) -> str | None:
    if isinstance(value, str) and not value.startswith("["):
        name = catalog.normalize_region(value)
        return name if name in catalog.REGIONS else value
    return fallback


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value[1:] if value.startswith("[[") else value
    return ""


def _date(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value) else None


def scenario_data(template: dict, name: str = "imported") -> dict:
    """The scenario (as plain data) that the template's gallery resources describe."""
    resources = template.get("resources")
    if isinstance(resources, dict):  # languageVersion 2.0: symbolic names
        resources = list(resources.values())
    if not isinstance(resources, list):
        raise ScenarioError([Problem(("resources",), "no resources list in the template")])
    galleries: dict[str, dict] = {}
    images: dict[tuple[str, str], dict] = {}
    ordered = sorted(
        (r for r in resources if isinstance(r, dict) and r.get("type") in TYPES),
        key=lambda r: TYPES.index(r["type"]),
    )
    for r in ordered:
        parts, props = _name(r), r.get("properties") or {}
        if r["type"] == TYPES[0] and len(parts) == 1:
            sharing = props.get("sharingProfile") or {}
            info = sharing.get("communityGalleryInfo") or {}
            galleries[parts[0]] = {
                "name": parts[0],
                "subscription": "imported",
                "region": _region(r.get("location"), "westeurope"),
                "description": _text(props.get("description")),
                "sharing": {
                    "mode": PERMISSIONS.get(sharing.get("permissions"), "private"),
                    **{
                        k: info[key]
                        for k, key in (
                            ("prefix", "publicNamePrefix"),
                            ("publisher_email", "publisherContact"),
                            ("publisher_uri", "publisherUri"),
                            ("eula", "eula"),
                        )
                        if isinstance(info.get(key), str)
                    },
                },
                "soft_delete": bool(
                    (props.get("softDeletePolicy") or {}).get("isSoftDeleteEnabled", False)
                ),
                "images": [],
            }
        elif r["type"] == TYPES[1] and len(parts) == 2 and parts[0] in galleries:
            ident = props.get("identifier") or {}
            features = {f.get("name"): f.get("value") for f in props.get("features") or []}
            image = {
                "name": parts[1],
                "publisher": ident.get("publisher"),
                "offer": ident.get("offer"),
                "sku": ident.get("sku"),
                "os_type": props.get("osType"),
                "os_state": props.get("osState"),
                "hyperv_generation": props.get("hyperVGeneration", "V1"),
                "architecture": props.get("architecture", "x64"),
                "security_type": features.get("SecurityType", "Standard"),
                "description": _text(props.get("description")),
                "end_of_life": _date(props.get("endOfLifeDate")),
                "versions": [],
            }
            galleries[parts[0]]["images"].append(image)
            images[(parts[0], parts[1])] = image
        elif r["type"] == TYPES[2] and len(parts) == 3 and tuple(parts[:2]) in images:
            profile = props.get("publishingProfile") or {}
            targets = []
            for t in profile.get("targetRegions") or []:
                target = {"region": _region(t.get("name"), t.get("name"))}
                for key, src in (
                    ("replicas", "regionalReplicaCount"),
                    ("storage", "storageAccountType"),
                    ("exclude_from_latest", "excludeFromLatest"),
                ):
                    if t.get(src) is not None:
                        target[key] = t[src]
                targets.append(target)
            version = {
                "name": parts[2],
                "size_gb": SIZE_PLACEHOLDER_GB,
                "replication_mode": profile.get("replicationMode", "Full"),
                "replicas": profile.get("replicaCount", 1),
                "storage": profile.get("storageAccountType", "Standard_LRS"),
                "exclude_from_latest": bool(profile.get("excludeFromLatest", False)),
                "end_of_life": _date(profile.get("endOfLifeDate")),
                "regions": targets,
            }
            images[tuple(parts[:2])]["versions"].append(version)
    if not galleries:
        raise ScenarioError([Problem(("resources",), "no Microsoft.Compute/galleries resource")])
    return {
        "name": name,
        "description": "Imported from an ARM template. Check the placeholders: the tenant and "
        f"subscription, each version's size_gb ({SIZE_PLACEHOLDER_GB:g} GB), and "
        "add a workload.",
        "tenants": [{"name": "imported", "subscriptions": [{"name": "imported"}]}],
        "galleries": [_clean(g) for g in galleries.values()],
    }


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _clean(v) for k, v in node.items() if v not in (None, "")}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def import_template(template: dict, file: str, name: str = "imported") -> Scenario:
    """A validated scenario skeleton from an ARM template, or ScenarioError naming the problems."""
    scenario, _ = validate(scenario_data(template, name), file=file)
    return scenario
