"""The deploying client: its retry policy, and the PUT it sends until Azure accepts it.

A PUT [ACG][CTL][ARM] passes the ARM write bucket of its principal and the compute bucket of its
subscription and region (PutVM, VMSSPut), or gets HTTP 429 with Retry-After and is retried by the
client (honouring Retry-After, up to max_retries, then it fails with TooManyRequests or
ArmThrottled); in a region outage it gets 503 (RegionUnavailable) and the client backs off. The
client gives up when its deadline comes first (ClientTimedOut). `attempt` is one try and the
client's answer to it; `put` is the loop as a SimPy process (a scale set's PUT), and sim.vm drives
the same `attempt` from callbacks (a VM's).
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from acgsim.sim.client_profiles import ClientPolicy
from acgsim.sim.metrics import Request
from acgsim.sim.model import Simulation

ARM_SCOPE = "arm"  # ARM buckets are not per target region: see sim.throttle


class Client:
    """A wave's client: its retry policy and deadlines, bound to the simulation."""

    __slots__ = ("deadline", "policy")

    def __init__(self, m: Simulation, name: str | None, scale_set: bool = False):
        self.policy: ClientPolicy = m.scenario.client(name)
        self.deadline = self.policy.scale_set_deadline if scale_set else self.policy.deadline

    def backoff(self, retry: int) -> float:
        p = self.policy
        return min(p.backoff_max, p.backoff_base * 2.0 ** (retry - 1))

    def may_retry(self, req: Request, throttled: bool) -> bool:
        """Whether the client sends the request again, counting the retry against its budget: a
        429 is not counted when max_retries is null (Terraform); other failures count against
        failure_retries where it is set."""
        p = self.policy
        if throttled and p.max_retries is None:
            return True
        limit = p.max_retries
        if not throttled and p.failure_retries is not None:
            limit = p.failure_retries
        if limit is not None and req.counted >= limit:
            return False
        req.counted += 1
        return True


def answer(m: Simulation, req: Request, status: int, policy: str, wait: float) -> None:
    """A traced request's record of one answer and its remaining-calls headers [TTE][ARM]."""
    if req.answers is None:
        return
    principal = f"{req.subscription}#{req.turn % m.params.arm_principals}"
    writes = m.throttles.remaining("arm_write", principal, ARM_SCOPE)
    text = f"{m.env.now:.3f}s HTTP {status}"
    if writes is not None:
        text += f"; x-ms-ratelimit-remaining-subscription-writes: {writes}"
    left = m.throttles.remaining(policy, req.subscription, req.region)
    if left is not None and status != 503:
        text += f"; x-ms-ratelimit-remaining-resource: Microsoft.Compute/{policy};{left}"
    if wait:
        text += f"; Retry-After: {wait:g}"
    req.answers.append(text)


def attempt(
    m: Simulation, req: Request, policy: str, client: Client, arm: bool, due: float | None
) -> tuple[str | None, float | None]:
    """Send the PUT once (through ARM's front door if `arm`) and decide what the client does:
    (None, None) accepted; (None, wait) retry after `wait` seconds; (error, None) give up now;
    (error, wait) give up after `wait` seconds (the client's deadline `due` comes first)."""
    throttles = m.throttles
    status = 429
    if m.outages.region_down(req.region):
        error, wait, status = "RegionUnavailable", 0.0, 503
    elif throttles.unlimited:  # no bucket can refuse it
        if req.answers is not None:
            answer(m, req, 201, policy, 0.0)
        return None, None
    else:
        # ARM counts a principal's writes wherever the VM goes (one ARM instance serves it); a
        # subscription's VM requests take its principals in turn (an assumption)
        now = m.env.now
        principal = f"{req.subscription}#{req.turn % m.params.arm_principals}"
        wait = throttles.take("arm_write", principal, ARM_SCOPE, now) if arm else 0.0
        if not wait and arm and m.params.arm_principals > 1:
            wait = throttles.take("arm_write_subscription", req.subscription, ARM_SCOPE, now)
        error = "ArmThrottled"
        if not wait:
            wait = throttles.take(policy, req.subscription, req.region, now)
            error = "TooManyRequests"
            if not wait:
                answer(m, req, 201, policy, 0.0)
                return None, None
        m.rec.throttled(req)
    now = m.env.now
    throttled = error != "RegionUnavailable"
    if not wait or not client.policy.honour_retry_after:
        wait = client.backoff(req.retries + 1)
    elif throttled:
        wait = max(wait, m.params.retry.min_retry_after)
    answer(m, req, status, policy, wait if throttled else 0.0)
    if not client.may_retry(req, throttled):
        return error, None
    if due is not None and now + wait >= due:  # the client gives up first
        left = max(0.0, due - now)
        req.held += left
        return "ClientTimedOut", left
    m.rec.retried(req)
    req.held += wait
    return None, wait


def put(
    m: Simulation, req: Request, policy: str, client: Client, since: float | None = None
) -> Generator[simpy.Event, None, str | None]:
    """Send the PUT until ARM and the compute RP accept it; the final error key if they never do
    (or the client's deadline, counted from `since` or the request's submission, comes first)."""
    due = None if client.deadline is None else (req.submitted if since is None else since)
    due = None if due is None else due + client.deadline
    arm = True  # the first try always passes ARM's front door
    while True:
        error, wait = attempt(m, req, policy, client, arm, due)
        if wait is None:
            return error
        yield m.env.timeout(wait)
        if error is not None:
            return error
        # a template deployment's engine retries behind ARM: ARM charged its one request
        arm = client.policy.arm_charged_per_retry
