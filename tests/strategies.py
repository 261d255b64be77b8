"""Hypothesis strategies that build scenarios valid by construction, cross-checks included."""

from __future__ import annotations

from hypothesis import strategies as st

from acgsim.sim import catalog
from acgsim.sim.fault_models import RegionOutage, ReplicationFailure, ZoneOutage
from acgsim.sim.gallery_models import Gallery, ImageDefinition, ImageVersion, Sharing, TargetRegion
from acgsim.sim.objectives import Objectives, Prices, RegionObjective
from acgsim.sim.params import ModelParams
from acgsim.sim.scenario import RoleAssignment, Scenario, Subscription, Tenant
from acgsim.sim.service_params import DiskTime, Dist
from acgsim.sim.workload import Arrivals, ScaleSetWave, VmWave, Workload

ZONED = sorted(r for r, v in catalog.REGIONS.items() if v.has_zones and not v.restricted)
ALL = sorted(r for r, v in catalog.REGIONS.items() if not v.restricted)
durations = st.one_of(
    st.integers(0, 10**6).map(float),
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    st.integers(0, 10**6).map(lambda ms: ms / 1000),
)
names = st.from_regex(r"[a-z][a-z0-9]{0,11}", fullmatch=True)
# Free text a scenario accepts: no control characters, and not starting with '@' (az would read
# the file it names: refused at validation, tests/hostile covers it).
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40).filter(
    lambda t: not t.startswith("@")
)


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


positive = st.floats(1e-3, 1e6, allow_nan=False, allow_infinity=False)
ids = st.none() | st.uuids()


@st.composite
def params(draw) -> ModelParams:
    """Model overrides: a few fields changed, the rest left at their defaults."""
    return ModelParams(
        replica_concurrency=draw(st.none() | st.integers(1, 200)),
        replica_selection=draw(st.sampled_from(["least_loaded", "round_robin", "random"])),
        disk=DiskTime(
            dist=draw(st.sampled_from(["fixed", "exponential", "lognormal"])),
            base=draw(durations),
            per_gb=draw(durations),
            cv=draw(st.floats(0, 5)),
        ),
        boot=Dist(mean=draw(durations), cv=draw(st.floats(0, 5))),
        storage={"ssd": {"disk_speedup": draw(st.floats(0.1, 10))}},
        throttling=draw(st.booleans()),
        arm_limits=draw(st.sampled_from(["bucket", "hourly"])),
        sample_interval=draw(st.floats(1, 1e6)),  # at most 10 million samples in the 1e7 s horizon
    )


@st.composite
def scenarios(draw) -> Scenario:
    """A small valid scenario touching every part of the format."""
    sub_names = draw(st.lists(names, min_size=2, max_size=4, unique=True))
    region = draw(st.sampled_from(ALL))
    zoned = draw(st.sampled_from(ZONED))
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
                os_state=draw(st.sampled_from(["Generalized", "Specialized"])),
                architecture=draw(st.sampled_from(["x64", "Arm64"])),
                description=draw(text),
                end_of_life=draw(st.none() | st.dates()),
                versions=vs,
            )
        )
    mode = draw(st.sampled_from(["private", "groups", "community"]))
    sharing = Sharing(
        mode=mode,
        subscriptions=sub_names[1:2] if mode == "groups" else [],
        tenants=["t2"] if mode == "groups" else [],
    )
    gallery = Gallery(
        name="gal",
        subscription=sub_names[0],
        region=region,
        images=images,
        description=draw(text),
        soft_delete=draw(st.booleans()),
        sharing=sharing,
    )
    with_versions = [img for img in images if img.versions]
    refs = (
        st.sampled_from(
            [f"gal/{img.name}/latest" for img in with_versions]
            + [f"gal/{img.name}/{v.name}" for img in with_versions for v in img.versions]
        )
        if with_versions
        else None
    )
    subs = st.sampled_from(sub_names)
    workload = Workload()
    if refs is not None:
        workload = Workload(
            vms=[
                VmWave(
                    at=draw(durations),
                    region=region,
                    subscription=draw(subs),
                    image=draw(refs),
                    count=draw(st.integers(1, 5000)),
                    spread=draw(durations),
                    concurrency=draw(st.none() | st.integers(1, 50)),
                    name=draw(st.none() | names),
                )
                for _ in range(draw(st.integers(0, 2)))
            ],
            scale_sets=[
                ScaleSetWave(
                    at=draw(durations),
                    region=region,
                    subscription=draw(subs),
                    image=draw(refs),
                    count=draw(st.integers(1, 5)),
                    instances=draw(st.integers(1, 1000)),
                    orchestration=draw(st.sampled_from(["Uniform", "Flexible"])),
                )
                for _ in range(draw(st.integers(0, 2)))
            ],
            arrivals=[
                Arrivals(
                    at=draw(durations),
                    region=region,
                    subscription=draw(subs),
                    image=draw(refs),
                    rate_per_min=draw(st.floats(1e-3, 50)),  # under 10 million in 1e7 s
                    duration=draw(durations),
                )
                for _ in range(draw(st.integers(0, 2)))
            ],
        )
    faults = [
        ZoneOutage(
            kind="zone_outage",
            region=zoned,
            zone=draw(st.sampled_from([1, 2, 3])),
            at=draw(durations),
            duration=draw(durations),
        ),
        RegionOutage(
            kind="region_outage", region=region, at=draw(durations), duration=draw(durations)
        ),
        ReplicationFailure(
            kind="replication_failure", region=region, probability=draw(st.floats(0, 1))
        ),
    ]
    objectives = Objectives(
        p95=draw(st.none() | positive),
        regions={region: RegionObjective(p95=draw(positive))},
        max_failure_rate=draw(st.none() | st.floats(0, 1)),
        zone_resilience=draw(st.booleans()),
        monthly_budget_usd=draw(st.none() | st.floats(0, 1e6)),
    )
    prices = draw(
        st.none()
        | st.just(
            Prices(
                as_of=draw(st.dates()),
                source=draw(text),
                storage_per_gb_month={"Standard_LRS": draw(st.floats(0, 1))},
                egress_per_gb=draw(st.none() | st.floats(0, 1)),
            )
        )
    )
    return Scenario(
        name=draw(names),
        description=draw(text),
        seed=draw(st.integers(0, 2**63)),
        horizon=1e7,
        guidance=draw(st.sampled_from(["seed", "current"])),
        production=draw(st.booleans()),
        tenants=[
            Tenant(
                name="t",
                id=draw(ids),
                subscriptions=[Subscription(name=n, id=draw(ids)) for n in sub_names],
            ),
            Tenant(name="t2", subscriptions=[Subscription(name="other")]),
        ],
        galleries=[gallery],
        access=[RoleAssignment(subscription=n, scope="gal") for n in sub_names[1:]]
        + [RoleAssignment(tenant="t2", scope=f"gal/{image_names[0]}", role="Contributor")],
        workload=workload,
        faults=faults,
        model=draw(params()),
        objectives=objectives,
        prices=prices,
    )
