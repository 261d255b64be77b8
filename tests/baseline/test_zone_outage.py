"""Shape 8: a zone outage with LRS replicas one in each zone, against the baseline.

`zone-outage-three-lrs`: 1,200 VMs over 30 minutes on three Standard_LRS replicas (spread over
zones 1-3), zone 1 down for 10 minutes. `least_loaded` sends a request to the replica with the
fewest disk creations under way (the first on a tie), so about a third of those under way are on
zone 1's replica when it goes: lost, retried by az after 0.8 s on the other two. A rule that
fills the first replica with a free slot first would lose about three times as many.
"""

from __future__ import annotations

import numpy as np
import pytest

from . import bare
from .compare import collect, disagreements, load, region, runs

K = 24
KEYS = ("retries", "ttr_mean_s", "ttr_p50_s", "ttr_p95_s", "ttr_max_s", "peak_replica_busy")


def _baseline(k: int, *, first_free: bool = False):
    rng = np.random.default_rng(5)
    rows = []
    for _ in range(k):
        reqs, peak = bare.zone_outage(
            rng,
            bare.spread_times(7200.0, 1200, 1800.0),
            3,
            30.0,
            "Standard_LRS",
            1,
            (7800.0, 8400.0),
            first_free=first_free,
        )
        t = np.array([r.ttr for r in reqs])
        rows.append(
            {
                "retries": sum(r.retries for r in reqs),
                "ttr_mean_s": t.mean(),
                "ttr_p50_s": np.percentile(t, 50),
                "ttr_p95_s": np.percentile(t, 95),
                "ttr_max_s": t.max(),
                "peak_replica_busy": peak,
            }
        )
    return collect(rows)


@pytest.fixture(scope="module")
def acgsim_figures():
    results = runs(load("zone-outage-three-lrs"), K)
    assert all(region(r, "westeurope").failed == 0 for r in results)
    return {k: [getattr(region(r, "westeurope"), k) for r in results] for k in KEYS}


def test_zone_outage_agrees_with_the_baseline(acgsim_figures):
    assert disagreements(acgsim_figures, _baseline(K)) == []
    assert np.mean(acgsim_figures["retries"]) > 3  # disks really were lost


def test_zone_outage_comparison_would_see_first_free_selection(acgsim_figures):
    assert disagreements(acgsim_figures, _baseline(K, first_free=True))
