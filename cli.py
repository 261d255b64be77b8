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
from typing import Annotated, Literal

import typer
from typer.core import TyperArgument, TyperGroup

from acgsim import __version__
from acgsim.reports import console, files  # light: no model, no pydantic, no numpy
from acgsim.reports.layout import FORMATS
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


def _usage_name(self) -> str:
    """An argument in a usage line as people write it: FILE, [B], FILES... (not {file})."""
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return name + ("..." if self.nargs != 1 else "")


TyperArgument._usage_display_name = _usage_name  # typer's own: {name}
TyperArgument.display_type_rich = lambda self, ctx: None  # the metavar says it: no <path>

app = typer.Typer(
    name="acgsim",
    cls=_Commands,
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
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Version.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notes or progress.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also the assumptions a run used.")
    ] = False,
) -> None:
    """Offline simulator and capacity planner for Azure Compute Gallery.

    Scenarios are YAML or JSON files, or the name of a bundled one (acgsim scenarios list).
    Shell completion: acgsim --install-completion.

    Example: acgsim run quickstart
    """
    console.set_verbosity(quiet, verbose)


# --- options several commands share --------------------------------------------------------

ScenarioArg = Annotated[
    Path, typer.Argument(metavar="SCENARIO", help="Scenario file (YAML, JSON) or bundled name.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
Format = Annotated[Literal[FORMATS], typer.Option("--format", "-f", help="Output format.")]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set", metavar="PATH=VALUE", help="Change a field (sweep's PATH; storage, replicas)."
    ),
]
Faults = Annotated[
    list[str] | None,
    typer.Option(
        "--fault",
        metavar="FAULT",
        help="Add a fault: zone:REGION:ZONE@START+DURATION or region:REGION@START+DURATION.",
    ),
]
OverwriteFile = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]
ALL_CORES = os.cpu_count() or 1
Workers = Annotated[
    int, typer.Option(min=1, metavar="N", help="Processes for the runs (default: all cores).")
]
OutputFile = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write here, not stdout.")
]
Seed = Annotated[
    int | None, typer.Option(min=0, metavar="N", help="Seed (default: the scenario's).")
]
OutDir = Annotated[
    Path | None, typer.Option("--out", metavar="DIR", help="Folder to write the results into.")
]
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
MaxRequests = Annotated[int, typer.Option(min=1, metavar="N", help=footprint.REQUESTS_HELP)]
MaxMemory = Annotated[float, typer.Option(min=0.01, metavar="GB", help=footprint.MEMORY_HELP)]
ENGINES = ("auto", "simpy", "fast")
Engine = Annotated[
    str, typer.Option(help="auto (the exact fast path where a run allows it), simpy, or fast.")
]


def _runs(low: int, what: str):
    """--runs/-k, runs on child seeds (--replications: its older name), at most MAX_RUNS."""
    return typer.Option(
        "--runs", "-k", "--replications", min=low, max=MAX_RUNS, metavar="K", help=what
    )


def _say(text: str, err: bool = False) -> None:
    """A line on stdout (or stderr, unless --quiet); paths and names in it come from the user:
    shown printable."""
    if not (err and console.QUIET):
        typer.echo(printable(text), err=err)


_warn = partial(_say, err=True)


def _engine(name: str) -> str:
    """--engine for every run of the command, in this process and the workers it starts."""
    if name not in ENGINES:
        raise InputError(f"--engine: '{name}' is not one of {', '.join(ENGINES)}")
    os.environ["ACGSIM_ENGINE"] = name  # read by acgsim.sim.engine.simulate
    return name


