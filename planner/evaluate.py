"""Evaluating a candidate: the scenario with chosen replicas, simulated for K replications.

A region is simulated alone (sim.engine.Subset: only its waves and replications, with the
full-scenario stream names), so its candidates share random numbers and its figures equal the
full run's. Figures are the mean and 95% confidence interval of each replication's p50, p95 and
failure rate; the Evaluator counts simulations and simulated requests.
"""

from __future__ import annotations

import math
from concurrent.futures import Executor
from dataclasses import dataclass, field

from planner import rules
from sim.engine import Subset, simulate
from sim.scenario import Scenario, TargetRegion
from sim.stats import mean_ci


@dataclass
class Figures:
    """One candidate's figures for one region over K replications."""

    p50: dict
    p95: dict
    failure: dict
    requests: int
    failed_by_code: dict[str, int]
    throttled: int
    wait_mean: float | None
    longest_queue: int

    def hopeless(self) -> bool:
        """More replicas cannot help: nobody waited for a slot and no replica was lost."""
        return self.longest_queue == 0 and "ReplicaUnavailable" not in self.failed_by_code

    def score(self) -> tuple[float, float]:
        """Lower is better: failure rate, then p95."""
        p95 = self.p95["mean"]
        return (self.failure["mean"] or 0.0, math.inf if p95 is None else p95)


@dataclass
class Group:
    """The units (versions) of one region, searched together against the region's objectives."""

    region: str
    units: list[rules.UnitPlan]
    waves: frozenset[str]
    p95_objective: float | None
    failure_objective: float | None
    tried: dict[tuple[int, ...], Figures] = field(default_factory=dict)

    def met(self, f: Figures) -> bool:
        """Both objectives hold at the upper end of their 95% confidence intervals."""
        p95 = f.p95["mean"]
        if self.p95_objective is not None and (
            p95 is None or p95 + (f.p95["half_width"] or 0) > self.p95_objective
        ):
            return False
        if self.failure_objective is not None:
            return f.failure["mean"] + (f.failure["half_width"] or 0) <= self.failure_objective
        return True


def _one(args: tuple) -> tuple[str | None, list]:
    scenario, seed, replication, subset = args
    r = simulate(scenario, seed, replication, subset=subset)
    return r.error, [s.model_dump() for s in r.regions]


class Evaluator:
    """Runs candidates for K replications (on a process pool if given) and counts the work."""

    def __init__(self, scenario: Scenario, replications: int, seed: int, pool: Executor | None):
        self.scenario, self.k, self.seed, self.pool = scenario, replications, seed, pool
        self.simulations = 0
        self.requests = 0

    def region(self, group: Group, counts: tuple[int, ...]) -> Figures:
        """The region's figures with these replica counts for its units."""
        if counts in group.tried:
            return group.tried[counts]
        variant = apply(
            self.scenario,
            {
                (u.version, u.region): (n, u.storage)
                for u, n in zip(group.units, counts, strict=True)
            },
        )
        subset = Subset(group.waves, frozenset(f"{u.version}/{u.region}" for u in group.units))
        jobs = [(variant, self.seed, i, subset) for i in range(self.k)]
        results = list(self.pool.map(_one, jobs)) if self.pool else [_one(j) for j in jobs]
        rows = []
        for error, regions in results:
            if error:
                raise RuntimeError(f"the simulation broke while planning:\n{error}")
            rows.append(next(r for r in regions if r["region"] == group.region))
        self.simulations += self.k
        self.requests += sum(r["requests"] for r in rows)
        codes: dict[str, int] = {}
        for r in rows:
            for code, n in r["failed_by_code"].items():
                codes[code] = codes.get(code, 0) + n
        fig = Figures(
            mean_ci([r["ttr_p50_s"] for r in rows]),
            mean_ci([r["ttr_p95_s"] for r in rows]),
            mean_ci([r["failure_rate"] for r in rows]),
            rows[0]["requests"],
            codes,
            sum(r["throttled_429"] for r in rows),
            mean_ci([r["wait_mean_s"] for r in rows])["mean"],
            max(r["longest_queue"] for r in rows),
        )
        group.tried[counts] = fig
        return fig


def apply(scenario: Scenario, choices: dict[tuple[str, str], tuple[int, str]]) -> Scenario:
    """A copy of the scenario with these (version, region) -> (replicas, storage) choices."""
    s = scenario.model_copy(deep=True)
    for g in s.galleries:
        for d in g.images:
            for v in d.versions:
                ref = f"{g.name}/{d.name}/{v.name}"
                targets = {t.region: t for t in v.regions}
                for (version, region), (n, storage) in sorted(choices.items()):
                    if version != ref:
                        continue
                    if region in targets:
                        targets[region].replicas, targets[region].storage = n, storage
                    else:
                        v.regions.append(TargetRegion(region=region, replicas=n, storage=storage))
    return s
