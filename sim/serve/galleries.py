"""Handlers for galleries, image definitions and image versions [SPEC]: PUT, PATCH, GET, DELETE,
list. Galleries and definitions are instant (provisioningState Succeeded in the PUT's answer);
a version's PUT starts replication and answers 201 with an operation to poll (sim.serve.lro).
`$expand=ReplicationStatus` adds each region's state and progress, read from the model.
"""

from __future__ import annotations

from acgsim.sim.serve import lro, resources, sharing, version_shapes
from acgsim.sim.serve.context import Ctx, Reply
from acgsim.sim.serve.records import GalleryRec, ImageRec, VersionRec
from acgsim.sim.serve.resources import ArmError


def _not_found(kind: str, name: str, rg: str) -> ArmError:
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource 'Microsoft.Compute/{kind}/{name}' under resource group '{rg}' was not "
        "found.",
    )


def _parent(kind: str, name: str) -> ArmError:
    return ArmError(
        404,
        "ParentResourceNotFound",
        f"Can not perform requested operation on nested resource. Parent resource '{name}' "
        f"({kind}) not found.",
    )


def _gallery(ctx: Ctx, nested: bool = False) -> GalleryRec:
    p = ctx.path
    rec = ctx.world.find_gallery(p["sub"], p["rg"], p["gallery"])
    if rec is None:
        raise (
            _parent("gallery", p["gallery"])
            if nested
            else _not_found("galleries", p["gallery"], p["rg"])
        )
    return rec


def _image(ctx: Ctx, nested: bool = False) -> tuple[GalleryRec, ImageRec]:
    g = _gallery(ctx, nested=True)
    image = g.images.get(ctx.path["image"].lower())
    if image is None:
        name = f"{ctx.path['gallery']}/{ctx.path['image']}"
        raise (
            _parent("image", name)
            if nested
            else _not_found("galleries/images", name, ctx.path["rg"])
        )
    return g, image


def _version(ctx: Ctx) -> tuple[GalleryRec, ImageRec, VersionRec]:
    g, image = _image(ctx, nested=True)
    v = image.versions.get(ctx.path["version"])
    if v is None:
        p = ctx.path
        raise _not_found(
            "galleries/images/versions", f"{p['gallery']}/{p['image']}/{p['version']}", p["rg"]
        )
    return g, image, v


def _merged(current: dict, patch: dict) -> dict:
    """A PATCH applied to the resource's current body: objects merged, other values replaced."""
    out = dict(current)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


# --- galleries -------------------------------------------------------------------------------


def _gallery_body(ctx: Ctx, rec: GalleryRec) -> dict:
    g = rec.model
    groups = sharing.groups_of(ctx, rec)
    return resources.gallery_body(
        g, rec.sub_id, rec.props, rec.tags, resources.public_name(g), groups
    )


def put_gallery(ctx: Ctx) -> Reply:
    p, w = ctx.path, ctx.world
    existing = w.find_gallery(p["sub"], p["rg"], p["gallery"])
    body = ctx.body
    if ctx.method == "PATCH":
        if existing is None:
            raise _not_found("galleries", p["gallery"], p["rg"])
        body = _merged(_gallery_body(ctx, existing), body)
    subscription = w.subscription(p["sub"])
    location = resources.location_of(body)
    body = {**body, "location": location}
    model, props = resources.gallery_from_body(
        body,
        p["gallery"] if existing is None else existing.model.name,
        subscription,
        p["rg"] if existing is None else existing.model.resource_group,
        ctx.api_version,
    )
    w.group(p["sub"], p["rg"], location)
    rec = GalleryRec(
        p["sub"] if existing is None else existing.sub_id, model, props, resources.tags_of(body)
    )
    if existing is None:
        w.add_gallery(rec)
    else:
        w.replace_gallery(existing, rec)
    return ctx.reply(201 if existing is None else 200, _gallery_body(ctx, rec))


def get_gallery(ctx: Ctx) -> Reply:
    return ctx.reply(200, _gallery_body(ctx, _gallery(ctx)))


def delete_gallery(ctx: Ctx) -> Reply:
    p = ctx.path
    rec = ctx.world.find_gallery(p["sub"], p["rg"], p["gallery"])
    if rec is None:
        return ctx.reply(204)
    ctx.world.delete_gallery(rec)
    return ctx.reply(200)


def list_galleries(ctx: Ctx) -> Reply:
    found = ctx.listed(ctx.world.galleries)
    return ctx.reply(200, {"value": [_gallery_body(ctx, r) for r in found]})


GALLERY = {"PUT": put_gallery, "PATCH": put_gallery, "GET": get_gallery, "DELETE": delete_gallery}

# --- image definitions -----------------------------------------------------------------------


def _image_body(g: GalleryRec, image: ImageRec) -> dict:
    return resources.image_body(g.model, image.model, g.sub_id, image.props, image.tags)


