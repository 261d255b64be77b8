"""Exports of a plan (or a scenario's own publishing profile) for real deployment tools.

The registry below is the one list of formats: the CLI's choices, file names and renderers all
come from it. A format's module is imported only when that format is rendered. A format may
write companion files beside its main file (`files`): ARM's NAME.parameters.json and Bicep's
NAME.bicepparam hold the values a deployment must supply.

A plan that does not meet its objectives or its budget is not fit to deploy: `unfit` says why,
and the CLI refuses to export it (exit status UNFIT) unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from acgsim.sim.errors import InputError  # light: no pydantic

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from acgsim.planner.export.document import Export
    from acgsim.planner.plan import Plan


@dataclass(frozen=True)
class Format:
    name: str
    filename: str  # what `plan --export` writes into --out
    module: str  # acgsim.planner.export.<module>.render(Export) -> str
    tool: str
    companions: tuple[str, ...] = ()  # what `plan --export` writes beside `filename`

    @property
    def files(self) -> list[str]:
        return [self.filename, *self.companions]


UNFIT = 4  # the exit status of an export refused because its plan is not fit to deploy


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format(
            "arm",
            "template.json",
            "arm",
            "ARM template (az deployment group create)",
            ("template.parameters.json",),
        ),
        Format(
            "bicep",
            "main.bicep",
            "bicep",
            "Bicep (az deployment group create)",
            ("main.bicepparam",),
        ),
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


def files(name: str, export: Export, path: Path | str) -> dict[str, str]:
    """Every file of one format (path -> text): the main file at PATH and its companions."""
    module = import_module(f"{__name__}.{check_format(name).module}")
    extra = module.companions(export, str(path)) if hasattr(module, "companions") else {}
    return {str(path): module.render(export), **extra}


def render_plan(name: str, plan: Plan) -> str:
    """The text of one format for a plan (its replicas applied to the scenario it embeds)."""
    from acgsim.planner.export import document

    return render(name, document.from_plan(plan))


def plan_files(names: list[str], plan: Plan) -> dict[str, str]:
    """The files `plan --export` writes (file name -> text) for the formats NAMES."""
    from acgsim.planner.export import document

    export = document.from_plan(plan)
    out: dict[str, str] = {}
    for name in names:
        out.update(files(name, export, FORMATS[name].filename))
    return out


def for_out(
    plan: Plan, names: list[str], force: bool, warn: Callable[[str], object]
) -> tuple[dict[str, str], Unfit | None]:
    """What `plan --out --export` writes beside plan.json (file name -> text), and the refusal
    to raise once plan.json is written if the plan is not fit to deploy (forced: a warning)."""
    if not names:
        return {}, None
    try:
        for line in check_fit(plan, force, "--export"):
            warn(line)
    except Unfit as refused:
        return {}, refused
    return plan_files(names, plan), None


def unfit(plan: Plan) -> list[str]:
    """Why a plan is not fit to deploy: objectives it cannot meet, a budget it exceeds (read
    from the plan's own figures too, so a hand-edited plan.json cannot hide them); [] if fit."""
    why = list(plan.infeasible)
    missed = [f"{r.version} in {r.region}" for r in plan.regions if r.meets_objectives is False]
    if missed and not why:
        why.append("objectives not met for " + ", ".join(missed))
    budget = (plan.objectives or {}).get("monthly_budget_usd")
    cost = plan.totals.monthly_cost_usd
    if isinstance(budget, (int, float)) and cost > budget and not any("budget" in w for w in why):
        why.append(f"monthly cost {cost:,.2f} is over the budget of {budget:,.2f}")
    return why


def check_fit(plan: Plan | None, force: bool, what: str) -> list[str]:
    """Lines to print when exporting WHAT from PLAN (none for a fit plan or a scenario);
    raises Unfit when the plan is not fit to deploy and not forced."""
    why = unfit(plan) if plan is not None else []
    if not why:
        return []
    lines = [f"{what}: the plan is not fit to deploy:", *(f"  {w}" for w in why)]
    if not force:
        raise Unfit([*lines, "  not exported; pass --force to export it anyway"])
    return [*lines, "  exported anyway (--force)"]


class Unfit(InputError):
    """An export refused: the plan misses objectives or budget (exit status UNFIT)."""

    status = UNFIT

    def __init__(self, lines: list[str]):
        super().__init__(*lines)


def for_report(plan: Plan) -> dict[str, str]:
    """The exported files a plan's report shows (file name -> text): its ARM template, or none
    for a plan without its scenario."""
    return {"template.json": render_plan("arm", plan)} if plan.scenario_spec else {}


def load(path: Path) -> Export:
    """What to export from a file: a plan.json (the plan applied to the scenario it embeds) or a
    scenario (its own target regions). Bad input raises InputError or ScenarioError."""
    return load_with_plan(path)[0]


def load_with_plan(path: Path) -> tuple[Export, Plan | None]:
    """`load`, with the plan the file holds (None for a scenario)."""
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
        return document.from_plan(plan), plan
    return document.from_scenario(load_scenario(path)[0]), None
