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
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acgsim.sim.engine import simulate
from acgsim.sim.errors import InputError, Problem, ScenarioError
from acgsim.sim.loader import read_document, validate
from acgsim.sim.scenario import Scenario
from acgsim.sim.stats import KEY_FIGURES, mean_ci

FIGURES = KEY_FIGURES
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]+\])*)$")


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
        if hi < lo or hi - lo > 10_000:
            raise SweepError(f"--vary {text!r}: a range goes up, and at most 10,000 values")
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
        where = path if last else f"{path} (at {step!r})"
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
            raise SweepError(f"PATH {path!r}: index {step} is out of range (0..{len(items) - 1})")
        return step
    for i, item in enumerate(items):
        key = item if isinstance(item, str) else (item.get("name") or item.get("region"))
        if str(key) == step:
            return i
    raise SweepError(f"PATH {path!r}: no item named {step!r} in that list")


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


def prepare(path: Path, vary: list[str], runs: int) -> tuple[list[Axis], list[Cell], dict]:
    """What a sweep of one scenario file runs: its axes, its validated cells and its spec."""
    axes = [parse_vary(v) for v in vary]
    data, text = read_document(path)
    if not isinstance(data, dict):
        raise SweepError(f"{path}: not a scenario")
    base, _ = validate(data, file=str(path), text=text)  # the base scenario itself first
    return axes, grid(data, axes, str(path)), spec(str(path), base, axes, runs)


def run_task(task: tuple) -> dict:
    """One (cell, run): the row of key figures, or the error. Runs anywhere."""
    index, params, scenario, run = task
    row: dict[str, Any] = {
        "cell": index,
        "run": run,
        **params,
        "seed": scenario.seed,
        "error": "",
    }
    try:
        result = simulate(scenario, run=run)
        if result.error:
            row["error"] = result.error.strip().splitlines()[-1]
        else:
            row.update({f: getattr(result.overall, f) for f in FIGURES})
    except Exception as exc:  # a failing cell is recorded, and the sweep goes on
        row["error"] = "".join(traceback.format_exception_only(exc)).strip()
    return row


def tasks(cells: list[Cell], runs: int, done: set[tuple[int, int]]) -> list[tuple]:
    return [
        (c.index, c.params, c.scenario, r)
        for c in cells
        for r in range(runs)
        if (c.index, r) not in done
    ]


def read_rows(path: Path) -> list[dict]:
    """The rows written so far (a line cut short by an interruption is ignored)."""
    rows = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return rows


def summary(rows: list[dict], axes: list[Axis]) -> list[dict]:
    """Per cell: its parameters, the runs that ran and failed, mean and 95% CI."""
    cells: dict[int, list[dict]] = {}
    for r in rows:
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


def problem(text: str) -> ScenarioError:
    return ScenarioError([Problem((), text)])


def execute(todo: list[tuple], workers: int = 1, scheduler: str | None = None):
    """Run the tasks and yield each row as it completes: in-process (1 worker), on a process pool,
    or on Dask (`scheduler` = "local" for a LocalCluster of `workers`, or tcp://host:port)."""
    if scheduler:
        yield from _dask(todo, workers, scheduler)
    elif workers <= 1:
        for task in todo:
            yield run_task(task)
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(workers) as pool:
            futures = [pool.submit(run_task, t) for t in todo]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()


def _dask(todo: list[tuple], workers: int, scheduler: str):
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SweepError("Dask is not installed: pip install 'acgsim[dask]'") from None
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, ValueError, TypeError) as exc:
            raise SweepError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        futures = client.map(run_task, todo, pure=False)
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
