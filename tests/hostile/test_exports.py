"""Every value a scenario or a hand-edited plan.json may hold, through the four exports: it is
refused at validation with its field named, or it reaches each export as literal text, read back
as each tool reads it (tests/hostile/formats.py). The ARM template still validates strictly."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import tempfile
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.planner import export as exports
from acgsim.planner.export import document
from acgsim.planner.plan import load_plan
from acgsim.sim import catalog, naming
from acgsim.sim.errors import ScenarioError
from acgsim.sim.loader import validate

from ..helpers import BASE, set_at
from ..planner.arm_schema import strict_errors
from . import formats

runner = CliRunner()

FRAGMENTS = [
    *("$(touch pwned)", "`touch pwned`", "${HOME}", "$${", "%{ if 1 }", "%%{", "'", '"', "\\"),
    *("[", "]", "[concat('a')]", "[parameters('x')]", "\n", "\t", "-", "--help", "#", ";", "&&"),
    *("|", "*", "~", "!", "{", "}", "=", " ", "<b>", "&amp;", "\\u{41}", "\\n", "$", "@", "é"),
    *("\u2028", "\ufeff", "😀", "…"),
]
REFUSED = ["\x00", "\x1b[2J", "\r", "\udc80"]  # control characters, half a surrogate pair
free_text = st.lists(
    st.sampled_from(FRAGMENTS)
    | st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=6),
    max_size=6,
).map("".join)
hostile_text = (
    free_text
    | st.tuples(free_text, st.sampled_from(REFUSED), free_text).map("".join)
    | free_text.map(lambda t: "@" + t)  # az would read it as a file
)


def _name(rule: str) -> st.SearchStrategy[str]:
    return st.from_regex(naming.NAME_RULES[rule].pattern, fullmatch=True)


G = ("galleries", 0)
IMG = (*G, "images", 0)
FIELDS = {  # what a scenario (or the scenario in a plan) may be given, where, and how it is drawn
    "gallery": ((*G, "name"), _name("gallery")),
    "resource_group": ((*G, "resource_group"), _name("resource_group")),
    "description": ((*G, "description"), free_text),
    "prefix": ((*G, "sharing", "prefix"), st.none() | free_text),
    "publisher_email": ((*G, "sharing", "publisher_email"), st.none() | free_text),
    "publisher_uri": ((*G, "sharing", "publisher_uri"), st.none() | free_text),
    "eula": ((*G, "sharing", "eula"), st.none() | free_text),
    "image": ((*IMG, "name"), _name("image")),
    "publisher": ((*IMG, "publisher"), _name("publisher")),
    "offer": ((*IMG, "offer"), _name("offer")),
    "sku": ((*IMG, "sku"), _name("sku")),
    "image_description": ((*IMG, "description"), free_text),
}
# references the scenario makes to a gallery or image name: wrong where the name is
DEPENDENT = {("access", 0, "scope"), ("workload", "vms", 0, "image")}


@st.composite
def values(draw) -> dict:
    """A value for every field: names valid, free text full of every medium's metacharacters;
    and, every other time, one field given hostile text, which validation may refuse."""
    v = {k: draw(strategy) for k, (_, strategy) in FIELDS.items()}
    hostile = draw(st.sampled_from([*FIELDS, *[None] * len(FIELDS)]))
    if hostile is not None:
        v[hostile] = draw(hostile_text)
    return v


EXAMPLES = max(10, settings().max_examples // 2)  # each renders and parses four exports


def _scenario_data(base: dict, v: dict) -> dict:
    data = copy.deepcopy(base)
    data["galleries"][0]["sharing"] = {"mode": "community"}
    for key, (path, _) in FIELDS.items():
        set_at(data, path, v[key])
    data["access"][0]["scope"] = v["gallery"]
    data["workload"]["vms"][0]["image"] = f"{v['gallery']}/{v['image']}/latest"
    return data


def _versions(data: dict) -> list[dict]:
    return data["scenario_spec"]["galleries"][0]["images"][0]["versions"]


def _expected(scenario, targets: dict | None = None) -> dict:
    g = scenario.galleries[0]
    d = g.images[0]
    v = d.versions[0]
    sharing = g.sharing
    found = {t.region: (v.replicas_in(t), v.storage_in(t)) for t in v.regions}
    found.update(targets or {})
    return {
        "gallery": g.name,
        "location": g.region,
        "description": g.description or None,
        "community": [  # an empty one is asked for like a missing one
            x or None
            for x in (sharing.prefix, sharing.publisher_email, sharing.publisher_uri, sharing.eula)
        ],
        "image": d.name,
        "identifier": [d.publisher, d.offer, d.sku],
        "image_description": d.description or None,
        "version": v.name,
        "targets": sorted((r, n, s) for r, (n, s) in found.items()),
    }


def _seen_arm(text: str) -> dict:
    (_, g), (_, d), (_, v), *roles = formats.arm_meaning(text)
    assert {kind for kind, _ in roles} <= {"Microsoft.Authorization/roleAssignments"}
    info = g["properties"]["sharingProfile"]["communityGalleryInfo"]
    keys = ("publicNamePrefix", "publisherContact", "publisherUri", "eula")
    image = d["name"].removeprefix(g["name"] + "/")
    assert d["parents"] == [(g["name"],)] and v["parents"] == [(g["name"], image)]
    profile = v["properties"]["publishingProfile"]
    ident = d["properties"]["identifier"]
    return {
        "gallery": g["name"],
        "location": g["location"],
        "description": g["properties"].get("description"),
        "community": [None if isinstance(info[k], formats.Param) else info[k] for k in keys],
        "image": image,
        "identifier": [ident["publisher"], ident["offer"], ident["sku"]],
        "image_description": d["properties"].get("description"),
        "version": v["name"].removeprefix(d["name"] + "/"),
        "targets": sorted(
            (t["name"], t["regionalReplicaCount"], t["storageAccountType"])
            for t in profile["targetRegions"]
        ),
    }


def _seen_terraform(text: str) -> tuple[dict, str]:
    doc = formats.terraform_meaning(text)
    res = doc["resources"]
    g = res["azurerm_shared_image_gallery"]
    d = res["azurerm_shared_image"]
    v = res["azurerm_shared_image_version"]
    info = g["sharing"][0]["community_gallery"][0]
    t = formats.hcl_text

    def text_or_var(value: str) -> str | None:  # a reference has no quotes
        return None if re.fullmatch(r"\$\{var\.community_\w+\}", value) else t(value)

    ident = d["identifier"][0]
    seen = {
        "gallery": t(g["name"]),
        "location": t(g["location"]),
        "description": t(g["description"]) if "description" in g else None,
        "community": [
            text_or_var(info[k]) for k in ("prefix", "publisher_email", "publisher_uri", "eula")
        ],
        "image": t(d["name"]),
        "identifier": [t(ident["publisher"]), t(ident["offer"]), t(ident["sku"])],
        "image_description": t(d["description"]) if "description" in d else None,
        "version": t(v["name"]),
        "targets": sorted(
            (t(x["name"]), x["regional_replica_count"], t(x["storage_account_type"]))
            for x in v["target_region"]
        ),
    }
    return seen, t(doc["variables"]["resource_group_name"]["default"])


def _seen_az(commands: list[tuple[str, dict[str, list[str]]]]) -> dict:
    (_, g), (_, d), (_, v), *_ = commands

    def one(options: dict, flag: str) -> str | None:
        value = options.get(flag, [None])[0]
        return None if value is None or re.fullmatch(r"\$[A-Z0-9_]+", value) else value

    targets = [item.split("=") for item in v["--target-regions"]]
    return {
        "gallery": one(g, "--gallery-name"),
        "location": one(g, "--location"),
        "description": one(g, "--description"),
        "community": [
            one(g, f)
            for f in ("--public-name-prefix", "--publisher-email", "--publisher-uri", "--eula")
        ],
        "image": one(d, "--gallery-image-definition"),
        "identifier": [one(d, "--publisher"), one(d, "--offer"), one(d, "--sku")],
        "image_description": one(d, "--description"),
        "version": one(v, "--gallery-image-version"),
        "targets": sorted((r, int(n), s) for r, n, s in targets),
    }


def _check_exports(export, expected: dict) -> None:
    """Each format says exactly the expected values, read back as its tool reads it."""
    arm_text = exports.render("arm", export)
    assert strict_errors(json.loads(arm_text)) == []
    assert _seen_arm(arm_text) == expected
    tf, resource_group = _seen_terraform(exports.render("terraform", export))
    assert tf == expected and resource_group == export.resource_group
    az = _seen_az(formats.az_commands(exports.render("azcli", export)))
    lower = [(r, n, s.lower()) for r, n, s in expected["targets"]]
    assert az == dict(expected, targets=lower)
    arm_meaning = [
        (kind, dict(body, name=body["name"].rsplit("/", 1)[-1]))
        for kind, body in formats.arm_meaning(arm_text)
        if kind.startswith("Microsoft.Compute/")  # role assignments: tests/planner/test_meaning
    ]
    bicep = [
        (kind, body)
        for kind, body in formats.bicep_meaning(exports.render("bicep", export))
        if kind.startswith("Microsoft.Compute/")
    ]
    assert [(k, {f: b[f] for f in ("name", "location", "properties")}) for k, b in bicep] == [
        (k, {f: b[f] for f in ("name", "location", "properties")}) for k, b in arm_meaning
    ]


def _refused_at(problems, allowed: set[tuple]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    assert errors
    for p in errors:
        assert tuple(p.path) in allowed or p.path[:1] == ("regions",), (p.path, p.message)


@settings(max_examples=EXAMPLES)
@given(values())
def test_every_scenario_value_is_refused_at_its_field_or_reaches_each_export_as_text(v):
    data = _scenario_data(BASE, v)
    try:
        scenario, _ = validate(data, file="t.json")
    except ScenarioError as exc:
        _refused_at(exc.problems, {path for path, _ in FIELDS.values()} | DEPENDENT)
        event("refused")
        return
    event("exported")
    _check_exports(document.from_scenario(scenario), _expected(scenario))


REGIONS = st.sampled_from(["westus", "West US", "eastus2", "northeurope", "brazilsoutheast"])
STORAGE = st.sampled_from(["Standard_LRS", "Standard_ZRS", "Premium_LRS"])
# What a hand-edited plan may say for one region: mostly what a plan could say, else anything.
rows = st.fixed_dictionaries(
    {},
    optional={
        "region": st.one_of(REGIONS, REGIONS, free_text),
        "storage": st.one_of(STORAGE, STORAGE, free_text),
        "added": st.booleans(),
        "reasons": st.lists(st.one_of(free_text, hostile_text), max_size=2),
        "replicas": st.one_of(
            *[st.integers(1, 100)] * 4,
            st.integers(-2, 102),
            free_text,
            st.booleans(),
            st.floats(0, 5),
        ),
    },
)
edits = st.lists(st.one_of(st.just({}), st.just({}), rows), min_size=2, max_size=2)


@settings(max_examples=EXAMPLES)
@given(v=values(), edits=edits)
def test_every_plan_value_is_refused_at_its_field_or_reaches_each_export_as_text(
    plan_data, v, edits
):
    data = copy.deepcopy(plan_data)
    data["scenario_spec"] = _scenario_data(plan_data["scenario_spec"], v)
    targeted = {t if isinstance(t, str) else t["region"] for t in _versions(data)[0]["regions"]}
    for row, edit in zip(data["regions"], edits, strict=True):
        row.update(edit, version=f"{v['gallery']}/{v['image']}/{row['version'].rsplit('/', 1)[1]}")
        if "region" in edit and "added" not in edit:  # as a plan that adds it says
            row["added"] = catalog.normalize_region(str(row["region"])) not in targeted
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(data))
        try:
            loaded = load_plan(path)
        except ScenarioError as exc:
            spec = {
                ("scenario_spec", *p) for p in {path for path, _ in FIELDS.values()} | DEPENDENT
            }
            _refused_at(exc.problems, spec)
            out = Path(tmp) / "deploy.sh"
            result = runner.invoke(app, ["export", str(path), "-f", "azcli", "-o", str(out)])
            assert result.exit_code == 2 and not out.exists()
            event("refused")
            return
    event("exported")
    scenario, _ = validate(loaded.scenario_spec)
    targets = {r.region: (r.replicas, r.storage) for r in loaded.regions}
    assert {catalog.normalize_region(e["region"]) for e in edits if "region" in e} <= set(targets)
    _check_exports(document.from_plan(loaded), _expected(scenario, targets))
    # each region's reasons reach every format's comment as one line of text, read back intact
    from ..planner import export_meaning

    want = {
        r.region: document.one_line("; ".join(r.reasons))
        for r in loaded.regions
        if "; ".join(r.reasons)
    }
    for name, read in export_meaning.READERS.items():
        seen = read(exports.render(name, document.from_plan(loaded)))["reasons"]
        assert {ref[-1]: why for ref, why in seen.items() if ref[-1] in want} == want, name


# answers the preflight (version, login) and records every other call
FAKE_AZ = (
    "#!/bin/bash\n"
    'case "$1" in version) echo 2.91.0; exit;; account) echo 00000000-0000-0000-0000-000000000000;'
    " exit;; esac\n"
    'printf "%s\\0" az "$@" >> "$AZ_LOG"\n'
)


@settings(max_examples=max(5, EXAMPLES // 4))  # each runs bash and a stand-in az
@given(values())
def test_bash_gives_az_the_arguments_the_script_says_and_runs_nothing_else(v):
    try:
        scenario, _ = validate(_scenario_data(BASE, v), file="t.json")
    except ScenarioError:
        return
    script = exports.render("azcli", document.from_scenario(scenario))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "az").write_text(FAKE_AZ)
        (Path(tmp) / "az").chmod(0o755)
        env = {"PATH": f"{tmp}:/usr/bin:/bin", "HOME": tmp, "AZ_LOG": f"{tmp}/log"}
        for name in re.findall(r'^([A-Z0-9_]+)="\$\{\1:\?', script, flags=re.M):
            env[name] = f"/value/of/{name}"
        run = subprocess.run(
            ["bash", "-c", script], env=env, cwd=tmp, capture_output=True, timeout=60
        )
        assert run.returncode == 0, run.stderr
        words = (Path(tmp) / "log").read_bytes().decode("utf-8").split("\0")[:-1]
        assert not (Path(tmp) / "pwned").exists()
    env["RESOURCE_GROUP"] = scenario.galleries[0].resource_group  # the script's default
    env["SUBSCRIPTION_ID"] = "00000000-0000-0000-0000-000000000000"  # the stand-in's login
    tags = ["environment=test", "managedBy=acgsim"]

    def expand(values: list[str]) -> list[str]:  # what bash makes of the variables
        return [y for x in values for y in (tags if x == "${TAGS[@]}" else [_expand(x, env)])]

    expected = [(n, {f: expand(x) for f, x in o.items()}) for n, o in formats.az_commands(script)]
    assert formats.az_options(words) == expected


def _expand(word: str, env: dict) -> str:
    """A word as bash expands it: a whole $NAME, or the ${NAME}s of a role assignment's scope
    (the only place a variable is inside other text)."""
    if word.startswith("/subscriptions/${"):
        return re.sub(r"\$\{(\w+)\}", lambda m: env[m[1]], word)
    return re.sub(r"^\$(\w+)$", lambda m: env[m[1]], word)
