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
    values = data.get("values") or data.get("planned_values") or {}
    root = values.get("root_module") if isinstance(values, dict) else None
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
        for key in ("resources", "child_modules"):
            if not isinstance(module.get(key) or [], list):
                got = type(module[key]).__name__
                raise ScenarioError([Problem((key,), f"must be a list, not {got}", file=file)])
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
        _check_types(values, str(r.get("address") or r["type"]), file)
        {GALLERY: _gallery, IMAGE: _image, VERSION: _version}[r["type"]](reader, values)
    if others:
        reader.notes.append("not imported (not gallery resources): " + ", ".join(others[:10]))
    if not reader.galleries:
        raise ScenarioError([Problem((), f"holds no {', '.join(order)}", file=file)])
    return skeleton(name, "terraform show -json", list(reader.galleries.values()), reader)


BLOCKS = ("identifier", "sharing", "community_gallery", "target_region")  # arrays of objects
TEXTS = ("name", "gallery_name", "image_name", "location", "description", "end_of_life_date")
TEXTS += ("os_type", "hyper_v_generation", "architecture", "replication_mode")
TEXTS += ("storage_account_type", "prefix", "publisher_email", "publisher_uri", "eula")
FLAGS = ("specialized", "exclude_from_latest", "exclude_from_latest_enabled", *SECURITY)
_KINDS = {"a list of blocks": (BLOCKS, list), "text": (TEXTS, str), "true or false": (FLAGS, bool)}


def _check_types(values: dict, address: str, file: str, at: tuple = ()) -> None:
    """ScenarioError naming the resource and field where a value is not of the type azurerm
    writes (a hand-edited state: `target_region: 5`); null is a value not known yet."""
    for name, value in values.items():
        for kind, (names, python) in _KINDS.items():
            if name in names and value is not None and not isinstance(value, python):
                got = type(value).__name__
                raise ScenarioError(
                    [Problem((address, *at, name), f"must be {kind}, not {got}", file=file)]
                )
        if name in BLOCKS and isinstance(value, list):
            for i, block in enumerate(value):
                if not isinstance(block, dict):
                    problem = f"a block must be an object, not {type(block).__name__}"
                    raise ScenarioError([Problem((address, *at, name, i), problem, file=file)])
                _check_types(block, address, file, (*at, name, i))
    count = values.get("regional_replica_count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        where = (address, *at, "regional_replica_count")
        problem = f"must be a whole number, not {type(count).__name__}"
        raise ScenarioError([Problem(where, problem, file=file)])


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
