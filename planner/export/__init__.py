"""Exports of a plan (or a scenario's own publishing profile) for real deployment tools.

The registry below is the one list of formats: the CLI's choices, file names and renderers all
come from it. A format's module is imported only when that format is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from acgsim.planner.export.document import Export
    from acgsim.planner.plan import Plan


@dataclass(frozen=True)
class Format:
    name: str
    filename: str  # what `plan --export` writes into --out
    module: str  # acgsim.planner.export.<module>.render(Export) -> str
    tool: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("arm", "template.json", "arm", "ARM template (az deployment group create)"),
        Format("bicep", "main.bicep", "bicep", "Bicep (az deployment group create)"),
        Format("terraform", "main.tf", "terraform", "Terraform, azurerm provider"),
        Format("azcli", "deploy.sh", "azcli", "a bash script of az sig commands"),
    ]
}


def check_format(name: str, option: str = "--format") -> Format:
    """The format called NAME; InputError names the known ones."""
    from acgsim.sim.errors import InputError

    if name not in FORMATS:
        raise InputError(f"{option}: '{name}' is not one of {', '.join(FORMATS)}")
    return FORMATS[name]


def render(name: str, export: Export) -> str:
    """The text of one format for an export document."""
    module = import_module(f"{__name__}.{check_format(name).module}")
    return module.render(export)


def render_plan(name: str, plan: Plan) -> str:
    """The text of one format for a plan (its replicas applied to the scenario it embeds)."""
    from acgsim.planner.export import document

    return render(name, document.from_plan(plan))


def for_report(plan: Plan) -> dict[str, str]:
    """The exported files a plan's report shows (file name -> text): its ARM template, or none
    for a plan without its scenario."""
    return {"template.json": render_plan("arm", plan)} if plan.scenario_spec else {}


def load(path: Path) -> Export:
    """What to export from a file: a plan.json (the plan applied to the scenario it embeds) or a
    scenario (its own target regions). Bad input raises InputError or ScenarioError."""
    from acgsim.planner.export import document
    from acgsim.planner.plan import load_plan
    from acgsim.sim.errors import InputError
    from acgsim.sim.loader import load_scenario

    plan = load_plan(path)
    if plan is not None:
        if not plan.scenario_spec:
            raise InputError(
                f"{path}: scenario_spec: is empty: a plan made without its scenario cannot be "
                "exported; make it with `acgsim plan SCENARIO --out DIR`"
            )
        return document.from_plan(plan)
    return document.from_scenario(load_scenario(path)[0])
