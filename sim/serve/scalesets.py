"""Handlers for virtual machine scale sets from gallery images: PUT, GET, DELETE, list, and the
instance view.

A scale set's PUT names its image as a VM's does (virtualMachineProfile.storageProfile.
imageReference: id, sharedGalleryImageId or communityGalleryImageId) and its size as
sku.capacity (0 to 1,000 instances from a gallery image [ACG]). On arrival it takes the compute
RP's VMSSPut token (429 with Retry-After if empty [CTL]); the image is checked as for a VM (a
Flexible set may not use another tenant's image); accepted, it answers 201 Creating with an
operation to poll, and the model builds it as it builds a workload's scale set
(sim.deployment.scale_set): instances in batches of `model.vmss_batch`, each batch once the last
one's disks exist, every instance from the one replica the set was given. The set is Succeeded
when every instance runs, Failed when any failed; its instance view counts instances by state.

Not simulated: changing an existing set's capacity or model (a PUT that changes sku.capacity is
refused: delete and create it again), the instances as resources of their own, autoscale. A
deleted set disappears at once (its instances still being built keep their replica slots until
their disks exist, as the model's do).
"""

from __future__ import annotations

from acgsim.sim.serve import compute_shapes, lro, resources
from acgsim.sim.serve.compute import VM_NAME, image_ref
from acgsim.sim.serve.context import Ctx, Reply
from acgsim.sim.serve.machines import vmss_limit
from acgsim.sim.serve.records import ScaleSetRec
from acgsim.sim.serve.resources import ArmError


def _key(ctx: Ctx) -> tuple[str, str, str]:
    p = ctx.path
    return (p["sub"].lower(), p["rg"].lower(), p["vmss"].lower())


def finished(ctx: Ctx, rec: ScaleSetRec) -> float:
    """When the set's last instance to run was running (the model keeps times to running)."""
    w = ctx.world.m.rec.waves.get(rec.source)
    if w is None or not len(w.ttr):
        return ctx.world.now
    return rec.submitted + max(w.ttr)


def answer(ctx: Ctx, rec: ScaleSetRec) -> dict:
    """A scale set as ARM answers it now."""
    w = ctx.world
    return compute_shapes.vmss_body(
        rec.sub_id,
        rec.rg,
        rec.name,
        rec.location,
        rec.tags,
        rec.sku,
        rec.props,
        w.scale_set_state(rec),
        rec.vmss_id,
        w.stamp(rec.submitted),
    )


def _not_found(ctx: Ctx) -> ArmError:
    p = ctx.path
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource 'Microsoft.Compute/virtualMachineScaleSets/{p['vmss']}' under resource "
        f"group '{p['rg']}' was not found.",
    )


def put_vmss(ctx: Ctx) -> Reply:
    w, p = ctx.world, ctx.path
    body = ctx.body
    location = resources.location_of(body)
    sku, capacity = compute_shapes.vmss_capacity(body, vmss_limit())
    existing = w.scale_sets.get(_key(ctx))
    if existing is not None:
        if capacity != existing.capacity:
            raise ArmError(
                409,
                "OperationNotAllowed",
                f"acgsim serve does not scale an existing scale set ({existing.capacity} to "
                f"{capacity} instances is not simulated): delete it and create it again",
                "sku.capacity",
            )
        return ctx.reply(200, answer(ctx, existing))
    if not VM_NAME.fullmatch(p["vmss"]) or p["vmss"][-1] in ".-":
        raise ArmError(
            400,
            "InvalidParameter",
            f"The scale set name '{p['vmss'][:80]}' is invalid: 1-64 letters, digits, '_', '.', "
            "'-', not ending with '.' or '-'",
            "name",
        )
    props = body.get("properties")
    if not isinstance(props, dict):
        raise ArmError(400, "InvalidParameter", "'properties' must be a JSON object", "properties")
    subscription = w.subscription(p["sub"])
    ctx.admit_compute("VMSSPut", location, p["sub"])
    kept, mode = compute_shapes.vmss_properties(props)
    ref = image_ref(ctx, kept["virtualMachineProfile"]["storageProfile"]["imageReference"])
    w.resolve_image(ref, location, subscription, flexible=mode == "Flexible")
    w.group(p["sub"], p["rg"], location)
    rec = w.add_scale_set(
        {
            "sub_id": p["sub"],
            "rg": p["rg"],
            "name": p["vmss"],
            "location": location,
            "props": kept,
            "tags": resources.tags_of(body),
            "sku": sku,
            "image": ref,
            "capacity": capacity,
            "orchestration": mode,
        },
        ref,
        subscription,
    )
    op = ctx.server.ops.start(p["sub"], location, "vmss", _key(ctx), ctx.now, ctx.api_version)
    ctx.trace["op"] = op.id
    headers = lro.urls(ctx.base_url, op)
    wall = ctx.server.clock.wall_for_sim(w.scale_set_expected(rec))
    headers["Retry-After"] = lro.poll_after(wall)
    return ctx.reply(201, answer(ctx, rec), headers)


def get_vmss(ctx: Ctx) -> Reply:
    rec = ctx.world.scale_sets.get(_key(ctx))
    if rec is None:
        raise _not_found(ctx)
    return ctx.reply(200, answer(ctx, rec))


def delete_vmss(ctx: Ctx) -> Reply:
    if ctx.world.scale_sets.pop(_key(ctx), None) is None:
        return ctx.reply(204)
    return ctx.reply(200)


def list_vmss(ctx: Ctx) -> Reply:
    found = ctx.listed(ctx.world.scale_sets)
    return ctx.reply(200, {"value": [answer(ctx, r) for r in found]})


def instance_view(ctx: Ctx) -> Reply:
    w = ctx.world
    rec = w.scale_sets.get(_key(ctx))
    if rec is None:
        raise _not_found(ctx)
    state = w.scale_set_state(rec)
    return ctx.reply(
        200, compute_shapes.instance_view(w.instance_states(rec), state, w.stamp(w.now))
    )


VMSS = {"PUT": put_vmss, "GET": get_vmss, "DELETE": delete_vmss}
