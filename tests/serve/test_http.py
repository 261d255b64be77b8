"""acgsim serve over raw HTTP (Starlette's test client, in process): ARM's shapes, ARM's errors,
the model's timing, and the same answers for the same requests."""

from __future__ import annotations

import json

import pytest

from .conftest import BASE, SUB, Q, client, gallery_with_image, image_body, version_body

VER = f"{BASE}/galleries/gal/images/web/versions"


def _error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]


# --- what ARM refuses before any handler runs ---------------------------------------------------


@pytest.mark.parametrize(
    "raw, hint",
    [
        (b"{bad json", "deserialized"),
        (b"[1, 2, 3]", "JSON object"),
        (b'{"location": NaN}', "NaN"),
        (b"", "empty"),
        (b"\xff\xfe\x00{", "deserialized"),
        (b"[" * 5000 + b"]" * 5000, "nested"),
    ],
)
def test_malformed_bodies_get_invalid_request_content(raw, hint):
    c, _ = client()
    r = c.put(f"{BASE}/galleries/gal{Q}", content=raw, headers={"Content-Type": "application/json"})
    assert hint in _error(r, 400, "InvalidRequestContent")["message"]


def test_a_body_over_the_limit_is_refused_without_reading_it_all():
    from acgsim.sim.serve.app import MAX_BODY

    c, server = client()
    big = b'{"location": "eastus", "tags": {"x": "' + b"a" * MAX_BODY + b'"}}'
    _error(c.put(f"{BASE}/galleries/gal{Q}", content=big), 413, "RequestContentTooLarge")
    assert server.world.galleries == {}


@pytest.mark.parametrize(
    "query, code",
    [
        ("", "MissingApiVersionParameter"),
        ("?api-version=yesterday", "InvalidApiVersionParameter"),
        ("?api-version=2099-01-01", "NoRegisteredProviderFound"),
        (
            "?api-version=2024-11-01",
            "NoRegisteredProviderFound",
        ),  # a ComputeRP version, not GalleryRP
    ],
)
def test_api_versions_not_served_get_arm_codes(query, code):
    c, _ = client()
    _error(c.get(f"{BASE}/galleries/gal{query}"), 400, code)


@pytest.mark.parametrize("api", ["2022-03-03", "2025-03-03", "2026-03-03"])
def test_served_api_versions_answer(api):
    c, _ = client()
    r = c.put(f"{BASE}/galleries/gal?api-version={api}", json={"location": "westeurope"})
    assert r.status_code == 201 and r.json()["properties"]["provisioningState"] == "Succeeded"


def test_unknown_routes_and_methods():
    c, _ = client()
    _error(c.get(f"/subscriptions/{SUB}/providers/Microsoft.Storage/accounts{Q}"), 404, "NotFound")
    _error(c.post(f"{BASE}/galleries/gal{Q}", json={}), 405, "MethodNotAllowed")
    _error(
        c.get(
            f"/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Compute/galleries/g{Q}"
        ),
        404,
        "ResourceNotFound",
    )
    _error(
        c.put(
            f"/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Compute/galleries/g{Q}",
            json={"location": "eastus"},
        ),
        400,
        "InvalidSubscriptionId",
    )


# --- validation with Azure's words ------------------------------------------------------------


def test_a_gallery_name_with_a_hyphen_gets_azures_message():
    c, _ = client()
    e = _error(
        c.put(f"{BASE}/galleries/my-gallery{Q}", json={"location": "eastus"}),
        400,
        "InvalidParameter",
    )
    assert e["message"].startswith("Gallery name is invalid.") and e["target"] == "name"


def test_an_unknown_region_is_refused_with_a_hint():
    c, _ = client()
    e = _error(
        c.put(f"{BASE}/galleries/gal{Q}", json={"location": "eastus3"}),
        400,
        "LocationNotAvailableForResourceType",
    )
    assert "eastus3" in e["message"]
    _error(c.put(f"{BASE}/galleries/gal{Q}", json={}), 400, "LocationRequired")


