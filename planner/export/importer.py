"""Import: what people have -> a scenario skeleton to start from.

Inputs (recognised by their shape, not their name):
- an ARM template (JSON, with // and /* */ comments and trailing commas as ARM accepts them; or
  the same as YAML), evaluated as ARM evaluates it (planner.export.template, .resources,
  .arm_scenario): parameters from `--parameters FILE` and `--set`, else their defaults;
  languageVersion 2.0 (Bicep's output) with symbolic names and `existing` resources; nested
  deployments (Bicep modules, Azure Verified Modules);
- what `az sig show`, `az sig image-definition show` and `az sig image-version show` / `list`
  print (the REST shapes), read by planner.export.rest_input;
- `terraform show -json` of a state or a plan holding azurerm_shared_image_* resources
  (planner.export.terraform_input).

What an input does not say is a labelled placeholder the architect must check: one tenant and
subscription, each version's occupied size (30 GB), galleries and definitions the input only
refers to, an empty workload; the scenario's description lists them and every note. The result
is validated like any scenario.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from acgsim.planner.export import arm_scenario, jsonc, origins
from acgsim.planner.export import parameters as given
from acgsim.planner.export.arm_reader import TYPES
from acgsim.planner.export.expressions import Invalid, Unresolved, quote
from acgsim.planner.export.resources import Walk, items
from acgsim.planner.export.scope_functions import Context
from acgsim.planner.export.skeleton import skeleton as make_skeleton
from acgsim.planner.export.template import MAX_TEMPLATE_CHARS, Template
from acgsim.sim import catalog
from acgsim.sim.documents import LineFinder
from acgsim.sim.errors import InputError, Problem, ScenarioError
from acgsim.sim.loader import validate
from acgsim.sim.scenario import Scenario

__all__ = ["MAX_TEMPLATE_CHARS", "TYPES", "import_file", "import_template", "scenario_data"]


def scenario_data(
    template: dict,
    name: str = "imported",
    values: dict[str, Any] | None = None,
    location: str | None = None,
) -> dict:
    """The scenario (as plain data) that the template's gallery resources describe."""
    return _located_data(template, name, values, location)[0]


def _located_data(
    template: dict, name: str, values: dict[str, Any] | None, location: str | None
) -> tuple[dict, dict]:
    """scenario_data and where in the template each gallery, definition, version and target
    region came from (planner.export.origins)."""
    if location is not None:
        region = catalog.normalize_region(location)
        if region not in catalog.REGIONS:
            raise InputError(f"--location: '{quote(location)}' is not a region acgsim knows")
        location = region
    try:
        reader, needs = _read(template, values, location)
        if needs and location is None:
            found = list(dict.fromkeys(reader.version_locations or reader.locations))
            first = reader
            for guess in found:  # the first that makes no version target a region twice
                reader, _ = _read(template, values, guess)
                if not _twice(reader):
                    reader.notes.insert(
                        0,
                        f"resourceGroup().location taken as {guess}, the first location the "
                        "template gives literally that it does not already target; pass "
                        "--location to choose",
                    )
                    break
            else:
                reader = first
            if found and reader is first:  # each guess would target a region twice
                located = [p for p in reader.problems if "--location" in p.message]
                reader.problems = [
                    Problem(
                        located[0].path if located else (),
                        "uses resourceGroup().location, and the regions the template names "
                        f"({', '.join(found)}) are its other target regions, so none of them "
                        "can be it: give the resource group's region with --location REGION",
                    )
                ]
            elif not found and reader.problems:
                located = [p for p in reader.problems if "--location" in p.message]
                reader.problems = [p for p in reader.problems if p not in located]
                reader.problems.insert(
                    0,
                    Problem(
                        located[0].path if located else (),
                        "uses resourceGroup().location and the template names no region "
                        "literally: give the resource group's region with --location REGION",
                    ),
                )
    except (Invalid, RecursionError) as exc:
        raise _refused(exc) from None
    if reader.problems:
        raise ScenarioError(reader.problems)
    if not reader.galleries:
        if reader.linked:  # the galleries may well be in the linked template
            raise ScenarioError(
                [
                    Problem(
                        path,
                        "a linked template is not fetched (acgsim works offline) and the file "
                        f"holds no gallery resource ({', '.join(TYPES)}) of its own: import "
                        "the linked template on its own, with the parameters this deployment "
                        "passes",
                    )
                    for path in reader.linked
                ]
            )
        raise ScenarioError([Problem(("resources",), f"no gallery resource ({', '.join(TYPES)})")])
    galleries = list(reader.galleries.values())
    where = origins.collect(galleries)
    return make_skeleton(name, "an ARM template", galleries, reader), where


