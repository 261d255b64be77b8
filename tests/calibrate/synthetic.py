"""Observations generated from the model itself, in the shapes Azure and az print them.

Activity-log events follow Azure's event schema as `az monitor activity-log list -o json` prints
it (camelCase, {value, localizedValue} pairs, seven-digit fractions of a second, newest first),
with the noise real logs have: throttled attempts retried under the same correlationId, missing
Started events, operations still running or failed, VM updates (200 OK), other resource types,
another subscription's creates, a duplicated event. Replication-status samples are what `az sig
image-version show --expand ReplicationStatus` prints, with the sampling loop's `sampledAt`.
Durations come from the model's own functions (sim.streams, sim.replication).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import numpy as np

from acgsim.sim.replication import copy_plan, makespan
from acgsim.sim.service_params import Replication
from acgsim.sim.streams import durations

SUB = "8f2d6c1e-1b7a-4a52-9a55-3c1f0d7e9b21"
OTHER_SUB = "0c3b9f4d-77aa-4c0e-b1d2-5e6f7a8b9c0d"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
RG = "rg-web"
VMS = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Compute/virtualMachines"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC).timestamp()
IMAGE = (
    f"/subscriptions/{SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/"
    "contosoImages/images/ubuntu-web/versions/1.0.0"
)
NAMES = {
    "Microsoft.Compute/virtualMachines/write": "Create or Update Virtual Machine",
    "Microsoft.Network/networkInterfaces/write": "Create or Update Network Interface",
    "Microsoft.Network/publicIPAddresses/write": "Create or Update Public Ip Address",
    "Microsoft.Compute/virtualMachines/extensions/write": "Create or Update VM Extension",
}


def iso(t: float) -> str:
    """Azure's time format: seven fractional digits and Z."""
    whole = datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{round((t - int(t)) * 1e7):07d}Z"


def _pair(value: str, localized: str | None = None) -> dict:
    return {"value": value, "localizedValue": localized if localized is not None else value}


