"""Where each imported value came from: a problem the scenario checks find in an imported
template (PremiumV2_LRS, a two-part version name, ZRS where a region has no zones) is reported
at the template's path (`resources[0].properties.publishingProfile.targetRegions[1].
storageAccountType`), the place the user can fix, not at the skeleton's
(`galleries[0].images[0].versions[0].regions[1].storage`), which they never wrote.

The reader marks each gallery, definition and version it builds with `_at` (the resource's path;
`_kind` "flat version" for az's flattened output) and each version's targets with `_targets`
(each target region's path); `collect` takes the marks off and returns the scenario paths they
stand for; `locate` rewrites a problem's path. az sig JSON is marked too (its versions).
"""

from __future__ import annotations

from typing import Any

from acgsim.sim.errors import Problem

_PROFILE = ("properties", "publishingProfile")
FIELDS = {
    "gallery": {
        "name": ("name",),
        "region": ("location",),
        "description": ("properties", "description"),
        "sharing": ("properties", "sharingProfile"),
        "soft_delete": ("properties", "softDeletePolicy", "isSoftDeleteEnabled"),
    },
    "image": {
        "name": ("name",),
        "publisher": ("properties", "identifier", "publisher"),
        "offer": ("properties", "identifier", "offer"),
        "sku": ("properties", "identifier", "sku"),
        "os_type": ("properties", "osType"),
        "os_state": ("properties", "osState"),
        "hyperv_generation": ("properties", "hyperVGeneration"),
        "architecture": ("properties", "architecture"),
        "security_type": ("properties", "features"),
        "description": ("properties", "description"),
        "end_of_life": ("properties", "endOfLifeDate"),
    },
    "version": {
        "name": ("name",),
        "replicas": (*_PROFILE, "replicaCount"),
        "storage": (*_PROFILE, "storageAccountType"),
        "replication_mode": (*_PROFILE, "replicationMode"),
        "exclude_from_latest": (*_PROFILE, "excludeFromLatest"),
        "end_of_life": (*_PROFILE, "endOfLifeDate"),
        "regions": (*_PROFILE, "targetRegions"),
    },
    "region": {
        "region": ("name",),
        "replicas": ("regionalReplicaCount",),
        "storage": ("storageAccountType",),
        "exclude_from_latest": ("excludeFromLatest",),
    },
}
# what az prints: the SDK model flattened, the version's paths without their `properties` [CLI]
FIELDS["flat version"] = {
    field: path[1:] if path[0] == "properties" else path
    for field, path in FIELDS["version"].items()
}


def collect(galleries: list[dict]) -> dict[tuple, tuple[str, tuple]]:
    """Takes the reader's marks off the galleries; scenario path -> (kind, template path)."""
    out: dict[tuple, tuple[str, tuple]] = {}
    for gi, g in enumerate(galleries):
        at = ("galleries", gi)
        if "_at" in g:
            out[at] = ("gallery", g.pop("_at"))
        for ii, image in enumerate(g.get("images", [])):
            iat = (*at, "images", ii)
            if "_at" in image:
                out[iat] = ("image", image.pop("_at"))
            for vi, version in enumerate(image.get("versions", [])):
                vat = (*iat, "versions", vi)
                if "_at" in version:
                    out[vat] = (version.pop("_kind", "version"), version.pop("_at"))
                for j, target in enumerate(version.pop("_targets", [])):
                    out[(*vat, "regions", j)] = ("region", target)
    return out


def locate(problem: Problem, origins: dict[tuple, tuple[str, tuple]]) -> Problem:
    """The problem at the template path its value came from (as it was where none is known)."""
    path = tuple(problem.path)
    for cut in range(len(path), 0, -1):
        found = origins.get(path[:cut])
        if found is None:
            continue
        kind, at = found
        rest = path[cut:]
        if rest and isinstance(rest[0], str) and rest[0] in FIELDS[kind]:
            field = FIELDS[kind][rest[0]]
            if kind == "region" and at and at[-1] == "location":
                field = ()  # the version's own location, used as its only target
            at, rest = (*at, *field), rest[1:]
        return Problem(
            (*at, *rest),
            problem.message,
            azure=problem.azure,
            docs=problem.docs,
            severity=problem.severity,
            file=problem.file,
            line=problem.line,
        )
    return problem


def strip(node: Any) -> Any:
    """The data without the reader's marks (keys starting with '_')."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if not str(k).startswith("_")}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node
