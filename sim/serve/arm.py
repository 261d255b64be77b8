"""ARM itself: api-versions, subscriptions, tenants, resource groups, and acgsim's own endpoints.

api-versions: each resource type is served with the stable api-versions its provider publishes
(GalleryRP for galleries, images and versions; ComputeRP for VMs; Microsoft.Resources for
groups, subscriptions and tenants) [SPEC], including the newest ones the current azure-mgmt-compute
and azure-cli send. The shapes acgsim answers are the 2025-03-03 ones for every version: the
differences between api-versions in the properties acgsim models are the defaults of a new image
definition (sim.serve.resources). A missing, malformed or unknown api-version is answered with
ARM's own codes: MissingApiVersionParameter, InvalidApiVersionParameter, NoRegisteredProviderFound.

Subscriptions and tenants come from the scenario (ids: the scenario's, else derived from the
names); a subscription id the scenario does not know is added to its first tenant on first use.
Resource groups are created on first use too, or with PUT.

acgsim's endpoints (no api-version, never throttled): GET /acgsim/state (what the model sees),
GET /acgsim/trace (the last requests), POST /acgsim/clock {"speed": x, "advance": seconds}.
"""

from __future__ import annotations

import json
import re

from starlette.requests import Request
from starlette.responses import JSONResponse

from acgsim.sim.serve.context import Ctx, Reply
from acgsim.sim.serve.resources import ArmError, stable_uuid

API_VERSIONS: dict[str, tuple[str, ...]] = {
    # GalleryRP stable api-versions; 2026-03-03 is what azure-mgmt-compute 39 sends
    "gallery": (
        "2018-06-01",
        "2019-03-01",
        "2019-07-01",
        "2019-12-01",
        "2020-09-30",
        "2021-07-01",
        "2021-10-01",
        "2022-01-03",
        "2022-03-03",
        "2022-08-03",
        "2023-07-03",
        "2024-03-03",
        "2025-03-03",
        "2026-03-03",
    ),
    # ComputeRP stable api-versions; 2026-04-01 is what azure-mgmt-compute 39 sends
    "compute": (
        "2021-03-01",
        "2021-04-01",
        "2021-07-01",
        "2021-11-01",
        "2022-03-01",
        "2022-08-01",
        "2022-11-01",
        "2023-03-01",
        "2023-07-01",
        "2023-09-01",
        "2024-03-01",
        "2024-07-01",
        "2024-11-01",
        "2025-04-01",
        "2025-11-01",
        "2026-04-01",
    ),
    # Microsoft.Authorization's role assignments; 2022-04-01 is what azure-cli 2.91 sends
    "authorization": (
        "2015-07-01",
        "2018-01-01-preview",
        "2018-09-01-preview",
        "2020-04-01-preview",
        "2020-08-01-preview",
        "2020-10-01-preview",
        "2022-04-01",
    ),
    "resources": (
        "2016-06-01",
        "2019-10-01",
        "2019-11-01",
        "2020-01-01",
        "2020-06-01",
        "2021-01-01",
        "2021-04-01",
        "2022-01-01",
        "2022-09-01",
        "2022-12-01",
        "2023-07-01",
        "2024-03-01",
        "2024-07-01",
        "2024-11-01",
        "2025-03-01",
        "2025-04-01",
    ),
}
API_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}(-preview|-beta|-privatepreview)?")
TYPE_NAME = {
    "gallery": "galleries",
    "compute": "virtualMachines",
    "resources": "resourceGroups",
    "authorization": "roleAssignments",
}


