"""Where time to running goes, and what sets a region's p95.

Every request that runs has its time to running split into six parts that sum to it exactly (a law
the tests check on every request): refused at the front door and waiting to retry (`throttled`:
HTTP 429 Retry-After, or the region down), a scale-set instance waiting for its set's earlier
batches to create their disks (`batches`), queued for a replica slot (`queued`: its own wait, and
for a scale-set instance the queuing of its set's earlier batches), creating its OS disk (`disk`),
disk work lost with a replica and the backoff before trying again (`lost_replica`), and boot.

A region's p95 is set by its slowest requests: those at or above the p95 (the tail). The part that
takes most of the tail's time, and the wave most of the tail comes from, are named with the
assumption or limit behind them and the levers that would move them. Replicas can only shorten
the queuing and the losses: when those are a small share of the tail, more replicas cannot help.
"""

from __future__ import annotations

import numpy as np

from acgsim.sim import catalog
from acgsim.sim.metrics import WaveStats, in_order, quantiles, quantiles_all
from acgsim.sim.scenario import Scenario
from acgsim.sim.units import human_duration

PARTS = ("throttled", "batches", "queued", "disk", "lost_replica", "boot")
"""The parts of a time to running, in the order of metrics.Request.parts."""
REPLICA_PARTS = ("queued", "lost_replica")  # what more replicas can shorten
HELPS = 0.10  # replicas can help when the parts they shorten are at least this share of the tail
# (an acgsim threshold for the explanation only; the planner decides by simulation)


def _r(x: float) -> float:
    return round(float(x), 3)


def wave_rows(stats: WaveStats) -> tuple[np.ndarray, np.ndarray]:
    """A wave's times to running, and its parts as a (requests, 6) float64 array."""
    ttr = np.frombuffer(stats.ttr, dtype=np.float64)
    parts = np.frombuffer(stats.parts, dtype=np.float32).reshape(-1, len(PARTS))
    return ttr, parts.astype(np.float64)


def _means(parts: np.ndarray) -> dict[str, float]:
    if len(parts) == 0:
        return {}
    return {name: _r(x) for name, x in zip(PARTS, parts.mean(axis=0), strict=True)}


def wave_summary(scenario: Scenario, key: str, stats: WaveStats, cut: float | None) -> dict:
    """One wave's figures; `cut` is its region's p95 (the wave's share of the tail above it)."""
    ref = scenario.wave(key)
    ttr, parts = wave_rows(stats)
    ordered = in_order(stats.ttr)
    q = quantiles(stats.ttr, ordered)
    failed = sum(stats.failed.values())
    tail = 0 if cut is None else int((ttr >= cut).sum())
    return {
        "wave": display_name(ref),
        "key": key,
        "region": stats.region,
        "image": ref.wave.image,
        "scale_sets": getattr(ref.wave, "count", None) if ref.kind == "scale_sets" else None,
        "instances": getattr(ref.wave, "instances", None),
        "requests": stats.requests,
        "succeeded": stats.succeeded,
        "failed": failed,
        "failure_rate": _r(failed / stats.requests) if stats.requests else 0.0,
        "ttr_p50_s": q["p50"],
        "ttr_p95_s": q["p95"],
        "ttr_all_p95_s": quantiles_all(ordered, stats.requests - stats.succeeded)["p95"],
        "parts_mean_s": _means(parts),
        "tail_requests": tail,
    }


def wave_order(key: str) -> tuple[int, int]:
    """Waves in the scenario's order: VM waves, scale-set waves, arrival streams, by index."""
    kind, index = key.split("/")
    return (("vms", "scale_sets", "arrivals").index(kind), int(index))


def display_name(ref) -> str:
    """A wave's name, or the name the engine gives an unnamed one ("vms[0]")."""
    return ref.wave.name or f"{ref.kind}[{ref.index}]"


def region_tail(waves: list[tuple[WaveStats, str]], cut: float | None) -> dict[str, float]:
    """The mean of each part over the region's requests at or above its p95."""
    if cut is None:
        return {}
    chosen = []
    for stats, _ in waves:
        ttr, parts = wave_rows(stats)
        chosen.append(parts[ttr >= cut])
    tail = np.concatenate(chosen) if chosen else np.empty((0, len(PARTS)))
    return _means(tail)


def region_p95(ttr) -> float | None:
    """The region's p95 time to running, unrounded (the tail's lower edge)."""
    if len(ttr) == 0:
        return None
    return float(np.percentile(np.frombuffer(ttr, dtype=np.float64), 95))


