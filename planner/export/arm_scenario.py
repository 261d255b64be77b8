"""An ARM template -> scenario data: its galleries, definitions and versions, each resource
evaluated in its own template (nested deployments have theirs), read by arm_reader.Reader.

Galleries and definitions are matched by name case-insensitively, as Azure names them. A version
whose gallery or definition the template does not create (it names them in its own name, or as
`existing` resources) gets an external reference: a placeholder gallery and definition, labelled
in their descriptions and in the note, that the architect may describe. Resources of other types
(networks, storage accounts, role assignments, locks, machines) are listed in the note.
"""

from __future__ import annotations

from typing import Any

from acgsim.planner.export.arm_reader import (
    EXTERNAL,
    PERMISSIONS,
    PLACEHOLDER_REGION,
    SIZE_PLACEHOLDER_GB,
    STORAGE,
    TYPES,
    Reader,
    get,
    new_defaults,
)
from acgsim.planner.export.expressions import kind_of, quote
from acgsim.planner.export.resources import Instance, Walk
from acgsim.sim import catalog
from acgsim.sim.errors import Problem

REPLICATION = {"full": "Full", "shallow": "Shallow"}
STRATEGIES = {
    "preferstandard_zrs": "PreferStandard_ZRS",
    "defaultstandard_lrs": "DefaultStandard_LRS",
}


def read(walk: Walk, found: list[Instance]) -> Reader:
    """Every gallery resource found, read into the reader's galleries (problems collected)."""
    reader = Reader()
    found = sorted(found, key=lambda r: TYPES.index(r.rtype))
    seen: dict[tuple[str, ...], tuple] = {}
    for r in found:
        parts = reader.name(r)
        if parts is None:
            continue
        if len(parts) != TYPES.index(r.rtype) + 1:
            reader.refuse(
                (*r.path, "name"),
                f"'{quote('/'.join(parts))}' has {len(parts)} part(s); a {r.rtype} name has "
                f"{TYPES.index(r.rtype) + 1} (gallery/image/version)",
            )
            continue
        if r.existing:
            _reference(reader, r, parts)
            continue
        key = tuple(p.lower() for p in parts)
        if key in seen:
            reader.refuse(
                (*r.path, "name"),
                f"{r.rtype} '{quote('/'.join(parts))}' is defined twice (also at "
                f"{Problem(seen[key], '').where}); ARM refuses that",
            )
            continue
        seen[key] = r.path
        label = "/".join(parts)
        props = reader.properties(r, label)
        reader.note_unmodelled(r, label, props)
        {0: _gallery, 1: _image, 2: _version}[TYPES.index(r.rtype)](reader, r, parts, props)
    others = {}
    for rtype, name in walk.others:
        others.setdefault(rtype, []).append(name)
    if others:
        listed = [
            f"{t} {', '.join(quote(n, 40) for n in names[:3])}"
            + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            for t, names in others.items()
        ]
        reader.notes.append("not imported (not gallery resources): " + ", ".join(listed))
    return reader


def _reference(reader: Reader, r: Instance, parts: list[str]) -> None:
    """An `existing` gallery or definition: an external reference, placed where it says."""
    gallery = placeholder_gallery(reader, parts[0], reader.location(r))
    key = tuple(p.lower() for p in parts[:2])
    if len(parts) == 2 and key not in reader.images:
        props = reader.properties(r, "/".join(parts))
        image = placeholder_image(reader.external, parts[1], gallery, os="Linux")
        if isinstance(get(props, "osType"), str):
            image["os_type"] = _title(get(props, "osType"))
        reader.images[key] = image


