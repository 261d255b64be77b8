"""The four exports read back as each tool reads them, written for the held-out checks without
acgsim's own readers: ARM JSON as Azure applies it, Bicep by its syntax (a small reader of its
objects and arrays), Terraform with python-hcl2 and azurerm's defaults, the az script split with
shlex and az's option rules. Each gives {galleries, images, versions} in heldout_meaning's shape
(every target region's [replicas, storage, effective exclude-from-latest]).

Azure's rules applied to ARM and Bicep [SPEC][ACG]: a region without regionalReplicaCount gets
the version's replicaCount (else 1), without storageAccountType the version's (else
Standard_LRS), without excludeFromLatest the version's flag. azurerm: `storage_account_type`
defaults to Standard_LRS and `exclude_from_latest_enabled` to false, which azurerm sends, so the
region's flag is always its own. az: `--target-regions region[=count][=storage]`, the others from
`--replica-count` and `--storage-account-type`, regions' flags set afterwards with
`az sig image-version update --set publishingProfile.targetRegions[i].excludeFromLatest=...`.
"""

from __future__ import annotations

import json
import re
import shlex

import hcl2

from .heldout_meaning import region_name

GALLERY = "microsoft.compute/galleries"
IMAGE = "microsoft.compute/galleries/images"
VERSION = "microsoft.compute/galleries/images/versions"


def _empty() -> dict:
    return {"galleries": {}, "images": {}, "versions": {}}


def _flag(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise AssertionError(f"not a boolean: {value!r}")


def _arm_version(profile: dict) -> dict:
    replicas = profile.get("replicaCount", 1)
    storage = profile.get("storageAccountType", "Standard_LRS")
    default_exclude = bool(_flag(profile.get("excludeFromLatest")))
    regions = {}
    for t in profile.get("targetRegions", []):
        own = _flag(t.get("excludeFromLatest"))
        regions[region_name(t["name"])] = [
            t.get("regionalReplicaCount", replicas),
            t.get("storageAccountType", storage),
            default_exclude if own is None else own,
        ]
    return {"regions": regions, "replication_mode": profile.get("replicationMode", "Full")}


def _add(out: dict, rtype: str, name: str, location, props: dict) -> None:
    rtype = rtype.lower()
    if rtype == GALLERY:
        sharing = (props.get("sharingProfile") or {}).get("permissions", "Private")
        out["galleries"][name] = {"region": region_name(location), "sharing": sharing.lower()}
    elif rtype == IMAGE:
        out["images"][name] = {"os_type": props.get("osType")}
    elif rtype == VERSION:
        out["versions"][name] = _arm_version(props.get("publishingProfile") or {})


def arm_meaning(text: str) -> dict:
    """An ARM template acgsim exported: names and the properties read are literals."""
    template = json.loads(text)
    out = _empty()
    for r in template["resources"]:
        if not r["type"].lower().startswith(GALLERY):
            continue
        for key in ("name", "location"):
            assert not str(r.get(key, "")).startswith("["), (key, r.get(key))
        _add(out, r["type"], r["name"], r.get("location"), r.get("properties") or {})
    return out


# --- Bicep ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r\n]+)|(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<str>'(?:[^'\\]|\\.)*')"""
    r"""|(?P<num>-?\d+)|(?P<ident>[A-Za-z_][\w]*)|(?P<punct>[{}\[\]():=.,@?!])""",
    re.S,
)
_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m, f"Bicep text not understood at {text[pos : pos + 40]!r}"
        pos = m.end()
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = m.group()
        if kind == "str":
            body = value[1:-1]
            assert "${" not in body, f"interpolation in {value}"
            value = re.sub(r"\\(.)", lambda e: _ESCAPES[e.group(1)], body)
        out.append((kind, value))
    return out


