"""ARM deployment template: Microsoft.Compute/galleries, images and versions at 2025-03-03.

Resource names and properties follow the GalleryRP 2025-03-03 spec [SPEC]; the template is checked
in tests against the official deployment-template schemas (strictly: no undefined property). Each
version's source (a managed image, snapshot or VM id, or a VHD's URI and storage account), the
principals given access and the tags are template parameters; `parameters_file` writes the
values to supply as a deployment parameters file. Every target region states its effective
excludeFromLatest; the reason for each region's replicas is in the version's `comments` (ARM
JSON has no comments; `comments` is the resource property the template schema gives for them).
Role assignments are Microsoft.Authorization/roleAssignments extension resources on the gallery,
definition or version; direct sharing's subscriptions and tenants cannot be set by a template
(sharingProfile.groups is read-only [SPEC]) and are listed in the template's metadata. The
outputs are the ids of the resources created.

Escaping: ARM reads a string that starts with "[" and ends with "]" as an expression, so every
string of the template is written through `literal` (ARM's own escape, a doubled first bracket)
except the expressions this module writes itself, which are marked `Expr`; a name inside such an
expression is an ARM string literal, its quotes doubled (`quote`). The property builders return
plain text and the marks, so Bicep can write the same values in its own syntax.
"""

from __future__ import annotations

import json

from acgsim.planner.export.access import Assignment
from acgsim.planner.export.document import (
    Export,
    GalleryOut,
    Image,
    Version,
    one_line,
    replicas_text,
)

API = "2025-03-03"
AUTH_API = "2022-04-01"  # Microsoft.Authorization/roleAssignments
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMETERS_SCHEMA = (
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
)
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


def storage_profile(v: Version) -> dict:
    """The version's source in the REST shape [SPEC], its ids read from parameters."""
    src = v.source
    kind = src.kind if src else "managed_image"
    if kind == "vhd":
        uri, account = src.params["uri"].name, src.params["storage_account"].name
        return {
            "osDiskImage": {
                "source": {"uri": parameter(uri), "storageAccountId": parameter(account)}
            }
        }
    ref = parameter(src.params["id"].name if src else v.source_param)
    if kind == "snapshot":
        return {"osDiskImage": {"source": {"id": ref}}}
    if kind == "vm":
        return {"source": {"virtualMachineId": ref}}
    return {"source": {"id": ref}}


def reasons(v: Version) -> str:
    """One line per target region: its replicas and why."""
    return "\n".join(
        f"{t.region}: {replicas_text(t.replicas)}: {one_line(t.reason)}" for t in v.targets
    )


def version_properties(v: Version, source: object = None) -> dict:
    targets = []
    for t in v.targets:
        target = {
            "name": t.region,
            "regionalReplicaCount": t.replicas,
            "storageAccountType": t.storage,
        }
        excluded = v.exclude_from_latest if t.exclude_from_latest is None else t.exclude_from_latest
        target["excludeFromLatest"] = excluded  # explicit: a region's flag wins [ACG]
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
    return {"publishingProfile": profile, "storageProfile": storage_profile(v)}


def scope_id(a: Assignment) -> Expr:
    """The resource id of an assignment's scope (a gallery, definition or version)."""
    kinds = ["Microsoft.Compute/galleries", "images", "versions"][: len(a.scope)]
    names = ", ".join(quote(n) for n in a.scope)
    return Expr(f"[resourceId('{'/'.join(kinds)}', {names})]")


def role_assignment(a: Assignment) -> dict:
    """A role assignment on the gallery, definition or version the scenario names."""
    principal = f"parameters('{a.principal.name}')"
    return {
        "type": "Microsoft.Authorization/roleAssignments",
        "apiVersion": AUTH_API,
        "name": Expr(f"[guid({scope_id(a)[1:-1]}, {principal}, '{a.role_id}')]"),
        "scope": "Microsoft.Compute/galleries/"
        + "/".join(
            f"{kind}/{name}" if kind else name
            for kind, name in zip(["", "images", "versions"], a.scope, strict=False)
        ),
        "dependsOn": [scope_id(a)],
        "properties": {
            "roleDefinitionId": Expr(
                "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', "
                f"'{a.role_id}')]"
            ),
            "principalId": Expr(f"[{principal}]"),
            "description": f"{a.role} for {a.assignee} (acgsim scenario access)",
        },
    }


