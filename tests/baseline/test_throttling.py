"""Shape 4: ARM and compute throttling, token buckets and Retry-After, against the baseline.

`arm-burst`: 2,000 VMs at one instant from one principal. ARM's write bucket (200, 10 a second)
passes 200; every other request gets 429 with Retry-After 6 s (the time to the next token, 0.1 s,
raised to the shortest Retry-After), and each retry round 60 more pass, so after azure-cli's 10
retries 800 have run and 1,200 failed: exact counts. `putvm-stream`: Poisson creates at 25 a
second for two minutes from three principals (ARM keeps up); compute's PutVM bucket of the
subscription and region (1,500, 500 a minute) runs dry after about 90 s.
"""

from __future__ import annotations

import numpy as np
import pytest

import acgsim

from . import bare
from .compare import collect, disagreements, load, region, runs, summary


def _figures(reqs: list[bare.Request]) -> dict[str, float]:
    ran = [r.ttr for r in reqs if r.ttr is not None]
    out = summary(ran, [r.wait for r in reqs])  # waits over every request, as acgsim counts them
    out.update(
        requests=len(reqs),
        failed=sum(r.ttr is None for r in reqs),
        throttled_429=sum(r.answers_429 for r in reqs),
        retries=sum(r.retries for r in reqs),
    )
    return out


def _acgsim(results, keys) -> dict[str, list[float]]:
    return {k: [getattr(region(r, "westeurope"), k) for r in results] for k in keys}


def test_arm_burst_counts_are_exact_and_times_agree():
    results = runs(load("arm-burst"), 5)
    for r in results:
        s = region(r, "westeurope")
        assert (s.requests, s.succeeded, s.failed) == (2000, 800, 1200)
        assert s.failed_by_code == {"ArmThrottled": 1200}
        # 1,800 refused at once, then 1,800 - 60 k in retry round k = 1..10
        assert s.throttled_429 == 1800 + sum(1800 - 60 * k for k in range(1, 11))
        assert s.retries == sum(1800 - 60 * (k - 1) for k in range(1, 11))
    rng = np.random.default_rng(31)
    rows = []
    for _ in range(5):
        buckets = [bare.Bucket(*bare.ARM_WRITES), bare.Bucket(*bare.PUT_VM)]
        rows.append(
            _figures(bare.vm_pool(rng, [3600.0] * 2000, 200, 30.0, "Standard_LRS", buckets=buckets))
        )
    base = collect(rows)
    keys = (
        "failed",
        "throttled_429",
        "retries",
        "ttr_mean_s",
        "ttr_p50_s",
        "ttr_p95_s",
        "waited_share",
        "wait_mean_s",
    )
    assert disagreements(_acgsim(results, keys), {k: base[k] for k in keys}) == []


def _putvm_baseline(k: int, min_retry_after: float = bare.MIN_RETRY_AFTER):
    rng = np.random.default_rng(8)
    rows = []
    for _ in range(k):
        arm = [bare.Bucket(*bare.ARM_WRITES, min_retry_after) for _ in range(3)]
        put = bare.Bucket(*bare.PUT_VM, min_retry_after)
        times = bare.poisson_times(rng, 3 * 3600.0, 1500.0, 120.0)
        # a subscription's requests take its principals in turn
        reqs = bare.vm_pool(
            rng,
            times,
            20 * 20,
            30.0,
            "Standard_LRS",
            route=lambda i, arm=arm, put=put: [arm[i % 3], put],
        )
        rows.append(_figures(reqs))
    return collect(rows)


KEYS = (
    "requests",
    "failed",
    "throttled_429",
    "retries",
    "ttr_mean_s",
    "ttr_p95_s",
    "waited_share",
    "wait_mean_s",
)


@pytest.fixture(scope="module")
def putvm_acgsim():
    results = runs(load("putvm-stream"), 8)
    assert all(r.engine.name == "simpy" for r in results)  # throttling binds
    return _acgsim(results, KEYS)


def test_putvm_stream_agrees_with_the_baseline(putvm_acgsim):
    assert disagreements(putvm_acgsim, _putvm_baseline(8)) == []
    assert np.mean(putvm_acgsim["throttled_429"]) > 1000


def test_putvm_comparison_would_see_a_shorter_retry_after(putvm_acgsim):
    assert disagreements(putvm_acgsim, _putvm_baseline(8, min_retry_after=1.0))


def test_hourly_arm_limit_is_a_bucket_of_1200_refilled_over_the_hour():
    """`arm_limits: hourly`: 1,200 pass at once; a token every 3 s, so 2 per 6-second retry
    round; after az's 10 retries 1,220 have run and 780 failed."""
    scenario = acgsim.change(load("arm-burst"), {"model.arm_limits": "hourly"})
    s = region(runs(scenario, 1)[0], "westeurope")
    assert (s.succeeded, s.failed, s.failed_by_code) == (1220, 780, {"ArmThrottled": 780})
    assert s.throttled_429 == 800 + sum(800 - 2 * k for k in range(1, 11))
    assert s.retries == sum(800 - 2 * (k - 1) for k in range(1, 11))
