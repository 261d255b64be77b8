"""The Azure Activity Log -> timed operations.

Read in any of the three shapes Azure keeps it in (sim.calibrate.activity_shapes): as `az monitor
activity-log list -o json` prints it, archived to a storage account or streamed to Event Hubs (the
resource-log schema), or as rows of Log Analytics' AzureActivity table. Each event has an
operation name, a status (Started, Accepted, Succeeded, Failed), a sub-status (e.g.
TooManyRequests), a time, a correlationId, a resourceId and properties {statusCode, requestbody}.
A write is logged as Started, then Accepted (the 201 Created of an asynchronous PUT), then
Succeeded or Failed when the operation ends.

Pairing: one operation is one (correlationId, resourceId): an ARM template deployment gives all its
resources one correlationId, so the correlationId alone would merge VMs. Its duration runs from the
first Started (else the first Accepted) to the terminal Succeeded. Rows arrive in any order (the
command lists newest first), so events are sorted by time. A Failed with 429 / TooManyRequests
that a later Started follows is a throttled attempt the client retried (same correlationId): the
operation counts as throttled, and the gap to the retry is a Retry-After observation.

Read: Microsoft.Compute/virtualMachines/write (VM creates) and Microsoft.Compute/disks/write (disks
created from a gallery image). A write whose status codes say 200 OK and never 201 Created updated
an existing resource: not a create (the HTTP status is read from properties.statusCode and
subStatus). Everything else (other resource types, other categories, failed or unfinished
operations, a duplicated eventDataId) is counted under a reason and set aside.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from acgsim.sim.calibrate import activity_shapes as shapes
from acgsim.sim.calibrate.documents import json_items, refuse, timestamp
from acgsim.sim.calibrate.observations import Observations, RetryGap, Timed

KINDS = {
    "microsoft.compute/virtualmachines/write": "vm_create",
    "microsoft.compute/disks/write": "disk_create",
}
WORDS = {"vm_create": "VM creates", "disk_create": "disk creates"}
RANK = {"started": 0, "accepted": 1, "failed": 2, "succeeded": 2, "canceled": 2}
THROTTLED = {"toomanyrequests", "too many requests", "429"}


def looks_like(item: Any) -> bool:
    """Whether a JSON item is an activity-log event (in any shape), or a payload of records."""
    batch = shapes.records(item)
    if batch is not None:
        return not batch or shapes.shape_of(batch[0]) is not None
    return shapes.shape_of(item) is not None


def _items(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    """Each event with where it is: a payload's records are events one by one."""
    for where, item in json_items(path, text):
        batch = shapes.records(item)
        if batch is None:
            yield where, item
        else:
            for i, record in enumerate(batch):
                yield f"{where}: records[{i}]", record


def read(path: Path, text: str) -> Observations:
    """The VM and disk creates in one activity-log file, and the rows set aside."""
    obs = Observations()
    ops: dict[tuple[str, str], list[dict]] = defaultdict(list)
    seen: set[str] = set()
    for where, item in _items(path, text):
        shape = shapes.shape_of(item)
        if shape is None:
            found = type(item).__name__ if not isinstance(item, dict) else "an object"
            raise refuse(
                where,
                "(event)",
                f"expected an activity-log event, found {found} without one's fields "
                "(operationName and eventTimestamp, time or TimeGenerated)",
            )
        name = shapes.operation(shape, item, where)
        kind = KINDS.get(name)
        if kind is None:
            obs.ignored[_other(name)] += 1
            continue
        event = _event(shape, item, where, kind)
        if event["id"]:
            if event["id"] in seen:
                obs.ignored["duplicated events (same eventDataId)"] += 1
                continue
            seen.add(event["id"])
        ops[(event["correlation"], event["resource"])].append(event)
    for key in sorted(ops):
        _pair(sorted(ops[key], key=lambda e: (e["t"], RANK.get(e["status"], 3))), obs)
    return obs


