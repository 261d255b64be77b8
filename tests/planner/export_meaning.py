"""What each export means once deployed, read back from its text as its own tool reads it: the
ARM template parsed as JSON, Bicep by its syntax, Terraform with python-hcl2, the az script split
with shlex. Each reader returns the same shape, so the four can be compared with each other and
with the scenario or plan they were made from:

    {"galleries": {gallery: (region, sharing mode, sorted shared ids or parameter names)},
     "definitions": {(gallery, image)},
     "versions": {(gallery, image, version): (source kind, {region: (replicas, storage,
                  effective exclude-from-latest)})},
     "access": sorted (role, scope tuple, principal parameter),
     "reasons": {(gallery, image, version, region): reason}}

The effective exclude-from-latest is what Azure applies: a region's flag, else the version's
[ACG]; a Terraform target_region without exclude_from_latest_enabled gets azurerm's default,
false [TF], which is how such an export un-hides a version excluded from latest.
"""

from __future__ import annotations

import json
import re

import hcl2

from acgsim.planner.export.access import ROLES
from acgsim.planner.export.azcli import MARKER

from ..hostile import formats

ROLE_OF = {v: k for k, v in ROLES.items()}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REASON = re.compile(r"(\d+) replicas?: (.*)")


def _empty() -> dict:
    return {"galleries": {}, "definitions": set(), "versions": {}, "access": [], "reasons": {}}


def _kind_arm(storage: dict) -> str:
    if "source" in storage:
        return "vm" if "virtualMachineId" in storage["source"] else "managed_image"
    return "vhd" if "uri" in storage["osDiskImage"]["source"] else "snapshot"


def _shared(meta: dict) -> list[str]:
    return sorted(x.strip("<>") for x in [*meta["subscriptions"], *meta["tenants"]])


def arm(text: str) -> dict:
    t = json.loads(text)
    out = _empty()
    shares = t.get("metadata", {}).get("directSharing", {})
    for r in t["resources"]:
        kind, props = r["type"], r["properties"]
        if kind == "Microsoft.Compute/galleries":
            mode = props["sharingProfile"]["permissions"].lower()
            shared = _shared(shares[r["name"]]) if r["name"] in shares else []
            out["galleries"][r["name"]] = (r["location"], mode, shared)
        elif kind == "Microsoft.Compute/galleries/images":
            out["definitions"].add(tuple(r["name"].split("/")))
        elif kind.endswith("/versions"):
            ref = tuple(r["name"].split("/"))
            profile = props["publishingProfile"]
            regions = {}
            for x in profile["targetRegions"]:
                own = x.get("excludeFromLatest")
                regions[x["name"]] = (
                    x["regionalReplicaCount"],
                    x["storageAccountType"],
                    profile.get("excludeFromLatest", False) if own is None else own,
                )
            out["versions"][ref] = (_kind_arm(props["storageProfile"]), regions)
            for line in r.get("comments", "").split("\n"):
                region, _, rest = line.partition(": ")
                out["reasons"][(*ref, region)] = REASON.fullmatch(rest)[2]
        else:
            assert kind == "Microsoft.Authorization/roleAssignments", kind
            path = r["scope"].removeprefix("Microsoft.Compute/galleries/").split("/")
            scope = tuple(path[0::2])
            role = ROLE_OF[GUID.search(props["roleDefinitionId"])[0]]
            principal = re.fullmatch(r"\[parameters\('(\w+)'\)\]", props["principalId"])[1]
            out["access"].append((role, scope, principal))
    out["access"].sort()
    return out


