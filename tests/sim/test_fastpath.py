"""The exact fast path: on eligible runs the same RunResult, byte for byte, as SimPy's engine."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acgsim.sim.engine import NotEligible, Subset, simulate
from acgsim.sim.errors import InputError

from ..helpers import build, web_gallery
from ..sim.engine_cases import one_region

REGIONS = ["westeurope", "northeurope", "eastus", "uksouth"]


@st.composite
def eligible(draw) -> dict:
    """Scenarios in the styles people write that the fast path takes: VM bursts and spreads,
    Poisson arrivals, scale sets built in batches, one or two versions, `latest` or explicit,
    once replication is done."""
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True))
    versions = [{"name": "1.0.0", "size_gb": draw(st.sampled_from([1, 10, 30])), "regions": []}]
    versions[0]["regions"] = [
        {"region": r, "replicas": draw(st.integers(1, 4))}
        for r in dict.fromkeys(["westeurope", *regions])
    ]
    if draw(st.booleans()):  # a newer version somewhere, maybe hidden from latest
        versions.append(
            {
                "name": "1.1.0",
                "size_gb": 5,
                "replicas": draw(st.integers(1, 3)),
                "exclude_from_latest": draw(st.booleans()),
                "regions": list(
                    dict.fromkeys(["westeurope", *draw(st.lists(st.sampled_from(regions)))])
                ),
            }
        )
    workload: dict = {"vms": [], "arrivals": [], "scale_sets": []}
    for _ in range(draw(st.integers(1, 4))):
        region = draw(st.sampled_from(regions))
        image = draw(st.sampled_from(["gal/web/latest", "gal/web/1.0.0"]))
        wave = {
            "region": region,
            "subscription": draw(st.sampled_from(["apps", "ops", "data"])),
            "image": image,
            "at": draw(st.sampled_from(["3h", "3h 30s", "3h 1m", "4h"])),
        }
        kind = draw(st.sampled_from(["vms", "arrivals", "scale_sets"]))
        if kind == "vms":
            wave["count"] = draw(st.integers(1, 120))
            wave["spread"] = draw(st.sampled_from(["0s", "30s", "1m", "7m", "1h"]))
            workload["vms"].append(wave)
        elif kind == "scale_sets":
            wave["count"] = draw(st.integers(1, 4))
            wave["instances"] = draw(st.integers(1, 60))
            wave["spread"] = draw(st.sampled_from(["0s", "1m", "10m"]))
            wave["orchestration"] = draw(st.sampled_from(["Uniform", "Flexible"]))
            workload["scale_sets"].append(wave)
        else:
            wave["rate_per_min"] = draw(st.sampled_from([0.5, 6, 40]))
            wave["duration"] = draw(st.sampled_from(["10m", "1h"]))
            workload["arrivals"].append(wave)
    dist = st.sampled_from(["lognormal", "exponential"])
    return {
        "name": "fast-law",
        "seed": draw(st.integers(0, 2**32)),
        "horizon": draw(st.sampled_from(["3h 20m", "6h"])),
        "tenants": [
            {
                "name": "contoso",
                "subscriptions": [{"name": n} for n in ("images", "apps", "ops", "data")],
            }
        ],
        "galleries": [web_gallery(versions)],
        "access": [{"tenant": "contoso", "scope": "gal"}],
        "workload": workload,
        "model": {
            "replica_concurrency": draw(st.integers(1, 20)),
            "vmss_batch": draw(st.sampled_from([5, 20, 50])),
            "disk": {"dist": draw(dist), "base": "20s", "per_gb": "1s", "cv": 0.6},
            "boot": {"dist": draw(dist), "mean": "40s"},
            "sample_interval": draw(st.sampled_from(["30s", "1m", "5m"])),
            "throttling": draw(st.booleans()),
            "arm_principals": draw(st.integers(1, 3)),
        },
    }


def _both(scenario, trace: bool = False, **kw) -> tuple[dict, dict, object]:
    slow = json.loads(simulate(scenario, engine="simpy", trace=trace, **kw).to_json())
    result = simulate(scenario, engine="auto", trace=trace, **kw)
    fast = json.loads(result.to_json())
    assert slow.pop("engine")["name"] == "simpy"
    fast.pop("engine")
    return slow, fast, result.engine


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=eligible())
def test_law_fast_path_gives_simpys_result(data):
    """Eligible runs take the fast path, and it gives SimPy's result, unless a request reaches
    the OS provisioning timeout or status polls outgrow a read bucket (then SimPy computes the
    run, and says why)."""
    scenario = build(data)
    slow, fast, engine = _both(scenario, False)
    assert slow["error"] is None
    if engine.name == "simpy":
        assert engine.why in (
            "a request reaches the OS provisioning timeout",
            "status polls may be throttled (reads; sim.polling)",  # the queue outgrew a bucket
        )
    assert fast == slow


def test_a_traced_run_goes_to_simpy_and_says_why():
    """Records carry each answer's remaining-calls headers, which only SimPy writes."""
    scenario = build(one_region(count=20, at="2h"))
    slow, fast, engine = _both(scenario, True)
    assert engine.name == "simpy" and engine.why.startswith("--trace")
    assert fast == slow


