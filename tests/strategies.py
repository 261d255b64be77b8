"""Hypothesis strategies that build scenarios valid by construction, cross-checks included."""

from __future__ import annotations

from hypothesis import strategies as st

from sim import catalog
from sim.scenario import (
    Gallery,
    ImageDefinition,
    ImageVersion,
    RoleAssignment,
    Scenario,
    Subscription,
    TargetRegion,
    Tenant,
    VmWave,
    Workload,
)

ZONED = sorted(r for r, v in catalog.REGIONS.items() if v.has_zones and not v.restricted)
ALL = sorted(r for r, v in catalog.REGIONS.items() if not v.restricted)
durations = st.one_of(
    st.integers(0, 10**6).map(float), st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
)
names = st.from_regex(r"[a-z][a-z0-9]{0,11}", fullmatch=True)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)


@st.composite
def versions(draw, source: str, index: int) -> ImageVersion:
    others = draw(st.lists(st.sampled_from(ALL), max_size=4, unique=True))
    regions = [source] + [r for r in others if r != source]
    targets = []
    for r in regions:
        zoned = r in ZONED
        storage = draw(
            st.sampled_from(
                [None, "Standard_LRS", "Premium_LRS"] + (["Standard_ZRS"] if zoned else [])
            )
        )
        targets.append(
            TargetRegion(
                region=r,
                replicas=draw(st.none() | st.integers(1, 100)),
                storage=storage,
                exclude_from_latest=draw(st.none() | st.booleans()),
            )
        )
    size = draw(st.floats(0.5, 2048, allow_nan=False))
    return ImageVersion(
        name=f"{draw(st.integers(0, 2**31 - 1))}.{index}.{draw(st.integers(0, 99))}",
        size_gb=size,
        disk_size_gb=draw(st.none() | st.floats(size, 2048)),
        publish_at=draw(durations),
        replicas=draw(st.integers(1, 100)),
        regions=targets,
        exclude_from_latest=draw(st.booleans()),
        end_of_life=draw(st.none() | st.dates()),
    )


@st.composite
def scenarios(draw) -> Scenario:
    """A small valid scenario: one tenant, one gallery, a few images and versions, VM waves."""
    sub_names = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    region = draw(st.sampled_from(ALL))
    image_names = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    images = []
    for i, name in enumerate(image_names):
        vs = [draw(versions(region, j)) for j in range(draw(st.integers(0, 3)))]
        images.append(
            ImageDefinition(
                name=name,
                publisher="pub",
                offer="off",
                sku=f"sku{i}",
                os_type=draw(st.sampled_from(["Linux", "Windows"])),
                description=draw(text),
                versions=vs,
            )
        )
    gallery = Gallery(
        name="gal",
        subscription=sub_names[0],
        region=region,
        images=images,
        description=draw(text),
        soft_delete=draw(st.booleans()),
    )
    waves = [
        VmWave(
            at=draw(durations),
            region=region,
            subscription=draw(st.sampled_from(sub_names)),
            image=f"gal/{img.name}/latest",
            count=draw(st.integers(1, 5000)),
            spread=draw(durations),
        )
        for img in images
        if img.versions
    ]
    return Scenario(
        name=draw(names),
        description=draw(text),
        seed=draw(st.integers(0, 2**63)),
        horizon=draw(durations.filter(lambda x: x >= 1e6)) if draw(st.booleans()) else 1e7,
        guidance=draw(st.sampled_from(["seed", "current"])),
        production=draw(st.booleans()),
        tenants=[Tenant(name="t", subscriptions=[Subscription(name=n) for n in sub_names])],
        galleries=[gallery],
        access=[RoleAssignment(subscription=n, scope="gal") for n in sub_names[1:]],
        workload=Workload(vms=waves),
    )