def bicep(text: str) -> dict:
    lines = text.split("\n")
    out = _empty()
    names: dict[str, tuple[str, ...]] = {}
    shares: dict = {}
    for i, line in enumerate(lines):
        if line.startswith("metadata directSharing = {"):
            shares, _ = formats._bicep_object(lines, i + 1)
        m = re.fullmatch(r"resource (\w+) '([^@']+)@[^']+' = \{", line)
        if not m:
            continue
        sym, kind = m.groups()
        body, end = formats._bicep_object(lines, i + 1)
        props = body["properties"]
        if kind == "Microsoft.Authorization/roleAssignments":
            role = ROLE_OF[GUID.search(props["roleDefinitionId"])[0]]
            out["access"].append((role, names[body["scope"]], str(props["principalId"])))
            continue
        ref = names[sym] = (*names.get(body.get("parent"), ()), body["name"])
        if kind == "Microsoft.Compute/galleries":
            mode = props["sharingProfile"]["permissions"].lower()
            shared = _shared(shares[ref[0]]) if ref[0] in shares else []
            out["galleries"][ref[0]] = (body["location"], mode, shared)
        elif kind.endswith("/images"):
            out["definitions"].add(ref)
        else:
            profile = props["publishingProfile"]
            targets = profile["targetRegions"]
            out["versions"][ref] = (
                _kind_arm(props["storageProfile"]),
                {
                    x["name"]: (
                        x["regionalReplicaCount"],
                        x["storageAccountType"],
                        x["excludeFromLatest"],
                    )
                    for x in targets
                },
            )
            comments = [
                REASON.fullmatch(x.strip().removeprefix("// "))
                for x in lines[i:end]
                if x.strip().startswith("// ")
            ]
            for x, c in zip(targets, comments, strict=True):
                out["reasons"][(*ref, x["name"])] = c[2]
    out["access"].sort()
    return out


def _ref(value: str) -> str:
    """`${azurerm_x.name.attr}` -> "azurerm_x.name"."""
    return re.fullmatch(r"\$\{([\w.]+)\.(?:name|id)\}", value)[1]


def terraform(text: str) -> dict:
    doc = hcl2.loads(text)
    t = formats.hcl_text
    variables = {
        name.strip('"'): body for block in doc.get("variable", []) for name, body in block.items()
    }

    def var(value: str) -> str:
        name = re.fullmatch(r"\$\{var\.(\w+)\}", value)[1]
        default = variables[name].get("default")
        return name if default is None else t(default)

    res: dict[str, dict] = {}
    for block in doc["resource"]:
        for kind, inst in block.items():
            for name, body in inst.items():
                res[f"{kind.strip(chr(34))}.{name.strip(chr(34))}"] = body
    out = _empty()
    refs: dict[str, tuple[str, ...]] = {}
    for key, body in res.items():
        kind = key.split(".")[0]
        if kind == "azurerm_shared_image_gallery":
            refs[key] = (t(body["name"]),)
            mode = t(body["sharing"][0]["permission"]).lower() if "sharing" in body else "private"
            out["galleries"][t(body["name"])] = (t(body["location"]), mode, [])
    for key, body in res.items():
        if key.startswith("azurerm_shared_image."):
            refs[key] = (*refs[_ref(body["gallery_name"])], t(body["name"]))
            out["definitions"].add(refs[key])
    for key, body in res.items():
        if not key.startswith("azurerm_shared_image_version."):
            continue
        ref = refs[key] = (*refs[_ref(body["image_name"])], t(body["name"]))
        version_flag = body.get("exclude_from_latest", False)
        regions = {
            t(x["name"]): (
                x["regional_replica_count"],
                t(x["storage_account_type"]),
                x.get("exclude_from_latest_enabled", False),  # azurerm's default [TF]
            )
            for x in body["target_region"]
        }
        assert isinstance(version_flag, bool)
        if "blob_uri" in body:
            kind = "vhd"
        elif "os_disk_snapshot_id" in body:
            kind = "snapshot"
        else:  # azurerm takes a VM's id as managed_image_id [TF]: its variable says which
            name = re.fullmatch(r"\$\{var\.(\w+)\}", body["managed_image_id"])[1]
            vm = "virtual machine" in t(variables[name]["description"])
            kind = "vm" if vm else "managed_image"
        out["versions"][ref] = (kind, regions)
        block = re.search(
            rf'resource "azurerm_shared_image_version" "{key.split(".")[1]}" \{{(.*?)\n}}\n',
            text,
            re.S,
        )[1]
        comments = re.findall(r"\n  # (\d+ replicas?: .*)\n  target_region \{", block)
        for (region, *_), c in zip(regions.items(), comments, strict=True):
            out["reasons"][(*ref, region)] = REASON.fullmatch(c)[2]
    for key, body in res.items():
        if key.startswith("azurerm_role_assignment."):
            principal = re.fullmatch(r"\$\{var\.(\w+)\}", body["principal_id"])[1]
            out["access"].append(
                (t(body["role_definition_name"]), refs[_ref(body["scope"])], principal)
            )
        elif key.startswith("terraform_data."):
            [exec_] = (
                body["provisioner"][0]['"local-exec"']
                if isinstance(body["provisioner"][0]['"local-exec"'], list)
                else [body["provisioner"][0]['"local-exec"']]
            )
            env = exec_["environment"]
            gallery = refs[_ref(env["GALLERY"])][0]
            ids = [
                var("${" + v + "}")
                for k in ("SUBSCRIPTION_IDS", "TENANT_IDS")
                if k in env
                for v in re.findall(r"var\.\w+", env[k])
            ]
            region, mode, _ = out["galleries"][gallery]
            out["galleries"][gallery] = (region, mode, sorted(ids))
    out["access"].sort()
    return out