def event(
    rng: np.random.Generator,
    op: str,
    status: str,
    t: float,
    resource: str,
    correlation: str,
    sub: str = SUB,
    code: str | None = None,
    sub_status: str = "",
    body: dict | None = None,
) -> dict:
    """One activity-log event as az prints it."""
    data_id = str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | int(rng.integers(0, 2**63))))
    props: dict = {"eventCategory": "Administrative", "entity": resource, "message": op}
    props["hierarchy"] = f"{TENANT}/{sub}"
    if code is not None:
        props["statusCode"] = code
        props["serviceRequestId"] = data_id
    if body is not None:
        props["requestbody"] = json.dumps(body)
    begin = status == "Started"
    return {
        "authorization": {"action": op, "scope": resource},
        "caller": "pipeline@contoso.com",
        "channels": "Operation",
        "claims": {"appid": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
        "correlationId": correlation,
        "description": "",
        "eventDataId": data_id,
        "eventName": _pair("BeginRequest", "Begin request")
        if begin
        else _pair("EndRequest", "End request"),
        "category": _pair("Administrative"),
        "eventTimestamp": iso(t),
        "httpRequest": {
            "clientIpAddress": "203.0.113.7",
            "clientRequestId": correlation,
            "method": "PUT",
        },
        "id": f"{resource}/events/{data_id}/ticks/{int(t * 1e7)}",
        "level": "Error" if status == "Failed" else "Informational",
        "operationId": correlation,
        "operationName": _pair(op, NAMES.get(op, op)),
        "properties": props,
        "resourceGroupName": RG.upper(),
        "resourceId": resource,
        "resourceProviderName": _pair(op.split("/")[0], "Microsoft.Compute"),
        "resourceType": _pair("/".join(op.split("/")[:-1])),
        "status": _pair(status),
        "subStatus": _pair(
            sub_status, "Too Many Requests (HTTP Status Code: 429)" if sub_status else ""
        ),
        "submissionTimestamp": iso(t + 12.5),
        "subscriptionId": sub,
        "tenantId": TENANT,
    }


def vm_creates(
    seed: int,
    n: int,
    boot_mean: float,
    boot_cv: float,
    disk_mean: float,
    disk_cv: float = 0.3,
    gap_s: float = 120.0,
    noise: bool = True,
    bimodal: bool = False,
) -> list[dict]:
    """The activity log of n VM creates (plus noise), newest first as az lists it. Every create
    is spaced so none queues for a replica; a throttled one is retried and so set aside."""
    rng = np.random.default_rng(seed)
    vm = "Microsoft.Compute/virtualMachines/write"
    if bimodal:  # two kinds of disk creation mixed: the model's one lognormal cannot fit it
        slow = rng.random(n) < 0.4
        factor = np.where(slow, 3.0, 0.35) * durations(rng, "lognormal", 1.0, 0.08, n)
    else:
        factor = durations(rng, "lognormal", 1.0, disk_cv, n)
    boot = durations(rng, "lognormal", boot_mean, boot_cv, n)
    events: list[dict] = []
    t = T0
    for i in range(n):
        t += float(rng.exponential(gap_s))
        res = f"{VMS}/web-{i:04d}"
        corr = str(uuid.UUID(int=int(rng.integers(0, 2**62))))
        total = disk_mean * float(factor[i]) + float(boot[i])
        body = {
            "location": "westeurope",
            "properties": {"storageProfile": {"imageReference": {"id": IMAGE}}},
        }
        roll = rng.random() if noise else 1.0
        start = t
        if roll < 0.08:  # throttled, retried after Retry-After under the same correlationId
            events.append(event(rng, vm, "Started", t, res, corr, body=body))
            events.append(
                event(
                    rng,
                    vm,
                    "Failed",
                    t + 0.3,
                    res,
                    corr,
                    code="TooManyRequests",
                    sub_status="TooManyRequests",
                )
            )
            start = t + 0.3 + float(rng.choice([6.0, 20.0, 120.0]))
        accepted = start + float(rng.uniform(0.2, 1.2))
        if not (0.08 <= roll < 0.12):  # 4%: the Started event is missing
            events.append(event(rng, vm, "Started", start, res, corr, body=body))
        events.append(event(rng, vm, "Accepted", accepted, res, corr, code="Created"))
        if 0.12 <= roll < 0.14:  # still running at export
            continue
        if 0.14 <= roll < 0.16:
            events.append(
                event(
                    rng,
                    vm,
                    "Failed",
                    start + total,
                    res,
                    corr,
                    code="Conflict",
                    sub_status="Conflict",
                )
            )
            continue
        events.append(event(rng, vm, "Succeeded", start + total, res, corr, code="OK"))
    if noise:
        events += _noise(rng, t, n)
        events.append(dict(events[len(events) // 3]))  # the same event exported twice
    order = np.argsort([-_epoch(e["eventTimestamp"]) for e in events], kind="stable")
    return [events[i] for i in order]


def _epoch(text: str) -> float:
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=UTC
    ).timestamp() + float("0." + text[20:27])


def _noise(rng: np.random.Generator, end: float, n: int) -> list[dict]:
    """Other resource types, VM updates, and another subscription's VM creates."""
    out = []
    for k in range(max(3, n // 5)):
        t = T0 + float(rng.uniform(0, end - T0))
        op = [
            "Microsoft.Network/networkInterfaces/write",
            "Microsoft.Network/publicIPAddresses/write",
            "Microsoft.Compute/virtualMachines/extensions/write",
        ][k % 3]
        res = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/{op.rsplit('/', 1)[0]}/x{k}"
        corr = str(uuid.UUID(int=int(rng.integers(0, 2**62))))
        out.append(event(rng, op, "Started", t, res, corr))
        out.append(event(rng, op, "Succeeded", t + float(rng.uniform(1, 30)), res, corr, code="OK"))
    vm = "Microsoft.Compute/virtualMachines/write"
    for k in range(max(2, n // 20)):
        t = T0 + float(rng.uniform(0, end - T0))
        corr = str(uuid.UUID(int=int(rng.integers(0, 2**62))))
        res = f"{VMS}/web-{k:04d}"
        out += [
            event(rng, vm, "Started", t, res, corr),
            event(rng, vm, "Accepted", t + 0.5, res, corr, code="OK"),
            event(rng, vm, "Succeeded", t + 9, res, corr, code="OK"),
        ]  # an update: 200 OK
        res = VMS.replace(SUB, OTHER_SUB) + f"/o{k}"
        out += [
            event(rng, vm, "Started", t, res, corr, sub=OTHER_SUB),
            event(rng, vm, "Accepted", t + 1, res, corr, sub=OTHER_SUB, code="Created"),
            event(rng, vm, "Succeeded", t + 900, res, corr, sub=OTHER_SUB, code="OK"),
        ]
    return out


def replication_samples(
    seed: int,
    versions: int,
    regions: list[str],
    replicas: int,
    size_gb: float,
    p: Replication,
    every_s: float = 60.0,
) -> list[dict]:
    """Samples of `versions` image versions replicating under the model with parameters p."""
    rng = np.random.default_rng(seed)
    docs = []
    for v in range(versions):
        published = T0 + v * 86400.0
        done = {}
        for i, region in enumerate(regions):
            first, rest = copy_plan(size_gb, replicas, i > 0, False, p, rng)
            done[region] = first + makespan(rest, p.parallel_copies)
        vid = (
            f"/subscriptions/{SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/"
            f"contosoImages/images/ubuntu-web/versions/2.{v}.0"
        )
        at = 0.0
        while True:
            at += every_s + float(rng.uniform(-5, 5))
            summary = [
                {
                    "regionName": _display(r),
                    "state": "Completed" if at >= done[r] else "Replicating",
                    "details": "",
                    "progress": 100 if at >= done[r] else int(100 * at / done[r]),
                }
                for r in regions
            ]
            complete = all(s["state"] == "Completed" for s in summary)
            docs.append(
                {
                    "id": vid,
                    "location": regions[0],
                    "name": f"2.{v}.0",
                    "provisioningState": "Succeeded" if complete else "Creating",
                    "publishingProfile": {
                        "excludeFromLatest": False,
                        "publishedDate": iso(published),
                        "replicaCount": replicas,
                        "replicationMode": "Full",
                        "storageAccountType": "Standard_LRS",
                        "targetRegions": [
                            {
                                "name": _display(r),
                                "regionalReplicaCount": replicas,
                                "storageAccountType": "Standard_LRS",
                            }
                            for r in regions
                        ],
                    },
                    "replicationStatus": {
                        "aggregatedState": "Completed" if complete else "InProgress",
                        "summary": summary,
                    },
                    "resourceGroup": "rg-images",
                    "storageProfile": {
                        "osDiskImage": {"hostCaching": "ReadWrite", "sizeInGb": size_gb}
                    },
                    "type": "Microsoft.Compute/galleries/images/versions",
                    "sampledAt": iso(published + at),
                }
            )
            if complete:
                break
    return docs


def _display(region: str) -> str:
    return {
        "westeurope": "West Europe",
        "northeurope": "North Europe",
        "eastus": "East US",
        "uksouth": "UK South",
        "francecentral": "France Central",
        "swedencentral": "Sweden Central",
    }.get(region, region)
