"""Scale sets over raw HTTP: built by the model in batches from one replica, polled as ARM polls,
counted by state in the instance view; ARM's errors for what a scale set PUT gets wrong."""

from __future__ import annotations

import datetime

import pytest

from acgsim.sim.scenario import Scenario

from .conftest import BASE, SUB, Q, client, gallery_with_image, version_body

QC = "?api-version=2024-11-01"
SETS = f"{BASE}/virtualMachineScaleSets"


def _fixed_world() -> Scenario:
    """One tenant; disk creation and boot take exactly their means (no jitter)."""
    return Scenario.model_validate(
        {
            "name": "sets",
            "tenants": [{"name": "contoso", "subscriptions": [{"name": "main", "id": SUB}]}],
            "model": {"disk": {"dist": "fixed"}, "boot": {"dist": "fixed", "mean": 40}},
        }
    )


def _published(c, *regions: str) -> str:
    gallery_with_image(c)
    r = c.put(f"{BASE}/galleries/gal/images/web/versions/1.0.0{Q}", json=version_body(*regions))
    while c.get(r.headers["Azure-AsyncOperation"]).json()["status"] == "InProgress":
        pass
    c.post("/acgsim/clock", json={"advance": 3600})  # past the propagation delay
    return r.json()["id"]


def _set(image: dict, capacity=20, **props) -> dict:
    return {
        "location": "westeurope",
        "sku": {"name": "Standard_D2s_v5", "tier": "Standard", "capacity": capacity},
        "properties": {
            "upgradePolicy": {"mode": "Manual"},
            "virtualMachineProfile": {
                "storageProfile": {"imageReference": image},
                "osProfile": {
                    "computerNamePrefix": "web",
                    "adminUsername": "azureuser",
                    "adminPassword": "Hunter2-not-real!",
                    "customData": "c2VjcmV0",
                },
            },
            **props,
        },
    }


