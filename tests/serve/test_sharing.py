"""Who may use a gallery, changed over REST: the sharing profile (POST .../share) and role
assignments at gallery, image or version scope feed the model's access rules, so the next VM or
scale set from another subscription or tenant is refused or let in as the model says."""

from __future__ import annotations

import pytest

from acgsim.sim.scenario import Scenario

from .conftest import Q, image_body, version_body

OWNER = "11111111-2222-3333-4444-555555555555"
DEV = "22222222-2222-3333-4444-555555555555"  # another subscription of the same tenant
PARTNER = "33333333-2222-3333-4444-555555555555"  # a subscription of another tenant
PARTNER_TENANT = "0f0f0000-0000-4000-8000-00000000000f"
GAL = f"/subscriptions/{OWNER}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal"
QC = "?api-version=2024-11-01"
QA = "?api-version=2022-04-01"
READER = "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
RA = "5f8b1a0e-0000-4000-8000-000000000001"


def _world() -> Scenario:
    return Scenario.model_validate(
        {
            "name": "sharing",
            "tenants": [
                {
                    "name": "contoso",
                    "subscriptions": [{"name": "images", "id": OWNER}, {"name": "dev", "id": DEV}],
                },
                {
                    "name": "fabrikam",
                    "id": PARTNER_TENANT,
                    "subscriptions": [{"name": "partner", "id": PARTNER}],
                },
            ],
        }
    )


@pytest.fixture
def c():
    from .conftest import client

    c, _ = client(_world())
    assert (
        c.put(
            f"{GAL}{Q}",
            json={
                "location": "eastus",
                "properties": {"sharingProfile": {"permissions": "Groups"}},
            },
        ).status_code
        == 201
    )
    assert c.put(f"{GAL}/images/web{Q}", json=image_body()).status_code == 201
    r = c.put(f"{GAL}/images/web/versions/1.0.0{Q}", json=version_body("eastus", "westeurope"))
    while c.get(r.headers["Azure-AsyncOperation"]).json()["status"] == "InProgress":
        pass
    c.post("/acgsim/clock", json={"advance": 3600})  # past the propagation delay
    return c


def _vm(c, sub: str, name: str, image: dict | None = None):
    image = image or {"id": f"{GAL}/images/web/versions/1.0.0"}
    body = {
        "location": "westeurope",
        "properties": {"storageProfile": {"imageReference": image}},
    }
    rg = f"/subscriptions/{sub}/resourceGroups/rg-app/providers/Microsoft.Compute"
    return c.put(f"{rg}/virtualMachines/{name}{QC}", json=body)


def _share(c, op: str, *groups):
    body = {"operationType": op}
    if groups:
        body["groups"] = [{"type": t, "ids": list(ids)} for t, ids in groups]
    return c.post(f"{GAL}/share{Q}", json=body)


def test_sharing_with_a_subscription_lets_its_vms_in_and_removing_it_refuses_them(c):
    assert _vm(c, DEV, "a").json()["error"]["code"] == "AuthorizationFailed"
    r = _share(c, "Add", ("Subscriptions", [DEV]))
    assert r.status_code == 200 and r.json()["groups"] == [{"type": "Subscriptions", "ids": [DEV]}]
    assert _vm(c, DEV, "b").status_code == 201
    groups = c.get(f"{GAL}{Q}").json()["properties"]["sharingProfile"]["groups"]
    assert groups == [{"type": "Subscriptions", "ids": [DEV]}]
    assert _share(c, "Remove", ("Subscriptions", [DEV])).status_code == 200
    assert _vm(c, DEV, "c").status_code == 403
    assert _vm(c, OWNER, "d").status_code == 201  # the owner never needed sharing


def test_sharing_with_a_tenant_and_reset(c):
    shared = {"sharedGalleryImageId": f"/SharedGalleries/{OWNER}-GAL/Images/web/Versions/1.0.0"}
    assert _vm(c, PARTNER, "a", shared).json()["error"]["code"] == "LinkedAuthorizationFailed"
    assert _share(c, "Add", ("AADTenants", [PARTNER_TENANT])).status_code == 200
    assert _vm(c, PARTNER, "b", shared).status_code == 201
    # a gallery PUT (a new description) keeps the groups: they change only through share
    c.put(
        f"{GAL}{Q}",
        json={
            "location": "eastus",
            "properties": {"description": "x", "sharingProfile": {"permissions": "Groups"}},
        },
    )
    assert _vm(c, PARTNER, "c", shared).status_code == 201
    assert _share(c, "Reset").status_code == 200
    profile = c.get(f"{GAL}{Q}").json()["properties"]["sharingProfile"]
    assert profile["permissions"] == "Private" and "groups" not in profile
    assert _vm(c, PARTNER, "d", shared).status_code == 404  # not shared: no such shared image