def _fmt(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def _load(path: Path, max_requests=None, max_memory=None, runs=1, trace=False, changes=None):
    """The scenario a file or bundled name holds (warnings to stderr), with the what-ifs
    (--set, --fault) applied, refused past a ceiling."""
    from acgsim import scenarios
    from acgsim.sim import whatif
    from acgsim.sim.loader import load_scenario

    scenario, warnings = load_scenario(scenarios.resolve(path))
    for w in warnings:
        _warn(str(w))
    scenario = whatif.apply(scenario, *(changes or (None, None)))
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
    fmt: Format = "table",
    as_json: AsJson = False,
) -> None:
    """Check scenario files: every problem Azure would refuse, and every dangling reference.

    Prints one line per problem as FILE: field.path: message, and exits with status 2 if any
    file has an error (warnings alone exit 0).

    Example: acgsim validate quickstart zone-outage-lrs
    """
    from acgsim import scenarios

    if not console.print_validation(paths, scenarios.resolve, _fmt(fmt, as_json)):
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
    from acgsim.reports import tables
    from acgsim.sim.engine import simulate, simulate_many

    _engine(engine)
    scenario = _load(file, max_requests, max_memory, runs, trace, (sets, faults))
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
    tables.print_results(results, _fmt(fmt, as_json), scenario)
    console.print_assumptions_used(results[0].assumptions, _fmt(fmt, as_json))
    if _fmt(fmt, as_json) == "table" and out_dir is not None:
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
        Literal["seed", "current"] | None,
        typer.Option(help="seed: 20 VMs per replica; current: 50 (default: the scenario's)."),
    ] = None,
    objective: Annotated[
        list[str] | None, typer.Option("--objective", metavar="GOAL=VALUE", help=GOALS)
    ] = None,
    old_objective: Annotated[list[str] | None, typer.Option("-o", hidden=True)] = None,
    sets: Sets = None,
    faults: Faults = None,
    runs: Annotated[int, _runs(2, "Runs per candidate.")] = 20,
    seed: Seed = None,
    below_guidance: Annotated[
        bool, typer.Option(help="Allow fewer replicas than the guidance if objectives hold.")
    ] = False,
    premium: Premium = False,
    alternatives: Annotated[bool, typer.Option(help=ALTERNATIVES)] = False,
    prices: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Price overrides (YAML or JSON).")
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="What is deployed: plan.json, ARM, or az sig JSON."),
    ] = None,
    workers: Workers = ALL_CORES,
    fmt: Format = "table",
    as_json: AsJson = False,
    out_dir: OutDir = None,
    report: Report = False,
    export: Annotated[
        list[str] | None,
        typer.Option(metavar="FORMAT", help="Also write arm, bicep, terraform or azcli to --out."),
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

    Example: acgsim plan quickstart --objective p95=2m --out plans/
    """
    from acgsim.planner import cost, deployed, diff
    from acgsim.planner import export as exports
    from acgsim.planner.search import plan as make_plan
    from acgsim.reports import diff as shown

    if old_objective:
        _warn(
            "warning: -o for --objective is deprecated (-o is --output everywhere): use --objective"
        )
    goals = [*(objective or []), *(old_objective or [])]
    _engine(engine)
    scenario = _load(file, changes=(sets, faults)).with_options(guidance=guidance, objectives=goals)
    if (export or report) and out_dir is None:
        raise InputError("--export and --report need --out DIR to write into")
    formats = [exports.check_format(f, "--export") for f in export or []]
    if out_dir is not None:
        names = ["plan.json", *(name for f in formats for name in f.files)]
        names += ["diff.json"] if against is not None else []
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
        texts |= {"diff.json": changes.to_json()} if changes is not None else {}
        files.write_plan(out_dir, result, texts, force)
    shown.show_plan(result, changes, _fmt(fmt, as_json))
    if out_dir is not None and _fmt(fmt, as_json) == "table":
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
    source: Annotated[
        Path, typer.Argument(metavar="SOURCE", help="plan.json, a scenario or a bundled name.")
    ],
    fmt: Annotated[
        Literal["arm", "bicep", "terraform", "azcli"],
        typer.Option("--format", "-f", help="What to write."),
    ],
    output: OutputFile = None,
    force: Annotated[bool, typer.Option(help="Overwrite files; export an unfit plan too.")] = False,
) -> None:
    """Write the galleries, images and versions for a real deployment: ARM, Bicep, Terraform, az.

    From a plan, the plan's replicas and storage per region; from a scenario, its own target
    regions. A plan that misses its objectives or budget is refused (exit 4) unless --force.

    Example: acgsim export plans/plan.json --format arm -o azuredeploy.json
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
        Path,
        typer.Argument(metavar="FILE", help="ARM template, az sig JSON, terraform show -json."),
    ],
    parameters: Annotated[
        Path | None, typer.Option(metavar="FILE", help="ARM parameters JSON file.")
    ] = None,
    sets: Annotated[
        list[str] | None, typer.Option("--set", metavar="NAME=VALUE", help="An ARM parameter.")
    ] = None,
    location: Annotated[
        str | None, typer.Option(metavar="REGION", help="The resource group's region.")
    ] = None,
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
    _print_or_write(dump_yaml(scenario), output, force)


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
        return _say("\n".join([*lines, f"wrote {', '.join(map(str, written))}"]))
    source = scenarios.resolve(source)
    shown = load_plan(source) or load_result(source)
    shown = shown or simulate(_load(source, max_requests, max_memory))
    _fail_if_broken([shown], source)
    written = html.report(shown, out_dir, svg, exports.for_report)
    _say(f"wrote {', '.join(str(p) for p in written)}")


