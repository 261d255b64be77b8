"""Documented guidance turned into a baseline plan: replicas and storage per version and region.

Replicas [SEED][ACG23][ACG]: one replica for every 20 VMs created concurrently (50 under the
`current` guidance), one replica for each scale set created concurrently, at least 3 for production
images, at most 100 per region [ACG]. Storage [ACG]: Standard_ZRS where the region has availability
zones, Standard_LRS where it has none, Premium_LRS only when asked for.

"Created concurrently" is estimated from the workload (an approximation the simulation then
checks): a VM is being created for about T = mean disk time + mean boot time, so a wave of N VMs
spread over S seconds has min(N, ceil(N x T / S)) at once, capped by the client's concurrency;
Poisson arrivals at rate r have r x T at once (Little's law); a scale set is being created for
ceil(instances / batch) x T. Overlapping waves in a region add up; the peak over time is the
demand."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from acgsim.planner.plan import VersionRegion
from acgsim.sim import catalog
from acgsim.sim.errors import InputError
from acgsim.sim.gallery_models import ImageVersion
from acgsim.sim.naming import version_key
from acgsim.sim.scenario import Scenario
from acgsim.sim.workload import Arrivals, ScaleSetWave, VmWave

MAX_REPLICAS = catalog.LIMITS["replicas"].value


@dataclass
class Demand:
    """What one version must serve in one region: peak concurrency and the waves that make it."""

    version: str  # gallery/image/version
    region: str
    waves: list[str] = field(default_factory=list)
    peak_vms: int = 0
    peak_scale_sets: int = 0
    vm_intervals: list[tuple[float, float, int]] = field(default_factory=list)
    set_intervals: list[tuple[float, float, int]] = field(default_factory=list)


@dataclass
class UnitPlan:
    """The rules' answer for one version in one region, with every reason."""

    version: str
    region: str
    replicas: int
    storage: str
    floor: int  # the fewest replicas the guidance allows
    reasons: list[str]
    warnings: list[str]
    added: bool = False  # the version did not target this region: the plan adds it
    demand: Demand | None = None


def resolve_static(scenario: Scenario, ref: str, region: str) -> str | None:
    """The version a reference means in a region, ignoring replication timing (None if none).
    `latest` is the highest version not excluded there among those replicated to the region, as
    the simulation resolves it (sim.gallery); only when none is, the highest not excluded (the
    one the plan then adds the region to)."""
    gallery, image, version = ref.split("/")
    found = scenario.find_image(gallery, image)
    if found is None:
        return None
    versions = found[1].versions
    if version != "latest":
        return ref
    eligible = _serving(versions, region)
    if not eligible:
        return None
    best = max(eligible, key=lambda v: version_key(v.name))
    return f"{gallery}/{image}/{best.name}"


def _serving(versions: list[ImageVersion], region: str) -> list[ImageVersion]:
    """The versions `latest` may give in a region: those not excluded there that replicate to it,
    or, when none does, every one not excluded (the plan then adds the region to one)."""
    eligible = [v for v in versions if not _excluded(v, region)]
    there = [v for v in eligible if any(t.region == region for t in v.regions)]
    return there or eligible


def resolve_over(
    scenario: Scenario, ref: str, region: str, start: float, end: float
) -> list[tuple[str, float, float]]:
    """The versions a reference means in a region over [start, end], each with its span: for
    `latest`, the highest version published by then among those that may serve the region
    (resolve_static's rule; replication time left to the simulation),
    so a version published during a wave takes over from its publishing time; before any is
    published, or for a named version, what resolve_static says."""
    static = resolve_static(scenario, ref, region)
    gallery, image, version = ref.split("/")
    found = scenario.find_image(gallery, image)
    if static is None or found is None or version != "latest":
        return [] if static is None else [(static, start, end)]
    eligible = sorted(_serving(found[1].versions, region), key=lambda v: v.publish_at)
    spans: list[tuple[str, float, float]] = []
    best = None
    for i, v in enumerate(eligible):
        if best is None or version_key(v.name) > version_key(best.name):
            best = v
        until = eligible[i + 1].publish_at if i + 1 < len(eligible) else math.inf
        a, b = max(start, v.publish_at), min(end, until)
        name = f"{gallery}/{image}/{best.name}"
        if spans and spans[-1][0] == name and spans[-1][2] == a:  # an older line's hotfix
            spans[-1] = (name, spans[-1][1], max(b, a))
        elif a < b or (a == b == start and v.publish_at <= start < until):
            spans.append((name, a, b))
    return spans or [(static, start, end)]


def _excluded(v: ImageVersion, region: str) -> bool:
    target = next((t for t in v.regions if t.region == region), None)
    return v.excluded_in(target) if target is not None else v.exclude_from_latest