def test_a_role_at_gallery_scope_lets_a_subscription_in_until_it_is_deleted(c):
    role = f"{GAL}/providers/Microsoft.Authorization/roleAssignments/{RA}"
    body = {
        "properties": {"roleDefinitionId": f"/subscriptions/{OWNER}{READER}", "principalId": DEV}
    }
    assert _vm(c, DEV, "a").status_code == 403
    r = c.put(f"{role}{QA}", json=body)
    assert r.status_code == 201 and r.json()["properties"]["scope"].endswith("/galleries/gal")
    assert c.put(f"{role}{QA}", json=body).status_code == 200  # the same again: no change
    assert _vm(c, DEV, "b").status_code == 201
    listed = c.get(f"{GAL}/providers/Microsoft.Authorization/roleAssignments{QA}").json()
    assert [a["name"] for a in listed["value"]] == [RA]
    assert c.delete(f"{role}{QA}").status_code == 200
    assert c.get(f"{role}{QA}").status_code == 404
    assert _vm(c, DEV, "c").status_code == 403


def test_a_version_scope_role_does_not_reach_latest(c):
    """The model's rule: `latest` needs the definition; a role on one version is not enough."""
    role = f"{GAL}/images/web/versions/1.0.0/providers/Microsoft.Authorization/roleAssignments/{RA}"
    body = {"properties": {"roleDefinitionId": READER, "principalId": DEV}}
    assert c.put(f"{role}{QA}", json=body).status_code == 201
    assert _vm(c, DEV, "pinned").status_code == 201
    latest = {"id": f"{GAL}/images/web"}
    assert _vm(c, DEV, "latest", latest).status_code == 403


def test_a_tenant_role_lets_every_subscription_of_the_tenant_in(c):
    role = f"{GAL}/images/web/providers/Microsoft.Authorization/roleAssignments/{RA}"
    body = {"properties": {"roleDefinitionId": READER, "principalId": PARTNER_TENANT}}
    assert c.put(f"{role}{QA}", json=body).status_code == 201
    assert _vm(c, PARTNER, "a").status_code == 201


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"operationType": "Share"}, 400, "InvalidParameter"),
        (
            {"operationType": "Add", "groups": [{"type": "Users", "ids": []}]},
            400,
            "InvalidParameter",
        ),
        (
            {"operationType": "Add", "groups": [{"type": "Subscriptions", "ids": ["dev"]}]},
            400,
            "InvalidParameter",
        ),
        ({"operationType": "Add", "groups": {"type": "Subscriptions"}}, 400, "InvalidParameter"),
        ({"operationType": "EnableCommunity"}, 409, "OperationNotAllowed"),
    ],
)
def test_share_requests_azure_would_refuse(c, body, status, code):
    r = c.post(f"{GAL}/share{Q}", json=body)
    assert r.status_code == status and r.json()["error"]["code"] == code, r.json()


@pytest.mark.parametrize(
    "props, status, code",
    [
        (
            {
                "roleDefinitionId": READER.replace("acdd72a7", "00000000"),
                "principalId": DEV,
            },
            400,
            "RoleDefinitionDoesNotExist",
        ),
        ({"roleDefinitionId": READER, "principalId": "alice@contoso.com"}, 400, "InvalidParameter"),
        ({"roleDefinitionId": READER}, 400, "InvalidParameter"),
    ],
)
def test_role_assignments_azure_would_refuse(c, props, status, code):
    role = f"{GAL}/providers/Microsoft.Authorization/roleAssignments/{RA}"
    r = c.put(f"{role}{QA}", json={"properties": props})
    assert r.status_code == status and r.json()["error"]["code"] == code, r.json()
    bad_name = f"{GAL}/providers/Microsoft.Authorization/roleAssignments/not-a-guid{QA}"
    assert (
        c.put(
            bad_name, json={"properties": {"roleDefinitionId": READER, "principalId": DEV}}
        ).status_code
        == 400
    )
    assert (
        c.put(f"{role}?api-version=2025-03-03", json={}).json()["error"]["code"]
        == "NoRegisteredProviderFound"
    )


def test_a_flexible_scale_set_may_not_use_another_tenants_image(c):
    assert _share(c, "Add", ("AADTenants", [PARTNER_TENANT])).status_code == 200
    shared = {"sharedGalleryImageId": f"/SharedGalleries/{OWNER}-GAL/Images/web/Versions/1.0.0"}
    rg = f"/subscriptions/{PARTNER}/resourceGroups/rg-app/providers/Microsoft.Compute"

    def scale_set(mode: str):
        body = {
            "location": "westeurope",
            "sku": {"name": "Standard_D2s_v5", "capacity": 2},
            "properties": {
                "orchestrationMode": mode,
                "virtualMachineProfile": {"storageProfile": {"imageReference": shared}},
            },
        }
        return c.put(f"{rg}/virtualMachineScaleSets/{mode.lower()}{QC}", json=body)

    assert scale_set("Uniform").status_code == 201
    refused = scale_set("Flexible")
    assert refused.status_code == 400 and "another tenant" in refused.json()["error"]["message"]
