"""acgsim serve never answers 500 to what a client sends: bodies of the right shape with values of
the wrong type, sizes past any limit, fields missing, api-versions wrong, on every route a class
uses, each followed by the reads a client makes (the version, its replication status, the VM,
the server's state). A 500 is a bug: ARM answers such requests with a 4xx naming the field.
"""

from __future__ import annotations

import copy
import json
import random

import pytest

from .conftest import BASE, SUB, Q, client, image_body, version_body

CP = f"/subscriptions/{SUB}/resourceGroups/rg-images/providers/Microsoft.Compute"
VER = f"{BASE}/galleries/gal/images/web/versions/1.0.0"
ROLE = (
    f"{BASE}/galleries/gal/providers/Microsoft.Authorization/roleAssignments/"
    "0b6f7c55-2f71-4e0e-9d8a-1c2b3d4e5f60?api-version=2022-04-01"
)
VALUES = [
    None, True, 0, -1, 1e308, "", "x" * 5000, [], {}, [1, 2], {"a": 1}, "West Europe",
    "Standard_ZRS", "1.0.0", "latest", "\u202e\x00", 10**30, -(10**30), 3.5,
]  # fmt: skip


def _vm(image: str) -> dict:
    return {
        "location": "eastus",
        "properties": {
            "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
            "storageProfile": {"imageReference": {"id": image}},
            "osProfile": {"computerName": "a", "adminUsername": "u", "adminPassword": "Pa55w0rd!"},
            "networkProfile": {"networkInterfaces": [{"id": "/subscriptions/x/nic"}]},
        },
    }


def _vmss(image: str) -> dict:
    return {
        "location": "eastus",
        "sku": {"name": "Standard_D2s_v5", "capacity": 3},
        "properties": {
            "orchestrationMode": "Uniform",
            "upgradePolicy": {"mode": "Manual"},
            "virtualMachineProfile": {"storageProfile": {"imageReference": {"id": image}}},
        },
    }


def _community() -> dict:
    info = {"publisherUri": "https://x", "publisherContact": "a@b.c", "publicNamePrefix": "pfx"}
    sharing = {"permissions": "Community", "communityGalleryInfo": info}
    return {"location": "eastus", "properties": {"sharingProfile": sharing}}


REQUESTS = [
    ("PUT", f"{BASE}/galleries/g2{Q}", {"location": "eastus", "properties": {"description": "d"}}),
    ("PUT", f"{BASE}/galleries/comm{Q}", _community()),
    ("PUT", f"{BASE}/galleries/gal/images/w2{Q}", image_body()),
    (
        "PUT",
        VER + Q,
        version_body("eastus", {"name": "westeurope", "regionalReplicaCount": 3}, replicaCount=2),
    ),
    (
        "PUT",
        f"{BASE}/galleries/gal/images/web/versions/2.0.0{Q}",
        version_body({"name": "westus2", "excludeFromLatest": True}, replicationMode="Shallow"),
    ),
    (
        "PATCH",
        VER + Q,
        {"properties": {"publishingProfile": {"targetRegions": [{"name": "eastus"}]}}},
    ),
    ("PUT", f"{CP}/virtualMachines/vm1{Q}", _vm(VER)),
    ("PUT", f"{CP}/virtualMachines/vm2{Q}", _vm(f"/SharedGalleries/{SUB}-GAL/Images/web")),
    ("PUT", f"{CP}/virtualMachineScaleSets/ss{Q}", _vmss(VER)),
    ("POST", f"{BASE}/galleries/gal/share{Q}", {"operationType": "Add", "groups": []}),
    ("POST", f"{BASE}/galleries/gal/share{Q}", {"operationType": "Reset"}),
    ("PUT", ROLE, {"properties": {"roleDefinitionId": "x", "principalId": "y"}}),
    ("DELETE", VER + Q, {}),
    ("DELETE", f"{CP}/virtualMachineScaleSets/ss{Q}", {}),
    ("POST", "/acgsim/clock", {"advance": 600}),
]
READS = [
    VER + Q,
    f"{VER}{Q}&$expand=ReplicationStatus",
    f"{BASE}/galleries/gal/images/web/versions{Q}",
    f"{BASE}/galleries{Q}",
    f"{CP}/virtualMachines/vm1{Q}",
    f"{CP}/virtualMachineScaleSets/ss/instanceView{Q}",
    "/acgsim/state",
]


def _mutate(rng: random.Random, node):
    if isinstance(node, dict) and node:
        node = dict(node)
        key = rng.choice(sorted(node))
        roll = rng.random()
        if roll < 0.4:
            node[key] = rng.choice(VALUES)
        elif roll < 0.55:
            del node[key]
        else:
            node[key] = _mutate(rng, node[key])
        return node
    if isinstance(node, list) and node:
        i = rng.randrange(len(node))
        return node[:i] + [_mutate(rng, node[i])] + node[i + 1 :]
    return rng.choice(VALUES)


@pytest.mark.parametrize("seed", range(6))
def test_no_request_gets_a_500(seed):
    rng = random.Random(seed)
    for _ in range(5):
        c, _server = client()
        assert c.put(f"{BASE}/galleries/gal{Q}", json={"location": "East US"}).status_code == 201
        assert c.put(f"{BASE}/galleries/gal/images/web{Q}", json=image_body()).status_code == 201
        for _ in range(10):
            method, path, body = rng.choice(REQUESTS)
            if rng.random() < 0.8:
                body = _mutate(rng, copy.deepcopy(body))
            if rng.random() < 0.1:
                path = path.replace(Q, rng.choice(["", "?api-version=1999-01-01", "?api-version="]))
            sent = json.dumps(body)
            r = c.request(method, path, content=sent, headers={"content-type": "application/json"})
            assert r.status_code < 500, (method, path, sent[:500], r.text[:300])
            for read in READS:
                got = c.get(read)
                assert got.status_code < 500, (read, "after", method, path, sent[:500])


def test_a_version_whose_storage_profile_is_not_an_object_is_refused():
    """It was stored, and every later read of the version (and list of versions) answered 500."""
    c, _ = client()
    c.put(f"{BASE}/galleries/gal{Q}", json={"location": "East US"})
    c.put(f"{BASE}/galleries/gal/images/web{Q}", json=image_body())
    for profile, field in (
        ("x", "properties.storageProfile"),
        ({"osDiskImage": True}, "properties.storageProfile.osDiskImage"),
    ):
        body = version_body("eastus")
        body["properties"]["storageProfile"] = profile
        r = c.put(VER + Q, json=body)
        assert r.status_code == 400 and r.json()["error"]["target"] == field, r.text
        assert c.get(f"{BASE}/galleries/gal/images/web/versions{Q}").status_code == 200


def test_sharing_permissions_of_the_wrong_type_are_refused():
    c, _ = client()
    body = {"location": "eastus", "properties": {"sharingProfile": {"permissions": ["Groups"]}}}
    r = c.put(f"{BASE}/galleries/gal{Q}", json=body)
    assert r.status_code == 400 and "The value (an array) of sharingProfile.permissions" in r.text


@pytest.mark.parametrize("advance", [1e308, 366 * 86400 + 1, -1])
def test_the_clock_jumps_at_most_a_year(advance):
    """A jump of 1e308 s was taken, and every timestamp after it failed (500)."""
    c, _ = client()
    r = c.post("/acgsim/clock", json={"advance": advance})
    assert r.status_code == 400 and "a year" in r.json()["error"]["message"]
    assert c.get(f"{BASE}/galleries{Q}").status_code == 200
