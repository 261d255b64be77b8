"""ARM shapes of virtual machines and scale sets [SPEC] (ComputeRP VirtualMachine and
VirtualMachineScaleSet): what of a request body is kept (never osProfile's secrets: admin
password, custom data, certificates, SSH keys), and the resource as ARM answers it, with
provisioningState and, for a scale set, its instance view's counts by state.
"""

from __future__ import annotations

from acgsim.sim.serve.resources import PROVIDER, _id, _obj, _resource

KEEP_VM = ("hardwareProfile", "networkProfile", "priority", "licenseType")


def vm_properties(props: dict) -> dict:
    """What of a VM's properties is kept: never osProfile's secrets (admin password, custom
    data, certificates); the admin user and computer name only."""
    out = {k: props[k] for k in KEEP_VM if k in props}
    image = _obj(_obj(props.get("storageProfile"), "storageProfile").get("imageReference"), "x")
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
