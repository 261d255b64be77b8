"""The command line's options as people read them in help: the types several commands share
(SCENARIO, --set PATH=VALUE, --format, --runs K, the ceilings), their help texts, and how usage
lines and user errors are shown.

Light on purpose: typer and the ceilings only, so `acgsim --help` loads no model, numpy or SimPy.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

import typer
from typer.core import TyperGroup

from acgsim.reports.layout import FORMATS
from acgsim.sim import footprint
from acgsim.sim.errors import InputError


class Commands(TyperGroup):
    """Every command's user errors end the same way: the lines on stderr, exit status 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:  # anything else is a bug: a traceback
            for line in exc.lines:
                typer.echo(line, err=True)
            raise typer.Exit(exc.status) from None

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            refuse_empty(command, rest)
        return name, command, rest


def refuse_empty(command, args: list[str]) -> None:
    """InputError for an empty argument or option value (an unset shell variable: `--out
    "$DIR"`), which a path would otherwise read as '.', the current folder."""
    options = {o: p for p in command.params if p.param_type_name == "option" for o in p.opts}
    arguments = [
        p.metavar or p.name.upper() for p in command.params if p.param_type_name == "argument"
    ]
    position, value_of = 0, None
    for arg in args:
        if value_of is not None:
            which, value_of = value_of, None
        elif arg.startswith("-") and len(arg) > 1:
            name, eq, value = arg.partition("=")
            option = options.get(name)
            if option is not None and not option.is_flag and not eq:
                value_of = name
            which = name if eq else None
            arg = value if eq else arg
        else:
            which = arguments[min(position, len(arguments) - 1)] if arguments else "an argument"
            position += 1
        if which and arg == "":
            raise InputError(f"{which}: is empty (''): give a value (is a shell variable unset?)")


def usage_name(self) -> str:
    """An argument in a usage line as people write it: FILE, [B], FILES... (not {file})."""
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return name + ("..." if self.nargs != 1 else "")


def version(answer):
    """--version: `answer` prints it and exits (before any command)."""
    return typer.Option("--version", callback=answer, is_eager=True, help="Version.")


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No notes or progress.")]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also the assumptions a run or plan used.")
]
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
Engine = Annotated[
    str, typer.Option(help="auto (the exact fast path where a run allows it), simpy, or fast.")
]


def runs(low: int, what: str):
    """--runs/-k, runs on child seeds (--replications: its older name), at most MAX_RUNS."""
    return typer.Option(
        "--runs", "-k", "--replications", min=low, max=MAX_RUNS, metavar="K", help=what
    )


# --- options of one command each, by command (their help as `acgsim COMMAND --help` shows) -----

# plan
Guidance = Annotated[
    Literal["seed", "current"] | None,
    typer.Option(help="seed: 20 VMs per replica; current: 50 (default: the scenario's)."),
]
Objectives = Annotated[
    list[str] | None, typer.Option("--objective", metavar="GOAL=VALUE", help=GOALS)
]
OldObjectives = Annotated[list[str] | None, typer.Option("-o", hidden=True)]
BelowGuidance = Annotated[
    bool, typer.Option(help="Allow fewer replicas than the guidance if objectives hold.")
]
Alternatives = Annotated[bool, typer.Option(help=ALTERNATIVES)]
Prices = Annotated[
    Path | None, typer.Option(metavar="FILE", help="Price overrides (YAML or JSON).")
]
Against = Annotated[
    Path | None,
    typer.Option(metavar="FILE", help="What is deployed: plan.json, ARM, or az sig JSON."),
]
Exports = Annotated[
    list[str] | None,
    typer.Option(metavar="FORMAT", help="Also write arm, bicep, terraform or azcli to --out."),
]


# export
ExportSource = Annotated[
    Path, typer.Argument(metavar="SOURCE", help="plan.json, a scenario or a bundled name.")
]
ExportFormat = Annotated[
    Literal["arm", "bicep", "terraform", "azcli"],
    typer.Option("--format", "-f", help="What to write."),
]
ExportForce = Annotated[bool, typer.Option(help="Overwrite files; export an unfit plan too.")]

