"""The front door's throttling: ARM's and the compute RP's token buckets on real requests.

The buckets are the model's (sim.throttle.TokenBucket, sizes and rates from sim.catalog): ARM per
subscription and principal, reads 250 refilled 25/s, writes and deletes 200 refilled 10/s [ARM]
(or 1,200 writes an hour with `model.arm_limits: hourly`); then, for a VM PUT, the compute RP's
PutVM bucket per subscription and region, 1,500 refilled 500 a minute [CTL] (VMSSPut for scale
sets). acgsim cannot tell principals apart (it discards every token unread), so a subscription is
one principal, as `model.arm_principals` assumes by default. An ARM token is spent even when the
compute bucket then refuses, as in the model (sim.deployment.put).

A refusal is HTTP 429 with Retry-After in whole seconds and Azure's error shape: ARM's
SubscriptionRequestsThrottled ("Number of 'write' requests for subscription ... exceeded",
users' reports: azure-docs issues 51431 and 105248), or the compute RP's OperationNotAllowed with
the inner code TooManyRequests [CTL]. Every answer carries the x-ms-ratelimit-remaining-*
headers ARM and the compute RP send [ARM][CTL].
"""

from __future__ import annotations

from dataclasses import dataclass, field

from acgsim.sim import catalog
from acgsim.sim.service_errors import RUNTIME
from acgsim.sim.throttle import Throttles

ARM = "arm"  # ARM's buckets are not per target region (sim.throttle)
KIND = {"GET": "read", "HEAD": "read", "PUT": "write", "PATCH": "write", "POST": "write"}
KIND["DELETE"] = "delete"
COMPUTE_HEADER = {"PutVM": "PutVM3Min", "VMSSPut": "VMScaleSetBatchedVMPut3Min"}


@dataclass
class Verdict:
    """What the front door says about one request: the wait (0 = pass), the error, headers."""

    retry_after: float = 0.0  # in the buckets' seconds; the app turns it into wall seconds
    code: str = ""
    message: str = ""  # may hold {after}: the Retry-After the client is sent
    inner: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class FrontDoor:
    """ARM and compute buckets for the server's requests."""

    def __init__(self, enabled: bool = True, arm_limits: str = "bucket"):
        specs = {f"arm_{k}": b for k, b in catalog.ARM_BUCKETS.items()}
        if arm_limits == "hourly":
            specs["arm_write"] = catalog.ARM_HOURLY_WRITES
        for policy in COMPUTE_HEADER:
            specs[policy] = catalog.COMPUTE_POLICIES[policy].per_subscription
        self.throttles = Throttles(specs, unlimited=not enabled)
        self.refused = {"arm": 0, "compute": 0}

    def admit(self, method: str, subscription: str, now: float) -> Verdict:
        """Take the ARM token for `method` at the buckets' time `now` (sim.serve.clock)."""
        kind = KIND.get(method, "read")
        verdict = Verdict()
        wait = self.throttles.take(f"arm_{kind}", subscription, ARM, now)
        verdict.headers[f"x-ms-ratelimit-remaining-subscription-{kind}s"] = self._left(
            f"arm_{kind}", subscription, ARM
        )
        if wait:
            self.refused["arm"] += 1
            verdict.retry_after, verdict.code = wait, "SubscriptionRequestsThrottled"
            verdict.message = (
                f"Number of '{kind}' requests for subscription '{subscription}' exceeded the "
                "limit. Please try again after '{after}' seconds."
            )
        return verdict

    def admit_compute(self, policy: str, subscription: str, region: str, now: float) -> Verdict:
        """Take the compute RP's token of `policy` (PutVM, VMSSPut) in `region`."""
        verdict = Verdict()
        wait = self.throttles.take(policy, subscription, region, now)
        left = self._left(policy, subscription, region)
        verdict.headers["x-ms-ratelimit-remaining-resource"] = (
            f"Microsoft.Compute/{COMPUTE_HEADER[policy]};{left}"
        )
        if wait:
            self.refused["compute"] += 1
            error = RUNTIME["TooManyRequests"]
            verdict.retry_after, verdict.code, verdict.inner = wait, error.code, "TooManyRequests"
            verdict.message = error.message.replace(" (inner code TooManyRequests)", "")
        return verdict

    def _left(self, policy: str, subscription: str, region: str) -> str:
        bucket = self.throttles.buckets.get((policy, subscription, region))
        if bucket is None:  # unlimited: what a fresh bucket would say
            return str(int(self.throttles.specs[policy].size))
        return str(int(bucket.tokens))

    def levels(self) -> list[dict]:
        """Every bucket's tokens now, for /acgsim/state."""
        return [
            {"policy": p, "subscription": s, "scope": r, "tokens": round(b.tokens, 2)}
            for (p, s, r), b in sorted(self.throttles.buckets.items())
        ]
