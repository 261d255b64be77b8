"""acgsim's command line: thin. It parses options, calls the library and renders the answer.

Exit status: 0 success, 2 bad input (a scenario with problems, a bad option), 1 an internal error
or an objective that cannot be met, 3 changes proposed by `plan --against`, 4 an export refused:
its plan is not fit to deploy (2, 4, 1, 3: the first wins). Commands import what they need when
they run, so `acgsim --help` answers without loading numpy, SimPy, pydantic models or matplotlib.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperArgument

from acgsim import __version__

# light: no model, no pydantic, no numpy
from acgsim.reports import assumption_tables, console, files, lessons, reference, validation
from acgsim.reports import options as opt
from acgsim.reports.commands import engine as use_engine
from acgsim.reports.commands import fail_if_broken, load, print_or_write, say, say_wrote, warn
from acgsim.reports.commands import fmt as _fmt
from acgsim.reports.options import (
    ALL_CORES,
    AsJson,
    Engine,
    Faults,
    Force,
    Format,
    MaxMemory,
    MaxRequests,
    OutDir,
    OutputFile,
    OverwriteFile,
    Premium,
    Report,
    ScenarioArg,
    Seed,
    Sets,
    Workers,
)
from acgsim.reports.options import runs as _runs
from acgsim.sim import footprint  # light: the ceilings, before any model loads
from acgsim.sim.errors import InputError

TyperArgument._usage_display_name = opt.usage_name  # typer's own: {name}
TyperArgument.display_type_rich = lambda self, ctx: None  # the metavar says it: no <path>

app = typer.Typer(
    name="acgsim",
    cls=opt.Commands,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no boxes, wrapped between words at any width
)


def _version(value: bool) -> None:
    if value:  # `acgsim --version` never gets here (acgsim.__main__ answers it): CliRunner does
        print(f"acgsim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool | None, opt.version(_version)] = None,
    quiet: opt.Quiet = False,
    verbose: opt.Verbose = False,
) -> None:
    """Offline simulator and capacity planner for Azure Compute Gallery.

    Scenarios are YAML or JSON files, or the name of a bundled one (acgsim scenarios list).
    Shell completion: acgsim --install-completion.

    Example: acgsim run quickstart
    """
    console.set_verbosity(quiet, verbose)


# --- commands --------------------------------------------------------------------------------


@app.command()
def validate(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILES", help="Scenario files or bundled names.")
    ],
    fmt: Format = "table",
    as_json: AsJson = False,
) -> None:
    """Check scenario files: every problem Azure would refuse, and every dangling reference.

    Prints one line per problem as FILE: field.path: message, and exits with status 2 if any
    file has an error (warnings alone exit 0).

    Example: acgsim validate quickstart zone-outage-lrs
    """
    from acgsim import scenarios

    if not validation.print_validation(paths, scenarios.resolve, _fmt(fmt, as_json)):
        raise typer.Exit(2)


@app.command()
def run(
    file: ScenarioArg,
    seed: Seed = None,
    runs: Annotated[int, _runs(1, "Runs on child seeds.")] = 1,
    sets: Sets = None,
    faults: Faults = None,
    fmt: Format = "table",
    as_json: AsJson = False,
    out_dir: OutDir = None,
    trace: Annotated[bool, typer.Option(help="Keep one record per request.")] = False,
    timing: Annotated[bool, typer.Option(help="Record wall time (makes output vary).")] = False,
    force: Force = False,
    report: Report = False,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Simulate a scenario: time to running, throttling, failures, replicas, replication.

    With --runs K the scenario runs on K child seeds and each key figure shows its mean with a
    95% confidence interval. --set and --fault run a variant without editing the file.

    Example: acgsim run quickstart --runs 5

    Example: acgsim run zone-outage-zrs --set storage=Standard_LRS

    Example: acgsim run quickstart --fault zone:westeurope:1@0s+1h
    """
    from acgsim.reports.commands import run_and_show

    use_engine(engine)
    scenario = load(file, max_requests, max_memory, runs, trace, (sets, faults))
    shown = dict(out_dir=out_dir, force=force, report=report, fmt=_fmt(fmt, as_json))
    run_and_show(file, scenario, seed=seed, runs=runs, trace=trace, timing=timing, **shown)