# import
ImportSource = Annotated[
    Path,
    typer.Argument(metavar="FILE", help="ARM template, az sig JSON, terraform show -json."),
]
ArmParameters = Annotated[
    Path | None, typer.Option(metavar="FILE", help="ARM parameters JSON file.")
]
ArmSets = Annotated[
    list[str] | None, typer.Option("--set", metavar="NAME=VALUE", help="An ARM parameter.")
]
Location = Annotated[
    str | None, typer.Option(metavar="REGION", help="The resource group's region.")
]

# sweep
Vary = Annotated[list[str], typer.Option("--vary", metavar="PATH=VALUES", help=VARY)]
SweepOut = Annotated[
    Path, typer.Option("--out", metavar="DIR", help="Folder for rows, summary and plot.")
]
Scheduler = Annotated[
    str | None,
    typer.Option(metavar="ADDRESS", help="Run on Dask: 'local' or tcp://host:8786."),
]
Resume = Annotated[bool, typer.Option(help="Run only what an earlier run left.")]
StartOver = Annotated[bool, typer.Option(help="Start over in an existing --out.")]
Plot = Annotated[str, typer.Option(metavar="FIGURE", help="The figure to plot.")]
MaxRuns = Annotated[int, typer.Option(min=1, metavar="N", help="Refuse a sweep of more runs.")]

# recommend
BurstVms = Annotated[int, typer.Option(min=0, metavar="N", help="VMs created at the same time.")]
BurstScaleSets = Annotated[
    int, typer.Option(min=0, metavar="N", help="Scale sets created at once.")
]
BurstRegion = Annotated[
    str | None, typer.Option(metavar="REGION", help="Azure region (for the storage type).")
]
Production = Annotated[bool, typer.Option(help="A production image (>= 3 replicas).")]
RulesGuidance = Annotated[
    Literal["seed", "current"], typer.Option(help="seed: 20 VMs per replica; current: 50.")
]
ZoneResilience = Annotated[bool, typer.Option(help="Replicas survive a zone loss.")]

# explain
Vm = Annotated[
    str, typer.Option(metavar="N", help="Request N (1: the first), slowest, median or failed.")
]

# calibrate
Observations = Annotated[
    list[Path], typer.Argument(help="Activity-log JSON, replication-status samples, CSV.")
]
CalibrateScenario = Annotated[Path, typer.Option("--scenario", "-s", help="Scenario to calibrate.")]
CalibratedOutput = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the calibrated scenario here.")
]
SubscriptionId = Annotated[
    str | None, typer.Option(help="Use this subscription's operations (default: the most).")
]
CalibrationReport = Annotated[
    Path | None, typer.Option("--report", help="Folder for calibration.html and the plot.")
]

# compare
Baseline = Annotated[Path, typer.Argument(metavar="A", help="The baseline: a file or a name.")]
Variant = Annotated[
    Path | None, typer.Argument(metavar="B", help="The variant (default: A with --set).")
]
SeedOfA = Annotated[int | None, typer.Option(min=0, metavar="N", help="Seed (default: A's).")]
ByRegion = Annotated[bool, typer.Option(help="Also compare region by region.")]

# init
Regions = Annotated[
    list[str] | None,
    typer.Option(
        "--region",
        "--regions",
        "-r",
        metavar="REGION",
        help="Regions (repeat, or a,b); first: gallery's.",
    ),
]
NewFile = Annotated[Path, typer.Argument(metavar="FILE", help="The scenario file to write.")]
InitVms = Annotated[
    int, typer.Option(min=0, max=100_000, metavar="N", help="VMs at once in each region.")
]
InitScaleSets = Annotated[
    int,
    typer.Option(min=0, max=1000, metavar="N", help="Scale sets of 100 at once in each region."),
]

# scenarios show/copy
LessonName = Annotated[str, typer.Argument(metavar="NAME", help="A name from scenarios list.")]

# scenarios copy
CopyDest = Annotated[
    str, typer.Argument(metavar="DEST", help="File, or folder (ending in /) to copy it into.")
]

# scenarios check
LessonNames = Annotated[
    list[str] | None, typer.Argument(metavar="NAMES", help="Lessons (default: all).")
]