def test_a_cut_subset_of_a_scenario_takes_the_fast_path_and_agrees():
    data = one_region(count=150, replicas=2, at="2h", spread="10m")
    data["model"] = {"disk": {"dist": "lognormal", "cv": 0.8}, "replica_concurrency": 5}
    data["workload"]["arrivals"] = [
        {
            "at": "2h",
            "region": "westeurope",
            "subscription": "apps",
            "image": "gal/web/latest",
            "rate_per_min": 20,
            "duration": "30m",
        }
    ]
    scenario = build(data)
    subset = Subset(frozenset({"arrivals/0"}), frozenset({("gal/web/1.0.0", "westeurope")}))
    for kw in ({}, {"subset": subset}):
        slow, fast, engine = _both(scenario, **kw)
        assert engine.name == "fast"
        assert fast == slow
        assert fast["overall"]["waited_share"] > 0  # the slots were contended


def test_runs_the_fast_path_cannot_compute_exactly_go_to_simpy_and_say_why():
    cases = {
        "client concurrency": one_region(count=20, at="2h", concurrency=5),
        "throttling may bind": one_region(count=600, at="2h"),  # 600 PUTs at once: ARM's 200
        "before replication": one_region(count=5, at="1s"),
        "at one instant": one_region(count=50, at="2h"),  # fixed times: every disk ends together
    }
    cases["round_robin"] = one_region(count=50, at="2h")
    cases["round_robin"]["model"]["replica_selection"] = "round_robin"
    for why, data in cases.items():
        scenario = build(data)
        slow, auto, engine = _both(scenario)
        assert engine.name == "simpy" and why in engine.why
        assert auto == slow
        with pytest.raises(NotEligible, match=why) as err:
            simulate(scenario, engine="fast")
        assert isinstance(err.value, InputError)  # the CLI's exit status 2


@pytest.mark.parametrize(("count", "engine"), [(760, "fast"), (900, "simpy")])
def test_two_subscriptions_take_their_own_principals_in_turn_in_both_engines(count, engine):
    """Two subscriptions' requests opened in turn over the same 20 s, each through 2 ARM
    principals: 760 from each is 380 a principal, which its bucket (200, then 10/s) just holds,
    so the fast path proves it never empties (were principals taken by the request's number in
    the whole run, all 760 would go to one); 900 is 450 a principal, which empties it: SimPy."""
    data = one_region(count=count, replicas=60, at="2h", spread="20s")
    data["model"] = {"disk": {"dist": "lognormal", "cv": 0.5}, "arm_principals": 2}
    data["tenants"][0]["subscriptions"].append({"name": "ops"})
    data["access"].append({"subscription": "ops", "scope": "gal"})
    other = dict(data["workload"]["vms"][0], subscription="ops")  # opened in turn with apps
    data["workload"]["vms"].append(other)
    slow, fast, used = _both(build(data))
    assert used.name == engine, used.why
    assert fast == slow
    assert (slow["overall"]["throttled_429"] > 0) == (engine == "simpy")


def test_a_scale_set_cut_by_the_horizon_mid_build_agrees():
    """One set of 41 instances from one slot, 5 at a time, stopped after 20 minutes: most
    batches never start, and the sampler's busy slots must not count them."""
    data = one_region(count=1, at="3h")
    data["horizon"] = "3h 20m"
    data["workload"] = {
        "scale_sets": [
            {"at": "3h", "region": "westeurope", "subscription": "apps",
             "image": "gal/web/latest", "instances": 41}
        ]
    }  # fmt: skip
    data["model"] = {"replica_concurrency": 1, "vmss_batch": 5, "sample_interval": "30s"}
    slow, fast, engine = _both(build(data), False)
    assert engine.name == "fast" and fast == slow
    assert max(fast["timeseries"]["regions"]["westeurope"]["busy"]) == 1
