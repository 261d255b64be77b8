"""Shape 6: a region outage, against the baseline.

`region-outage`: 600 VMs over an hour in North Europe (one every 6 s, light load) while the region
is down for 10 minutes. A PUT while it is down gets RegionUnavailable; a disk being created when
it goes down is lost with its replica; both are retried by az with backoff (0.8 s doubling to
120 s), each failure counting against its 10 retries; a VM already booting runs on. The last of
10 retries comes 444 s after the first failure, so requests sent in the outage's first 156 s fail.
"""

from __future__ import annotations

import numpy as np
import pytest

from . import bare
from .compare import collect, disagreements, load, region, runs

K = 20
START, END = 9000.0, 9600.0  # at 2h30m for 10m
KEYS = ("failed", "retries", "ttr_mean_s", "ttr_p50_s", "ttr_p95_s", "ttr_p99_s", "ttr_max_s")


def _baseline(k: int, *, booting_survives: bool = True):
    rng = np.random.default_rng(12)
    rows = []
    for _ in range(k):
        reqs = bare.region_outage(
            rng,
            bare.spread_times(7200.0, 600, 3600.0),
            2 * 20,
            30.0,
            "Standard_ZRS",
            (START, END),
            booting_survives=booting_survives,
        )
        t = np.array([r.ttr for r in reqs if r.ttr is not None])
        rows.append(
            {
                "failed": sum(r.ttr is None for r in reqs),
                "retries": sum(r.retries for r in reqs),
                "ttr_mean_s": t.mean(),
                "ttr_p50_s": np.percentile(t, 50),
                "ttr_p95_s": np.percentile(t, 95),
                "ttr_p99_s": np.percentile(t, 99),
                "ttr_max_s": t.max(),
            }
        )
    return collect(rows)


@pytest.fixture(scope="module")
def acgsim_figures():
    results = runs(load("region-outage"), K)
    for r in results:
        s = region(r, "northeurope")
        assert set(s.failed_by_code) == {"RegionUnavailable"}
    return {k: [getattr(region(r, "northeurope"), k) for r in results] for k in KEYS}


def test_region_outage_agrees_with_the_baseline(acgsim_figures):
    assert disagreements(acgsim_figures, _baseline(K)) == []


def test_region_outage_comparison_would_see_booting_vms_lost(acgsim_figures):
    assert disagreements(acgsim_figures, _baseline(K, booting_survives=False))


def _refusals(sent: float) -> int:
    """Attempts of a request sent at `sent` that find the region down (its retries' schedule)."""
    t, n = sent, 0
    while START <= t < END and n <= bare.MAX_RETRIES:
        n += 1
        t += bare.backoff(n)
    return n


def test_requests_sent_during_the_outage_fail_or_retry_exactly():
    for r in runs(load("region-outage"), 2, trace=True):
        sent_in_outage = [x for x in r.records if START <= x["submitted"] < END]
        assert len(sent_in_outage) == 100
        for x in sent_in_outage:
            n = _refusals(x["submitted"])
            if n > bare.MAX_RETRIES:
                assert (x["error"], x["retries"]) == ("RegionUnavailable", bare.MAX_RETRIES)
            else:
                assert (x["error"], x["retries"]) == ("", n)
        assert sum(x["error"] == "RegionUnavailable" for x in sent_in_outage) == 26
