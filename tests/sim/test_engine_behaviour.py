"""Behaviour an architect relies on: the seed's example, zones, latest, access, faults, 429s."""

from __future__ import annotations

import pytest

from acgsim.sim.engine import simulate

from ..helpers import build
from ..sim.engine_cases import one_region


def test_seed_example_120_vms_on_1_versus_6_replicas():
    """[SEED]: one replica per 20 concurrent VMs; 120 VMs on one replica queue, on six do not."""
    data = one_region(count=120, size_gb=30, at="1h")
    data["model"].pop("disk")  # the default lognormal disk times
    one = simulate(build(data)).overall
    data["galleries"][0]["images"][0]["versions"][0]["replicas"] = 6
    six = simulate(build(data)).overall
    assert one.succeeded == six.succeeded == 120
    assert one.longest_queue == 100 and six.longest_queue == 0
    assert six.wait_mean_s == 0 and one.wait_mean_s > 60
    assert one.ttr_p95_s > 2.5 * six.ttr_p95_s


def _zone_case(storage: str, replicas: int = 3) -> dict:
    data = one_region(
        count=300, replicas=replicas, storage=storage, size_gb=30, spread="10m", at="30m"
    )
    data["model"].pop("disk")
    data["faults"] = [
        {"kind": "zone_outage", "region": "westeurope", "zone": 1, "at": "32m", "duration": "30m"}
    ]
    return data


def test_zone_outage_hits_lrs_but_not_zrs():
    lrs = simulate(build(_zone_case("Standard_LRS")), trace=True)
    zrs = simulate(build(_zone_case("Standard_ZRS")), trace=True)
    assert zrs.overall.retries == 0 and zrs.overall.failed == 0
    assert lrs.overall.retries > 0  # disks on the zone-1 replica were interrupted and retried
    assert lrs.overall.requests == lrs.overall.succeeded + lrs.overall.failed  # nothing lost
    # after the outage began, no LRS disk was created on the zone-1 replica (index 0)
    late = [
        r
        for r in lrs.records
        if r["outcome"] == "succeeded" and r["submitted"] > 32 * 60 and r["finished"] < 62 * 60 - 60
    ]
    assert late and all(r["replica"] != 0 for r in late)


def test_zone_outage_with_a_single_lrs_replica_fails_requests():
    result = simulate(build(_zone_case("Standard_LRS", replicas=1)))
    assert result.overall.failed_by_code.get("ReplicaUnavailable", 0) > 0


def _two_versions() -> dict:
    data = one_region(count=4, at="1h")
    image = data["galleries"][0]["images"][0]
    image["versions"].append(
        {
            "name": "1.1.0",
            "size_gb": 1,
            "regions": ["westeurope", {"region": "northeurope", "exclude_from_latest": True}],
        }
    )
    image["versions"][0]["regions"].append("northeurope")
    data["workload"]["vms"].append(
        {
            "at": "1h",
            "region": "northeurope",
            "subscription": "apps",
            "image": "gal/web/latest",
            "count": 4,
        }
    )
    return data


def test_latest_is_the_highest_version_not_excluded_in_the_region():
    result = simulate(build(_two_versions()), trace=True)
    got = {
        r["region"]: {x["version"] for x in result.records if x["region"] == r["region"]}
        for r in result.records
    }
    assert got == {"westeurope": {"gal/web/1.1.0"}, "northeurope": {"gal/web/1.0.0"}}


def test_version_level_exclusion_and_all_excluded():
    data = _two_versions()
    data["galleries"][0]["images"][0]["versions"][1]["exclude_from_latest"] = True
    data["galleries"][0]["images"][0]["versions"][1]["regions"][1]["exclude_from_latest"] = None
    result = simulate(build(data), trace=True)
    assert {r["version"] for r in result.records} == {"gal/web/1.0.0"}
    for v in data["galleries"][0]["images"][0]["versions"]:
        v["exclude_from_latest"] = True
    result = simulate(build(data))
    assert result.overall.failed_by_code == {"NoLatestVersion": 8}


