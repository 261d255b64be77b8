"""Shape 5: scale sets built in batches from one bound replica, against the baseline.

`scale-set-batches`: three Uniform scale sets of 200 instances sent at once on two replicas.
Each set is bound to the least bound replica (two share one) and creates its instances 20 at a
time from it; the next batch starts once the batch's disks are created. Times to running count
from the set's PUT.
"""

from __future__ import annotations

import numpy as np
import pytest

from . import bare
from .compare import collect, disagreements, load, region, runs

K = 20
KEYS = ("ttr_mean_s", "ttr_p50_s", "ttr_p95_s", "ttr_max_s", "waited_share", "wait_mean_s")


def _baseline(k: int, batch_ends_when: str = "disks"):
    rng = np.random.default_rng(4)
    rows = []
    for _ in range(k):
        sets, waits = bare.scale_sets(
            rng, 3600.0, 3, 200, 2, 30.0, "Standard_ZRS", batch_ends_when=batch_ends_when
        )
        t, w = np.concatenate(sets), np.asarray(waits)
        rows.append(
            {
                "ttr_mean_s": t.mean(),
                "ttr_p50_s": np.percentile(t, 50),
                "ttr_p95_s": np.percentile(t, 95),
                "ttr_max_s": t.max(),
                "waited_share": (w > 0).mean(),
                "wait_mean_s": w.mean(),
            }
        )
    return collect(rows)


@pytest.fixture(scope="module")
def acgsim_runs():
    return runs(load("scale-set-batches"), K)


def test_scale_set_batches_agree_with_the_baseline(acgsim_runs):
    acg = {k: [getattr(region(r, "westeurope"), k) for r in acgsim_runs] for k in KEYS}
    assert disagreements(acg, _baseline(K)) == []
    assert all(region(r, "westeurope").succeeded == 600 for r in acgsim_runs)


def test_scale_set_comparison_would_see_batches_waiting_for_boot(acgsim_runs):
    acg = {k: [getattr(region(r, "westeurope"), k) for r in acgsim_runs[:8]] for k in KEYS}
    assert disagreements(acg, _baseline(8, batch_ends_when="running"))


def test_scale_sets_simpy_engine_gives_the_same_figures(acgsim_runs):
    slow_runs = runs(load("scale-set-batches"), 2, engine="simpy")
    for fast, slow in zip(acgsim_runs[:2], slow_runs, strict=True):
        assert fast.engine.name == "fast" and slow.engine.name == "simpy"
        assert fast.regions == slow.regions and fast.waves == slow.waves
