"""acgsim against an independent bare-SimPy baseline, on more runs than CI affords.

tests/baseline/ holds a bare SimPy model of each scenario shape written from the documented
semantics (README, `acgsim assumptions`), not from acgsim's engine, and its own random numbers.
This runs every shape for K runs of acgsim (with each engine that can compute it: the fast path
where `auto` takes it, and SimPy) and K runs of the baseline, and prints one JSON line: per shape
and engine, each figure's means and the z-score of their difference (CLT standard error); the
tests accept |z| <= 4.

  python benchmarks/bench_baseline.py              # 60 runs a side
  python benchmarks/bench_baseline.py --runs 200
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import yaml

import acgsim
from acgsim.tests.baseline import (
    compare,
    test_outage,
    test_pool,
    test_replication,
    test_scale_sets,
    test_throttling,
    test_timeouts,
    test_updates,
    test_zone_outage,
)
from acgsim.tests.baseline.compare import load, region


def _by_region(name: str, keys, where: str = "westeurope"):
    def figures(results):
        return {k: [float(getattr(region(r, where), k)) for r in results] for k in keys}

    return load(name), figures


def _replication():
    doc = yaml.safe_load((compare.HERE / "replication-fanout.yaml").read_text())
    del doc["workload"]

    def figures(results):
        out: dict[str, list[float]] = {}
        for r in results:
            for rec in r.replication_log:
                out.setdefault(f"{rec.region} first", []).append(rec.first_copy_s)
                out.setdefault(f"{rec.region} done", []).append(rec.completed_s)
        return out

    return acgsim.load(doc), figures


def _updates():
    keys = ("ttr_mean_s", "ttr_p50_s", "ttr_p95_s", "waited_share", "wait_mean_s")
    scenario, by_region = _by_region("update-replicas", keys)

    def figures(results):
        out = by_region(results)
        out["replication_done_s"] = [r.replication_log[0].completed_s for r in results]
        return out

    return scenario, figures


SHAPES = {
    "poisson-premium-pool": (
        lambda: _by_region("poisson-premium-pool", test_pool.KEYS),
        test_pool._poisson_baseline,
    ),
    "burst-queue/burst": (
        lambda: _by_region("burst-queue", test_pool.KEYS),
        lambda k: test_pool._burst_baseline(k)["burst"],
    ),
    "burst-queue/spread": (
        lambda: _by_region("burst-queue", test_pool.KEYS, "northeurope"),
        lambda k: test_pool._burst_baseline(k)["spread"],
    ),
    "replication-fanout": (_replication, test_replication._baseline),
    "replication-failures": (
        lambda: (test_replication.failing_scenario(), test_replication.failure_figures),
        test_replication._failure_baseline,
    ),
    "putvm-stream": (
        lambda: _by_region("putvm-stream", test_throttling.KEYS),
        test_throttling._putvm_baseline,
    ),
    "scale-set-batches": (
        lambda: _by_region("scale-set-batches", test_scale_sets.KEYS),
        test_scale_sets._baseline,
    ),
    "provisioning-timeout": (
        lambda: _by_region("provisioning-timeout", test_timeouts.KEYS),
        test_timeouts._baseline,
    ),
    "region-outage": (
        lambda: _by_region("region-outage", test_outage.KEYS, "northeurope"),
        test_outage._baseline,
    ),
    "update-replicas": (_updates, test_updates._baseline),
    "zone-outage-three-lrs": (
        lambda: _by_region("zone-outage-three-lrs", test_zone_outage.KEYS),
        test_zone_outage._baseline,
    ),
}


def _z(a: list[float], b: list[float]) -> float:
    return round(compare.z_score(a, b), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--only", action="append", help="shape names to run (default: all)")
    args = ap.parse_args()
    k = args.runs
    out: dict = {"runs": k, "z_limit": compare.Z, "shapes": {}}
    worst = 0.0
    for name, (make, baseline) in SHAPES.items():
        if args.only and name not in args.only:
            continue
        scenario, figures = make()
        t = time.process_time()
        base = baseline(k)
        bare_s = time.process_time() - t
        first = compare.runs(scenario, 1)[0]
        engines = ["fast", "simpy"] if first.engine.name == "fast" else ["simpy"]
        shape = {"bare_cpu_s": round(bare_s, 1), "engines": {}}
        for engine in engines:
            t = time.process_time()
            acg = figures(compare.runs(scenario, k, engine=engine))
            zs = {key: _z(acg[key], base[key]) for key in acg}
            worst = max(worst, max((abs(z) for z in zs.values() if math.isfinite(z)), default=0))
            shape["engines"][engine] = {
                "cpu_s": round(time.process_time() - t, 1),
                "max_abs_z": max(abs(z) for z in zs.values()),
                "figures": {
                    key: {
                        "acgsim": round(float(np.mean(acg[key])), 3),
                        "baseline": round(float(np.mean(base[key])), 3),
                        "z": zs[key],
                    }
                    for key in acg
                },
            }
        out["shapes"][name] = shape
    out["max_abs_z"] = worst
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
