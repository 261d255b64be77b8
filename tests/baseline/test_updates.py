"""Shape 10: an update that adds replicas while requests queue, against the baseline.

`update-replicas`: 100 VMs a minute for 25 minutes on one replica (20 disks of about 20 s at
once: 60 a minute), so the queue grows; at 1h10m an update raises the replicas to 4. The three
new replicas are copied in the region (10 GB at the LAN rate, about 160 s each, side by side) and
join the pool together when the last copy ends (the region completes again); the queue then
drains. (On 100 runs, joining each as its own copy ends gives a mean wait 8 s shorter than
acgsim's, z = 5.5: `python benchmarks/bench_baseline.py --only update-replicas`.)
"""

from __future__ import annotations

import numpy as np
import pytest

from . import bare
from .compare import collect, disagreements, load, region, runs, summary

K = 8


def _baseline(k: int, **variant):
    rng = np.random.default_rng(17)
    rows = []
    for _ in range(k):
        times = bare.poisson_times(rng, 3600.0, 100.0, 1500.0)
        reqs, done = bare.added_replicas(rng, times, 1, 4, 10.0, "Standard_LRS", 4200.0, **variant)
        row = summary([r.ttr for r in reqs], [r.wait for r in reqs])
        row["replication_done_s"] = done
        rows.append(row)
    return collect(rows)


@pytest.fixture(scope="module")
def acgsim_figures():
    keys = ("ttr_mean_s", "ttr_p50_s", "ttr_p95_s", "waited_share", "wait_mean_s")
    results = runs(load("update-replicas"), K)
    out = {k: [getattr(region(r, "westeurope"), k) for r in results] for k in keys}
    out["replication_done_s"] = [r.replication_log[0].completed_s for r in results]
    return out


def test_added_replicas_join_when_copied_as_the_baseline_does(acgsim_figures):
    assert disagreements(acgsim_figures, _baseline(K)) == []
    assert np.mean(acgsim_figures["wait_mean_s"]) > 30  # the queue really built up


def test_update_comparison_would_see_replicas_serving_before_they_are_copied(acgsim_figures):
    assert disagreements(acgsim_figures, _baseline(K, join="instant"))
