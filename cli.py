"""acgsim's command line: thin. It parses options, calls the library and renders the answer.

Exit status: 0 success, 2 bad input (a scenario with problems, a bad option), 1 an internal error.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

import sim
from sim import catalog
from sim.errors import ScenarioError
from sim.loader import load_scenario
from sim.params import ModelParams, assumptions
from sim.scenario import Scenario

app = typer.Typer(
    name="acgsim",
    help="Offline simulator and capacity planner for Azure Compute Gallery.\n\n"
    "Example: acgsim validate scenarios/quickstart.yaml",
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

    Example: acgsim validate scenarios/quickstart.yaml
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
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*r)
    out.print(table)


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