@app.command()
def plan(
    file: ScenarioArg,
    guidance: opt.Guidance = None,
    objective: opt.Objectives = None,
    old_objective: opt.OldObjectives = None,
    sets: Sets = None,
    faults: Faults = None,
    runs: Annotated[int, _runs(2, "Runs per candidate.")] = 20,
    seed: Seed = None,
    below_guidance: opt.BelowGuidance = False,
    premium: Premium = False,
    alternatives: opt.Alternatives = False,
    prices: opt.Prices = None,
    against: opt.Against = None,
    workers: Workers = ALL_CORES,
    fmt: Format = "table",
    as_json: AsJson = False,
    out_dir: OutDir = None,
    report: Report = False,
    export: opt.Exports = None,
    force: Force = False,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Recommend replicas and storage per region, verified by simulation and priced.

    Starts from Azure's guidance, simulates it, then raises or lowers each region's replicas to the
    fewest that meet the objectives. Exits 1 if some objective cannot be met. With --against it
    also shows what applying the plan changes there, and exits 3 if anything (0 if nothing).

    Example: acgsim plan quickstart --objective p95=2m --out plans/
    """
    from acgsim.planner import export as exports
    from acgsim.reports.planning import plan_and_show

    if old_objective:
        warn(
            "warning: -o for --objective is deprecated (-o is --output everywhere): use --objective"
        )
    goals = [*(objective or []), *(old_objective or [])]
    use_engine(engine)
    scenario = load(file, changes=(sets, faults)).with_options(guidance=guidance, objectives=goals)
    plan_and_show(
        scenario,
        exports,
        runs=runs,
        seed=seed,
        below_guidance=below_guidance,
        premium=premium,
        alternatives=alternatives,
        prices=prices,
        against=against,
        workers=workers,
        fmt=_fmt(fmt, as_json),
        out_dir=out_dir,
        report=report,
        export=export,
        force=force,
        ceiling=footprint.Ceiling(max_requests, max_memory),
    )


@app.command(name="export")
def export_command(
    source: opt.ExportSource,
    fmt: opt.ExportFormat,
    output: OutputFile = None,
    force: opt.ExportForce = False,
) -> None:
    """Write the galleries, images and versions for a real deployment: ARM, Bicep, Terraform, az.

    From a plan, the plan's replicas and storage per region; from a scenario, its own target
    regions. A plan that misses its objectives or budget is refused (exit 4) unless --force.

    Example: acgsim export plans/plan.json --format arm -o azuredeploy.json
    """
    from acgsim.planner import export as exports
    from acgsim.reports.commands import export_and_write

    export_and_write(exports, source, fmt, output, force)


@app.command(name="import")
def import_command(
    source: opt.ImportSource,
    parameters: opt.ArmParameters = None,
    sets: opt.ArmSets = None,
    location: opt.Location = None,
    output: OutputFile = None,
    force: OverwriteFile = False,
) -> None:
    """Start a scenario from ARM (Bicep's too), az sig or Terraform JSON: see docs/import.md.

    Example: acgsim import azuredeploy.json -o imported.yaml
    """
    from acgsim.planner.export import inputs
    from acgsim.sim.loader import dump_yaml

    if output is not None:
        files.check_target(output, force)
    scenario = inputs.import_file(source, parameters, sets, location)
    print_or_write(dump_yaml(scenario), output, force)


@app.command()
def report(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SOURCE", help="result.json, plan.json, a scenario or a serve trace."
        ),
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for report.html and plots.")
    ],
    svg: Annotated[bool, typer.Option(help="Also write the plots as SVG.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing report.")] = False,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
) -> None:
    """A self-contained HTML report (plots embedded) and a Markdown summary.

    From a run's result.json, a plan's plan.json, a scenario (which is run first), or the
    trace.jsonl of acgsim serve (or its state folder).

    Example: acgsim report zone-outage-lrs --out reports/zone
    """
    from acgsim import scenarios
    from acgsim.planner import export as exports
    from acgsim.planner.plan import load_plan
    from acgsim.reports import html, serve_report, servetrace
    from acgsim.sim.engine import simulate
    from acgsim.sim.results import load_result

    files.check_folder(out_dir, force, "a report")
    if (trace := servetrace.find(source)) is not None:  # acgsim serve's trace.jsonl
        lines, written = serve_report.report(trace, out_dir)
        say("\n".join(lines))
        return say_wrote(written)
    source = scenarios.resolve(source)
    shown = load_plan(source) or load_result(source)
    shown = shown or simulate(load(source, max_requests, max_memory))
    fail_if_broken([shown], source)
    written = html.report(shown, out_dir, svg, exports.for_report)
    say_wrote(written)


@app.command()
def sweep(
    file: ScenarioArg,
    vary: opt.Vary,
    out_dir: opt.SweepOut,
    runs: Annotated[int, _runs(1, "Runs per cell.")] = 5,
    workers: Workers = ALL_CORES,
    scheduler: opt.Scheduler = None,
    resume: opt.Resume = False,
    force: opt.StartOver = False,
    plot: opt.Plot = "ttr_p95_s",
    max_runs: opt.MaxRuns = 10_000,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Run a grid of scenario variants, each for K runs, on all cores or on Dask.

    Rows are written as they arrive (rows.jsonl); Ctrl-C loses nothing and --resume finishes the
    sweep. Every cell uses the same seeds, so results do not depend on workers or engine.

    Example: acgsim sweep quickstart --vary model.replica_concurrency=5,10 --out s
    """
    from acgsim.reports.commands import sweep_and_write

    ceiling = footprint.Ceiling(max_requests, max_memory)
    grid = (file, vary, out_dir, runs, workers, scheduler, resume, force, plot, max_runs)
    sweep_and_write(*grid, ceiling, engine)


@app.command()
def recommend(
    vms: opt.BurstVms = 0,
    scale_sets: opt.BurstScaleSets = 0,
    region: opt.BurstRegion = None,
    production: opt.Production = False,
    guidance: opt.RulesGuidance = "seed",
    zone_resilience: opt.ZoneResilience = False,
    premium: Premium = False,
    fmt: Format = "table",
    as_json: AsJson = False,
) -> None:
    """Replicas and storage for a burst, from Azure's guidance alone (no scenario needed).

    Example: acgsim recommend --vms 120 --region westeurope
    """
    from acgsim.planner import rules

    rules_of = dict(production=production, guidance=guidance, zone_resilience=zone_resilience)
    answer = rules.recommend(vms, scale_sets, region, premium=premium, **rules_of)
    reference.print_recommendation(answer, _fmt(fmt, as_json))


@app.command()
def explain(
    file: ScenarioArg,
    vm: opt.Vm = "slowest",
    seed: Seed = None,
    sets: Sets = None,
    faults: Faults = None,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
) -> None:
    """Tell one VM's story step by step: its PUT, 429s, queue for a replica, disk, boot.

    From a traced run of the scenario (the same run acgsim run shows for that seed).

    Example: acgsim explain seed-120-vms-1-replica --vm 100
    """
    from acgsim.reports import narrate
    from acgsim.sim.engine import simulate

    scenario = load(file, max_requests, max_memory, 1, True, (sets, faults))
    result = simulate(scenario, seed, trace=True)
    fail_if_broken([result], file)
    narrate.tell(result, vm)


library = typer.Typer(
    help="The bundled lessons: list, show, copy, check.\n\nExample: acgsim scenarios list",
    no_args_is_help=True,
)
app.add_typer(library, name="scenarios")


@library.command("list")
def library_list(fmt: Format = "table", as_json: AsJson = False) -> None:
    """Every bundled scenario with the point it makes.

    Example: acgsim scenarios list
    """
    from acgsim import scenarios

    lessons.print_lessons(scenarios.lessons(), _fmt(fmt, as_json))


@library.command("show")
def library_show(
    name: opt.LessonName,
) -> None:
    """Print a bundled scenario, comments and all.

    Example: acgsim scenarios show zone-outage-lrs
    """
    from acgsim import scenarios

    sys.stdout.write(scenarios.path(name).read_text(encoding="utf-8"))


@library.command("check")
def library_check(
    names: opt.LessonNames = None,
) -> None:
    """Each lesson's exercises with their answers, verified by running them (exit 1 if not).

    Example: acgsim scenarios check zone-outage-lrs
    """
    from acgsim.reports.commands import check_lessons

    checked = check_lessons(names)
    lessons.print_exercises(checked)
    if any(wrong for _, wrong in checked):
        raise typer.Exit(1)


@library.command("copy")
def library_copy(
    name: opt.LessonName,
    dest: opt.CopyDest,
    force: OverwriteFile = False,
) -> None:
    """Copy a bundled scenario to change it.

    Example: acgsim scenarios copy zone-outage-lrs my-outage.yaml
    """
    from acgsim import scenarios

    source = scenarios.path(name)
    folder = dest.endswith(("/", os.sep)) or os.path.isdir(dest)  # Path() drops the slash
    target = Path(dest) / source.name if folder else Path(dest)
    print_or_write(source.read_text(encoding="utf-8"), target, force)  # checks the target


@app.command()
def compare(
    a: opt.Baseline,
    b: opt.Variant = None,
    sets: Sets = None,
    faults: Faults = None,
    runs: Annotated[int, _runs(2, "Runs of each, on shared seeds.")] = 10,
    seed: opt.SeedOfA = None,
    regions: opt.ByRegion = False,
    fmt: Format = "table",
    as_json: AsJson = False,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Run two scenarios on common random numbers and compare their key figures.

    Run i of A and of B use the same child seed, so each difference B - A is paired; its 95%
    confidence interval says whether the difference is significant. --set and --fault change
    B, or without B a copy of A; the replicas' cost a month is compared too.

    Example: acgsim compare zone-outage-lrs zone-outage-zrs

    Example: acgsim compare quickstart --set storage=Standard_LRS
    """
    from acgsim.reports.commands import compare_and_show

    if b is None and not sets and not faults:
        raise InputError("compare: give B, or --set/--fault to compare A with its variant")
    use_engine(engine)
    first, second = load(a), load(b or a, changes=(sets, faults))
    ceiling, changes = footprint.Ceiling(max_requests, max_memory), dict(sets=sets, faults=faults)
    shown = dict(regions=regions, ceiling=ceiling, fmt=_fmt(fmt, as_json))
    compare_and_show(a, b, first, second, runs=runs, seed=seed, **changes, **shown)


@app.command()
def init(
    file: opt.NewFile,
    region: opt.Regions = None,
    vms: opt.InitVms = 40,
    scale_sets: opt.InitScaleSets = 0,
    force: OverwriteFile = False,
) -> None:
    """Write a commented starting scenario that validates and runs as written.

    Example: acgsim init my.yaml --region westeurope --region eastus --vms 120
    """
    from acgsim.planner import starter

    text = starter.scenario_text(region or ["westeurope"], vms, scale_sets)
    print_or_write(text, file, force)  # write_atomic checks the target first
    say(f"next: acgsim run {file}")


@app.command()
def limits(fmt: Format = "table", as_json: AsJson = False) -> None:
    """Azure Compute Gallery limits acgsim enforces, with their sources.

    Example: acgsim limits --format csv
    """
    reference.print_limits(_fmt(fmt, as_json))


@app.command()
def regions(
    zones: Annotated[bool, typer.Option("--zones", help="Only regions with zones.")] = False,
    fmt: Format = "table",
    as_json: AsJson = False,
) -> None:
    """Azure regions acgsim knows: availability zones, pair, access restriction [REG].

    Example: acgsim regions --zones
    """
    reference.print_regions(zones, _fmt(fmt, as_json))


@app.command()
def schema(output: OutputFile = None, force: OverwriteFile = False) -> None:
    """The JSON Schema of the scenario format, for editor completion and checks.

    Example: acgsim schema -o acgsim.schema.json
    """
    from acgsim.sim.loader import schema_text

    print_or_write(schema_text(), output, force)  # write_atomic checks the target


@app.command(name="assumptions")
def show_assumptions(
    file: Annotated[
        Path | None, typer.Argument(metavar="SCENARIO", help="A scenario whose model: to apply.")
    ] = None,
    fmt: Format = "table",
    as_json: AsJson = False,
) -> None:
    """Model parameters that are assumptions (not Azure facts): value in force and rationale.

    Example: acgsim assumptions quickstart
    """
    assumption_tables.print_assumptions(None if file is None else load(file), _fmt(fmt, as_json))


@app.command()
def calibrate(
    observations: opt.Observations,
    scenario_file: opt.CalibrateScenario,
    output: opt.CalibratedOutput = None,
    subscription_id: opt.SubscriptionId = None,
    report_dir: opt.CalibrationReport = None,
    force: OverwriteFile = False,
) -> None:
    """Fit the model's assumptions to your own Azure: activity logs, replication status, timings.

    Each fitted value comes with a 95% interval and the observations behind it; the rest stay at
    their values. The fit is checked against the data (quantiles, KS test) with a warning when
    the model cannot reproduce it. See the README ("Calibrate to your own Azure").

    Example: acgsim calibrate activity-log.json -s quickstart -o calibrated.yaml
    """
    from acgsim.reports.commands import calibrate_and_write

    scenario = load(scenario_file)
    calibrate_and_write(scenario, observations, subscription_id, output, report_dir, force)


@app.command()
def serve(
    file: Annotated[
        Path | None, typer.Argument(help="Scenario: tenants, galleries, model.")
    ] = None,
    speed: Annotated[float, typer.Option(help="Simulated seconds per wall second.")] = 60.0,
    step: Annotated[
        float | None, typer.Option(help="Instead: each request advances time this many s.")
    ] = None,
    buckets: Annotated[str, typer.Option(help="Token buckets on 'wall' or 'sim' time.")] = "wall",
    port: Annotated[int, typer.Option(help="HTTPS port.")] = 8443,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    allow_remote: Annotated[bool, typer.Option(help="Allow a non-loopback --host.")] = False,
    state_dir: Annotated[Path | None, typer.Option(help="Certificate and trace folder.")] = None,
    size_gb: Annotated[float, typer.Option(help="Image size without the tag.")] = 30.0,
    play: Annotated[bool, typer.Option(help="Also run the scenario's workload, updates.")] = False,
) -> None:
    """A local HTTPS endpoint speaking Azure's REST API for Compute Gallery, timed by the model.

    Example: acgsim serve class-serve --speed 120 --port 8443
    """
    try:
        from acgsim.sim.serve import server
    except ImportError as exc:  # starlette, uvicorn or cryptography missing
        raise InputError(
            f"acgsim serve needs the serve extra ({exc.name} is missing): "
            "pip install 'acgsim[serve]'"
        ) from None
    if buckets not in ("wall", "sim") or not (0 < size_gb <= 32768):
        raise InputError("--buckets: wall or sim; --size-gb: a size in (0, 32768]")
    options = server.Options(
        speed, step, buckets, host, port, allow_remote, state_dir, None, size_gb, play
    )
    server.run(None if file is None else load(file), options, say)
