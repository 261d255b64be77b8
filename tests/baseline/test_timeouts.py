"""Shape 7: OS provisioning timeouts behind a long replica queue, against the baseline.

`provisioning-timeout`: 1,000 VMs at once on one replica (20 slots), throttling off. A VM not
running 20 minutes (`os_provisioning_timeout`) after its PUT was accepted fails with
OSProvisioningTimedOut, but Azure carries on: it keeps its place and its slot, so the queue
behind it is what it would be without the timeout. The baseline runs the queue alone and calls
every VM slower than 20 minutes failed.
"""

from __future__ import annotations

import numpy as np

from . import bare
from .compare import collect, disagreements, load, region, runs

K = 8
TIMEOUT = 20 * 60.0
KEYS = ("failed", "ttr_mean_s", "ttr_p50_s", "ttr_p95_s", "wait_mean_s", "waited_share")


def _baseline(k: int, *, timeout_frees_slot: bool = False):
    rng = np.random.default_rng(21)
    rows = []
    for _ in range(k):
        if timeout_frees_slot:  # a wrong model: a VM timed out in the queue leaves it
            reqs = _drop_late(rng, [bare.Request(3600.0) for _ in range(1000)])
        else:
            reqs = bare.vm_pool(rng, [3600.0] * 1000, 20, 30.0, "Standard_LRS")
        ran = [r.ttr for r in reqs if r.ttr is not None and r.ttr <= TIMEOUT]
        row = {
            "failed": len(reqs) - len(ran),
            "ttr_mean_s": np.mean(ran),
            "ttr_p50_s": np.percentile(ran, 50),
            "ttr_p95_s": np.percentile(ran, 95),
            "wait_mean_s": np.mean([r.wait for r in reqs]),
            "waited_share": np.mean([r.wait > 0 for r in reqs]),
        }
        rows.append(row)
    return collect(rows)


def _drop_late(rng, reqs):
    """The queue again with each VM that would time out before its slot leaving at its timeout."""
    free = [3600.0] * 20
    out = []
    for r in reqs:
        start = min(free)
        i = free.index(start)
        req = bare.Request(r.submitted)
        if start - r.submitted >= TIMEOUT:
            req.wait = TIMEOUT
            out.append(req)
            continue
        req.wait = start - r.submitted
        disk = bare.lognormal(rng, bare.disk_mean(30.0, "Standard_LRS"), bare.DISK_CV)
        free[i] = start + disk
        req.ttr = req.wait + disk + bare.lognormal(rng, bare.BOOT_MEAN, bare.BOOT_CV)
        out.append(req)
    return out


def test_timeouts_behind_a_long_queue_agree_with_the_baseline():
    results = runs(load("provisioning-timeout"), K)
    acg = {k: [getattr(region(r, "westeurope"), k) for r in results] for k in KEYS}
    for r in results:
        assert set(region(r, "westeurope").failed_by_code) == {"OSProvisioningTimedOut"}
    assert disagreements(acg, _baseline(K)) == []
    assert disagreements(acg, _baseline(K, timeout_frees_slot=True))
