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

from acgsim.sim import catalog
from acgsim.sim.errors import Problem, ScenarioError
from acgsim.sim.loader import read_document, validate
from acgsim.sim.scenario import Scenario

SIZE_PLACEHOLDER_GB = 30.0
TYPES = (
    "Microsoft.Compute/galleries",
    "Microsoft.Compute/galleries/images",
    "Microsoft.Compute/galleries/images/versions",
)
PERMISSIONS = {"Private": "private", "Groups": "groups", "Community": "community"}


class _Unresolved(Exception):
    """An ARM expression that depends on something a template alone does not say."""


def evaluate(value: Any, template: dict) -> Any:
    """The value of a literal or of a simple ARM expression: string literals, parameters('x')
    (its defaultValue), variables('x'), concat(...) and format(...). Raises _Unresolved."""
    if not isinstance(value, str) or not (value.startswith("[") and value.endswith("]")):
        return value
    if value.startswith("[["):
        return value[1:]
    result, rest = _parse(value[1:-1].strip(), template)
    if rest.strip():
        raise _Unresolved(value)
    return result


def _parse(text: str, template: dict) -> tuple[Any, str]:
    text = text.lstrip()
    if text.startswith("'"):
        out, i = [], 1
        while i < len(text):
            if text[i] == "'" and text[i + 1 : i + 2] == "'":
                out.append("'")
                i += 2
            elif text[i] == "'":
                return "".join(out), text[i + 1 :]
            else:
                out.append(text[i])
                i += 1
        raise _Unresolved(text)
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", text)
    if not m:
        raise _Unresolved(text)
    name, rest, args = m.group(1).lower(), text[m.end() :], []
    while not rest.lstrip().startswith(")"):
        arg, rest = _parse(rest, template)
        args.append(arg)
        rest = rest.lstrip()
        if rest.startswith(","):
            rest = rest[1:]
        elif not rest.startswith(")"):
            raise _Unresolved(text)
    rest = rest.lstrip()[1:]
    if rest.startswith("."):
        raise _Unresolved(text)  # e.g. resourceGroup().location
    if name == "parameters":
        param = (template.get("parameters") or {}).get(args[0]) or {}
        if "defaultValue" not in param:
            raise _Unresolved(f"parameters('{args[0]}') has no default value")
        return evaluate(param["defaultValue"], template), rest
    if name == "variables":
        return evaluate((template.get("variables") or {}).get(args[0]), template), rest
    if name == "concat":
        return "".join(str(a) for a in args), rest
    if name == "format":
        return re.sub(r"\{(\d+)\}", lambda x: str(args[1 + int(x.group(1))]), args[0]), rest
    raise _Unresolved(text)


def _flatten(
    resources: list | dict,
    parent: tuple[str, list] | None = None,
    where: tuple[str | int, ...] = ("resources",),
) -> list[tuple[dict, str, list, tuple[str | int, ...]]]:
    """(resource, full type, name segments, path in the template) for every resource, nested
    children included; a child's segments are its parent's followed by its own (each may be an
    expression). Resources may be a list or, in languageVersion 2.0, keyed by symbolic name."""
    out = []
    for key, r in resources.items() if isinstance(resources, dict) else enumerate(resources):
        if not isinstance(r, dict):
            continue
        rtype, segments = str(r.get("type", "")), [r.get("name", "")]
        if parent is not None and not rtype.startswith("Microsoft."):
            rtype, segments = f"{parent[0]}/{rtype}", [*parent[1], r.get("name", "")]
        out.append((r, rtype, segments, (*where, key)))
        if isinstance(r.get("resources"), list | dict):
            out += _flatten(r["resources"], (rtype, segments), (*where, key, "resources"))
    return out


def version_resources(
    template: dict,
) -> list[tuple[tuple[str | int, ...], list[str] | None, Any]]:
    """Every image version resource in a template, nested ones included: (its path in the
    template, [gallery, image, version] or None where the name does not evaluate to three parts,
    its properties with every simple expression evaluated and the others None)."""
    resources = template.get("resources")
    if not isinstance(resources, list | dict):
        return []
    found = []
    for r, rtype, segments, where in _flatten(resources):
        if rtype != TYPES[2]:
            continue
        try:
            parts = [p for seg in segments for p in str(evaluate(seg, template)).split("/") if p]
        except _Unresolved:
            parts = []
        props = evaluate_tree(r.get("properties"), template)
        found.append((where, parts if len(parts) == 3 else None, props))
    return found


