"""Held-out check of the exports: scenarios imported from the held-out templates, exported to
ARM, Bicep, Terraform and az CLI (from the scenario, and from a plan of it with a workload on
`latest`), must deploy the same thing: the same galleries, definitions, versions, replicas and
storage in every region, the same effective exclude-from-latest, so the same version is `latest`
in each region. Each format is read back by heldout_exports as its own tool reads it; the ARM
export is also checked strictly against the official schemas (skipped, saying why, without
../shared/schemas/arm).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from acgsim.cli import app

from . import heldout_exports as read
from .arm_schema import strict_errors
from .heldout_meaning import latest_by_region, scenario_meaning
from .test_import_heldout import CORPUS, run_import

CASES = [
    "region-flags-dependson-2021-07-01",
    "az-sig-image-version-list-expand",
    "copy-offset-versions-2021-10-01",
    "display-names-2019-07-01",
    "shallow-test-image-2023-07-03",
    "children-short-types-2020-09-30",
    "range-concat-regions-2023-07-03",
    "terraform-state-region-flag-trap",
    "bicep-lambdas-map-filter-2024-03-03",
    "qs-sig-image-version-2018-06-01",
    "api-2025-03-03-strategy-defaults",
]
# (case, region of the workload: None for the gallery's; another makes the plan add a region)
PLANNED = [
    ("region-flags-dependson-2021-07-01", None),
    ("region-flags-dependson-2021-07-01", "australiacentral"),
    ("az-sig-image-version-list-expand", None),
    ("az-sig-image-version-list-expand", "centralus"),
    ("copy-offset-versions-2021-10-01", None),
    ("shallow-test-image-2023-07-03", None),
]
FILES = {
    "arm": "template.json",
    "bicep": "main.bicep",
    "terraform": "main.tf",
    "azcli": "deploy.sh",
}
READERS = {
    "arm": read.arm_meaning,
    "bicep": read.bicep_meaning,
    "terraform": read.terraform_meaning,
    "azcli": read.azcli_meaning,
}


def _imported(case: str, tmp_path: Path) -> Path:
    expect = yaml.safe_load((CORPUS / f"{case}.expect.yaml").read_text())
    out = tmp_path / "imported.yaml"
    result = run_import(CORPUS / f"{case}.json", expect.get("args", {}), out)
    assert result.exit_code == 0, result.output
    return out


def _deployed(meaning: dict) -> dict:
    """What a deployment holds: regions per version and `latest` per definition and region."""
    latest: dict[str, dict] = {}
    for name, v in meaning["versions"].items():
        image, _, version = name.rpartition("/")
        latest.setdefault(image, {})[version] = v["regions"]
    return {
        "galleries": {n: g["region"] for n, g in meaning["galleries"].items()},
        "images": sorted(meaning["images"]),
        "versions": {n: v["regions"] for n, v in meaning["versions"].items()},
        "modes": {n: v["replication_mode"] for n, v in meaning["versions"].items()},
        "latest": {i: latest_by_region(vs) for i, vs in sorted(latest.items())},
    }


def _read_all(folder: Path) -> dict[str, dict]:
    out = {}
    for fmt, file in FILES.items():
        text = (folder / file).read_text()
        if fmt == "arm":
            errors = strict_errors(json.loads(text))
            assert not errors, errors[:5]
        if fmt == "azcli":
            assert read.azcli_latest_windows(text) == [], "a canary is latest for a while"
        out[fmt] = _deployed(READERS[fmt](text))
    return out


@pytest.mark.parametrize("case", CASES)
def test_four_exports_of_an_imported_scenario_deploy_what_it_says(case, tmp_path):
    scenario = _imported(case, tmp_path)
    want = _deployed(scenario_meaning(yaml.safe_load(scenario.read_text())))
    runner = CliRunner()
    for fmt, file in FILES.items():
        result = runner.invoke(
            app, ["export", str(scenario), "--format", fmt, "-o", str(tmp_path / file)]
        )
        assert result.exit_code == 0, result.output
    for fmt, got in _read_all(tmp_path).items():
        assert got == want, fmt


@pytest.mark.parametrize("case, region", PLANNED)
def test_four_exports_of_a_plan_deploy_the_plan_and_keep_latest(case, region, tmp_path):
    scenario_file = _imported(case, tmp_path)
    spec = yaml.safe_load(scenario_file.read_text())
    gallery = spec["galleries"][0]
    image = gallery["images"][0]
    spec["workload"] = {
        "vms": [
            {
                "name": "burst",
                "at": "3h",
                "region": region or gallery["region"],
                "subscription": gallery["subscription"],
                "image": f"{gallery['name']}/{image['name']}/latest",
                "count": 70,
            }
        ]
    }
    spec["objectives"] = {"p95": "30m"}
    planned = tmp_path / "planned.yaml"
    planned.write_text(yaml.safe_dump(spec, sort_keys=False))
    out = tmp_path / "plan"
    argv = ["plan", str(planned), "-k", "2", "--out", str(out)]
    for fmt in FILES:
        argv += ["--export", fmt]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output

    plan = json.loads((out / "plan.json").read_text())
    scenario = scenario_meaning(spec)
    flags = {n: v["exclude_from_latest"] for n, v in scenario["versions"].items()}
    for row in plan["regions"]:
        regions = scenario["versions"][row["version"]]["regions"]
        if row["region"] in regions:
            excluded = regions[row["region"]][2]
        else:  # a region the plan adds: the version's own flag applies [ACG]
            assert row["added"], row
            excluded = flags[row["version"]]
        regions[row["region"]] = [row["replicas"], row["storage"], excluded]
    want = _deployed(scenario)
    # the plan changes replicas and storage, never which version is latest where the scenario
    # had one; where the workload asks for latest, the plan makes one exist
    before = _deployed(scenario_meaning(spec))["latest"]
    for name, by_region in before.items():
        for r, version in by_region.items():
            assert want["latest"][name][r] == version, (name, r)
    asked = f"{gallery['name']}/{image['name']}"
    assert (region or gallery["region"]) in want["latest"][asked]
    for fmt, got in _read_all(out).items():
        assert got == want, fmt
