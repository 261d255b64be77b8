"""A fuzzer for the installed `acgsim` command: every file or argument it reads, mutated the way
careless and hostile users mutate them, must end in success or one clear message naming the file
(or the option) with exit status 2 (or a command's documented other status), never a traceback,
a hang, a MemoryError or a crash by signal, and never a partial file left behind on error; an
export that succeeds must not run anything its text smuggles in.

    python tests/hostile/fuzz.py --minutes 10            # a long run, findings in ./fuzz-findings
    python tests/hostile/fuzz.py --seed 7 --case 123     # one case again, by its seed and number

Each case is derived from (seed, number) alone, so a finding reproduces with its two numbers.
The corpus (bundled scenarios, a plan, a result, an ARM template, az sig and terraform JSON, a
sweep folder, activity logs) is made once per work folder with acgsim itself.

Standard library and PyYAML only: the fuzzer runs against a wheel installed anywhere."""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import math
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

LIMIT_AS = 1536 << 20  # the memory a release is held to
DEFAULT_RC = frozenset({0, 2})
RCS = {  # documented exit statuses (README "Exit status")
    "plan": frozenset({0, 1, 2, 3, 4}),
    "export": frozenset({0, 2, 4}),
    "sweep": frozenset({0, 1, 2}),
}
WALL = {"validate": 30, "export": 30, "import": 30, "assumptions": 30, "calibrate": 60}
MARK = "PWNED"  # a file an injected command would create
FMT = ("arm", "bicep", "terraform", "azcli")
EXPORT_FILES = ("template.json", "template.parameters.json", "main.bicep", "main.bicepparam")
EXPORT_FILES += ("main.tf", "deploy.sh")

# --- hostile values -----------------------------------------------------------------------------

PAYLOADS = [
    f"$(touch {MARK})",
    f"`touch {MARK}`",
    f"'; touch {MARK}; '",
    f'"; touch {MARK}; "',
    f"x\ntouch {MARK}\n",
    f'${{file("/etc/passwd")}}{MARK}',
    f"%{{ if true }}{MARK}%{{ endif }}",
    f"[concat('{MARK}')]",
    f"[[{MARK}]",
    f"\\'{MARK}\\${{x}}",
    f"@{MARK}",
    f"-{MARK}",
    f"--{MARK}=1",
    f"a\\\n{MARK}",
    f"{MARK}\r\n$(id)",
]
STRINGS = [
    "",
    " ",
    "\t",
    "x" * 300,
    "x" * 70000,
    "é",
    "名前",
    "🙂🙂",
    "\u202eevil",
    "a\u200bb",
    "e\u0301",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "\x07bell",
    "a\nb",
    "a\r\nb",
    "\ud800",
    "../../etc/passwd",
    "/dev/zero",
    "C:\\Windows",
    "--help",
    "-1",
    "1h",
    "-1h",
    "0s",
    "1e9h",
    "99999999999999999999999d",
    "P1D",
    "nan",
    "inf",
    "yes",
    "null",
    "~",
    "2026-13-45T99:00:00Z",
    "1,000",
    "0x10",
    "1_000",
    "westeurope ",
    "WestEurope",
    "West Europe",
    "Standard_lrs",
    "PremiumV2_LRS",
    "latest",
    "*",
    "%s%s%n",
    "{0}{1}",
    "<script>alert(1)</script>",
    "$x",
    "&amp;",
    "a" * 81,
]
NUMBERS = [
    0,
    -1,
    1,
    2,
    100,
    101,
    1000,
    10**6,
    10**9,
    2**31,
    2**63,
    -(2**63),
    10**400,
    0.5,
    -0.0,
    1e-308,
    5e-324,
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
    True,
    False,
]
CONTAINERS = [None, [], {}, [None], {"": None}, [[[]]], {"a": {"b": {"c": {}}}}, [1, "a", None]]


def hostile_value(rng: random.Random):
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(STRINGS)
    if roll < 0.6:
        return rng.choice(NUMBERS)
    if roll < 0.75:
        return rng.choice(PAYLOADS)
    if roll < 0.9:
        return copy.deepcopy(rng.choice(CONTAINERS))
    nest: object = rng.choice([1, "x", None])
    for _ in range(rng.choice([50, 99, 101, 200, 1000])):
        nest = [nest] if rng.random() < 0.5 else {"k": nest}
    return nest


# --- tree mutations -----------------------------------------------------------------------------


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _get(node, path):
    for key in path:
        node = node[key]
    return node


def _swap_type(value, rng: random.Random):
    """The value as a careless user retypes it: 12 -> "12", "1h" -> 1, x -> [x], x -> {x: x}."""
    if isinstance(value, bool):
        return rng.choice([str(value).lower(), int(value), None])
    if isinstance(value, (int, float)):
        return rng.choice([str(value), [value], {"value": value}, bool(value), None, -value])
    if isinstance(value, str):
        try:
            return rng.choice([int(value), float(value)])
        except ValueError:
            return rng.choice([[value], {value: value}, 1, None, True, value.upper(), value * 2])
    if isinstance(value, list):
        return rng.choice([value[0] if value else None, {"items": value}, len(value), ""])
    if isinstance(value, dict):
        return rng.choice([list(value.values()), list(value), str(value), None])
    return rng.choice(["", 0, [], {}])


