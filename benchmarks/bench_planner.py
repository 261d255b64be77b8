"""Planner cost: the search against brute force on scenarios/global-rollout.yaml.

`plan` simulates each candidate 20 times (runs on child seeds). Brute force simulates, in each
region, every replica count from 1 to the plan's answer (20 runs each) and takes the fewest that
meet the objectives (no fewer than the guidance, as the plan). Prints one JSON line: wall time,
simulations and simulated requests of both, whether the answers agree, and the plan's share of
brute force's simulated requests.

  python benchmarks/bench_planner.py [--workers N] [--runs K]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from acgsim.planner import rules
from acgsim.planner.evaluate import Evaluator
from acgsim.planner.search import _groups, plan
from acgsim.sim.loader import load

ROOT = Path(__file__).resolve().parent.parent


def brute_force(scenario, answers: dict, runs: int, workers: int) -> dict:
    """Every count from 1 to the plan's answer in each region; the fewest that meet, per region."""
    units = rules.baseline(scenario)
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    ev = Evaluator(scenario, runs, scenario.seed, pool)
    found = {}
    start = time.perf_counter()
    try:
        for group in _groups(scenario, units):
            [unit] = group.units  # one version and subscription per region in this scenario
            answer = answers[(unit.version, unit.region)]
            goal = group.objectives[unit.region]
            met = [n for n in range(1, answer + 1) if goal.met(ev.group(group, (n,))[unit.region])]
            found[(unit.version, unit.region)] = min(
                [n for n in met if n >= unit.floor], default=None
            )
    finally:
        if pool is not None:
            pool.shutdown()
    return {
        "wall_s": time.perf_counter() - start,
        "simulations": ev.simulations,
        "requests": ev.requests,
        "answers": found,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", "--replications", dest="runs", type=int, default=20)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    scenario = load(ROOT / "scenarios" / "global-rollout.yaml")
    start = time.perf_counter()
    p = plan(scenario, runs=args.runs, workers=args.workers)
    wall = time.perf_counter() - start
    answers = {(r.version, r.region): r.replicas for r in p.regions}
    brute = brute_force(scenario, answers, args.runs, args.workers)
    searched = {k: v for k, v in answers.items() if k in brute["answers"]}
    print(
        json.dumps(
            {
                "benchmark": "planner",
                "scenario": "global-rollout",
                "regions": len(p.regions),
                "runs": args.runs,
                "workers": args.workers,
                "plan_wall_s": round(wall, 1),
                "plan_simulations": p.simulations,
                "plan_simulated_requests": p.simulated_requests,
                "brute_wall_s": round(brute["wall_s"], 1),
                "brute_simulations": brute["simulations"],
                "brute_simulated_requests": brute["requests"],
                "request_share": round(p.simulated_requests / brute["requests"], 3),
                "same_answer": searched == brute["answers"],
            }
        )
    )


if __name__ == "__main__":
    main()
