"""Token buckets: Azure Resource Manager and compute resource provider throttling.

Both ARM [ARM] and the compute RP [CTL] throttle with token buckets: a bucket holds up to `size`
tokens, refills at a steady rate, and every request takes one. An empty bucket answers HTTP 429
with a Retry-After header [CTL]. Compute limits are per subscription and region [CTL]. ARM limits
are per subscription, principal and the region of the ARM instance serving the client [ARM]; acgsim
assumes one ARM instance serves a client, so a principal's writes count together whatever region
the VMs go to, and the subscription as a whole gets 15x one principal's bucket.

Assumptions (labelled): Retry-After is the whole number of seconds until the next token, at least
`retry.min_retry_after` (6 s by default: the shortest Azure has been seen to send for a compute
operation; its documented sample sends 1,200 s); a subscription deploys through `arm_principals`
principals, its VM requests taking them in turn. Per-resource compute buckets do not bind here:
each new VM is a different resource. A scale set's PUT takes one VMSSPut token: the documented
policy is per create call [CTL]; the batched-VM policies a scale set's instances may also charge
(VMScaleSetBatchedVMRequests, with a request charge above 1 [TTE]) have no published limit and are
not modelled: [CTL] counts API calls, and a scale set's instances are created by the service, not
by calls of the client. Status polls and their read buckets (ARM reads, compute GetOperation) are
in sim.polling.

Every answer carries the remaining-calls headers [TTE][ARM]: `remaining` gives the whole tokens
left, which traces show as x-ms-ratelimit-remaining-resource / -subscription-writes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from acgsim.sim.catalog import Bucket


@dataclass(slots=True)
class TokenBucket:
    """A lazily refilled token bucket; `take` answers 0.0 (granted) or a Retry-After in seconds."""

    size: float
    refill_per_s: float
    tokens: float
    updated: float = 0.0

    @classmethod
    def full(cls, spec: Bucket) -> TokenBucket:
        return cls(spec.size, spec.refill_per_s, spec.size)

    def take(self, now: float) -> float:
        tokens = self.tokens + (now - self.updated) * self.refill_per_s
        self.tokens = tokens if tokens < self.size else self.size
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return max(1.0, float(math.ceil((1.0 - self.tokens) / self.refill_per_s)))


class Throttles:
    """All buckets of a run, created on first use: (policy, subscription, region) -> bucket."""

    def __init__(self, specs: dict[str, Bucket], unlimited: bool = False):
        self.specs = specs
        self.unlimited = unlimited
        self.buckets: dict[tuple[str, str, str], TokenBucket] = {}

    def take(self, policy: str, subscription: str, region: str, now: float) -> float:
        """0.0 if the call passes, else the Retry-After the service would send."""
        if self.unlimited:
            return 0.0
        key = (policy, subscription, region)
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket.full(self.specs[policy])
        return bucket.take(now)

    def remaining(self, policy: str, subscription: str, region: str) -> int | None:
        """Whole tokens left in a bucket after its last answer (None: never used, or no limits)."""
        bucket = self.buckets.get((policy, subscription, region))
        return None if bucket is None else int(bucket.tokens)