def _seconds(stamp: str) -> float:
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("capacity", [1, 20, 21, 45, 100])
def test_a_set_is_built_in_batches_from_one_replica(capacity):
    """With fixed times, a set's last instance runs after ceil(N / vmss_batch) disk creations
    (each batch once the last one's disks exist) and one boot: the model's sim.deployment."""
    c, server = client(_fixed_world(), step=10.0)
    image = _published(c, "eastus", "westeurope")
    r = c.put(f"{SETS}/web{QC}", json=_set({"id": image}, capacity))
    assert r.status_code == 201 and r.json()["properties"]["provisioningState"] == "Creating"
    op = r.headers["Azure-AsyncOperation"]
    succeeded = []
    while (status := c.get(op).json())["status"] == "InProgress":
        view = c.get(f"{SETS}/web/instanceView{QC}").json()
        counts = {s["code"]: s["count"] for s in view["virtualMachine"]["statusesSummary"]}
        assert sum(counts.values()) == capacity
        succeeded.append(counts.get("ProvisioningState/succeeded", 0))
    assert status["status"] == "Succeeded" and succeeded == sorted(succeeded)
    w = server.world
    copy = w.m.gallery.versions["gal/web/1.0.0"].copies["westeurope"]
    batches = -(-capacity // w.m.params.vmss_batch)
    took = _seconds(status["endTime"]) - _seconds(status["startTime"])
    assert abs(took - (batches * copy.disk_s + w.m.params.boot.mean)) <= 1.0  # stamps: seconds
    got = c.get(r.headers["Location"]).json()
    assert got["properties"]["provisioningState"] == "Succeeded"
    assert got["sku"]["capacity"] == capacity


def test_secrets_are_not_kept_and_the_set_lists_and_deletes():
    c, server = client()
    image = _published(c, "eastus", "westeurope")
    body = c.put(f"{SETS}/web{QC}", json=_set({"id": image}, 5)).json()
    text = repr(body) + repr(vars(next(iter(server.world.scale_sets.values()))))
    assert "Hunter2" not in text and "c2VjcmV0" not in text
    assert body["properties"]["orchestrationMode"] == "Uniform"
    listed = c.get(f"/subscriptions/{SUB}/providers/Microsoft.Compute/virtualMachineScaleSets{QC}")
    assert [s["name"] for s in listed.json()["value"]] == ["web"]
    assert c.put(f"{SETS}/web{QC}", json=_set({"id": image}, 5)).status_code == 200
    assert c.delete(f"{SETS}/web{QC}").status_code == 200
    assert c.delete(f"{SETS}/web{QC}").status_code == 204
    assert c.get(f"{SETS}/web{QC}").json()["error"]["code"] == "ResourceNotFound"


@pytest.mark.parametrize(
    "change, status, code, target",
    [
        ({"capacity": 1001}, 400, "InvalidParameter", "sku.capacity"),
        ({"capacity": -1}, 400, "InvalidParameter", "sku.capacity"),
        ({"capacity": "20"}, 400, "InvalidParameter", "sku.capacity"),
        ({"orchestrationMode": "Spot"}, 400, "InvalidParameter", "properties.orchestrationMode"),
        ({"image": {"publisher": "Canonical", "offer": "ubuntu"}}, 400, "InvalidParameter", None),
        ({"image": "/nope"}, 404, "GalleryImageNotFound", None),
        ({"location": "mars"}, 400, "LocationNotAvailableForResourceType", "location"),
        ({"region": "northeurope"}, 404, "NotAvailableInRegion", None),
    ],
)
def test_what_a_set_put_gets_wrong_is_answered_as_arm_answers(change, status, code, target):
    c, server = client()
    image = _published(c, "eastus", "westeurope")
    ref = change.get("image", {"id": image})
    if isinstance(ref, str):
        ref = {"id": image.replace("/versions/1.0.0", "/versions/9.9.9")}
    props = (
        {"orchestrationMode": change["orchestrationMode"]} if "orchestrationMode" in change else {}
    )
    body = _set(ref, change.get("capacity", 3), **props)
    body["location"] = change.get("location", change.get("region", "westeurope"))
    r = c.put(f"{SETS}/web{QC}", json=body)
    error = r.json()["error"]
    assert r.status_code == status and error["code"] == code, error
    if target:
        assert error.get("target") == target
    assert server.world.scale_sets == {}


def test_resizing_an_existing_set_is_refused_not_ignored():
    c, _ = client()
    image = _published(c, "eastus", "westeurope")
    c.put(f"{SETS}/web{QC}", json=_set({"id": image}, 5))
    r = c.put(f"{SETS}/web{QC}", json=_set({"id": image}, 10))
    assert r.status_code == 409 and r.json()["error"]["target"] == "sku.capacity"


def test_a_gallery_api_version_is_not_a_compute_one():
    c, _ = client()
    r = c.get(f"{SETS}/web{Q}")  # 2025-03-03 is GalleryRP's, not ComputeRP's
    assert r.status_code == 400 and r.json()["error"]["code"] == "NoRegisteredProviderFound"


def test_memory_is_bounded_by_instances_held_and_sets_held(monkeypatch):
    from acgsim.sim.serve import machines

    c, server = client()
    image = _published(c, "eastus", "westeurope")
    monkeypatch.setattr(machines, "MAX_VMS", 30)
    monkeypatch.setattr(machines, "MAX_SCALE_SETS", 3)
    assert c.put(f"{SETS}/a{QC}", json=_set({"id": image}, 20)).status_code == 201
    r = c.put(f"{SETS}/b{QC}", json=_set({"id": image}, 11))
    assert r.status_code == 409 and "20 now" in r.json()["error"]["message"]
    assert c.put(f"{SETS}/b{QC}", json=_set({"id": image}, 0)).status_code == 201
    assert c.put(f"{SETS}/c{QC}", json=_set({"id": image}, 0)).status_code == 201
    assert c.put(f"{SETS}/d{QC}", json=_set({"id": image}, 0)).status_code == 409
    assert set(server.world.scale_sets) == {(SUB, "rg-images", n) for n in "abc"}


def test_a_sku_name_that_is_not_text_and_an_endless_image_id_are_answered_briefly():
    c, server = client()
    image = _published(c, "eastus", "westeurope")
    body = _set({"id": image}, 3)
    body["location"] = "westeurope"
    body["sku"]["name"] = 5
    error = c.put(f"{SETS}/web{QC}", json=body).json()["error"]
    assert (error["code"], error["target"]) == ("InvalidParameter", "sku.name")
    body = _set({"id": image.replace("/versions/1.0.0", "/versions/9.9.9") + "x" * 100_000}, 3)
    body["location"] = "westeurope"
    r = c.put(f"{SETS}/web{QC}", json=body)
    assert r.status_code == 404 and len(r.json()["error"]["message"]) < 500
    assert "(100,1" in r.json()["error"]["message"]  # how long the id was, not the id
    assert server.world.scale_sets == {}
