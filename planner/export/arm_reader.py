"""ARM gallery resources (evaluated) -> the galleries, definitions and versions of a scenario.

Property names are read case-insensitively and enum values (storage types, modes) in any case,
as ARM reads them. What acgsim models is mapped; every other property a resource sets is named in
the note (`unmodelled`), never dropped silently. Defaults follow the resource's apiVersion: a
definition that names no generation or security type is V1 / Standard before 2025-03-03 and V2 /
TrustedLaunchSupported from it [SIG][ACG]. A version's storageAccountStrategy PreferStandard_ZRS
gives Standard_ZRS in the target regions with zones, Standard_LRS elsewhere [SPEC].

A gallery or definition the template only refers to (an `existing` resource, or the parent named
in a version's name) is an external reference: the scenario gets a placeholder for it, labelled
as one in its description and in the note, so the versions import and the scenario validates.
"""

from __future__ import annotations

import re
from typing import Any

from acgsim.planner.export.expressions import Invalid, MissingValue, Unresolved, kind_of, quote
from acgsim.planner.export.resources import Instance
from acgsim.planner.export.template import Missing, Unknown
from acgsim.sim import catalog
from acgsim.sim.errors import Problem

SIZE_PLACEHOLDER_GB = 30.0
TYPES = (
    "Microsoft.Compute/galleries",
    "Microsoft.Compute/galleries/images",
    "Microsoft.Compute/galleries/images/versions",
)
PERMISSIONS = {"private": "private", "groups": "groups", "community": "community"}
STORAGE = {s.lower(): s for s in catalog.STORAGE_TYPES}
PLACEHOLDER_REGION = "westeurope"  # an external gallery's region when nothing in the file gives it
EXTERNAL = "external reference, not created by the imported file: placeholder, describe it here"
NEW_DEFAULTS_API = "2025-03-03"  # definitions default to V2 + TrustedLaunchSupported [SIG][ACG]
# what acgsim reads, per resource type (lower case; [] marks each item of an array)
MAPPED = {
    TYPES[0]: {
        "description",
        "sharingprofile.permissions",
        "sharingprofile.communitygalleryinfo.publicnameprefix",
        "sharingprofile.communitygalleryinfo.publishercontact",
        "sharingprofile.communitygalleryinfo.publisheruri",
        "sharingprofile.communitygalleryinfo.eula",
        "softdeletepolicy.issoftdeleteenabled",
    },
    TYPES[1]: {
        "ostype",
        "osstate",
        "identifier.publisher",
        "identifier.offer",
        "identifier.sku",
        "hypervgeneration",
        "architecture",
        "description",
        "endoflifedate",
    },
    TYPES[2]: {
        "publishingprofile.targetregions[].name",
        "publishingprofile.targetregions[].regionalreplicacount",
        "publishingprofile.targetregions[].storageaccounttype",
        "publishingprofile.targetregions[].excludefromlatest",
        "publishingprofile.replicacount",
        "publishingprofile.storageaccounttype",
        "publishingprofile.storageaccountstrategy",
        "publishingprofile.excludefromlatest",
        "publishingprofile.endoflifedate",
        "publishingprofile.replicationmode",
    },
}
# text acgsim keeps but that changes nothing it simulates: without a value, left out with a note
OPTIONAL = {
    "description",
    "endoflifedate",
    "publishingprofile.endoflifedate",
    "sharingprofile.communitygalleryinfo.publicnameprefix",
    "sharingprofile.communitygalleryinfo.publishercontact",
    "sharingprofile.communitygalleryinfo.publisheruri",
    "sharingprofile.communitygalleryinfo.eula",
}
READ_ONLY = {
    "identifier.uniquename",
    "provisioningstate",
    "publishingprofile.publisheddate",
    "replicationstatus",
}


def get(obj: Any, key: str) -> Any:
    """obj[key] with the key matched case-insensitively (None if absent or obj is no object)."""
    if not isinstance(obj, dict):
        return None
    if key in obj:
        return obj[key]
    return next(
        (v for k, v in obj.items() if isinstance(k, str) and k.lower() == key.lower()), None
    )


