"""The steps the commands share: a scenario from a file or a bundled name with its what-ifs and
under the ceilings, a line said or warned, text printed or written to a file, a broken run
stopped, the engine chosen; and the run command's runs, files, tables and report.

Light at import (typer, the screen, the ceilings): each step imports the model when it runs,
so `acgsim --help` loads no numpy or SimPy.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path

import typer

from acgsim.reports import assumption_tables, console, files, progress
from acgsim.sim import footprint
from acgsim.sim.characters import printable
from acgsim.sim.errors import InputError

ENGINES = ("auto", "simpy", "fast")


def say(text: str, err: bool = False) -> None:
    """A line on stdout (or stderr, unless --quiet); paths and names in it come from the user:
    shown printable."""
    if not (err and console.QUIET):
        typer.echo(printable(text), err=err)


warn = partial(say, err=True)


def say_wrote(paths) -> None:
    """'wrote A, B, C' within the width: broken between files, never inside a path."""
    from acgsim.reports.layout import width

    lines, line, on_line = [], "wrote", 0
    for i, p in enumerate(map(str, paths)):
        item = p + ("," if i < len(paths) - 1 else "")
        if on_line and len(line) + 1 + len(item) > width():
            lines.append(line)
            line, on_line = " ", 0
        line, on_line = f"{line} {item}", on_line + 1
    say("\n".join([*lines, line]))


def say_wrapped(text: str) -> None:
    """Lines of text, each longer than the width wrapped between words under its own indent."""
    from acgsim.reports.layout import paragraph, width

    for line in text.splitlines():
        if len(line) <= width():
            say(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        say("\n".join(paragraph(line.strip(), indent, "    ")))


def engine(name: str) -> str:
    """--engine for every run of the command, in this process and the workers it starts."""
    if name not in ENGINES:
        raise InputError(f"--engine: '{name}' is not one of {', '.join(ENGINES)}")
    os.environ["ACGSIM_ENGINE"] = name  # read by acgsim.sim.engine.simulate
    return name


def fmt(fmt: str, as_json: bool) -> str:
    """--format, or json with --json."""
    return "json" if as_json else fmt


def load(path: Path, max_requests=None, max_memory=None, runs=1, trace=False, changes=None):
    """The scenario a file or bundled name holds (warnings to stderr), with the what-ifs
    (--set, --fault) applied, refused past a ceiling."""
    from acgsim import scenarios
    from acgsim.sim import whatif
    from acgsim.sim.loader import load_scenario

    scenario, warnings = load_scenario(scenarios.resolve(path))
    for w in warnings:
        warn(str(w))
    scenario = whatif.apply(scenario, *(changes or (None, None)))
    if max_requests is not None:
        footprint.check([scenario], runs, footprint.Ceiling(max_requests, max_memory), trace=trace)
    return scenario


def print_or_write(text: str, output: Path | None, force: bool) -> None:
    """Text to standard output, or to a file written atomically (never over one unless forced)."""
    if output is None:
        sys.stdout.write(text)
    else:
        files.write_atomic(output, text, force)
        say(f"wrote {output}")


def fail_if_broken(results: list, what: Path) -> None:
    """A run that broke is a bug in acgsim: show it and exit 1 (never a silent wrong number)."""
    if broken := [r for r in results if getattr(r, "error", None)]:  # a plan has none
        warn(f"{what}: the simulation broke (a bug in acgsim, please report it):")
        warn(broken[0].error)
        raise typer.Exit(1)


def run_and_show(file, scenario, *, seed, runs, trace, timing, out_dir, force, report, fmt):
    """`acgsim run`: the runs (one on the seed itself with a ticker, or K on child seeds with a
    bar), their files in --out, the tables (the assumptions with --verbose), the report."""
    from acgsim.reports import tables
    from acgsim.sim.engine import simulate, simulate_many

    if report and out_dir is None:
        raise InputError("--report needs --out DIR to write into")
    if out_dir is not None:
        files.check_outputs(out_dir, files.result_files(runs, trace), force, report)
    if runs == 1:  # one run uses the seed itself, not a child of it
        with progress.ticker(scenario.horizon) as tick:
            results = [simulate(scenario, seed, trace=trace, timing=timing, tick=tick)]
    else:
        bar = lambda items: progress.track(items, "runs")  # noqa: E731
        results = simulate_many(scenario, runs, seed, trace=trace, timing=timing, progress=bar)
    fail_if_broken(results, file)
    if out_dir is not None:
        files.write_results(out_dir, results, force)
    tables.print_results(results, fmt, scenario)
    assumption_tables.print_assumptions_used(results[0].assumptions, fmt)
    if fmt == "table" and out_dir is not None:
        say(f"wrote results to {out_dir}")
    if report and out_dir is not None:
        from acgsim.reports import html

        written = html.run_report(results[0], out_dir / "report")
        if runs > 1:
            warn("the report shows run 0; summary.json has all of them")
        warn(f"report: {written[0]}")


def export_and_write(exports, source: Path, fmt: str, output: Path | None, force: bool) -> None:
    """`acgsim export`: a plan's (or a scenario's) deployment in one format, to stdout or files;
    a plan not fit to deploy is refused (exit 4) unless forced. `exports` is the exporter
    (acgsim.planner.export, given by the command: reports run no exporter of their own)."""
    from acgsim import scenarios

    exports.check_format(fmt)
    if output is not None:
        files.check_target(output, force)
    export, plan = exports.load_with_plan(scenarios.resolve(source))
    for line in exports.check_fit(plan, force, str(source)):  # refused (exit 4) unless forced
        warn(line)
    if output is None:
        sys.stdout.write(exports.render(fmt, export))
    else:
        say_wrote(files.write_all(exports.files(fmt, export, output), force))


def compare_and_show(a, b, first, second, *, sets, faults, runs, seed, regions, ceiling, fmt):
    """`acgsim compare`: K runs of each on the same child seeds, the paired differences shown."""
    from acgsim.reports import compare as shown
    from acgsim.sim.engine import simulate_many

    footprint.check([first, second], runs, ceiling)
    seed = first.seed if seed is None else seed
    ra, rb = simulate_many(first, runs, seed), simulate_many(second, runs, seed)
    fail_if_broken(ra, a)
    fail_if_broken(rb, b or a)
    names = shown.names(first, second, b is None, sets, faults)
    shown.show(first, second, ra, rb, names, seed, regions, fmt)


def sweep_and_write(
    file,
    vary,
    out_dir,
    runs,
    workers,
    scheduler,
    resume,
    force,
    plot,
    max_runs,
    ceiling,
    engine_of,
):
    """`acgsim sweep`: the grid's runs journalled into --out as they finish, then the summary
    and the plot; exit 130 when interrupted, 1 when stopped by a failure (nothing is lost)."""
    from acgsim import scenarios
    from acgsim.reports.journal import Journal
    from acgsim.sim import sweep as sw

    if plot not in sw.FIGURES:
        raise InputError(f"--plot: '{plot}' is not one of {', '.join(sw.FIGURES)}")
    axes, cells, spec = sw.prepare(
        scenarios.resolve(file), vary, runs, max_runs, bool(scheduler), ceiling, workers
    )
    journal = Journal.open(out_dir, spec, resume, force, cells)
    todo = sw.tasks(cells, runs, journal.done(), engine(engine_of))
    warn(journal.plan_line(len(cells), runs, len(todo)))
    stopped = journal.run(
        todo, workers, scheduler, lambda rows: progress.track(rows, "sweep", len(todo))
    )
    if journal.rows:
        say_wrote(journal.write_outputs(axes, plot))
    for line in journal.warnings(stopped, len(cells) * runs):
        warn(line)
    if stopped:
        raise typer.Exit(130 if stopped == "interrupted" else 1)


def calibrate_and_write(scenario, observations, subscription_id, output, report_dir, force):
    """`acgsim calibrate`: the fit shown, its warnings, the report and the calibrated scenario
    written where asked (each target checked before any work)."""
    from acgsim.reports import calibration
    from acgsim.sim.calibrate import estimate, inputs, write

    if output is not None:
        files.check_target(output, force)
    if report_dir is not None:
        files.check_folder(report_dir, force, "a calibration report")
    sizes = {v.ref.lower(): v.version.size_gb for v in scenario.versions()}
    cal = estimate.calibrate(inputs.read(observations, sizes, subscription_id), scenario)
    say_wrapped(calibration.text(cal))
    for w in cal.warnings:
        warn(f"warning: {w}")
    if report_dir is not None:
        say(f"wrote {calibration.write(cal, report_dir)[0]}")
    if output is not None:
        print_or_write(write.calibrated_yaml(scenario, cal, observations), output, force)


def check_lessons(names: list[str] | None) -> list:
    """Every exercise of these lessons (default: all) with what is wrong with its answer, each
    lesson and each change run once (the baseline is shared by a lesson's exercises)."""
    from acgsim import api
    from acgsim.scenarios import exercises
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

    chosen = [ex for ex in exercises.exercises() if not names or ex.lesson in names]
    return [(ex, exercises.verify(ex, partial(run, ex.lesson))) for ex in chosen]
