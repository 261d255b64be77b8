"""Sweeps: a grid of scenario variants, each simulated for K runs, on all cores or on Dask.

PATH addresses a field of the scenario as a person writes it: dotted names, and `[...]` to pick a
list item by position (`galleries[0]`) or by its name or region (`galleries[contosoImages]`,
`versions[1.0.0]`, `regions[westeurope]`, `vms[burst]`). VALUES are a comma list (`1,2,4`,
`Standard_LRS,Standard_ZRS`, `30m,1h`) or an integer range (`1..20`). The grid is the product of
the --vary options; every cell's scenario is validated before any run starts.

Each task (cell, run) runs the same function wherever it runs (in-process, a process pool or a
Dask cluster) and uses the scenario's seed with the run index: every cell sees the same
random numbers (common random numbers), so cells differ only by their parameters and the results do
not depend on the number of workers or the engine. Rows are appended to rows.jsonl as they arrive,
so an interruption loses nothing and `resume` runs only what is missing.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acgsim.sim import footprint
from acgsim.sim.engine import NotEligible, simulate
from acgsim.sim.errors import InputError, ScenarioError
from acgsim.sim.loader import read_document, validate
from acgsim.sim.scenario import Scenario
from acgsim.sim.stats import KEY_FIGURES, mean_ci
from acgsim.sim.workers import WorkerSetupError, require_dask, run_everywhere, worker_count

FIGURES = KEY_FIGURES
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]+\])*)$")


MAX_AXIS_VALUES = 10_000  # values one --vary may take (a range is checked before it is built)
MAX_RUNS = 10_000  # cells x runs a sweep may hold unless --max-runs raises it: ~1.5 h at 0.5 s


class SweepError(InputError):
    """A --vary option or a cell that cannot be run: the message says which and why."""


@dataclass(frozen=True)
class Axis:
    path: str
    values: tuple


def parse_vary(text: str) -> Axis:
    """PATH=VALUES as a person writes it."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip() or not raw.strip():
        raise SweepError(
            f"--vary {text!r}: write PATH=VALUES, e.g. "
            "galleries[0].images[0].versions[0].replicas=1..6"
        )
    m = re.fullmatch(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*", raw)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        if hi < lo or hi - lo + 1 > MAX_AXIS_VALUES:
            raise SweepError(
                f"--vary {text!r}: a range goes up, and holds at most {MAX_AXIS_VALUES:,} values"
            )
        values: tuple = tuple(range(lo, hi + 1))
    else:
        values = tuple(_value(v.strip()) for v in raw.split(",") if v.strip())
    if not values:
        raise SweepError(f"--vary {text!r}: no values")
    return Axis(path.strip(), values)


def _value(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in re.split(r"\.(?![^\[]*\])", path):
        m = _SEGMENT.fullmatch(part)
        if not m:
            raise SweepError(f"PATH {path!r}: {part!r} is not a field name or field[item]")
        steps.append(m.group(1))
        steps += [int(x) if x.isdigit() else x for x in re.findall(r"\[([^\]]+)\]", m.group(2))]
    return steps


def assign(data: dict, path: str, value: Any) -> None:
    """Set the field PATH names in scenario data (as read from its file)."""
    node: Any = data
    steps = _steps(path)
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        where = repr(path) if last else f"{path!r} (at {step!r})"
        if isinstance(node, list):
            index = _index(node, step, where)
            if isinstance(node[index], str) and not last:  # a target region's shorthand
                node[index] = {"region": node[index]}
            if last:
                node[index] = value
            node = node[index]
        elif isinstance(node, dict) and isinstance(step, str):
            if last:
                node[step] = value
            else:
                if step not in node:
                    node[step] = {} if not isinstance(steps[i + 1], int) else []
                node = node[step]
        else:
            raise SweepError(f"PATH {path!r}: nothing to select with {step!r} there")


def _index(items: list, step: str | int, path: str) -> int:
    if isinstance(step, int):
        if not 0 <= step < len(items):
            have = f"0..{len(items) - 1}" if items else "the list is empty"
            raise SweepError(f"PATH {path}: index {step} is out of range ({have})")
        return step
    for i, item in enumerate(items):
        key = item if isinstance(item, str) else (item.get("name") or item.get("region"))
        if str(key) == step:
            return i
    raise SweepError(f"PATH {path}: no item named {step!r} in that list")


@dataclass
class Cell:
    index: int
    params: dict[str, Any]
    scenario: Scenario


def grid(data: dict, axes: list[Axis], file: str) -> list[Cell]:
    """Every cell of the grid, each validated; SweepError names the first cell that fails."""
    paths = [a.path for a in axes]
    repeated = sorted({p for p in paths if paths.count(p) > 1})
    if repeated:
        raise SweepError(f"--vary {repeated[0]} is given twice: give all its values in one option")
    cells = []
    for index, combo in enumerate(itertools.product(*(a.values for a in axes))):
        params = dict(zip((a.path for a in axes), combo, strict=True))
        variant = copy.deepcopy(data)
        for path, value in params.items():
            assign(variant, path, value)
        try:
            scenario, _ = validate(variant, file=file)
        except ScenarioError as exc:
            shown = ", ".join(f"{k}={v}" for k, v in params.items())
            raise SweepError(
                f"cell {index} ({shown}) is not a valid scenario:\n"
                + "\n".join(str(p) for p in exc.problems)
            ) from None
        cells.append(Cell(index, params, scenario))
    return cells


def prepare(
    path: Path,
    vary: list[str],
    runs: int,
    max_runs: int = MAX_RUNS,
    dask: bool = False,
    ceiling: footprint.Ceiling | None = None,
    workers: int = 1,
) -> tuple[list[Axis], list[Cell], dict]:
    """What a sweep of one scenario file runs: its axes, its validated cells and its spec. The
    grid is counted before it is built: above MAX_RUNS (or max_runs) it is refused; given a
    ceiling, so is a grid whose cells' estimates add up to more (on `workers` processes). With
    `dask`, Dask must be installed (checked before anything is written)."""
    if dask:
        try:
            require_dask()
        except WorkerSetupError as exc:
            raise SweepError(str(exc)) from None
    axes = [parse_vary(v) for v in vary]
    cells = math.prod(len(a.values) for a in axes)
    if cells * runs > max_runs:
        raise SweepError(
            f"the sweep is {cells:,} cells x {runs:,} runs = {cells * runs:,} runs, above the "
            f"ceiling of {max_runs:,}; narrow --vary, lower --runs, or raise --max-runs"
        )
    data, text = read_document(path)
    if not isinstance(data, dict):
        raise SweepError(f"{path}: not a scenario")
    base, _ = validate(data, file=str(path), text=text)  # the base scenario itself first
    built = grid(data, axes, str(path))
    if ceiling is not None:
        processes = worker_count(workers, len(built) * runs)
        size = [(footprint.estimate(c.scenario), runs) for c in built]
        doing = f"this sweep ({len(built):,} cells x {runs:,} run{'s' if runs > 1 else ''})"
        ceiling.check(footprint.of_runs(size, keep=False, processes=processes), doing)
    return axes, built, spec(str(path), base, axes, runs)


def run_task(task: tuple) -> dict:
    """One (cell, run): the row of key figures, or the error. Runs anywhere."""
    index, params, scenario, run, *engine = task  # (a task of acgsim 0.2 has no engine)
    row: dict[str, Any] = {
        "cell": index,
        "run": run,
        **params,
        "seed": scenario.seed,
        "error": "",
    }
    try:
        result = simulate(scenario, run=run, engine=engine[0] if engine else None)
        if result.error:
            row["error"] = result.error.strip().splitlines()[-1]
        else:
            row.update({f: getattr(result.overall, f) for f in FIGURES})
    except NotEligible:  # --engine fast where a cell cannot take it: the user's to change
        raise
    except Exception as exc:  # a failing cell is recorded, and the sweep goes on
        row["error"] = "".join(traceback.format_exception_only(exc)).strip()
    return row


def tasks(
    cells: list[Cell], runs: int, done: set[tuple[int, int]], engine: str | None = None
) -> list[tuple]:
    """The (cell, run) pairs still to run, each with the engine to run it on (None: auto)."""
    return [
        (c.index, c.params, c.scenario, r, engine)
        for c in cells
        for r in range(runs)
        if (c.index, r) not in done
    ]


def read_rows(path: Path, cells: list[Cell], runs: int) -> list[dict]:
    """The rows a sweep journalled so far, each checked to belong to this sweep: its cell and run
    in range, the cell's parameters, no (cell, run) twice. The last line may be cut short by an
    interruption and is dropped; anything else unreadable is refused with its line number."""
    if not path.exists():
        return []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SweepError(f"{path}: cannot read it ({exc.strerror})") from None
    lines = raw.split(b"\n")
    complete = raw.endswith(b"\n")
    rows: list[dict] = []
    seen: dict[tuple[int, int], int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # nested past json's depth
            if number == len(lines) and not complete:
                break  # the line an interruption cut short: run it again
            raise SweepError(f"{path}: line {number} is not a row this sweep wrote") from None
        why = _foreign(row, cells, runs)
        if why:
            raise SweepError(f"{path}: line {number} does not belong to this sweep: {why}")
        key = (row["cell"], row["run"])
        if key in seen:
            raise SweepError(
                f"{path}: line {number} repeats cell {key[0]} run {key[1]} (line {seen[key]})"
            )
        seen[key] = number
        rows.append(row)
    return rows


def _foreign(row: Any, cells: list[Cell], runs: int) -> str:
    """Why a journalled row is not one of this sweep's, or '' when it is."""
    if not isinstance(row, dict):
        return "not an object"
    cell, run = row.get("cell"), row.get("run")
    if type(cell) is not int or not 0 <= cell < len(cells):
        return f"cell {cell!r} is not one of its {len(cells)} cells"
    if type(run) is not int or not 0 <= run < runs:
        return f"run {run!r} is not one of its {runs} runs"
    changed = [k for k, v in cells[cell].params.items() if row.get(k) != v]
    if changed:
        return f"cell {cell} has other values for {', '.join(changed)}"
    if not isinstance(row.get("error"), str) or not all(
        row.get(f) is None or isinstance(row.get(f), int | float) for f in FIGURES
    ):
        return "its figures are not numbers"
    return ""


def summary(rows: list[dict], axes: list[Axis]) -> list[dict]:
    """Per cell: its parameters, the runs that ran and failed, mean and 95% CI."""
    cells: dict[int, list[dict]] = {}
    for r in sorted(
        rows, key=lambda r: (r["cell"], r["run"])
    ):  # the same sums in any arrival order
        cells.setdefault(r["cell"], []).append(r)
    out = []
    for index in sorted(cells):
        group = cells[index]
        ok = [r for r in group if not r["error"]]
        entry: dict[str, Any] = {
            "cell": index,
            **{a.path: group[0][a.path] for a in axes},
            "runs": len(group),
            "errors": len(group) - len(ok),
        }
        for f in FIGURES:
            ci = mean_ci([r.get(f) for r in ok])
            entry[f] = ci["mean"]
            entry[f"{f}_ci"] = ci["half_width"]
        out.append(entry)
    return out


def spec(file: str, scenario: Scenario, axes: list[Axis], runs: int) -> dict:
    """What a sweep is, written beside its rows so `resume` can check it is the same sweep
    (the base scenario's content, not only its path)."""
    return {
        "scenario": file,
        "scenario_sha256": scenario.sha256(),
        "vary": [{"path": a.path, "values": list(a.values)} for a in axes],
        "runs": runs,
    }


def execute(todo: list[tuple], workers: int = 1, scheduler: str | None = None):
    """Run the tasks and yield each row as it completes, in-process, on a process pool or on
    Dask (acgsim.sim.workers says where and how)."""
    try:
        yield from run_everywhere(run_task, todo, workers, scheduler)
    except WorkerSetupError as exc:
        raise SweepError(str(exc)) from None