def test_access_denied_same_tenant_and_cross_tenant():
    data = one_region(count=3)
    data["workload"]["vms"] += [
        {
            "at": "1000s",
            "region": "westeurope",
            "subscription": "partner",
            "image": "gal/web/1.0.0",
            "count": 2,
        },
        {
            "at": "1000s",
            "region": "westeurope",
            "subscription": "images",
            "image": "gal/web/1.0.0",
            "count": 1,
        },
    ]
    data["access"] = []
    result = simulate(build(data))
    assert result.overall.failed_by_code == {
        "AuthorizationFailed": 3,
        "LinkedAuthorizationFailed": 2,
    }
    assert result.overall.succeeded == 1  # the gallery's own subscription


def test_access_through_tenant_role_and_direct_sharing():
    data = one_region(count=1)
    data["workload"]["vms"].append(
        {
            "at": "1000s",
            "region": "westeurope",
            "subscription": "partner",
            "image": "gal/web/latest",
            "count": 2,
        }
    )
    data["access"] = [{"tenant": "fabrikam", "scope": "gal/web"}]
    assert simulate(build(data)).overall.failed_by_code == {"AuthorizationFailed": 1}
    data["access"] = []
    data["galleries"][0]["sharing"] = {
        "mode": "groups",
        "subscriptions": ["apps"],
        "tenants": ["fabrikam"],
    }
    assert simulate(build(data)).overall.failed == 0


def test_cross_tenant_flexible_scale_set_is_refused():
    data = one_region(count=1)
    data["access"].append({"tenant": "fabrikam", "scope": "gal"})
    data["workload"]["scale_sets"] = [
        {
            "at": "1000s",
            "region": "westeurope",
            "subscription": "partner",
            "image": "gal/web/latest",
            "instances": 5,
            "orchestration": flex,
        }
        for flex in ("Flexible", "Uniform")
    ]
    result = simulate(build(data))
    assert result.overall.failed_by_code == {"CrossTenantFlexible": 5}
    assert result.overall.succeeded == 6


def test_scale_set_instances_share_one_replica():
    data = one_region(count=1, replicas=4)
    data["workload"]["scale_sets"] = [
        {
            "at": "1000s",
            "region": "westeurope",
            "subscription": "apps",
            "image": "gal/web/latest",
            "count": 3,
            "instances": 50,
        }
    ]
    result = simulate(build(data), trace=True)
    by_set: dict[str, set] = {}
    for r in result.records:
        if r["kind"] == "vmss_instance":
            by_set.setdefault(r["wave"], set()).add(r["replica"])
    assert len(by_set) == 3 and all(len(v) == 1 for v in by_set.values())
    assert len(set().union(*by_set.values())) == 3  # three sets, three different replicas


def test_replication_failure_window_retries_the_region():
    data = one_region(count=1, at="2h")
    data["faults"] = [
        {"kind": "replication_failure", "region": "westeurope", "at": "1m", "duration": "2m"}
    ]
    [rep] = simulate(build(data)).replication_log
    # fails at 60 s, retried after 15 min (at 960 s), then 736 s to complete
    assert (rep.attempts, rep.state, rep.completed_s) == (2, "Completed", 1696.0)
    assert rep.failures == [{"at_s": 60.0, "why": "replication_failure fault"}]


def test_replication_gives_up_after_max_attempts():
    data = one_region(count=2, at="3h")
    data["faults"] = [{"kind": "replication_failure", "region": "westeurope", "probability": 1}]
    result = simulate(build(data))
    assert result.replication_log[0].state == "Failed"
    assert result.replication_log[0].attempts == 3
    assert result.overall.failed_by_code == {"NotAvailableInRegion": 2}


