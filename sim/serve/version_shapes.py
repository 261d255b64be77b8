"""ARM shapes of gallery image versions [SPEC] (GalleryImageVersion 2025-03-03: publishingProfile
with targetRegions, storageProfile, replicationStatus): a PUT body read into the scenario's
ImageVersion (validated as the scenario loader validates, then sim.checks' publishing-profile
rules), and the version as ARM answers it. See sim.serve.resources for the conventions.
"""

from __future__ import annotations

from acgsim.sim import catalog
from acgsim.sim.gallery_models import Gallery, ImageDefinition, ImageVersion
from acgsim.sim.serve.resources import (
    PROVIDER,
    SIZE_TAG,
    STORAGE,
    _canon,
    _check,
    _date,
    _id,
    _obj,
    _resource,
    _validate,
    bad,
)

VERSION_FIELDS = {
    "name": "name",
    "size_gb": f"tags.{SIZE_TAG}",
    "disk_size_gb": f"tags.{SIZE_TAG}",
    "regions": "properties.publishingProfile.targetRegions",
    "region": "name",
    "replicas": "regionalReplicaCount",
    "storage": "storageAccountType",
    "exclude_from_latest": "excludeFromLatest",
    "replication_mode": "properties.publishingProfile.replicationMode",
    "end_of_life": "properties.publishingProfile.endOfLifeDate",
}


def version_from_body(
    body: dict, name: str, gallery: Gallery, default_size_gb: float
) -> tuple[ImageVersion, dict]:
    """An ImageVersion model and the properties to echo, from a PUT body."""
    props = _obj(body.get("properties"), "properties")
    pub = _obj(props.get("publishingProfile"), "properties.publishingProfile")
    storage = _obj(props.get("storageProfile"), "properties.storageProfile")
    _obj(storage.get("osDiskImage"), "properties.storageProfile.osDiskImage")
    targets = pub.get("targetRegions")
    if targets is None:  # no target regions: the source region only
        targets = [{"name": gallery.region}]
    if not isinstance(targets, list):
        raise bad("'targetRegions' must be a list", VERSION_FIELDS["regions"])
    regions = []
    for i, t in enumerate(targets):
        t = _obj(t, f"{VERSION_FIELDS['regions']}[{i}]")
        regions.append(
            {
                "region": t.get("name"),
                "replicas": t.get("regionalReplicaCount"),
                "storage": _canon(t.get("storageAccountType"), STORAGE),
                "exclude_from_latest": t.get("excludeFromLatest"),
            }
        )
    size = (_obj(body.get("tags"), "tags") or {}).get(SIZE_TAG, default_size_gb)
    try:
        size = float(size)
    except (TypeError, ValueError):
        raise bad(
            f"tag {SIZE_TAG} must be a number of GB, not {size!r}", f"tags.{SIZE_TAG}"
        ) from None
    data = {
        "name": name,
        "size_gb": size,
        "replication_mode": _canon(pub.get("replicationMode", "Full"), ("Full", "Shallow")),
        "replicas": pub.get("replicaCount", 1),
        "storage": _canon(pub.get("storageAccountType", catalog.DEFAULT_STORAGE), STORAGE),
        "regions": [{k: v for k, v in r.items() if v is not None} for r in regions],
        "exclude_from_latest": pub.get("excludeFromLatest", False),
        "end_of_life": _date(pub.get("endOfLifeDate")),
    }
    version = _validate(
        ImageVersion, {k: v for k, v in data.items() if v is not None}, VERSION_FIELDS
    )
    return version, props


def check_version(g: Gallery, d: ImageDefinition, v: ImageVersion, subscription: str) -> None:
    """sim.checks' publishing-profile rules on the version [TS][SIG]."""
    image = d.model_copy(update={"versions": [v]})
    _check([g.model_copy(update={"images": [image]})], subscription, VERSION_FIELDS, 6)


def version_body(
    g: Gallery,
    d: ImageDefinition,
    v: ImageVersion,
    sub_id: str,
    props: dict,
    tags: dict,
    provisioning: str,
    published: str,
    status: dict | None,
) -> dict:
    """An image version as ARM answers it; `status` is the replicationStatus ($expand)."""
    out = dict(props)
    pub = dict(out.get("publishingProfile") or {})
    pub.update(
        targetRegions=[
            {
                "name": t.region,
                "regionalReplicaCount": v.replicas_in(t),
                "storageAccountType": v.storage_in(t),
                "excludeFromLatest": v.excluded_in(t),
            }
            for t in v.regions
        ],
        replicaCount=v.replicas,
        storageAccountType=v.storage,
        replicationMode=v.replication_mode,
        excludeFromLatest=v.exclude_from_latest,
        publishedDate=published,
    )
    out["publishingProfile"] = pub
    storage = dict(out.get("storageProfile") or {})
    disk = dict(storage.get("osDiskImage") or {})
    disk.setdefault("hostCaching", "ReadOnly")
    disk["sizeInGB"] = int(-(-v.source_size_gb // 1))
    storage["osDiskImage"] = disk
    out["storageProfile"] = storage
    out["provisioningState"] = provisioning
    if status is not None:
        out["replicationStatus"] = status
    return _resource(
        _id(sub_id, g.resource_group, f"galleries/{g.name}/images/{d.name}/versions/{v.name}"),
        v.name,
        f"{PROVIDER}/galleries/images/versions",
        g.region,
        tags,
        out,
    )
