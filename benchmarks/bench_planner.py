"""Planner cost on scenarios/global-rollout.yaml: its search against a fair brute force, and the
plan's speed with the exact fast path against the SimPy engine forced.

Brute force: in each region (each group the search plans, simulated alone as the search does),
every replica count from the guidance floor upward, K runs each, accepted by the same rule as the
plan (both objectives hold at the upper end of their 95% intervals), stopping at the first that
is accepted (or at the plan's own answer where nothing is). The plan's requests include its
verification: K runs of the whole plan, which are the groups' own runs with their chosen counts
(extended to K where the search judged on fewer) where planner.separable shows them to be, else
the whole plan simulated again (`verification` says which; `request_share_whole_verified` is
the share with the whole plan always simulated again). Brute force has no verification. Target:
the plan simulates at most half of brute force's requests. `also` gives the same shares on more
bundled scenarios (the regions of an interacting group scanned one after another).

Speed: the same plan made with ACGSIM_ENGINE=simpy (the SimPy engine for every run) and with the
default (the fast path wherever a run allows), in interleaved pairs in this one process, one
worker, CPU seconds; the ratio is simpy / auto (above 1: the fast path makes plans faster), min
and median over the pairs. Both must give the same plan. Prints one JSON line:

  python benchmarks/bench_planner.py [--runs K] [--pairs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from acgsim.planner import rules, separable
from acgsim.planner.evaluate import Evaluator
from acgsim.planner.groups import interacting
from acgsim.planner.search import plan
from acgsim.sim.loader import load

ROOT = Path(__file__).resolve().parent.parent


def brute_force(scenario, answers: dict, runs: int) -> dict:
    """From each region's guidance floor upward, the first count the plan's rule accepts; the
    regions of a group one after another, the others at the counts found so far (at first, the
    rules' counts), each candidate simulated as the group, as the search simulates it."""
    units = rules.baseline(scenario)
    ev = Evaluator(scenario, runs, scenario.seed, None)
    found = {}
    for group in interacting(scenario, units):
        now = {u.region: u.replicas for u in group.units}
        for region in group.regions:
            goal = group.objectives[region]
            mine = [u for u in group.units if u.region == region]
            low = max(u.floor for u in mine)
            top = max(max(answers[(u.version, u.region)] for u in mine), low)

            def accepted(n: int, region=region, group=group, now=now, goal=goal) -> bool:
                counts = tuple(n if u.region == region else now[u.region] for u in group.units)
                return not goal.asked or goal.met(ev.group(group, counts)[region])

            n = next((n for n in range(low, top + 1) if accepted(n)), top)  # or the plan's
            now[region] = n
            for u in mine:
                found[(u.version, u.region)] = n
    return {"simulations": ev.simulations, "requests": ev.requests, "answers": found}


def shares(scenario, runs: int) -> dict:
    """The plan's simulated requests (its verification included) against brute force's."""
    p = plan(scenario, runs=runs, workers=1)
    answers = {(r.version, r.region): r.replicas for r in p.regions}
    brute = brute_force(scenario, answers, runs)
    searched = {k: v for k, v in answers.items() if k in brute["answers"]}
    return {
        "plan_simulated_requests": p.simulated_requests,
        "brute_simulated_requests": brute["requests"],
        "request_share": round(p.simulated_requests / brute["requests"], 3),
        "same_answer": searched == brute["answers"],
    }


def whole_verified(scenario, runs: int) -> int:
    """The plan's simulated requests with its verification always a new run of the whole plan."""
    real = separable.assembled
    separable.assembled = lambda *a: (None, "not assembled")
    try:
        return plan(scenario, runs=runs, workers=1).simulated_requests
    finally:
        separable.assembled = real


def _plan(scenario, runs: int, engine: str):
    os.environ["ACGSIM_ENGINE"] = engine
    try:
        start = time.process_time()
        p = plan(scenario, runs=runs, workers=1)
        return p, time.process_time() - start
    finally:
        del os.environ["ACGSIM_ENGINE"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", "--replications", dest="runs", type=int, default=10)
    ap.add_argument("--pairs", type=int, default=3, help="interleaved pairs (at least 3)")
    ap.add_argument(
        "--also",
        nargs="*",
        default=["burst-scale-set-batches", "quickstart"],
        help="more bundled scenarios whose request shares to report (no timing)",
    )
    args = ap.parse_args()
    scenario = load(ROOT / "scenarios" / "global-rollout.yaml")
    cpu: dict[str, list[float]] = {"simpy": [], "auto": []}
    plans = {}
    for i in range(max(3, args.pairs)):
        for engine in ("simpy", "auto") if i % 2 == 0 else ("auto", "simpy"):
            plans[engine], spent = _plan(scenario, args.runs, engine)
            cpu[engine].append(spent)
    p = plans["auto"]
    same_plan = plans["simpy"].model_dump_json() == p.model_dump_json()
    answers = {(r.version, r.region): r.replicas for r in p.regions}
    brute = brute_force(scenario, answers, args.runs)
    searched = {k: v for k, v in answers.items() if k in brute["answers"]}
    ratios = [s / a for s, a in zip(cpu["simpy"], cpu["auto"], strict=True)]
    print(
        json.dumps(
            {
                "benchmark": "planner",
                "scenario": "global-rollout",
                "regions": len(p.regions),
                "runs": args.runs,
                "pairs": len(ratios),
                "plan_simulations": p.simulations,
                "plan_simulated_requests": p.simulated_requests,
                "brute_simulations": brute["simulations"],
                "brute_simulated_requests": brute["requests"],
                "request_share": round(p.simulated_requests / brute["requests"], 3),
                "request_share_whole_verified": round(
                    whole_verified(scenario, args.runs) / brute["requests"], 3
                ),
                "verification": p.verification,
                "same_answer": searched == brute["answers"],
                "plan_cpu_s_simpy": round(min(cpu["simpy"]), 2),
                "plan_cpu_s_auto": round(min(cpu["auto"]), 2),
                "plan_speedup_min": round(min(ratios), 3),
                "plan_speedup_median": round(statistics.median(ratios), 3),
                "same_plan_both_engines": same_plan,
                "also": {
                    name: shares(load(ROOT / "scenarios" / f"{name}.yaml"), args.runs)
                    for name in args.also
                },
            }
        )
    )


if __name__ == "__main__":
    main()
