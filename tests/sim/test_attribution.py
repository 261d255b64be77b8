"""Where time to running goes: the parts sum to it, and each cause is named where it happens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from acgsim.sim.attribution import PARTS
from acgsim.sim.engine import simulate

from ..helpers import build
from .engine_cases import one_region

RECORD_PARTS = ("held", "polled", "batches", "wait", "queued_before", "disk", "lost", "boot")

mixes = st.fixed_dictionaries(
    {
        "vms": st.integers(1, 150) | st.integers(1600, 2400),  # the PutVM bucket holds 1,500
        "sets": st.integers(0, 3),
        "instances": st.integers(1, 90),
        "batch": st.integers(1, 30),
        "replicas": st.integers(1, 4),
        "concurrency": st.integers(1, 25),
        "spread": st.sampled_from(["0s", "45s"]),
        "storage": st.sampled_from(["Standard_LRS", "Standard_ZRS"]),
        "outage": st.sampled_from([None, "30s", "3m", "20m"]),
        "throttling": st.booleans(),
        "seed": st.integers(0, 2**32),
    }
)


def _mixed(m: dict):
    data = one_region(
        count=m["vms"], replicas=m["replicas"], at="20m", spread=m["spread"], storage=m["storage"]
    )
    if m["sets"]:
        data["workload"]["scale_sets"] = [
            {
                "name": "web-vmss",
                "at": "20m10s",
                "region": "westeurope",
                "subscription": "apps",
                "image": "gal/web/latest",
                "count": m["sets"],
                "instances": m["instances"],
            }
        ]
    if m["outage"]:
        data["faults"] = [
            {"kind": "zone_outage", "region": "westeurope", "zone": 1, "at": "21m",
             "duration": m["outage"]}
        ]  # fmt: skip
    data["horizon"], data["seed"] = "3h", m["seed"]
    data["model"].update(
        disk={"dist": "lognormal", "base": "20s", "per_gb": "1s", "cv": 0.5},
        boot={"dist": "lognormal", "mean": "40s"},
        replica_concurrency=m["concurrency"],
        vmss_batch=m["batch"],
        throttling=m["throttling"],
    )
    return build(data)


@settings(max_examples=40, deadline=None)
@given(mixes)
def test_the_parts_of_every_request_sum_to_its_time_to_running(m):
    """A law over generated workloads (VMs and scale sets, outages, throttling): each request
    that ran has non-negative parts that add up to its time to running, and the waves account
    for every request of their region."""
    r = simulate(_mixed(m), trace=True)
    assert r.error is None
    for rec in r.records:
        parts = [rec[p] for p in RECORD_PARTS]
        assert min(parts) >= 0, rec
        if rec["outcome"] == "succeeded":
            assert abs(sum(parts) - (rec["finished"] - rec["submitted"])) < 1e-6, rec
    for region in r.regions:
        waves = [w for w in r.waves if w.region == region.region]
        assert sum(w.requests for w in waves) == region.requests
        assert sum(w.succeeded for w in waves) == region.succeeded
        assert sum(w.failed for w in waves) == region.failed
        if region.succeeded:
            assert set(region.p95_parts_s) == set(PARTS)
            # the tail's mean time to running: at least the p95, at most the slowest request
            tail = sum(region.p95_parts_s.values())
            assert region.ttr_p95_s - 0.01 <= tail <= region.ttr_max_s + 0.01
            assert sum(w.tail_requests for w in waves) >= 1
            assert region.bottleneck is not None
        else:
            assert region.bottleneck is None


def _cause(data: dict, **model):
    r = simulate(build(data, **model))
    assert r.error is None
    (region,) = r.regions
    return region.bottleneck


def _scale_set(data: dict, instances: int, count: int = 1) -> dict:
    data["workload"]["scale_sets"] = [
        {"name": "big-vmss", "at": "20m", "region": "westeurope", "subscription": "apps",
         "image": "gal/web/latest", "count": count, "instances": instances}
    ]  # fmt: skip
    return data


def test_scale_set_batches_are_named_with_their_assumption_and_replicas_cannot_help():
    data = _scale_set(one_region(count=1, replicas=4, at="20m"), instances=600)
    b = _cause(data, vmss_batch=20)
    assert b.part == "batches" and b.wave == "big-vmss" and not b.replicas_help
    assert "built 20 at a time: assumption vmss_batch, 30 batches" in b.text
    assert "more replicas cannot help" in b.text
    assert any("vmss_batch" in lever for lever in b.levers)


def test_queuing_for_one_replica_is_named_and_replicas_can_help():
    b = _cause(one_region(count=300, replicas=1, at="20m"), replica_concurrency=5)
    assert b.part == "queued" and b.replicas_help and "more replicas can help" in b.text
    assert any("more replicas" in lever for lever in b.levers)


def test_throttling_is_named_with_the_limit():
    b = _cause(
        one_region(count=1000, replicas=100, at="20m"),
        throttling=True,
        retry={"max_retries": 30, "min_retry_after": "60s"},  # a cautious service
    )
    assert b.part == "throttled" and not b.replicas_help
    assert any("PutVM" in lever for lever in b.levers)


def test_a_slow_disk_and_a_slow_boot_are_named_as_assumptions():
    big = one_region(count=5, replicas=1, at="5h", size_gb=300)  # replicated by then
    assert _cause(big).part == "disk"
    b = _cause(one_region(count=5, replicas=5, at="20m"), boot={"dist": "fixed", "mean": "15m"})
    assert b.part == "boot" and "assumption boot" in b.text


def test_work_lost_with_a_replica_is_named():
    data = one_region(count=20, replicas=1, at="20m", storage="Standard_LRS")
    data["faults"] = [
        {"kind": "zone_outage", "region": "westeurope", "zone": 1, "at": "21m30s",
         "duration": "15m"}
    ]  # fmt: skip
    b = _cause(
        data,
        disk={"dist": "fixed", "base": "100s", "per_gb": "0s"},
        boot={"dist": "fixed", "mean": "10s"},
        retry={"max_retries": 12, "backoff_base": "30s", "backoff_max": "2m"},
    )
    assert b.part == "lost_replica" and b.replicas_help
    assert any("Standard_ZRS" in lever for lever in b.levers)
