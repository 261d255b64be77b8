"""ARM shapes of the resources `acgsim serve` holds: request bodies in, response bodies out.

Written from the REST API specification [SPEC] (Microsoft.Compute GalleryRP 2025-03-03: Gallery,
GalleryImage, GalleryImageVersion with publishingProfile, storageProfile and replicationStatus)
and ARM's common types (the CloudError shape `{"error": {"code", "message", "target"}}`). A body
is read into the scenario's own models (sim.scenario), so a name, a region or a replica count Azure
would refuse is refused with the words the scenario loader uses, and Azure's message where
sim.refusals has one; rules that span fields (duplicate regions, the source region, ZRS without
zones, image size, Shallow, identifiers unique within a gallery) are sim.checks run on the gallery
as it would be. ARM gives such mistakes HTTP 400; the code is InvalidParameter where the service's
own code is not published (an assumption: the troubleshooting page quotes messages, not codes).

Only what the simulation uses is typed; other properties the client sends (eula, recommended,
purchasePlan, ...) are echoed back as sent, bounded by the request size limit.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import ValidationError

from acgsim.sim import catalog, checks
from acgsim.sim.errors import Problem, problem
from acgsim.sim.gallery_models import Gallery, ImageDefinition
from acgsim.sim.loader import pydantic_problems
from acgsim.sim.scenario import Scenario, Subscription, Tenant

PROVIDER = "Microsoft.Compute"
NEW_DEFAULTS_API = "2025-03-03"  # new definitions default to V2 + TrustedLaunchSupported [SIG]
SIZE_TAG = "acgsim-size-gb"  # a version's occupied size (the source is not simulated)


class ArmError(Exception):
    """An answer in ARM's error shape: HTTP status, Azure's code, message, optional target."""

    def __init__(self, status: int, code: str, message: str, target: str | None = None, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.target = status, code, message, target
        self.extra = extra  # details, headers

    def body(self) -> dict:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target:
            error["target"] = self.target
        if self.extra.get("details"):
            error["details"] = self.extra["details"]
        return {"error": error}


def bad(message: str, target: str | None = None) -> ArmError:
    return ArmError(400, "InvalidParameter", message, target)


def from_problem(p: Problem, fields: dict[str, str]) -> ArmError:
    """A scenario Problem as ARM's 400, its target the ARM property the field came from."""
    target = _target(p.path, fields)
    text = p.azure or p.message
    if p.azure and p.message:
        text = f"{p.azure} (acgsim: {p.message})"
    return bad(text, target)


def _target(path: tuple, fields: dict[str, str]) -> str:
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(("." if out else "") + fields.get(str(part), str(part)))
    return "".join(out)