class _Bicep:
    def __init__(self, text: str):
        self.toks = _tokens(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, value=None):
        tok = self.toks[self.i]
        assert value is None or tok[1] == value, (tok, value)
        self.i += 1
        return tok

    def value(self):
        kind, text = self.peek()
        if text == "{":
            self.take("{")
            obj = {}
            while self.peek()[1] != "}":
                _, key = self.take()
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        if text == "[":
            self.take("[")
            items = []
            while self.peek()[1] != "]":
                items.append(self.value())
            self.take("]")
            return items
        self.take()
        if kind == "str":
            return text
        if kind == "num":
            return int(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        ref = text  # a symbol, a property of one, or a function call: kept as a reference
        while self.peek()[1] in (".", "("):
            if self.take()[1] == ".":
                ref += "." + self.take()[1]
            else:
                depth = 1
                while depth:
                    depth += {"(": 1, ")": -1}.get(self.take()[1], 0)
                ref += "(...)"
        return ("ref", ref)

    def resources(self) -> dict[str, tuple[str, dict]]:
        found = {}
        while self.i < len(self.toks):
            kind, text = self.take()
            if kind == "ident" and text == "resource" and self.peek()[0] == "ident":
                _, symbol = self.take()
                _, type_api = self.take()
                assert self.peek()[1] != "existing", "an existing resource in an export"
                self.take("=")
                found[symbol] = (type_api.split("@")[0], self.value())
        return found


def bicep_meaning(text: str) -> dict:
    resources = _Bicep(text).resources()

    def full_name(symbol: str) -> str:
        _, body = resources[symbol]
        parent = body.get("parent")
        own = body["name"]
        assert isinstance(own, str), own
        return f"{full_name(parent[1])}/{own}" if parent else own

    out = _empty()
    for symbol, (rtype, body) in resources.items():
        if rtype.lower().startswith(GALLERY):
            _add(out, rtype, full_name(symbol), body.get("location"), body.get("properties") or {})
    return out


# --- Terraform ------------------------------------------------------------------------------


def _unquote(node):
    """python-hcl2 (8.x) keeps HCL's quotes on strings and labels: the text as HCL reads it."""
    if isinstance(node, dict):
        return {_unquote(k): _unquote(v) for k, v in node.items() if k != "__is_block__"}
    if isinstance(node, list):
        return [_unquote(v) for v in node]
    if isinstance(node, str) and len(node) >= 2 and node[0] == node[-1] == '"':
        return json.loads(node)
    return node


def terraform_meaning(text: str) -> dict:
    doc = _unquote(hcl2.loads(text))
    blocks: dict[str, dict[str, dict]] = {}
    for entry in doc.get("resource", []):
        for rtype, named in entry.items():
            for label, body in named.items():
                blocks.setdefault(rtype, {})[label] = body

    def ref(value, rtype: str) -> str:
        m = re.fullmatch(r"\$\{" + rtype + r"\.(\w+)\.name\}", value)
        return blocks[rtype][m.group(1)]["name"] if m else value

    out = _empty()
    for body in blocks.get("azurerm_shared_image_gallery", {}).values():
        out["galleries"][body["name"]] = {"region": region_name(body["location"])}
    for body in blocks.get("azurerm_shared_image", {}).values():
        gallery = ref(body["gallery_name"], "azurerm_shared_image_gallery")
        out["images"][f"{gallery}/{body['name']}"] = {"os_type": body["os_type"]}
    for body in blocks.get("azurerm_shared_image_version", {}).values():
        gallery = ref(body["gallery_name"], "azurerm_shared_image_gallery")
        image = ref(body["image_name"], "azurerm_shared_image")
        regions = {}
        for t in body.get("target_region", []):
            regions[region_name(t["name"])] = [
                t["regional_replica_count"],
                t.get("storage_account_type", "Standard_LRS"),
                bool(t.get("exclude_from_latest_enabled", False)),
            ]
        out["versions"][f"{gallery}/{image}/{body['name']}"] = {
            "regions": regions,
            "replication_mode": body.get("replication_mode", "Full"),
        }
    return out


# --- az CLI ---------------------------------------------------------------------------------


def _commands(script: str) -> list[list[str]]:
    """Each `az ...` command line of the script, split as bash splits it (continuations joined)."""
    joined = re.sub(r"\\\n", " ", script)
    out = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped.startswith("az sig"):
            out.append(shlex.split(stripped, comments=True))
    return out


def _options(argv: list[str]) -> dict[str, list[str]]:
    opts: dict[str, list[str]] = {}
    key = None
    for arg in argv:
        if arg.startswith("--"):
            key, eq, value = arg.partition("=")
            opts.setdefault(key, [])
            if eq:
                opts[key].append(value)
                key = None
        elif key is not None:
            opts[key].append(arg)
    return opts


_REGION_FLAG = r"publishingProfile\.targetRegions\[(\d+)\]\.excludeFromLatest=(\w+)"


def azcli_meaning(script: str) -> dict:
    out = _empty()
    flags: dict[str, dict[int, bool]] = {}
    order: dict[str, list[str]] = {}
    for argv in _commands(script):
        words = [w for w in argv[:4] if not w.startswith("-")]
        o = _options(argv)
        gallery = o["--gallery-name"][0]
        if words[:3] == ["az", "sig", "create"]:
            out["galleries"][gallery] = {"region": region_name(o["--location"][0])}
        elif words[2:4] == ["image-definition", "create"]:
            name = f"{gallery}/{o['--gallery-image-definition'][0]}"
            out["images"][name] = {"os_type": o["--os-type"][0]}
        elif words[2:4] == ["image-version", "create"]:
            name = "/".join(
                (gallery, o["--gallery-image-definition"][0], o["--gallery-image-version"][0])
            )
            replicas = int(o.get("--replica-count", ["1"])[0])
            storage = o.get("--storage-account-type", ["Standard_LRS"])[0]
            exclude = _flag(o.get("--exclude-from-latest", ["false"])[0])
            regions, names = {}, []
            for item in o["--target-regions"]:
                parts = item.split("=")
                region = region_name(parts[0])
                count = int(parts[1]) if len(parts) > 1 and parts[1] else replicas
                kind = parts[2] if len(parts) > 2 else storage
                regions[region] = [count, _storage_case(kind), exclude]
                names.append(region)
            order[name] = names
            out["versions"][name] = {
                "regions": regions,
                "replication_mode": o.get("--replication-mode", ["Full"])[0],
            }
        elif words[2:4] == ["image-version", "update"]:
            name = "/".join(
                (gallery, o["--gallery-image-definition"][0], o["--gallery-image-version"][0])
            )
            for item in o.get("--set", []):
                m = re.fullmatch(_REGION_FLAG, item)
                if m:
                    flags.setdefault(name, {})[int(m.group(1))] = _flag(m.group(2))
    for name, by_index in flags.items():
        for i, flag in by_index.items():
            out["versions"][name]["regions"][order[name][i]][2] = flag
    return out


def azcli_latest_windows(script: str) -> list[str]:
    """Versions the script creates visible to `latest` and only later hides in some region: for
    the time between the two commands, VMs asking for latest could get the canary."""
    created: dict[str, bool] = {}
    windows = []
    for argv in _commands(script):
        o = _options(argv)
        if "--gallery-image-version" not in o:
            continue
        name = "/".join(
            (
                o["--gallery-name"][0],
                o["--gallery-image-definition"][0],
                o["--gallery-image-version"][0],
            )
        )
        if "create" in argv[:4]:
            created[name] = bool(_flag(o.get("--exclude-from-latest", ["false"])[0]))
        elif "update" in argv[:4]:
            hides = any(item.endswith("excludeFromLatest=true") for item in o.get("--set", []))
            if hides and not created.get(name, True):
                windows.append(name)
    return windows


def _storage_case(kind: str) -> str:
    return {"standard_lrs": "Standard_LRS", "standard_zrs": "Standard_ZRS"}.get(
        kind.lower(), "Premium_LRS" if kind.lower() == "premium_lrs" else kind
    )
