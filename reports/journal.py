"""A sweep's folder: its spec, the rows journalled as they arrive, and resuming what is left.

`sweep.json` says what the sweep is (the scenario's content, the grid, the runs per cell);
`rows.jsonl` gets one line per finished run, flushed at once, so an interruption (Ctrl-C, a lost
worker, a kill) loses at most the line being written, and `--resume` runs only what is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from acgsim.reports.files import check_target, write_atomic
from acgsim.sim import sweep as sw
from acgsim.sim.errors import InputError


@dataclass
class Journal:
    """The rows of one sweep folder, old (resumed) and new."""

    out: Path
    rows: list[dict] = field(default_factory=list)
    resumed: int = 0

    @property
    def rows_path(self) -> Path:
        return self.out / "rows.jsonl"

    @classmethod
    def open(
        cls, out: Path, spec: dict, resume: bool, force: bool, cells: list[sw.Cell]
    ) -> Journal:
        """Start or resume the sweep in OUT; InputError if OUT holds another sweep and neither
        --resume (same sweep) nor --force (start over) says what to do with it."""
        spec_path = out / "sweep.json"
        check_target(spec_path, force=True)  # OUT is a folder (or new), sweep.json a file
        if spec_path.exists() and not (resume or force):
            raise InputError(
                f"{out}: holds a sweep; pass --resume to finish it or --force to start over"
            )
        if resume and spec_path.exists() and _read_json(spec_path) != spec:
            raise InputError(
                f"{out}: holds a different sweep (the scenario's content, --vary or --runs "
                "differ), or its sweep.json is damaged; --force starts over"
            )
        strays = [p for p in _outputs(out) if p.exists()]
        if strays and not spec_path.exists() and not force:
            raise InputError(
                f"{strays[0]}: exists, and {out} holds no sweep.json to say whose it is; "
                "pass --force to replace the sweep's files there"
            )
        journal = cls(out)
        if force and not resume:
            journal.rows_path.unlink(missing_ok=True)
        write_atomic(spec_path, json.dumps(spec, indent=2) + "\n", force=True)
        if resume:  # keep the rows that read cleanly: a line cut short by an interruption goes
            journal.rows = sw.read_rows(journal.rows_path, cells, spec["runs"])
            journal.resumed = len(journal.rows)
            text = "".join(json.dumps(r) + "\n" for r in journal.rows)
            write_atomic(journal.rows_path, text, force=True)
        return journal

    def done(self) -> set[tuple[int, int]]:
        """The (cell, run) pairs already journalled."""
        return {(r["cell"], r["run"]) for r in self.rows}

    def record(self, rows: Iterable[dict]) -> Iterator[dict]:
        """Append each row to rows.jsonl as it arrives (flushed), and pass it on."""
        try:
            sink = self.rows_path.open("a", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{self.rows_path}: cannot write it: {exc.strerror}") from None
        with sink:
            for row in rows:
                try:
                    sink.write(json.dumps(row) + "\n")
                    sink.flush()
                except OSError as exc:
                    raise InputError(f"{self.rows_path}: cannot write it: {exc.strerror}") from None
                self.rows.append(row)
                yield row

    def run(
        self,
        todo: list[tuple],
        workers: int,
        scheduler: str | None,
        progress: Callable[[Iterable[dict]], Iterable[dict]] = lambda rows: rows,
    ) -> str | None:
        """Run the tasks, journalling each row; None when all ran, else why the sweep stopped
        ("interrupted", or the worker failure) with every finished row kept."""
        try:
            for _ in progress(self.record(sw.execute(todo, workers, scheduler))):
                pass
        except KeyboardInterrupt:
            return "interrupted"
        except (sw.SweepError, InputError):  # e.g. --engine fast where a cell cannot take it
            raise
        except Exception as exc:  # a worker died (BrokenProcessPool, a lost Dask worker)
            return f"a worker failed ({type(exc).__name__}: {exc})"
        return None

    def plan_line(self, cells: int, runs: int, todo: int) -> str:
        """What the sweep is about to run, and what an earlier one already ran."""
        done = f", {self.resumed} already done" if self.resumed else ""
        return f"{cells} cells x {runs} runs: {todo} to run{done}"

    def warnings(self, stopped: str | None, total: int) -> list[str]:
        """What the user should know at the end: failed runs, and how to finish a stopped sweep."""
        lines = []
        failed = sum(1 for r in self.rows if r["error"])
        if failed:
            lines.append(f"{failed} runs failed; their errors are in rows.csv")
        if stopped:
            lines.append(
                f"{stopped}: {len(self.rows)} of {total} runs are in {self.rows_path}; "
                "run again with --resume to finish"
            )
        return lines

    def write_outputs(self, axes: list[sw.Axis], plot: str) -> list[Path]:
        """rows.csv, summary.csv/json and the plot of one figure, from every row so far."""
        from acgsim.reports import plots
        from acgsim.reports import sweep as sweep_report

        summary = sw.summary(self.rows, axes)
        written = sweep_report.write_tables(self.out, self.rows, summary)
        figure = sweep_report.sweep_plot(summary, axes, plot)
        return written + plots.save(figure, self.out / f"sweep-{plot}")


def _outputs(out: Path) -> list[Path]:
    """Every file a sweep writes into its folder, but sweep.json."""
    tables = [out / n for n in ("rows.jsonl", "rows.csv", "summary.csv", "summary.json")]
    plots = (
        sorted(out.glob("sweep-*.png")) + sorted(out.glob("sweep-*.svg")) if out.is_dir() else []
    )
    return tables + plots


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None  # unreadable (or nested past json's depth): not the same sweep
