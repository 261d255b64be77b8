"""Shapes 1 and 2: VM requests on one region's replica slots, against the bare baseline.

Shape 1 (`poisson-premium-pool`): Poisson creates (140 a minute for 30 minutes) on two
Premium_LRS replicas, after replication: 2 x 25 slots (20 x the SSD tier's 1.25), disks 1.5x
faster, a load near 93% so about a third of the requests wait. Shape 2 (`burst-queue`): 120 VMs
at one instant and 200 spread over 5 minutes on one Standard_LRS replica: most queue.
"""

from __future__ import annotations

import numpy as np
import pytest

import acgsim

from . import bare
from .compare import acgsim_figures, collect, disagreements, load, region, runs, summary

KEYS = ("ttr_mean_s", "ttr_p50_s", "ttr_p95_s", "waited_share", "wait_mean_s")


def _poisson_baseline(k: int, *, storage="Premium_LRS", slot_through_boot=False):
    rng = np.random.default_rng(2024)
    rows = []
    for _ in range(k):
        times = bare.poisson_times(rng, 7200.0, 140.0, 1800.0)
        slots = 2 * bare.slots_per_replica(20, storage)
        reqs = bare.vm_pool(rng, times, slots, 30.0, storage, slot_through_boot=slot_through_boot)
        rows.append(summary([r.ttr for r in reqs], [r.wait for r in reqs]))
    return collect(rows)


@pytest.fixture(scope="module")
def poisson_acgsim():
    return runs(load("poisson-premium-pool"), 10)


def test_poisson_pool_agrees_with_the_baseline(poisson_acgsim):
    acg = acgsim_figures(poisson_acgsim, "westeurope", KEYS)
    assert disagreements(acg, _poisson_baseline(10)) == []
    # the runs really queue: the comparison is not of an idle pool
    assert 0.15 < np.mean(acg["waited_share"]) < 0.7
    assert all(region(r, "westeurope").failed == 0 for r in poisson_acgsim)


def test_poisson_comparison_would_see_a_wrong_tier_or_a_slot_held_through_boot(poisson_acgsim):
    acg = acgsim_figures(poisson_acgsim[:4], "westeurope", KEYS)
    assert disagreements(acg, _poisson_baseline(4, storage="Standard_LRS"))
    assert disagreements(acg, _poisson_baseline(4, slot_through_boot=True))


def test_poisson_pool_simpy_engine_agrees_too(poisson_acgsim):
    simpy_runs = runs(load("poisson-premium-pool"), 3, engine="simpy")
    for a, b in zip(poisson_acgsim[:3], simpy_runs, strict=True):
        assert a.engine.name == "fast" and b.engine.name == "simpy"
        assert a.regions == b.regions


def _burst_baseline(k: int):
    rng = np.random.default_rng(77)
    rows = {"burst": [], "spread": []}
    for _ in range(k):
        at_once = bare.vm_pool(rng, [3600.0] * 120, 20, 30.0, "Standard_LRS")
        rows["burst"].append(summary([r.ttr for r in at_once], [r.wait for r in at_once]))
        spread = bare.vm_pool(rng, bare.spread_times(7200.0, 200, 300.0), 20, 30.0, "Standard_LRS")
        rows["spread"].append(summary([r.ttr for r in spread], [r.wait for r in spread]))
    return {k: collect(v) for k, v in rows.items()}


def test_burst_queue_agrees_with_the_baseline():
    results = runs(load("burst-queue"), 30)
    base = _burst_baseline(30)
    for wave, region_name in (("burst", "westeurope"), ("spread", "northeurope")):
        acg = acgsim_figures(results, region_name, KEYS)
        assert disagreements(acg, base[wave]) == [], wave
    burst = [region(r, "westeurope") for r in results]
    # 120 at one instant on 20 slots: exactly 100 wait, the longest queue is 100
    assert {s.waited_share for s in burst} == {round(100 / 120, 3)}
    assert {s.longest_queue for s in burst} == {100}


@pytest.mark.parametrize(("concurrency", "slots"), [(2, 2), (3, 4), (5, 6), (20, 25)])
def test_premium_slots_are_the_concurrency_times_the_factor_rounded(concurrency, slots):
    scenario = acgsim.change(
        load("burst-queue"),
        {
            "model.replica_concurrency": concurrency,
            "galleries[0].images[web].versions[1.0.0].storage": "Premium_LRS",
        },
    )
    assert bare.slots_per_replica(concurrency, "Premium_LRS") == slots
    s = region(runs(scenario, 1)[0], "westeurope")
    assert (s.replica_capacity, s.peak_replica_busy) == (slots, slots)


def test_shallow_and_current_guidance_slots_are_exact():
    """A burst of 20 on a Shallow version (4 at once) and of 120 on one replica under the
    `current` guidance (50 at once): exactly 16 and 70 wait; Shallow is ready after the
    replication overhead (12 minutes), with no copy."""
    for r in runs(load("shallow-and-current"), 2, trace=True):
        shallow = next(x for x in r.replication_log if x.version.endswith("/1.0.0"))
        assert shallow.completed_s == 12 * 60.0
        for wave, waited, n in (("shallow-burst", 16, 20), ("full-burst", 70, 120)):
            recs = [x for x in r.records if x["wave"] == wave]
            assert len(recs) == n and all(x["outcome"] == "succeeded" for x in recs)
            assert sum(x["wait"] > 0 for x in recs) == waited
