"""The import corpus: templates written the way people write them (quickstarts, the portal's
"Export template", compiled Bicep, Azure Verified Modules, versions into an existing gallery,
copy loops over regions, apiVersions 2019-12-01 to 2025-03-03), az sig JSON and terraform show
JSON, each with the scenario it must give (NAME.yaml: the galleries, field by field, and phrases
the description's notes must hold). NAME.args.json gives a file's --parameters, --set and
--location. Each expected file was written by reading the input, not by copying acgsim's output:
`ACGSIM_WRITE_CORPUS=1 pytest` writes the missing ones for review.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from acgsim.planner.export import inputs
from acgsim.sim.loader import dump_yaml

CORPUS = Path(__file__).parent / "templates"
INPUTS = sorted(
    p for p in CORPUS.glob("*.json") if not p.name.endswith((".args.json", ".parameters.json"))
)


def _import(path: Path):
    args_file = path.with_name(path.stem + ".args.json")
    args = json.loads(args_file.read_text()) if args_file.exists() else {}
    parameters = CORPUS / args["parameters"] if "parameters" in args else None
    return inputs.import_file(path, parameters, args.get("set"), args.get("location"))


def test_the_corpus_has_every_style():
    names = [p.stem for p in INPUTS]
    assert len([n for n in names if not n.startswith(("az-", "terraform-"))]) >= 20
    for style in (
        "quickstart",
        "portal-export",
        "bicep",
        "avm",
        "versions-only",
        "copy",
        "az-sig",
        "terraform",
        "2019-12-01",
        "2025-03-03",
    ):
        assert any(style in n for n in names), style


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_each_input_gives_its_expected_scenario(path):
    scenario = _import(path)
    got = yaml.safe_load(dump_yaml(scenario))
    expected_file = path.with_suffix(".yaml")
    if not expected_file.exists() and os.environ.get("ACGSIM_WRITE_CORPUS"):
        notes = got["description"].partition(" Notes: ")[2].rstrip(".")
        expected_file.write_text(
            yaml.safe_dump(
                {"galleries": got["galleries"], "notes": [n for n in notes.split("; ") if n]},
                sort_keys=False,
                width=100,
            )
        )
    expected = yaml.safe_load(expected_file.read_text())
    for i, (g, e) in enumerate(zip(got["galleries"], expected["galleries"], strict=False)):
        assert g == e, f"galleries[{i}]"
    assert len(got["galleries"]) == len(expected["galleries"])
    for phrase in expected.get("notes", []):
        assert phrase in got["description"], phrase


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_each_imported_scenario_validates_through_the_cli(path, tmp_path):
    from typer.testing import CliRunner

    from acgsim.cli import app

    args_file = path.with_name(path.stem + ".args.json")
    args = json.loads(args_file.read_text()) if args_file.exists() else {}
    argv = ["import", str(path), "-o", str(tmp_path / "s.yaml")]
    if "parameters" in args:
        argv += ["--parameters", str(CORPUS / args["parameters"])]
    for item in args.get("set", []):
        argv += ["--set", item]
    if "location" in args:
        argv += ["--location", args["location"]]
    runner = CliRunner()
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["validate", str(tmp_path / "s.yaml")]).exit_code == 0
