"""Reading what is deployed: plan.json, ARM templates, az sig image-version show/list, REST.

The corpus in tests/planner/deployed/ is written in the documented shapes (GalleryRP 2025-03-03
[SPEC]; az prints the SDK model flattened [CLI]) with the noise real output has: nulls, fields
acgsim ignores, display-name regions, lowercase resource-id segments, a list mixing images.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acgsim.planner import deployed, search
from acgsim.planner import export as exports
from acgsim.planner.deployed import RegionState
from acgsim.sim.errors import ScenarioError
from acgsim.sim.loader import load

from ..helpers import DELETE, SCENARIOS, set_at

CORPUS = Path(__file__).parent / "deployed"
WEB = "contosoImages/ubuntu-web/1.0.0"
ID = (
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/contosoImages/"
    "images/ubuntu-web/versions/1.0.0"
)
QUICKSTART_STATE = {
    (WEB, "westeurope"): RegionState(replicas=2, storage="Standard_ZRS", exclude_from_latest=False),
    (WEB, "northeurope"): RegionState(
        replicas=1, storage="Standard_ZRS", exclude_from_latest=False
    ),
}


@pytest.fixture(scope="module")
def quickstart_plan():
    return search.plan(load(SCENARIOS / "quickstart.yaml"), runs=2)


@pytest.mark.parametrize(
    "name", ["az-show.json", "rest-get.json", "rest-list.json", "portal-template.json"]
)
def test_each_shape_reads_as_the_same_state(name):
    d = deployed.load(CORPUS / name)
    assert d.state == QUICKSTART_STATE
    assert (d.status, d.notes) == ({}, [])
    assert d.kind == ("ARM template" if "template" in name else "az sig image-version output")


def test_a_plan_and_its_arm_export_read_as_what_the_plan_deploys(tmp_path, quickstart_plan):
    (tmp_path / "plan.json").write_text(quickstart_plan.to_json())
    (tmp_path / "template.json").write_text(exports.render_plan("arm", quickstart_plan))
    assert deployed.of_plan(quickstart_plan) == QUICKSTART_STATE
    for name, kind in (("plan.json", "plan"), ("template.json", "ARM template")):
        d = deployed.load(tmp_path / name)
        assert (d.kind, d.state) == (kind, QUICKSTART_STATE)


def test_a_list_mixing_images_versions_and_replication_states():
    d = deployed.load(CORPUS / "az-list-drifted.json")
    win = "contosoImages/win-app/2.1.0"
    assert d.versions() == ["contosoImages/ubuntu-web/0.9.0", WEB, win]
    assert d.state[(WEB, "westeurope")] == RegionState(
        replicas=1, storage="Standard_LRS", exclude_from_latest=False
    )
    assert d.state[(WEB, "westus")] == RegionState(
        replicas=2, storage="Standard_LRS", exclude_from_latest=True
    )
    # a region without a count or storage type takes the version's [SPEC]
    assert d.state[(win, "westeurope")] == RegionState(
        replicas=3, storage="Premium_LRS", exclude_from_latest=False
    )
    assert d.state[(win, "eastus2")].storage == "Standard_ZRS"
    assert d.state[("contosoImages/ubuntu-web/0.9.0", "westeurope")].exclude_from_latest
    assert d.status == {(WEB, "westus"): "Failed"}


def test_storage_not_given_follows_the_strategy_or_is_noted(tmp_path):
    doc = json.loads((CORPUS / "az-show.json").read_text())
    profile = doc["publishingProfile"]
    profile.pop("storageAccountType")
    for t in profile["targetRegions"]:
        t.pop("storageAccountType")
    path = tmp_path / "v.json"
    path.write_text(json.dumps(doc))
    d = deployed.load(path)
    assert {s.storage for s in d.state.values()} == {"Standard_LRS"}
    assert d.notes == [
        f"{WEB}: no storage type given; Standard_LRS assumed (the default before 2025-03-03)"
    ]
    profile["storageAccountStrategy"] = "PreferStandard_ZRS"  # both regions have zones [REG]
    path.write_text(json.dumps(doc))
    d = deployed.load(path)
    assert {s.storage for s in d.state.values()} == {"Standard_ZRS"} and d.notes == []


def _set(path: tuple, value):
    def change(doc):
        set_at(doc, path, value)

    return change


_DELETE = DELETE  # the shared marker: set_at removes the field
P = ("publishingProfile",)
T = (*P, "targetRegions")


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        (_set(("id",), _DELETE), "id", "resource id"),
        (_set(("id",), WEB), "id", "resource id"),
        (
            _set(
                ("id",),
                "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/galleries/"
                "contosoImages/images/ubuntu-web",
            ),
            "id",
            "resource id",
        ),
        (_set(("type",), "Microsoft.Compute/galleries/images"), "type", "not an image version"),
        (_set(("id",), ID.replace("ubuntu-web", "ubuntu\x1b[2Jweb")), "id", "control character"),
        (_set(("name",), "1.0.1"), "name", "not the version its id names"),
        (_set(P, None), "publishingProfile", "missing"),
        (_set((*T,), []), "publishingProfile.targetRegions", "missing or empty"),
        (
            _set((*T, 0, "regionalReplicaCount"), 0),
            "targetRegions[0].regionalReplicaCount",
            "1..100",
        ),
        (
            _set((*T, 0, "regionalReplicaCount"), 101),
            "targetRegions[0].regionalReplicaCount",
            "1..100",
        ),
        (
            _set((*T, 0, "regionalReplicaCount"), "2"),
            "targetRegions[0].regionalReplicaCount",
            "integer",
        ),
        (_set((*P, "replicaCount"), -1), "publishingProfile.replicaCount", "1..100"),
        (
            _set((*T, 1, "storageAccountType"), "PremiumV2_LRS"),
            "targetRegions[1].storageAccountType",
            "PremiumV2_LRS is in the API",
        ),
        (
            _set((*P, "storageAccountType"), "Ultra"),
            "publishingProfile.storageAccountType",
            "Standard_LRS",
        ),
        (
            _set((*P, "storageAccountStrategy"), "Cheapest"),
            "storageAccountStrategy",
            "PreferStandard_ZRS",
        ),
        (_set((*T, 0, "name"), "Mars Central"), "targetRegions[0].name", "unknown Azure region"),
        (_set((*T, 1, "name"), _DELETE), "targetRegions[1].name", "missing"),
        (_set((*T, 1, "name"), "westeurope"), "targetRegions[1].name", "more than once"),
        (_set((*T, 0), "westeurope"), "targetRegions[0]", "not a target region"),
        (_set((*P, "excludeFromLatest"), "yes"), "publishingProfile.excludeFromLatest", "boolean"),
        (
            _set(("replicationStatus",), "Completed"),
            "replicationStatus",
            "not a replication status",
        ),
        (
            _set(("replicationStatus", "summary", 0, "region"), "Atlantis"),
            "replicationStatus.summary[0].region",
            "unknown Azure region",
        ),
        (_set(("replicationStatus", "summary", 1), 7), "replicationStatus.summary[1]", "status"),
    ],
)
def test_bad_values_are_located_problems(tmp_path, change, where, says):
    doc = json.loads((CORPUS / "az-show.json").read_text())
    change(doc)
    path = tmp_path / "current.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ScenarioError) as info:
        deployed.load(path)
    [line] = [str(p) for p in info.value.problems if where in p.where]
    assert line.startswith(f"{path}: ") and says in line, line


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("[1, 2]", "[0]", "not an image version"),
        (json.dumps({"id": ID, "properties": []}), "properties", "not an object"),
        ('{"name": "quickstart", "tenants": []}', "(top level)", "is not a plan.json"),
        ("{", "(top level)", "invalid JSON"),
        (
            '{"resources": [{"type": "Microsoft.Compute/galleries", "name": "g"}]}',
            "resources",
            "holds no image version",
        ),
        (
            json.dumps(
                {
                    "parameters": {"g": {"type": "string"}},
                    "resources": [
                        {
                            "type": "Microsoft.Compute/galleries/images/versions",
                            "name": "[concat(parameters('g'), '/web/1.0.0')]",
                            "properties": {},
                        }
                    ],
                }
            ),
            "resources[0].name",
            "parameters with default values",
        ),
        (
            json.dumps(
                {
                    "resources": {
                        "v": {
                            "type": "Microsoft.Compute/galleries/images/versions",
                            "name": "g/web/1.0.0",
                            "properties": "[reference('p').properties]",  # a deployment's
                        }
                    }
                }
            ),
            "resources.v.properties",
            "expression",
        ),
    ],
)
def test_files_that_are_not_deployed_states(tmp_path, text, where, says):
    path = tmp_path / "current.json"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        deployed.load(path)
    lines = [str(p) for p in info.value.problems]
    assert any(line.startswith(f"{path}: {where}: ") and says in line for line in lines), lines


def test_a_version_listed_twice(tmp_path):
    one = json.loads((CORPUS / "az-show.json").read_text())
    twice = copy.deepcopy(one)
    twice["id"] = twice["id"].replace("contosoImages", "CONTOSOIMAGES")  # names ignore case
    path = tmp_path / "list.json"
    path.write_text(json.dumps([one, twice]))
    with pytest.raises(ScenarioError) as info:
        deployed.load(path)
    assert str(info.value) == (
        f"{path}: [1].id: CONTOSOIMAGES/ubuntu-web/1.0.0 is listed twice (first at [0].id)"
    )


def test_a_bad_plan_json_names_its_field(tmp_path, quickstart_plan):
    doc = json.loads(quickstart_plan.to_json())
    doc["regions"][0]["replicas"] = "many"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ScenarioError) as info:
        deployed.load(path)
    assert f"{path}: regions[0].replicas: Input should be a valid integer" in str(info.value)
    doc = json.loads(quickstart_plan.to_json())
    doc["scenario_spec"] = {}
    path.write_text(json.dumps(doc))
    with pytest.raises(ScenarioError, match="scenario_spec: is empty"):
        deployed.load(path)
    doc["scenario_spec"] = {"name": "x", "tenants": []}
    path.write_text(json.dumps(doc))
    with pytest.raises(ScenarioError, match=r"plan.json: scenario_spec\.tenants: "):
        deployed.load(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node, where=()):
    yield where
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*where, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*where, i))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), rest=st.booleans())
def test_any_value_anywhere_is_read_or_refused_never_a_traceback(tmp_path_factory, data, rest):
    doc = json.loads((CORPUS / ("rest-get.json" if rest else "az-show.json")).read_text())
    where = data.draw(st.sampled_from(list(_paths(doc))))
    value = data.draw(JSON)
    if where:
        _set(where, value)(doc)
    else:
        doc = value
    path = tmp_path_factory.mktemp("fuzz") / "current.json"
    path.write_text(json.dumps(doc))
    try:
        d = deployed.load(path)
    except ScenarioError as exc:
        assert all(str(p).startswith(f"{path}: ") for p in exc.problems)
    else:
        assert all(isinstance(s, RegionState) for s in d.state.values())
