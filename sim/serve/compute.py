"""Handlers for virtual machines from gallery images.

A VM PUT names its image by `imageReference.id` (a gallery image version, or the image
definition for `latest`), `sharedGalleryImageId` (/SharedGalleries/{uniqueName}/Images/..., a
gallery shared with Groups) or `communityGalleryImageId` (/CommunityGalleries/{publicName}/...).
On arrival it takes the compute RP's PutVM token (429 with Retry-After if the bucket is empty
[CTL]), then the image is checked as Azure checks it before accepting: access (RBAC, sharing,
tenants: sim.gallery) and the version's state in the VM's region ("not available in region",
GalleryImageNotFound while the region propagates, "no latest"), refused at once with the model's
error (sim.service_errors.RUNTIME). Accepted, it answers 201 Creating with an operation to poll;
the VM then waits for a replica slot, has its OS disk created from the replica and boots, on the
model's clock (sim.deployment.vm). Marketplace images, networking and VM sizes are not simulated.
"""

from __future__ import annotations

import re

from acgsim.sim.serve import compute_shapes, lro, resources
from acgsim.sim.serve.context import Ctx, Reply
from acgsim.sim.serve.records import VmRec
from acgsim.sim.serve.resources import ArmError

GALLERY_ID = re.compile(
    r"/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.compute/galleries/"
    r"(?P<g>[^/]+)/images/(?P<i>[^/]+)(?:/versions/(?P<v>[^/]+))?/?",
    re.IGNORECASE,
)
SHARED_ID = re.compile(
    r"/sharedgalleries/(?P<u>[^/]+)/images/(?P<i>[^/]+)(?:/versions/(?P<v>[^/]+))?/?", re.IGNORECASE
)
COMMUNITY_ID = re.compile(
    r"/communitygalleries/(?P<c>[^/]+)/images/(?P<i>[^/]+)(?:/versions/(?P<v>[^/]+))?/?",
    re.IGNORECASE,
)
VM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _shown(text: str, most: int = 200) -> str:
    """An id as an answer quotes it: whole up to `most` characters, else its start and length."""
    return text if len(text) <= most else f"{text[:most]}... ({len(text):,} characters)"


def image_ref(ctx: Ctx, image: dict) -> str:
    """gallery/image/version (or .../latest) that the VM's imageReference names."""
    w = ctx.world
    for field, pattern, mode in (
        ("id", GALLERY_ID, None),
        ("sharedGalleryImageId", SHARED_ID, "groups"),
        ("communityGalleryImageId", COMMUNITY_ID, "community"),
    ):
        text = image.get(field)
        if not isinstance(text, str):
            continue
        match = pattern.fullmatch(text)
        if match is None:
            break
        found = None
        if field == "id":
            found = w.by_name.get(match["g"].lower())
        elif field == "sharedGalleryImageId":
            found = w.by_name.get(match["u"].split("-", 5)[-1].lower())
        else:
            found = next(
                (
                    k
                    for k, g in sorted(w.galleries.items())
                    if resources.public_name(g.model) == match["c"].lower()
                ),
                None,
            )
        g = w.galleries.get(found) if found else None
        if g is None or (mode is not None and g.model.sharing.mode != mode):
            break
        img = g.images.get(match["i"].lower())
        version = match["v"] or "latest"
        if img is None or (version != "latest" and version not in img.versions):
            break
        return f"{g.model.name}/{img.model.name}/{version}"
    else:
        raise ArmError(
            400,
            "InvalidParameter",
            "acgsim serve creates VMs from gallery images only: give storageProfile."
            "imageReference.id, sharedGalleryImageId or communityGalleryImageId",
            "properties.storageProfile.imageReference",
        )
    raise ArmError(
        404,
        "GalleryImageNotFound",
        f"The gallery image {_shown(text)} is not found (acgsim serve holds no such image or "
        "version).",
        "properties.storageProfile.imageReference",
    )


def _vm_key(ctx: Ctx) -> tuple[str, str, str]:
    p = ctx.path
    return (p["sub"].lower(), p["rg"].lower(), p["vm"].lower())


def vm_answer(ctx: Ctx, rec: VmRec) -> dict:
    props = dict(rec.props, timeCreated=ctx.world.stamp(rec.request.submitted))
    return compute_shapes.vm_body(
        rec.sub_id,
        rec.rg,
        rec.name,
        rec.location,
        rec.tags,
        props,
        ctx.world.vm_state(rec),
        rec.vm_id,
    )


def put_vm(ctx: Ctx) -> Reply:
    w, p = ctx.world, ctx.path
    existing = w.vms.get(_vm_key(ctx))
    if existing is not None:
        return ctx.reply(200, vm_answer(ctx, existing))
    if not VM_NAME.fullmatch(p["vm"]) or p["vm"][-1] in ".-":
        raise ArmError(
            400,
            "InvalidParameter",
            f"The VM name '{p['vm']}' is invalid: 1-64 letters, digits, '_', '.', '-', not "
            "ending with '.' or '-'",
            "name",
        )
    body = ctx.body
    location = resources.location_of(body)
    props = body.get("properties")
    if not isinstance(props, dict):
        raise ArmError(400, "InvalidParameter", "'properties' must be a JSON object", "properties")
    subscription = w.subscription(p["sub"])
    ctx.admit_compute("PutVM", location, p["sub"])
    kept = compute_shapes.vm_properties(props)
    ref = image_ref(ctx, kept["storageProfile"]["imageReference"])
    w.resolve_image(ref, location, subscription)
    w.group(p["sub"], p["rg"], location)
    rec = w.add_vm(
        {
            "sub_id": p["sub"],
            "rg": p["rg"],
            "name": p["vm"],
            "location": location,
            "props": kept,
            "tags": resources.tags_of(body),
        },
        ref,
        subscription,
    )
    op = ctx.server.ops.start(p["sub"], location, "vm", _vm_key(ctx), ctx.now, ctx.api_version)
    ctx.trace["op"] = op.id
    headers = lro.urls(ctx.base_url, op)
    expected = w.m.params.disk.base + w.m.params.boot.mean
    headers["Retry-After"] = lro.poll_after(ctx.server.clock.wall_for_sim(expected))
    return ctx.reply(201, vm_answer(ctx, rec), headers)


def get_vm(ctx: Ctx) -> Reply:
    rec = ctx.world.vms.get(_vm_key(ctx))
    if rec is None:
        p = ctx.path
        raise ArmError(
            404,
            "ResourceNotFound",
            f"The Resource 'Microsoft.Compute/virtualMachines/{p['vm']}' under resource group "
            f"'{p['rg']}' was not found.",
        )
    return ctx.reply(200, vm_answer(ctx, rec))


def delete_vm(ctx: Ctx) -> Reply:
    if ctx.world.vms.pop(_vm_key(ctx), None) is None:
        return ctx.reply(204)
    return ctx.reply(200)


def list_vms(ctx: Ctx) -> Reply:
    return ctx.reply(200, {"value": [vm_answer(ctx, r) for r in ctx.listed(ctx.world.vms)]})


VM = {"PUT": put_vm, "GET": get_vm, "DELETE": delete_vm}
