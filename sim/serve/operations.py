"""Handlers for the long-running operations' URLs (sim.serve.lro): the status URL
(Azure-AsyncOperation) and the result URL (Location) of an image version's, a VM's or a scale
set's PUT, answered from the model's state when polled.
"""

from __future__ import annotations

from acgsim.sim.serve import lro, scalesets
from acgsim.sim.serve.compute import vm_answer
from acgsim.sim.serve.context import Ctx, Reply
from acgsim.sim.serve.galleries import version_answer
from acgsim.sim.serve.resources import ArmError


def _state(ctx: Ctx, op: lro.Operation) -> tuple[str, float | None, ArmError | None, object]:
    """(status, end time, error, the resource record or None) of an operation now."""
    w = ctx.world
    if op.kind == "vm":
        rec = w.vms.get(op.key)
        if rec is None:
            return "Canceled", w.now, None, None
        err = w.vm_error(rec)
        state = w.vm_state(rec)
        if state == "Creating":
            return "InProgress", None, None, rec
        return state, rec.request.finished, err, rec
    if op.kind == "vmss":
        rec = w.scale_sets.get(op.key)
        if rec is None:
            return "Canceled", w.now, None, None
        state = w.scale_set_state(rec)
        if state == "Creating":
            return "InProgress", None, None, rec
        return state, scalesets.finished(ctx, rec), w.scale_set_error(rec), rec
    sub, rg, gallery, image, version = op.key
    g = w.find_gallery(sub, rg, gallery)
    img = g.images.get(image.lower()) if g else None
    rec = img.versions.get(version) if img else None
    if rec is None:
        return "Canceled", w.now, None, None
    state, why = w.version_status(rec)
    if state == "Succeeded":
        done = [c.completed for c in rec.state.copies.values() if c.completed is not None]
        return "Succeeded", max(done, default=w.now), None, (g, img, rec)
    if state == "Failed":
        err = ArmError(500, "ReplicationFailed", f"Replication failed in regions: {why}")
        return "Failed", w.now, err, (g, img, rec)
    return "InProgress", None, None, (g, img, rec)


def _retry(ctx: Ctx, op: lro.Operation, rec) -> str:
    w = ctx.world
    if op.kind == "version":
        left = w.remaining(rec[2])
    elif op.kind == "vmss":
        left = max(60.0, rec.submitted + w.scale_set_expected(rec) - w.now)
    else:
        left = w.m.params.boot.mean
    return lro.poll_after(ctx.server.clock.wall_for_sim(left))


def _operation(ctx: Ctx) -> lro.Operation:
    op = ctx.server.ops.get(ctx.path["op"])
    if op is None:
        raise ArmError(404, "NotFound", f"The operation '{ctx.path['op']}' was not found.")
    return op


def _traced(ctx: Ctx, op: lro.Operation, status: str, end: float | None) -> None:
    """The trace learns the operation's state at this poll (acgsim report: LRO durations)."""
    ctx.trace.update(op=op.id, op_kind=op.kind, op_status=status, op_started=round(op.started, 3))
    if end is not None:
        ctx.trace["op_end"] = round(end, 3)


def operation(ctx: Ctx) -> Reply:
    """The status URL (Azure-AsyncOperation)."""
    op = _operation(ctx)
    status, end, err, rec = _state(ctx, op)
    _traced(ctx, op, status, end)
    w = ctx.world
    body = lro.status_body(
        op,
        status,
        w.stamp(op.started),
        w.stamp(end) if end is not None else None,
        err.body()["error"] if err else None,
    )
    headers = {"Retry-After": _retry(ctx, op, rec)} if status == "InProgress" else {}
    return ctx.reply(200, body, headers)


def operation_result(ctx: Ctx) -> Reply:
    """The result URL (Location): 202 while running, then the resource or the error."""
    op = _operation(ctx)
    status, end, err, rec = _state(ctx, op)
    _traced(ctx, op, status, end)
    if status == "InProgress":
        headers = lro.urls(ctx.base_url, op)
        return ctx.reply(
            202, None, {"Location": headers["Location"], "Retry-After": _retry(ctx, op, rec)}
        )
    if err is not None:
        raise err
    if rec is None:
        return ctx.reply(204)
    if op.kind == "vm":
        return ctx.reply(200, vm_answer(ctx, rec))
    if op.kind == "vmss":
        return ctx.reply(200, scalesets.answer(ctx, rec))
    return ctx.reply(200, version_answer(ctx, *rec))