@pytest.mark.parametrize(
    "targets, pub, target, words",
    [
        (["eastus", "westus", "westus"], {}, "targetRegions[2].name", "Duplicate regions"),
        (["westus"], {}, "targetRegions", "must contain the location"),
        (
            ["eastus", {"name": "westus", "storageAccountType": "Standard_ZRS"}],
            {},
            "targetRegions[1].storageAccountType",
            "ZRS storage account type is not supported",
        ),
        (
            ["eastus", {"name": "westus", "regionalReplicaCount": 101}],
            {},
            "targetRegions[1].regionalReplicaCount",
            "between 1 and 100",
        ),
        (["eastus", "westus"], {"replicationMode": "Shallow"}, "targetRegions", "Shallow"),
        (["eastus"], {"storageAccountType": "PremiumV2_LRS"}, "storageAccountType", ""),
    ],
)
def test_publishing_profiles_azure_refuses_are_refused(targets, pub, target, words):
    c, server = client()
    gallery_with_image(c)
    e = _error(
        c.put(f"{VER}/1.0.0{Q}", json=version_body(*targets, **pub)), 400, "InvalidParameter"
    )
    assert e["target"].endswith(target) and words in e["message"]
    assert server.world.m.gallery.versions == {}  # nothing started replicating


def test_image_identifiers_are_unique_in_a_gallery_and_do_not_change():
    c, _ = client()
    gallery_with_image(c)
    e = _error(
        c.put(f"{BASE}/galleries/gal/images/other{Q}", json=image_body()), 400, "InvalidParameter"
    )
    assert "already exists" in e["message"]
    changed = image_body(osState="Specialized")
    _error(
        c.put(f"{BASE}/galleries/gal/images/web{Q}", json=changed), 409, "PropertyChangeNotAllowed"
    )


def test_new_definitions_default_by_api_version():
    c, _ = client()
    c.put(f"{BASE}/galleries/gal{Q}", json={"location": "eastus"})
    new = c.put(f"{BASE}/galleries/gal/images/a{Q}", json=image_body()).json()["properties"]
    body = image_body(identifier={"publisher": "p", "offer": "o", "sku": "old"})
    old = c.put(f"{BASE}/galleries/gal/images/b?api-version=2024-03-03", json=body).json()
    assert new["hyperVGeneration"] == "V2"
    assert {"name": "SecurityType", "value": "TrustedLaunchSupported"} in new["features"]
    assert old["properties"]["hyperVGeneration"] == "V1" and "features" not in old["properties"]


def test_nested_resources_block_deletes_and_missing_parents_are_named():
    c, _ = client()
    gallery_with_image(c)
    _error(c.delete(f"{BASE}/galleries/gal{Q}"), 409, "CannotDeleteResource")
    _error(c.get(f"{BASE}/galleries/nope/images/web{Q}"), 404, "ParentResourceNotFound")
    _error(c.get(f"{BASE}/galleries/gal/images/nope{Q}"), 404, "ResourceNotFound")
    assert c.delete(f"{BASE}/galleries/gal/images/web{Q}").status_code == 200
    assert c.delete(f"{BASE}/galleries/gal{Q}").status_code == 200
    assert c.delete(f"{BASE}/galleries/gal{Q}").status_code == 204


# --- long-running operations on the model's clock ---------------------------------------------


def _poll(c, headers) -> list[dict]:
    url = headers["azure-asyncoperation"].replace("http://testserver", "")
    seen = []
    for _ in range(500):
        seen.append(c.get(url).json())
        if seen[-1]["status"] != "InProgress":
            return seen
    raise AssertionError("the operation never ended")


def test_a_version_replicates_with_progress_then_succeeds():
    c, _ = client(step=30.0)
    gallery_with_image(c)
    r = c.put(f"{VER}/1.0.0{Q}", json=version_body("eastus", "westeurope", "japaneast"))
    assert r.status_code == 201 and r.json()["properties"]["provisioningState"] == "Creating"
    assert int(r.headers["retry-after"]) >= 1 and "operationResults" in r.headers["location"]
    mid = c.get(f"{VER}/1.0.0{Q}&$expand=ReplicationStatus").json()["properties"]
    assert mid["replicationStatus"]["aggregatedState"] == "InProgress"
    assert all(0 <= s["progress"] < 100 for s in mid["replicationStatus"]["summary"])
    seen = _poll(c, r.headers)
    assert seen[-1]["status"] == "Succeeded" and "endTime" in seen[-1]
    # at 30 s a request, replicating 30 GB to three regions took dozens of polls
    assert len(seen) > 20
    done = c.get(f"{VER}/1.0.0{Q}&$expand=ReplicationStatus").json()["properties"]
    assert done["provisioningState"] == "Succeeded"
    assert {s["state"] for s in done["replicationStatus"]["summary"]} == {"Completed"}
    result = c.get(r.headers["location"].replace("http://testserver", ""))
    assert result.status_code == 200 and result.json()["name"] == "1.0.0"


