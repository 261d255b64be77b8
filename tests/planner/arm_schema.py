"""The official ARM deployment-template schemas (../shared/schemas/arm), closed for strict checks.

The published schemas allow properties they do not define; `strict_errors` treats any such
property as an error, walking the schema branches that apply to each object. The schemas are read
from ../shared at test time, never copied. One pattern is .NET syntax (`[\\w-._]`) that Python's re
refuses: its hyphen is escaped on load.

Role assignments (Microsoft.Authorization/roleAssignments) have no schema file in ../shared: the
closed schema below is written from the REST spec (azure-rest-api-specs, Microsoft.Authorization
stable/2022-04-01, authorization-RoleAssignmentsCalls.json, RoleAssignmentProperties) and checked
with the official resourceBase (name, scope, dependsOn, comments) like the gallery resources.

A clone on its own (what a user has) has no ../shared: the tests that need the schemas skip,
naming what is missing. CI sets ACGSIM_REQUIRE_SHARED=1, which turns that skip into a failure,
so the strict checks always run there. ACGSIM_SHARED points at another copy of shared/.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from ..helpers import ROOT

SHARED = Path(os.environ.get("ACGSIM_SHARED") or ROOT.parent / "shared")
ARM = SHARED / "schemas" / "arm"
FILES = [
    "2019-04-01.deploymentTemplate.json",
    "2025-03-03.Microsoft.Compute.json",
    "common.definitions.json",
]
GALLERY_TYPES = ["galleries", "galleries_images", "galleries_images_versions"]
_TEXT = {"type": "string"}
ROLE_ASSIGNMENT = {
    "type": "object",
    "properties": {
        "type": {"enum": ["Microsoft.Authorization/roleAssignments"]},
        "apiVersion": {"enum": ["2022-04-01"]},
        "name": _TEXT,
        "properties": {
            "type": "object",
            "properties": {
                "roleDefinitionId": _TEXT,
                "principalId": _TEXT,
                "principalType": {
                    "enum": ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]
                },
                "description": _TEXT,
                "condition": _TEXT,
                "conditionVersion": _TEXT,
                "delegatedManagedIdentityResourceId": _TEXT,
            },
            "required": ["roleDefinitionId", "principalId"],
        },
    },
    "required": ["type", "apiVersion", "name", "properties"],
}


def _absolute(node, base: str):
    if isinstance(node, dict):
        out = {k: _absolute(v, base) for k, v in node.items()}
        if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#"):
            out["$ref"] = base + out["$ref"]
        if isinstance(out.get("pattern"), str):
            out["pattern"] = out["pattern"].replace("[\\w-._]", "[\\w\\-._]")
        return out
    if isinstance(node, list):
        return [_absolute(v, base) for v in node]
    return node


@cache
def schemas() -> tuple[dict, Registry]:
    """The deployment template schema (resources limited to gallery types) and a registry."""
    missing = [name for name in FILES if not (ARM / name).is_file()]
    if missing:
        why = (
            f"the official ARM schemas are not at {ARM} (missing {', '.join(missing)}); "
            "they come with ../shared beside the clone, or set ACGSIM_SHARED"
        )
        if os.environ.get("ACGSIM_REQUIRE_SHARED", "").lower() in ("1", "true", "yes"):
            pytest.fail(why + " - and ACGSIM_REQUIRE_SHARED=1 requires them")
        pytest.skip(why)
    loaded = {}
    for name in FILES:
        raw = json.loads((ARM / name).read_text(encoding="utf-8"))
        base = raw["id"].rstrip("#")
        loaded[base] = _absolute(raw, base)
    template_id = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json"
    compute_id = "https://schema.management.azure.com/schemas/2025-03-03/Microsoft.Compute.json"
    loaded[template_id]["definitions"]["resource"] = {
        "allOf": [
            {"$ref": f"{template_id}#/definitions/resourceBase"},
            {
                "oneOf": [
                    *({"$ref": f"{compute_id}#/resourceDefinitions/{t}"} for t in GALLERY_TYPES),
                    ROLE_ASSIGNMENT,
                ]
            },
        ]
    }
    registry = Registry().with_resources(
        (uri, Resource.from_contents(doc, default_specification=DRAFT4))
        for uri, doc in loaded.items()
    )
    return loaded[template_id], registry


def _validator(schema: dict, registry: Registry) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(schema, registry=registry)


def _resolve(schema: dict, registry: Registry) -> dict:
    while "$ref" in schema:
        schema = registry.resolver().lookup(schema["$ref"]).contents
    return schema


def _applicable(schema: dict, registry: Registry, instance) -> list[dict]:
    schema = _resolve(schema, registry)
    out = [schema]
    for sub in schema.get("allOf", []):
        out += _applicable(sub, registry, instance)
    for key in ("oneOf", "anyOf"):
        for sub in schema.get(key, []):
            if _validator(sub, registry).is_valid(instance):
                out += _applicable(sub, registry, instance)
    return out


def strict_errors(
    instance, schema: dict | None = None, registry: Registry | None = None, path: str = "$"
) -> list[str]:
    """Schema errors plus every property no applicable schema branch defines."""
    if schema is None:
        schema, registry = schemas()
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(schema, registry).iter_errors(instance)
        ]
        if errors:
            return errors
    errors: list[str] = []
    branches = _applicable(schema, registry, instance)
    if isinstance(instance, dict):
        defined: dict[str, list[dict]] = {}
        open_map = False
        for b in branches:
            for key, sub in b.get("properties", {}).items():
                defined.setdefault(key, []).append(sub)
            if isinstance(b.get("additionalProperties"), dict) or b.get("patternProperties"):
                open_map = True  # a map, such as tags
            if b.get("type") == "object" and not any(
                k in b for k in ("properties", "allOf", "oneOf", "anyOf", "$ref")
            ):
                open_map = True  # a free-form object, such as the template's metadata
        for key, value in instance.items():
            if key in defined:
                for sub in defined[key]:
                    errors += strict_errors(value, sub, registry, f"{path}.{key}")
            elif not open_map:
                errors.append(f"{path}.{key}: not defined by the schema")
    elif isinstance(instance, list):
        for b in branches:
            items = b.get("items")
            if isinstance(items, dict):
                for i, item in enumerate(instance):
                    errors += strict_errors(item, items, registry, f"{path}[{i}]")
    return sorted(set(errors))