@app.command()
def sweep(
    file: ScenarioArg,
    vary: Annotated[list[str], typer.Option("--vary", metavar="PATH=VALUES", help=VARY)],
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for rows, summary and plot.")
    ],
    runs: Annotated[int, _runs(1, "Runs per cell.")] = 5,
    workers: Workers = ALL_CORES,
    scheduler: Annotated[
        str | None,
        typer.Option(metavar="ADDRESS", help="Run on Dask: 'local' or tcp://host:8786."),
    ] = None,
    resume: Annotated[bool, typer.Option(help="Run only what an earlier run left.")] = False,
    force: Annotated[bool, typer.Option(help="Start over in an existing --out.")] = False,
    plot: Annotated[str, typer.Option(metavar="FIGURE", help="The figure to plot.")] = "ttr_p95_s",
    max_runs: Annotated[
        int, typer.Option(min=1, metavar="N", help="Refuse a sweep of more runs.")
    ] = 10_000,
    max_requests: MaxRequests = footprint.MAX_REQUESTS,
    max_memory: MaxMemory = footprint.MAX_MEMORY_GB,
    engine: Engine = "auto",
) -> None:
    """Run a grid of scenario variants, each for K runs, on all cores or on Dask.

    Rows are written as they arrive (rows.jsonl); Ctrl-C loses nothing and --resume finishes the
    sweep. Every cell uses the same seeds, so results do not depend on workers or engine.

    Example: acgsim sweep quickstart --vary model.replica_concurrency=5,10 --out s
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
    vms: Annotated[int, typer.Option(min=0, metavar="N", help="VMs created at the same time.")] = 0,
    scale_sets: Annotated[
        int, typer.Option(min=0, metavar="N", help="Scale sets created at once.")
    ] = 0,
    region: Annotated[
        str | None, typer.Option(metavar="REGION", help="Azure region (for the storage type).")
    ] = None,
    production: Annotated[bool, typer.Option(help="A production image (>= 3 replicas).")] = False,
    guidance: Annotated[
        Literal["seed", "current"], typer.Option(help="seed: 20 VMs per replica; current: 50.")
    ] = "seed",
    zone_resilience: Annotated[bool, typer.Option(help="Replicas survive a zone loss.")] = False,
    premium: Premium = False,
    fmt: Format = "table",
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
    console.print_recommendation(answer, _fmt(fmt, as_json))


@app.command()
def explain(
    file: ScenarioArg,
    vm: Annotated[
        str, typer.Option(metavar="N", help="Request N (1: the first), slowest, median or failed.")
    ] = "slowest",
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

    scenario = _load(file, max_requests, max_memory, 1, True, (sets, faults))
    result = simulate(scenario, seed, trace=True)
    _fail_if_broken([result], file)
    records = result.records or []
    n = narrate.pick(records, vm.strip().lower())
    if not 1 <= n <= len(records):
        raise InputError(f"--vm {vm!r}: this run has requests 1..{len(records)}, or none failed")
    summaries = {s.region: s for s in result.regions}
    capacity = summaries[records[n - 1]["region"]].replica_capacity
    console.say(f"{result.scenario}, seed {result.seed}: request {n} of {len(records)}")
    console.show_table(
        "", ["time", "what happens"], narrate.story(records, n, capacity), ["what happens"]
    )


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

    console.print_lessons(scenarios.lessons(), _fmt(fmt, as_json))


@library.command("show")
def library_show(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name from scenarios list.")],
) -> None:
    """Print a bundled scenario, comments and all.

    Example: acgsim scenarios show zone-outage-lrs
    """
    from acgsim import scenarios

    sys.stdout.write(scenarios.path(name).read_text(encoding="utf-8"))


@library.command("check")
def library_check(
    names: Annotated[
        list[str] | None, typer.Argument(metavar="NAMES", help="Lessons (default: all).")
    ] = None,
) -> None:
    """Each lesson's exercises with their answers, verified by running them (exit 1 if not).

    Example: acgsim scenarios check zone-outage-lrs
    """
    from acgsim import api
    from acgsim.scenarios import exercises as lessons
    from acgsim.sim import whatif

    for name in names or []:
        api.library.path(name)  # an unknown name: exit 2 naming the known ones
    cache: dict = {}

    def run(lesson: str, changes):
        key = (lesson, repr(changes))
        if key not in cache:
            scenario = whatif.apply(api.load(lesson), *(changes or (None, None)))
            cache[key] = api.simulate(scenario)
        return cache[key]

    chosen = [ex for ex in lessons.exercises() if not names or ex.lesson in names]
    checked = [(ex, lessons.verify(ex, partial(run, ex.lesson))) for ex in chosen]
    console.print_exercises(checked)
    if any(wrong for _, wrong in checked):
        raise typer.Exit(1)


@library.command("copy")
def library_copy(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name from scenarios list.")],
    dest: Annotated[
        str, typer.Argument(metavar="DEST", help="File, or folder (ending in /) to copy it into.")
    ],
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
    a: Annotated[Path, typer.Argument(metavar="A", help="The baseline: a file or a name.")],
    b: Annotated[
        Path | None, typer.Argument(metavar="B", help="The variant (default: A with --set).")
    ] = None,
    sets: Sets = None,
    faults: Faults = None,
    runs: Annotated[int, _runs(2, "Runs of each, on shared seeds.")] = 10,
    seed: Annotated[
        int | None, typer.Option(min=0, metavar="N", help="Seed (default: A's).")
    ] = None,
    regions: Annotated[bool, typer.Option(help="Also compare region by region.")] = False,
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
    from acgsim.reports import compare as shown
    from acgsim.sim.engine import simulate_many

    if b is None and not sets and not faults:
        raise InputError("compare: give B, or --set/--fault to compare A with its variant")
    _engine(engine)
    first, second = _load(a), _load(b or a, changes=(sets, faults))
    footprint.check([first, second], runs, footprint.Ceiling(max_requests, max_memory))
    seed = first.seed if seed is None else seed
    ra, rb = simulate_many(first, runs, seed), simulate_many(second, runs, seed)
    _fail_if_broken(ra, a)
    _fail_if_broken(rb, b or a)
    names = shown.names(first, second, b is None, sets, faults)
    shown.show(first, second, ra, rb, names, seed, regions, _fmt(fmt, as_json))


@app.command()
def init(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The scenario file to write.")],
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            "--regions",
            "-r",
            metavar="REGION",
            help="Regions (repeat, or a,b); first: gallery's.",
        ),
    ] = None,
    vms: Annotated[
        int, typer.Option(min=0, max=100_000, metavar="N", help="VMs at once in each region.")
    ] = 40,
    scale_sets: Annotated[
        int,
        typer.Option(
            min=0, max=1000, metavar="N", help="Scale sets of 100 at once in each region."
        ),
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
def limits(fmt: Format = "table", as_json: AsJson = False) -> None:
    """Azure Compute Gallery limits acgsim enforces, with their sources.

    Example: acgsim limits --format csv
    """
    console.print_limits(_fmt(fmt, as_json))


@app.command()
def regions(
    zones: Annotated[bool, typer.Option("--zones", help="Only regions with zones.")] = False,
    fmt: Format = "table",
    as_json: AsJson = False,
) -> None:
    """Azure regions acgsim knows: availability zones, pair, access restriction [REG].

    Example: acgsim regions --zones
    """
    console.print_regions(zones, _fmt(fmt, as_json))


@app.command()
def schema(output: OutputFile = None, force: OverwriteFile = False) -> None:
    """The JSON Schema of the scenario format, for editor completion and checks.

    Example: acgsim schema -o acgsim.schema.json
    """
    from acgsim.sim.loader import schema_text

    _print_or_write(schema_text(), output, force)  # write_atomic checks the target


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
    console.print_assumptions(None if file is None else _load(file), _fmt(fmt, as_json))


@app.command()
def calibrate(
    observations: Annotated[
        list[Path], typer.Argument(help="Activity-log JSON, replication-status samples, CSV.")
    ],
    scenario_file: Annotated[Path, typer.Option("--scenario", "-s", help="Scenario to calibrate.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the calibrated scenario here.")
    ] = None,
    subscription_id: Annotated[
        str | None, typer.Option(help="Use this subscription's operations (default: the most).")
    ] = None,
    report_dir: Annotated[
        Path | None, typer.Option("--report", help="Folder for calibration.html and the plot.")
    ] = None,
    force: OverwriteFile = False,
) -> None:
    """Fit the model's assumptions to your own Azure: activity logs, replication status, timings.

    Each fitted value comes with a 95% interval and the observations behind it; the rest stay at
    their values. The fit is checked against the data (quantiles, KS test) with a warning when
    the model cannot reproduce it. See the README ("Calibrate to your own Azure").

    Example: acgsim calibrate activity-log.json -s quickstart -o calibrated.yaml
    """
    from acgsim.reports import calibration
    from acgsim.sim.calibrate import estimate, inputs, write

    scenario = _load(scenario_file)
    if output is not None:
        files.check_target(output, force)
    if report_dir is not None:
        files.check_folder(report_dir, force, "a calibration report")
    sizes = {v.ref.lower(): v.version.size_gb for v in scenario.versions()}
    cal = estimate.calibrate(inputs.read(observations, sizes, subscription_id), scenario)
    sys.stdout.write(calibration.text(cal))
    for w in cal.warnings:
        _warn(f"warning: {w}")
    if report_dir is not None:
        _say(f"wrote {calibration.write(cal, report_dir)[0]}")
    if output is not None:
        _print_or_write(write.calibrated_yaml(scenario, cal, observations), output, force)


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
    server.run(None if file is None else _load(file), options, _say)
