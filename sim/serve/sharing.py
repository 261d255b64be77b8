"""Handlers for who may use a gallery: its sharing profile (`POST .../galleries/{g}/share`) and
role assignments at gallery, image or version scope (Microsoft.Authorization/roleAssignments).
Both feed the access rules the model applies to every VM and scale set PUT (sim.gallery.access:
sharing, RBAC, tenants), so a VM from another subscription or tenant is refused or let in as the
model says, from the next request on.

The share POST [SPEC: GallerySharingProfile_Update, SharingUpdate]: `operationType` Add or Remove
with `groups` of `{"type": "Subscriptions" | "AADTenants", "ids": [...]}`, Reset (private again:
every group removed), EnableCommunity (the gallery must have been created with Community
permissions and its communityGalleryInfo). Add and Remove need a gallery created with Groups
permissions (an assumption: Azure's message for the other case is not published). Answered 200
with the update, as the SDK's poller accepts (no polling: the model applies it at once).

Role assignments [Microsoft.Authorization 2022-04-01: RoleAssignment]: `properties.roleDefinitionId`
names a built-in role (Reader, Contributor, Owner: the roles the model knows, by their public
GUIDs) and `properties.principalId` the assignee. acgsim cannot tell principals apart (it reads no
token), so, as `model.arm_principals` assumes, a subscription is one principal: principalId is the
id of the subscription whose deployments the role lets in, or of a tenant (all its
subscriptions). A cross-tenant assignee reaches the gallery as an app registered in both tenants
(the scenario's default `cross_tenant`).
"""

from __future__ import annotations

import re
import uuid

from acgsim.sim.scenario import RoleAssignment
from acgsim.sim.serve.context import Ctx, Reply
from acgsim.sim.serve.records import GalleryRec, RoleRec
from acgsim.sim.serve.resources import ArmError, bad

MAX_GROUP_IDS = 1_000  # subscriptions and tenants one gallery is shared with
MAX_ROLES = 2_000  # role assignments on one server
ROLES = {  # Azure's built-in role definitions (public, the same in every tenant)
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
}
ROLE_ID = re.compile(r"(?:.*/roleDefinitions/)?([0-9a-fA-F-]{36})", re.IGNORECASE)
GROUP_TYPES = {"subscriptions": "Subscriptions", "aadtenants": "AADTenants"}
OPERATIONS = {
    "add": "Add",
    "remove": "Remove",
    "reset": "Reset",
    "enablecommunity": "EnableCommunity",
}


def _gallery(ctx: Ctx) -> GalleryRec:
    p = ctx.path
    rec = ctx.world.find_gallery(p["sub"], p["rg"], p["gallery"])
    if rec is None:
        raise ArmError(
            404,
            "ResourceNotFound",
            f"The Resource 'Microsoft.Compute/galleries/{p['gallery']}' under resource group "
            f"'{p['rg']}' was not found.",
        )
    return rec


# --- the sharing profile ---------------------------------------------------------------------


def _groups(body: dict) -> list[tuple[str, list[str]]]:
    groups = body.get("groups") or []
    if not isinstance(groups, list):
        raise bad("'groups' must be a list", "groups")
    out = []
    for i, g in enumerate(groups):
        if not isinstance(g, dict):
            raise bad("a sharing group must be a JSON object", f"groups[{i}]")
        kind = GROUP_TYPES.get(str(g.get("type", "")).lower())
        if kind is None:
            raise bad(
                f"The value '{str(g.get('type'))[:40]}' of groups[{i}].type is not allowed: "
                "Subscriptions or AADTenants",
                f"groups[{i}].type",
            )
        ids = g.get("ids") or []
        if not isinstance(ids, list) or len(ids) > MAX_GROUP_IDS:
            raise bad(f"groups[{i}].ids: a list of at most {MAX_GROUP_IDS} ids", f"groups[{i}].ids")
        for k, text in enumerate(ids):
            try:
                uuid.UUID(str(text))
            except ValueError:
                raise bad(
                    f"'{str(text)[:60]}' is not a {kind[:-1]} id (a GUID)", f"groups[{i}].ids[{k}]"
                ) from None
        out.append((kind, [str(x).lower() for x in ids]))
    return out


