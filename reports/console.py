"""What the command line shows: lines and tables for validation, the catalogue, the library,
and the screen primitives (consoles, progress) every renderer uses.

The only place besides reports' files that writes to the screen (DESIGN: nothing in sim/ or
planner/ prints). It imports no model (numpy, SimPy, the planner), so `acgsim validate`,
`limits` and `regions` answer fast; run and plan tables are in reports/tables.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from acgsim.reports import layout
from acgsim.sim import catalog

if TYPE_CHECKING:
    from acgsim.sim.scenario import Scenario

out = Console(highlight=False, soft_wrap=True)


err = Console(stderr=True, highlight=False, soft_wrap=True)
QUIET = False  # --quiet: no notes, warnings or progress on stderr (errors still are)
VERBOSE = False  # --verbose: also what a run assumed


def set_verbosity(quiet: bool, verbose: bool) -> None:
    global QUIET, VERBOSE
    QUIET, VERBOSE = quiet, verbose and not quiet
    err.quiet = quiet


def scenario_summary(s: Scenario) -> str:
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


def problem_json(p) -> dict:
    return {
        "path": p.where,
        "message": p.message,
        "azure_message": p.azure,
        "azure_docs": p.docs,
        "severity": p.severity,
        "line": p.line,
    }


def validation_entry(path, scenario: Scenario | None, problems: list) -> dict:
    """One file's entry in `validate --json`: ok, a summary when valid, every problem."""
    entry: dict = {"file": str(path), "ok": scenario is not None}
    if scenario is not None:
        entry["summary"] = scenario_summary(scenario)
    entry["problems"] = [problem_json(p) for p in problems]
    return entry


def print_validation(paths: list, resolve, fmt: str | bool) -> bool:
    """Validate each file (or bundled name) and show every problem; False if any has an error."""
    from acgsim.sim.errors import ScenarioError
    from acgsim.sim.loader import load_scenario

    fmt, report, ok = fmt_of(fmt), [], True
    for path in paths:
        try:
            scenario, problems = load_scenario(resolve(path))
        except ScenarioError as exc:
            scenario, problems, ok = None, exc.problems, False
        report.append(validation_entry(path, scenario, problems))
        if fmt == "table":
            if scenario is not None:  # FILE: lines stay whole, as editors and CI read them
                out.print(f"{path}: ok ({report[-1]['summary']})", markup=False)
            for p in problems:
                err.print(str(p), markup=False)
    if fmt != "table":
        records = [
            {"file": e["file"], "ok": e["ok"], **({"path": "", "message": ""} | p)}
            for e in report
            for p in (e["problems"] or [{}])
        ]
        emit(fmt, report, "", [], [], records=records)
    return ok


def print_recommendation(answer: dict, fmt: str | bool) -> None:
    fmt = fmt_of(fmt)
    if fmt != "table":
        emit(fmt, answer, "", [], [], records=[answer])
        return
    count = answer["replicas"]
    say(f"{count} replica{'s' if count != 1 else ''}, {answer['storage']}")
    for r in answer["reasons"]:
        say(f"- {r}", indent="  ")
    for w in answer["warnings"]:
        note(f"warning: {w}")


def print_lessons(rows: list[dict], fmt: str | bool) -> None:
    title = (
        f"{len(rows)} bundled lessons (acgsim scenarios show NAME; exercises with answers: "
        "acgsim scenarios check NAME)"
    )
    table = [[r["name"], r["lesson"], str(r["exercises"])] for r in rows]
    emit(fmt, rows, title, ["name", "the point", "exercises"], table, wrap=["the point"])


def print_exercises(checked: list) -> None:
    """Each exercise: its question, the command that shows it, its answer, and whether the run
    bore the answer out."""
    for ex, wrong in checked:
        say(f"{ex.lesson}: {ex.question}")
        say(f"try: {ex.command}", indent="  ", hang="    ")
        say(f"answer: {ex.answer}", indent="  ", hang="    ")
        say("verified by running it" if not wrong else "NOT borne out: " + "; ".join(wrong), "  ")


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
    if VERBOSE and fmt == "table" and rows:
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
    if VERBOSE:
        table = [
            [a.parameter, a.value + (" (set)" if a.overridden else ""), a.source] for a in rows
        ]
        show_table("Assumptions this plan used:", ["parameter", "value", "source"], table, WRAP)


WRAP = ["value", "rationale"]


def print_limits(fmt: str | bool) -> None:
    from acgsim.sim.units import readable

    rows = [lim.__dict__ for lim in catalog.LIMITS.values()]
    table = [[r["what"], readable(r["value"]), r["scope"], r["source"], r["note"]] for r in rows]
    emit(
        fmt,
        rows,
        "Azure Compute Gallery limits",
        ["limit", "value", "per", "source", "note"],
        table,
        wrap=["limit", "per", "note"],
    )
    if fmt_of(fmt) == "table":
        cited = {k for r in rows for k in r["source"].replace(",", ";").split(";")}
        bibliography(sorted(k.strip() for k in cited if k.strip()))


