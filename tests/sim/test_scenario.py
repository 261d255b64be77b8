"""The scenario format: bundled files, shorthands, the JSON Schema, and the YAML round trip."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml
from hypothesis import given

from acgsim.sim.loader import dump_yaml, load, load_scenario, validate
from acgsim.sim.scenario import Scenario

from ..helpers import SCENARIOS
from ..strategies import scenarios

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_scenarios_validate_without_warnings(path):
    scenario, warnings = load_scenario(path)
    # the one lesson about end of life is warned about, as validate and run warn a user [SIG]
    expected = 2 if path.name == "end-of-life-still-deploys.yaml" else 0
    assert len(warnings) == expected
    assert all("reached its end of life on 2025-06-30" in w.message for w in warnings)
    assert scenario.description, "every bundled scenario says what it is for"


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_json_schema_accepts_bundled_scenarios(path):
    data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
    jsonschema.validate(data, Scenario.model_json_schema())


def test_json_schema_refuses_what_the_model_refuses():
    data = yaml.safe_load((SCENARIOS / "quickstart.yaml").read_text())
    data["galleries"][0]["colour"] = "blue"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(data, default=str)), Scenario.model_json_schema())


def test_quickstart_reads_as_written():
    s = load(SCENARIOS / "quickstart.yaml")
    v = s.galleries[0].images[0].versions[0]
    west, north = v.regions
    assert (v.replicas_in(west), v.replicas_in(north)) == (2, 1)
    assert v.storage_in(north) == "Standard_ZRS"
    assert s.workload.vms[0].at == 45 * 60 and s.horizon == 4 * 3600
    assert s.model.concurrency(s.guidance) == 20


def test_shorthands_and_region_spelling(base):
    base["galleries"][0]["region"] = "West Europe"
    base["galleries"][0]["sharing"] = "community"
    s, _ = validate(base)
    assert s.galleries[0].region == "westeurope"
    assert s.galleries[0].sharing.mode == "community"
    assert s.galleries[0].images[0].versions[0].regions[0].region == "westeurope"


def test_per_region_exclude_from_latest_overrides_the_version(base):
    v = base["galleries"][0]["images"][0]["versions"][0]
    v["exclude_from_latest"] = True
    v["regions"][1]["exclude_from_latest"] = False
    s, _ = validate(base)
    version = s.galleries[0].images[0].versions[0]
    assert [version.excluded_in(t) for t in version.regions] == [True, False]


def test_defaults_follow_api_2025_03_03(base):
    s, _ = validate(base)
    image = s.galleries[0].images[0]
    assert (image.hyperv_generation, image.security_type) == ("V2", "TrustedLaunchSupported")
    assert s.galleries[0].images[0].versions[0].storage == "Standard_LRS"
    assert s.seed == 1 and s.guidance == "seed"


@given(scenarios())
def test_yaml_round_trip(scenario):
    text = dump_yaml(scenario)
    again, _ = validate(yaml.safe_load(text))
    assert again == scenario
    assert dump_yaml(again) == text


def test_waves_versions_and_hash_on_the_scenario(base):
    base["workload"]["scale_sets"] = [
        {"region": "westeurope", "subscription": "apps", "image": "gal/web/1.0.0", "instances": 3}
    ]
    s, _ = validate(base)
    assert [(w.key, w.kind, w.index) for w in s.waves()] == [
        ("vms/0", "vms", 0),
        ("scale_sets/0", "scale_sets", 0),
    ]
    assert [(x.ref, x.version.name) for x in s.versions()] == [("gal/web/1.0.0", "1.0.0")]
    assert len(s.sha256()) == 64
    shorthand = copy.deepcopy(base)  # the same content written another way hashes the same
    shorthand["galleries"][0]["region"] = "West Europe"
    assert validate(shorthand)[0].sha256() == s.sha256()
    base["seed"] = 2
    assert validate(base)[0].sha256() != s.sha256()