def _gallery(reader: Reader, r: Instance, parts: list[str], props: dict) -> None:
    at = (*r.path, "properties")
    sharing = reader.field(props, "sharingProfile", at, dict, {})
    info = reader.field(sharing, "communityGalleryInfo", (*at, "sharingProfile"), dict, {})
    mode = reader.field(sharing, "permissions", (*at, "sharingProfile"), str, "Private")
    if mode.lower() not in PERMISSIONS:
        reader.refuse(
            (*at, "sharingProfile", "permissions"),
            f"'{quote(mode)}' is not one of Private, Groups, Community",
        )
    region = reader.location(r)
    if region is None:
        reader.refuse(
            (*r.path, "location"),
            "is missing or depends on the deployment; give the gallery's region (or --location)",
        )
    community = {
        k: get(info, key)
        for k, key in (
            ("prefix", "publicNamePrefix"),
            ("publisher_email", "publisherContact"),
            ("publisher_uri", "publisherUri"),
            ("eula", "eula"),
        )
        if isinstance(get(info, key), str)
    }
    soft = reader.field(props, "softDeletePolicy", at, dict, {})
    reader.galleries[parts[0].lower()] = {
        "_at": r.path,
        "name": parts[0],
        "subscription": "imported",
        "region": region or "westeurope",
        "description": reader.field(props, "description", at, str),
        "sharing": {"mode": PERMISSIONS.get(mode.lower(), "private"), **community},
        "soft_delete": bool(reader.flag(soft, "isSoftDeleteEnabled", (*at, "softDeletePolicy"))),
        "images": [],
    }


def _image(reader: Reader, r: Instance, parts: list[str], props: dict) -> None:
    at = (*r.path, "properties")
    ident = reader.field(props, "identifier", at, dict, {})
    features = {}
    for j, feature in enumerate(reader.field(props, "features", at, list, [])):
        if not isinstance(feature, dict):
            reader.refuse((*at, "features", j), f"must be an object, not {kind_of(feature)}")
        elif name := reader.field(feature, "name", (*at, "features", j), str):
            features[name.lower()] = (name, get(feature, "value"))
    security = features.pop("securitytype", (None, None))[1]
    if features:
        shown = ", ".join(f"{n}={quote(str(v), 30)}" for n, v in features.values())
        reader.notes.append(f"{'/'.join(parts)}: features not modelled by acgsim: {shown}")
    new = new_defaults(r)
    image = {
        "_at": r.path,
        "name": parts[1],
        "publisher": get(ident, "publisher"),
        "offer": get(ident, "offer"),
        "sku": get(ident, "sku"),
        "os_type": _title(get(props, "osType")),
        "os_state": _title(get(props, "osState")),
        "hyperv_generation": _upper(get(props, "hyperVGeneration")) or ("V2" if new else "V1"),
        "architecture": _arch(get(props, "architecture")) or "x64",
        "security_type": security or ("TrustedLaunchSupported" if new else "Standard"),
        "description": reader.field(props, "description", at, str),
        "end_of_life": reader.date(props, "endOfLifeDate", at),
        "versions": [],
    }
    gallery = placeholder_gallery(reader, parts[0], reader.location(r))
    gallery["images"].append(image)
    reader.images[(parts[0].lower(), parts[1].lower())] = image