def _other(name: str) -> str:
    if name == "microsoft.compute/galleries/images/versions/write":
        return "image version writes (replication is read from replication-status samples)"
    if name.startswith("microsoft.compute/virtualmachinescalesets/"):
        return "scale-set operations (their instances are not in the activity log)"
    return "other operations and resource types"


def _event(shape: shapes.Shape, item: dict, where: str, kind: str) -> dict:
    """The fields pairing needs, each checked; a bad one raises naming the field."""
    f = shapes.fields(shape, item, where)
    props = f["properties"]
    code = props.get("statusCode")
    sub = f["subscription"] or _subscription_of(f["resource"])
    return {
        "kind": kind,
        "where": where,
        "t": timestamp(f["time"], where, f["time_field"]),
        "status": f["status"],
        "sub_status": f["sub_status"],
        "code": str(code).lower() if code is not None else "",
        "correlation": f["correlation"],
        "resource": f["resource"].lower(),
        "subscription": str(sub).lower(),
        "id": f["id"],
        "body": props.get("requestbody") or props.get("requestBody"),
    }


def _subscription_of(resource_id: str) -> str:
    parts = resource_id.strip("/").split("/")
    return parts[1] if len(parts) > 1 and parts[0].lower() == "subscriptions" else ""


def _throttled(e: dict) -> bool:
    return e["status"] == "failed" and (e["sub_status"] in THROTTLED or e["code"] in THROTTLED)


def _pair(events: list[dict], obs: Observations) -> None:
    """One operation's events (time order) -> a Timed, or a reason it was set aside."""
    # the HTTP status is in properties.statusCode, and in subStatus on many events ("Created")
    codes = {c for e in events for c in (e["code"], e["sub_status"]) if c}
    if codes and "created" not in codes and "201" not in codes and codes & {"ok", "200"}:
        obs.ignored["updates of existing resources (200 OK, no 201 Created)"] += 1
        return
    ends = [e for e in events if e["status"] in ("succeeded", "canceled") or _ended_failed(e)]
    if not ends:
        obs.ignored["operations without a Succeeded or Failed event (still running?)"] += 1
        return
    end = ends[-1]
    if end["status"] != "succeeded":
        obs.ignored[f"{WORDS[end['kind']]} that failed or were canceled (not timed)"] += 1
        return
    starts = [e for e in events if e["status"] == "started"]
    if not starts:
        starts = [e for e in events if e["status"] == "accepted"]
        if not starts:
            obs.ignored["operations without a Started or Accepted event (not timed)"] += 1
            return
        obs.caveats["timed from Accepted (no Started event: up to a second or two short)"] += 1
    throttled = [e for e in events if _throttled(e)]
    for t in throttled:
        nxt = next((e for e in events if e["status"] == "started" and e["t"] > t["t"]), None)
        if nxt is not None:
            obs.retry_gaps.append(RetryGap(nxt["t"] - t["t"], t["where"]))
    region, image = _request(events)
    duration = end["t"] - starts[0]["t"]
    if duration <= 0:
        obs.ignored["operations ending before they start (clock skew)"] += 1
        return
    obs.timed.append(
        Timed(
            kind=end["kind"],
            start=starts[0]["t"],
            duration_s=duration,
            region=region,
            subscription=end["subscription"],
            throttled=bool(throttled),
            image=image,
            where=starts[0]["where"],
            resource=end["resource"],
        )
    )


def _ended_failed(e: dict) -> bool:
    return e["status"] == "failed" and not _throttled(e)


def _request(events: list[dict]) -> tuple[str, str]:
    """The location and gallery image a create asked for, from a logged request body (Azure logs
    it for writes, sometimes truncated: then neither is known)."""
    for e in events:
        body = e["body"]
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                continue
        if not isinstance(body, dict):
            continue
        region = str(body.get("location") or "").replace(" ", "").lower()
        props = body.get("properties") or {}
        ref = ((props.get("storageProfile") or {}).get("imageReference") or {}) if props else {}
        image = ref.get("id") if isinstance(ref, dict) else None
        if not image:
            data = props.get("creationData") or {}
            image = (data.get("galleryImageReference") or {}).get("id")
        return region, str(image or "").lower()
    return "", ""
