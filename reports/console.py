"""What the command line shows: lines and tables for validation, the catalogue, the library,
and the screen primitives (consoles, progress) every renderer uses.

The only place besides reports' files that writes to the screen (DESIGN: nothing in sim/ or
planner/ prints). It imports no model (numpy, SimPy, the planner), so `acgsim validate`,
`limits` and `regions` answer fast; run and plan tables are in reports/tables.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from acgsim.sim import catalog

if TYPE_CHECKING:
    from acgsim.sim.scenario import Scenario

out = Console(highlight=False, soft_wrap=True)


err = Console(stderr=True, highlight=False, soft_wrap=True)


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


def print_validation(paths: list, resolve, as_json: bool) -> bool:
    """Validate each file (or bundled name) and show every problem; False if any has an error."""
    from acgsim.sim.errors import ScenarioError
    from acgsim.sim.loader import load_scenario

    report, ok = [], True
    for path in paths:
        try:
            scenario, problems = load_scenario(resolve(path))
        except ScenarioError as exc:
            scenario, problems, ok = None, exc.problems, False
        report.append(validation_entry(path, scenario, problems))
        if not as_json:
            if scenario is not None:
                out.print(f"{path}: ok ({report[-1]['summary']})", markup=False)
            for p in problems:
                err.print(str(p), markup=False)
    if as_json:
        print(json.dumps(report, indent=2))
    return ok


def print_recommendation(answer: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer, indent=2))
        return
    count = answer["replicas"]
    out.print(f"{count} replica{'s' if count != 1 else ''}, {answer['storage']}", markup=False)
    for r in answer["reasons"]:
        out.print(f"  - {r}", markup=False)
    for w in answer["warnings"]:
        err.print(f"warning: {w}", markup=False)


def print_lessons(rows: list[dict], as_json: bool) -> None:
    title = f"{len(rows)} bundled scenarios (acgsim scenarios show NAME)"
    table = [[r["name"], r["lesson"]] for r in rows]
    emit(as_json, rows, title, ["name", "what it is about"], table)


def print_assumptions(scenario: Scenario | None, as_json: bool) -> None:
    """The model assumptions in force: the defaults, or a scenario's with its overrides."""
    from acgsim.sim.params import ModelParams, assumptions

    if scenario is None:
        rows = assumptions(ModelParams(), catalog.DEFAULT_GUIDANCE)
    else:
        rows = assumptions(scenario.model, scenario.guidance)
    title = "Model assumptions (override under `model:` in a scenario)"
    table = [[r["parameter"], r["value"], r["rationale"]] for r in rows]
    emit(as_json, rows, title, ["parameter", "value", "rationale"], table)


def print_limits(as_json: bool) -> None:
    rows = [lim.__dict__ for lim in catalog.LIMITS.values()]
    table = [[r["what"], f"{r['value']:,}", r["scope"], r["source"], r["note"]] for r in rows]
    emit(
        as_json,
        rows,
        "Azure Compute Gallery limits",
        ["limit", "value", "per", "source", "note"],
        table,
    )
    if not as_json:
        sources = "; ".join(f"{k} = {v}" for k, v in catalog.SOURCES.items())
        out.print(f"Sources: {sources}", markup=False)


def print_regions(zones: bool, as_json: bool) -> None:
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
    emit(as_json, data, title, ["region", "zones", "pair", "access"], table)


def emit(
    as_json: bool, data: object, title: str, columns: list[str], rows: list[list[str]]
) -> None:
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
    if not err.is_terminal:
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
    if not err.is_terminal:
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
    if not err.is_terminal:
        yield None
        return
    with err.status(what) as spinner:
        yield lambda message: spinner.update(message)
