"""Small hand-computed traces: exact times for a few VMs on one replica."""

from __future__ import annotations

import pytest

from acgsim.sim.catalog import Bucket
from acgsim.sim.engine import simulate
from acgsim.sim.throttle import TokenBucket

from ..helpers import build
from ..sim.engine_cases import one_region


def test_replication_time_is_the_formula_without_jitter():
    # source region: first copy is local: overhead 720 s + 1 GB * 1024 MB / 64 MB/s = 736 s
    result = simulate(build(one_region()))
    [rep] = result.replication_log
    assert (rep.state, rep.attempts, rep.completed_s) == ("Completed", 1, 736.0)


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


def test_waiting_requests_are_served_first_in_first_out():
    # three VMs spread 1 s apart, one slot: each starts when the previous disk is done
    result = simulate(build(one_region(count=3, spread="3s"), replica_concurrency=1), trace=True)
    starts = [r["submitted"] + r["wait"] for r in sorted(result.records, key=lambda r: r["id"])]
    assert starts == [1000.0, 1015.5, 1031.0]


def test_premium_disk_speedup_divides_disk_time():
    data = one_region(count=1, storage="Premium_LRS")
    [r] = simulate(build(data, storage={"ssd": {"disk_speedup": 2.0}}), trace=True).records
    assert r["disk"] == 15.5 / 2


def test_premium_is_faster_and_serves_more_at_once_by_default():
    # 1 GB image: disk 15.5 s on Standard, 15.5 / 1.5 on Premium; 25 VMs on one replica:
    # Standard serves 20 at once (seed guidance) and 5 wait, Premium serves 25 (20 x 1.25)
    std = simulate(build(one_region(count=25)), trace=True)
    prem = simulate(build(one_region(count=25, storage="Premium_LRS")), trace=True)
    assert {r["disk"] for r in prem.records} == {15.5 / 1.5}
    assert std.regions[0].longest_queue == 5 and prem.regions[0].longest_queue == 0
    assert max(r["wait"] for r in std.records) == 15.5


def test_in_region_copies_add_to_replication_time():
    # westeurope, 3 replicas: first copy 720 + 16 s, then 2 copies of 16 s in parallel
    [rep] = simulate(build(one_region(replicas=3))).replication_log
    assert rep.completed_s == 752.0


def test_retry_after_is_honoured_and_has_a_floor():
    # 250 PUTs at once from one principal: 200 pass ARM, the rest get 429 with Retry-After 1 s
    data = one_region(count=250, replicas=13)
    fast = simulate(build(data), trace=True).records
    slow = simulate(build(data, retry={"min_retry_after": "30s"}), trace=True).records
    late = max(r["finished"] for r in fast)
    assert late < 1000 + 10 + 55.5  # ARM refills 10 tokens a second: all pass within 5 s
    assert max(r["finished"] for r in slow) == 1030 + 55.5  # one retry, 30 s later
    backoff = simulate(build(data, retry={"honour_retry_after": False}), trace=True).records
    assert max(r["finished"] for r in backoff) != late


def test_progress_is_sampled_and_reaches_100():
    data = one_region(count=1)
    data["model"]["sample_interval"] = "60s"
    series = simulate(build(data)).timeseries
    progress = series.regions["westeurope"]["replication_progress"]
    assert progress[0] == 0.0 and progress[-1] == 100.0
    assert progress == sorted(progress) and any(0 < p < 100 for p in progress)
    done = series.t[progress.index(100.0)]
    assert 736 <= done < 736 + 60


def test_a_restored_zone_takes_waiting_requests_at_once():
    # 2 LRS replicas of capacity 1: replica 0 in zone 1, replica 1 in zone 2. Zone 1 is down from
    # 990 s to 1020 s: four VMs at 1000 s queue for replica 1; at 1020 s replica 0 takes the next.
    data = one_region(count=4, replicas=2)
    data["faults"] = [
        {"kind": "zone_outage", "region": "westeurope", "zone": 1, "at": "990s", "duration": "30s"}
    ]
    result = simulate(build(data, replica_concurrency=1), trace=True)
    starts = sorted(r["submitted"] + r["wait"] for r in result.records)
    assert starts == [1000.0, 1015.5, 1020.0, 1031.0]
