"""acgsim's command line: thin. It parses options, calls the library and renders the answer.

Exit status: 0 success, 2 bad input (a scenario with problems, a bad option), 1 an internal error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError

from acgsim import __version__
from acgsim.planner import cost, rules, starter
from acgsim.planner import search as planner_search
from acgsim.planner.export import arm, azcli, bicep, document, importer, terraform
from acgsim.planner.plan import Plan
from acgsim.reports import console, files
from acgsim.sim import catalog
from acgsim.sim.engine import simulate
from acgsim.sim.errors import Problem, ScenarioError
from acgsim.sim.loader import dump_yaml, load_scenario, read_document
from acgsim.sim.loader import validate as validate_data
from acgsim.sim.params import ModelParams, assumptions
from acgsim.sim.results import RunResult
from acgsim.sim.scenario import Objectives, Scenario
from acgsim.sim.stats import aggregate, paired

app = typer.Typer(
    name="acgsim",
    help="Offline simulator and capacity planner for Azure Compute Gallery.\n\n"
    "Example: acgsim run scenarios/quickstart.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:
        print(f"acgsim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = None,
) -> None:
    """Offline simulator and capacity planner for Azure Compute Gallery.

    Example: acgsim run scenarios/quickstart.yaml
    """


def _fail(lines: list[str]) -> None:
    for line in lines:
        console.err.print(line, markup=False)
    raise typer.Exit(2)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files (YAML or JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
) -> None:
    """Check scenario files: every problem Azure would refuse, and every dangling reference.

    Prints one line per problem as FILE: field.path: message, and exits with status 2 if any
    file has an error (warnings alone exit 0).

    Example: acgsim validate scenarios/quickstart.yaml scenarios/*.yaml
    """
    report, failed = [], False
    for path in files:
        try:
            scenario, warnings = load_scenario(path)
        except ScenarioError as exc:
            failed = True
            report.append(
                {
                    "file": str(path),
                    "ok": False,
                    "problems": [console.problem_json(p) for p in exc.problems],
                }
            )
            if not as_json:
                for p in exc.problems:
                    console.err.print(str(p), markup=False)
            continue
        summary = console.scenario_summary(scenario)
        report.append(
            {
                "file": str(path),
                "ok": True,
                "summary": summary,
                "problems": [console.problem_json(p) for p in warnings],
            }
        )
        if not as_json:
            console.out.print(f"{path}: ok ({summary})", markup=False)
            for w in warnings:
                console.err.print(str(w), markup=False)
    if as_json:
        print(json.dumps(report, indent=2))
    if failed:
        raise typer.Exit(2)


def _print_or_write(text: str, output: Path | None, force: bool) -> None:
    """Text to standard output, or to a file written atomically (never over one unless forced)."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        files.write_atomic(output, text, force)
    except FileExistsError as exc:
        _fail([str(exc)])
    console.out.print(f"wrote {output}", markup=False)


# The --force flag of every command that writes one file of its own.
OverwriteFile = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


def _check_target(path: Path, force: bool) -> None:
    try:
        files.check_target(path, force)
    except FileExistsError as exc:
        _fail([str(exc)])


def _load_or_exit(path: Path) -> Scenario:
    try:
        scenario, warnings = load_scenario(path)
    except ScenarioError as exc:
        _fail([str(p) for p in exc.problems])
    for w in warnings:
        console.err.print(str(w), markup=False)
    return scenario


@app.command()
def run(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).")],
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's).")] = None,
    replications: Annotated[
        int,
        typer.Option(
            "--replications", "-k", min=1, help="Independent replications on child seeds."
        ),
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the RunResult JSON.")] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write result.json (and records.csv with --trace) here."),
    ] = None,
    trace: Annotated[bool, typer.Option(help="Keep one record per request.")] = False,
    timing: Annotated[bool, typer.Option(help="Record wall time (makes output vary).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files in --out.")] = False,
    report: Annotated[
        bool, typer.Option(help="Also write report.html, report.md and plots into --out/report.")
    ] = False,
) -> None:
    """Simulate a scenario: time to running, throttling, failures, replicas, replication.

    With --replications K the run repeats on K child seeds and shows each key figure's mean with
    a 95% confidence interval.

    Example: acgsim run scenarios/quickstart.yaml --replications 5
    """
    scenario = _load_or_exit(file)
    if out_dir is not None:
        first = "result.json" if replications == 1 else "summary.json"
        _check_target(out_dir / first, force)
    if seed is not None and seed < 0:
        _fail([f"--seed must be 0 or more, got {seed}"])
    if report and out_dir is None:
        _fail(["--report needs --out DIR to write into"])
    if replications == 1:
        results = [simulate(scenario, seed, trace=trace, timing=timing)]
    else:
        results = [
            simulate(scenario, seed, i, trace=trace, timing=timing)
            for i in console.track(range(replications), "replications")
        ]
    broken = [r for r in results if r.error]
    if broken:
        console.err.print(
            f"{file}: the simulation broke (a bug in acgsim, please report it):", markup=False
        )
        console.err.print(broken[0].error, markup=False)
        raise typer.Exit(1)
    if out_dir is not None:
        try:
            files.write_results(out_dir, results, force)
        except FileExistsError as exc:
            _fail([str(exc)])
    if as_json:
        if len(results) == 1:
            sys.stdout.write(results[0].to_json())
        else:
            doc = {
                "runs": [json.loads(r.to_json()) for r in results],
                "summary": aggregate(results),
            }
            print(json.dumps(doc, indent=2))
        return
    if len(results) == 1:
        console.print_run(results[0])
    else:
        console.print_many(results)
    if out_dir is not None:
        console.out.print(f"wrote results to {out_dir}", markup=False)
    if report and out_dir is not None:
        from acgsim.reports import html as html_report

        written = html_report.run_report(results[0], out_dir / "report", scenario.objectives.p95)
        if len(results) > 1:
            console.err.print(
                "the report shows replication 0; summary.json has all of them", markup=False
            )
        console.err.print(f"report: {written[0]}", markup=False)


def _parse_objectives(scenario: Scenario, items: list[str]) -> Scenario:
    """Apply --objective KEY=VALUE options (p95, failure_rate, budget, REGION.p95)."""
    data = scenario.objectives.model_dump(mode="json")
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip():
            _fail(
                [
                    f"--objective {item}: write KEY=VALUE, e.g. p95=10m, failure_rate=0.01, "
                    "budget=500 or westeurope.p95=5m"
                ]
            )
        if key == "p95":
            data["p95"] = value
        elif key in ("failure_rate", "max_failure_rate", "failure"):
            data["max_failure_rate"] = value
        elif key in ("budget", "monthly_budget_usd"):
            data["monthly_budget_usd"] = value
        elif key.endswith(".p95"):
            data.setdefault("regions", {})[key.removesuffix(".p95")] = {"p95": value}
        else:
            _fail(
                [
                    f"--objective {item}: unknown objective '{key}'; use p95, failure_rate, "
                    "budget or REGION.p95"
                ]
            )
    try:
        objectives = Objectives.model_validate(data, context={"from_file": True})
    except ValidationError as exc:
        _fail(
            [
                f"--objective: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                for e in exc.errors(include_url=False)
            ]
        )
    return scenario.model_copy(update={"objectives": objectives})


@app.command()
def plan(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).")],
    guidance: Annotated[
        str | None,
        typer.Option(help="seed (20 VMs per replica) or current (50); default: the scenario's."),
    ] = None,
    objective: Annotated[
        list[str] | None,
        typer.Option(
            "--objective",
            "-o",
            help="p95=10m, failure_rate=0.01, budget=500, REGION.p95=5m; "
            "repeatable; overrides the scenario's objectives.",
        ),
    ] = None,
    replications: Annotated[
        int, typer.Option("--replications", "-k", min=2, help="Replications per candidate.")
    ] = 20,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed (default: the scenario's).")] = None,
    below_guidance: Annotated[
        bool,
        typer.Option(help="Allow fewer replicas than the guidance when the objectives still hold."),
    ] = False,
    premium: Annotated[bool, typer.Option(help="Use Premium_LRS replicas.")] = False,
    prices: Annotated[Path | None, typer.Option(help="Price overrides (YAML or JSON).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes for the replications (default: all cores).")
    ] = os.cpu_count() or 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Write plan.json here.")] = None,
    report: Annotated[
        bool, typer.Option(help="Also write report.html, report.md and plots into --out/report.")
    ] = False,
    export: Annotated[
        list[str] | None,
        typer.Option(
            "--export", help="Also write this format into --out: arm, bicep, terraform or azcli."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite plan.json.")] = False,
) -> None:
    """Recommend replicas and storage per region, verified by simulation and priced.

    Starts from Azure's guidance, simulates it, then raises or lowers each region's replicas to the
    fewest that meet the objectives. Exits 1 if some objective cannot be met.

    Example: acgsim plan scenarios/quickstart.yaml --objective p95=2m --out plans/
    """
    scenario = _load_or_exit(file)
    if (export or report) and out_dir is None:
        _fail(["--export and --report need --out DIR to write into"])
    for fmt in export or []:
        if fmt not in FORMATS:
            _fail([f"--export: '{fmt}' is not one of {', '.join(FORMATS)}"])
    if out_dir is not None:
        for name in ["plan.json", *(FORMATS[f][0] for f in export or [])]:
            _check_target(out_dir / name, force)
    if guidance is not None:
        if guidance not in catalog.GUIDANCE:
            _fail([f"--guidance: '{guidance}' is not a guidance profile; use seed or current"])
        scenario = scenario.model_copy(update={"guidance": guidance})
    if objective:
        scenario = _parse_objectives(scenario, objective)
    table = cost.with_overrides(cost.DEFAULT_PRICES, scenario.prices, "the scenario")
    if prices is not None:
        try:
            table = cost.with_overrides(table, cost.load_prices(prices), str(prices))
        except ScenarioError as exc:
            _fail([str(p) for p in exc.problems])
    with console.status("planning") as progress:
        result = planner_search.plan(
            scenario, replications, seed, below_guidance, premium, table, workers, progress
        )
    if out_dir is not None:
        try:
            files.write_atomic(out_dir / "plan.json", result.to_json(), force)
            for fmt in export or []:
                name, render = FORMATS[fmt]
                files.write_atomic(out_dir / name, render(document.from_plan(result)), force)
        except FileExistsError as exc:
            _fail([str(exc)])
    if as_json:
        sys.stdout.write(result.to_json())
    else:
        console.print_plan(result)
        if out_dir is not None:
            console.out.print(f"wrote {out_dir / 'plan.json'}", markup=False)
    if report and out_dir is not None:
        from acgsim.reports import html as html_report  # matplotlib only when a report is asked for

        written = html_report.plan_report(
            result, out_dir / "report", exports=_report_exports(result)
        )
        console.err.print(f"report: {written[0]}", markup=False)
    if result.infeasible:
        raise typer.Exit(1)


FORMATS = {
    "arm": ("template.json", arm.render),
    "bicep": ("main.bicep", bicep.render),
    "terraform": ("main.tf", terraform.render),
    "azcli": ("deploy.sh", azcli.render),
}


def _report_exports(plan: Plan) -> dict[str, str]:
    """The exported files a plan's report shows: its ARM template (none without its scenario)."""
    return {"template.json": arm.render(document.from_plan(plan))} if plan.scenario_spec else {}


def _export_of(path: Path) -> document.Export:
    """A plan.json (the plan applied to its scenario) or a scenario (its own target regions)."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if isinstance(data, dict) and "scenario_spec" in data:
            try:
                return document.from_plan(Plan.model_validate(data))
            except ValidationError as exc:
                _fail(
                    [
                        f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                        for e in exc.errors(include_url=False)
                    ]
                )
    return document.from_scenario(_load_or_exit(path))


@app.command(name="export")
def export_command(
    source: Annotated[Path, typer.Argument(help="plan.json from `acgsim plan`, or a scenario.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="arm, bicep, terraform or azcli.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
    force: OverwriteFile = False,
) -> None:
    """Write the galleries, images and versions for a real deployment: ARM, Bicep, Terraform, az.

    From a plan, the plan's replicas and storage per region; from a scenario, its own target
    regions. Source image ids, tags and the resource group are parameters or variables.

    Example: acgsim export plans/plan.json --format terraform -o main.tf
    """
    if fmt not in FORMATS:
        _fail([f"--format: '{fmt}' is not one of {', '.join(FORMATS)}"])
    if output is not None:
        _check_target(output, force)
    _print_or_write(FORMATS[fmt][1](_export_of(source)), output, force)


@app.command(name="import")
def import_command(
    template: Annotated[Path, typer.Argument(help="An ARM template with gallery resources.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the scenario here instead of standard output."),
    ] = None,
    force: OverwriteFile = False,
) -> None:
    """Start a scenario from what is deployed: read an ARM template's galleries, images, versions.

    Example: acgsim import exported-template.json -o scenarios/mine.yaml
    """
    if output is not None:
        _check_target(output, force)
    try:
        data, _ = read_document(template)
        if not isinstance(data, dict):
            raise ScenarioError(
                [Problem((), "is not an ARM template (a JSON object)", file=str(template))]
            )
        scenario = importer.import_template(data, str(template), template.stem)
    except ScenarioError as exc:
        _fail([str(p) for p in exc.problems])
    _print_or_write(dump_yaml(scenario), output, force)


@app.command()
def report(
    source: Annotated[Path, typer.Argument(help="result.json, plan.json or a scenario to run.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.html and plots.")],
    svg: Annotated[bool, typer.Option(help="Also write the plots as SVG.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing report.")] = False,
) -> None:
    """A self-contained HTML report (plots embedded) and a Markdown summary.

    From a run's result.json, a plan's plan.json, or a scenario (which is run first).

    Example: acgsim report scenarios/zone-outage-lrs.yaml --out reports/zone
    """
    from acgsim.reports import html as html_report

    _check_target(out_dir / "report.html", force)
    data = None
    if source.suffix.lower() == ".json":
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = None
    try:
        if isinstance(data, dict) and "scenario_spec" in data:
            shown = Plan.model_validate(data)
            written = html_report.plan_report(shown, out_dir, svg, exports=_report_exports(shown))
        elif isinstance(data, dict) and "replication_log" in data:
            result = RunResult.model_validate(data)
            if result.error or result.overall is None:
                _fail([f"{source}: the run has no figures (it broke or never finished)"])
            written = html_report.run_report(result, out_dir, svg=svg)
        elif isinstance(data, (dict, list)):
            _fail(
                [
                    f"{source}: not a result.json, plan.json or scenario (a sweep or "
                    "replications summary has no report of its own)"
                ]
            )
        else:
            scenario = _load_or_exit(source)
            result = simulate(scenario)
            if result.error:
                console.err.print(f"{source}: the simulation broke:\n{result.error}", markup=False)
                raise typer.Exit(1)
            written = html_report.run_report(result, out_dir, scenario.objectives.p95, svg)
    except ValidationError as exc:
        _fail(
            [
                f"{source}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                for e in exc.errors(include_url=False)
            ]
        )
    console.out.print(f"wrote {', '.join(str(p) for p in written)}", markup=False)


@app.command()
def sweep(
    file: Annotated[Path, typer.Argument(help="The scenario to vary.")],
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="PATH=VALUES, repeatable: the grid is their product. VALUES: 1,2,4 or "
            "1..20; PATH: e.g. galleries[0].images[web].versions[1.0.0].replicas",
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for rows, summary and plot.")],
    replications: Annotated[
        int, typer.Option("--replications", "-k", min=1, help="Replications per cell.")
    ] = 5,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes (default: all cores).")
    ] = os.cpu_count() or 1,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on Dask: 'local' for a LocalCluster, or tcp://host:8786."),
    ] = None,
    resume: Annotated[bool, typer.Option(help="Run only what an earlier run left.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Start over in an existing --out.")
    ] = False,
    plot: Annotated[str, typer.Option(help="The figure to plot.")] = "ttr_p95_s",
) -> None:
    """Run a grid of scenario variants, each for K replications, on all cores or on Dask.

    Rows are written as they arrive (rows.jsonl); Ctrl-C loses nothing and --resume finishes the
    sweep. Every cell uses the same seeds, so results do not depend on workers or engine.

    Example: acgsim sweep scenarios/quickstart.yaml --vary model.replica_concurrency=5,10 --out sw
    """
    from acgsim.reports import sweep as sweep_report
    from acgsim.sim import sweep as sw

    if plot not in sw.FIGURES:
        _fail([f"--plot: '{plot}' is not one of {', '.join(sw.FIGURES)}"])
    try:
        axes = [sw.parse_vary(v) for v in vary]
        data, text = read_document(file)
        if not isinstance(data, dict):
            raise sw.SweepError(f"{file}: not a scenario")
        base, _ = validate_data(data, file=str(file), text=text)  # the base scenario first
        cells = sw.grid(data, axes, str(file))
    except ScenarioError as exc:
        _fail([str(p) for p in exc.problems])
    except sw.SweepError as exc:
        _fail([str(exc)])
    rows_path, spec_path = out_dir / "rows.jsonl", out_dir / "sweep.json"
    spec = sw.spec(str(file), base, axes, replications)
    if spec_path.exists() and not (resume or force):
        _fail([f"{out_dir}: holds a sweep; pass --resume to finish it or --force to start over"])
    if resume and spec_path.exists() and json.loads(spec_path.read_text()) != spec:
        _fail(
            [
                f"{out_dir}: holds a different sweep (the scenario's content, --vary or "
                "--replications differ)"
            ]
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    if force and not resume:
        rows_path.unlink(missing_ok=True)
    files.write_atomic(spec_path, json.dumps(spec, indent=2) + "\n", force=True)
    rows = sw.read_rows(rows_path) if resume else []
    if resume:  # keep the rows that read cleanly: a line cut short by an interruption goes
        files.write_atomic(rows_path, "".join(json.dumps(r) + "\n" for r in rows), force=True)
    todo = sw.tasks(cells, replications, {(r["cell"], r["run"]) for r in rows})
    console.err.print(
        f"{len(cells)} cells x {replications} replications: {len(todo)} to run"
        + (f", {len(rows)} already done" if rows else ""),
        markup=False,
    )
    interrupted, broken = False, ""
    try:
        with rows_path.open("a", encoding="utf-8") as sink:
            for row in console.track(sw.execute(todo, workers, scheduler), "sweep", len(todo)):
                sink.write(json.dumps(row) + "\n")
                sink.flush()
                rows.append(row)
    except KeyboardInterrupt:
        interrupted = True
    except sw.SweepError as exc:
        _fail([str(exc)])
    except Exception as exc:  # a worker died (BrokenProcessPool, a lost Dask worker): keep rows
        interrupted, broken = True, f"{type(exc).__name__}: {exc}"
    summary = sw.summary(rows, axes)
    if rows:
        written = sweep_report.write_tables(out_dir, rows, summary)
        figure = sweep_report.sweep_plot(summary, axes, plot)
        from acgsim.reports import plots

        written += plots.save(figure, out_dir / f"sweep-{plot}")
        console.out.print(f"wrote {', '.join(str(p) for p in written)}", markup=False)
    failed = [r for r in rows if r["error"]]
    if failed:
        console.err.print(f"{len(failed)} runs failed; their errors are in rows.csv", markup=False)
    if interrupted:
        why = f"a worker failed ({broken})" if broken else "interrupted"
        console.err.print(
            f"{why}: {len(rows)} of {len(cells) * replications} runs are in "
            f"{rows_path}; run again with --resume to finish",
            markup=False,
        )
        raise typer.Exit(1 if broken else 130)


@app.command()
def recommend(
    vms: Annotated[int, typer.Option(min=0, help="VMs created at the same time.")] = 0,
    scale_sets: Annotated[
        int, typer.Option(min=0, help="Scale sets created at the same time.")
    ] = 0,
    region: Annotated[str | None, typer.Option(help="Azure region (for the storage type).")] = None,
    production: Annotated[
        bool, typer.Option(help="A production image (3 replicas at least).")
    ] = False,
    guidance: Annotated[
        str, typer.Option(help="seed: 20 VMs per replica; current: 50 per replica.")
    ] = catalog.DEFAULT_GUIDANCE,
    zone_resilience: Annotated[
        bool, typer.Option(help="Replicas must survive a zone loss.")
    ] = False,
    premium: Annotated[bool, typer.Option(help="Use Premium_LRS replicas.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Replicas and storage for a burst, from Azure's guidance alone (no scenario needed).

    Example: acgsim recommend --vms 120 --region westeurope
    """
    if guidance not in catalog.GUIDANCE:
        _fail([f"--guidance: '{guidance}' is not a guidance profile; use seed or current"])
    count, _, reasons, warnings = rules.replicas_for(vms, scale_sets, production, guidance)
    if region is not None:
        name = catalog.normalize_region(region)
        if name not in catalog.REGIONS:
            _fail([f"--region: unknown Azure region '{region}' (`acgsim regions` lists them)"])
        storage, why, warn = rules.storage_for(name, zone_resilience, premium)
    else:
        storage = (
            "Premium_LRS"
            if premium
            else "Standard_ZRS where the region has zones, else Standard_LRS"
        )
        why, warn = ["give --region to choose between ZRS and LRS [ACG]"], []
    answer = {
        "replicas": count,
        "storage": storage,
        "guidance": guidance,
        "reasons": reasons + why,
        "warnings": warnings + warn,
    }
    if as_json:
        print(json.dumps(answer, indent=2))
        return
    console.out.print(f"{count} replica{'s' if count != 1 else ''}, {storage}", markup=False)
    for r in answer["reasons"]:
        console.out.print(f"  - {r}", markup=False)
    for w in answer["warnings"]:
        console.err.print(f"warning: {w}", markup=False)


LIBRARY = Path(__file__).resolve().parent / "scenarios"
library = typer.Typer(
    help="The bundled scenario library: list, show, copy.\n\nExample: acgsim scenarios list",
    no_args_is_help=True,
)
app.add_typer(library, name="scenarios")


def _library_file(name: str) -> Path:
    path = LIBRARY / f"{name.removesuffix('.yaml')}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in LIBRARY.glob("*.yaml")))
        _fail([f"no bundled scenario '{name}'; known: {known}"])
    return path


@library.command("list")
def library_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every bundled scenario with the first sentence of what it teaches.

    Example: acgsim scenarios list
    """
    rows = []
    for path in sorted(LIBRARY.glob("*.yaml")):
        scenario, _ = load_scenario(path)
        first = scenario.description.strip().split(". ")[0].rstrip(".") + "."
        rows.append({"name": path.stem, "lesson": " ".join(first.split())})
    console.emit(
        as_json,
        rows,
        f"{len(rows)} bundled scenarios (acgsim scenarios show NAME)",
        ["name", "what it is about"],
        [[r["name"], r["lesson"]] for r in rows],
    )


@library.command("show")
def library_show(
    name: Annotated[str, typer.Argument(help="A name from `scenarios list`.")],
) -> None:
    """Print a bundled scenario, comments and all.

    Example: acgsim scenarios show zone-outage-lrs
    """
    sys.stdout.write(_library_file(name).read_text(encoding="utf-8"))


@library.command("copy")
def library_copy(
    name: Annotated[str, typer.Argument(help="A name from `scenarios list`.")],
    dest: Annotated[Path, typer.Argument(help="File (or folder) to copy it to.")],
    force: OverwriteFile = False,
) -> None:
    """Copy a bundled scenario to change it.

    Example: acgsim scenarios copy zone-outage-lrs my-outage.yaml
    """
    source = _library_file(name)
    target = dest / source.name if dest.is_dir() else dest
    _check_target(target, force)
    files.write_atomic(target, source.read_text(encoding="utf-8"), force)
    console.out.print(f"wrote {target}", markup=False)


@app.command()
def compare(
    a: Annotated[Path, typer.Argument(help="Scenario A (the baseline).")],
    b: Annotated[Path, typer.Argument(help="Scenario B (the variant).")],
    replications: Annotated[
        int,
        typer.Option("--replications", "-k", min=2, help="Replications of each, on shared seeds."),
    ] = 10,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed (default: A's).")] = None,
    regions: Annotated[bool, typer.Option(help="Also compare region by region.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run two scenarios on common random numbers and compare their key figures.

    Replication i of A and of B use the same child seed, so each difference B - A is paired; its
    95% confidence interval says whether the difference is significant.

    Example: acgsim compare scenarios/zone-outage-lrs.yaml scenarios/zone-outage-zrs.yaml
    """
    first, second = _load_or_exit(a), _load_or_exit(b)
    seed = first.seed if seed is None else seed
    ra = [simulate(first, seed, i) for i in range(replications)]
    rb = [simulate(second, seed, i) for i in range(replications)]
    for r, path in ((ra, a), (rb, b)):
        broken = [x for x in r if x.error]
        if broken:
            console.err.print(
                f"{path}: the simulation broke (a bug in acgsim, please report "
                f"it):\n{broken[0].error}",
                markup=False,
            )
            raise typer.Exit(1)
    table = paired(ra, rb)
    if as_json:
        print(json.dumps(table, indent=2))
        return
    console.print_comparison(table, first.name, second.name, replications, seed, regions)


@app.command()
def init(
    file: Annotated[Path, typer.Argument(help="The scenario file to write.")],
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            "--regions",
            "-r",
            help="Target regions, repeated or comma-separated; the first holds the gallery.",
        ),
    ] = None,
    vms: Annotated[
        int, typer.Option(min=0, max=100_000, help="VMs created at once in each region.")
    ] = 40,
    scale_sets: Annotated[
        int,
        typer.Option(
            min=0, max=1000, help="Scale sets of 100 instances created at once in each region."
        ),
    ] = 0,
    force: OverwriteFile = False,
) -> None:
    """Write a commented starting scenario that validates and runs as written.

    Example: acgsim init my.yaml --region westeurope --region eastus --vms 120
    """
    names: list[str] = []
    for r in [p.strip() for item in region or ["westeurope"] for p in item.split(",")]:
        name = catalog.normalize_region(r)
        if name not in catalog.REGIONS:
            _fail([f"--region: unknown Azure region '{r}' (`acgsim regions` lists them)"])
        if name in names:
            _fail([f"--region: {name} is given twice"])
        names.append(name)
    _check_target(file, force)
    text = starter.render(names, vms, scale_sets)
    try:
        validate_data(yaml.safe_load(text), file=str(file), text=text)
    except ScenarioError as exc:  # a bug in the template, not the user's input
        raise RuntimeError("\n".join(str(p) for p in exc.problems)) from None
    files.write_atomic(file, text, force)
    console.out.print(f"wrote {file}; next: acgsim run {file}", markup=False)


@app.command()
def limits(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Azure Compute Gallery limits acgsim enforces, with their sources.

    Example: acgsim limits --json
    """
    rows = [lim.__dict__ for lim in catalog.LIMITS.values()]
    table = [[r["what"], f"{r['value']:,}", r["scope"], r["source"], r["note"]] for r in rows]
    console.emit(
        as_json,
        rows,
        "Azure Compute Gallery limits",
        ["limit", "value", "per", "source", "note"],
        table,
    )
    if not as_json:
        sources = "; ".join(f"{k} = {v}" for k, v in catalog.SOURCES.items())
        console.out.print(f"Sources: {sources}", markup=False)


@app.command()
def regions(
    zones: Annotated[bool, typer.Option("--zones", help="Only regions with zones.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Azure regions acgsim knows: availability zones, pair, access restriction [REG].

    Example: acgsim regions --zones
    """
    chosen = [r for r in catalog.REGIONS.values() if r.has_zones or not zones]
    data = [
        {"name": r.name, "zones": list(r.zones), "pair": r.pair, "restricted": r.restricted}
        for r in chosen
    ]
    table = [
        [
            r.name,
            ",".join(map(str, r.zones)) or "-",
            console.region_pair(r),
            "restricted" if r.restricted else "",
        ]
        for r in chosen
    ]
    console.emit(
        as_json,
        data,
        f"{len(chosen)} Azure regions (source: {catalog.SOURCES['REG']})",
        ["region", "zones", "pair", "access"],
        table,
    )


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
    force: OverwriteFile = False,
) -> None:
    """The JSON Schema of the scenario format, for editor completion and checks.

    Example: acgsim schema -o acgsim.schema.json
    """
    text = json.dumps(Scenario.model_json_schema(mode="validation"), indent=2) + "\n"
    _print_or_write(text, output, force)


@app.command(name="assumptions")
def show_assumptions(
    file: Annotated[
        Path | None, typer.Argument(help="A scenario whose `model:` overrides to apply.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Model parameters that are assumptions (not Azure facts): value in force and rationale.

    Example: acgsim assumptions scenarios/quickstart.yaml
    """
    if file is None:
        params, guidance = ModelParams(), catalog.DEFAULT_GUIDANCE
    else:
        try:
            scenario, _ = load_scenario(file)
        except ScenarioError as exc:
            _fail([str(p) for p in exc.problems])
        params, guidance = scenario.model, scenario.guidance
    rows = assumptions(params, guidance)
    console.emit(
        as_json,
        rows,
        "Model assumptions (override under `model:` in a scenario)",
        ["parameter", "value", "rationale"],
        [[r["parameter"], r["value"], r["rationale"]] for r in rows],
    )


if __name__ == "__main__":
    app()