def mutate_tree(data, rng: random.Random) -> tuple[object, str]:
    data = copy.deepcopy(data)
    paths = list(_paths(data))
    path = rng.choice(paths)
    op = rng.choice(
        ["value", "value", "swap", "swap", "delete", "delete", "unknown", "dup", "grow", "payload"]
    )
    where = "/".join(map(str, path)) or "<root>"
    if not path:
        if op in ("value", "swap"):
            return (hostile_value(rng) if op == "value" else _swap_type(data, rng)), f"root {op}"
        op = "unknown"
    parent = _get(data, path[:-1]) if path else None
    key = path[-1] if path else None
    if op == "value":
        parent[key] = hostile_value(rng)
    elif op == "swap":
        parent[key] = _swap_type(parent[key], rng)
    elif op == "delete":
        del parent[key]
    elif op == "unknown":
        target = _get(data, path)
        if isinstance(target, dict):
            name = rng.choice(["replica_count", "Replicas", "extra", "", "__class__", "$ref"])
            target[name] = hostile_value(rng)
        elif isinstance(target, list):
            target.append(hostile_value(rng))
        else:
            parent[key] = {"value": target, "unit": "s"}
    elif op == "dup":
        target = _get(data, path)
        if isinstance(target, list) and target:
            target.append(copy.deepcopy(rng.choice(target)))
        else:
            parent[key] = [target, copy.deepcopy(target)]
    elif op == "grow":
        target = _get(data, path)
        if isinstance(target, list) and target:
            n = rng.choice([200, 5000, 100000])
            target.extend(copy.deepcopy(target[0]) for _ in range(n))
        elif isinstance(target, (int, float)) and not isinstance(target, bool):
            parent[key] = rng.choice([target * 10**6, 10**12, 10**30])
        elif isinstance(target, str):
            parent[key] = target * rng.choice([100, 10000])
    elif op == "payload":
        text = _get(data, path)
        if isinstance(text, dict):
            text["description"] = rng.choice(PAYLOADS)
        else:
            parent[key] = rng.choice(PAYLOADS)
    return data, f"{op} at {where}"


def add_free_text(data, rng: random.Random) -> tuple[object, str]:
    """A payload in a scenario's free text (descriptions, tags), which exports carry over."""
    data = copy.deepcopy(data)
    payload = rng.choice(PAYLOADS)
    try:
        gallery = rng.choice(data["galleries"])
        target = rng.choice([gallery, *gallery.get("images", [])])
        target["description"] = payload
    except (KeyError, TypeError, IndexError):
        return data, "payload: nowhere"
    return data, f"payload description {payload!r}"


EDGES = [0, "0s", 1e-9, "1ms", 0.5, 1, -1, 10**12, "1000000d", "999999999999h", 1e308, None, True]
EDGES += ["1e-300s", math.inf, "fixed", "lognormal", "none", 10**400]


def set_model(data, rng: random.Random, names: list[str]) -> tuple[object, str]:
    """A model assumption at an edge: zero, a nanosecond, a million days, the wrong kind."""
    data = copy.deepcopy(data)
    if not isinstance(data, dict) or not names:
        return data, "model: nowhere"
    name, value = rng.choice(names), rng.choice(EDGES)
    node = data.setdefault("model", {})
    if not isinstance(node, dict):
        return data, "model: not a mapping"
    *parents, last = name.split(".")
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return data, "model: not a mapping"
    node[last] = value
    return data, f"model.{name} = {value!r}"


def add_fault(data, rng: random.Random) -> tuple[object, str]:
    """A fault as a user adds one: any kind, anywhere, at any time, for any length."""
    data = copy.deepcopy(data)
    if not isinstance(data, dict):
        return data, "fault: nowhere"
    regions = ["westeurope", "northeurope", "eastus", "westus", "mars"]
    when = [0, "0s", "30m", "1h", "-1h", "1000000d", 1e308, "nan"]
    kind = rng.choice(["zone_outage", "region_outage", "replication_failure", "meteor"])
    fault = {"kind": kind, "region": rng.choice(regions), "at": rng.choice(when)}
    fault["duration"] = rng.choice(when + ["999999999999h"])
    if kind == "zone_outage":
        fault["zone"] = rng.choice([1, 2, 3, 0, 4, "1"])
    if kind == "replication_failure" and rng.random() < 0.5:
        del fault["at"], fault["duration"]
        fault["probability"] = rng.choice([0, 1, 0.5, 1.5, -0.1, 1e-300])
    faults = data.get("faults")
    data["faults"] = ([*faults] if isinstance(faults, list) else []) + [fault]
    return data, f"fault {fault}"


def dump(data, rng: random.Random, as_json: bool) -> bytes:
    if as_json:
        return json.dumps(
            data, indent=rng.choice([None, 2]), ensure_ascii=rng.random() < 0.5, default=str
        ).encode("utf-8", "surrogatepass")
    try:
        return yaml.safe_dump(
            data, allow_unicode=rng.random() < 0.5, sort_keys=False, width=rng.choice([80, 10**6])
        ).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, RecursionError, ValueError):
        return json.dumps(data, default=str).encode("utf-8", "surrogatepass")


# --- byte mutations -----------------------------------------------------------------------------


