"""acgsim from Python: the short way in for a notebook or a script.

    import acgsim
    scenario = acgsim.load("quickstart")                      # a file, a dict or a bundled name
    scenario = acgsim.change(scenario, {"model.replica_concurrency": 10})
    runs = acgsim.simulate_many(scenario, runs=5)             # RunResult objects
    rows = acgsim.records(runs)                               # plain dicts: pandas.DataFrame(rows)
    plan = acgsim.plan(scenario, runs=10)
    text = acgsim.export(plan, "terraform")

Each function is a thin wrapper over the library the command line uses (acgsim.sim.loader,
acgsim.sim.engine, acgsim.planner.search, acgsim.planner.export), so a notebook and the CLI give
the same numbers for the same scenario and seed. pandas is not needed: records are lists of dicts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from acgsim import _API
from acgsim import scenarios as library
from acgsim.planner.plan import Plan
from acgsim.sim import engine
from acgsim.sim.errors import InputError
from acgsim.sim.loader import load_scenario, validate
from acgsim.sim.results import RunResult
from acgsim.sim.scenario import Scenario

__all__ = list(_API)  # the names `acgsim` itself offers, declared there


def bundled() -> list[str]:
    """The names of the bundled scenarios (`acgsim scenarios list`)."""
    return library.names()


def load(source: str | Path | Mapping) -> Scenario:
    """A validated scenario from a file path, a bundled scenario's name, or a dict of its fields.
    Raises ScenarioError (its .problems name each field) when it is not valid."""
    if isinstance(source, Mapping):
        return validate(copy.deepcopy(dict(source)), file="<dict>")[0]
    return load_scenario(library.resolve(source))[0]


def change(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """A copy of the scenario with fields changed, addressed as `acgsim sweep --vary` does
    (`model.replica_concurrency`, `galleries[0].images[web].versions[1.0.0].replicas`), and
    validated again; the original is left as it was."""
    from acgsim.sim.sweep import assign

    data = scenario.model_dump(mode="json", exclude_defaults=True)
    for path, value in changes.items():
        assign(data, path, value)
    return validate(data, file="<changed>")[0]


def simulate(scenario: Scenario, seed: int | None = None, *, trace: bool = False) -> RunResult:
    """One run on a seed (default: the scenario's). With trace=True, result.records holds one
    record per request."""
    return _checked([engine.simulate(scenario, _seed(seed), trace=trace)])[0]


def simulate_many(
    scenario: Scenario, runs: int, seed: int | None = None, *, trace: bool = False
) -> list[RunResult]:
    """RUNS independent runs on the child seeds of one seed (common random numbers: run i of two
    scenarios uses the same random numbers, so their differences are paired)."""
    if not 1 <= runs <= MAX_RUNS:
        raise InputError(f"runs: {runs} is not in 1..{MAX_RUNS:,}")
    return _checked(engine.simulate_many(scenario, runs, _seed(seed), trace=trace))


MAX_RUNS = 10_000  # as the command line: a typo is refused, not run out of memory


def _seed(seed: int | None) -> int | None:
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise InputError(f"seed: {seed!r} is not a whole number of 0 or more")
    return seed


def _checked(results: list[RunResult]) -> list[RunResult]:
    """A run that broke is a bug in acgsim: raised, never a silent result without figures."""
    for result in results:
        if result.error:
            raise RuntimeError(f"the simulation broke (a bug in acgsim):\n{result.error}")
    return results


def plan(
    scenario: Scenario,
    runs: int = 20,
    seed: int | None = None,
    *,
    prices: Mapping | None = None,
    **options: Any,
) -> Plan:
    """Replicas and storage per version and region, verified by simulation and priced (the same
    search as `acgsim plan`). `prices` overrides the shipped prices as a scenario's `prices:`
    does (a dict of the same fields); options: below_guidance, premium, workers."""
    from acgsim.planner import cost
    from acgsim.planner.search import plan as search

    table = cost.price_table(scenario)
    if prices is not None:
        override = validate({**scenario.model_dump(mode="json"), "prices": dict(prices)})[0]
        table = cost.with_overrides(table, override.prices, "prices")
    return search(scenario, runs=runs, seed=_seed(seed), prices=table, **options)


def export(source: Plan | Scenario, format: str) -> str:
    """The text of an ARM template, Bicep file, Terraform configuration or az script ('arm',
    'bicep', 'terraform', 'azcli') for a plan or for a scenario's own target regions."""
    from acgsim.planner import export as exports
    from acgsim.planner.export import document

    exports.check_format(format, "format")
    is_plan = isinstance(source, Plan)
    doc = document.from_plan(source) if is_plan else document.from_scenario(source)
    return exports.render(format, doc)


def records(source: RunResult | Iterable[RunResult] | Plan) -> list[dict[str, Any]]:
    """Plain rows for pandas.DataFrame (or csv.DictWriter): one per run and region (with the
    'all' row) for run results, one per version and region for a plan."""
    if isinstance(source, Plan):
        return [
            {
                "scenario": source.scenario,
                **_flat(r.model_dump(mode="json", exclude={"candidates"})),
            }
            for r in source.regions
        ]
    results = [source] if isinstance(source, RunResult) else list(source)
    rows = []
    for index, result in enumerate(results):
        for summary in [*result.regions, *([result.overall] if result.overall else [])]:
            rows.append(
                {
                    "scenario": result.scenario,
                    "run": index,
                    "seed": result.seed,
                    **summary.model_dump(mode="json"),
                }
            )
    return rows


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """One level of columns: an estimate {mean, half_width, n} becomes p95_s_mean, p95_s_half_width,
    p95_s_n; a list of reasons one text."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update({f"{key}_{k}": v for k, v in value.items()})
        elif isinstance(value, list):
            out[key] = "; ".join(map(str, value))
        else:
            out[key] = value
    return out
