"""The ASGI application of `acgsim serve`: routes, the request pipeline, ARM's error answers.

Starlette parses HTTP; this module routes ARM paths (case-insensitively, as ARM does) to the
handlers in sim.serve.galleries, compute, scalesets, operations and arm. Every request goes through
one pipeline: the body read up to MAX_BODY bytes (413 past it), the api-version checked against
the versions the resource type is served with, the JSON parsed (ARM's InvalidRequestContent if it
is not a JSON object), the clock ticked and the model advanced, the front door's buckets, the
handler. Any failure is ARM's error JSON; an unexpected one is a 500 with no traceback (the server
logs the traceback on its own stderr). The Authorization header is never read.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from acgsim.sim.serve import arm, compute, galleries, identity, operations, scalesets, sharing
from acgsim.sim.serve.clock import Clock
from acgsim.sim.serve.context import Ctx, Reply
from acgsim.sim.serve.lro import Operations
from acgsim.sim.serve.resources import ArmError, stable_uuid
from acgsim.sim.serve.throttling import FrontDoor
from acgsim.sim.serve.trace import Trace
from acgsim.sim.serve.world import World

MAX_BODY = 1 << 20  # 1 MiB: more than any gallery or VM body; ARM's own limit is 4 MB
MAX_DEPTH = 64  # JSON nesting; deeper is refused before it can exhaust the stack
log = logging.getLogger("acgsim.serve")

SUB = r"/subscriptions/(?P<sub>[^/]+)"
RG = SUB + r"/resourcegroups/(?P<rg>[^/]+)"
CP = r"/providers/microsoft\.compute"
GAL = RG + CP + r"/galleries/(?P<gallery>[^/]+)"
IMG = GAL + r"/images/(?P<image>[^/]+)"
VER = IMG + r"/versions/(?P<version>[^/]+)"
ROLES = (
    GAL
    + r"(?:/images/(?P<image>[^/]+)(?:/versions/(?P<version>[^/]+))?)?"
    + r"/providers/microsoft\.authorization/roleassignments"
)
VMSS = RG + CP + r"/virtualmachinescalesets/(?P<vmss>[^/]+)"
LOC = SUB + CP + r"/locations/(?P<location>[^/]+)"

# (pattern, api family, {method: handler}); the first match wins
ROUTES: list[tuple[str, str, dict[str, Callable]]] = [
    (SUB + CP + r"/galleries", "gallery", {"GET": galleries.list_galleries}),
    (RG + CP + r"/galleries", "gallery", {"GET": galleries.list_galleries}),
    (GAL, "gallery", galleries.GALLERY),
    (GAL + r"/share", "gallery", sharing.SHARE),
    (ROLES, "authorization", {"GET": sharing.list_roles}),
    (ROLES + r"/(?P<ra>[^/]+)", "authorization", sharing.ROLE),
    (GAL + r"/images", "gallery", {"GET": galleries.list_images}),
    (IMG, "gallery", galleries.IMAGE),
    (IMG + r"/versions", "gallery", {"GET": galleries.list_versions}),
    (VER, "gallery", galleries.VERSION),
    (SUB + CP + r"/virtualmachines", "compute", {"GET": compute.list_vms}),
    (RG + CP + r"/virtualmachines", "compute", {"GET": compute.list_vms}),
    (RG + CP + r"/virtualmachines/(?P<vm>[^/]+)", "compute", compute.VM),
    (SUB + CP + r"/virtualmachinescalesets", "compute", {"GET": scalesets.list_vmss}),
    (RG + CP + r"/virtualmachinescalesets", "compute", {"GET": scalesets.list_vmss}),
    (VMSS, "compute", scalesets.VMSS),
    (VMSS + r"/instanceview", "compute", {"GET": scalesets.instance_view}),
    (LOC + r"/operations/(?P<op>[^/]+)", "any", {"GET": operations.operation}),
    (LOC + r"/operationresults/(?P<op>[^/]+)", "any", {"GET": operations.operation_result}),
    (RG, "resources", arm.GROUP),
    (SUB + r"/resourcegroups", "resources", {"GET": arm.list_groups}),
    (SUB, "resources", {"GET": arm.get_subscription}),
    (r"/subscriptions", "resources", {"GET": arm.list_subscriptions}),
    (r"/tenants", "resources", {"GET": arm.list_tenants}),
]
COMPILED = [(re.compile(p + "/?", re.IGNORECASE), fam, h) for p, fam, h in ROUTES]


class Server:
    """The state one `acgsim serve` holds: the world, the clock, the buckets, operations, trace."""

    def __init__(self, world: World, clock: Clock, door: FrontDoor, trace: Trace):
        self.world, self.clock, self.door, self.trace = world, clock, door, trace
        self.ops = Operations()

    def throttled(self, verdict) -> ArmError:
        after = self.clock.wall_seconds(verdict.retry_after)
        details = [{"code": verdict.inner, "message": verdict.message.format(after=after)}]
        return ArmError(
            429,
            verdict.code,
            verdict.message.format(after=after),
            details=details if verdict.inner else None,
            headers={**verdict.headers, "Retry-After": str(after)},
        )

    async def handle(self, request: Request) -> Response:
        rid = stable_uuid("request", str(self.trace.count + 1))
        record: dict[str, Any] = {"method": request.method, "path": request.url.path[:512]}
        record["client"] = client_of(request.headers.get("user-agent", ""))
        headers = {"x-ms-request-id": rid, "x-ms-correlation-request-id": rid}
        try:
            reply = await self._pipeline(request, record, headers)
        except ArmError as e:
            headers.update(e.extra.get("headers") or {})
            reply = Reply(e.status, e.body())
            record["code"] = e.code
        except Exception:  # a bug: logged here, never sent to the client
            log.exception("acgsim serve failed on %s %s", request.method, request.url.path)
            reply = Reply(500, {"error": {"code": "InternalServerError", "message": _BUG}})
            record["code"] = "InternalServerError"
        headers.update(reply.headers)
        record.update(status=reply.status, retry_after=headers.get("Retry-After"))
        self.trace.record(**record)
        if reply.body is None:
            return Response(status_code=reply.status, headers=headers)
        return JSONResponse(reply.body, status_code=reply.status, headers=headers)

    async def _pipeline(self, request: Request, record: dict, headers: dict) -> Reply:
        path = request.url.path
        match, family, handlers = _route(path)
        method = request.method
        handler = handlers.get("GET" if method == "HEAD" else method)
        if handler is None:
            raise ArmError(405, "MethodNotAllowed", f"{method} is not served for '{path}'")
        query = {k.lower(): v for k, v in request.query_params.items()}
        api_version = arm.check_api_version(query.get("api-version"), family, path)
        record["api_version"] = api_version
        body = await _body(request) if method in ("PUT", "PATCH", "POST") else None
        instant = self.clock.tick()
        self.world.advance(instant.sim)
        record["t"] = round(instant.sim, 3)
        subscription = (match.groupdict().get("sub") or "-").lower()
        verdict = self.door.admit(method, subscription, instant.buckets)
        headers.update(verdict.headers)
        if verdict.retry_after:
            raise self.throttled(verdict)
        base = f"{request.url.scheme}://{request.url.netloc}"
        parts = match.groupdict()
        if "sub" in parts:
            parts["sub"] = parts["sub"].lower()
        ctx = Ctx(self, method, parts, query, body, api_version, base, instant.sim, instant.buckets)
        reply = handler(ctx)
        headers.update(ctx.headers)
        record.update(ctx.trace)
        if method == "HEAD":
            reply.body = None
        return reply


def client_of(agent: str) -> str:
    """The client named by a User-Agent, for the trace: its first product token (azsdk-python-
    mgmt-compute/39.0.0, AZURECLI/2.91.0, python-requests/2.32), at most 60 characters."""
    token = agent.split(" ", 1)[0].strip()
    return "".join(ch for ch in token if ch.isprintable())[:60] or "-"


def _route(path: str) -> tuple[re.Match, str, dict[str, Callable]]:
    for pattern, family, handlers in COMPILED:
        match = pattern.fullmatch(path)
        if match:
            return match, family, handlers
    raise ArmError(404, "NotFound", f"No route for '{path[:200]}' on acgsim serve")


_BUG = "acgsim serve failed on this request (a bug: the server's log has the details)"


async def _body(request: Request) -> Any:
    """The request's JSON body, read up to MAX_BODY bytes."""
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > MAX_BODY:
        raise _too_large()
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY:
            raise _too_large()
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ArmError(400, "InvalidRequestContent", "The request content was empty.")
    try:
        text = raw.decode("utf-8-sig")
        if _depth(text) > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise ArmError(
            400,
            "InvalidRequestContent",
            f"The request content was invalid and could not be deserialized: '{_short(e)}'.",
        ) from None
    if not isinstance(data, dict):
        raise ArmError(
            400,
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: a JSON object is "
            f"expected, not a {type(data).__name__}.",
        )
    return data


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (an upper bound is enough)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _short(e: Exception) -> str:
    return str(e).replace("'", "")[:200]


def _too_large() -> ArmError:
    return ArmError(
        413,
        "RequestContentTooLarge",
        f"The request content size exceeds the maximum size of {MAX_BODY // 1024} KB allowed "
        "by acgsim serve.",
    )


def create_app(server: Server) -> Starlette:
    """The Starlette application serving `server`."""

    async def everything(request: Request) -> Response:
        if request.url.path.lower().startswith("/acgsim/"):
            return await arm.acgsim_endpoint(server, request)
        if identity.is_identity(request.url.path):
            return await identity.identity_endpoint(request)
        return await server.handle(request)

    methods = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", everything, methods=methods)])