def bottleneck(
    scenario: Scenario,
    region: str,
    tail: dict[str, float],
    waves: list[dict],
    refused_429: int | None = None,
):
    """What sets the region's p95, or None if nothing ran there: a dict with the part, the wave
    most of the tail comes from, the part's share of the tail's time, whether replicas can help,
    a sentence and the levers. `refused_429`, the region's HTTP 429s: with none, time refused at
    the front door in a region that had an outage was the outage's, not throttling's."""
    total = sum(tail.values())
    if not tail or total <= 0:
        return None
    part = max(PARTS, key=lambda p: (tail.get(p, 0.0), -PARTS.index(p)))
    mine = [w for w in waves if w["region"] == region and w["tail_requests"]]
    top = max(mine, key=lambda w: (w["tail_requests"], w["key"]), default=None)
    share = tail[part] / total
    replica_share = sum(tail.get(p, 0.0) for p in REPLICA_PARTS) / total
    helps = replica_share >= HELPS
    outages = [
        f
        for f in scenario.faults
        if f.kind == "region_outage" and f.region == region and f.at < scenario.horizon
    ]
    if part == "throttled" and outages and refused_429 == 0:
        text, levers = _outage(outages, share, top)
    else:
        text, levers = _cause(scenario, part, share, tail, top), _levers(scenario, part, top)
    if helps:
        text += (
            f"; more replicas can help: {_pct(replica_share)} of that time is queuing for a "
            "replica or lost with one"
        )
    else:
        text += (
            f"; more replicas cannot help: only {_pct(replica_share)} of that time is queuing "
            "for a replica or lost with one"
        )
    return {
        "part": part,
        "wave": top["wave"] if top else None,
        "share": _r(share),
        "replicas_help": helps,
        "text": text,
        "levers": levers,
    }


def _outage(outages: list, share: float, top: dict | None) -> tuple[str, list[str]]:
    """The region was down (and nothing was throttled): the tail waited out the outage."""
    when = ", ".join(f"{human_duration(f.at)} for {human_duration(f.duration)}" for f in outages)
    wave = f" {top['wave']}" if top else ""
    text = (
        f"p95 is set by the region outage in{wave} (at {when}): refused while the region was "
        f"down (RegionUnavailable) and waiting to retry is {_pct(share)} of the slowest 5%'s time"
    )
    return text, [
        "send the wave after the outage, or to another region while it lasts",
        "a client that retries for longer (model.retry: max_retries, backoff_max) outlasts it",
    ]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _cause(scenario: Scenario, part: str, share: float, tail: dict, top: dict | None) -> str:
    p = scenario.model
    of = f"{_pct(share)} of the slowest 5%'s time"
    wave = f" {top['wave']}" if top else ""
    if part == "batches" and top and top.get("instances"):
        n = top["instances"]
        batches = -(-n // p.vmss_batch)
        sets = top.get("scale_sets") or 1
        return (
            f"p95 is set by scale set{wave} ({sets} x {n:,} instances, built {p.vmss_batch} at "
            f"a time: assumption vmss_batch, {batches} batches in turn): waiting for earlier "
            f"batches is {of}"
        )
    if part == "queued":
        return f"p95 is set by queuing for replica slots in{wave}: {of}"
    if part == "throttled":
        return f"p95 is set by throttling in{wave}: waiting after HTTP 429 (Retry-After) is {of}"
    if part == "lost_replica":
        return f"p95 is set by replicas lost in a fault ({wave.strip()}): redone work is {of}"
    if part == "disk":
        return (
            f"p95 is set by OS disk creation from a replica ({human_duration(tail['disk'])} on "
            f"average in the tail: assumption disk, base + per GB of the image): {of}"
        )
    return (
        f"p95 is set by boot ({human_duration(tail['boot'])} on average in the tail: "
        f"assumption boot): {of}"
    )


def _levers(scenario: Scenario, part: str, top: dict | None) -> list[str]:
    p = scenario.model
    if part == "batches":
        return [
            "smaller scale sets, or more of them created side by side (one replica each)",
            f"check vmss_batch ({p.vmss_batch}, an assumption) against your own deployments",
            "a looser p95 objective for the regions that create large scale sets",
        ]
    if part == "queued":
        per = p.concurrency(scenario.guidance)
        return [
            f"more replicas: each serves {per} disk creations at once (replica_concurrency, an "
            "assumption from the guidance)",
            "spread the wave over more time",
        ]
    if part == "throttled":
        put = catalog.COMPUTE_POLICIES["PutVM"].per_subscription
        return [
            f"spread the wave over more time: a subscription's PutVM bucket holds {put.size:g} "
            f"and refills {60 * put.refill_per_s:g} a minute in a region [CTL]",
            "deploy from more subscriptions or principals (arm_principals)",
        ]
    if part == "lost_replica":
        return [
            "Standard_ZRS replicas, which survive the loss of a zone [ACG]",
            "more replicas, so other zones hold some",
        ]
    if part == "disk":
        return [
            "a smaller image (size_gb): disk creation grows with it (an assumption)",
            "check the disk-time assumption (model.disk) against your own deployments",
        ]
    return ["check the boot-time assumption (model.boot) against your own images"]