def _laughs(levels: int) -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def mutate_bytes(raw: bytes, rng: random.Random, is_json: bool) -> tuple[bytes, str]:
    op = rng.choice(
        [
            "truncate",
            "bom",
            "crlf",
            "flip",
            "garbage",
            "empty",
            "blank",
            "dupkey",
            "laughs",
            "tag",
            "alias",
            "deep",
            "nul",
            "latin1",
            "utf16",
            "multidoc",
            "tabs",
            "longline",
            "comment",
            "nan",
        ]
    )
    text = raw
    if op == "truncate":
        text = raw[: rng.randrange(len(raw) or 1)]
    elif op == "bom":
        text = b"\xef\xbb\xbf" + raw
    elif op == "crlf":
        text = raw.replace(b"\n", b"\r\n") if rng.random() < 0.7 else raw.replace(b"\n", b"\r")
    elif op == "flip":
        buf = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            if buf:
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        text = bytes(buf)
    elif op == "garbage":
        text = rng.randbytes(rng.choice([1, 64, 4096, 200000]))
    elif op == "empty":
        text = b""
    elif op == "blank":
        text = rng.choice([b"\n\n", b"   ", b"# nothing\n", b"---\n", b"null", b"[]", b"{}", b"0"])
    elif op == "dupkey":
        lines = raw.splitlines(keepends=True)
        tops = [ln for ln in lines if ln[:1].isalpha() and b":" in ln]
        if is_json:
            text = raw.replace(b"{", b'{"name": "a", "name": "b", ', 1)
        elif tops:
            text = raw + b"\n" + rng.choice(tops)
    elif op == "laughs":
        text = _laughs(rng.choice([5, 9, 12])) + raw
    elif op == "tag":
        tag = rng.choice(
            [
                b"!!python/object/apply:os.system ['touch PWNED']",
                b"!!python/name:os.system",
                b"!!binary aGVsbG8=",
                b"!custom 1",
                b"!!set {a, b}",
                b"!!timestamp 2026-01-01",
                b"!!float 1e999",
            ]
        )
        text = raw + b"\nzz_tag: " + tag + b"\n"
        if rng.random() < 0.5:
            text = raw.replace(b": ", b": " + tag + b" #", 1)
    elif op == "alias":
        text = rng.choice([b"a: &a [*a]\n", b"a: &a {b: *a}\n", b"<<: *nowhere\n", b"*x\n"]) + raw
    elif op == "deep":
        n = rng.choice([99, 101, 1000, 100000])
        text = (
            (b"[" * n + b"]" * n) if rng.random() < 0.5 else b"a: " + b"{b: " * n + b"1" + b"}" * n
        )
    elif op == "nul":
        i = rng.randrange(len(raw) or 1)
        text = raw[:i] + b"\x00" + raw[i:]
    elif op == "latin1":
        text = raw + "\nname_é: ü".encode("latin-1")
    elif op == "utf16":
        text = raw.decode("utf-8", "replace").encode("utf-16")
    elif op == "multidoc":
        text = raw + b"\n---\n" + raw
    elif op == "tabs":
        text = raw.replace(b"  ", b"\t", 3)
    elif op == "longline":
        text = raw + b"\nzz: " + b"x" * rng.choice([10**5, 2 * 10**6]) + b"\n"
    elif op == "comment":
        text = b"# " + b"c" * 1000 + b"\n" + raw + b"\n# " + "é\u202e".encode() + b"\n"
    elif op == "nan":
        text = raw.replace(b"1", b"NaN", 1) if is_json else raw.replace(b": 1", b": .nan", 1)
    return text, f"bytes {op}"


# --- the corpus ---------------------------------------------------------------------------------


def acgsim_command() -> list[str]:
    """The installed command (ACGSIM_FUZZ_COMMAND, split on spaces, if set: another build)."""
    if os.environ.get("ACGSIM_FUZZ_COMMAND"):
        return os.environ["ACGSIM_FUZZ_COMMAND"].split()
    exe = Path(sys.executable).with_name("acgsim")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("acgsim")
    return [found] if found else [sys.executable, "-m", "acgsim"]


SUBSCRIPTION = "8f2d6c1e-1b7a-4a52-9a55-3c1f0d7e9b21"
VERSION_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-images/providers/Microsoft.Compute/"
    "galleries/contosoImages/images/ubuntu-web/versions/1.0.0"
)
AZ_SIG = [
    {
        "id": VERSION_ID,
        "location": "westeurope",
        "name": "1.0.0",
        "publishingProfile": {
            "excludeFromLatest": False,
            "replicaCount": 2,
            "storageAccountType": "Standard_ZRS",
            "targetRegions": [
                {
                    "name": "West Europe",
                    "regionalReplicaCount": 2,
                    "storageAccountType": "Standard_ZRS",
                },
                {"name": "North Europe", "regionalReplicaCount": 1},
            ],
        },
        "storageProfile": {"osDiskImage": {"sizeInGb": 12}},
        "type": "Microsoft.Compute/galleries/images/versions",
    }
]
TERRAFORM = {
    "format_version": "1.0",
    "terraform_version": "1.9.5",
    "values": {
        "root_module": {
            "resources": [
                {
                    "address": "azurerm_shared_image_gallery.g",
                    "mode": "managed",
                    "type": "azurerm_shared_image_gallery",
                    "name": "g",
                    "values": {
                        "name": "contosoImages",
                        "resource_group_name": "rg-images",
                        "location": "westeurope",
                        "description": "images",
                    },
                },
                {
                    "address": "azurerm_shared_image.web",
                    "mode": "managed",
                    "type": "azurerm_shared_image",
                    "name": "web",
                    "values": {
                        "name": "ubuntu-web",
                        "gallery_name": "contosoImages",
                        "resource_group_name": "rg-images",
                        "location": "westeurope",
                        "os_type": "Linux",
                        "hyper_v_generation": "V2",
                        "identifier": [{"publisher": "contoso", "offer": "web", "sku": "u24"}],
                    },
                },
                {
                    "address": "azurerm_shared_image_version.v",
                    "mode": "managed",
                    "type": "azurerm_shared_image_version",
                    "name": "v",
                    "values": {
                        "name": "1.0.0",
                        "gallery_name": "contosoImages",
                        "image_name": "ubuntu-web",
                        "resource_group_name": "rg-images",
                        "location": "westeurope",
                        "managed_image_id": "/subscriptions/x/resourceGroups/rg/providers/"
                        "Microsoft.Compute/images/web",
                        "target_region": [
                            {
                                "name": "westeurope",
                                "regional_replica_count": 2,
                                "storage_account_type": "Standard_LRS",
                            }
                        ],
                    },
                },
            ]
        }
    },
}
_VM = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines"
TRACE = [  # what `acgsim serve` logs: requests, a 429 with Retry-After, a polled operation
    {"seq": 1, "method": "PUT", "path": f"{_VM}/vm1", "status": 201, "t": 0.5,
     "api_version": "2024-07-01", "client": "azsdk-python-mgmt-compute/33.0.0",
     "op": "op-1", "op_kind": "vm", "op_status": "InProgress", "op_started": 0.5},
    {"seq": 2, "method": "PUT", "path": f"{_VM}/vm2", "status": 429, "t": 1.0,
     "code": "TooManyRequests", "retry_after": "6", "client": "azure-cli/2.60.0"},
    {"seq": 3, "method": "GET", "path": f"{_VM}/vm1", "status": 200, "t": 61.0,
     "op": "op-1", "op_kind": "vm", "op_status": "Succeeded", "op_started": 0.5, "op_end": 60.0},
    {"stopped": 1},
]  # fmt: skip
PRICES = {
    "as_of": "2026-06-30",
    "source": "my price sheet",
    "currency": "EUR",
    "storage_per_gb_month": {"Standard_LRS": 0.05, "Standard_ZRS": 0.06, "Premium_LRS": 0.13},
    "egress_per_gb": 0.02,
}


