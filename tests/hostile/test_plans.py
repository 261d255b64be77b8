"""Hand-edited plan.json files (a plan is a file people share and receive): each hostile one is
refused with the field named, the CLI exits 2 and writes nothing; what acgsim writes reads back
unchanged."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.planner.plan import load_plan
from acgsim.planner.search import plan
from acgsim.sim.errors import ScenarioError

from ..helpers import BASE, DELETE, build, set_at

runner = CliRunner()

SHELL = "x; touch pwned; #"


SPEC = ("scenario_spec", "galleries", 0)
# (what is changed, its new value, the field the refusal names, words of the refusal)
HOSTILE_PLANS = [
    (("regions", 0, "region"), f"northeurope {SHELL}", "regions[0].region", "unknown Azure region"),
    (("regions", 1, "storage"), SHELL, "regions[1].storage", "Standard_LRS"),
    (("regions", 1, "storage"), "Ultra_LRS", "regions[1].storage", "Standard_LRS"),
    (("regions", 1, "storage"), "[concat('a')]", "regions[1].storage", "Standard_LRS"),
    (("regions", 0, "replicas"), 0, "regions[0].replicas", "outside 1..100"),
    (("regions", 0, "replicas"), 101, "regions[0].replicas", "outside 1..100"),
    (("regions", 0, "replicas"), -1, "regions[0].replicas", "outside 1..100"),
    (("regions", 0, "replicas"), "3", "regions[0].replicas", "integer"),
    (("regions", 0, "replicas"), 2.5, "regions[0].replicas", "integer"),
    (("regions", 0, "replicas"), True, "regions[0].replicas", "integer"),
    (("regions", 0, "baseline_replicas"), 1000, "regions[0].baseline_replicas", "1..100"),
    (("regions", 0, "version"), "gal/web/9.9.9", "regions[0].version", "is not defined"),
    (("regions", 0, "version"), f"gal/web/{SHELL}", "regions[0].version", "is not defined"),
    (("regions", 0, "region"), "westus", "regions[0].region", "not a target region of"),
    (("regions", 0, "added"), True, "regions[0].added", "already a target region"),
    (("regions", 0, "reasons", 0), "\x1b[2J", "regions[0].reasons[0]", "control character"),
    (("regions", 0, "reasons", 0), "a\udc80", "regions[0].reasons[0]", "surrogate"),
    (("regions", 0, "monthly_cost_usd"), float("nan"), "regions[0].monthly_cost_usd", "finite"),
    (("regions", 0, "surprise"), 1, "regions[0].surprise", "unknown field"),
    (("scenario",), "[concat('a')]", "scenario", "not a valid name"),
    (("guidance",), SHELL, "guidance", "'seed' or 'current'"),
    (("objectives", "p95"), "soon", "objectives.p95", "duration"),
    (("prices", "currency"), "<b>EUR</b>", "prices.currency", "not a currency code"),
    ((*SPEC, "name"), "[concat('a','b')]", "scenario_spec.galleries[0].name", "gallery name"),
    ((*SPEC, "region"), SHELL, "scenario_spec.galleries[0].region", "unknown Azure region"),
    ((*SPEC, "description"), "ok\x00", "scenario_spec.galleries[0].description", "\\x00"),
    (
        (*SPEC, "images", 0, "publisher"),
        "$(id)",
        "scenario_spec.galleries[0].images[0].publisher",
        "publisher",
    ),
    (("scenario_spec", "tenants"), DELETE, "scenario_spec.tenants", "required field is missing"),
]


@pytest.mark.parametrize(
    ("change", "value", "field", "words"),
    HOSTILE_PLANS,
    ids=[case[2] + "=" + repr(case[1])[:20] for case in HOSTILE_PLANS],
)
def test_a_hostile_plan_is_refused_with_the_field_named(
    plan_data, tmp_path, change, value, field, words
):
    data = copy.deepcopy(plan_data)
    set_at(data, change, value)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8", errors="surrogatepass")
    with pytest.raises(ScenarioError) as info:
        load_plan(path)
    lines = [line for line in info.value.lines if line.startswith(f"{path}: {field}: ")]
    assert lines and words in lines[0], info.value.lines
    for fmt in ("azcli", "arm"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(app, ["export", str(path), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert f"{field}: " in result.output and "Traceback" not in result.output
        assert not out.exists()
    result = runner.invoke(app, ["report", str(path), "--out", str(tmp_path / "report")])
    assert result.exit_code == 2 and not (tmp_path / "report").exists()
    assert not (tmp_path / "pwned").exists()


def test_a_duplicate_region_in_a_plan_is_refused(plan_data, tmp_path):
    data = copy.deepcopy(plan_data)
    data["regions"].append(copy.deepcopy(data["regions"][0]))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScenarioError) as info:
        load_plan(path)
    assert f"{path}: regions[2].region: region '" in str(info.value)
    assert "listed more than once (first as regions[0])" in str(info.value)


def test_a_plan_may_add_a_region_the_scenario_lacks(plan_data, tmp_path):
    data = copy.deepcopy(plan_data)
    added = dict(copy.deepcopy(data["regions"][0]), region="West US", added=True)
    data["regions"].append(dict(added, storage="Standard_LRS"))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    p = load_plan(path)
    assert p is not None and p.regions[-1].region == "westus"  # normalised like a scenario's
    data["regions"][-1] = added  # Standard_ZRS, where westus has no zones
    path.write_text(json.dumps(data))
    with pytest.raises(ScenarioError) as info:
        load_plan(path)
    assert f"{path}: regions[2].storage: 'westus' has no availability zones" in str(info.value)


def test_the_plan_acgsim_writes_reads_back_unchanged(plan_data, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_data, indent=2) + "\n")
    p = load_plan(path)
    assert p is not None and p.to_json() == path.read_text()


def test_a_plan_that_adds_a_region_reads_back_unchanged(tmp_path):
    data = copy.deepcopy(BASE)
    data["workload"]["vms"][0]["region"] = "eastus2"  # a region the version does not target
    made = plan(build(data), runs=2)
    assert [r.region for r in made.regions if r.added] == ["eastus2"]
    path = tmp_path / "plan.json"
    path.write_text(made.to_json())
    assert load_plan(path) == made


def test_a_plan_without_its_scenario_is_not_exported(plan_data, tmp_path):
    data = dict(copy.deepcopy(plan_data), scenario_spec={})
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    assert load_plan(path) is not None  # a report can still show it
    result = runner.invoke(app, ["export", str(path), "--format", "arm"])
    assert result.exit_code == 2 and "scenario_spec: is empty" in result.output
