"""`terraform show -json` (a state, or a plan's planned values) -> scenario data.

The azurerm provider's resources [TF]: azurerm_shared_image_gallery {name, location, description,
sharing {permission, community_gallery {eula, prefix, publisher_email, publisher_uri}}},
azurerm_shared_image {name, gallery_name, location, os_type, specialized, identifier {publisher,
offer, sku}, hyper_v_generation, architecture, trusted_launch_* / confidential_vm_*,
end_of_life_date, description}, azurerm_shared_image_version {name, gallery_name, image_name,
location, exclude_from_latest, replication_mode, end_of_life_date, target_region {name,
regional_replica_count, storage_account_type, exclude_from_latest_enabled}}. JSON output writes
blocks as arrays of objects. Modules (child_modules) are walked. azurerm sends a region's
exclude_from_latest_enabled for every region (default false), and a region's flag wins over the
version's [ACG]: what is imported is what is deployed. A value a plan does not know yet (null)
is a placeholder, as in an ARM import. Other resources are listed in the note.
"""

from __future__ import annotations

from typing import Any

from acgsim.planner.export.arm_reader import SIZE_PLACEHOLDER_GB, Reader
from acgsim.planner.export.arm_scenario import placeholder_gallery, placeholder_image
from acgsim.planner.export.skeleton import skeleton
from acgsim.sim import catalog
from acgsim.sim.errors import Problem, ScenarioError

GALLERY, IMAGE, VERSION = (
    "azurerm_shared_image_gallery",
    "azurerm_shared_image",
    "azurerm_shared_image_version",
)
SECURITY = {  # azurerm's flags -> the SecurityType feature
    "trusted_launch_enabled": "TrustedLaunch",
    "trusted_launch_supported": "TrustedLaunchSupported",
    "confidential_vm_enabled": "ConfidentialVM",
    "confidential_vm_supported": "ConfidentialVMSupported",
}
MAX_MODULES = 100  # modules nested in modules; real configurations nest a few


def scenario_data(data: dict, file: str, name: str) -> dict:
    """The scenario the azurerm gallery resources describe, or ScenarioError."""
    root = (data.get("values") or data.get("planned_values") or {}).get("root_module")
    if not isinstance(root, dict):
        raise ScenarioError(
            [Problem((), "holds no values.root_module (state) or planned_values (plan)", file=file)]
        )
    found, others = [], []
    stack, seen = [(root, 0)], 0
    while stack:
        module, depth = stack.pop()
        seen += 1
        if depth > MAX_MODULES or seen > 10_000:
            raise ScenarioError([Problem((), "nests modules too deeply to be read", file=file)])
        for r in module.get("resources") or []:
            if isinstance(r, dict) and r.get("type") in (GALLERY, IMAGE, VERSION):
                found.append(r)
            elif isinstance(r, dict) and r.get("mode") != "data":
                others.append(str(r.get("address", r.get("type"))))
        stack += [(m, depth + 1) for m in module.get("child_modules") or [] if isinstance(m, dict)]
    reader = Reader()
    order = (GALLERY, IMAGE, VERSION)
    for r in sorted(found, key=lambda r: order.index(r["type"])):
        values = r.get("values") if isinstance(r.get("values"), dict) else {}
        {GALLERY: _gallery, IMAGE: _image, VERSION: _version}[r["type"]](reader, values)
    if others:
        reader.notes.append("not imported (not gallery resources): " + ", ".join(others[:10]))
    if not reader.galleries:
        raise ScenarioError([Problem((), f"holds no {', '.join(order)}", file=file)])
    return skeleton(name, "terraform show -json", list(reader.galleries.values()), reader)


def _region(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    region = catalog.normalize_region(value)
    return region if region in catalog.REGIONS else value


def _block(values: dict, key: str) -> dict:
    block = values.get(key)
    return block[0] if isinstance(block, list) and block and isinstance(block[0], dict) else {}


def _gallery(reader: Reader, v: dict) -> None:
    name = str(v.get("name"))
    gallery = placeholder_gallery(reader, name, _region(v.get("location")))
    reader.external = [e for e in reader.external if e != f"gallery {name}"]
    sharing = _block(v, "sharing")
    community = _block(sharing, "community_gallery")
    permission = sharing.get("permission")
    gallery.update(
        description=v.get("description"),
        sharing={
            "mode": permission.lower() if isinstance(permission, str) else "private",
            **{
                k: community[k]
                for k in ("prefix", "publisher_email", "publisher_uri", "eula")
                if isinstance(community.get(k), str)
            },
        },
    )


def _image(reader: Reader, v: dict) -> None:
    gallery = placeholder_gallery(reader, str(v.get("gallery_name")), _region(v.get("location")))
    ident = _block(v, "identifier")
    security = next((t for flag, t in SECURITY.items() if v.get(flag) is True), "Standard")
    image = placeholder_image([], str(v.get("name")), gallery, os=v.get("os_type") or "Linux")
    image.update(
        publisher=ident.get("publisher"),
        offer=ident.get("offer"),
        sku=ident.get("sku"),
        os_state="Specialized" if v.get("specialized") else "Generalized",
        hyperv_generation=v.get("hyper_v_generation") or "V1",
        architecture=v.get("architecture") or "x64",
        security_type=security,
        description=v.get("description"),
        end_of_life=(v.get("end_of_life_date") or "")[:10] or None,
    )
    reader.images[(gallery["name"].lower(), image["name"].lower())] = image


def _version(reader: Reader, v: dict) -> None:
    gallery_name, image_name = str(v.get("gallery_name")), str(v.get("image_name"))
    key = (gallery_name.lower(), image_name.lower())
    if key not in reader.images:
        gallery = placeholder_gallery(reader, gallery_name, _region(v.get("location")))
        reader.images[key] = placeholder_image(reader.external, image_name, gallery, os="Linux")
    targets = []
    for t in v.get("target_region") or []:
        if not isinstance(t, dict):
            continue
        target = {"region": _region(t.get("name"))}
        for key_, src in (
            ("replicas", "regional_replica_count"),
            ("storage", "storage_account_type"),
            ("exclude_from_latest", "exclude_from_latest_enabled"),
        ):
            if t.get(src) is not None:
                target[key_] = t[src]
        targets.append(target)
    reader.images[key]["versions"].append(
        {
            "name": v.get("name"),
            "size_gb": SIZE_PLACEHOLDER_GB,
            "replication_mode": v.get("replication_mode") or "Full",
            "exclude_from_latest": v.get("exclude_from_latest") is True,
            "end_of_life": (v.get("end_of_life_date") or "")[:10] or None,
            "regions": targets,
        }
    )
