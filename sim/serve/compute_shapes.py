"""ARM shapes of virtual machines and scale sets [SPEC] (ComputeRP VirtualMachine and
VirtualMachineScaleSet): what of a request body is kept (never osProfile's secrets: admin
password, custom data, certificates, SSH keys), and the resource as ARM answers it, with
provisioningState and, for a scale set, its instance view's counts by state.
"""

from __future__ import annotations

from acgsim.sim.serve.resources import PROVIDER, _id, _obj, _resource
from acgsim.sim.serve.resources import bad as _bad

KEEP_VM = ("hardwareProfile", "networkProfile", "priority", "licenseType")


def vm_properties(props: dict) -> dict:
    """What of a VM's properties is kept: never osProfile's secrets (admin password, custom
    data, certificates); the admin user and computer name only."""
    out = {k: props[k] for k in KEEP_VM if k in props}
    storage = _obj(props.get("storageProfile"), "properties.storageProfile")
    image = _obj(storage.get("imageReference"), "properties.storageProfile.imageReference")
    out["storageProfile"] = {"imageReference": image}
    os_profile = _obj(props.get("osProfile"), "properties.osProfile")
    out["osProfile"] = {
        k: os_profile[k] for k in ("computerName", "adminUsername") if k in os_profile
    }
    return out


def vm_body(
    sub_id: str, rg: str, name: str, location: str, tags: dict, props: dict, state: str, vm_id: str
) -> dict:
    out = dict(props)
    out["provisioningState"] = state
    out["vmId"] = vm_id
    return _resource(
        _id(sub_id, rg, f"virtualMachines/{name}"),
        name,
        f"{PROVIDER}/virtualMachines",
        location,
        tags,
        out,
    )


# --- scale sets ------------------------------------------------------------------------------

KEEP_VMSS = (
    "upgradePolicy",
    "overprovision",
    "singlePlacementGroup",
    "platformFaultDomainCount",
    "zoneBalance",
)
KEEP_PROFILE = ("networkProfile", "priority", "licenseType", "evictionPolicy")
ORCHESTRATION = {"uniform": "Uniform", "flexible": "Flexible"}


def vmss_properties(props: dict) -> tuple[dict, str]:
    """What of a scale set's properties is kept (never osProfile's secrets: the admin user and
    computerNamePrefix only), and its orchestration mode (Uniform when not given: the REST
    API's default for a set with a virtualMachineProfile)."""
    out = {k: props[k] for k in KEEP_VMSS if k in props}
    mode = props.get("orchestrationMode", "Uniform")
    if not isinstance(mode, str) or mode.lower() not in ORCHESTRATION:
        raise _bad(
            f"The value '{str(mode)[:40]}' of orchestrationMode is not allowed: Uniform or "
            "Flexible",
            "properties.orchestrationMode",
        )
    mode = ORCHESTRATION[mode.lower()]
    where = "properties.virtualMachineProfile"
    vm = _obj(props.get("virtualMachineProfile"), where)
    profile = {k: vm[k] for k in KEEP_PROFILE if k in vm}
    storage = _obj(vm.get("storageProfile"), f"{where}.storageProfile")
    image = _obj(storage.get("imageReference"), f"{where}.storageProfile.imageReference")
    profile["storageProfile"] = {"imageReference": image}
    os_profile = _obj(vm.get("osProfile"), f"{where}.osProfile")
    profile["osProfile"] = {
        k: os_profile[k] for k in ("computerNamePrefix", "adminUsername") if k in os_profile
    }
    out["virtualMachineProfile"] = profile
    out["orchestrationMode"] = mode
    return out, mode


def vmss_capacity(body: dict, limit: int) -> tuple[dict, int]:
    """The sku (name, tier, capacity) and the instance count: 0 to `limit` [ACG]."""
    sku = dict(_obj(body.get("sku"), "sku"))
    for field in ("name", "tier"):
        if field in sku and not isinstance(sku[field], str):
            raise _bad(f"sku.{field} must be a string such as Standard_D2s_v5", f"sku.{field}")
    capacity = sku.get("capacity", 2)  # ARM's default when sku.capacity is left out
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 0 <= capacity <= limit:
        raise _bad(
            f"The value {str(capacity)[:20]} of sku.capacity is not valid: a scale set from a "
            f"gallery image holds 0 to {limit:,} instances.",
            "sku.capacity",
        )
    sku["capacity"] = capacity
    return sku, capacity


def vmss_body(
    sub_id: str,
    rg: str,
    name: str,
    location: str,
    tags: dict,
    sku: dict,
    props: dict,
    state: str,
    unique_id: str,
    created: str,
) -> dict:
    out = dict(props)
    out.update(provisioningState=state, uniqueId=unique_id, timeCreated=created)
    body = _resource(
        _id(sub_id, rg, f"virtualMachineScaleSets/{name}"),
        name,
        f"{PROVIDER}/virtualMachineScaleSets",
        location,
        tags,
        out,
    )
    body["sku"] = sku
    return body


def instance_view(counts: dict[str, int], state: str, when: str) -> dict:
    """A scale set's instance view: its instances counted by provisioning state, its own state."""
    return {
        "virtualMachine": {
            "statusesSummary": [
                {"code": f"ProvisioningState/{k.lower()}", "count": v}
                for k, v in sorted(counts.items())
            ]
        },
        "statuses": [
            {
                "code": f"ProvisioningState/{state.lower()}",
                "level": "Error" if state == "Failed" else "Info",
                "displayStatus": f"Provisioning {state.lower()}",
                "time": when,
            }
        ],
    }