def sharing_metadata(export: Export) -> dict:
    """Direct sharing's groups per gallery: `az sig share add` sets them after deployment."""
    names = {g.key: g.spec.name for g in export.galleries}
    return {
        names[s.gallery_key]: {
            "subscriptions": [p.default or f"<{p.name}>" for p in s.subscriptions],
            "tenants": [p.default or f"<{p.name}>" for p in s.tenants],
            "apply": "az sig share add --subscription-ids ... --tenant-ids ... after deployment",
        }
        for s in export.access.shares
    }


def outputs(export: Export) -> dict:
    """The id of every gallery, definition and version created."""
    out = {}
    for g in export.galleries:
        gq = quote(g.spec.name)
        out[f"{g.key}_id"] = f"[resourceId('Microsoft.Compute/galleries', {gq})]"
        for i in g.images:
            iq = quote(i.spec.name)
            out[f"{i.key}_id"] = f"[resourceId('Microsoft.Compute/galleries/images', {gq}, {iq})]"
            for v in i.versions:
                out[f"{v.key}_id"] = (
                    "[resourceId('Microsoft.Compute/galleries/images/versions', "
                    f"{gq}, {iq}, {quote(v.name)})]"
                )
    return {k: {"type": "string", "value": Expr(v)} for k, v in out.items()}


def user_parameters(export: Export) -> dict:
    """The parameters a deployment supplies: community fields, sources, principals."""
    parameters: dict = {}
    for g in export.galleries:
        if g.spec.sharing.mode == "community":
            for key, v, param in community_fields(g):
                if not v:
                    parameters[param] = {
                        "type": "string",
                        "metadata": {"description": f"Community gallery {key} (Azure requires it)"},
                    }
    for p in export.params(shares=False):  # shared ids: metadata only, a template cannot set them
        parameters[p.name] = {"type": "string", "metadata": {"description": p.description}}
        if p.default is not None:
            parameters[p.name]["defaultValue"] = p.default
    return parameters


def parameters_file(export: Export) -> str:
    """A deployment parameters file with every parameter that has no default to fill in."""
    values = {
        name: {"value": f"TODO: {spec['metadata']['description']}"}
        for name, spec in user_parameters(export).items()
        if "defaultValue" not in spec
    }
    doc = {"$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": values}
    return json.dumps(escaped(doc), indent=2) + "\n"


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
                        "comments": reasons(v),
                        "properties": version_properties(v),
                    }
                )
    resources += [role_assignment(a) for a in export.access.assignments]
    parameters: dict = {
        "environmentTag": {
            "type": "string",
            "defaultValue": export.environment,
            "metadata": {"description": "The environment tag of every resource"},
        },
        **user_parameters(export),
    }
    metadata: dict = {"generator": f"acgsim, scenario {export.scenario}"}
    if export.access.shares:
        metadata["directSharing"] = sharing_metadata(export)
    return escaped(
        {
            "$schema": SCHEMA,
            "contentVersion": "1.0.0.0",
            "metadata": metadata,
            "parameters": parameters,
            "resources": resources,
            "outputs": outputs(export),
        }
    )


def render(export: Export) -> str:
    """The template as JSON text."""
    return json.dumps(template(export), indent=2) + "\n"


def companions(export: Export, path: str) -> dict[str, str]:
    """Files written beside the template at PATH: NAME.parameters.json."""
    stem = path[:-5] if path.endswith(".json") else path
    return {f"{stem}.parameters.json": parameters_file(export)}