def creation_time(scenario: Scenario, size_gb: float) -> float:
    """Mean seconds to create one VM: disk from a replica plus boot (queueing excluded)."""
    p = scenario.model
    return p.disk.base + p.disk.per_gb * size_gb + p.boot.mean


def _peak(intervals: list[tuple[float, float, int]]) -> int:
    events = sorted(
        [(a, level) for a, _, level in intervals] + [(b, -level) for _, b, level in intervals],
        key=lambda e: (e[0], e[1]),
    )
    level = peak = 0
    for _, change in events:
        level += change
        peak = max(peak, level)
    return peak


def demands(scenario: Scenario) -> dict[VersionRegion, Demand]:
    """Peak concurrent VMs and scale sets per (version, region) the workload uses."""
    out: dict[VersionRegion, Demand] = {}
    sizes = {x.ref: x.version.size_gb for x in scenario.versions()}
    batch = scenario.model.vmss_batch
    for key, wave, _ in scenario.waves():
        if wave.at >= scenario.horizon:
            continue  # never submitted: the run stops at its horizon
        last = wave.at + wave.duration if isinstance(wave, Arrivals) else wave.at
        last = min(last, scenario.horizon)
        for version, begin, end in resolve_over(scenario, wave.image, wave.region, wave.at, last):
            d = out.setdefault((version, wave.region), Demand(version, wave.region))
            d.waves.append(key)
            _add(d, wave, begin, end, creation_time(scenario, sizes[version]), batch)
    for d in out.values():
        d.peak_vms, d.peak_scale_sets = _peak(d.vm_intervals), _peak(d.set_intervals)
    return out


def _add(d: Demand, wave, begin: float, end: float, t: float, batch: int) -> None:
    """A wave's share of a version's demand: the part of it, from `begin` to `end` (an arrival
    stream's span, split where `latest` changes), that this version serves."""
    if isinstance(wave, VmWave):
        level = wave.count if wave.spread <= t else math.ceil(wave.count * t / wave.spread)
        level = min(wave.count, level, wave.concurrency or wave.count)
        d.vm_intervals.append((wave.at, wave.at + wave.spread + t, level))
    elif isinstance(wave, Arrivals):
        level = math.ceil(wave.rate_per_min / 60.0 * t)
        d.vm_intervals.append((begin, end + t, level))
    elif isinstance(wave, ScaleSetWave):
        t_set = math.ceil(wave.instances / batch) * t
        level = wave.count if wave.spread <= t_set else math.ceil(wave.count * t_set / wave.spread)
        d.set_intervals.append((wave.at, wave.at + wave.spread + t_set, min(wave.count, level)))


def replicas_for(
    vms: int, scale_sets: int, production: bool, guidance: str, combine: str = "max"
) -> tuple[int, int, list[str], list[str]]:
    """Replicas for a peak of VMs and scale sets created at once: (count, floor, reasons, warnings).

    The floor is what the guidance asks for; the count is the same, capped at the limit of 100.
    VMs and scale sets combine by `combine` (model.guidance_combination): the larger, or the sum.
    """
    g = catalog.GUIDANCE[guidance]
    reasons: list[str] = []
    by_vms = math.ceil(vms / g.vms_per_replica)
    need = max(by_vms + scale_sets if combine == "sum" else max(by_vms, scale_sets), 1)
    if vms:
        reasons.append(
            f"{vms:,} VMs created at once / {g.vms_per_replica} per replica = {by_vms} "
            f"[{g.name} guidance: {g.source}]"
        )
    if scale_sets:
        reasons.append(f"{scale_sets} scale sets created at once: one replica each [SEED; ACG23]")
    decisive = 0  # the reason that sets the count comes first (a plan shows the first)
    if vms and scale_sets:
        how = f"added, {by_vms} + {scale_sets} = {need}" if combine == "sum" else "the larger taken"
        reasons.append(f"VMs and scale sets: {how} (model.guidance_combination: {combine})")
        if combine == "sum":
            decisive = len(reasons) - 1
        elif scale_sets > by_vms:
            decisive = 1
    if production:
        if need < catalog.PRODUCTION_MIN_REPLICAS:
            decisive = len(reasons)
        need = max(need, catalog.PRODUCTION_MIN_REPLICAS)
        reasons.append(
            f"production image: at least {catalog.PRODUCTION_MIN_REPLICAS} replicas [ACG]"
        )
    if reasons:
        reasons.insert(0, reasons.pop(decisive))
    if not vms and not scale_sets and not production:
        reasons.append("no workload here: the minimum, 1 replica")
    warnings = []
    if need > MAX_REPLICAS:
        warnings.append(
            f"needs {need} replicas but a version holds at most {MAX_REPLICAS} per region [ACG]: "
            "stagger the waves, or split the workload across image versions or galleries"
        )
        need = MAX_REPLICAS
    return need, need, reasons, warnings


