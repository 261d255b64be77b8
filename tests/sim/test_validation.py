"""One failing example per validation rule, and the limits exactly at their boundaries."""

from __future__ import annotations

import copy

import pytest

from ..helpers import BASE, errors, problems


def _version(d):
    return d["galleries"][0]["images"][0]["versions"][0]


def _image(d):
    return d["galleries"][0]["images"][0]


def _gallery(d):
    return d["galleries"][0]


V = "galleries[0].images[0].versions[0]"
I = "galleries[0].images[0]"  # noqa: E741

# (rule id, change to the base scenario, path of the problem, a fragment of its text)
CASES = [
    (
        "gallery name",
        lambda d: _gallery(d).update(name="my-gallery"),
        "galleries[0].name",
        "Gallery name is invalid",
    ),
    (
        "image name",
        lambda d: _image(d).update(name="web-"),
        f"{I}.name",
        "is invalid according to its validation rule",
    ),
    (
        "publisher",
        lambda d: _image(d).update(publisher="contoso."),
        f"{I}.publisher",
        "identifier.publisher is not valid",
    ),
    (
        "offer length",
        lambda d: _image(d).update(offer="o" * 65),
        f"{I}.offer",
        "cannot exceed 64 characters",
    ),
    ("sku chars", lambda d: _image(d).update(sku="a b"), f"{I}.sku", "identifier.sku"),
    (
        "resource group",
        lambda d: _gallery(d).update(resource_group="rg."),
        "galleries[0].resource_group",
        "resource group name",
    ),
    (
        "version format",
        lambda d: _version(d).update(name="1.0"),
        f"{V}.name",
        "Major(int).Minor(int).Patch(int)",
    ),
    (
        "version int32",
        lambda d: _version(d).update(name="1.0.2147483648"),
        f"{V}.name",
        "at most 2147483647",
    ),
    (
        "duplicate target region",
        lambda d: _version(d).update(regions=["westeurope", "northeurope", "West Europe"]),
        f"{V}.regions[2].region",
        "Duplicate regions are not allowed",
    ),
    (
        "source region missing",
        lambda d: _version(d).update(regions=["northeurope"]),
        f"{V}.regions",
        "must contain the location of image version westeurope",
    ),
    (
        "replicas zero",
        lambda d: _version(d).update(replicas=0),
        f"{V}.replicas",
        "between 1 and 100, inclusive",
    ),
    (
        "regional replicas over",
        lambda d: _version(d)["regions"][1].update(replicas=101),
        f"{V}.regions[1].replicas",
        "parameter regionalReplicaCount is out of range",
    ),
    (
        "ZRS without zones",
        lambda d: _version(d).update(
            regions=["westeurope", {"region": "westus", "storage": "Standard_ZRS"}]
        ),
        f"{V}.regions[1].storage",
        "ZRS storage account type is not supported in this region",
    ),
    (
        "ZRS inherited without zones",
        lambda d: _version(d).update(storage="Standard_ZRS", regions=["westeurope", "ukwest"]),
        f"{V}.regions[1].region",
        "ZRS storage account type is not supported",
    ),
    (
        "full image too large",
        lambda d: _version(d).update(size_gb=2049),
        f"{V}.size_gb",
        "exceeds the max size 2048",
    ),
    (
        "disk size counts",
        lambda d: _version(d).update(disk_size_gb=4096),
        f"{V}.disk_size_gb",
        "source resource size 4096",
    ),
    (
        "shallow too large",
        lambda d: _version(d).update(
            replication_mode="Shallow", size_gb=32769, regions=["westeurope"]
        ),
        f"{V}.size_gb",
        "max size 32768",
    ),
    (
        "shallow other region",
        lambda d: _version(d).update(replication_mode="Shallow"),
        f"{V}.regions",
        "also northeurope",
    ),
    (
        "shallow replicas",
        lambda d: _version(d).update(
            replication_mode="Shallow", replicas=2, regions=["westeurope"]
        ),
        f"{V}.replicas",
        "2 replicas",
    ),
    (
        "occupied over disk",
        lambda d: _version(d).update(size_gb=40, disk_size_gb=30),
        f"{V}.size_gb",
        "cannot exceed disk_size_gb",
    ),
    (
        "scale set instances",
        lambda d: d["workload"].update(
            scale_sets=[
                {
                    "region": "westeurope",
                    "subscription": "apps",
                    "image": "gal/web/latest",
                    "instances": 1001,
                }
            ]
        ),
        "workload.scale_sets[0]",
        "up to 1,000 VM instances",
    ),
    (
        "duplicate identifier",
        lambda d: _gallery(d)["images"].append(dict(copy.deepcopy(_image(d)), name="web2")),
        "galleries[0].images[1].sku",
        "already exists",
    ),
    (
        "duplicate image name",
        lambda d: _gallery(d)["images"].append(dict(copy.deepcopy(_image(d)), sku="other")),
        "galleries[0].images[1].name",
        "defined more than once",
    ),
    (
        "duplicate version",
        lambda d: _image(d)["versions"].append(copy.deepcopy(_version(d))),
        f"{I}.versions[1].name",
        "image version '1.0.0' is defined more than once",
    ),
    (
        "duplicate gallery in subscription",
        lambda d: d["galleries"].append(dict(copy.deepcopy(_gallery(d)), region="eastus")),
        "galleries[1].name",
        "not unique within the subscription",
    ),
    (
        "duplicate subscription",
        lambda d: d["tenants"][1]["subscriptions"].append({"name": "apps"}),
        "tenants[1].subscriptions[1].name",
        "also in tenant 'contoso'",
    ),
    (
        "security type needs V2",
        lambda d: _image(d).update(hyperv_generation="V1"),
        f"{I}.hyperv_generation",
        "Gen2 image",
    ),
    (
        "share subscriptions over 30",
        lambda d: (
            d["tenants"][0]["subscriptions"].extend({"name": f"s{i}"} for i in range(31)),
            _gallery(d).update(
                sharing={"mode": "groups", "subscriptions": [f"s{i}" for i in range(31)]}
            ),
        ),
        "galleries[0].sharing.subscriptions[30]",
        "share up to 30 subscriptions and 5 tenants",
    ),
    (
        "share tenants over 5",
        lambda d: (
            d["tenants"].extend(
                {"name": f"t{i}", "subscriptions": [{"name": f"ts{i}"}]} for i in range(6)
            ),
            _gallery(d).update(sharing={"mode": "groups", "tenants": [f"t{i}" for i in range(6)]}),
        ),
        "galleries[0].sharing.tenants[5]",
        "at most 5 tenants",
    ),
    (
        "sharing lists without groups",
        lambda d: _gallery(d).update(sharing={"mode": "private", "subscriptions": ["apps"]}),
        "galleries[0].sharing",
        "only when mode is 'groups'",
    ),
    (
        "unknown subscription (gallery)",
        lambda d: _gallery(d).update(subscription="nope"),
        "galleries[0].subscription",
        "subscription 'nope' is not defined",
    ),
    (
        "unknown share tenant",
        lambda d: _gallery(d).update(sharing={"mode": "groups", "tenants": ["nope"]}),
        "galleries[0].sharing.tenants[0]",
        "tenant 'nope' is not defined",
    ),
    (
        "unknown region",
        lambda d: _gallery(d).update(region="westeurop"),
        "galleries[0].region",
        "did you mean 'westeurope'",
    ),
    (
        "unknown wave subscription",
        lambda d: d["workload"]["vms"][0].update(subscription="ghost"),
        "workload.vms[0].subscription",
        "subscription 'ghost' is not defined",
    ),
    (
        "unknown wave gallery",
        lambda d: d["workload"]["vms"][0].update(image="nope/web/latest"),
        "workload.vms[0].image",
        "gallery 'nope' is not defined",
    ),
    (
        "unknown wave image",
        lambda d: d["workload"]["vms"][0].update(image="gal/nope/latest"),
        "workload.vms[0].image",
        "image definition 'nope' is not defined",
    ),
    (
        "unknown wave version",
        lambda d: d["workload"]["vms"][0].update(image="gal/web/9.9.9"),
        "workload.vms[0].image",
        "image version '9.9.9' is not defined",
    ),
    (
        "malformed image ref",
        lambda d: d["workload"]["vms"][0].update(image="gal/web"),
        "workload.vms[0].image",
        "not an image reference",
    ),
    (
        "wave region unknown",
        lambda d: d["workload"]["vms"][0].update(region="mars"),
        "workload.vms[0].region",
        "unknown Azure region 'mars'",
    ),
    (
        "access scope",
        lambda d: d["access"][0].update(scope="gal/nope"),
        "access[0].scope",
        "image definition 'nope'",
    ),
    (
        "access assignee",
        lambda d: d["access"][0].update(tenant="contoso"),
        "access[0]",
        "exactly one of `subscription` or `tenant`",
    ),
    (
        "access unknown tenant",
        lambda d: d["access"].append({"tenant": "x", "scope": "gal"}),
        "access[1].tenant",
        "tenant 'x' is not defined",
    ),
    (
        "zone outage without zones",
        lambda d: d.update(
            faults=[
                {"kind": "zone_outage", "region": "westus", "zone": 1, "at": "1h", "duration": "1h"}
            ]
        ),
        "faults[0].region",
        "no availability zones",
    ),
    (
        "zone number",
        lambda d: d.update(
            faults=[
                {
                    "kind": "zone_outage",
                    "region": "westeurope",
                    "zone": 4,
                    "at": "1h",
                    "duration": "1h",
                }
            ]
        ),
        "faults[0].zone",
        "Input should be 1, 2 or 3",
    ),
    (
        "failure needs one trigger",
        lambda d: d.update(faults=[{"kind": "replication_failure", "region": "northeurope"}]),
        "faults[0]",
        "exactly one of `at`",
    ),
    (
        "failure window",
        lambda d: d.update(
            faults=[{"kind": "replication_failure", "region": "northeurope", "at": "1h"}]
        ),
        "faults[0]",
        "go together",
    ),
    (
        "failure version",
        lambda d: d.update(
            faults=[
                {
                    "kind": "replication_failure",
                    "region": "northeurope",
                    "probability": 0.5,
                    "version": "gal/web/2.0.0",
                }
            ]
        ),
        "faults[0].version",
        "image version '2.0.0'",
    ),
    (
        "fault kind",
        lambda d: d.update(faults=[{"kind": "meteor", "region": "westeurope"}]),
        "faults[0]",
        "zone_outage",
    ),
    (
        "unknown field",
        lambda d: _version(d).update(replica_count=3),
        f"{V}.replica_count",
        "did you mean 'replicas'",
    ),
    (
        "storage type",
        lambda d: _version(d).update(storage="PremiumV2_LRS"),
        f"{V}.storage",
        "Standard_LRS",
    ),
    ("guidance", lambda d: d.update(guidance="aggressive"), "guidance", "'seed' or 'current'"),
    (
        "probability range",
        lambda d: (
            d["objectives"].update(max_failure_rate=1.5)
            if "objectives" in d
            else d.update(objectives={"max_failure_rate": 1.5})
        ),
        "objectives.max_failure_rate",
        "less than or equal to 1",
    ),
    (
        "objective region",
        lambda d: d.update(objectives={"regions": {"atlantis": {"p95": "5m"}}}),
        "objectives.regions.atlantis",
        "unknown Azure region",
    ),
    ("missing field", lambda d: _image(d).pop("os_type"), f"{I}.os_type", "required"),
    ("duration unit", lambda d: d.update(horizon=3600), "horizon", "has no unit"),
    (
        "replicas strict int",
        lambda d: _version(d).update(replicas="3"),
        f"{V}.replicas",
        "valid integer",
    ),
    ("no tenants", lambda d: d.update(tenants=[]), "tenants", "at least 1"),
    (
        "same version twice",
        lambda d: _image(d)["versions"].append(dict(_version(d), name="1.00.0")),
        f"{I}.versions[1].name",
        "defined more than once",
    ),
    (
        "version written as a number",
        lambda d: _version(d).update(name=1.0),
        f"{V}.name",
        "quote it",
    ),
    (
        "subscription label",
        lambda d: d["tenants"][0]["subscriptions"][0].update(name="café"),
        "tenants[0].subscriptions[0].name",
        "'café' is not a valid name",
    ),
    ("horizon zero", lambda d: d.update(horizon="0s"), "horizon", "more than zero"),
    (
        "objective region twice",
        lambda d: d.update(
            objectives={"regions": {"westeurope": {"p95": "5m"}, "West Europe": {"p95": "9m"}}}
        ),
        "objectives.regions",
        "name the same region",
    ),
    (
        "shallow regional replicas",
        lambda d: _version(d).update(
            replication_mode="Shallow", regions=[{"region": "westeurope", "replicas": 2}]
        ),
        f"{V}.regions[0].replicas",
        "2 replicas in 'westeurope'",
    ),
    (
        "count cap",
        lambda d: d["workload"]["vms"][0].update(count=10**23),
        "workload.vms[0].count",
        "less than or equal to 10000000",
    ),
]