def _tenant_name(ctx: Ctx, tenant_id: str) -> str:
    for name, tid in ctx.world.tenant_ids().items():
        if tid == tenant_id:
            return name
    return f"tenant-{tenant_id}"  # a tenant the scenario does not hold: no subscription in it


def share(ctx: Ctx) -> Reply:
    """POST .../galleries/{g}/share: Add, Remove, Reset, EnableCommunity."""
    w, rec = ctx.world, _gallery(ctx)
    body = ctx.body
    op = OPERATIONS.get(str(body.get("operationType", "")).lower())
    if op is None:
        raise bad(
            f"The value '{str(body.get('operationType'))[:40]}' of operationType is not allowed: "
            "Add, Remove, Reset or EnableCommunity",
            "operationType",
        )
    groups = _groups(body)
    sharing = rec.model.sharing
    if op in ("Add", "Remove") and sharing.mode != "groups":
        raise ArmError(
            409,
            "OperationNotAllowed",
            f"The gallery '{rec.model.name}' is not shared with groups: create it (or update it) "
            "with sharingProfile.permissions Groups before adding or removing groups.",
        )
    subs, tenants = list(sharing.subscriptions), list(sharing.tenants)
    named = {
        "Subscriptions": [
            w.subscription(i) for k, ids in groups if k == "Subscriptions" for i in ids
        ],
        "AADTenants": [_tenant_name(ctx, i) for k, ids in groups if k == "AADTenants" for i in ids],
    }
    mode = sharing.mode
    if op == "Add":
        subs += [s for s in named["Subscriptions"] if s not in subs]
        tenants += [t for t in named["AADTenants"] if t not in tenants]
        if len(subs) + len(tenants) > MAX_GROUP_IDS:
            raise ArmError(
                409, "OperationNotAllowed", f"A gallery is shared with at most {MAX_GROUP_IDS} ids"
            )
    elif op == "Remove":
        subs = [s for s in subs if s not in named["Subscriptions"]]
        tenants = [t for t in tenants if t not in named["AADTenants"]]
    elif op == "Reset":
        subs, tenants, mode = [], [], "private"
    else:  # EnableCommunity
        if sharing.mode != "community" or not sharing.prefix:
            raise ArmError(
                409,
                "OperationNotAllowed",
                f"The gallery '{rec.model.name}' has no communityGalleryInfo: create it with "
                "sharingProfile.permissions Community and its publisher details first.",
            )
    new = sharing.model_copy(update={"mode": mode, "subscriptions": subs, "tenants": tenants})
    w.set_sharing(rec, new)
    answer = {"operationType": op}
    if groups:
        answer["groups"] = [{"type": k, "ids": ids} for k, ids in groups]
    return ctx.reply(200, answer)


def groups_of(ctx: Ctx, rec: GalleryRec) -> list[dict]:
    """The gallery's sharingProfile.groups as ARM shows them (ids, not the scenario's names)."""
    w, sharing = ctx.world, rec.model.sharing
    subs = {name: sid for sid, name in w.subs.items()}
    tenants = w.tenant_ids()
    out = []
    if sharing.subscriptions:
        ids = [subs.get(s, s) for s in sharing.subscriptions]
        out.append({"type": "Subscriptions", "ids": ids})
    if sharing.tenants:
        ids = [tenants.get(t, t.removeprefix("tenant-")) for t in sharing.tenants]
        out.append({"type": "AADTenants", "ids": ids})
    return out


# --- role assignments ------------------------------------------------------------------------


def _scope(ctx: Ctx) -> tuple[GalleryRec, str, str]:
    """The gallery, the model's scope (gallery, gallery/image, gallery/image/version) and the
    ARM scope path of a role assignment's URL."""
    p = ctx.path
    g = _gallery(ctx)
    scope, path = g.model.name, f"galleries/{g.model.name}"
    if p.get("image"):
        img = g.images.get(p["image"].lower())
        if img is None:
            raise ArmError(
                404,
                "ResourceNotFound",
                f"The image '{p['image']}' of '{g.model.name}' was not found.",
            )
        scope += f"/{img.model.name}"
        path += f"/images/{img.model.name}"
        if p.get("version"):
            if p["version"] not in img.versions:
                raise ArmError(
                    404, "ResourceNotFound", f"The version '{p['version']}' was not found."
                )
            scope += f"/{p['version']}"
            path += f"/versions/{p['version']}"
    arm = f"/subscriptions/{g.sub_id}/resourceGroups/{g.model.resource_group}/providers/"
    return g, scope, arm + "Microsoft.Compute/" + path