def _run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(
        acgsim_command() + args, cwd=cwd, check=True, capture_output=True, timeout=300, text=True
    )
    return done.stdout


def build_corpus(root: Path, sweep: bool = True) -> dict[str, list[Path]]:
    """Seed files by kind, made once under root/corpus (without a sweep folder: seconds less)."""
    corpus = root / "corpus"
    done = corpus / ".done"
    if not done.exists():
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        import acgsim

        package = Path(acgsim.__file__).parent
        for source in sorted((package / "scenarios").glob("*.yaml")):
            shutil.copy(source, corpus / source.name)
        docs = package / "docs" / "calibration"
        if not docs.is_dir():
            docs = Path(__file__).resolve().parents[2] / "docs" / "calibration"
        for source in sorted(docs.glob("*")):
            shutil.copy(source, corpus / f"obs-{source.name}")
        _run(["plan", "quickstart", "-k", "2", "--workers", "1", "--out", "plan"], corpus)
        _run(["run", "quickstart", "--out", "result"], corpus)
        _run(["export", "quickstart", "-f", "arm", "-o", "arm.json"], corpus)
        if sweep:
            _run(
                ["sweep", "quickstart", "--vary", "model.replica_concurrency=5,10", "-k", "1"]
                + ["--workers", "1", "--out", "sweep"],
                corpus,
            )
        (corpus / "azsig.json").write_text(json.dumps(AZ_SIG, indent=2))
        (corpus / "assumptions.json").write_text(_run(["assumptions", "--json"], corpus))
        (corpus / "terraform.json").write_text(json.dumps(TERRAFORM, indent=2))
        (corpus / "prices.yaml").write_text(yaml.safe_dump(PRICES))
        done.write_text("")
    kinds = {
        "scenario": sorted(p for p in corpus.glob("*.yaml") if p.name != "prices.yaml"),
        "plan": [corpus / "plan" / "plan.json"],
        "result": [corpus / "result" / "result.json"],
        "arm": [corpus / "arm.json"],
        "armparams": [corpus / "arm.parameters.json"],
        "azsig": [corpus / "azsig.json"],
        "terraform": [corpus / "terraform.json"],
        "prices": [corpus / "prices.yaml"],
        "activity": [corpus / "obs-activity-log.json"],
        "replication": [corpus / "obs-replication.jsonl"],
        "timings": [corpus / "obs-timings.csv"],
        "trace": [corpus / "trace.jsonl"],
        "sweepspec": [corpus / "sweep" / "sweep.json"],
        "sweeprows": [corpus / "sweep" / "rows.jsonl"],
    }
    if not (corpus / "sweep").is_dir():
        del kinds["sweepspec"], kinds["sweeprows"]
    (corpus / "trace.jsonl").write_text("".join(json.dumps(r) + "\n" for r in TRACE))
    listed = json.loads((corpus / "assumptions.json").read_text())
    MODEL_NAMES[:] = [item["parameter"] for item in listed]
    missing = [p for paths in kinds.values() for p in paths if not p.exists()]
    if missing:
        raise SystemExit(f"corpus incomplete: {missing}")
    return kinds


# --- cases --------------------------------------------------------------------------------------


@dataclass
class Case:
    number: int
    command: str
    argv: list[str]
    subject: str  # what a refusal must name: the file's name or the option
    how: str
    also: tuple[str, ...] = ()  # other names a refusal may give instead (the PATH of --set)
    outputs: list[str] = field(default_factory=list)  # files or folders that must not be left
    export: str | None = None  # a format whose output is checked for injection on success
    as_nobody: bool = False
    wall: float = 120.0


LIMITS = ["--max-requests", "300000"]
MODEL_NAMES: list[str] = []  # `acgsim assumptions --json`'s parameters, read with the corpus
NAMES = ["in", "my scenario", "émoji🙂", "a'b", "a$b", "semi;colon", "(paren)", "UPPER"]


def _file_name(rng: random.Random, suffix: str) -> str:
    return (rng.choice(NAMES) if rng.random() < 0.25 else "in") + suffix


def _scenario_commands(f: str, rng: random.Random) -> tuple[str, list[str], list[str], str | None]:
    fmt = rng.choice(FMT)
    options = [
        ("validate", [f], [], None),
        ("validate", ["--json", f], [], None),
        ("run", [f, *LIMITS, "--out", "out"], ["out"], None),
        ("run", [f, *LIMITS, "-k", "2", "--json"], [], None),
        (
            "plan",
            [f, *LIMITS, "-k", "2", "--workers", "1", "--out", "out", "--export", fmt],
            ["out"],
            fmt,
        ),
        ("export", [f, "-f", fmt, "-o", "out/x"], ["out/x"], fmt),
        ("export", [f, "-f", fmt], [], fmt),
        ("report", [f, *LIMITS, "--out", "out"], ["out"], None),
        ("compare", [f, "quickstart", *LIMITS, "-k", "2"], [], None),
        ("compare", [f, *LIMITS, "-k", "2", "--set", "replicas=3"], [], None),
        ("explain", [f, *LIMITS], [], None),
        (
            "sweep",
            [f, *LIMITS, "--vary", "seed=1,2", "-k", "1", "--workers", "1", "--out", "out"],
            ["out"],
            None,
        ),
        ("assumptions", [f], [], None),
        (
            "calibrate",
            ["CORPUS/obs-activity-log.json", "-s", f, "-o", "out.yaml"],
            ["out.yaml"],
            None,
        ),
    ]
    return rng.choice(options)


