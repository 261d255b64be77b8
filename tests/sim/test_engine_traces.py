"""Small hand-computed traces: exact times for a few VMs on one replica."""

from __future__ import annotations

import pytest

from sim.catalog import Bucket
from sim.engine import simulate
from sim.throttle import TokenBucket
from tests.helpers import build
from tests.sim.engine_cases import one_region


def test_replication_time_is_the_formula_without_jitter():
    # source region: first copy is local: overhead 300 s + 1 GB * 1024 MB / 64 MB/s = 316 s
    result = simulate(build(one_region()))
    [rep] = result.replication_log
    assert (rep.state, rep.attempts, rep.completed_s) == ("Completed", 1, 316.0)


def test_two_vms_one_replica_of_capacity_one():
    # disk = 15 s + 0.5 s/GB * 1 GB = 15.5 s; boot 40 s; both submitted at t = 1000 s.
    # VM 1: disk 1000-1015.5, running 1055.5 (55.5 s). VM 2 waits 15.5 s: running 1071 (71 s).
    result = simulate(build(one_region(), replica_concurrency=1), trace=True)
    vms = sorted(result.records, key=lambda r: r["id"])
    assert [(r["wait"], r["finished"]) for r in vms] == [(0.0, 1055.5), (15.5, 1071.0)]
    region = result.regions[0]
    assert (region.succeeded, region.ttr_max_s, region.ttr_p50_s) == (2, 71.0, 63.25)
    assert (region.wait_mean_s, region.waited_share, region.longest_queue) == (7.75, 0.5, 1)
    assert region.peak_replica_busy == 1


def test_two_replicas_serve_both_at_once():
    result = simulate(build(one_region(replicas=2), replica_concurrency=1), trace=True)
    assert sorted(r["finished"] for r in result.records) == [1055.5, 1055.5]
    assert sorted(r["replica"] for r in result.records) == [0, 1]


def test_spread_and_concurrency_limit_submissions():
    # three VMs spread over 30 s arrive at 1000, 1010, 1020; a client limit of 1 serialises them
    data = one_region(count=3, spread="30s", concurrency=1)
    result = simulate(build(data), trace=True)
    assert [r["submitted"] for r in result.records] == [1000.0, 1055.5, 1111.0]


def test_request_before_replication_completes_is_not_available():
    result = simulate(build(one_region(at="100s")))
    assert result.overall.failed_by_code == {"NotAvailableInRegion": 2}


def test_token_bucket_exact():
    b = TokenBucket.full(Bucket(size=2, refill_per_s=0.5))
    assert [b.take(0.0), b.take(0.0)] == [0.0, 0.0]
    assert b.take(0.0) == 2.0  # one token needs 2 s
    assert b.take(1.0) == 1.0  # half a token there, the rest in 1 s
    assert b.take(2.0) == 0.0
    assert b.take(100.0) == 0.0 and b.tokens == pytest.approx(1.0)
