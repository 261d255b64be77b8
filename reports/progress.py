"""Progress on a terminal's stderr: bars with counts and an ETA, a run's simulated clock, a
spinner; nothing in a pipe or with --quiet. The console is read when each starts (so a test may
swap it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from acgsim.reports import console


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
        console=console.err,
        transient=transient,
    )


def track(items: Iterable, what: str, total: int | None = None) -> Iterable:
    """A progress bar with counts (done of total) and ETA on a terminal (stderr); the plain items
    elsewhere."""
    if console.QUIET or not console.err.is_terminal:
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
    if not console.err.is_terminal:
        yield Counter(None, None)
        return
    with _bar(transient=True) as bar:
        yield Counter(bar, bar.add_task(what, total=total))


@contextmanager
def ticker(horizon_s: float) -> Iterator:
    """A run's progress bar (simulated time, requests finished) on a terminal, shown from the
    first tick, so a short run shows none; yields the engine's tick callback (None elsewhere)."""
    if console.QUIET or not console.err.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console.err, transient=True) as bar:
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
    if console.QUIET or not console.err.is_terminal:
        yield None
        return
    with console.err.status(what) as spinner:
        yield lambda message: spinner.update(message)
