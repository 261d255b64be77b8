"""Long-running operations as ARM runs them: 201 + Azure-AsyncOperation, polled to an end.

A PUT that starts work the model times (an image version's replication, a VM's creation) answers
201 Created with the resource in provisioningState Creating (or 200 with Updating for an update),
an Azure-AsyncOperation header naming the operation's status URL, a Location header naming its
result URL, and Retry-After [ARM async operations; SPEC: x-ms-long-running-operation]. The status
URL answers `{"name", "status": InProgress|Succeeded|Failed, "startTime", "endTime", "error"}`;
the result URL answers 202 while running, then the resource (or the error). The operation's state
is read from the model each time it is polled, never stored apart from it.

Retry-After on a poll is the simulated time left (as far as the model knows) in wall seconds at
the clock's speed, between 1 and 30 s (azure-core honours it; without it the SDK waits 30 s).
Operation ids derive from a counter, so the same requests give the same ids; at most
MAX_OPERATIONS are kept, the oldest forgotten first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from acgsim.sim.serve.resources import stable_uuid

MAX_OPERATIONS = 50_000
MIN_POLL_S, MAX_POLL_S = 1, 30


@dataclass
class Operation:
    """One long-running operation: what it works on, where and since when."""

    id: str
    sub_id: str
    location: str
    kind: str  # version | vm
    key: tuple  # what the world looks it up by
    started: float
    api_version: str


class Operations:
    """The operations started on this server, by id, bounded."""

    def __init__(self) -> None:
        self.ops: OrderedDict[str, Operation] = OrderedDict()
        self.count = 0

    def start(
        self, sub_id: str, location: str, kind: str, key: tuple, now: float, api_version: str
    ) -> Operation:
        self.count += 1
        op = Operation(
            stable_uuid("operation", str(self.count)), sub_id, location, kind, key, now, api_version
        )
        self.ops[op.id] = op
        while len(self.ops) > MAX_OPERATIONS:
            self.ops.popitem(last=False)
        return op

    def get(self, op_id: str) -> Operation | None:
        return self.ops.get(op_id.lower())


def urls(base: str, op: Operation) -> dict[str, str]:
    """The Azure-AsyncOperation and Location headers of an operation."""
    root = f"{base}/subscriptions/{op.sub_id}/providers/Microsoft.Compute/locations/{op.location}"
    query = f"?api-version={op.api_version}"
    return {
        "Azure-AsyncOperation": f"{root}/operations/{op.id}{query}",
        "Location": f"{root}/operationResults/{op.id}{query}",
    }


def poll_after(wall_seconds: float) -> str:
    """Retry-After for a poll: the wall seconds left, within [MIN_POLL_S, MAX_POLL_S]."""
    return str(int(min(MAX_POLL_S, max(MIN_POLL_S, -(-wall_seconds // 1)))))


def status_body(op: Operation, status: str, start: str, end: str | None, error: dict | None):
    """An operation's status document."""
    body: dict = {"name": op.id, "status": status, "startTime": start}
    if end is not None:
        body["endTime"] = end
    if error is not None:
        body["error"] = error
    return body
