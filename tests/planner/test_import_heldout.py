"""Held-out templates: written by someone who had not read acgsim's import code, in the styles real
people write (quickstarts from 2018-06-01 on, nested and linked deployments, copy loops over
objects and with offsets, conditions, child resources with short types, Bicep 2.0 symbolic
resources and user-defined types, portal and `az group export` output, `az sig ... -o json` with
and without --expand, parameters files). Each NAME.json has NAME.expect.yaml beside it: where the
style comes from (`provenance`), the command's arguments (`args`) and what the import must mean:
the galleries, definitions, versions, every target region's [replicas, storage, effective
exclude-from-latest], which version `latest` is in each region, or, for what acgsim cannot
represent, the refusal (exit 2, the file and the JSON path named).

An `expect` entry states only what the input says: galleries, images and versions are compared as
whole sets; a gallery's or image's fields only as far as the expectation lists them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from acgsim.cli import app

from .heldout_meaning import scenario_meaning

CORPUS = Path(__file__).parent / "templates_heldout"
CASES = sorted(CORPUS.glob("*.expect.yaml"))


def _input_of(expect_file: Path) -> Path:
    stem = expect_file.name.removesuffix(".expect.yaml")
    for suffix in (".json", ".jsonc", ".bicep"):
        candidate = CORPUS / (stem + suffix)
        if candidate.exists():
            return candidate
    raise AssertionError(f"no input beside {expect_file.name}")


def run_import(path: Path, args: dict, out: Path):
    """`acgsim import` as a user types it; returns the CliRunner result."""
    argv = ["import", str(path)]
    if "parameters" in args:
        argv += ["--parameters", str(CORPUS / args["parameters"])]
    for name, value in args.get("set", {}).items():
        argv += ["--set", f"{name}={value}"]
    if "location" in args:
        argv += ["--location", args["location"]]
    argv += ["-o", str(out)]
    return CliRunner().invoke(app, argv)


def imported_meaning(expect_file: Path, tmp_path: Path) -> tuple[dict, dict]:
    expect = yaml.safe_load(expect_file.read_text())
    out = tmp_path / "imported.yaml"
    result = run_import(_input_of(expect_file), expect.get("args", {}), out)
    assert result.exit_code == 0, result.output
    spec = yaml.safe_load(out.read_text())
    return scenario_meaning(spec), spec


def test_the_heldout_corpus_is_large_enough_and_says_where_each_style_comes_from():
    readable = [c for c in CASES if "refuse" not in yaml.safe_load(c.read_text())]
    assert len(readable) >= 20
    for case in CASES:
        expect = yaml.safe_load(case.read_text())
        assert len(expect.get("provenance", "")) > 40, case.name
        _input_of(case)


def _expand_latest(expected, regions: set[str]) -> dict[str, str]:
    if isinstance(expected, dict):
        return {k.replace(" ", "").lower(): str(v) for k, v in expected.items()}
    return dict.fromkeys(sorted(regions), str(expected))


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "refuse" not in yaml.safe_load(c.read_text())],
    ids=lambda p: p.name.removesuffix(".expect.yaml"),
)
def test_each_heldout_input_is_read_for_what_it_means(case, tmp_path):
    expect = yaml.safe_load(case.read_text())
    got, spec = imported_meaning(case, tmp_path)

    assert sorted(got["galleries"]) == sorted(expect["galleries"]), "galleries"
    for name, fields in expect["galleries"].items():
        for field, value in (fields or {}).items():
            if field == "region_any_of":
                assert got["galleries"][name]["region"] in value, f"{name}.region"
            else:
                assert got["galleries"][name][field] == value, f"{name}.{field}"

    assert sorted(got["images"]) == sorted(expect.get("images", {})), "images"
    for name, fields in expect.get("images", {}).items():
        for field, value in (fields or {}).items():
            assert got["images"][name][field] == value, f"{name}.{field}"

    assert sorted(got["versions"]) == sorted(expect.get("versions", {})), "versions"
    for name, fields in expect.get("versions", {}).items():
        version = got["versions"][name]
        want_regions = {k.replace(" ", "").lower(): v for k, v in fields["regions"].items()}
        assert version["regions"] == want_regions, f"{name}.regions"
        assert version["replication_mode"] == fields.get("replication_mode", "Full"), name
        assert version["end_of_life"] == fields.get("end_of_life"), f"{name}.end_of_life"

    for image, want in expect.get("latest", {}).items():
        mine = [f for v, f in got["versions"].items() if v.startswith(image + "/")]
        targeted = {r for f in mine for r in f["regions"]}
        assert got["latest"][image] == _expand_latest(want, targeted), f"latest of {image}"

    for phrase in expect.get("notes", []):
        assert phrase in spec["description"], phrase

    # What was read is a scenario acgsim accepts: validate it as a user would.
    out = tmp_path / "imported.yaml"
    checked = CliRunner().invoke(app, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "refuse" in yaml.safe_load(c.read_text())],
    ids=lambda p: p.name.removesuffix(".expect.yaml"),
)
def test_what_acgsim_cannot_represent_is_refused_naming_file_and_path(case, tmp_path):
    expect = yaml.safe_load(case.read_text())
    source = _input_of(case)
    out = tmp_path / "imported.yaml"
    result = run_import(source, expect.get("args", {}), out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    lines = [line for line in result.output.splitlines() if line.strip()]
    hit = [line for line in lines if source.name in line and expect["refuse"]["path"] in line]
    assert hit, result.output
    for phrase in expect["refuse"].get("says", []):
        assert any(phrase.lower() in line.lower() for line in hit), (phrase, result.output)