def _version(reader: Reader, r: Instance, parts: list[str], props: dict) -> None:
    label = "/".join(parts)
    at = (*r.path, "properties", "publishingProfile")
    profile = reader.field(props, "publishingProfile", at[:-1], dict, {})
    own = reader.location(r)
    if own:
        reader.version_locations.append(own)
    strategy = reader.enum(profile, "storageAccountStrategy", STRATEGIES)
    storage = _storage(reader, profile, at)
    if strategy is not None and strategy not in STRATEGIES.values():
        reader.refuse(
            (*at, "storageAccountStrategy"),
            f"'{quote(str(strategy))}' is not one of {', '.join(STRATEGIES.values())}",
        )
    targets, origins = [], []
    for j, t in enumerate(reader.field(profile, "targetRegions", at, list, [])):
        where = (*at, "targetRegions", j)
        if not isinstance(t, dict):
            reader.refuse(where, f"must be an object, not {kind_of(t)}")
            continue
        region = reader.region(get(t, "name"), (*where, "name"), True)
        if region is None:
            continue
        target: dict[str, Any] = {"region": region}
        if get(t, "regionalReplicaCount") is not None:
            target["replicas"] = get(t, "regionalReplicaCount")
        kind = _storage(reader, t, where)
        if kind is None and storage is None and strategy == "PreferStandard_ZRS":
            zones = region in catalog.REGIONS and catalog.REGIONS[region].zones
            kind = "Standard_ZRS" if zones else "Standard_LRS"
        if kind is not None:
            target["storage"] = kind
        exclude = reader.flag(t, "excludeFromLatest", where)
        if exclude is not None:
            target["exclude_from_latest"] = exclude
        targets.append(target)
        origins.append(where)
    if not targets and own:
        targets, origins = [{"region": own}], [(*r.path, "location")]
        reader.notes.append(f"{label}: no targetRegions; its own location {own} used")
    version = {
        "_at": r.path,
        "_targets": origins,
        "name": parts[2],
        "size_gb": SIZE_PLACEHOLDER_GB,
        "replication_mode": reader.enum(profile, "replicationMode", REPLICATION) or "Full",
        "replicas": get(profile, "replicaCount") if get(profile, "replicaCount") is not None else 1,
        "storage": storage or catalog.DEFAULT_STORAGE,
        "exclude_from_latest": bool(reader.flag(profile, "excludeFromLatest", at)),
        "end_of_life": reader.date(profile, "endOfLifeDate", at),
        "regions": targets,
    }
    region = own or (targets[0]["region"] if targets else None)
    key = (parts[0].lower(), parts[1].lower())
    placing = parts[0].lower() not in reader.galleries or parts[0].lower() in reader.unplaced
    if own is None and region is not None and placing:
        reader.notes.append(
            f"{label}: its location is not in the file (it depends on the deployment); gallery "
            f"{parts[0]} placed in {region}, its first target region"
        )
    if key not in reader.images:
        gallery = placeholder_gallery(reader, parts[0], region)
        image = placeholder_image(reader.external, parts[1], gallery, os="Linux")
        reader.images[key] = image
    reader.images[key]["versions"].append(version)


def _storage(reader: Reader, props: dict, at: tuple) -> str | None:
    """A storage type acgsim models; PremiumV2_LRS, StandardSSD_LRS or a typo refused, named."""
    kind = reader.enum(props, "storageAccountType", STORAGE)
    if kind is None or kind in STORAGE.values():
        return kind
    shown = f"'{quote(kind)}'" if isinstance(kind, str) else kind_of(kind)
    reader.refuse(
        (*at, "storageAccountType"),
        f"{shown} is not a storage type acgsim models (nor do az sig and azurerm take it): "
        f"{', '.join(STORAGE.values())}",
    )
    return None


def placeholder_gallery(reader: Reader, name: str, region: str | None) -> dict:
    """The gallery of that name, or an external reference to it (labelled as a placeholder).
    An external gallery whose own location the file does not give (an `existing` resource) is
    where its definitions and versions are: Azure keeps them in their gallery's region."""
    key = name.lower()
    if key not in reader.galleries:
        reader.external.append(f"gallery {name}")
        reader.galleries[key] = {
            "name": name,
            "subscription": "imported",
            "region": region or PLACEHOLDER_REGION,
            "description": EXTERNAL,
            "images": [],
        }
        if region is None:
            reader.unplaced[key] = name
    elif region is not None and key in reader.unplaced:
        reader.galleries[key]["region"] = region
        del reader.unplaced[key]
    return reader.galleries[key]


def placeholder_image(external: list, name: str, gallery: dict, os: str) -> dict:
    external.append(f"definition {gallery['name']}/{name}")
    image = {
        "name": name,
        "publisher": "placeholder",
        "offer": "placeholder",
        "sku": name if len(name) <= 64 else "placeholder",
        "os_type": os,
        "os_state": "Generalized",
        "description": f"{EXTERNAL} (publisher, offer, sku, os_type, os_state, generation)",
        "versions": [],
    }
    gallery["images"].append(image)
    return image


def _title(value: Any) -> Any:
    return value[:1].upper() + value[1:].lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _arch(value: Any) -> Any:
    return (
        {"x64": "x64", "arm64": "Arm64"}.get(value.lower(), value)
        if isinstance(value, str)
        else value
    )
