"""Import: an ARM template holding gallery resources -> a scenario skeleton to start from.

Reads Microsoft.Compute/galleries, galleries/images and galleries/images/versions (as exported by
Azure's "Export template" or by acgsim) and writes the galleries, definitions, versions and target
regions as a scenario. What a template does not say is filled with labelled placeholders the
architect must check: one tenant and subscription, the version's occupied size (30 GB), an empty
workload. The result is validated like any scenario.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from acgsim.planner.export.expressions import Invalid, Unresolved, kind_of, quote
from acgsim.planner.export.template import MAX_TEMPLATE_CHARS, Instance, Template
from acgsim.sim import catalog
from acgsim.sim.documents import LineFinder
from acgsim.sim.errors import Problem, ScenarioError
from acgsim.sim.loader import read_document, validate
from acgsim.sim.scenario import Scenario

SIZE_PLACEHOLDER_GB = 30.0
TYPES = (
    "Microsoft.Compute/galleries",
    "Microsoft.Compute/galleries/images",
    "Microsoft.Compute/galleries/images/versions",
)
PERMISSIONS = {"private": "private", "groups": "groups", "community": "community"}
TARGET_FIELDS = (("replicas", "regionalReplicaCount"), ("storage", "storageAccountType"))


class _Reader:
    """Reads evaluated gallery resources; a wrongly typed field becomes a problem (all of them
    are collected), a field that depends on the deployment a placeholder and a note."""

    def __init__(self, template: dict):
        self.t = Template(template)
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def refuse(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(path, message))

    def name(self, r: Instance) -> list[str] | None:
        """The resource's full name, split at '/', or None (a problem recorded)."""
        path = (*r.path, "name")
        parts: list[str] = []
        for segment in r.segments:
            try:
                value = self.t.value(segment, path, r.loops)
            except Unresolved as exc:
                raw = "/".join(map(str, r.segments))
                self.refuse(
                    path,
                    f"cannot read {r.rtype} '{quote(raw)}': {exc}; give literal names or "
                    "parameter defaults",
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
        raw = r.resource.get("properties")
        if raw is None:
            return {}
        props = self.t.tree(raw, (*r.path, "properties"), r.loops)
        if props is None:
            self.notes.append(f"{label}: properties are an expression; defaults used")
            return {}
        if not isinstance(props, dict):
            self.refuse((*r.path, "properties"), f"must be an object, not {kind_of(props)}")
            return {}
        return props

    def location(self, r: Instance, label: str) -> str:
        """The resource's region: its location, evaluated."""
        try:
            value = self.t.value(r.resource.get("location"), (*r.path, "location"), r.loops)
        except Unresolved:
            value = None
        return self.region(value, (*r.path, "location"), label, needed=False)

    def region(self, value: Any, path: tuple, label: str, needed: bool) -> str:
        """A region's name (normalised where acgsim knows it), or westeurope with a note."""
        if isinstance(value, str):
            region = catalog.normalize_region(value)
            return region if region in catalog.REGIONS else value
        if value is not None or needed:
            what = (
                "missing, or an expression that depends on the deployment"
                if value is None
                else f"{kind_of(value)}, not a region name"
            )
            self.refuse(path, f"is {what}; give the region's name")
        self.notes.append(f"{label}: location not given literally; westeurope assumed")
        return "westeurope"

    # --- typed fields of an evaluated properties tree --------------------------------------

    def field(self, props: dict, key: str, path: tuple, kind: type, default: Any = None) -> Any:
        """props[key] if it is a `kind` (dict, list or str), the default if absent, else a
        problem and the default."""
        value = props.get(key)
        if isinstance(value, kind):
            return value
        if value is not None:
            self.refuse((*path, key), f"must be {_KINDS[kind]}, not {kind_of(value)}")
        return default

    def flag(self, props: dict, key: str, path: tuple) -> bool | None:
        """A boolean, also written as the string "true" or "false" (any case); nothing else."""
        value = props.get(key)
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


_KINDS = {dict: "an object", list: "an array", str: "a string"}


def scenario_data(template: dict, name: str = "imported") -> dict:
    """The scenario (as plain data) that the template's gallery resources describe."""
    try:
        return _scenario_data(template, name)
    except (Invalid, RecursionError) as exc:
        raise _refused(exc) from None


def version_resources(template: dict, file: str = "") -> list[tuple[tuple, list[str] | None, Any]]:
    """Every image version resource in a template, nested ones and copies included: (its path in
    the template, [gallery, image, version] or None where the name does not evaluate to three
    parts, its properties with every simple expression evaluated and the others None). Evaluated
    within the limits of an import; what ARM would refuse is ScenarioError naming `file`."""
    items = _items(template)
    if items is None:
        return []
    try:
        t, found = Template(template), []
        for r in t.instances(items, TYPES[2:]):
            try:
                names = [t.value(seg, (*r.path, "name"), r.loops) for seg in r.segments]
            except Unresolved:
                names = []
            parts = [p for n in names if isinstance(n, str) for p in n.split("/") if p]
            props = t.tree(r.resource.get("properties"), (*r.path, "properties"), r.loops)
            found.append((r.path, parts if len(parts) == 3 else None, props))
        return found
    except (Invalid, RecursionError) as exc:
        raise _refused(exc, file) from None


def _items(template: dict) -> list[tuple[tuple, Any]] | None:
    """(path, resource) for each resource at the top; None if `resources` is not a list or (in
    languageVersion 2.0) an object of symbolic names."""
    resources = template.get("resources")
    if isinstance(resources, dict):
        return [(("resources", k), r) for k, r in resources.items()]
    if isinstance(resources, list):
        return [(("resources", i), r) for i, r in enumerate(resources)]
    return None


def _refused(exc: Invalid | RecursionError, file: str = "") -> ScenarioError:
    if isinstance(exc, RecursionError):  # the nesting limits should make this unreachable
        return ScenarioError([Problem((), "nests too deeply to be read", file=file)])
    expr = f'"{quote(exc.expr)}": ' if exc.expr else ""
    return ScenarioError([Problem(exc.path or (), expr + exc.message, file=file)])


def _scenario_data(template: dict, name: str) -> dict:
    reader = _Reader(template)
    items = _items(template)
    if items is None:
        raise ScenarioError([Problem(("resources",), "no resources list in the template")])
    found = reader.t.instances(items, TYPES)
    found.sort(key=lambda r: TYPES.index(r.rtype))
    galleries: dict[str, dict] = {}
    images: dict[tuple[str, str], dict] = {}
    seen: dict[tuple[str, ...], tuple] = {}
    for r in found:
        parts = reader.name(r)
        if parts is None:
            continue
        if tuple(parts) in seen:
            reader.refuse(
                (*r.path, "name"),
                f"{r.rtype} '{quote('/'.join(parts))}' is defined twice (also at "
                f"{Problem(seen[tuple(parts)], '').where}); ARM refuses that",
            )
            continue
        seen[tuple(parts)] = r.path
        props = reader.properties(r, "/".join(parts))
        _add(reader, r, parts, props, galleries, images)
    if reader.problems:
        raise ScenarioError(reader.problems)
    if not galleries:
        raise ScenarioError([Problem(("resources",), "no Microsoft.Compute/galleries resource")])
    description = (
        "Imported from an ARM template. Check the placeholders: the tenant and "
        f"subscription, each version's size_gb ({SIZE_PLACEHOLDER_GB:g} GB), and add "
        "a workload."
    )
    if reader.notes:
        description += " Notes: " + "; ".join(reader.notes) + "."
    return {
        "name": name,
        "description": description,
        "tenants": [{"name": "imported", "subscriptions": [{"name": "imported"}]}],
        "galleries": [_clean(g) for g in galleries.values()],
    }


def _add(
    reader: _Reader,
    r: Instance,
    parts: list[str],
    props: dict,
    galleries: dict,
    images: dict,
) -> None:
    label, at = "/".join(parts), (*r.path, "properties")
    if r.rtype == TYPES[0] and len(parts) == 1:
        sharing = reader.field(props, "sharingProfile", at, dict, {})
        info = reader.field(sharing, "communityGalleryInfo", (*at, "sharingProfile"), dict, {})
        mode = reader.field(sharing, "permissions", (*at, "sharingProfile"), str, "Private")
        if mode.lower() not in PERMISSIONS:
            reader.refuse(
                (*at, "sharingProfile", "permissions"),
                f"'{quote(mode)}' is not one of Private, Groups, Community",
            )
        galleries[parts[0]] = {
            "name": parts[0],
            "subscription": "imported",
            "region": reader.location(r, label),
            "description": reader.field(props, "description", at, str),
            "sharing": {
                "mode": PERMISSIONS.get(mode.lower(), "private"),
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
                reader.flag(
                    reader.field(props, "softDeletePolicy", at, dict, {}),
                    "isSoftDeleteEnabled",
                    (*at, "softDeletePolicy"),
                )
            ),
            "images": [],
        }
    elif r.rtype == TYPES[1] and len(parts) == 2 and parts[0] in galleries:
        ident = reader.field(props, "identifier", at, dict, {})
        features = {}
        for j, feature in enumerate(reader.field(props, "features", at, list, [])):
            if not isinstance(feature, dict):
                reader.refuse((*at, "features", j), f"must be an object, not {kind_of(feature)}")
            elif name := reader.field(feature, "name", (*at, "features", j), str):
                features[name] = feature.get("value")
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
            "description": reader.field(props, "description", at, str),
            "end_of_life": reader.date(props, "endOfLifeDate", at),
            "versions": [],
        }
        galleries[parts[0]]["images"].append(image)
        images[(parts[0], parts[1])] = image
    elif r.rtype == TYPES[2] and len(parts) == 3 and tuple(parts[:2]) in images:
        profile = reader.field(props, "publishingProfile", at, dict, {})
        at = (*at, "publishingProfile")
        targets = []
        for j, t in enumerate(reader.field(profile, "targetRegions", at, list, [])):
            where = (*at, "targetRegions", j)
            if not isinstance(t, dict):
                reader.refuse(where, f"must be an object, not {kind_of(t)}")
                continue
            target = {"region": reader.region(t.get("name"), (*where, "name"), label, True)}
            for key, src in TARGET_FIELDS:
                if t.get(src) is not None:
                    target[key] = t[src]
            exclude = reader.flag(t, "excludeFromLatest", where)
            if exclude is not None:
                target["exclude_from_latest"] = exclude
            targets.append(target)
        version = {
            "name": parts[2],
            "size_gb": SIZE_PLACEHOLDER_GB,
            "replication_mode": profile.get("replicationMode", "Full"),
            "replicas": profile.get("replicaCount", 1),
            "storage": profile.get("storageAccountType", "Standard_LRS"),
            "exclude_from_latest": bool(reader.flag(profile, "excludeFromLatest", at)),
            "end_of_life": reader.date(profile, "endOfLifeDate", at),
            "regions": targets,
        }
        images[tuple(parts[:2])]["versions"].append(version)
    else:
        reader.notes.append(f"{r.rtype} '{label}' skipped: its parent is not in the template")


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _clean(v) for k, v in node.items() if v not in (None, "")}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def import_template(
    template: dict, file: str, name: str = "imported", text: str | None = None
) -> Scenario:
    """A validated scenario skeleton from an ARM template, or ScenarioError naming the problems
    (each on its line in the template, given the template's text)."""
    try:
        data = scenario_data(template, name)
    except ScenarioError as exc:
        lines = LineFinder(text)
        raise ScenarioError(
            [
                Problem(p.path, p.message, file=file, line=lines.find(p.path) if p.path else None)
                for p in exc.problems
            ]
        ) from None
    scenario, _ = validate(data, file=file)
    return scenario


def import_file(path: Path) -> Scenario:
    """The scenario skeleton an ARM template file describes, or ScenarioError naming the file."""
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        size = 0  # read_document says why it cannot be read
    if size > MAX_TEMPLATE_CHARS:  # checked before it is read: ARM would refuse it anyway
        raise ScenarioError(
            [
                Problem(
                    (),
                    f"is larger than ARM's limit for a template, {MAX_TEMPLATE_CHARS // 2**20} MB",
                    file=str(path),
                )
            ]
        )
    data, text = read_document(path)
    if not isinstance(data, dict):
        raise ScenarioError([Problem((), "is not an ARM template (a JSON object)", file=str(path))])
    return import_template(data, str(path), path.stem, text)