def _assignee(ctx: Ctx, principal: str) -> dict[str, str]:
    """principalId as the model's assignee: a tenant's id, else a subscription's."""
    try:
        uuid.UUID(principal)
    except ValueError:
        raise bad(
            f"The principal id '{principal[:60]}' is not a GUID", "properties.principalId"
        ) from None
    for name, tid in ctx.world.tenant_ids().items():
        if tid == principal.lower():
            return {"tenant": name}
    return {"subscription": ctx.world.subscription(principal)}


def _role_body(rec: RoleRec) -> dict:
    return {
        "id": f"{rec.scope_id}/providers/Microsoft.Authorization/roleAssignments/{rec.name}",
        "name": rec.name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {**rec.props, "scope": rec.scope_id},
    }


def put_role(ctx: Ctx) -> Reply:
    w = ctx.world
    _, scope, scope_id = _scope(ctx)
    name = ctx.path["ra"].lower()
    try:
        uuid.UUID(name)
    except ValueError:
        raise bad(f"The role assignment name '{name[:60]}' is not valid: a GUID", "name") from None
    props = ctx.body.get("properties")
    if not isinstance(props, dict):
        raise bad("'properties' must be a JSON object", "properties")
    match = ROLE_ID.fullmatch(str(props.get("roleDefinitionId", "")))
    role = ROLES.get(match.group(1).lower()) if match else None
    if role is None:
        raise ArmError(
            400,
            "RoleDefinitionDoesNotExist",
            f"The specified role definition with ID '{str(props.get('roleDefinitionId'))[:80]}' "
            "does not exist (acgsim serve models Reader, Contributor and Owner).",
        )
    principal = str(props.get("principalId", ""))
    key = (scope_id.lower(), name)
    if key in w.roles:
        old = w.roles[key]
        if old.props.get("principalId") != principal or old.assignment.role != role:
            raise ArmError(
                409,
                "RoleAssignmentUpdateNotPermitted",
                "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            )
        return ctx.reply(200, _role_body(old))
    if len(w.roles) >= MAX_ROLES:
        raise ArmError(409, "RoleAssignmentLimitExceeded", f"acgsim serve holds {MAX_ROLES} roles")
    assignment = RoleAssignment(role=role, scope=scope, **_assignee(ctx, principal))
    kept = {
        "roleDefinitionId": str(props["roleDefinitionId"])[:300],
        "principalId": principal,
        "principalType": str(props.get("principalType", "ServicePrincipal"))[:40],
    }
    rec = RoleRec(name, scope_id, kept, assignment)
    w.add_role(key, rec)
    return ctx.reply(201, _role_body(rec))


def get_role(ctx: Ctx) -> Reply:
    _, _, scope_id = _scope(ctx)
    rec = ctx.world.roles.get((scope_id.lower(), ctx.path["ra"].lower()))
    if rec is None:
        raise ArmError(
            404, "RoleAssignmentNotFound", "The role assignment does not exist (acgsim serve)."
        )
    return ctx.reply(200, _role_body(rec))


def delete_role(ctx: Ctx) -> Reply:
    _, _, scope_id = _scope(ctx)
    rec = ctx.world.remove_role((scope_id.lower(), ctx.path["ra"].lower()))
    if rec is None:
        return ctx.reply(204)
    return ctx.reply(200, _role_body(rec))


def list_roles(ctx: Ctx) -> Reply:
    """The assignments at this scope and below it (ARM's atScope and below)."""
    _, _, scope_id = _scope(ctx)
    prefix = scope_id.lower()
    found = [
        _role_body(r)
        for (s, _), r in sorted(ctx.world.roles.items())
        if s == prefix or s.startswith(prefix + "/")
    ]
    return ctx.reply(200, {"value": found})


ROLE = {"PUT": put_role, "GET": get_role, "DELETE": delete_role}
SHARE = {"POST": share}
