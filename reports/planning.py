"""The plan command's steps around the planner: its outputs checked before any work, the search
with a progress bar, the diff against what is deployed, plan.json with its exports and diff, the
tables, the report, and the exit status (4 an export refused, 1 objectives missed, 3 changes).

The planner decides (planner.search); this module only orders the steps and shows their answers.
"""

from __future__ import annotations

from pathlib import Path

import typer

from acgsim.reports import files, progress
from acgsim.reports.commands import say, warn
from acgsim.sim import footprint
from acgsim.sim.errors import InputError


def plan_and_show(
    scenario,
    exports,
    *,
    runs: int,
    seed: int | None,
    below_guidance: bool,
    premium: bool,
    alternatives: bool,
    prices: Path | None,
    against: Path | None,
    workers: int,
    fmt: str,
    out_dir: Path | None,
    report: bool,
    export: list[str] | None,
    force: bool,
    ceiling: footprint.Ceiling,
) -> None:
    """Plan the scenario, write and show the plan; raise the exit status it calls for.
    `exports` is the exporter (acgsim.planner.export, given by the command: reports run no
    exporter of their own)."""
    from acgsim.planner import cost, deployed, diff
    from acgsim.planner.evaluate import listening
    from acgsim.planner.progress import expected_candidates
    from acgsim.planner.search import plan as make_plan
    from acgsim.reports import diff as shown

    if (export or report) and out_dir is None:
        raise InputError("--export and --report need --out DIR to write into")
    formats = [exports.check_format(f, "--export") for f in export or []]
    if out_dir is not None:
        names = ["plan.json", *(name for f in formats for name in f.files)]
        names += ["diff.json"] if against is not None else []
        files.check_outputs(out_dir, names, force, report)
    table = cost.price_table(scenario, prices)
    current = None if against is None else deployed.load(against)  # bad input: before any work
    total = expected_candidates(scenario, runs, premium, alternatives)
    with progress.counted("planning", total) as bar, listening(bar.count):
        result = make_plan(
            scenario,
            runs=runs,
            seed=seed,
            below_guidance=below_guidance,
            premium=premium,
            prices=table,
            workers=workers,
            progress=bar.say,
            ceiling=ceiling,
            alternatives=alternatives,
        )
    changes = None if current is None else diff.diff(result, current)
    refused = None
    if out_dir is not None:  # plan.json is written even when its exports are refused
        texts, refused = exports.for_out(result, [f.name for f in formats], force, warn)
        texts |= {"diff.json": changes.to_json()} if changes is not None else {}
        files.write_plan(out_dir, result, texts, force)
    shown.show_plan(result, changes, fmt)
    if out_dir is not None and fmt == "table":
        say(f"wrote {out_dir / 'plan.json'}")
    if report and out_dir is not None:
        from acgsim.reports import html

        written = html.plan_report(result, out_dir / "report", exports=exports.for_report(result))
        warn(f"report: {written[0]}")
    if refused is not None:
        raise refused
    if result.infeasible or (changes is not None and changes.changed):
        raise typer.Exit(1 if result.infeasible else 3)