def check_api_version(value: str | None, family: str, path: str) -> str:
    """The request's api-version if `family` is served with it, else ARM's 400."""
    if value is None:
        raise ArmError(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    if family == "any":  # an operation URL: the api-version the PUT was sent with
        if not API_FORMAT.fullmatch(value):
            raise _invalid(value, API_VERSIONS["compute"])
        return value
    served = API_VERSIONS[family]
    if not API_FORMAT.fullmatch(value):
        raise _invalid(value, served)
    if value not in served:
        raise ArmError(
            400,
            "NoRegisteredProviderFound",
            f"No registered resource provider found for location 'global' and API version "
            f"'{value}' for type '{TYPE_NAME[family]}'. The supported api-versions are "
            f"'{', '.join(served)}'.",
        )
    return value


def _invalid(value: str, served: tuple[str, ...]) -> ArmError:
    return ArmError(
        400,
        "InvalidApiVersionParameter",
        f"The api-version '{value[:40]}' is invalid. The supported versions are "
        f"'{', '.join(served)}'.",
    )


# --- subscriptions and tenants ---------------------------------------------------------------


def _tenant_id(t) -> str:
    return str(t.id) if t.id else stable_uuid("tenant", t.name)


def _subscriptions(ctx: Ctx) -> list[dict]:
    w = ctx.world
    out = []
    for t in w.scenario.tenants:
        for sub in t.subscriptions:
            sid = w.sub_id(sub)
            out.append(
                {
                    "id": f"/subscriptions/{sid}",
                    "subscriptionId": sid,
                    "tenantId": _tenant_id(t),
                    "displayName": sub.name,
                    "state": "Enabled",
                    "subscriptionPolicies": {
                        "locationPlacementId": "Public_2014-09-01",
                        "quotaId": "acgsim",
                        "spendingLimit": "Off",
                    },
                    "authorizationSource": "RoleBased",
                }
            )
    return out


def list_subscriptions(ctx: Ctx) -> Reply:
    return ctx.reply(200, {"value": _subscriptions(ctx)})


def get_subscription(ctx: Ctx) -> Reply:
    ctx.world.subscription(ctx.path["sub"])
    sub = ctx.path["sub"].lower()
    found = next(s for s in _subscriptions(ctx) if s["subscriptionId"].lower() == sub)
    return ctx.reply(200, found)


def list_tenants(ctx: Ctx) -> Reply:
    value = [
        {"id": f"/tenants/{_tenant_id(t)}", "tenantId": _tenant_id(t), "displayName": t.name}
        for t in ctx.world.scenario.tenants
    ]
    return ctx.reply(200, {"value": value})


# --- resource groups -------------------------------------------------------------------------


def _group_body(sub: str, rg: str, location: str) -> dict:
    return {
        "id": f"/subscriptions/{sub}/resourceGroups/{rg}",
        "name": rg,
        "type": "Microsoft.Resources/resourceGroups",
        "location": location,
        "properties": {"provisioningState": "Succeeded"},
    }


def put_group(ctx: Ctx) -> Reply:
    from acgsim.sim.serve.resources import location_of

    p = ctx.path
    known = (p["sub"].lower(), p["rg"].lower()) in ctx.world.groups
    ctx.world.subscription(p["sub"])
    location = ctx.world.group(p["sub"], p["rg"], location_of(ctx.body))
    return ctx.reply(200 if known else 201, _group_body(p["sub"], p["rg"], location))


def get_group(ctx: Ctx) -> Reply:
    p = ctx.path
    location = ctx.world.groups.get((p["sub"].lower(), p["rg"].lower()))
    if location is None:
        raise ArmError(
            404, "ResourceGroupNotFound", f"Resource group '{p['rg']}' could not be found."
        )
    return ctx.reply(200, _group_body(p["sub"], p["rg"], location))


def delete_group(ctx: Ctx) -> Reply:
    p = ctx.path
    key = (p["sub"].lower(), p["rg"].lower())
    if key not in ctx.world.groups:
        return ctx.reply(204)
    w = ctx.world
    if any(k[:2] == key for k in w.galleries) or any(k[:2] == key for k in w.vms):
        raise ArmError(
            409,
            "OperationNotAllowed",
            "acgsim serve deletes only empty resource groups: delete its galleries and VMs first",
        )
    del w.groups[key]
    return ctx.reply(200)


def list_groups(ctx: Ctx) -> Reply:
    sub = ctx.path["sub"].lower()
    value = [
        _group_body(ctx.path["sub"], rg, loc)
        for (s, rg), loc in sorted(ctx.world.groups.items())
        if s == sub
    ]
    return ctx.reply(200, {"value": value})


GROUP = {"PUT": put_group, "GET": get_group, "DELETE": delete_group}

# --- acgsim's own endpoints ------------------------------------------------------------------


def state(server) -> dict:
    """What the model sees now: time, versions per region, VMs by state, buckets, counts."""
    w, clock = server.world, server.clock
    versions = []
    for _key, g in sorted(w.galleries.items()):
        for _, img in sorted(g.images.items()):
            for _, v in sorted(img.versions.items()):
                status = w.replication_status(v)
                versions.append(
                    {
                        "version": v.state.ref,
                        "provisioningState": w.version_status(v)[0],
                        **status,
                    }
                )
    vms: dict[str, int] = {}
    for rec in w.vms.values():
        state_ = w.vm_state(rec)
        vms[state_] = vms.get(state_, 0) + 1
    return {
        "sim_time_s": round(w.now, 3),
        "speed": clock.speed,
        "step_s": clock.step,
        "bucket_clock": clock.buckets,
        "requests": server.trace.count,
        "throttled": dict(server.door.refused),
        "versions": versions,
        "vms": dict(sorted(vms.items())),
        "scale_sets": {
            "/".join(k): {"state": w.scale_set_state(r), **w.instance_states(r)}
            for k, r in sorted(w.scale_sets.items())
        },
        "played": w.played(),
        "buckets": server.door.levels(),
    }


async def acgsim_endpoint(server, request: Request) -> JSONResponse:
    """GET /acgsim/state, GET /acgsim/trace, POST /acgsim/clock."""
    path = request.url.path.lower().rstrip("/")
    if path == "/acgsim/state" and request.method == "GET":
        server.world.advance(server.clock.tick().sim)
        return JSONResponse(state(server))
    if path == "/acgsim/trace" and request.method == "GET":
        return JSONResponse({"records": list(server.trace.recent)})
    if path == "/acgsim/clock" and request.method == "POST":
        raw = await request.body()
        try:
            data = json.loads(raw[:4096] or b"{}")
            if not isinstance(data, dict):
                raise ValueError("a JSON object is expected")
            if "speed" in data:
                server.clock.set_speed(float(data["speed"]))
            if "advance" in data:
                server.clock.advance(float(data["advance"]))
        except (ValueError, TypeError) as e:
            body = {"error": {"code": "InvalidRequestContent", "message": str(e)[:200]}}
            return JSONResponse(body, status_code=400)
        server.world.advance(server.clock.tick().sim)
        return JSONResponse({"sim_time_s": round(server.world.now, 3), "speed": server.clock.speed})
    body = {"error": {"code": "NotFound", "message": f"No acgsim endpoint '{request.url.path}'"}}
    return JSONResponse(body, status_code=404)