def test_a_failing_region_fails_the_operation_with_the_models_reason():
    from acgsim.sim.scenario import Scenario

    scenario = Scenario.model_validate(
        {
            "name": "failing",
            "tenants": [{"name": "t", "subscriptions": [{"name": "main", "id": SUB}]}],
            "faults": [{"kind": "replication_failure", "region": "westeurope", "probability": 1.0}],
        }
    )
    c, _ = client(scenario, step=600.0)
    gallery_with_image(c)
    r = c.put(f"{VER}/1.0.0{Q}", json=version_body("eastus", "westeurope"))
    seen = _poll(c, r.headers)
    assert seen[-1]["status"] == "Failed" and "westeurope" in seen[-1]["error"]["message"]
    got = c.get(f"{VER}/1.0.0{Q}&$expand=ReplicationStatus").json()["properties"]
    assert got["provisioningState"] == "Failed"
    states = {s["region"]: s["state"] for s in got["replicationStatus"]["summary"]}
    assert states == {"eastus": "Completed", "westeurope": "Failed"}


def test_adding_a_region_updates_the_version():
    c, _ = client(step=120.0)
    gallery_with_image(c)
    _poll(c, c.put(f"{VER}/1.0.0{Q}", json=version_body("eastus")).headers)
    r = c.put(f"{VER}/1.0.0{Q}", json=version_body("eastus", "westus"))
    assert r.status_code == 200 and r.json()["properties"]["provisioningState"] == "Updating"
    assert _poll(c, r.headers)[-1]["status"] == "Succeeded"
    storage = version_body("eastus", {"name": "westus", "storageAccountType": "Premium_LRS"})
    _error(c.put(f"{VER}/1.0.0{Q}", json=storage), 409, "OperationNotAllowed")


# --- VMs ----------------------------------------------------------------------------------------


def _vm(image_id: str, location: str = "eastus", secret: str = "P@ssw0rd-secret") -> dict:
    return {
        "location": location,
        "properties": {
            "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
            "storageProfile": {"imageReference": {"id": image_id}},
            "osProfile": {"computerName": "vm", "adminUsername": "u", "adminPassword": secret},
        },
    }


def test_vms_wait_for_replication_and_then_run():
    c, server = client(step=30.0)
    gallery_with_image(c)
    r = c.put(f"{VER}/1.0.0{Q}", json=version_body("eastus", "westus"))
    image_id = r.json()["id"]
    vm_url = f"{BASE}/virtualMachines/vm1?api-version=2026-04-01"
    e = _error(c.put(vm_url, json=_vm(image_id, "westus")), 404, "NotAvailableInRegion")
    assert "is not available in westus region" in e["message"]
    _poll(c, r.headers)
    latest = image_id.rsplit("/versions/", 1)[0]  # the definition: `latest`
    ok = c.put(vm_url, json=_vm(latest, "westus"))
    if ok.status_code == 404:  # right after Completed: GalleryImageNotFound for a moment
        assert ok.json()["error"]["code"] == "GalleryImageNotFound"
        c.post("/acgsim/clock", json={"advance": 120})
        ok = c.put(vm_url, json=_vm(latest, "westus"))
    assert ok.status_code == 201 and ok.json()["properties"]["provisioningState"] == "Creating"
    assert _poll(c, ok.headers)[-1]["status"] == "Succeeded"
    body = c.get(vm_url).json()
    assert body["properties"]["provisioningState"] == "Succeeded"
    assert "P@ssw0rd-secret" not in json.dumps(body)
    assert "P@ssw0rd-secret" not in json.dumps(list(server.trace.recent))


def test_a_version_is_not_deleted_while_a_vm_is_provisioned_from_it():
    c, _ = client(step=0.001)
    gallery_with_image(c)
    r = c.put(f"{VER}/1.0.0{Q}", json=version_body("eastus"))
    c.post("/acgsim/clock", json={"advance": 7200})
    vm_url = f"{BASE}/virtualMachines/vm1?api-version=2026-04-01"
    assert c.put(vm_url, json=_vm(r.json()["id"])).status_code == 201
    e = _error(c.delete(f"{VER}/1.0.0{Q}"), 409, "OperationNotAllowed")
    assert "'Image Delete' is not allowed" in e["message"]
    assert c.get(f"{VER}/1.0.0{Q}").status_code == 200  # a refused delete changes nothing
    c.post("/acgsim/clock", json={"advance": 600})  # the VM's disk exists, it runs
    assert c.get(vm_url).json()["properties"]["provisioningState"] == "Succeeded"
    assert c.delete(f"{VER}/1.0.0{Q}").status_code == 200
    assert c.get(f"{VER}/1.0.0{Q}").status_code == 404