def put_image(ctx: Ctx) -> Reply:
    g = _gallery(ctx, nested=True)
    name = ctx.path["image"]
    existing = g.images.get(name.lower())
    body = ctx.body
    if ctx.method == "PATCH":
        if existing is None:
            _image(ctx)
        body = _merged(_image_body(g, existing), body)
    _same_location(ctx, body, g)
    model, props = resources.image_from_body(
        body, existing.model.name if existing else name, ctx.api_version
    )
    if existing is not None:
        _unchanged(existing.model, model)
    others = [i.model for k, i in sorted(g.images.items()) if k != name.lower()]
    resources.check_image(g.model, [*others, model], ctx.world.subscription(ctx.path["sub"]))
    rec = ImageRec(model, props, resources.tags_of(body))
    if existing is None:
        ctx.world.add_image(g, rec)
    else:
        rec.versions = existing.versions
        g.images[name.lower()] = rec
    return ctx.reply(201 if existing is None else 200, _image_body(g, rec))


def _unchanged(old, new) -> None:
    """osType, osState, hyperVGeneration and the identifier cannot change [TS]."""
    for attr, prop in (
        ("os_type", "osType"),
        ("os_state", "osState"),
        ("hyperv_generation", "hyperVGeneration"),
        ("publisher", "identifier.publisher"),
        ("offer", "identifier.offer"),
        ("sku", "identifier.sku"),
    ):
        if getattr(old, attr) != getattr(new, attr):
            raise ArmError(
                409,
                "PropertyChangeNotAllowed",
                f"Changing property 'galleryImage.properties.{prop}' is not allowed.",
                f"properties.{prop}",
            )


def _same_location(ctx: Ctx, body: dict, g: GalleryRec) -> None:
    if resources.location_of(body) != g.model.region:
        raise ArmError(
            400,
            "InvalidParameter",
            f"The location '{body.get('location')}' differs from the gallery's location "
            f"'{g.model.region}'; a gallery's resources live in its region.",
            "location",
        )


def get_image(ctx: Ctx) -> Reply:
    g, image = _image(ctx)
    return ctx.reply(200, _image_body(g, image))


def delete_image(ctx: Ctx) -> Reply:
    g = _gallery(ctx, nested=True)
    image = g.images.get(ctx.path["image"].lower())
    if image is None:
        return ctx.reply(204)
    ctx.world.delete_image(g, image)
    return ctx.reply(200)


def list_images(ctx: Ctx) -> Reply:
    g = _gallery(ctx, nested=True)
    return ctx.reply(200, {"value": [_image_body(g, i) for _, i in sorted(g.images.items())]})


IMAGE = {"PUT": put_image, "PATCH": put_image, "GET": get_image, "DELETE": delete_image}

# --- image versions --------------------------------------------------------------------------


def version_answer(
    ctx: Ctx, g: GalleryRec, image: ImageRec, v: VersionRec, expand: bool = False
) -> dict:
    """A version as ARM answers it now ($expand=ReplicationStatus: with each region's state)."""
    state, _ = ctx.world.version_status(v)
    status = ctx.world.replication_status(v) if expand else None
    return version_shapes.version_body(
        g.model,
        image.model,
        v.model,
        g.sub_id,
        v.props,
        v.tags,
        state,
        ctx.world.stamp(v.published),
        status,
    )


def put_version(ctx: Ctx) -> Reply:
    g, image = _image(ctx, nested=True)
    name = ctx.path["version"]
    existing = image.versions.get(name)
    body = ctx.body
    if ctx.method == "PATCH":
        if existing is None:
            _version(ctx)
        body = _merged(version_answer(ctx, g, image, existing, False), body)
    _same_location(ctx, body, g)
    model, props = version_shapes.version_from_body(body, name, g.model, ctx.world.default_size_gb)
    subscription = ctx.world.subscription(ctx.path["sub"])
    version_shapes.check_version(g.model, image.model, model, subscription)
    tags = resources.tags_of(body)
    if existing is None:
        rec = ctx.world.add_version(g, image, model, props, tags)
    else:
        if model.replication_mode != existing.model.replication_mode:
            raise ArmError(
                409,
                "PropertyChangeNotAllowed",
                "Changing property 'galleryImageVersion.properties.publishingProfile."
                "replicationMode' is not allowed.",
            )
        ctx.world.update_version(existing, model, props, tags)
        rec = existing
    op = ctx.server.ops.start(
        g.sub_id,
        g.model.region,
        "version",
        (g.sub_id, g.model.resource_group, g.model.name, image.model.name, rec.model.name),
        ctx.now,
        ctx.api_version,
    )
    ctx.trace["op"] = op.id
    headers = lro.urls(ctx.base_url, op)
    headers["Retry-After"] = lro.poll_after(ctx.server.clock.wall_for_sim(ctx.world.remaining(rec)))
    return ctx.reply(
        201 if existing is None else 200, version_answer(ctx, g, image, rec, False), headers
    )


def get_version(ctx: Ctx) -> Reply:
    g, image, v = _version(ctx)
    expand = ctx.query.get("$expand", "").lower() == "replicationstatus"
    return ctx.reply(200, version_answer(ctx, g, image, v, expand))


def delete_version(ctx: Ctx) -> Reply:
    _g, image = _image(ctx, nested=True)
    v = image.versions.get(ctx.path["version"])
    if v is None:
        return ctx.reply(204)
    ctx.world.delete_version(image, v)
    return ctx.reply(200)


def list_versions(ctx: Ctx) -> Reply:
    g, image = _image(ctx, nested=True)
    return ctx.reply(
        200,
        {
            "value": [
                version_answer(ctx, g, image, v, False) for _, v in sorted(image.versions.items())
            ]
        },
    )


VERSION = {"PUT": put_version, "PATCH": put_version, "GET": get_version, "DELETE": delete_version}