def _other_commands(kind: str, f: str, rng: random.Random):
    fmt = rng.choice(FMT)
    table = {
        "plan": [
            ("export", [f, "-f", fmt, "-o", "out/x"], ["out/x"], fmt),
            ("report", [f, "--out", "out"], ["out"], None),
            ("plan", ["quickstart", "-k", "2", "--workers", "1", "--against", f], [], None),
        ],
        "result": [("report", [f, "--out", "out"], ["out"], None)],
        "arm": [
            ("import", [f, "-o", "out.yaml"], ["out.yaml"], None),
            ("import", [f, "--location", "westeurope"], [], None),
            ("plan", ["quickstart", "-k", "2", "--workers", "1", "--against", f], [], None),
        ],
        "armparams": [
            ("import", ["CORPUS/arm.json", "--parameters", f, "-o", "out.yaml"], ["out.yaml"], None)
        ],
        "azsig": [
            ("import", [f, "-o", "out.yaml"], ["out.yaml"], None),
            ("plan", ["quickstart", "-k", "2", "--workers", "1", "--against", f], [], None),
        ],
        "terraform": [("import", [f, "-o", "out.yaml"], ["out.yaml"], None)],
        "prices": [("plan", ["quickstart", "-k", "2", "--workers", "1", "--prices", f], [], None)],
        "activity": [("calibrate", [f, "-s", "quickstart", "-o", "out.yaml"], ["out.yaml"], None)],
        "replication": [
            ("calibrate", [f, "-s", "quickstart", "-o", "out.yaml"], ["out.yaml"], None)
        ],
        "timings": [("calibrate", [f, "-s", "quickstart", "-o", "out.yaml"], ["out.yaml"], None)],
        "trace": [("report", [f, "--out", "out"], ["out"], None)],
    }
    return rng.choice(table[kind])


def _mutated(path: Path, rng: random.Random, kind: str) -> tuple[bytes, str]:
    raw = path.read_bytes()
    is_json = path.suffix in (".json", ".jsonl")
    if path.suffix in (".csv", ".jsonl") or rng.random() < 0.3:
        if path.suffix == ".jsonl" and rng.random() < 0.6:
            lines = raw.splitlines()
            i = rng.randrange(len(lines))
            try:
                line, how = mutate_tree(json.loads(lines[i]), rng)
                lines[i] = json.dumps(line).encode()
            except (ValueError, RecursionError):
                how = "jsonl line"
            return b"\n".join(lines) + b"\n", f"line {i + 1}: {how}"
        if path.suffix == ".csv" and rng.random() < 0.6:
            lines = raw.decode().splitlines()
            i = rng.randrange(len(lines))
            cells = lines[i].split(",")
            j = rng.randrange(len(cells))
            cells[j] = str(rng.choice(STRINGS + NUMBERS + PAYLOADS))
            lines[i] = ",".join(cells)
            return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"), f"csv {i},{j}"
        return mutate_bytes(raw, rng, is_json)
    data = json.loads(raw) if is_json else yaml.safe_load(raw)
    how = []
    try:
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            roll = rng.random() if kind == "scenario" else 1.0
            if roll < 0.12:
                data, step = add_free_text(data, rng)
            elif roll < 0.27:
                data, step = set_model(data, rng, MODEL_NAMES)
            elif roll < 0.37:
                data, step = add_fault(data, rng)
            else:
                data, step = mutate_tree(data, rng)
            how.append(step)
        as_json = is_json if rng.random() < 0.85 else not is_json
        return dump(data, rng, as_json), "; ".join(how)
    except (RecursionError, TypeError, AttributeError):  # too deep, or nothing to change
        return mutate_bytes(raw, rng, is_json)


WEIGHTS = {"scenario": 40, "plan": 10, "result": 5, "arm": 8, "armparams": 3, "azsig": 5}
WEIGHTS |= {"terraform": 4, "prices": 3, "activity": 4, "replication": 3, "timings": 3}
WEIGHTS |= {"trace": 3}
ARG_FUZZ = [
    ("--set", ["run", "quickstart", *LIMITS]),
    ("--set", ["compare", "quickstart", "-k", "2", *LIMITS]),
    ("--set", ["plan", "quickstart", "-k", "2", "--workers", "1", *LIMITS]),
    ("--fault", ["run", "quickstart", *LIMITS]),
    ("--fault", ["explain", "quickstart", *LIMITS]),
    ("--objective", ["plan", "quickstart", "-k", "2", "--workers", "1", *LIMITS]),
    ("--vary", ["sweep", "quickstart", "-k", "1", "--workers", "1", "--out", "out", *LIMITS]),
    ("--seed", ["run", "quickstart", *LIMITS]),
    ("--vm", ["explain", "quickstart"]),
    ("--location", ["import", "CORPUS/arm.json"]),
    ("--set", ["import", "CORPUS/arm.json"]),
    ("--subscription-id", ["calibrate", "CORPUS/obs-activity-log.json", "-s", "quickstart"]),
    ("--region", ["recommend", "--vms", "120"]),
    ("--vms", ["recommend"]),
    ("--max-memory", ["run", "quickstart"]),
    ("MODEL", ["run", "quickstart", *LIMITS]),
    ("MODEL", ["run", "zone-outage-lrs", *LIMITS]),
    ("MODEL", ["run", "update-failed-region", *LIMITS]),
    ("MODEL", ["run", "put-vm-burst", *LIMITS]),
    ("--region", ["init", "new.yaml"]),
    ("--vms", ["init", "new.yaml"]),
    ("--scale-sets", ["init", "new.yaml"]),
    ("NAME", ["scenarios", "show"]),
    ("NAME", ["run"]),
    ("NAME", ["export", "-f", "arm"]),
    ("--format", ["run", "quickstart"]),
    ("--engine", ["run", "quickstart"]),
    ("--objective", ["plan", "quickstart", "-k", "2", "--workers", "1", "--out", "out"]),
    (
        "--plot",
        ["sweep", "quickstart", "--vary", "seed=1", "-k", "1", "--workers", "1", "--out", "out"],
    ),
]
ARG_PATHS = [
    "storage",
    "replicas",
    "seed",
    "horizon",
    "model.replica_concurrency",
    "model.disk.cv",
    "model.boot.mean",
    "model.replication.wan_mb_per_s",
    "model.sample_interval",
    "galleries[0].images[0].versions[0].replicas",
    "galleries[0].images[ubuntu-web].versions[1.0.0].regions[northeurope].replicas",
    "workload.vms[west-wave].count",
    "workload.vms[0].at",
    "workload.vms[9].count",
    "faults[0].at",
    "galleries[-1].name",
    "galleries[99999999999999999999].name",
    "a.b.c",
    "",
    "[",
    "]]",
    "galleries[0]",
    "model",
    "__class__",
    "workload.vms[].count",
]


