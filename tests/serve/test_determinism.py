"""The same requests at the same (stepped) times get byte-identical answers: galleries, versions,
VMs, scale sets, sharing and role assignments in any order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from .conftest import BASE, SUB, Q, client, image_body, version_body
from .test_http import VER, _vm

SCRIPT = [
    ("PUT", f"{BASE}/galleries/gal{Q}", {"location": "eastus"}),
    ("PUT", f"{BASE}/galleries/gal/images/web{Q}", image_body()),
    ("PUT", f"{VER}/1.0.0{Q}", version_body("eastus", "westeurope", "westus2")),
    ("GET", f"{VER}/1.0.0{Q}&$expand=ReplicationStatus", None),
    ("PUT", f"{BASE}/virtualMachines/a?api-version=2026-04-01", None),
    ("GET", f"{BASE}/virtualMachines?api-version=2026-04-01", None),
    ("GET", "/acgsim/state", None),
    (
        "PUT",
        f"{BASE}/virtualMachineScaleSets/s?api-version=2024-11-01",
        {
            "location": "westeurope",
            "sku": {"name": "Standard_D2s_v5", "capacity": 30},
            "properties": {
                "virtualMachineProfile": {
                    "storageProfile": {
                        "imageReference": {"id": f"{BASE}/galleries/gal/images/web/versions/1.0.0"}
                    }
                }
            },
        },
    ),
    ("GET", f"{BASE}/virtualMachineScaleSets/s/instanceView?api-version=2024-11-01", None),
    ("POST", f"{BASE}/galleries/gal/share{Q}", {"operationType": "Reset"}),
    (
        "PUT",
        f"{BASE}/galleries/gal/providers/Microsoft.Authorization/roleAssignments/"
        "5f8b1a0e-0000-4000-8000-000000000001?api-version=2022-04-01",
        {
            "properties": {
                "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/"
                "acdd72a7-3385-48ef-bd42-f606fba81ae7",
                "principalId": "22222222-2222-3333-4444-555555555555",
            }
        },
    ),
]


@given(st.lists(st.sampled_from(range(len(SCRIPT))), min_size=1, max_size=25))
def test_the_same_requests_get_the_same_answers(order):
    def play():
        c, _ = client(step=45.0)
        out = []
        for i in [0, 1, 2, *order]:
            method, url, body = SCRIPT[i]
            if url.startswith(f"{BASE}/virtualMachines/a"):
                body = _vm(f"{BASE}/galleries/gal/images/web/versions/1.0.0".replace(BASE, BASE))
                body["properties"]["storageProfile"]["imageReference"]["id"] = (
                    f"/subscriptions/{SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/"
                    "galleries/gal/images/web/versions/1.0.0"
                )
            r = c.request(method, url, json=body)
            headers = {k: v for k, v in r.headers.items() if k != "content-length"}
            out.append((r.status_code, r.text, sorted(headers.items())))
        return out

    assert play() == play()