def storage_for(
    region: str, zone_resilience: bool, premium: bool
) -> tuple[str, list[str], list[str]]:
    """Storage type for a region: (type, reasons, warnings)."""
    zoned = catalog.REGIONS[region].has_zones
    if premium:
        warn = (
            [
                f"{region}: Premium_LRS replicas are zonal and fail with their zone; zone "
                "resilience needs Standard_ZRS"
            ]
            if zone_resilience and zoned
            else []
        )
        return "Premium_LRS", ["Premium_LRS as asked for"], warn
    if zoned:
        return (
            "Standard_ZRS",
            [f"{region} has availability zones: Standard_ZRS survives a zone loss [ACG]"],
            [],
        )
    warn = (
        [f"{region} has no availability zones: zone resilience cannot be met there"]
        if zone_resilience
        else []
    )
    return "Standard_LRS", [f"{region} has no availability zones: Standard_LRS [ACG][TS]"], warn


def baseline(scenario: Scenario, premium: bool = False) -> list[UnitPlan]:
    """The rules' plan for every version and region the workload or the publishing profile uses."""
    need = demands(scenario)
    units: list[UnitPlan] = []
    shallow_warnings: list[str] = []
    for ref, g, _, v in scenario.versions():
        targets = {t.region: t for t in v.regions}
        wanted = {r for (x, r) in need if x == ref}
        if v.replication_mode == "Shallow":  # serves its source region only [SIG]
            for region in sorted(wanted - set(targets)):
                need.pop((ref, region))
                shallow_warnings.append(
                    f"{ref} is Shallow: it serves {g.region} only, so requests in "
                    f"{region} fail; publish a Full version to deploy there"
                )
            wanted &= set(targets)
        for region in sorted(set(targets) | wanted):
            units.append(
                _unit(
                    scenario, v, ref, region, targets.get(region), need.get((ref, region)), premium
                )
            )
    if shallow_warnings and units:
        units[0].warnings.extend(shallow_warnings)
    return units


def _unit(
    scenario: Scenario,
    v: ImageVersion,
    ref: str,
    region: str,
    target,
    demand: Demand | None,
    premium: bool,
) -> UnitPlan:
    vms = demand.peak_vms if demand else 0
    sets = demand.peak_scale_sets if demand else 0
    count, floor, reasons, warnings = replicas_for(
        vms, sets, scenario.production, scenario.guidance, scenario.model.guidance_combination
    )
    asked = premium or (target is not None and v.storage_in(target) == "Premium_LRS")
    storage, why, warn = storage_for(region, scenario.objectives.zone_resilience, asked)
    if v.replication_mode == "Shallow":
        count, floor = 1, 1
        reasons = ["Shallow replication: one replica in the source region [SIG]"]
        if scenario.production:
            warnings = [
                *warnings,
                f"{ref} is Shallow, meant for test images [SIG]: a production "
                "image needs Full replication and at least 3 replicas [ACG]",
            ]
    unit = UnitPlan(
        ref,
        region,
        count,
        storage,
        floor,
        reasons + why,
        warnings + warn,
        added=target is None,
        demand=demand,
    )
    if target is None:
        unit.reasons.insert(0, "the workload deploys here, so the plan adds this target region")
    return unit


def recommend(
    vms: int,
    scale_sets: int = 0,
    region: str | None = None,
    *,
    production: bool = False,
    guidance: str = catalog.DEFAULT_GUIDANCE,
    zone_resilience: bool = False,
    premium: bool = False,
) -> dict:
    """Replicas and storage for one burst from the guidance alone, with every reason."""
    if guidance not in catalog.GUIDANCE:
        raise InputError(f"--guidance: '{guidance}' is not a guidance profile; use seed or current")
    count, _, reasons, warnings = replicas_for(vms, scale_sets, production, guidance)
    if region is not None:
        storage, why, warn = storage_for(known_region(region), zone_resilience, premium)
    else:
        storage = (
            "Premium_LRS"
            if premium
            else "Standard_ZRS where the region has zones, else Standard_LRS"
        )
        why, warn = ["give --region to choose between ZRS and LRS [ACG]"], []
    return {
        "replicas": count,
        "storage": storage,
        "guidance": guidance,
        "reasons": reasons + why,
        "warnings": warnings + warn,
    }


def known_region(text: str, option: str = "--region") -> str:
    """A region as the user typed it ('West Europe', 'westeurope'), checked and normalised."""
    name = catalog.normalize_region(text.strip())
    if name not in catalog.REGIONS:
        raise InputError(f"{option}: unknown Azure region '{text}' (`acgsim regions` lists them)")
    return name
