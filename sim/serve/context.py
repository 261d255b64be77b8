"""What a handler of `acgsim serve` sees of one request (Ctx) and what it answers (Reply)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from acgsim.sim.serve.world import World


@dataclass
class Reply:
    """A handler's answer: status, JSON body (None: no body), extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Ctx:
    """One request: the server (sim.serve.app.Server), route parts, query, body, times."""

    server: Any
    method: str
    path: dict[str, str]
    query: dict[str, str]
    body: Any
    api_version: str
    base_url: str
    now: float
    bucket_now: float
    headers: dict[str, str] = field(default_factory=dict)  # added to the reply
    trace: dict[str, object] = field(default_factory=dict)  # added to the request's trace record

    @property
    def world(self) -> World:
        return self.server.world

    def reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
        return Reply(status, body, headers or {})

    def listed(self, records: dict) -> list:
        """A list call's records: those keyed (subscription, resource group, ...) under the
        path's subscription and, where the path names one, its resource group, in key order."""
        sub, rg = self.path["sub"].lower(), self.path.get("rg")
        rg = None if rg is None else rg.lower()
        return [r for k, r in sorted(records.items()) if k[0] == sub and rg in (None, k[1])]

    def admit_compute(self, policy: str, region: str, subscription: str) -> None:
        """The compute RP's bucket for this call; 429 if it is empty."""
        verdict = self.server.door.admit_compute(policy, subscription, region, self.bucket_now)
        self.headers.update(verdict.headers)
        if verdict.retry_after:
            raise self.server.throttled(verdict)