def test_latest_falls_back_when_the_newest_version_is_deleted():
    c, _ = client(step=0.001)
    gallery_with_image(c)
    for version in ("1.0.0", "2.0.0"):
        r = c.put(f"{VER}/{version}{Q}", json=version_body("eastus"))
    c.post("/acgsim/clock", json={"advance": 7200})
    latest = r.json()["id"].rsplit("/versions/", 1)[0]  # the definition: `latest`
    first = f"{BASE}/virtualMachines/vm0?api-version=2026-04-01"
    assert c.put(first, json=_vm(latest)).status_code == 201  # `latest` is 2.0.0
    c.post("/acgsim/clock", json={"advance": 600})
    assert c.delete(f"{VER}/2.0.0{Q}").status_code == 200
    vm_url = f"{BASE}/virtualMachines/vm1?api-version=2026-04-01"
    assert c.put(vm_url, json=_vm(latest)).status_code == 201
    c.post("/acgsim/clock", json={"advance": 600})
    assert c.get(vm_url).json()["properties"]["provisioningState"] == "Succeeded"


def test_an_image_reference_that_is_not_an_object_is_named():
    c, _ = client()
    body = _vm("x")
    body["properties"]["storageProfile"]["imageReference"] = [1]
    r = c.put(f"{BASE}/virtualMachines/vm1?api-version=2026-04-01", json=body)
    assert r.status_code == 400
    assert r.json()["error"]["target"] == "properties.storageProfile.imageReference"


def test_the_compute_bucket_refuses_with_operation_not_allowed():
    c, server = client(step=0.001)
    gallery_with_image(c)
    r = c.put(f"{VER}/1.0.0{Q}", json=version_body("eastus"))
    c.post("/acgsim/clock", json={"advance": 7200})
    bucket = server.door.throttles.specs["PutVM"]
    server.door.throttles.specs["arm_write"] = type(bucket)(1e9, 1e9)  # only PutVM can bind
    server.door.throttles.buckets.clear()
    answers = []
    while len(answers) < 2 * bucket.size and (not answers or answers[-1].status_code == 201):
        url = f"{BASE}/virtualMachines/vm{len(answers)}?api-version=2026-04-01"
        answers.append(c.put(url, json=_vm(r.json()["id"])))
    # the bucket's size, plus what it refilled over the 0.001 s each request advanced the clock
    refill = len(answers) * 0.001 * bucket.refill_per_s
    assert bucket.size <= len(answers) - 1 <= bucket.size + refill + 1
    e = _error(answers[-1], 429, "OperationNotAllowed")
    assert e["details"][0]["code"] == "TooManyRequests"
    assert (
        answers[-1]
        .headers["x-ms-ratelimit-remaining-resource"]
        .startswith("Microsoft.Compute/PutVM3Min;")
    )
    assert int(answers[-1].headers["retry-after"]) >= 1


# --- bounded state ----------------------------------------------------------------------------


def test_the_trace_is_bounded_and_holds_no_headers(tmp_path):
    from acgsim.sim.serve.trace import Trace

    trace = Trace(tmp_path / "t.jsonl", keep=3, max_records=5)
    for i in range(8):
        trace.record(method="GET", path=f"/p{i}", status=200)
    trace.close()
    lines = (tmp_path / "t.jsonl").read_text().splitlines()
    assert len(lines) == 6 and json.loads(lines[-1]) == {"stopped": 5}
    assert [r["path"] for r in trace.recent] == ["/p5", "/p6", "/p7"]


def test_the_class_lesson_serves_its_gallery_and_its_failing_region():
    from acgsim import scenarios
    from acgsim.sim.loader import load

    c, _ = client(load(scenarios.resolve("class-serve")), step=300.0)
    url = (
        "/subscriptions/0c0a0000-0000-4000-8000-00000000000a/resourceGroups/rg-class/providers/"
        f"Microsoft.Compute/galleries/classGallery/images/ubuntu-web/versions/1.0.0{Q}"
        "&$expand=ReplicationStatus"
    )
    seen = []
    for _ in range(40):  # 40 x 5 minutes
        summary = c.get(url).json()["properties"]["replicationStatus"]["summary"]
        seen.append({s["region"]: s["state"] for s in summary}["northeurope"])
    assert "Failed" in seen and seen[-1] == "Completed"
    assert seen.index("Failed") < seen.index("Completed")  # failed, retried by the service, done


def test_the_class_lesson_predicts_a_queue_on_one_replica():
    from acgsim import scenarios
    from acgsim.sim.engine import simulate
    from acgsim.sim.loader import load

    overall = simulate(load(scenarios.resolve("class-serve"))).overall
    assert overall.succeeded == 120 and overall.ttr_p95_s > 180
    assert overall.longest_queue > 20 and overall.wait_mean_s > 30  # queued for the replica
