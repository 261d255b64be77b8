"""`acgsim import`: which kind of input a file is, by its shape (not its name), and its reader.

- an object with `resources`: an ARM template (planner.export.importer);
- `terraform show -json` output (format_version, values or planned_values):
  planner.export.terraform_input;
- what `az sig ... show` / `list` prints (objects with a gallery resource `id`, a list of them, or
  a REST page {"value": [...]}): planner.export.rest_input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from acgsim.planner.export import importer, jsonc, origins, rest_input, terraform_input
from acgsim.planner.export.template import MAX_TEMPLATE_CHARS
from acgsim.sim.documents import MAX_BYTES
from acgsim.sim.errors import InputError, Problem, ScenarioError
from acgsim.sim.loader import validate
from acgsim.sim.scenario import Scenario

# Bicep's own files are not JSON: what to run to get the JSON acgsim reads
BICEP_SOURCES = {
    ".bicep": "is Bicep source; acgsim reads the ARM JSON it compiles to: run "
    "`az bicep build --file {0}` (or `bicep build {0}`) and import the .json it writes",
    ".bicepparam": "is a Bicep parameters file: import the template it uses (compiled with "
    "`az bicep build`) and give these values with --parameters after "
    "`az bicep build-params --file {0}`",
}


def import_file(
    path: Path,
    parameters: Path | None = None,
    sets: list[str] | None = None,
    location: str | None = None,
) -> Scenario:
    """The scenario skeleton a file describes, or ScenarioError naming the file."""
    if path.suffix.lower() in BICEP_SOURCES:
        raise ScenarioError(
            [Problem((), BICEP_SOURCES[path.suffix.lower()].format(path.name), file=str(path))]
        )
    data, text = jsonc.read(path, MAX_BYTES, "the limit for an input file")
    kind = kind_of_input(data)
    if kind == "arm":
        if len(text.encode("utf-8")) > MAX_TEMPLATE_CHARS:  # ARM would refuse it anyway
            raise ScenarioError(
                [
                    Problem(
                        (),
                        f"is larger than ARM's limit for a template, "
                        f"{MAX_TEMPLATE_CHARS // 2**20} MB",
                        file=str(path),
                    )
                ]
            )
        return importer.import_file(path, parameters, sets, location, data, text)
    if kind is None:
        raise ScenarioError(
            [
                Problem(
                    (),
                    "is not an ARM template (an object with `resources`), what `az sig ... "
                    "show` or `list` prints, or `terraform show -json` output",
                    file=str(path),
                )
            ]
        )
    if parameters or sets or location:
        raise InputError(
            f"--parameters, --set and --location apply to ARM templates; {path} is {kind} output"
        )
    where: dict = {}
    if kind == "az sig":
        data, where = rest_input.located_data(path, data, path.stem)
    else:
        data = terraform_input.scenario_data(data, str(path), path.stem)
    try:
        return validate(data, file=str(path))[0]
    except ScenarioError as exc:  # at the file's own paths where known
        raise ScenarioError([origins.locate(p, where) for p in exc.problems]) from None


def kind_of_input(data: Any) -> str | None:
    """'arm', 'az sig', 'terraform show' or None: what a parsed input file is, by its shape."""
    if isinstance(data, dict):
        if {"format_version", "terraform_version"} & set(data):
            return "terraform show"
        if "resources" in data:
            return "arm"
        if isinstance(data.get("value"), list) or "id" in data:
            return "az sig"
    if isinstance(data, list) and data and all(isinstance(d, dict) and "id" in d for d in data):
        return "az sig"
    return None
