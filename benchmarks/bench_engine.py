"""Engine speed: acgsim's full SimPy model and its exact fast path, each against bare SimPy.

Two workloads (benchmarks/workloads.py): `light` (Poisson arrivals, some requests wait) and
`heavy` (a 10-minute burst, most wait). The bare SimPy model does the same work on the same
random numbers; the benchmark checks that (same requests, same share that waited, same mean
wait and time to running) before it reports a ratio. Timings are CPU seconds of interleaved
repetitions in this one process (bare, full model, fast path, then again, rotating who goes
first); each ratio is bare time / acgsim time (above 1: acgsim is faster), min and median over
the pairs. Prints one JSON line:

  python benchmarks/bench_engine.py                      # 100,000 requests, 3 pairs
  python benchmarks/bench_engine.py --requests 20000 --pairs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads

from acgsim.sim.engine import simulate


def _acgsim(scenario, engine: str) -> dict:
    r = simulate(scenario, engine=engine)
    assert r.error is None, r.error
    assert r.engine is not None and r.engine.name == engine, r.engine
    o = r.overall
    assert o.failed == 0 and o.in_flight == 0, (o.failed, o.in_flight)
    return {
        "requests": o.succeeded,
        "waited_share": o.waited_share,
        "ttr_mean_s": o.ttr_mean_s,
        "wait_mean_s": o.wait_mean_s,
    }


def _same(ours: dict, bare: dict) -> bool:
    return (
        ours["requests"] == bare["requests"]
        and ours["waited_share"] == round(bare["waited_share"], 3)
        and ours["ttr_mean_s"] == round(bare["ttr_mean_s"], 3)
        and ours["wait_mean_s"] == round(bare["wait_mean_s"], 3)
    )


def measure(kind: str, requests: int, pairs: int) -> dict:
    scenario = workloads.scenario(kind, requests)
    jobs = {
        "bare": lambda: workloads.bare(kind, requests),
        "simpy": lambda: _acgsim(scenario, "simpy"),
        "fast": lambda: _acgsim(scenario, "fast"),
    }
    cpu: dict[str, list[float]] = {k: [] for k in jobs}
    seen: dict[str, dict] = {}
    names = list(jobs)
    for i in range(pairs):
        for name in names[i % 3 :] + names[: i % 3]:  # rotate who goes first
            start = time.process_time()
            seen[name] = jobs[name]()
            cpu[name].append(time.process_time() - start)
    for name in ("simpy", "fast"):
        if not _same(seen[name], seen["bare"]):
            raise SystemExit(f"{kind}: {name} did other work: {seen[name]} {seen['bare']}")
    ratios = {
        name: [b / x for b, x in zip(cpu["bare"], cpu[name], strict=True)]
        for name in ("simpy", "fast")
    }
    return {
        "requests": seen["bare"]["requests"],
        "waited_share": round(seen["bare"]["waited_share"], 3),
        "bare_cpu_s": round(min(cpu["bare"]), 3),
        "full_model_cpu_s": round(min(cpu["simpy"]), 3),
        "fast_path_cpu_s": round(min(cpu["fast"]), 3),
        "full_model_vs_bare_min": round(min(ratios["simpy"]), 3),
        "full_model_vs_bare_median": round(statistics.median(ratios["simpy"]), 3),
        "fast_path_vs_bare_min": round(min(ratios["fast"]), 3),
        "fast_path_vs_bare_median": round(statistics.median(ratios["fast"]), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--pairs", type=int, default=3, help="interleaved repetitions (at least 3)")
    args = ap.parse_args()
    line = {"benchmark": "engine", "pairs": max(3, args.pairs)}
    for kind in ("light", "heavy"):
        line[kind] = measure(kind, args.requests, max(3, args.pairs))
    print(json.dumps(line))


if __name__ == "__main__":
    main()