@pytest.mark.parametrize(("rule", "change", "path", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_rule_refuses(base, rule, change, path, fragment):
    assert errors(base) == []
    change(base)
    found = errors(base)
    assert found, f"{rule}: no error"
    match = [p for p in found if p.where == path and fragment in str(p)]
    assert match, f"{rule}: wanted {path} ~ {fragment!r}; got {[str(p) for p in found]}"


def test_all_problems_are_reported_at_once(base):
    _gallery(base).update(subscription="ghost")
    _version(base).update(regions=["northeurope", "northeurope"])
    found = {p.where for p in errors(base)}
    assert {"galleries[0].subscription", f"{V}.regions[1].region", f"{V}.regions"} <= found


WARNINGS = [
    (
        "wave region not targeted",
        lambda d: d["workload"]["vms"][0].update(region="eastus"),
        "workload.vms[0].region",
        "not available in region",
    ),
    (
        "wave after horizon",
        lambda d: (d.update(horizon="1h"), d["workload"]["vms"][0].update(at="2h")),
        "workload.vms[0].at",
        "after the horizon",
    ),
    (
        "community information",
        lambda d: _gallery(d).update(sharing={"mode": "community", "prefix": "contoso"}),
        "galleries[0].sharing",
        "missing: publisher_email, publisher_uri, eula",
    ),
    (
        "restricted region",
        lambda d: _version(d)["regions"].append("norwaywest"),
        f"{V}.regions[2].region",
        "access-restricted",
    ),
]


@pytest.mark.parametrize(
    ("rule", "change", "path", "fragment"), WARNINGS, ids=[c[0] for c in WARNINGS]
)
def test_warnings_do_not_fail(base, rule, change, path, fragment):
    change(base)
    assert errors(base) == []
    found = problems(base)
    assert any(
        p.where == path and fragment in p.message and p.severity == "warning" for p in found
    ), [str(p) for p in found]


# --- limits exactly at their boundaries ------------------------------------------------------


def _galleries(n: int) -> dict:
    d = copy.deepcopy(BASE)
    d["access"], d["workload"] = [], {}
    d["galleries"] = [
        {"name": f"g{i}", "subscription": "images", "region": "eastus"} for i in range(n)
    ]
    return d


def _definitions(n: int) -> dict:
    d = _galleries(1)
    d["galleries"][0]["images"] = [
        {
            "name": f"i{i}",
            "publisher": "p",
            "offer": "o",
            "sku": f"s{i}",
            "os_type": "Linux",
            "os_state": "Generalized",
        }
        for i in range(n)
    ]
    return d


def _versions(n: int) -> dict:
    d = _definitions(1)
    d["galleries"][0]["images"][0]["versions"] = [
        {"name": f"1.0.{i}", "size_gb": 1, "regions": ["eastus"]} for i in range(n)
    ]
    return d


@pytest.mark.parametrize(
    ("build", "limit", "path", "what"),
    [
        (_galleries, 100, "galleries[100]", "galleries"),
        (_definitions, 1000, "galleries[0].images[1000]", "image definitions"),
        (_versions, 10000, "galleries[0].images[0].versions[10000]", "image versions"),
    ],
)
def test_subscription_region_limits_are_exact(build, limit, path, what):
    assert errors(build(limit)) == []
    found = errors(build(limit + 1))
    assert [p.where for p in found] == [path]
    assert f"maximum of {limit:,} {what} per subscription, per region" in found[0].docs


def test_limits_count_per_subscription_and_region():
    d = _galleries(100)
    d["galleries"].append({"name": "other", "subscription": "apps", "region": "eastus"})
    d["galleries"].append({"name": "g0", "subscription": "images", "region": "westus"})
    assert [p.where for p in errors(d)] == ["galleries[101].name"]  # duplicate name, not a limit


@pytest.mark.parametrize(
    ("field", "ok", "bad"),
    [
        ("replicas", 100, 101),
        ("size_gb", 2048, 2049),
    ],
)
def test_version_boundaries(base, field, ok, bad):
    _version(base)[field] = ok
    assert errors(base) == []
    _version(base)[field] = bad
    assert len(errors(base)) == 1


def test_shallow_boundary(base):
    _version(base).update(replication_mode="Shallow", regions=["westeurope"], size_gb=32768)
    assert errors(base) == []
    _version(base)["size_gb"] = 32769
    assert len(errors(base)) == 1


@pytest.mark.parametrize(("instances", "ok"), [(1000, True), (1001, False)])
def test_scale_set_boundary(base, instances, ok):
    base["workload"]["scale_sets"] = [
        {
            "region": "westeurope",
            "subscription": "apps",
            "image": "gal/web/latest",
            "instances": instances,
        }
    ]
    assert (errors(base) == []) is ok


@pytest.mark.parametrize(("field", "limit"), [("subscriptions", 30), ("tenants", 5)])
def test_sharing_boundaries(base, field, limit):
    base["tenants"] += [
        {"name": f"t{i}", "subscriptions": [{"name": f"ts{i}"}]} for i in range(limit + 1)
    ]
    names = [f"ts{i}" if field == "subscriptions" else f"t{i}" for i in range(limit + 1)]
    _gallery(base)["sharing"] = {"mode": "groups", field: names[:limit]}
    assert errors(base) == []
    _gallery(base)["sharing"][field] = names
    assert len(errors(base)) == 1
