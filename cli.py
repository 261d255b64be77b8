"""acgsim's command line: thin. It parses options, calls the library and renders the answer.

Exit status: 0 success, 2 bad input (a scenario with problems, a bad option), 1 an internal error
or an objective that cannot be met, 3 changes proposed by `plan --against`, 4 an export refused:
its plan is not fit to deploy (2, 4, 1, 3: the first wins). Commands import what they need when
they run, so `acgsim --help` answers without loading numpy, SimPy, pydantic models or matplotlib.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from acgsim import __version__
from acgsim.reports import console, files  # light: no model, no pydantic, no numpy
from acgsim.sim import footprint  # light: the ceilings, before any model loads
from acgsim.sim.errors import InputError, printable  # light: no pydantic, no numpy


class _Commands(TyperGroup):
    """Every command's user errors end the same way: the lines on stderr, exit status 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:  # anything else is a bug: a traceback
            for line in exc.lines:
                typer.echo(line, err=True)
            raise typer.Exit(exc.status) from None


app = typer.Typer(
    name="acgsim",
    cls=_Commands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:  # `acgsim --version` never gets here (acgsim.__main__ answers it): CliRunner does
        print(f"acgsim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Version.")
    ] = None,
) -> None:
    """Offline simulator and capacity planner for Azure Compute Gallery.

    Scenarios are YAML or JSON files, or the name of a bundled one (`acgsim scenarios list`).

    Example: acgsim run quickstart
    """


