"""ARM deployment template: Microsoft.Compute/galleries, images and versions at 2025-03-03.

Resource names and properties follow the GalleryRP 2025-03-03 spec [SPEC]; the template is checked
in tests against the official deployment-template schemas (strictly: no undefined property). Each
version's source image id and the tags are template parameters.

Escaping: ARM reads a string that starts with "[" and ends with "]" as an expression, so every
string of the template is written through `literal` (ARM's own escape, a doubled first bracket)
except the expressions this module writes itself, which are marked `Expr`; a name inside such an
expression is an ARM string literal, its quotes doubled (`quote`). The property builders return
plain text and the marks, so Bicep can write the same values in its own syntax.
"""

from __future__ import annotations

import json

from acgsim.planner.export.document import Export, GalleryOut, Image, Version

API = "2025-03-03"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PERMISSIONS = {"private": "Private", "groups": "Groups", "community": "Community"}


class Expr(str):
    """An ARM expression this module wrote: written as it is, never escaped."""


def parameter(name: str) -> Expr:
    """The expression that reads a template parameter (names are identifiers)."""
    return Expr(f"[parameters('{name}')]")


# The deployment-template schema wants `tags` to be an object, so each tag value is a parameter.
TAGS = {"environment": parameter("environmentTag"), "managedBy": "acgsim"}


def literal(text: str) -> str:
    """A string ARM takes literally: one that starts with "[" and ends with "]" would be an
    expression, and ARM's escape is a doubled first bracket. (A string that does not end with
    "]" is literal as it is: ARM documents that its first bracket must not be doubled.)"""
    return "[" + text if text.startswith("[") and text.endswith("]") else text


def quote(text: str) -> str:
    """An ARM expression's string literal holding exactly `text` (quotes are doubled)."""
    return "'" + text.replace("'", "''") + "'"


def escaped(node: object) -> object:
    """The template with every string but this module's own expressions made literal."""
    if isinstance(node, Expr):
        return str(node)
    if isinstance(node, str):
        return literal(node)
    if isinstance(node, dict):
        return {k: escaped(v) for k, v in node.items()}
    if isinstance(node, list):
        return [escaped(v) for v in node]
    return node


def gallery_properties(g: GalleryOut) -> dict:
    spec = g.spec
    props: dict = {}
    if spec.description:
        props["description"] = spec.description
    sharing: dict = {"permissions": PERMISSIONS[spec.sharing.mode]}
    if spec.sharing.mode == "community":  # Azure needs all four: a parameter for each unknown
        sharing["communityGalleryInfo"] = {
            key: v or parameter(param) for key, v, param in community_fields(g)
        }
    props["sharingProfile"] = sharing
    if spec.soft_delete:
        props["softDeletePolicy"] = {"isSoftDeleteEnabled": True}
    return props


COMMUNITY = (
    ("publicNamePrefix", "prefix"),
    ("publisherContact", "publisher_email"),
    ("publisherUri", "publisher_uri"),
    ("eula", "eula"),
)


def community_fields(g: GalleryOut) -> list[tuple[str, str | None, str]]:
    """(ARM property, value or None, parameter name) for a community gallery's four fields."""
    return [
        (key, getattr(g.spec.sharing, field), f"community_{g.key}_{field}")
        for key, field in COMMUNITY
    ]


def image_properties(image: Image) -> dict:
    d = image.spec
    props: dict = {
        "osType": d.os_type,
        "osState": d.os_state,
        "identifier": {"publisher": d.publisher, "offer": d.offer, "sku": d.sku},
        "hyperVGeneration": d.hyperv_generation,
        "architecture": d.architecture,
        "features": [{"name": "SecurityType", "value": d.security_type}],
    }
    if d.description:
        props["description"] = d.description
    if d.end_of_life:
        props["endOfLifeDate"] = f"{d.end_of_life.isoformat()}T00:00:00Z"
    return props


def version_properties(v: Version, source: object) -> dict:
    targets = []
    for t in v.targets:
        target = {
            "name": t.region,
            "regionalReplicaCount": t.replicas,
            "storageAccountType": t.storage,
        }
        if t.exclude_from_latest is not None:
            target["excludeFromLatest"] = t.exclude_from_latest
        targets.append(target)
    profile: dict = {
        "targetRegions": targets,
        "replicaCount": v.replicas,
        "storageAccountType": v.storage,
        "replicationMode": v.replication_mode,
        "excludeFromLatest": v.exclude_from_latest,
    }
    if v.end_of_life:
        profile["endOfLifeDate"] = f"{v.end_of_life.isoformat()}T00:00:00Z"
    return {"publishingProfile": profile, "storageProfile": {"source": {"id": source}}}


def template(export: Export) -> dict:
    """The deployment template as a dict."""
    resources = []
    for g in export.galleries:
        gname = g.spec.name
        resources.append(
            {
                "type": "Microsoft.Compute/galleries",
                "apiVersion": API,
                "name": gname,
                "location": g.spec.region,
                "tags": TAGS,
                "properties": gallery_properties(g),
            }
        )
        for image in g.images:
            iname = image.spec.name
            resources.append(
                {
                    "type": "Microsoft.Compute/galleries/images",
                    "apiVersion": API,
                    "name": f"{gname}/{iname}",
                    "location": g.spec.region,
                    "tags": TAGS,
                    "dependsOn": [
                        Expr(f"[resourceId('Microsoft.Compute/galleries', {quote(gname)})]")
                    ],
                    "properties": image_properties(image),
                }
            )
            for v in image.versions:
                resources.append(
                    {
                        "type": "Microsoft.Compute/galleries/images/versions",
                        "apiVersion": API,
                        "name": f"{gname}/{iname}/{v.name}",
                        "location": g.spec.region,
                        "tags": TAGS,
                        "dependsOn": [
                            Expr(
                                "[resourceId('Microsoft.Compute/galleries/images', "
                                f"{quote(gname)}, {quote(iname)})]"
                            )
                        ],
                        "properties": version_properties(v, parameter(v.source_param)),
                    }
                )
    parameters: dict = {
        "environmentTag": {
            "type": "string",
            "defaultValue": export.environment,
            "metadata": {"description": "The environment tag of every resource"},
        },
    }
    for g in export.galleries:
        if g.spec.sharing.mode == "community":
            for key, v, param in community_fields(g):
                if not v:
                    parameters[param] = {
                        "type": "string",
                        "metadata": {"description": f"Community gallery {key} (Azure requires it)"},
                    }
    for name in export.source_params:
        parameters[name] = {
            "type": "string",
            "metadata": {
                "description": "Resource id of the managed image (or virtual machine) this "
                "version is made from"
            },
        }
    return escaped(
        {
            "$schema": SCHEMA,
            "contentVersion": "1.0.0.0",
            "metadata": {"generator": f"acgsim, scenario {export.scenario}"},
            "parameters": parameters,
            "resources": resources,
        }
    )


def render(export: Export) -> str:
    """The template as JSON text."""
    return json.dumps(template(export), indent=2) + "\n"
