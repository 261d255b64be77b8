"""The plan against what is deployed: exactly the changes made, in every input shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from acgsim.planner import deployed, search
from acgsim.planner.deployed import Deployed, RegionState
from acgsim.planner.diff import diff
from acgsim.reports import diff as shown
from acgsim.sim import catalog
from acgsim.sim.loader import load

from ..helpers import SCENARIOS

CORPUS = Path(__file__).parent / "deployed"
SUB = "3f2c8a10-5b7e-4c1d-9a2f-6e0d1b4c7a98"
DISPLAY = {"westeurope": "West Europe", "northeurope": "North Europe", "eastus2": "East US 2"}
STORAGE = sorted(catalog.STORAGE_TYPES)


@pytest.fixture(scope="module")
def plan():
    """The quickstart plan with a second image version, a canary excluded from latest, in
    three regions."""
    scenario = load(SCENARIOS / "quickstart.yaml")
    spec = scenario.model_dump(mode="json")
    image = spec["galleries"][0]["images"][0]
    regions = ["westeurope", "eastus2", "japaneast"]
    second = dict(image["versions"][0], name="1.1.0", regions=regions, exclude_from_latest=True)
    image["versions"].append(second)
    return search.plan(type(scenario).model_validate(spec), runs=2)


def test_a_plan_against_itself_changes_nothing(tmp_path, plan):
    (tmp_path / "plan.json").write_text(plan.to_json())
    d = diff(plan, deployed.load(tmp_path / "plan.json"))
    assert not d.changed and d.count("unchanged") == len(plan.regions) == 5
    assert d.monthly_before == d.monthly_after == plan.totals.monthly_cost_usd
    assert shown.summary(d).startswith("= unchanged: what is deployed matches the plan")


def test_a_drifted_deployment(plan):
    d = diff(plan, deployed.load(CORPUS / "az-list-drifted.json"))
    web, new = "contosoImages/ubuntu-web/1.0.0", "contosoImages/ubuntu-web/1.1.0"
    assert [(r.version, r.region, r.action, r.changes) for r in d.regions] == [
        (web, "northeurope", "add", []),
        (web, "westeurope", "change", ["storage", "replicas"]),
        (web, "westus", "remove", []),
        (new, "eastus2", "add", []),
        (new, "japaneast", "add", []),
        (new, "westeurope", "add", []),
    ]
    assert d.new_versions == [new]
    assert d.unplanned_versions == ["contosoImages/ubuntu-web/0.9.0", "contosoImages/win-app/2.1.0"]
    # 12 GB: westeurope 1 x LRS 0.05 and westus 2 x LRS before; the plan's regions after
    assert d.monthly_before == 1.8
    assert d.monthly_after == plan.totals.monthly_cost_usd
    assert d.egress_once == round(3 * 12 * 0.02, 2)  # northeurope, eastus2, japaneast
    lines = shown.lines(d)
    assert lines[0] == f"+ version {new}: not deployed, published with the regions below"
    assert lines[1].startswith("+ region northeurope: 1 replica Standard_ZRS (ubuntu-web 1.0.0)")
    assert lines[2].startswith(
        "~ storage westeurope: Standard_LRS -> Standard_ZRS (ubuntu-web 1.0.0; needs a new "
        "version: storageAccountType cannot be updated [SPEC])"
    )
    assert lines[3] == "+1 replica westeurope: 1 -> 2 (ubuntu-web 1.0.0)"
    assert lines[4].startswith("- region westus: 2 replicas Standard_LRS (ubuntu-web 1.0.0)")
    assert lines[4].endswith(f"{-round(2 * 12 * 0.05, 2):+,.2f} USD/month")
    assert lines[-1] == "  contosoImages/win-app/2.1.0: deployed, not in the plan: left as it is"
    assert shown.warnings(d) == [
        "replication Failed in westus (ubuntu-web 1.0.0), as deployed; retry that region"
    ]
    assert shown.summary(d).startswith("Changes: 4 regions to add, 1 to change, 1 to remove")


# --- generated deployed states, written in each documented shape --------------------------

EDITS = ("remove", "replicas", "storage", "exclude_from_latest")
OTHER_REGIONS = ["eastus2", "westus", "uksouth", "japaneast"]


@st.composite
def drifts(draw, planned: dict):
    """A deployed state made from the planned one by edits, and the edits made."""
    state, made = dict(planned), {}
    for key in sorted(planned):
        edit = draw(st.sampled_from([None, *EDITS]))
        s = state[key]
        if edit == "remove":
            del state[key]
        elif edit == "replicas":
            n = draw(st.integers(1, 100).filter(lambda n, s=s: n != s.replicas))
            state[key] = s.model_copy(update={"replicas": n})
        elif edit == "storage":
            kind = draw(st.sampled_from([x for x in STORAGE if x != s.storage]))
            state[key] = s.model_copy(update={"storage": kind})
        elif edit == "exclude_from_latest":
            state[key] = s.model_copy(update={"exclude_from_latest": not s.exclude_from_latest})
        if edit:
            made[key] = "remove" if edit == "remove" else edit  # planned "add" back if removed
    versions = sorted({v for v, _ in planned})
    for region in draw(st.lists(st.sampled_from(OTHER_REGIONS), unique=True, max_size=2)):
        version = draw(st.sampled_from(versions))
        if (version, region) in planned:
            continue
        state[(version, region)] = RegionState(
            replicas=draw(st.integers(1, 9)),
            storage=draw(st.sampled_from(STORAGE)),
            exclude_from_latest=draw(st.booleans()),
        )
        made[(version, region)] = "extra"
    return state, made


def _profile(targets: dict, draw) -> dict:
    """A publishingProfile with a version default where the regions agree, and noise."""
    states = list(targets.values())
    count, kind, flag = states[0].replicas, states[0].storage, states[0].exclude_from_latest
    regions = []
    for region, s in targets.items():
        t = {"name": DISPLAY.get(region, region) if draw(st.booleans()) else region}
        if s.replicas != count or draw(st.booleans()):
            t["regionalReplicaCount"] = s.replicas
        if s.storage != kind or draw(st.booleans()):
            t["storageAccountType"] = s.storage
        t["excludeFromLatest"] = s.exclude_from_latest if s.exclude_from_latest != flag else None
        t["encryption"] = None
        regions.append(t)
    return {
        "targetRegions": regions,
        "replicaCount": count,
        "storageAccountType": kind,
        "excludeFromLatest": flag,
        "endOfLifeDate": None,
        "publishedDate": "2026-05-04T08:41:17+00:00",
    }


def write(state: dict, shape: str, draw) -> object:
    """The state as az prints it, as the REST API returns it, or as an ARM template."""
    by_version: dict[str, dict] = {}
    for (version, region), s in sorted(state.items()):
        by_version.setdefault(version, {})[region] = s
    items = []
    for version, targets in by_version.items():
        g, i, v = version.split("/")
        profile = _profile(targets, draw)
        rid = (
            f"/subscriptions/{SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/"
            f"galleries/{g}/images/{i}/versions/{v}"
        )
        if shape == "arm":
            items.append(
                {
                    "type": "Microsoft.Compute/galleries/images/versions",
                    "apiVersion": "2025-03-03",
                    "name": f"[concat(parameters('gallery'), '/{i}/{v}')]",
                    "location": "westeurope",
                    "properties": {"publishingProfile": profile},
                }
            )
        elif shape == "rest":
            items.append({"id": rid, "name": v, "properties": {"publishingProfile": profile}})
        else:
            items.append({"id": rid, "name": v, "publishingProfile": profile, "tags": None})
    if shape == "arm":
        gallery = {"type": "string", "defaultValue": "contosoImages"}
        return {"parameters": {"gallery": gallery}, "resources": items}
    return {"value": items, "nextLink": None} if shape == "rest" else items


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=st.sampled_from(["az", "rest", "arm"]))
def test_the_diff_is_exactly_the_changes_made(tmp_path_factory, plan, data, shape):
    planned = deployed.of_plan(plan)
    state, made = data.draw(drifts(planned))
    # a template that deploys no version says nothing about what is deployed: refused, not empty
    assume(state or shape != "arm")
    path = tmp_path_factory.mktemp("current") / "current.json"
    path.write_text(json.dumps(write(state, shape, data.draw)))
    current = deployed.load(path)
    assert current.state == state  # every shape reads back as the state written
    d = diff(plan, current)
    expected = {"remove": "add", "extra": "remove"}
    for r in d.regions:
        edit = made.get((r.version, r.region))
        assert r.action == expected.get(edit, "change" if edit else "unchanged")
        assert r.changes == ([edit] if edit in EDITS[1:] else [])
    assert d.changed == bool(made)
    assert {(r.version, r.region) for r in d.regions} == set(planned) | set(state)


def test_names_are_compared_without_case(plan):
    planned = deployed.of_plan(plan)
    shouting = {(v.upper(), r): s for (v, r), s in planned.items()}
    d = diff(plan, Deployed("x.json", "az sig image-version output", shouting))
    assert not d.changed and not d.unplanned_versions
