"""What `az sig show`, `az sig image-definition show` and `az sig image-version show` / `list`
print -> scenario data.

az prints the SDK models flattened (no `properties` level, camelCase keys) [CLI]; the REST API
keeps `properties` [SPEC]; both are read. One object, a list, or a REST page {"value": [...]};
galleries, definitions and versions may be mixed. Each object's kind and its parents come from its
resource id (.../galleries/G[/images/I[/versions/V]]). Versions are read by the parser `acgsim
plan --against` uses (planner.deployed): replicas, storage type and the effective latest flag per
region, with its checks and its notes; the version's replication mode and end of life are read
here. A version whose gallery or definition is not in the file gets a placeholder, as in an ARM
import.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from acgsim.planner import deployed
from acgsim.planner.export import origins
from acgsim.planner.export.arm_reader import SIZE_PLACEHOLDER_GB, Reader, get
from acgsim.planner.export.arm_scenario import REPLICATION, placeholder_gallery, placeholder_image
from acgsim.planner.export.skeleton import skeleton
from acgsim.sim import catalog
from acgsim.sim.errors import Problem, ScenarioError

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute/galleries/"
    r"(?P<gallery>[^/]+)(?:/images/(?P<image>[^/]+)(?:/versions/(?P<version>[^/]+))?)?/?",
    re.IGNORECASE,
)


def scenario_data(path: Path, data: Any, name: str) -> dict:
    """The scenario the objects describe, or ScenarioError naming each wrong one."""
    return located_data(path, data, name)[0]


def located_data(path: Path, data: Any, name: str) -> tuple[dict, dict]:
    """scenario_data and where in the file each version and target region came from
    (planner.export.origins)."""
    file = str(path)
    objects, at = (
        (data["value"], ("value",))
        if isinstance(data, dict) and "value" in data
        else (
            data if isinstance(data, list) else [data],
            () if isinstance(data, list) else None,
        )
    )
    reader, versions = Reader(), []
    problems: list[Problem] = []
    for i, obj in enumerate(objects):
        where = (*at, i) if at is not None else ()
        rid = get(obj, "id")
        found = _ID.fullmatch(rid) if isinstance(rid, str) else None
        if found is None:
            problems.append(
                Problem(
                    (*where, "id"),
                    "missing or not a gallery, image definition or image version resource id",
                    file=file,
                )
            )
        elif found.group("version"):
            versions.append((obj, where))
        elif found.group("image"):
            _definition(reader, found.group("gallery", "image"), obj)
        else:
            _gallery(reader, found.group("gallery"), obj)
    parser = deployed._Reader(file)  # the parser `plan --against` uses: one way to read a version
    for obj, where in versions:
        parser.version(obj, where)
    problems += parser.problems
    if problems:
        raise ScenarioError(problems)
    regions: dict[str, list[dict]] = {}
    for (ref, region), state in parser.state.items():
        regions.setdefault(ref, []).append(
            {
                "region": region,
                "replicas": state.replicas,
                "storage": state.storage,
                "exclude_from_latest": state.exclude_from_latest,
            }
        )
    for obj, where in versions:
        _version(reader, obj, regions, where)
    reader.notes += parser.notes
    if not reader.galleries:
        raise ScenarioError([Problem((), "holds no gallery, definition or version", file=file)])
    galleries = list(reader.galleries.values())
    where = origins.collect(galleries)
    return skeleton(name, "az sig JSON", galleries, reader), where


def _props(obj: dict) -> dict:
    props = get(obj, "properties")
    return props if isinstance(props, dict) else obj


def _region(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    region = catalog.normalize_region(value)
    return region if region in catalog.REGIONS else value


def _gallery(reader: Reader, name: str, obj: dict) -> None:
    props = _props(obj)
    sharing = get(props, "sharingProfile") or {}
    info = get(sharing, "communityGalleryInfo") or {}
    mode = get(sharing, "permissions")
    gallery = placeholder_gallery(reader, name, _region(get(obj, "location")))
    reader.external = [e for e in reader.external if e != f"gallery {name}"]
    gallery.update(
        description=get(props, "description"),
        sharing={
            "mode": mode.lower() if isinstance(mode, str) else "private",
            **_groups(reader, name, get(sharing, "groups")),
            **{
                k: get(info, key)
                for k, key in (
                    ("prefix", "publicNamePrefix"),
                    ("publisher_email", "publisherContact"),
                    ("publisher_uri", "publisherUri"),
                    ("eula", "eula"),
                )
                if isinstance(get(info, key), str)
            },
        },
        soft_delete=get(get(props, "softDeletePolicy"), "isSoftDeleteEnabled") is True,
    )


def _groups(reader: Reader, gallery: str, groups: Any) -> dict[str, list[str]]:
    """Whom a directly shared gallery is shared with (`az sig show --expand
    sharingProfile/groups`): each subscription and tenant id becomes one of the scenario's, named
    by its id. az does not say which tenant a shared subscription is in: it joins the imported
    tenant, and the note says so."""
    out: dict[str, list[str]] = {}
    for group in groups if isinstance(groups, list) else []:
        kind = str(get(group, "type") or "").lower()
        key = {"subscriptions": "subscriptions", "aadtenants": "tenants"}.get(kind)
        ids = get(group, "ids")
        if key is None or not isinstance(ids, list):
            continue
        for gid in ids:
            if not (isinstance(gid, str) and _GUID.fullmatch(gid)):
                reader.notes.append(f"gallery {gallery}: shared with '{gid}', not a GUID: left out")
                continue
            label = f"{key[:-1]}-{gid.lower()}"
            reader.shared[key].setdefault(label, gid.lower())
            out.setdefault(key, []).append(label)
    if out.get("subscriptions"):
        reader.notes.append(
            f"gallery {gallery}: the subscriptions it is shared with are placed in the imported "
            "tenant (az does not say whose they are); move them to their own tenant if another"
        )
    return out


def _definition(reader: Reader, names: tuple[str, str], obj: dict) -> None:
    props = _props(obj)
    gallery = placeholder_gallery(reader, names[0], _region(get(obj, "location")))
    key = (names[0].lower(), names[1].lower())
    image = reader.images.get(key) or placeholder_image([], names[1], gallery, os="Linux")
    ident = get(props, "identifier") or {}
    features = {
        str(get(f, "name")).lower(): get(f, "value")
        for f in get(props, "features") or []
        if isinstance(f, dict)
    }
    image.update(
        publisher=get(ident, "publisher"),
        offer=get(ident, "offer"),
        sku=get(ident, "sku"),
        os_type=get(props, "osType"),
        os_state=get(props, "osState"),
        hyperv_generation=get(props, "hyperVGeneration") or "V1",
        architecture=get(props, "architecture") or "x64",
        security_type=features.get("securitytype", "Standard"),
        description=get(props, "description"),
        end_of_life=(get(props, "endOfLifeDate") or "")[:10] or None,
    )
    reader.images[key] = image


def _version(reader: Reader, obj: dict, regions: dict[str, list[dict]], where: tuple = ()) -> None:
    found = _ID.fullmatch(get(obj, "id"))
    gallery, image, version = found.group("gallery", "image", "version")
    profile = get(_props(obj), "publishingProfile") or {}
    key = (gallery.lower(), image.lower())
    targets = regions.get(f"{gallery}/{image}/{version}", [])
    flat = _props(obj) is obj
    at = where if flat else (*where, "properties")
    written = [
        catalog.normalize_region(str(get(t, "name")))
        for t in (get(profile, "targetRegions") or [])
        if isinstance(t, dict)
    ]
    marks = {
        "_at": where,
        "_kind": "flat version" if flat else "version",
        "_targets": [
            (*at, "publishingProfile", "targetRegions", written.index(t["region"]))
            if t["region"] in written
            else (*at, "publishingProfile", "targetRegions")
            for t in targets
        ],
    }
    if key not in reader.images:
        home = placeholder_gallery(reader, gallery, _region(get(obj, "location")))
        reader.images[key] = placeholder_image(reader.external, image, home, os="Linux")
    mode = get(profile, "replicationMode")
    reader.images[key]["versions"].append(
        {
            **marks,
            "name": version,
            "size_gb": SIZE_PLACEHOLDER_GB,
            "replication_mode": REPLICATION.get(str(mode).lower(), "Full"),
            "exclude_from_latest": get(profile, "excludeFromLatest") is True,
            "end_of_life": (get(profile, "endOfLifeDate") or "")[:10] or None,
            "regions": targets,
        }
    )
