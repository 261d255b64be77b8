"""The model's assumptions on the console: every default or a scenario's with its overrides
(`acgsim assumptions`), those a run used (with --verbose), and a plan's footer on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acgsim.reports import console
from acgsim.reports.console import emit, fmt_of, say, show_table
from acgsim.sim import catalog

if TYPE_CHECKING:
    from acgsim.sim.scenario import Scenario

WRAP = ["value", "rationale"]


def print_assumptions(scenario: Scenario | None, fmt: str | bool) -> None:
    """The model assumptions in force: the defaults, or a scenario's with its overrides."""
    from acgsim.reports.sources import public
    from acgsim.sim.params import ModelParams, assumptions, assumptions_marked

    if scenario is None:
        rows = assumptions(ModelParams(), catalog.DEFAULT_GUIDANCE)
        fields = ["parameter", "value", "rationale"]
    else:  # each with its default, the scenario's own values marked
        rows = assumptions_marked(scenario.model, scenario.guidance)
        fields = ["parameter", "value", "default", "overridden", "rationale"]
    title = "Model assumptions (override under `model:` in a scenario)"
    if fmt_of(fmt) != "table":  # json, csv, tsv: one list, full names
        emit(fmt, rows, title, fields, [], wrap=WRAP)
        return
    if scenario is not None:
        changed = sum(1 for r in rows if r["overridden"])
        title = f"Model assumptions of {scenario.name} ({changed} set by the scenario: marked)"
        rows = [
            r | {"value": f"{r['value']} (default {r['default']})"} if r["overridden"] else r
            for r in rows
        ]
    model = [r for r in rows if not r["parameter"].startswith("clients.")]
    clients = [r for r in rows if r["parameter"].startswith("clients.")]
    table = [[r["parameter"], r["value"], public(r["rationale"])] for r in model]
    emit(fmt, model, title, ["parameter", "value", "rationale"], table, wrap=WRAP)
    if clients:  # their full names are long: shown without the common `clients.`
        table = [
            [r["parameter"].removeprefix("clients."), r["value"], public(r["rationale"])]
            for r in clients
        ]
        say("")
        show_table(
            "Client profiles (override under `model: clients:`, or define your own under "
            "`clients:`):",
            ["clients.", "value", "rationale"],
            table,
            WRAP,
        )


def print_assumptions_used(rows: list[dict], fmt: str) -> None:
    """With --verbose, after a run's tables: the assumptions it ran with."""
    if console.VERBOSE and fmt == "table" and rows:
        from acgsim.reports.sources import public

        table = [[r["parameter"], r["value"], public(r["rationale"])] for r in rows]
        show_table("Assumptions this run used:", ["parameter", "value", "rationale"], table, WRAP)


def print_plan_assumptions(rows: list) -> None:
    """The plan's footer on its model assumptions: how many, which the scenario overrides; with
    --verbose every one (plan.json and the plan's report always list them all)."""
    if not rows:  # a plan.json of acgsim 0.2 or before does not carry them
        return
    changed = [f"{a.parameter} = {a.value} (default {a.default})" for a in rows if a.overridden]
    say(
        f"Assumptions: {len(rows)} model parameters; "
        + (f"overridden: {'; '.join(changed)}" if changed else "none overridden")
        + ". All are in plan.json and the report (-v: here)."
    )
    if console.VERBOSE:
        table = [
            [a.parameter, a.value + (" (set)" if a.overridden else ""), a.source] for a in rows
        ]
        show_table("Assumptions this plan used:", ["parameter", "value", "source"], table, WRAP)