def test_region_outage_fails_requests_with_a_clear_code():
    data = one_region(count=20, at="30m")
    data["faults"] = [
        {"kind": "region_outage", "region": "westeurope", "at": "29m", "duration": "2h"}
    ]
    result = simulate(build(data))
    assert result.overall.failed_by_code == {"RegionUnavailable": 20}
    assert result.overall.retries == 20 * 10  # every request used all its retries


def test_arm_write_bucket_throttles_a_burst_from_one_principal():
    # 800 PUTs in 40 s from one principal: ARM allows 200 at once plus 10/s [ARM]
    data = one_region(count=800, replicas=40, at="20m", spread="40s")
    throttled = simulate(build(data)).overall
    assert throttled.throttled_429 > 100
    assert set(throttled.failed_by_code) <= {"ArmThrottled"}
    free = simulate(build(data, throttling=False)).overall
    assert free.throttled_429 == 0 and free.succeeded == 800
    spread = simulate(build(data, arm_principals=4)).overall  # 4 x 200 tokens: no 429
    assert spread.throttled_429 == 0


def test_a_subscriptions_principals_do_not_depend_on_other_subscriptions():
    """A subscription's VM requests take its ARM principals in turn: what another subscription
    deploys at the same time (interleaved with it) changes nothing in its region."""
    data = one_region(count=1201, replicas=60, at="1h", spread="20s")
    data["model"]["arm_principals"] = 2
    data["tenants"][0]["subscriptions"].append({"name": "apps2"})
    data["access"].append({"subscription": "apps2", "scope": "gal"})
    data["galleries"][0]["images"][0]["versions"][0]["regions"] = ["westeurope", "northeurope"]
    other = dict(data["workload"]["vms"][0], region="northeurope", subscription="apps2", count=333)
    alone = simulate(build(data))
    data["workload"]["vms"].append(other)
    both = simulate(build(data))
    mine = [r for r in both.regions if r.region == "westeurope"]
    assert alone.overall.throttled_429 > 0  # the principals' buckets bind
    assert [r for r in alone.regions if r.region == "westeurope"] == mine


def test_put_vm_bucket_binds_when_arm_has_room():
    # 1,600 PUTs at once from 10 principals: ARM has room (10 x 200), the compute PutVM bucket
    # holds 1,500 and refills 500 a minute [CTL]: about 100 requests get 429 OperationNotAllowed
    data = one_region(count=1600, replicas=80, at="20m")
    data["model"]["arm_principals"] = 10
    result = simulate(build(data)).overall
    assert result.throttled_429 >= 100
    assert result.succeeded + result.failed == 1600


def test_latest_binds_before_a_newer_version_finishes_replicating():
    data = _two_versions()
    data["galleries"][0]["images"][0]["versions"][1]["publish_at"] = "2h"
    result = simulate(build(data), trace=True)
    assert {r["version"] for r in result.records if r["region"] == "westeurope"} == {
        "gal/web/1.0.0"
    }


def test_scale_sets_release_their_replica_when_done():
    data = one_region(count=1, replicas=2)
    data["workload"]["scale_sets"] = [
        {
            "at": "1000s",
            "region": "westeurope",
            "subscription": "apps",
            "image": "gal/web/latest",
            "instances": 20,
        },
        {
            "at": "2000s",
            "region": "westeurope",
            "subscription": "apps",
            "image": "gal/web/latest",
            "instances": 20,
        },
    ]
    data["model"]["replica_concurrency"] = 20
    result = simulate(build(data), trace=True)
    replicas = {
        r["wave"]: {x["replica"] for x in result.records if x["wave"] == r["wave"]}
        for r in result.records
        if r["kind"] == "vmss_instance"
    }
    # the VM (replica 0 then free) and the first set are long done: the second set takes replica 0
    assert replicas == {"scale_sets[0]#0": {1}, "scale_sets[1]#0": {0}}