def bibliography(keys: Sequence[str]) -> None:
    """The sources a table cites: each id with its title, one wrapped line each."""
    from acgsim.reports import sources

    known = [k for k in keys if k in catalog.SOURCES]
    if known:
        out.print("Sources:", markup=False)
    for k, title, _ in sources.entries(known):  # addresses: in the reports, as links
        say(f"[{k}] {title}", indent="  ", hang="    ")


def print_regions(zones: bool, fmt: str | bool) -> None:
    chosen = [r for r in catalog.REGIONS.values() if r.has_zones or not zones]
    data = [
        {"name": r.name, "zones": list(r.zones), "pair": r.pair, "restricted": r.restricted}
        for r in chosen
    ]
    table = [
        [
            r.name,
            ",".join(map(str, r.zones)) or "-",
            region_pair(r),
            "restricted" if r.restricted else "",
        ]
        for r in chosen
    ]
    title = f"{len(chosen)} Azure regions (source: {catalog.SOURCES['REG']})"
    emit(fmt, data, title, ["region", "zones", "pair", "access"], table, wrap=["pair"])


def fmt_of(fmt: str | bool) -> str:
    """--format's value; True and False are the older --json flag's."""
    return "json" if fmt is True else "table" if fmt is False else fmt


def emit(
    fmt: str | bool,
    data: object,
    title: str,
    columns: list[str],
    rows: list[list[str]],
    wrap: Sequence[str] = (),
    records: list[dict] | None = None,
) -> None:
    """`data` as JSON, `records` (default: `data`) as CSV or TSV, or `rows` as a table."""
    fmt = fmt_of(fmt)
    if fmt == "json":
        print(json.dumps(data, indent=2))
    elif fmt in ("csv", "tsv"):
        chosen = records if records is not None else data
        if not isinstance(chosen, list):
            chosen = [dict(zip(columns, r, strict=False)) for r in rows]
        sys.stdout.write(layout.delimited([layout.flat(r) for r in chosen], fmt))
    else:
        show_table(title, columns, rows, wrap)


def show_table(title: str, columns: Sequence[str], rows: list[list[str]], wrap=()) -> None:
    """A title (wrapped) over a table that fits the width: bold header on a terminal."""
    if title:
        say(title)
    head, body = layout.table(columns, rows, wrap)
    for line in head:
        out.print(Text(line, style="bold"))
    for line in body:
        out.print(line, markup=False)


def say(text: str, indent: str = "", hang: str = "  ", to=None) -> None:
    """A paragraph wrapped between words within the width (never inside a word or number)."""
    for line in layout.paragraph(text, indent, hang):
        (to or out).print(line, markup=False)


def note(text: str) -> None:
    """A warning or remark on stderr, wrapped like every paragraph."""
    say(text, to=err)


def region_pair(r: catalog.Region) -> str:
    if r.pair is None:
        return "-"
    return r.pair if r.pair in catalog.REGIONS else f"{r.pair} (not in the region list)"


def _bar(transient: bool = False):
    """A rich progress display: what, bar, done of total, elapsed and time left (the ETA)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=err,
        transient=transient,
    )


def track(items: Iterable, what: str, total: int | None = None) -> Iterable:
    """A progress bar with counts (done of total) and ETA on a terminal (stderr); the plain items
    elsewhere."""
    if QUIET or not err.is_terminal:
        return items
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    return _tracked(items, what, total)


def _tracked(items: Iterable, what: str, total: int | None) -> Iterator:
    with _bar() as bar:
        yield from bar.track(items, total=total, description=what)


class Counter:
    """What `counted` yields: `say(message)` shows the latest step, `count(n)` adds n done."""

    def __init__(self, bar, task) -> None:
        self.bar, self.task = bar, task

    def say(self, message: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=message)

    def count(self, n: int = 1) -> None:
        if self.bar is None:
            return
        t = self.bar.tasks[self.task]
        if t.total is not None and t.completed + n > t.total:  # the estimate was short
            self.bar.update(self.task, total=t.completed + n)
        self.bar.advance(self.task, n)


@contextmanager
def counted(what: str, total: int | None) -> Iterator[Counter]:
    """Progress for work whose size is estimated (a plan's candidates): the latest step, done of
    about `total`, elapsed and ETA on a terminal; a Counter that shows nothing elsewhere."""
    if not err.is_terminal:
        yield Counter(None, None)
        return
    with _bar(transient=True) as bar:
        yield Counter(bar, bar.add_task(what, total=total))


@contextmanager
def ticker(horizon_s: float) -> Iterator:
    """A run's progress bar (simulated time, requests finished) on a terminal, shown from the
    first tick, so a short run shows none; yields the engine's tick callback (None elsewhere)."""
    if QUIET or not err.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = None

        def tick(now_s: float, finished: int) -> None:
            nonlocal task
            what = f"simulating: {finished:,} requests done"
            if task is None:
                task = bar.add_task(what, total=horizon_s)
            bar.update(task, completed=now_s, description=what)

        yield tick


@contextmanager
def status(what: str) -> Iterator:
    """A spinner with the latest message on a terminal; yields the callback (None elsewhere)."""
    if QUIET or not err.is_terminal:
        yield None
        return
    with err.status(what) as spinner:
        yield lambda message: spinner.update(message)
