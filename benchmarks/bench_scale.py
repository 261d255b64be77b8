"""Scale: time and peak memory of one run at 10k, 100k, 1M and 10M requests.

The `light` workload of benchmarks/workloads.py (Poisson arrivals into ten regions, about a third
of the requests wait), each size in its own process so that its peak RSS is its own: the exact
fast path (engine auto: the workload is eligible) at every size, the SimPy engine up to
--simpy-max requests (10M requests take SimPy many minutes). Target: 10M requests under 1.5 GB.
Prints one JSON line:

  python benchmarks/bench_scale.py [--sizes 10000,100000,1000000,10000000] [--simpy-max N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def child(engine: str, requests: int) -> None:
    import workloads

    from acgsim.sim.engine import simulate

    scenario = workloads.scenario("light", requests)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    r = simulate(scenario, engine=engine)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert r.error is None, r.error
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "engine": r.engine.name,
                "requests": r.overall.requests,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "peak_rss_mb": round(peak / 1024, 1),
                "bytes_per_request": round((peak - before) * 1024 / max(1, r.overall.requests)),
            }
        )
    )


def measure(engine: str, requests: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--requests", str(requests)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000,10000000")
    ap.add_argument("--simpy-max", type=int, default=1_000_000)
    ap.add_argument("--child", choices=["auto", "simpy"], help=argparse.SUPPRESS)
    ap.add_argument("--requests", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.requests)
        return
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        rows.append({"size": n, "fast": measure("auto", n)})
        if n <= args.simpy_max:
            rows[-1]["simpy"] = measure("simpy", n)
    print(json.dumps({"benchmark": "scale", "workload": "light", "rows": rows}))


if __name__ == "__main__":
    main()