def unmodelled(node: Any, mapped: set[str], prefix: str = "") -> list[str]:
    """The paths (as written, [] for array items) a properties tree sets that acgsim ignores."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            low = path.lower()
            if value in (None, {}, []) or low in READ_ONLY:
                continue
            if low in mapped:
                continue
            if any(m.startswith(low + ".") or m.startswith(low + "[]") for m in mapped):
                out += unmodelled(value, mapped, path)
            else:
                out.append(path)
    elif isinstance(node, list):
        seen: list[str] = []
        for item in node:
            seen += [p for p in unmodelled(item, mapped, prefix + "[]") if p not in seen]
        out += seen
    return out


class Reader:
    """Reads evaluated gallery resources; a wrongly typed field becomes a problem (all of them
    are collected), a field that depends on the deployment a placeholder and a note."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.locations: list[str] = []  # regions read literally, for resourceGroup().location
        self.version_locations: list[str] = []  # versions' own, preferred for the same
        self.galleries: dict[str, dict] = {}
        self.images: dict[tuple[str, str], dict] = {}
        self.external: list[str] = []
        self.linked: list[tuple] = []  # linked deployments (templateLink) not read
        # whom galleries are shared with directly (az sig show --expand): name -> GUID
        self.shared: dict[str, dict[str, str]] = {"subscriptions": {}, "tenants": {}}
        self.unplaced: dict[str, str] = {}  # external galleries with no region yet: key -> name

    def refuse(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(path, message))

    def name(self, r: Instance) -> list[str] | None:
        """The resource's full name, split at '/', or None (a problem recorded)."""
        path = (*r.path, "name")
        parts: list[str] = []
        for segment in r.segments:
            try:
                value = r.scope.value(segment, path, r.loops)
            except (Unresolved, MissingValue) as exc:
                raw = "/".join(map(str, r.segments))
                reason = exc.message if isinstance(exc, Invalid) else str(exc)
                self.refuse(
                    path,
                    f"cannot read {r.rtype} '{quote(raw)}': {reason}; give literal names, "
                    "parameter values or defaults",
                )
                return None
            if not isinstance(value, str) or not value.strip("/"):
                what = (
                    "missing"
                    if value is None
                    else "empty"
                    if isinstance(value, str)
                    else f"{kind_of(value)}, not a name"
                )
                self.refuse(path, f"is {what}: every {r.rtype} needs a name")
                return None
            parts += [p for p in value.split("/") if p]
        return parts

    def properties(self, r: Instance, label: str) -> dict:
        """The resource's properties, evaluated; {} (and a note) if they depend on a deployment."""
        raw = get(r.resource, "properties")
        if raw is None:
            return {}
        props = r.scope.tree(raw, (*r.path, "properties"), r.loops, keep_unknown=True)
        if props is None or isinstance(props, Unknown):
            self.notes.append(f"{label}: properties are an expression; defaults used")
            return {}
        if not isinstance(props, dict):
            self.refuse((*r.path, "properties"), f"must be an object, not {kind_of(props)}")
            return {}
        return self.missing(props, MAPPED[r.rtype], label, "")

    def missing(self, node: Any, mapped: set[str], label: str, at: str, shown: str = "") -> Any:
        """The tree with each value that needs a missing parameter refused where acgsim reads
        it, and None (with a note) where it does not."""
        if isinstance(node, Missing):
            exc = node.error
            needed = mapped - OPTIONAL
            if any(m == at or m.startswith(at + ".") or m.startswith(at + "[]") for m in needed):
                expr = f'"{quote(exc.expr)}": ' if exc.expr else ""
                self.refuse(exc.path or (), expr + exc.message)
            else:
                self.notes.append(f"{label}: {shown} not read ({exc.message.split(':')[0]})")
            return None
        if isinstance(node, Unknown):
            needed = mapped - OPTIONAL
            if any(m == at or m.startswith(at + ".") or m.startswith(at + "[]") for m in needed):
                expr = f'"{quote(str(node.expr))}": ' if isinstance(node.expr, str) else ""
                self.refuse(
                    node.path,
                    f"{expr}depends on the deployment ({node.reason}), so acgsim cannot know "
                    "it; write the value, or a parameter, where the template reads it",
                )
            else:
                self.notes.append(f"{label}: {shown} not read (it depends on the deployment)")
            return None
        if isinstance(node, dict):
            return {
                k: self.missing(
                    v, mapped, label, f"{at}.{k}".lower().lstrip("."), f"{shown}.{k}".lstrip(".")
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [self.missing(v, mapped, label, f"{at}[]", f"{shown}[]") for v in node]
        return node

    def location(self, r: Instance) -> str | None:
        """The resource's location, evaluated (None if it depends on the deployment)."""
        try:
            value = r.scope.value(get(r.resource, "location"), (*r.path, "location"), r.loops)
        except Unresolved:
            return None
        return self.region(value, (*r.path, "location"), needed=False)

    def region(self, value: Any, path: tuple, needed: bool) -> str | None:
        """A region's name (normalised where acgsim knows it); None and maybe a problem."""
        if isinstance(value, str):
            region = catalog.normalize_region(value)
            region = region if region in catalog.REGIONS else value
            self.locations.append(region)
            return region
        if value is not None or needed:
            what = (
                "missing, or an expression that depends on the deployment"
                if value is None
                else f"{kind_of(value)}, not a region name"
            )
            self.refuse(path, f"is {what}; give the region's name (or --location)")
        return None

    # --- typed fields of an evaluated properties tree --------------------------------------

    def field(self, props: dict, key: str, path: tuple, kind: type, default: Any = None) -> Any:
        """props[key] if it is a `kind` (dict, list or str), the default if absent, else a
        problem and the default."""
        value = get(props, key)
        if isinstance(value, kind):
            return value
        if value is not None:
            self.refuse((*path, key), f"must be {_KINDS[kind]}, not {kind_of(value)}")
        return default

    def flag(self, props: dict, key: str, path: tuple) -> bool | None:
        """A boolean, also written as the string "true" or "false" (any case); nothing else."""
        value = get(props, key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        shown = f"'{quote(value)}'" if isinstance(value, str) else kind_of(value)
        self.refuse((*path, key), f"must be true or false, not {shown}")
        return None

    def date(self, props: dict, key: str, path: tuple) -> str | None:
        """The date (YYYY-MM-DD) a timestamp such as 2027-01-01T00:00:00Z starts with."""
        value = self.field(props, key, path, str)
        if value is not None and not re.match(r"\d{4}-\d\d-\d\d", value):
            self.refuse((*path, key), f"'{quote(value)}' is not a date (YYYY-MM-DD...)")
            return None
        return value[:10] if value else None

    def enum(self, props: dict, key: str, names: dict[str, str]) -> Any:
        """An enum value in ARM's own spelling, whatever its case (unknown ones as written)."""
        value = get(props, key)
        return names.get(value.lower(), value) if isinstance(value, str) else value

    def note_unmodelled(self, r: Instance, label: str, props: dict) -> None:
        ignored = unmodelled(props, MAPPED[r.rtype])
        ignored = [p for p in ignored if p.lower() != "features"]  # read below, per feature
        if ignored:
            self.notes.append(f"{label}: not modelled by acgsim: {', '.join(ignored)}")
        if r.rtype == TYPES[0] and get(r.resource, "identity") is not None:
            self.notes.append(f"{label}: not modelled by acgsim: identity")


_KINDS = {dict: "an object", list: "an array", str: "a string"}


def new_defaults(r: Instance) -> bool:
    """True when the resource's apiVersion gives 2025-03-03's defaults (V2, trusted launch)."""
    api = get(r.resource, "apiVersion")
    return not isinstance(api, str) or api[:10] >= NEW_DEFAULTS_API
