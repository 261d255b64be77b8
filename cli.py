"""acgsim's command line: thin. It parses options, calls the library and renders the answer.

Exit status: 0 success, 2 bad input (a scenario with problems, a bad option), 1 an internal error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

import sim
from planner import cost, rules
from planner import search as planner_search
from planner.plan import Plan
from sim import catalog
from sim.engine import simulate
from sim.errors import RUNTIME, ScenarioError
from sim.loader import load_scenario
from sim.params import ModelParams, assumptions
from sim.results import RunResult
from sim.scenario import Objectives, Scenario
from sim.stats import aggregate
from sim.units import human_duration

app = typer.Typer(
    name="acgsim",
    help="Offline simulator and capacity planner for Azure Compute Gallery.\n\n"
    "Example: acgsim run scenarios/quickstart.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        print(f"acgsim {sim.__version__}")
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
        err.print(line, markup=False)
    raise typer.Exit(2)


def write_atomic(path: Path, text: str, force: bool) -> None:
    """Write via a temporary file and a rename, refusing to overwrite unless forced."""
    if path.exists() and not force:
        _fail([f"{path}: exists; pass --force to overwrite it"])
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _summary(s: Scenario) -> str:
    images = [d for g in s.galleries for d in g.images]
    versions = [v for d in images for v in d.versions]
    targets = sum(len(v.regions) for v in versions)
    vms = sum(w.count for w in s.workload.vms)
    instances = sum(w.count * w.instances for w in s.workload.scale_sets)
    counts = [
        (len(s.galleries), "gallery", "galleries"),
        (len(images), "image", "images"),
        (len(versions), "version", "versions"),
        (targets, "target region", "target regions"),
        (vms, "VM in waves", "VMs in waves"),
        (instances, "scale-set instance", "scale-set instances"),
        (len(s.workload.arrivals), "arrival stream", "arrival streams"),
        (len(s.faults), "fault", "faults"),
    ]
    return ", ".join(f"{n:,} {one if n == 1 else many}" for n, one, many in counts)


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
                    "problems": [_problem_json(p) for p in exc.problems],
                }
            )
            if not as_json:
                for p in exc.problems:
                    err.print(str(p), markup=False)
            continue
        summary = _summary(scenario)
        report.append(
            {
                "file": str(path),
                "ok": True,
                "summary": summary,
                "problems": [_problem_json(p) for p in warnings],
            }
        )
        if not as_json:
            out.print(f"{path}: ok ({summary})", markup=False)
            for w in warnings:
                err.print(str(w), markup=False)
    if as_json:
        print(json.dumps(report, indent=2))
    if failed:
        raise typer.Exit(2)


def _problem_json(p) -> dict:
    return {
        "path": p.where,
        "message": p.message,
        "azure_message": p.azure,
        "azure_docs": p.docs,
        "severity": p.severity,
        "line": p.line,
    }


def _emit(as_json: bool, data: object, title: str, columns: list[str], rows: list[list[str]]):
    """Print `data` as JSON, or `rows` as a table."""
    if as_json:
        print(json.dumps(data, indent=2))
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for i, c in enumerate(columns):
        table.add_column(c, overflow="fold", no_wrap=i == 0)
    for r in rows:
        table.add_row(*r)
    out.print(table)


def _load_or_exit(path: Path) -> Scenario:
    try:
        scenario, warnings = load_scenario(path)
    except ScenarioError as exc:
        _fail([str(p) for p in exc.problems])
    for w in warnings:
        err.print(str(w), markup=False)
    return scenario


def _t(seconds: float | None) -> str:
    return "-" if seconds is None else human_duration(seconds)


def _print_run(result: RunResult) -> None:
    summaries = [*result.regions, result.overall]
    _emit(
        False,
        None,
        f"{result.scenario}: seed {result.seed}, simulated "
        f"{human_duration(result.simulated_end_s or 0)}. Time from request to running VM:",
        ["region", "requests", "ok", "failed", "in flight", "p50", "p95", "p99", "max"],
        [
            [
                s.region,
                f"{s.requests:,}",
                f"{s.succeeded:,}",
                f"{s.failed:,}",
                f"{s.in_flight:,}",
                _t(s.ttr_p50_s),
                _t(s.ttr_p95_s),
                _t(s.ttr_p99_s),
                _t(s.ttr_max_s),
            ]
            for s in summaries
        ],
    )
    _emit(
        False,
        None,
        "Replicas and throttling:",
        ["region", "mean wait", "waited", "longest queue", "replica busy", "429s", "retries"],
        [
            [
                s.region,
                _t(s.wait_mean_s),
                _pct(s.waited_share),
                str(s.longest_queue),
                _pct(s.replica_utilisation),
                f"{s.throttled_429:,}",
                f"{s.retries:,}",
            ]
            for s in summaries
        ],
    )
    _emit(
        False,
        None,
        "Replication:",
        ["region", "state", "replicas", "storage", "attempts", "done at", "version"],
        [
            [
                c.region,
                c.state,
                str(c.replicas),
                c.storage,
                str(c.attempts),
                _t(c.completed_s),
                c.version,
            ]
            for c in result.replication_log
        ],
    )
    codes = result.overall.failed_by_code if result.overall else {}
    for code, n in codes.items():
        e = RUNTIME[code]
        label = e.code or code
        kind = "acgsim's own words: Azure publishes none" if e.model else f"Azure, {e.source}"
        message = e.message.format(
            image="<image>", region="<region>", tenant="<tenant>", subscription="<subscription>"
        )
        out.print(f"{n:,} failed with {label} (HTTP {e.status}): {message} ({kind})", markup=False)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _print_many(results: list[RunResult]) -> None:
    figures = aggregate(results)
    shown = [
        "ttr_p50_s",
        "ttr_p95_s",
        "failure_rate",
        "wait_mean_s",
        "throttled_429",
        "replica_utilisation",
    ]
    rows = []
    for region, f in figures.items():
        cells = []
        for key in shown:
            m, h = f[key]["mean"], f[key]["half_width"]
            fmt = _t if key.endswith("_s") else (lambda x: f"{x:,.3g}")
            cells.append("-" if m is None else fmt(m) + ("" if h is None else f" ± {fmt(h)}"))
        rows.append([region, *cells])
    _emit(
        False,
        None,
        f"{results[0].scenario}: {len(results)} replications of seed "
        f"{results[0].seed} (mean ± 95% CI half-width)",
        ["region", "p50", "p95", "failure rate", "mean wait", "429s", "replica util"],
        rows,
    )


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
) -> None:
    """Simulate a scenario: time to running, throttling, failures, replicas, replication.

    With --replications K the run repeats on K child seeds and shows each key figure's mean with
    a 95% confidence interval.

    Example: acgsim run scenarios/quickstart.yaml --replications 5
    """
    scenario = _load_or_exit(file)
    if seed is not None and seed < 0:
        _fail([f"--seed must be 0 or more, got {seed}"])
    if replications == 1:
        results = [simulate(scenario, seed, trace=trace, timing=timing)]
    else:
        results = [
            simulate(scenario, seed, i, trace=trace, timing=timing) for i in range(replications)
        ]
    broken = [r for r in results if r.error]
    if broken:
        err.print(
            f"{file}: the simulation broke (a bug in acgsim, please report it):", markup=False
        )
        err.print(broken[0].error, markup=False)
        raise typer.Exit(1)
    if out_dir is not None:
        _write_results(out_dir, results, force)
    if as_json:
        if len(results) == 1:
            sys.stdout.write(results[0].to_json())
        else:
            doc = {
                "replications": [json.loads(r.to_json()) for r in results],
                "summary": aggregate(results),
            }
            print(json.dumps(doc, indent=2))
        return
    if len(results) == 1:
        _print_run(results[0])
    else:
        _print_many(results)
    if out_dir is not None:
        out.print(f"wrote results to {out_dir}", markup=False)


def _write_results(out_dir: Path, results: list[RunResult], force: bool) -> None:
    if len(results) == 1:
        files = {"result.json": results[0].to_json()}
        if results[0].records is not None:
            files["records.csv"] = _csv(results[0].records)
    else:
        files = {f"result-{r.replication}.json": r.to_json() for r in results}
        files["summary.json"] = json.dumps(aggregate(results), indent=2) + "\n"
        for r in results:
            if r.records is not None:
                files[f"records-{r.replication}.csv"] = _csv(r.records)
    clash = [n for n in files if (out_dir / n).exists()]
    if clash and not force:
        _fail([f"{out_dir / clash[0]}: exists; pass --force to overwrite it"])
    for name, text in files.items():
        write_atomic(out_dir / name, text, force=True)


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


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


def _est(e) -> str:
    if e is None or e.mean is None:
        return "-"
    return _t(e.mean) + ("" if e.half_width is None else f" ± {_t(e.half_width)}")


def _print_plan(p: Plan) -> None:
    rows = []
    for r in p.regions:
        change = (
            f"{r.replicas}"
            if r.replicas == r.baseline_replicas
            else f"{r.replicas} (rules {r.baseline_replicas})"
        )
        ok = {True: "yes", False: "NO", None: "-"}[r.meets_objectives]
        rows.append(
            [
                r.region,
                change,
                r.storage,
                r.reasons[0],
                _est(r.p95_s),
                ok,
                f"{r.monthly_cost_usd:,.2f}",
            ]
        )
    _emit(
        False,
        None,
        f"Plan for {p.scenario} ({p.guidance} guidance, {p.replications} "
        "replications per candidate; p95 = time to running, mean ± 95% CI)",
        ["region", "replicas", "storage", "why", "p95", "meets", "USD/month"],
        rows,
    )
    for r in p.regions:
        out.print(f"{r.region} ({r.version}):", markup=False)
        for reason in r.reasons:
            out.print(f"  - {reason}", markup=False)
    t = p.totals
    out.print(
        f"Total: {t.replicas} replicas, {t.monthly_cost_usd:,.2f} USD a month (rules alone: "
        f"{t.baseline_replicas}, {t.baseline_monthly_cost_usd:,.2f}), plus "
        f"{t.egress_one_time_usd:,.2f} USD egress once. Prices as of {p.prices.as_of}: "
        f"{p.prices.source}. {p.simulations} simulations, {p.simulated_requests:,} "
        "simulated requests.",
        markup=False,
    )
    for w in p.warnings:
        err.print(f"warning: {w}", markup=False)
    for msg in p.infeasible:
        err.print(f"cannot meet the objectives: {msg}", markup=False)


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
    force: Annotated[bool, typer.Option("--force", help="Overwrite plan.json.")] = False,
) -> None:
    """Recommend replicas and storage per region, verified by simulation and priced.

    Starts from Azure's guidance, simulates it, then raises or lowers each region's replicas to the
    fewest that meet the objectives. Exits 1 if some objective cannot be met.

    Example: acgsim plan scenarios/quickstart.yaml --objective p95=2m --out plans/
    """
    scenario = _load_or_exit(file)
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
    progress = (lambda msg: err.print(msg, markup=False)) if err.is_terminal else None
    result = planner_search.plan(
        scenario, replications, seed, below_guidance, premium, table, workers, progress
    )
    if out_dir is not None:
        write_atomic(out_dir / "plan.json", result.to_json(), force)
    if as_json:
        sys.stdout.write(result.to_json())
    else:
        _print_plan(result)
        if out_dir is not None:
            out.print(f"wrote {out_dir / 'plan.json'}", markup=False)
    if result.infeasible:
        raise typer.Exit(1)


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
    out.print(f"{count} replica{'s' if count != 1 else ''}, {storage}", markup=False)
    for r in answer["reasons"]:
        out.print(f"  - {r}", markup=False)
    for w in answer["warnings"]:
        err.print(f"warning: {w}", markup=False)


@app.command()
def limits(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Azure Compute Gallery limits acgsim enforces, with their sources.

    Example: acgsim limits --json
    """
    rows = [lim.__dict__ for lim in catalog.LIMITS.values()]
    table = [[r["what"], f"{r['value']:,}", r["scope"], r["source"], r["note"]] for r in rows]
    _emit(
        as_json,
        rows,
        "Azure Compute Gallery limits",
        ["limit", "value", "per", "source", "note"],
        table,
    )
    if not as_json:
        sources = "; ".join(f"{k} = {v}" for k, v in catalog.SOURCES.items())
        out.print(f"Sources: {sources}", markup=False)


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
            _pair(r),
            "restricted" if r.restricted else "",
        ]
        for r in chosen
    ]
    _emit(
        as_json,
        data,
        f"{len(chosen)} Azure regions (source: {catalog.SOURCES['REG']})",
        ["region", "zones", "pair", "access"],
        table,
    )


def _pair(r: catalog.Region) -> str:
    if r.pair is None:
        return "-"
    return r.pair if r.pair in catalog.REGIONS else f"{r.pair} (not in the region list)"


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """The JSON Schema of the scenario format, for editor completion and checks.

    Example: acgsim schema -o acgsim.schema.json
    """
    text = json.dumps(Scenario.model_json_schema(mode="validation"), indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text, force)
    out.print(f"wrote {output}", markup=False)


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
    _emit(
        as_json,
        rows,
        "Model assumptions (override under `model:` in a scenario)",
        ["parameter", "value", "rationale"],
        [[r["parameter"], r["value"], r["rationale"]] for r in rows],
    )


if __name__ == "__main__":
    app()