def _twice(reader: Any) -> bool:
    """Does some version of the reader's target a region twice (a wrong guess of a location)?"""
    for image in reader.images.values():
        for version in image["versions"]:
            regions = [t["region"] for t in version["regions"]]
            if len(set(regions)) < len(regions):
                return True
    return False


def _read(template: dict, values: dict | None, location: str | None) -> tuple[Any, bool]:
    found = items(template)
    if found is None:
        raise ScenarioError([Problem(("resources",), "no resources list in the template")])
    t = Template(template, values, Context(location=location), strict=True)
    walk = Walk(TYPES)
    reader = arm_scenario.read(walk, walk.instances(t, found))
    reader.linked = walk.linked
    reader.notes += t.budget.notes
    return reader, t.budget.needs_location


def version_resources(template: dict, file: str = "") -> list[tuple[tuple, list[str] | None, Any]]:
    """Every image version resource in a template, nested ones and copies included: (its path in
    the template, [gallery, image, version] or None where the name does not evaluate to three
    parts, its properties with every simple expression evaluated and the others None). Evaluated
    within the limits of an import (parameters without a value are unknown, not refused); what
    ARM would refuse is ScenarioError naming `file`."""
    found = items(template)
    if found is None:
        return []
    try:
        out = []
        for r in Walk(TYPES[2:]).instances(Template(template), found):
            if r.existing:
                continue
            try:
                names = [r.scope.value(seg, (*r.path, "name"), r.loops) for seg in r.segments]
            except Unresolved:
                names = []
            parts = [p for n in names if isinstance(n, str) for p in n.split("/") if p]
            props = r.scope.tree(r.resource.get("properties"), (*r.path, "properties"), r.loops)
            out.append((r.path, parts if len(parts) == 3 else None, props))
        return out
    except (Invalid, RecursionError) as exc:
        raise _refused(exc, file) from None


def _refused(exc: Invalid | RecursionError, file: str = "") -> ScenarioError:
    if isinstance(exc, RecursionError):  # the nesting limits should make this unreachable
        return ScenarioError([Problem((), "nests too deeply to be read", file=file)])
    expr = f'"{quote(exc.expr)}": ' if exc.expr else ""
    return ScenarioError([Problem(exc.path or (), expr + exc.message, file=file)])


def import_template(
    template: dict,
    file: str,
    name: str = "imported",
    text: str | None = None,
    values: dict[str, Any] | None = None,
    location: str | None = None,
) -> Scenario:
    """A validated scenario skeleton from an ARM template, or ScenarioError naming the problems
    (each on its line in the template, given the template's text)."""
    lines = LineFinder(text)
    try:
        data, where = _located_data(template, name, values, location)
    except ScenarioError as exc:
        raise ScenarioError(
            [
                Problem(p.path, p.message, file=file, line=lines.find(p.path) if p.path else None)
                for p in exc.problems
            ]
        ) from None
    try:
        scenario, _ = validate(data, file=file)
    except ScenarioError as exc:  # at the template's paths, which the user wrote
        located = [origins.locate(p, where) for p in exc.problems]
        raise ScenarioError(
            [
                replace(p, line=lines.find(p.path) if p.path and p.path[0] == "resources" else None)
                for p in located
            ]
        ) from None
    return scenario


def import_file(
    path: Path,
    parameters: Path | None = None,
    sets: list[str] | None = None,
    location: str | None = None,
    data: Any = None,
    text: str | None = None,
) -> Scenario:
    """The scenario skeleton an ARM template file describes, or ScenarioError naming the file
    (`data` and `text`: the file already read)."""
    if data is None:
        data, text = jsonc.read(path, MAX_TEMPLATE_CHARS, "ARM's limit for a template")
    if not isinstance(data, dict):
        raise ScenarioError([Problem((), "is not an ARM template (a JSON object)", file=str(path))])
    values: dict[str, Any] = {}
    declared = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    if parameters is not None:
        pdata, _ = jsonc.read(parameters, MAX_TEMPLATE_CHARS, "ARM's limit for a parameters file")
        from_file = given.read_file(parameters, pdata)
        at = ("parameters",) if isinstance(pdata, dict) and "parameters" in pdata else ()
        given.check_supplied(from_file, declared, str(parameters), at)
        values.update(from_file)
    declarations = {str(k).lower(): v for k, v in declared.items() if isinstance(v, dict)}
    from_sets = {}
    for name, text_value in given.parse_sets(sets or []).items():
        from_sets[name] = given.from_text(text_value, declarations.get(name.lower(), {}))
    given.check_supplied(from_sets, declared, "--set", ())
    values.update(from_sets)
    return import_template(data, str(path), path.stem, text, values or None, location)
