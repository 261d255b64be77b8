"""Replication-status samples: `az sig image-version show ... --expand ReplicationStatus -o json`
run every minute or so while a version replicates, each output given the time it was taken.

One sample is the image version as the API returns it [SPEC]: id, location (the source region),
publishingProfile {publishedDate, targetRegions [{name, regionalReplicaCount}], replicaCount},
storageProfile.osDiskImage.sizeInGb, replicationStatus {aggregatedState, summary [{regionName,
state (Unknown | Replicating | Completed | Failed), progress}]}, plus `sampledAt` (ISO 8601), which
the sampling loop adds (the API's answer carries no time of its own; see the README).

A region completed between the last sample that did not show it Completed and the first that did:
an interval, from the version's publishedDate. A region never Completed in the samples is known
only to take longer than the last sample. A region that shows Failed is set aside (the model's
retries are not fitted).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from acgsim.sim.calibrate.documents import json_items, refuse, text_of, timestamp
from acgsim.sim.calibrate.observations import Observations, RegionReplication


def looks_like(item: Any) -> bool:
    """Whether a JSON item is an image version with its replication status."""
    return isinstance(item, dict) and ("replicationStatus" in item or "publishingProfile" in item)


def region_name(text: str) -> str:
    """Azure's display name (West Europe) or programmatic name (westeurope) -> westeurope."""
    return text.replace(" ", "").lower()


def read(path: Path, text: str, sizes: dict[str, float]) -> Observations:
    """The regions' completion intervals in one file of samples. `sizes` maps a version's
    gallery/image/version (lower case) to its occupied GB from the scenario."""
    obs = Observations()
    samples: dict[str, list[tuple[float, str, dict]]] = defaultdict(list)
    heads: dict[str, dict] = {}
    for where, item in json_items(path, text):
        if not isinstance(item, dict):
            raise refuse(where, "(sample)", "expected an image version object")
        vid = text_of(item.get("id"), where, "id").lower()
        at = timestamp(item.get("sampledAt"), where, "sampledAt")
        heads.setdefault(vid, _head(item, where, sizes))
        status = item.get("replicationStatus") or {}
        if not isinstance(status, dict):
            raise refuse(where, "replicationStatus", "expected an object")
        summary = status.get("summary")
        if not isinstance(summary, list):
            raise refuse(
                where, "replicationStatus.summary", "missing: use --expand ReplicationStatus"
            )
        states = {}
        for i, row in enumerate(summary):
            field = f"replicationStatus.summary[{i}]"
            if not isinstance(row, dict):
                raise refuse(where, field, "expected an object")
            name = region_name(text_of(row.get("regionName"), where, f"{field}.regionName"))
            states[name] = text_of(row.get("state"), where, f"{field}.state").lower()
        samples[vid].append((at, where, states))
    for vid in sorted(samples):
        _regions(heads[vid], sorted(samples[vid], key=lambda s: s[0]), obs)
    return obs


def _head(item: dict, where: str, sizes: dict[str, float]) -> dict:
    profile = item.get("publishingProfile")
    if not isinstance(profile, dict):
        raise refuse(where, "publishingProfile", "missing")
    published = timestamp(profile.get("publishedDate"), where, "publishingProfile.publishedDate")
    default = profile.get("replicaCount") or 1
    replicas = {}
    targets = profile.get("targetRegions")
    if not isinstance(targets, list) or not targets:
        raise refuse(where, "publishingProfile.targetRegions", "missing or empty")
    for i, t in enumerate(targets):
        field = f"publishingProfile.targetRegions[{i}]"
        if not isinstance(t, dict):
            raise refuse(where, field, "expected an object")
        name = region_name(text_of(t.get("name"), where, f"{field}.name"))
        count = t.get("regionalReplicaCount", default)
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 100:
            raise refuse(where, f"{field}.regionalReplicaCount", f"{count!r} is not 1..100")
        replicas[name] = count
    vid = text_of(item.get("id"), where, "id").lower()
    short = "/".join(vid.split("/")[-5::2])  # gallery/image/version
    size = sizes.get(short)
    if size is None:
        storage = item.get("storageProfile")
        image = storage.get("osDiskImage") if isinstance(storage, dict) else None
        disk = image.get("sizeInGb") if isinstance(image, dict) else None
        if not isinstance(disk, int | float) or isinstance(disk, bool) or disk <= 0:
            raise refuse(
                where,
                "storageProfile.osDiskImage.sizeInGb",
                f"{disk!r}: the scenario has no version {short}, so its size must come from here",
            )
        size = float(disk)
    source = region_name(text_of(item.get("location"), where, "location"))
    return {
        "id": short,
        "published": published,
        "replicas": replicas,
        "size": size,
        "source": source,
    }


def _regions(head: dict, samples: list[tuple[float, str, dict]], obs: Observations) -> None:
    t0 = head["published"]
    for region in sorted(head["replicas"]):
        low, high, failed, times = 0.0, None, False, []
        for at, _, states in samples:
            state = states.get(region)
            if state is None:
                continue
            times.append(at - t0)  # every sample: the fit check censors simulated times by them
            if high is not None or failed:
                continue
            if state == "failed":
                failed = True
            elif state == "completed":
                high = at - t0
            else:
                low = max(0.0, at - t0)
        if failed:
            obs.ignored["regions that showed Failed (retries are not fitted)"] += 1
            continue
        if not times:
            obs.ignored["target regions missing from every sample"] += 1
            continue
        if high is not None and high <= 0:
            obs.ignored["regions Completed before the version's publishedDate (clock skew)"] += 1
            continue
        obs.regions.append(
            RegionReplication(
                version=head["id"],
                region=region,
                source=region == head["source"],
                replicas=head["replicas"][region],
                size_gb=head["size"],
                published=t0,
                low_s=low,
                high_s=high,
                sample_times=tuple(times),
                regions=len(head["replicas"]),
                where=samples[0][1],
            )
        )