def _arg_value(option: str, rng: random.Random) -> str:
    value = str(rng.choice(STRINGS + NUMBERS + PAYLOADS))
    if option in ("--set", "--objective"):
        path = rng.choice(ARG_PATHS + ["p95", "failure_rate", "budget", "westeurope.p95"])
        return rng.choice([f"{path}={value}", path, f"={value}", f"{path}=={value}", f"{path}="])
    if option == "--vary":
        path = rng.choice(ARG_PATHS)
        values = rng.choice(
            [value, f"{value},{value}", "1..100000", "5..1", "1..", "..", ",", "1,,2", "-5..5"]
        )
        return f"{path}={values}"
    if option == "--fault":
        region = rng.choice(["westeurope", "northeurope", "mars", value])
        return rng.choice(
            [
                f"zone:{region}:1@0s+1h",
                f"zone:westeurope:{value}@0s+1h",
                f"region:{region}@{value}+1h",
                f"replication:westeurope@0s+{value}",
                "zone:westeurope:1@1h",
                f"{value}",
                "zone:::@+",
                "region:westeurope@-1h+1h",
                "region:westeurope@0s+999999999999h",
            ]
        )
    return value


def make_case(seed: int, number: int, kinds: dict[str, list[Path]], work: Path) -> Case:
    """The case (seed, number): its files written into work, its command line."""
    rng = random.Random(seed * 1_000_003 + number)
    roll = rng.random()
    corpus = kinds["scenario"][0].parent
    out_outputs: list[str] = []
    export = None
    as_nobody = False
    also: tuple[str, ...] = ()
    if roll < 0.12:  # an argument, not a file
        option, base = rng.choice(ARG_FUZZ)
        value = _arg_value(option, rng)
        if option == "MODEL":  # an assumption at an edge, by --set
            option = "--set"
            value = f"model.{rng.choice(MODEL_NAMES)}={rng.choice(EDGES)}"
        argv = [*base, value] if option == "NAME" else [*base, option, value]
        command, subject, how = base[0], option, f"{option} {value!r}"
        if option == "NAME":  # a bundled name or a file: the message names what was given
            shown = os.fsdecode(value.encode("utf-8", "surrogatepass"))  # as the OS hands it on
            shown = shown.encode("unicode_escape").decode()  # as a message prints it
            also = (repr(value)[1:-1], shown, "''", "SCENARIO", "NAME", "SOURCE")
            subject = value
        if option in ("--set", "--vary", "--objective") and "=" in value:
            also = (value.split("=", 1)[0],)  # the parameter or field, as the message names it
        if command == "explain":  # a what-if may leave no request to tell: --vm says so
            also = (*also, "--vm")
        if "out" in argv:
            out_outputs = ["out"]
        elif command == "init":
            out_outputs = ["new.yaml"]
    elif roll < 0.2:  # a file that is not a plain readable file
        kind = rng.choice(["scenario", "plan", "arm", "activity", "result"])
        special = rng.choice(["dir", "missing", "devzero", "devnull", "loop", "unreadable", "fifo"])
        name = "in" + (".json" if kind != "scenario" else ".yaml")
        target = work / name
        if special == "dir":
            target.mkdir()
        elif special == "devzero":
            name = "/dev/zero"
        elif special == "devnull":
            name = "/dev/null"
        elif special == "loop":
            target.symlink_to(name)
        elif special == "unreadable":
            target.write_bytes(kinds[kind][0].read_bytes())
            target.chmod(0)
            as_nobody = True
        elif special == "fifo":
            name = "/dev/stdin"  # a pipe that gives its bytes and ends (stdin is the corpus file)
        f = name
        if kind == "scenario":
            command, rest, out_outputs, export = _scenario_commands(f, rng)
        else:
            command, rest, out_outputs, export = _other_commands(kind, f, rng)
        argv = [command, *rest]
        subject = os.path.basename(name) if special not in ("devzero", "devnull", "fifo") else name
        how = f"{kind} as {special}"
    elif roll < 0.28 and "sweepspec" in kinds:  # a sweep folder edited by hand, then --resume
        shutil.copytree(corpus / "sweep", work / "out")
        kind = rng.choice(["sweepspec", "sweeprows"])
        src = kinds[kind][0]
        data, how = _mutated(src, rng, kind)
        (work / "out" / src.name).write_bytes(data)
        argv = [
            "sweep",
            "quickstart",
            "--vary",
            "model.replica_concurrency=5,10",
            "-k",
            "1",
            "--workers",
            "1",
            "--out",
            "out",
            "--resume",
        ]
        command, subject = "sweep", src.name
    else:
        kind = rng.choices(list(kinds), weights=[WEIGHTS.get(k, 0) for k in kinds])[0]
        src = rng.choice(kinds[kind])
        data, how = _mutated(src, rng, kind)
        suffix = src.suffix if rng.random() < 0.9 else rng.choice([".yaml", ".json", ".txt", ""])
        name = _file_name(rng, suffix)
        (work / name).write_bytes(data)
        if kind == "scenario":
            command, rest, out_outputs, export = _scenario_commands(name, rng)
        else:
            command, rest, out_outputs, export = _other_commands(kind, name, rng)
        argv = [command, *rest]
        subject = name
        how = f"{src.name}: {how}"
    argv = [str(corpus / a[7:]) if a.startswith("CORPUS/") else a for a in argv]
    if argv[0] in ("export", "import") and "-o" not in argv and rng.random() < 0.05:
        argv += ["-o", "/dev/full"]
        out_outputs = []
        also = (*also, "/dev/full")
    return Case(
        number,
        argv[0],
        argv,
        subject,
        how,
        also=also,
        outputs=out_outputs,
        export=export,
        as_nobody=as_nobody,
        wall=WALL.get(argv[0], 120.0),
    )