def _region(value: Any, template: dict, notes: list[str], what: str) -> str | None:
    try:
        value = evaluate(value, template)
    except _Unresolved:
        value = None
    if isinstance(value, str):
        name = catalog.normalize_region(value)
        return name if name in catalog.REGIONS else value
    notes.append(f"{what}: location not given literally; westeurope assumed")
    return "westeurope"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _date(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def scenario_data(template: dict, name: str = "imported") -> dict:
    """The scenario (as plain data) that the template's gallery resources describe."""
    resources = template.get("resources")
    if isinstance(resources, dict):  # languageVersion 2.0: symbolic names
        resources = list(resources.values())
    if not isinstance(resources, list):
        raise ScenarioError([Problem(("resources",), "no resources list in the template")])
    galleries: dict[str, dict] = {}
    images: dict[tuple[str, str], dict] = {}
    notes: list[str] = []
    found = [(r, t, n) for r, t, n, _ in _flatten(resources) if t in TYPES]
    found.sort(key=lambda x: TYPES.index(x[1]))
    for i, (r, rtype, segments) in enumerate(found):
        raw_name = "/".join(map(str, segments))
        try:
            parts = [p for seg in segments for p in str(evaluate(seg, template)).split("/") if p]
        except _Unresolved as exc:
            raise ScenarioError(
                [
                    Problem(
                        ("resources", i, "name"),
                        f"cannot read {rtype} "
                        f"'{raw_name}': {exc}; give literal names or "
                        "parameter defaults",
                    )
                ]
            ) from None
        try:
            props = evaluate(r.get("properties"), template)
        except _Unresolved:
            props = None
        if not isinstance(props, dict):
            notes.append(f"{'/'.join(parts)}: properties are an expression; defaults used")
            props = {}
        _add(rtype, parts, evaluate_tree(props, template), r, template, galleries, images, notes)
    if not galleries:
        raise ScenarioError([Problem(("resources",), "no Microsoft.Compute/galleries resource")])
    description = (
        "Imported from an ARM template. Check the placeholders: the tenant and "
        f"subscription, each version's size_gb ({SIZE_PLACEHOLDER_GB:g} GB), and add "
        "a workload."
    )
    if notes:
        description += " Notes: " + "; ".join(notes) + "."
    return {
        "name": name,
        "description": description,
        "tenants": [{"name": "imported", "subscriptions": [{"name": "imported"}]}],
        "galleries": [_clean(g) for g in galleries.values()],
    }


def evaluate_tree(node: Any, template: dict) -> Any:
    """Every string in a properties tree evaluated where it is a simple expression."""
    if isinstance(node, dict):
        return {k: evaluate_tree(v, template) for k, v in node.items()}
    if isinstance(node, list):
        return [evaluate_tree(v, template) for v in node]
    try:
        return evaluate(node, template)
    except _Unresolved:
        return None


def _add(
    rtype: str,
    parts: list[str],
    props: dict,
    r: dict,
    template: dict,
    galleries: dict,
    images: dict,
    notes: list[str],
) -> None:
    label = "/".join(parts)
    if rtype == TYPES[0] and len(parts) == 1:
        sharing = _dict(props.get("sharingProfile"))
        info = _dict(sharing.get("communityGalleryInfo"))
        galleries[parts[0]] = {
            "name": parts[0],
            "subscription": "imported",
            "region": _region(r.get("location"), template, notes, label),
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
            "soft_delete": bool(_dict(props.get("softDeletePolicy")).get("isSoftDeleteEnabled")),
            "images": [],
        }
    elif rtype == TYPES[1] and len(parts) == 2 and parts[0] in galleries:
        ident = _dict(props.get("identifier"))
        features = {
            f.get("name"): f.get("value")
            for f in props.get("features") or []
            if isinstance(f, dict)
        }
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
    elif rtype == TYPES[2] and len(parts) == 3 and tuple(parts[:2]) in images:
        profile = _dict(props.get("publishingProfile"))
        targets = []
        for t in profile.get("targetRegions") or []:
            if not isinstance(t, dict):
                continue
            target = {"region": _region(t.get("name"), template, notes, label)}
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
    else:
        notes.append(f"{rtype} '{label}' skipped: its parent is not in the template")


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _clean(v) for k, v in node.items() if v not in (None, "")}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def import_template(template: dict, file: str, name: str = "imported") -> Scenario:
    """A validated scenario skeleton from an ARM template, or ScenarioError naming the problems."""
    try:
        data = scenario_data(template, name)
    except ScenarioError as exc:
        raise ScenarioError([Problem(p.path, p.message, file=file) for p in exc.problems]) from None
    scenario, _ = validate(data, file=file)
    return scenario


def import_file(path: Path) -> Scenario:
    """The scenario skeleton an ARM template file describes, or ScenarioError naming the file."""
    data, _ = read_document(path)
    if not isinstance(data, dict):
        raise ScenarioError([Problem((), "is not an ARM template (a JSON object)", file=str(path))])
    return import_template(data, str(path), path.stem)
