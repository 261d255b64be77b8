"""What a scenario deploys, read from its YAML as a person reads the scenario format (README,
"Scenario format"), not through acgsim's models: galleries, definitions, versions, each target
region's replicas, storage and effective exclude-from-latest (the region's flag, else the
version's [ACG]), and which version `latest` resolves to in each region (the highest
MAJOR.MINOR.PATCH not excluded there [SIG]). The held-out corpus states its expectations in this
shape, and the export checks read all four formats into it too.
"""

from __future__ import annotations

REGION_DEFAULT_REPLICAS = 1
REGION_DEFAULT_STORAGE = "Standard_LRS"


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in name.split("."))


def region_name(text: str) -> str:
    """'West Europe' and 'westeurope' are the same region, as Azure reads them."""
    return text.replace(" ", "").lower()


def version_regions(version: dict) -> dict[str, list]:
    """region -> [replicas, storage, effective exclude-from-latest] of one scenario version."""
    default_replicas = version.get("replicas", REGION_DEFAULT_REPLICAS)
    default_storage = version.get("storage", REGION_DEFAULT_STORAGE)
    default_exclude = bool(version.get("exclude_from_latest", False))
    out: dict[str, list] = {}
    for entry in version.get("regions", []):
        if isinstance(entry, str):
            entry = {"region": entry}
        flag = entry.get("exclude_from_latest")
        out[region_name(entry["region"])] = [
            entry.get("replicas", default_replicas),
            entry.get("storage", default_storage),
            default_exclude if flag is None else bool(flag),
        ]
    return out


def latest_by_region(versions: dict[str, dict[str, list]]) -> dict[str, str]:
    """region -> the version `latest` gives there, from {version: version_regions(...)}."""
    best: dict[str, str] = {}
    for name, regions in versions.items():
        for region, (_, _, excluded) in regions.items():
            if excluded:
                continue
            if region not in best or _version_key(name) > _version_key(best[region]):
                best[region] = name
    return dict(sorted(best.items()))


def _sharing_mode(gallery: dict) -> str:
    sharing = gallery.get("sharing", "private")
    if isinstance(sharing, dict):
        return str(sharing.get("mode", "private")).lower()
    return str(sharing).lower()


def scenario_meaning(spec: dict) -> dict:
    """The deployable meaning of a scenario dict (as loaded from its YAML)."""
    galleries: dict[str, dict] = {}
    images: dict[str, dict] = {}
    versions: dict[str, dict] = {}
    latest: dict[str, dict[str, str]] = {}
    sub_ids = {s["name"]: s.get("id") for t in spec.get("tenants", []) for s in t["subscriptions"]}
    tenant_ids = {t["name"]: t.get("id") for t in spec.get("tenants", [])}
    for g in spec.get("galleries", []):
        sharing = g.get("sharing") if isinstance(g.get("sharing"), dict) else {}
        galleries[g["name"]] = {
            "region": region_name(g["region"]),
            "sharing": _sharing_mode(g),
            "soft_delete": bool(g.get("soft_delete", False)),
            "shared_subscriptions": sorted(
                str(sub_ids.get(n) or n) for n in sharing.get("subscriptions", [])
            ),
            "shared_tenants": sorted(
                str(tenant_ids.get(n) or n) for n in sharing.get("tenants", [])
            ),
        }
        for i in g.get("images", []):
            key = f"{g['name']}/{i['name']}"
            images[key] = {
                "os_type": i.get("os_type"),
                "os_state": i.get("os_state", "Generalized"),
                "hyperv_generation": i.get("hyperv_generation", "V2"),
                "security_type": i.get("security_type", "TrustedLaunchSupported"),
                "architecture": i.get("architecture", "x64"),
                "publisher": i.get("publisher"),
                "offer": i.get("offer"),
                "sku": i.get("sku"),
                "end_of_life": _text(i.get("end_of_life")),
            }
            by_version: dict[str, dict[str, list]] = {}
            for v in i.get("versions", []):
                regions = version_regions(v)
                by_version[str(v["name"])] = regions
                versions[f"{key}/{v['name']}"] = {
                    "regions": regions,
                    "replication_mode": v.get("replication_mode", "Full"),
                    "end_of_life": _text(v.get("end_of_life")),
                    "exclude_from_latest": bool(v.get("exclude_from_latest", False)),
                }
            latest[key] = latest_by_region(by_version)
    return {"galleries": galleries, "images": images, "versions": versions, "latest": latest}


def _text(value) -> str | None:
    return None if value is None else str(value)[:10]