def azcli(script: str) -> dict:
    defaults = dict(re.findall(r'^([A-Z0-9_]+)="\$\{\1:-([^}]*)\}"$', script, flags=re.M))

    def var(value: str) -> str:
        name = re.fullmatch(r"\$(\w+)", value)[1]
        return defaults.get(name, name.lower()).strip('"')

    out = _empty()
    body = script.split(MARKER, 1)[1]
    why = re.findall(r"^#   (\S+): (\d+ replicas?: .*)$", body, flags=re.M)
    for name, o in formats.az_commands(script):
        one = {k: v[0] for k, v in o.items()}
        if name == "sig create":
            mode = one.get("--permissions", "Private").lower()
            out["galleries"][one["--gallery-name"]] = (one["--location"], mode, [])
        elif name == "sig image-definition create":
            out["definitions"].add((one["--gallery-name"], one["--gallery-image-definition"]))
        elif name == "sig image-version create":
            ref = (one["--gallery-name"], one["--gallery-image-definition"])
            ref = (*ref, one["--gallery-image-version"])
            flag = one["--exclude-from-latest"] == "true"
            regions = {}
            for item in o["--target-regions"]:
                region, n, storage = item.split("=")
                regions[region] = [int(n), storage, flag, None]
            kinds = {
                "--managed-image": "managed_image",
                "--virtual-machine": "vm",
                "--os-snapshot": "snapshot",
                "--os-vhd-uri": "vhd",
            }
            kind = next(k for f, k in kinds.items() if f in o)
            out["versions"][ref] = (kind, regions)
            for region in regions:
                r, reason = why.pop(0)
                assert r == region
                out["reasons"][(*ref, region)] = REASON.fullmatch(reason)[2]
        elif name == "sig image-version update":
            ref = (one["--gallery-name"], one["--gallery-image-definition"])
            kind, regions = out["versions"][(*ref, one["--gallery-image-version"])]
            order = list(regions)
            for s in o.get("--set", []):
                m = re.fullmatch(
                    r"publishingProfile\.targetRegions\[(\d+)\]\.excludeFromLatest=(\w+)", s
                )
                if m:
                    regions[order[int(m[1])]][3] = m[2] == "true"
                    continue
                m = re.fullmatch(r"publishingProfile\.excludeFromLatest=(\w+)", s)
                for r in regions.values():
                    r[2] = m[1] == "true"
        elif name == "role assignment create":
            path = one["--scope"].split("/providers/Microsoft.Compute/galleries/", 1)[1].split("/")
            principal = re.fullmatch(r"\$(\w+)", one["--assignee-object-id"])[1].lower()
            out["access"].append((one["--role"], tuple(path[0::2]), principal))
        elif name == "sig share add":
            gallery = one["--gallery-name"]
            region, mode, ids = out["galleries"][gallery]
            value = one.get("--subscription-ids") or one["--tenant-ids"]
            out["galleries"][gallery] = (region, mode, sorted([*ids, var(value)]))
        else:
            raise AssertionError(f"an az command the reader does not know: {name}")
    for ref, (kind, regions) in out["versions"].items():
        out["versions"][ref] = (
            kind,
            {  # a region's own flag wins over the version's [ACG]
                r: (n, s.lower(), flag if own is None else own)
                for r, (n, s, flag, own) in regions.items()
            },
        )
    out["access"].sort()
    return out


READERS = {"arm": arm, "bicep": bicep, "terraform": terraform, "azcli": azcli}