def _obj(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad(f"'{where}' must be a JSON object", where)
    return value


def _validate(model: type, data: dict, fields: dict[str, str]):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_problem(pydantic_problems(exc, data, model)[0], fields) from None


def _check(
    scenario_galleries: list[Gallery], subscription: str, fields: dict[str, str], depth: int
) -> None:
    """sim.checks on a gallery as it would be: the first error becomes a 400 whose target drops
    the first `depth` parts of the scenario path (galleries[0].images[0]...)."""
    s = Scenario(
        name="serve-check",
        tenants=[Tenant(name="t", subscriptions=[Subscription(name=subscription)])],
        galleries=scenario_galleries,
    )
    for p in checks.check(s):
        if p.severity == "error":
            raise from_problem(Problem(p.path[depth:], p.message, p.azure), fields)


# --- galleries -------------------------------------------------------------------------------

GALLERY_FIELDS = {"name": "name", "region": "location", "description": "properties.description"}
PERMISSIONS = {"Private": "private", "Groups": "groups", "Community": "community"}


def gallery_from_body(
    body: dict, name: str, subscription: str, resource_group: str, api_version: str
) -> tuple[Gallery, dict]:
    """A Gallery model and the properties to echo, from a PUT body."""
    props = _obj(body.get("properties"), "properties")
    sharing = _obj(props.get("sharingProfile"), "properties.sharingProfile")
    permissions = sharing.get("permissions", "Private")
    if not isinstance(permissions, str) or permissions not in PERMISSIONS:
        raise bad(
            f"The value {_quoted(permissions)} of sharingProfile.permissions is not allowed: "
            "Private, Groups or Community",
            "properties.sharingProfile.permissions",
        )
    info = _obj(sharing.get("communityGalleryInfo"), "communityGalleryInfo")
    data = {
        "name": name,
        "subscription": subscription,
        "resource_group": resource_group,
        "region": _location(body),
        "description": props.get("description", ""),
        "sharing": {
            "mode": PERMISSIONS[permissions],
            "prefix": info.get("publicNamePrefix"),
            "publisher_email": info.get("publisherContact"),
            "publisher_uri": info.get("publisherUri"),
            "eula": info.get("eula"),
        },
        "soft_delete": bool(
            _obj(props.get("softDeletePolicy"), "softDeletePolicy").get("isSoftDeleteEnabled")
        ),
    }
    return _validate(Gallery, data, GALLERY_FIELDS), props


def gallery_body(
    g: Gallery, sub_id: str, props: dict, tags: dict, public_name: str, groups: list[dict]
) -> dict:
    """A gallery as ARM answers it; `groups`: whom it is shared with (sharingProfile.groups)."""
    out = dict(props)
    out["identifier"] = {"uniqueName": f"{sub_id}-{g.name.upper()}"}
    out["provisioningState"] = "Succeeded"
    sharing = dict(out.get("sharingProfile") or {})
    sharing["permissions"] = {v: k for k, v in PERMISSIONS.items()}[g.sharing.mode]
    sharing.pop("groups", None)
    if groups:
        sharing["groups"] = groups
    if g.sharing.mode == "community":
        sharing.setdefault("communityGalleryInfo", {})["publicNames"] = [public_name]
    out["sharingProfile"] = sharing
    return _resource(
        _id(sub_id, g.resource_group, f"galleries/{g.name}"),
        g.name,
        f"{PROVIDER}/galleries",
        g.region,
        tags,
        out,
    )


# --- image definitions -----------------------------------------------------------------------

IMAGE_FIELDS = {
    "name": "name",
    "publisher": "properties.identifier.publisher",
    "offer": "properties.identifier.offer",
    "sku": "properties.identifier.sku",
    "os_type": "properties.osType",
    "os_state": "properties.osState",
    "hyperv_generation": "properties.hyperVGeneration",
    "architecture": "properties.architecture",
    "security_type": "properties.features",
    "description": "properties.description",
    "end_of_life": "properties.endOfLifeDate",
}


def image_from_body(body: dict, name: str, api_version: str) -> tuple[ImageDefinition, dict]:
    """An ImageDefinition model and the properties to echo, from a PUT body."""
    props = _obj(body.get("properties"), "properties")
    ident = _obj(props.get("identifier"), "properties.identifier")
    new = api_version >= NEW_DEFAULTS_API
    features = props.get("features") or []
    if not isinstance(features, list):
        raise bad("'properties.features' must be a list", "properties.features")
    security = next(
        (
            f.get("value")
            for f in features
            if isinstance(f, dict) and f.get("name") == "SecurityType"
        ),
        None,
    )
    data = {
        "name": name,
        "publisher": ident.get("publisher"),
        "offer": ident.get("offer"),
        "sku": ident.get("sku"),
        "os_type": _canon(props.get("osType"), ("Linux", "Windows")),
        "os_state": _canon(props.get("osState"), ("Generalized", "Specialized")),
        "hyperv_generation": _canon(
            props.get("hyperVGeneration", "V2" if new else "V1"), ("V1", "V2")
        ),
        "architecture": _canon(props.get("architecture", "x64"), ("x64", "Arm64")),
        "security_type": security or ("TrustedLaunchSupported" if new else "Standard"),
        "description": props.get("description", ""),
        "end_of_life": _date(props.get("endOfLifeDate")),
    }
    return _validate(
        ImageDefinition, {k: v for k, v in data.items() if v is not None}, IMAGE_FIELDS
    ), props


def image_body(g: Gallery, d: ImageDefinition, sub_id: str, props: dict, tags: dict) -> dict:
    """An image definition as ARM answers it."""
    out = dict(props)
    out.update(
        identifier={"publisher": d.publisher, "offer": d.offer, "sku": d.sku},
        osType=d.os_type,
        osState=d.os_state,
        hyperVGeneration=d.hyperv_generation,
        architecture=d.architecture,
        provisioningState="Succeeded",
    )
    features = [f for f in out.get("features") or [] if f.get("name") != "SecurityType"]
    if d.security_type != "Standard":
        features.append({"name": "SecurityType", "value": d.security_type})
    if features:
        out["features"] = features
    return _resource(
        _id(sub_id, g.resource_group, f"galleries/{g.name}/images/{d.name}"),
        d.name,
        f"{PROVIDER}/galleries/images",
        g.region,
        tags,
        out,
    )


def check_image(g: Gallery, images: list[ImageDefinition], subscription: str) -> None:
    """Identifier uniqueness and generation rules across the gallery's definitions [SIG][TS]."""
    _check([g.model_copy(update={"images": images})], subscription, IMAGE_FIELDS, 4)


# --- shared ----------------------------------------------------------------------------------


def _id(sub_id: str, rg: str, rest: str) -> str:
    return f"/subscriptions/{sub_id}/resourceGroups/{rg}/providers/{PROVIDER}/{rest}"


def _resource(rid: str, name: str, kind: str, location: str, tags: dict, props: dict) -> dict:
    body = {"id": rid, "name": name, "type": kind, "location": location}
    if tags:
        body["tags"] = tags
    body["properties"] = props
    return body


def _location(body: dict) -> Any:
    location = body.get("location")
    if not isinstance(location, str) or not location:
        raise ArmError(
            400,
            "LocationRequired",
            "The location property is required for this definition.",
            "location",
        )
    return location


def location_of(body: dict) -> str:
    """The body's location as acgsim's region name, or ARM's 400."""
    text = _location(body)
    name = catalog.normalize_region(text)
    if name not in catalog.REGIONS:
        problem_ = problem(("location",), "UnknownRegion", region=text, hint="")
        raise ArmError(400, "LocationNotAvailableForResourceType", problem_.message, "location")
    return name


def tags_of(body: dict) -> dict:
    """The resource's tags: at most 50 string pairs, as ARM allows."""
    tags = _obj(body.get("tags"), "tags")
    if len(tags) > 50 or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise bad("tags: at most 50 name/value pairs of strings", "tags")
    return tags


STORAGE = ("Standard_LRS", "Standard_ZRS", "Premium_LRS")


def _quoted(value: Any, most: int = 80) -> str:
    """A value as an error message quotes it: 'text' (cut past `most` characters), or its JSON
    type in brackets when it is not text."""
    if not isinstance(value, str):
        kinds = {list: "an array", dict: "an object", bool: "a boolean", type(None): "null"}
        return f"({kinds.get(type(value), 'a number')})"
    return f"'{value[:most]}...'" if len(value) > most else f"'{value}'"


def _canon(value: Any, allowed: tuple[str, ...]) -> Any:
    """ARM's enums are case-insensitive (az sends standard_zrs): the canonical spelling."""
    if isinstance(value, str):
        for name in allowed:
            if value.lower() == name.lower():
                return name
    return value


def _date(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def public_name(g: Gallery) -> str:
    """A community gallery's public name: its prefix and a GUID, as Azure makes them [SPEC]."""
    return f"{g.sharing.prefix or g.name}-{stable_uuid('community', g.name)}".lower()


def stable_uuid(*parts: str) -> str:
    """A UUID derived from names only: the same request sequence gives the same ids."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "acgsim-serve/" + "/".join(parts)))