def test_scale_set_batches_wait_for_disks_not_boots():
    # 40 instances, batches of 20 on one replica of capacity 20: disks 15.5 s each, boot 40 s.
    # Batch 1 disks end at 1015.5; batch 2 disks 1015.5-1031, running at 1071.
    data = one_region(count=1, at="1000s")
    data["workload"] = {
        "scale_sets": [
            {
                "at": "1000s",
                "region": "westeurope",
                "subscription": "apps",
                "image": "gal/web/latest",
                "instances": 40,
            }
        ]
    }
    result = simulate(build(data), trace=True)
    assert sorted({r["finished"] for r in result.records}) == [1055.5, 1071.0]


def test_zrs_survives_one_zone_but_not_two():
    data = _zone_case("Standard_ZRS")
    data["faults"].append(dict(data["faults"][0], zone=2))
    result = simulate(build(data))
    assert result.overall.retries > 0 or result.overall.failed > 0


def test_zone_restore_serves_the_waiting_requests():
    # one LRS replica in zone 1; its zone is down from 990 s to 1100 s. Requests at 1000 s fail
    # their first try (no replica), retry with backoff and run once the zone is back.
    data = one_region(count=5)
    data["faults"] = [
        {"kind": "zone_outage", "region": "westeurope", "zone": 1, "at": "990s", "duration": "110s"}
    ]
    result = simulate(build(data), trace=True)
    assert result.overall.succeeded == 5 and result.overall.retries >= 5
    assert min(r["finished"] for r in result.records) > 1100


def test_source_region_outage_stops_replication_elsewhere():
    data = one_region(count=1, at="5h")
    data["galleries"][0]["images"][0]["versions"][0]["regions"].append("northeurope")
    data["faults"] = [
        {"kind": "region_outage", "region": "westeurope", "at": "1m", "duration": "3h"}
    ]
    log = {r.region: r for r in simulate(build(data)).replication_log}
    assert log["northeurope"].failures[0]["why"] == "source region outage"
    # the service's retries wait the outage out (1m + 3h), spending one attempt on it
    assert log["northeurope"].state == "Completed" and log["northeurope"].attempts == 2
    assert log["northeurope"].completed_s > 60 + 3 * 3600


def test_the_source_feeds_a_limited_number_of_regions_at_once():
    regions = ["westeurope", "northeurope", "uksouth", "francecentral", "eastus"]
    data = one_region(count=1, at="5h")
    data["galleries"][0]["images"][0]["versions"][0]["regions"] = regions
    two = {
        r.region: r.completed_s
        for r in simulate(
            build(data, replication={"jitter_cv": 0, "parallel_regions": 2})
        ).replication_log
    }
    many = {r.region: r.completed_s for r in simulate(build(data)).replication_log}
    assert len(set(many.values()) - {736.0}) == 1  # four remote regions together
    assert sorted(two.values())[-1] == 2 * many["northeurope"]  # two rounds of two


def test_arm_counts_a_principals_writes_across_regions():
    data = one_region(count=150, replicas=8)
    data["galleries"][0]["images"][0]["versions"][0]["regions"].append("northeurope")
    data["workload"]["vms"].append(dict(data["workload"]["vms"][0], region="northeurope", at="1h"))
    data["workload"]["vms"][0]["at"] = "1h"
    result = simulate(build(data))
    assert result.overall.throttled_429 > 0  # 300 at once from one principal: over 200


def test_waits_of_failed_requests_count():
    data = _zone_case("Standard_LRS", replicas=1)
    data["model"]["replica_concurrency"] = 1
    result = simulate(build(data), trace=True)
    waited = sum(r["wait"] for r in result.records)
    finished = [r for r in result.records if r["outcome"] != "in_flight"]
    assert result.overall.wait_mean_s == pytest.approx(waited / len(finished), abs=1e-3)


def test_shallow_capacity_is_reported():
    data = one_region(count=10)
    data["galleries"][0]["images"][0]["versions"][0]["replication_mode"] = "Shallow"
    assert simulate(build(data)).overall.replica_capacity == 4