# --- options several commands share --------------------------------------------------------

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario file (YAML, JSON) or bundled name.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OverwriteFile = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]
ALL_CORES = os.cpu_count() or 1
Workers = Annotated[int, typer.Option(min=1, help="Processes for the runs (default: all cores).")]
OutputFile = Annotated[Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")]
Seed = Annotated[int | None, typer.Option(min=0, help="Seed (default: the scenario's).")]
OutDir = Annotated[Path | None, typer.Option("--out", help="Folder to write the results into.")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite files in --out; export if unfit.")]
Report = Annotated[bool, typer.Option(help="Also write report.html, report.md and plots.")]
Premium = Annotated[bool, typer.Option(help="Use Premium_LRS replicas.")]
ALTERNATIVES = "Also plan with each storage type and a zone outage, priced side by side."
GOALS = "p95=10m, failure_rate=0.01, budget=500, REGION.p95=5m; repeatable; overrides the file's."
VARY = (
    "PATH=VALUES, repeatable: the grid is their product. VALUES: 1,2,4 or 1..20; PATH: e.g. "
    "galleries[0].images[web].versions[1.0.0].replicas"
)
MAX_RUNS = 10_000  # runs of one command: a typo (-k 1000000000) is refused, not run out of memory
MaxRequests = Annotated[int, typer.Option(min=1, help=footprint.REQUESTS_HELP)]
ENGINES = ("auto", "simpy", "fast")
Engine = Annotated[
    str, typer.Option(help="auto (the exact fast path where a run allows it), simpy, or fast.")
]
MaxMemory = Annotated[float, typer.Option(min=0.01, help=footprint.MEMORY_HELP)]


def _runs(low: int, what: str):
    """--runs/-k, runs on child seeds (--replications: its older name), at most MAX_RUNS."""
    return typer.Option("--runs", "-k", "--replications", min=low, max=MAX_RUNS, help=what)


def _say(text: str, err: bool = False) -> None:
    """A line on stdout (or stderr); paths and names in it come from the user: shown printable."""
    typer.echo(printable(text), err=err)


_warn = partial(_say, err=True)


def _engine(name: str) -> str:
    """--engine for every run of the command, in this process and the workers it starts."""
    if name not in ENGINES:
        raise InputError(f"--engine: '{name}' is not one of {', '.join(ENGINES)}")
    os.environ["ACGSIM_ENGINE"] = name  # read by acgsim.sim.engine.simulate
    return name


def _load(path: Path, max_requests=None, max_memory=None, runs=1, trace=False):
    """The scenario a file or bundled name holds (warnings to stderr), refused past a ceiling."""
    from acgsim import scenarios
    from acgsim.sim.loader import load_scenario

    scenario, warnings = load_scenario(scenarios.resolve(path))
    for w in warnings:
        _warn(str(w))
    if max_requests is not None:
        footprint.check([scenario], runs, footprint.Ceiling(max_requests, max_memory), trace=trace)
    return scenario


def _print_or_write(text: str, output: Path | None, force: bool) -> None:
    """Text to standard output, or to a file written atomically (never over one unless forced)."""
    if output is None:
        sys.stdout.write(text)
    else:
        files.write_atomic(output, text, force)
        _say(f"wrote {output}")


def _fail_if_broken(results: list, what: Path) -> None:
    """A run that broke is a bug in acgsim: show it and exit 1 (never a silent wrong number)."""
    if broken := [r for r in results if getattr(r, "error", None)]:  # a plan has none
        _warn(f"{what}: the simulation broke (a bug in acgsim, please report it):")
        _warn(broken[0].error)
        raise typer.Exit(1)


# --- commands --------------------------------------------------------------------------------


@app.command()
def validate(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILES", help="Scenario files or bundled names.")
    ],
    as_json: AsJson = False,
) -> None:
    """Check scenario files: every problem Azure would refuse, and every dangling reference.

    Prints one line per problem as FILE: field.path: message, and exits with status 2 if any
    file has an error (warnings alone exit 0).

    Example: acgsim validate scenarios/quickstart.yaml scenarios/*.yaml
    """
    from acgsim import scenarios

    if not console.print_validation(paths, scenarios.resolve, as_json):
        raise typer.Exit(2)


@app.command()
def run(
    file: ScenarioArg,
    seed: Seed = None,
    runs: Annotated[int, _runs(1, "Runs on child seeds.")] = 1,
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
    95% confidence interval.

    Example: acgsim run scenarios/quickstart.yaml --runs 5
    """
    from acgsim.reports import tables
    from acgsim.sim.engine import simulate, simulate_many

    _engine(engine)
    scenario = _load(file, max_requests, max_memory, runs, trace)
    if report and out_dir is None:
        raise InputError("--report needs --out DIR to write into")
    if out_dir is not None:
        files.check_outputs(out_dir, files.result_files(runs, trace), force, report)
    if runs == 1:  # one run uses the seed itself, not a child of it
        with console.ticker(scenario.horizon) as tick:
            results = [simulate(scenario, seed, trace=trace, timing=timing, tick=tick)]
    else:
        bar = lambda items: console.track(items, "runs")  # noqa: E731
        results = simulate_many(scenario, runs, seed, trace=trace, timing=timing, progress=bar)
    _fail_if_broken(results, file)
    if out_dir is not None:
        files.write_results(out_dir, results, force)
    tables.print_results(results, as_json)
    if not as_json and out_dir is not None:
        _say(f"wrote results to {out_dir}")
    if report and out_dir is not None:
        from acgsim.reports import html

        written = html.run_report(results[0], out_dir / "report")
        if runs > 1:
            _warn("the report shows run 0; summary.json has all of them")
        _warn(f"report: {written[0]}")


@app.command()
def plan(
    file: ScenarioArg,
    guidance: Annotated[
        str | None,
        typer.Option(help="seed (20 VMs per replica) or current (50); default: the scenario's."),
    ] = None,
    objective: Annotated[list[str] | None, typer.Option("--objective", "-o", help=GOALS)] = None,
    runs: Annotated[int, _runs(2, "Runs per candidate.")] = 20,
    seed: Seed = None,
    below_guidance: Annotated[
        bool, typer.Option(help="Allow fewer replicas than the guidance if objectives hold.")
    ] = False,
    premium: Premium = False,
    alternatives: Annotated[bool, typer.Option(help=ALTERNATIVES)] = False,
    prices: Annotated[Path | None, typer.Option(help="Price overrides (YAML or JSON).")] = None,
    against: Annotated[
        Path | None, typer.Option(help="What is deployed: plan.json, ARM, or az sig JSON.")
    ] = None,
    workers: Workers = ALL_CORES,
    as_json: AsJson = False,
    out_dir: OutDir = None,
    report: Report = False,
    export: Annotated[
        list[str] | None, typer.Option(help="Also write arm, bicep, terraform or azcli to --out.")
    ] = None,
    force: Force = False,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Recommend replicas and storage per region, verified by simulation and priced.

    Starts from Azure's guidance, simulates it, then raises or lowers each region's replicas to the
    fewest that meet the objectives. Exits 1 if some objective cannot be met. With --against it
    also shows what applying the plan changes there, and exits 3 if anything (0 if nothing).

    Example: acgsim plan scenarios/quickstart.yaml --objective p95=2m --out plans/
    """
    from acgsim.planner import cost, deployed, diff
    from acgsim.planner import export as exports
    from acgsim.planner.search import plan as make_plan
    from acgsim.reports import diff as shown

    _engine(engine)
    scenario = _load(file).with_options(guidance=guidance, objectives=objective or [])
    if (export or report) and out_dir is None:
        raise InputError("--export and --report need --out DIR to write into")
    formats = [exports.check_format(f, "--export") for f in export or []]
    if out_dir is not None:
        names = ["plan.json", *(name for f in formats for name in f.files)]
        files.check_outputs(out_dir, names, force, report)
    table = cost.price_table(scenario, prices)
    current = None if against is None else deployed.load(against)  # bad input: before any work
    from acgsim.planner.evaluate import listening
    from acgsim.planner.progress import expected_candidates

    total = expected_candidates(scenario, runs, premium, alternatives)
    with console.counted("planning", total) as bar, listening(bar.count):
        result = make_plan(
            scenario,
            runs=runs,
            seed=seed,
            below_guidance=below_guidance,
            premium=premium,
            prices=table,
            workers=workers,
            progress=bar.say,
            ceiling=footprint.Ceiling(max_requests, max_memory),
            alternatives=alternatives,
        )
    changes = None if current is None else diff.diff(result, current)
    refused = None
    if out_dir is not None:  # plan.json is written even when its exports are refused
        texts, refused = exports.for_out(result, [f.name for f in formats], force, _warn)
        files.write_plan(out_dir, result, texts, force)
    shown.show_plan(result, changes, as_json)
    if out_dir is not None and not as_json:
        _say(f"wrote {out_dir / 'plan.json'}")
    if report and out_dir is not None:
        from acgsim.reports import html

        written = html.plan_report(result, out_dir / "report", exports=exports.for_report(result))
        _warn(f"report: {written[0]}")
    if refused is not None:
        raise refused
    if result.infeasible or (changes is not None and changes.changed):
        raise typer.Exit(1 if result.infeasible else 3)


@app.command(name="export")
def export_command(
    source: Annotated[Path, typer.Argument(help="plan.json, a scenario or a bundled name.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="arm, bicep, terraform or azcli.")],
    output: OutputFile = None,
    force: Annotated[bool, typer.Option(help="Overwrite files; export an unfit plan too.")] = False,
) -> None:
    """Write the galleries, images and versions for a real deployment: ARM, Bicep, Terraform, az.

    From a plan, the plan's replicas and storage per region; from a scenario, its own target
    regions. A plan that misses its objectives or budget is refused (exit 4) unless --force.

    Example: acgsim export plans/plan.json --format terraform -o main.tf
    """
    from acgsim import scenarios
    from acgsim.planner import export as exports

    exports.check_format(fmt)
    if output is not None:
        files.check_target(output, force)
    export, plan = exports.load_with_plan(scenarios.resolve(source))
    for line in exports.check_fit(plan, force, str(source)):  # refused (exit 4) unless forced
        _warn(line)
    if output is None:
        sys.stdout.write(exports.render(fmt, export))
    else:
        _say(f"wrote {', '.join(files.write_all(exports.files(fmt, export, output), force))}")


@app.command(name="import")
def import_command(
    source: Annotated[
        Path, typer.Argument(help="ARM template, az sig JSON, terraform show -json.")
    ],
    parameters: Annotated[Path | None, typer.Option(help="ARM parameters JSON file.")] = None,
    sets: Annotated[list[str] | None, typer.Option("--set", help="NAME=VALUE; repeatable.")] = None,
    location: Annotated[str | None, typer.Option(help="The resource group's region.")] = None,
    output: OutputFile = None,
    force: OverwriteFile = False,
) -> None:
    """Start a scenario from ARM (Bicep's too), az sig or Terraform JSON: see docs/import.md.

    Example: acgsim import azuredeploy.json --parameters azuredeploy.parameters.json -o s.yaml
    """
    from acgsim.planner.export import inputs
    from acgsim.sim.loader import dump_yaml

    if output is not None:
        files.check_target(output, force)
    scenario = inputs.import_file(source, parameters, sets, location)
    _print_or_write(dump_yaml(scenario), output, force)


@app.command()
def report(
    source: Annotated[Path, typer.Argument(help="result.json, plan.json or a scenario to run.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.html and plots.")],
    svg: Annotated[bool, typer.Option(help="Also write the plots as SVG.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing report.")] = False,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
) -> None:
    """A self-contained HTML report (plots embedded) and a Markdown summary.

    From a run's result.json, a plan's plan.json, or a scenario (which is run first).

    Example: acgsim report scenarios/zone-outage-lrs.yaml --out reports/zone
    """
    from acgsim import scenarios
    from acgsim.planner import export as exports
    from acgsim.planner.plan import load_plan
    from acgsim.reports import html
    from acgsim.sim.engine import simulate
    from acgsim.sim.results import load_result

    files.check_folder(out_dir, force, "a report")
    source = scenarios.resolve(source)
    shown = load_plan(source) or load_result(source)
    shown = shown or simulate(_load(source, max_requests, max_memory))
    _fail_if_broken([shown], source)
    written = html.report(shown, out_dir, svg, exports.for_report)
    _say(f"wrote {', '.join(str(p) for p in written)}")


@app.command()
def sweep(
    file: ScenarioArg,
    vary: Annotated[list[str], typer.Option("--vary", help=VARY)],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for rows, summary and plot.")],
    runs: Annotated[int, _runs(1, "Runs per cell.")] = 5,
    workers: Workers = ALL_CORES,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on Dask: 'local' (a LocalCluster) or tcp://host:8786.")
    ] = None,
    resume: Annotated[bool, typer.Option(help="Run only what an earlier run left.")] = False,
    force: Annotated[bool, typer.Option(help="Start over in an existing --out.")] = False,
    plot: Annotated[str, typer.Option(help="The figure to plot.")] = "ttr_p95_s",
    max_runs: Annotated[int, typer.Option(min=1, help="Refuse a sweep of more runs.")] = 10_000,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Run a grid of scenario variants, each for K runs, on all cores or on Dask.

    Rows are written as they arrive (rows.jsonl); Ctrl-C loses nothing and --resume finishes the
    sweep. Every cell uses the same seeds, so results do not depend on workers or engine.

    Example: acgsim sweep quickstart --vary model.replica_concurrency=5,10 --out sw
    """
    from acgsim import scenarios
    from acgsim.reports.journal import Journal
    from acgsim.sim import sweep as sw

    if plot not in sw.FIGURES:
        raise InputError(f"--plot: '{plot}' is not one of {', '.join(sw.FIGURES)}")
    ceiling = footprint.Ceiling(max_requests, max_memory)
    axes, cells, spec = sw.prepare(
        scenarios.resolve(file), vary, runs, max_runs, bool(scheduler), ceiling, workers
    )
    journal = Journal.open(out_dir, spec, resume, force, cells)
    todo = sw.tasks(cells, runs, journal.done(), _engine(engine))
    _warn(journal.plan_line(len(cells), runs, len(todo)))
    stopped = journal.run(
        todo, workers, scheduler, lambda rows: console.track(rows, "sweep", len(todo))
    )
    if journal.rows:
        _say(f"wrote {', '.join(str(p) for p in journal.write_outputs(axes, plot))}")
    for line in journal.warnings(stopped, len(cells) * runs):
        _warn(line)
    if stopped:
        raise typer.Exit(130 if stopped == "interrupted" else 1)


@app.command()
def recommend(
    vms: Annotated[int, typer.Option(min=0, help="VMs created at the same time.")] = 0,
    scale_sets: Annotated[int, typer.Option(min=0, help="Scale sets created at once.")] = 0,
    region: Annotated[str | None, typer.Option(help="Azure region (for the storage type).")] = None,
    production: Annotated[bool, typer.Option(help="A production image (>= 3 replicas).")] = False,
    guidance: Annotated[str, typer.Option(help="seed (20 per replica) or current (50).")] = "seed",
    zone_resilience: Annotated[bool, typer.Option(help="Replicas survive a zone loss.")] = False,
    premium: Premium = False,
    as_json: AsJson = False,
) -> None:
    """Replicas and storage for a burst, from Azure's guidance alone (no scenario needed).

    Example: acgsim recommend --vms 120 --region westeurope
    """
    from acgsim.planner import rules

    answer = rules.recommend(
        vms,
        scale_sets,
        region,
        production=production,
        guidance=guidance,
        zone_resilience=zone_resilience,
        premium=premium,
    )
    console.print_recommendation(answer, as_json)


library = typer.Typer(
    help="The bundled scenario library: list, show, copy.\n\nExample: acgsim scenarios list",
    no_args_is_help=True,
)
app.add_typer(library, name="scenarios")


@library.command("list")
def library_list(as_json: AsJson = False) -> None:
    """Every bundled scenario with the first sentence of what it teaches.

    Example: acgsim scenarios list
    """
    from acgsim import scenarios

    console.print_lessons(scenarios.lessons(), as_json)


@library.command("show")
def library_show(
    name: Annotated[str, typer.Argument(help="A name from `scenarios list`.")],
) -> None:
    """Print a bundled scenario, comments and all.

    Example: acgsim scenarios show zone-outage-lrs
    """
    from acgsim import scenarios

    sys.stdout.write(scenarios.path(name).read_text(encoding="utf-8"))


@library.command("copy")
def library_copy(
    name: Annotated[str, typer.Argument(help="A name from `scenarios list`.")],
    dest: Annotated[str, typer.Argument(help="File, or folder (ending in /) to copy it into.")],
    force: OverwriteFile = False,
) -> None:
    """Copy a bundled scenario to change it.

    Example: acgsim scenarios copy zone-outage-lrs my-outage.yaml
    """
    from acgsim import scenarios

    source = scenarios.path(name)
    folder = dest.endswith(("/", os.sep)) or Path(dest).is_dir()  # Path() drops the slash
    target = Path(dest) / source.name if folder else Path(dest)
    _print_or_write(source.read_text(encoding="utf-8"), target, force)  # checks the target


@app.command()
def compare(
    a: Annotated[Path, typer.Argument(help="Scenario A (the baseline): a file or a name.")],
    b: Annotated[Path, typer.Argument(help="Scenario B (the variant): a file or a name.")],
    runs: Annotated[int, _runs(2, "Runs of each, on shared seeds.")] = 10,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed (default: A's).")] = None,
    regions: Annotated[bool, typer.Option(help="Also compare region by region.")] = False,
    as_json: AsJson = False,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Run two scenarios on common random numbers and compare their key figures.

    Run i of A and of B use the same child seed, so each difference B - A is paired; its 95%
    confidence interval says whether the difference is significant.

    Example: acgsim compare zone-outage-lrs zone-outage-zrs
    """
    from acgsim.reports import tables
    from acgsim.sim.engine import simulate_many
    from acgsim.sim.stats import paired

    _engine(engine)
    first, second = _load(a), _load(b)
    footprint.check([first, second], runs, footprint.Ceiling(max_requests, max_memory))
    seed = first.seed if seed is None else seed
    ra, rb = simulate_many(first, runs, seed), simulate_many(second, runs, seed)
    _fail_if_broken(ra, a)
    _fail_if_broken(rb, b)
    tables.print_comparison(paired(ra, rb), first.name, second.name, runs, seed, regions, as_json)


@app.command()
def init(
    file: Annotated[Path, typer.Argument(help="The scenario file to write.")],
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region", "--regions", "-r", help="Regions (repeat, or a,b); first: gallery's."
        ),
    ] = None,
    vms: Annotated[int, typer.Option(min=0, max=100_000, help="VMs at once in each region.")] = 40,
    scale_sets: Annotated[
        int, typer.Option(min=0, max=1000, help="Scale sets of 100 created at once in each region.")
    ] = 0,
    force: OverwriteFile = False,
) -> None:
    """Write a commented starting scenario that validates and runs as written.

    Example: acgsim init my.yaml --region westeurope --region eastus --vms 120
    """
    from acgsim.planner import starter

    text = starter.scenario_text(region or ["westeurope"], vms, scale_sets)
    _print_or_write(text, file, force)  # write_atomic checks the target first
    _say(f"next: acgsim run {file}")


@app.command()
def limits(as_json: AsJson = False) -> None:
    """Azure Compute Gallery limits acgsim enforces, with their sources.

    Example: acgsim limits --json
    """
    console.print_limits(as_json)


@app.command()
def regions(
    zones: Annotated[bool, typer.Option("--zones", help="Only regions with zones.")] = False,
    as_json: AsJson = False,
) -> None:
    """Azure regions acgsim knows: availability zones, pair, access restriction [REG].

    Example: acgsim regions --zones
    """
    console.print_regions(zones, as_json)


@app.command()
def schema(output: OutputFile = None, force: OverwriteFile = False) -> None:
    """The JSON Schema of the scenario format, for editor completion and checks.

    Example: acgsim schema -o acgsim.schema.json
    """
    from acgsim.sim.loader import schema_text

    _print_or_write(schema_text(), output, force)  # write_atomic checks the target


@app.command(name="assumptions")
def show_assumptions(
    file: Annotated[Path | None, typer.Argument(help="A scenario whose `model:` to apply.")] = None,
    as_json: AsJson = False,
) -> None:
    """Model parameters that are assumptions (not Azure facts): value in force and rationale.

    Example: acgsim assumptions scenarios/quickstart.yaml
    """
    console.print_assumptions(None if file is None else _load(file), as_json)