# --- running and judging ------------------------------------------------------------------------


@dataclass
class Outcome:
    rc: int | None
    stdout: str
    stderr: str
    wall: float
    rss_mb: int


# root reads any file: an unreadable file needs root without its file-access capabilities
NO_DAC = ["setpriv", "--inh-caps=-dac_override,-dac_read_search"]
NO_DAC += ["--bounding-set=-dac_override,-dac_read_search"]


def _limits(as_nobody: bool):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))
        os.setsid()

    return apply


def _raw(argv: list[str]) -> list:
    """Arguments as the OS takes them: a lone surrogate becomes the bytes of invalid UTF-8."""
    out = []
    for arg in argv:
        arg = arg.replace("\x00", "")  # no argument can hold NUL
        try:
            out.append(os.fsencode(arg))
        except UnicodeEncodeError:
            out.append(arg.encode("utf-8", "surrogatepass"))
    return out


def execute(case: Case, work: Path, stdin: Path | None = None) -> Outcome:
    env = dict(os.environ, COLUMNS="80", PYTHONIOENCODING="utf-8", HOME=str(work))
    env.pop("ACGSIM_ENGINE", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        with open(stdin or os.devnull, "rb") as given:
            child = subprocess.Popen(
                (NO_DAC if case.as_nobody else []) + acgsim_command() + _raw(case.argv),
                cwd=work,
                stdin=given,
                stdout=out,
                stderr=err,
                env=env,
                preexec_fn=_limits(case.as_nobody),
            )
        rc: int | None = None
        usage = None
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                rc = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() - started > case.wall:
                os.killpg(child.pid, signal.SIGKILL)
                os.wait4(child.pid, 0)
                break
            time.sleep(0.01)
        child.returncode = rc if rc is not None else -9
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Outcome(
            rc,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            wall,
            (usage.ru_maxrss // 1024) if usage else 0,
        )


def _fake_az(bin_dir: Path) -> None:
    bin_dir.mkdir(exist_ok=True)
    az = bin_dir / "az"
    az.write_text(
        "#!/bin/sh\n"
        'case "$1 $2" in\n'
        '  "version "*) echo 2.99.0 ;;\n'
        '  "account show") echo 00000000-0000-0000-0000-000000000000 ;;\n'
        '  *) printf \'%s\\n\' "$*" >> "$AZ_LOG" ;;\n'
        "esac\n"
    )
    az.chmod(0o755)


def _injection(script: str, fmt: str, work: Path) -> str | None:
    """What an exported text would run or evaluate of a payload, or None."""
    if fmt == "azcli":
        sandbox = (work / "sandbox").resolve()
        sandbox.mkdir(parents=True, exist_ok=True)
        _fake_az(sandbox / "bin")
        env = {"PATH": f"{sandbox / 'bin'}:/usr/bin:/bin", "AZ_LOG": str(sandbox / "az.log")}
        for line in script.splitlines():
            name = line.split("=", 1)[0]
            if name.isidentifier() and line.startswith(f'{name}="${{{name}:?'):
                env[name] = (
                    "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/images/i"
                )
        (sandbox / "deploy.sh").write_text(script)
        try:
            done = subprocess.run(
                ["bash", "deploy.sh"], cwd=sandbox, env=env, capture_output=True, timeout=30
            )
        except subprocess.TimeoutExpired:
            return "the az script hangs"
        if any(p.name.startswith(MARK) for p in sandbox.rglob("*")) or (work / MARK).exists():
            return "the az script ran an injected command"
        if done.returncode != 0:
            return f"the az script fails with a fake az: {done.stderr.decode()[-300:]!r}"
        return None
    if fmt == "terraform":
        for i in range(len(script)):
            live = i == 0 or script[i - 1] != script[i]
            if script.startswith(("${", "%{"), i) and MARK in script[i : i + 40] and live:
                return "terraform text holds a live template sequence"
    if fmt == "bicep":
        for i in range(len(script)):
            live = i == 0 or script[i - 1] != "\\"
            if script.startswith("${", i) and MARK in script[i : i + 40] and live:
                return "bicep text holds a live interpolation"
    if fmt == "arm":
        try:
            data = json.loads(script)
        except ValueError:
            return "ARM output is not JSON"
        for path in _paths(data):
            value = _get(data, path)
            if (
                isinstance(value, str)
                and MARK in value
                and value.startswith("[")
                and (not value.startswith("[["))
            ):
                return f"ARM string is a live expression at {'/'.join(map(str, path))}"
    return None


AGAIN = "python tests/hostile/fuzz.py"
TRACEBACK = ("Traceback (most recent call last)", "MemoryError", "RecursionError")


def judge(case: Case, outcome: Outcome, work: Path) -> list[str]:
    problems = []
    if outcome.rc is None:
        return [f"hang: no answer in {case.wall:.0f} s"]
    text = outcome.stdout + outcome.stderr
    for sign in TRACEBACK:
        if sign in text:
            problems.append(f"{sign} in the output")
    if outcome.rc < 0:
        problems.append(f"killed by signal {-outcome.rc}")
    allowed = RCS.get(case.command, DEFAULT_RC)
    if outcome.rc >= 0 and outcome.rc not in allowed:
        problems.append(f"exit status {outcome.rc} (documented: {sorted(allowed)})")
    if outcome.rc == 2:
        said = outcome.stderr
        if {"--json", "json"} & set(case.argv):  # the problems are the JSON on stdout
            try:
                said += json.dumps(json.loads(outcome.stdout), ensure_ascii=False)
            except ValueError:
                said += outcome.stdout
        if not said.strip():
            problems.append("exit 2 with nothing said")
        elif not any(n and n in said for n in (case.subject, *case.also, "memory")) and not (
            case.command == "explain" and said.startswith("--vm ")  # no request to tell
        ):
            problems.append(f"the message does not name {case.subject!r}")
    if outcome.rc in (2, 4):  # nothing was done: nothing may be left
        outputs = case.outputs
        if case.command == "plan" and outcome.rc == 4:  # the plan is written, not its export
            outputs = [f"out/{name}" for name in EXPORT_FILES]
        for name in outputs:
            left = work / name
            if left.is_dir():
                files = [p for p in left.rglob("*") if p.is_file()]
                if case.how.startswith("sweep") or "--resume" in case.argv:
                    files = []
                if files:
                    problems.append(
                        f"exit {outcome.rc} left {[str(p.relative_to(work)) for p in files][:5]}"
                    )
            elif left.exists():
                problems.append(f"exit {outcome.rc} left {name}")
    if outcome.rc in (0, 1, 3) and case.command == "plan" and "--export" in case.argv:
        pass
    stray = [p for p in work.rglob("*") if ".tmp" in p.name or p.name.startswith(".acgsim")]
    if stray:
        problems.append(f"temporary files left: {[p.name for p in stray][:5]}")
    if outcome.rc == 0 and case.export:
        produced = _export_text(case, outcome, work)
        if produced is not None:
            found = _injection(produced, case.export, work)
            if found:
                problems.append(found)
    if outcome.rc == 0:  # what was written reads back
        for path in [*work.glob("out/**/*.json"), *work.glob("out.yaml")]:
            try:
                text = path.read_text(encoding="utf-8")
                json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
            except (OSError, ValueError, yaml.YAMLError) as error:
                problems.append(f"wrote an unreadable {path.name}: {str(error)[:200]}")
    return problems


def _export_text(case: Case, outcome: Outcome, work: Path) -> str | None:
    names = {
        "arm": "template.json",
        "bicep": "main.bicep",
        "terraform": "main.tf",
        "azcli": "deploy.sh",
    }
    if case.command == "plan":
        path = work / "out" / names[case.export]
        return path.read_text() if path.exists() else None
    if "-o" in case.argv:
        path = work / case.argv[case.argv.index("-o") + 1]
        return path.read_text() if path.is_file() else None
    return outcome.stdout


def run_case(seed: int, number: int, kinds, root: Path, keep: bool = False, skip=()):
    """(case, outcome, problems), or None when the case's command is one of `skip`."""
    work = Path(tempfile.mkdtemp(prefix=f"case-{number}-", dir=root))
    work.chmod(0o755)
    try:
        case = make_case(seed, number, kinds, work)
        if case.command in skip:
            return None
        stdin = kinds["scenario"][0] if "/dev/stdin" in case.argv else None
        if stdin is not None and case.command in ("import", "report", "export", "calibrate"):
            stdin = {
                "import": kinds["arm"],
                "report": kinds["result"],
                "export": kinds["plan"],
                "calibrate": kinds["activity"],
            }[case.command][0]
        outcome = execute(case, work, stdin)
        problems = judge(case, outcome, work)
        return case, outcome, problems
    finally:
        if not keep:
            for p in work.rglob("*"):
                with contextlib.suppress(OSError):
                    p.chmod(0o700 if p.is_dir() else 0o600)
            shutil.rmtree(work, ignore_errors=True)


def _signature(case: Case, problems: list[str], outcome: Outcome) -> str:
    """Findings that are one bug share this: the command, the first problem, the traceback's
    last line."""
    last = ""
    for line in reversed(outcome.stderr.splitlines()):
        if line.strip() and not line.startswith(" "):
            last = line.split(":")[0]
            break
    first = problems[0].split(":")[0].split("(")[0][:60]
    return f"{case.command} | {first} | {last[:80]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--case", type=int, action="append", help="run only this case (again)")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "acgsim-fuzz")
    parser.add_argument("--findings", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(errors="backslashreplace")  # findings quote hostile text
    args.work.mkdir(parents=True, exist_ok=True)
    kinds = build_corpus(args.work)
    deadline = time.monotonic() + args.minutes * 60
    numbers = iter(args.case) if args.case else iter(range(args.start, 10**9))
    seen: dict[str, list[int]] = {}
    ran = 0
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(args.jobs)
    pending = set()
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < args.jobs and time.monotonic() < deadline:
            n = next(numbers, None)
            if n is None:
                exhausted = True
                break
            pending.add(pool.submit(run_case, args.seed, n, kinds, args.work, bool(args.case)))
        if not pending:
            break
        if time.monotonic() >= deadline:
            exhausted = True
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            try:
                case, outcome, problems = future.result()
            except Exception as error:  # the fuzzer's own trouble: say it, go on
                print(f"fuzzer error: {error!r}", flush=True)
                continue
            ran += 1
            if args.case:
                print(
                    f"case {case.number}: {case.how}\n  argv: {case.argv}\n  rc={outcome.rc} "
                    f"{outcome.wall:.1f}s {outcome.rss_mb} MB\n  stderr: {outcome.stderr[-3000:]}"
                )
            if not problems:
                continue
            sig = _signature(case, problems, outcome)
            first = sig not in seen
            seen.setdefault(sig, []).append(case.number)
            if first:
                args.findings.mkdir(parents=True, exist_ok=True)
                report = {
                    "seed": args.seed,
                    "case": case.number,
                    "again": f"{AGAIN} --seed {args.seed} --case {case.number}",
                    "argv": case.argv,
                    "how": case.how,
                    "problems": problems,
                    "rc": outcome.rc,
                    "stderr": outcome.stderr[-4000:],
                }
                (args.findings / f"{args.seed}-{case.number}.json").write_text(
                    json.dumps(report, indent=2)
                )
                print(f"FINDING {sig}\n  {report['again']}\n  {case.how}\n  {problems}", flush=True)
    pool.shutdown()
    print(
        json.dumps(
            {
                "seed": args.seed,
                "cases": ran,
                "distinct": len(seen),
                "findings": {k: v[:5] for k, v in seen.items()},
            }
        )
    )
    return 1 if seen else 0


if __name__ == "__main__":
    sys.exit(main())
