"""The scenario library teaches what each scenario's description says it teaches."""

from __future__ import annotations

import pytest

from acgsim.sim.engine import simulate
from acgsim.sim.loader import load, validate

from .helpers import SCENARIOS, errors

LIBRARY = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def run(name: str, trace: bool = False):
    result = simulate(load(SCENARIOS / f"{name}.yaml"), trace=trace)
    assert result.error is None
    return result


def test_the_library_is_large_and_every_scenario_says_what_it_teaches():
    assert len(LIBRARY) >= 10
    for name in LIBRARY:
        scenario = load(SCENARIOS / f"{name}.yaml")
        assert scenario.name == name, "the file name is the scenario's name"
        assert "Expected" in scenario.description or name in ("quickstart", "global-rollout")


def test_seed_example_one_replica_queues_six_do_not():
    one, six = run("seed-120-vms-1-replica").overall, run("seed-120-vms-6-replicas").overall
    assert one.succeeded == six.succeeded == 120
    assert one.longest_queue >= 95 and one.wait_mean_s > 60
    assert six.longest_queue == 0 and six.wait_mean_s == 0
    assert one.ttr_p95_s > 2 * six.ttr_p95_s


def test_a_1000_instance_scale_set_uses_one_replica():
    result = run("vmss-1000-burst", trace=True)
    assert result.overall.succeeded == 1000
    assert len({r["replica"] for r in result.records}) == 1
    assert result.overall.ttr_p95_s > 20 * 60


def test_concurrent_scale_sets_want_a_replica_each():
    two = run("vmss-many-at-once").overall
    scenario = load(SCENARIOS / "vmss-many-at-once.yaml")
    scenario.galleries[0].images[0].versions[0].replicas = 6
    six = simulate(scenario).overall
    assert two.longest_queue > 0 and six.longest_queue == 0
    assert six.ttr_p95_s < two.ttr_p95_s


def test_zone_outage_lrs_loses_its_replica_zrs_does_not():
    a, b = load(SCENARIOS / "zone-outage-lrs.yaml"), load(SCENARIOS / "zone-outage-zrs.yaml")
    assert a.faults == b.faults and a.faults  # the same outage in both
    lrs, zrs = simulate(a).overall, simulate(b).overall
    assert lrs.failed_by_code == {"ReplicaUnavailable": lrs.failed} and lrs.failed > 100
    assert zrs.retries == 0 and zrs.failed == 0
    a.galleries[0].images[0].versions[0].replicas = 3  # other zones take over, with retries
    three = simulate(a).overall
    assert three.failed == 0 and three.retries > 0


def test_phased_rollout():
    result = run("phased-rollout")
    regions = {r.region: r for r in result.regions}
    assert regions["eastus"].succeeded == 20
    assert regions["uksouth"].failed_by_code == {"NotAvailableInRegion": 5}
    assert regions["uksouth"].succeeded == regions["northeurope"].succeeded == 20
    done = sorted(r.completed_s for r in result.replication_log)
    assert done[-1] > 2.5 * 3600 and done[1] < 1.5 * 3600  # rounds of three regions


def test_acquisition_cross_tenant():
    o = run("acquisition-cross-tenant").overall
    assert o.failed_by_code == {"LinkedAuthorizationFailed": 5, "CrossTenantFlexible": 10}
    assert o.succeeded == 30  # Fabrikam production: 20 VMs and the Uniform scale set's 10


def test_subsidiaries_direct_share():
    o = run("subsidiaries-direct-share").overall
    assert o.failed_by_code == {"LinkedAuthorizationFailed": 10} and o.succeeded == 20


def test_canary_excluded_from_latest():
    records = run("canary-exclude-from-latest", trace=True).records
    versions = {}
    for r in records:
        versions.setdefault(r["wave"], set()).add(r["version"])
    assert versions == {
        "production": {"contosoImages/web/1.0.0"},
        "canary": {"contosoImages/web/1.1.0"},
        "north": {"contosoImages/web/1.1.0"},
    }


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (
            ("galleries", 0, "images", 0, "versions", 0, "regions", 0, "replicas"),
            101,
            "The value 101 of parameter regionalReplicaCount is out of range",
        ),
        (
            ("galleries", 0, "images", 0, "versions", 0, "disk_size_gb"),
            2049,
            "source resource size 2049 exceeds the max size 2048",
        ),
        (("workload", "scale_sets", 0, "instances"), 1001, "up to 1,000 VM instances"),
    ],
)
def test_limits_at_the_edge_one_step_further(path, value, fragment):
    import yaml

    data = yaml.safe_load((SCENARIOS / "limits-at-the-edge.yaml").read_text())
    assert errors(data) == [] and run("limits-at-the-edge").overall.failed == 0
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    assert any(fragment in str(p) for p in errors(data))


def test_shallow_is_fast_to_publish_but_serves_few_at_once():
    result = run("shallow-test-image")
    assert result.replication_log[0].completed_s <= 15 * 60
    assert result.overall.longest_queue > 20 and result.overall.ttr_p95_s > 15 * 60


def test_put_vm_burst_meets_the_token_bucket():
    o = run("put-vm-burst").overall
    assert o.throttled_429 >= 100 and o.retries >= 100
    assert o.succeeded == o.requests == 1600
    scenario = load(SCENARIOS / "put-vm-burst.yaml")
    scenario.model.retry.min_retry_after = 1.0  # clients that retry every second give up
    assert set(simulate(scenario).overall.failed_by_code) == {"TooManyRequests"}


def test_global_rollout_needs_more_than_the_guidance_somewhere():
    from acgsim.planner.search import plan

    p = plan(load(SCENARIOS / "global-rollout.yaml"), runs=3, workers=1)
    raised = [r for r in p.regions if r.replicas > r.baseline_replicas]
    assert raised and p.infeasible == []
    assert all(r.meets_objectives for r in p.regions)


def test_end_of_life_still_deploys():
    scenario = load(SCENARIOS / "end-of-life-still-deploys.yaml")
    image = scenario.galleries[0].images[0]
    assert image.end_of_life.year == 2025 and image.versions[0].end_of_life.year == 2025
    assert run("end-of-life-still-deploys").overall.succeeded == 20


def test_validate_reads_every_library_file():
    import yaml

    for name in LIBRARY:
        validate(yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text()), name)


def test_many_regions_many_replicas_take_more_than_a_day():
    log = run("many-regions-many-replicas").replication_log
    done = sorted(r.completed_s for r in log)
    assert len(log) == 33 and done[-1] > 24 * 3600 and done[0] > 6 * 3600
    alone = load(SCENARIOS / "many-regions-many-replicas.yaml")
    version = alone.galleries[0].images[0].versions[0]
    version.regions = version.regions[:1]
    assert simulate(alone).replication_log[0].completed_s < 3 * 3600


def test_update_failed_region_is_removed_and_added_back():
    result = run("update-failed-region", trace=True)
    outcome = {}
    for r in result.records:
        outcome.setdefault(r["wave"], set()).add(r["error"] or r["outcome"])
    assert outcome == {
        "weu-during-update": {"succeeded"},
        "uks-while-failed": {"NotAvailableInRegion"},
        "uks-too-soon": {"GalleryImageNotFound"},
        "uks-after": {"succeeded"},
    }
    uks = next(r for r in result.replication_log if r.region == "uksouth")
    assert uks.state == "Completed" and len(uks.failures) == 3
    assert next(r for r in result.replication_log if r.region == "westeurope").replicas == 6
