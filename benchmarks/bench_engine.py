"""Engine speed and memory: acgsim against a bare SimPy model of the same arrivals and queues.

Reference workload: 100,000 VM requests, Poisson arrivals spread over 10 regions, one image
version with 5 replicas in each region (50 replicas), 20 disk creations per replica at once. The
bare model has the same arrivals, pooled replica slots and service times, but no throttling, no
image resolution, no access checks and no metrics. Each measurement runs in its own process so peak
RSS is its own. Prints one JSON line:

  python benchmarks/bench_engine.py                       # 100,000 requests, then 1,000,000
  python benchmarks/bench_engine.py --requests 20000 --no-million
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parent.parent

REGIONS = [
    "westeurope",
    "northeurope",
    "eastus",
    "eastus2",
    "westus2",
    "uksouth",
    "francecentral",
    "swedencentral",
    "japaneast",
    "australiaeast",
]
REPLICAS, SLOTS = 5, 20
SIZE_GB = 30
DISK_MEAN_S = 15.0 + 0.5 * SIZE_GB  # acgsim's default disk model for a 30 GB image
BOOT_MEAN_S = 40.0
RATE_PER_S = 2.5  # per region: about 75% of the 100 slots busy


def scenario(requests: int):
    """The reference workload as an acgsim Scenario."""
    from acgsim.sim.scenario import Scenario

    duration = requests / len(REGIONS) / RATE_PER_S
    return Scenario.model_validate(
        {
            "name": "bench-engine",
            "horizon": duration + 3600 + 1800,
            "tenants": [{"name": "t", "subscriptions": [{"name": "s"}]}],
            "galleries": [
                {
                    "name": "g",
                    "subscription": "s",
                    "region": REGIONS[0],
                    "images": [
                        {
                            "name": "i",
                            "publisher": "p",
                            "offer": "o",
                            "sku": "k",
                            "os_type": "Linux",
                            "os_state": "Generalized",
                            "versions": [
                                {
                                    "name": "1.0.0",
                                    "size_gb": SIZE_GB,
                                    "replicas": REPLICAS,
                                    "storage": "Standard_ZRS",
                                    "regions": REGIONS,
                                }
                            ],
                        }
                    ],
                }
            ],
            "workload": {
                "arrivals": [
                    {
                        "at": 3600,
                        "duration": duration,
                        "region": r,
                        "subscription": "s",
                        "image": "g/i/1.0.0",
                        "rate_per_min": RATE_PER_S * 60,
                    }
                    for r in REGIONS
                ]
            },
            "model": {"replica_concurrency": SLOTS, "arm_principals": 10},
        }
    )


def run_acgsim(requests: int) -> dict:
    from acgsim.sim.engine import simulate

    s = scenario(requests)
    start = time.perf_counter()
    result = simulate(s)
    wall = time.perf_counter() - start
    assert result.error is None, result.error
    return {
        "wall_s": wall,
        "requests": result.overall.requests,
        "succeeded": result.overall.succeeded,
    }


def run_bare(requests: int) -> dict:
    env = simpy.Environment()
    rng = np.random.default_rng(1)
    duration = requests / len(REGIONS) / RATE_PER_S
    done = [0]

    def request(slots, disk, boot):
        with slots.request() as turn:
            yield turn
            yield env.timeout(disk)
        yield env.timeout(boot)
        done[0] += 1

    def arrivals(slots):
        t = 3600.0
        yield env.timeout(t)
        while True:
            gaps = rng.exponential(1.0 / RATE_PER_S, 4096)
            disks = DISK_MEAN_S * rng.lognormal(-0.0431, 0.2936, 4096)
            boots = BOOT_MEAN_S * rng.lognormal(-0.0431, 0.2936, 4096)
            for g, d, b in zip(gaps, disks, boots, strict=True):
                t += float(g)
                if t >= 3600 + duration:
                    return
                yield env.timeout(t - env.now)
                env.process(request(slots, float(d), float(b)))

    for _ in REGIONS:
        env.process(arrivals(simpy.Resource(env, capacity=REPLICAS * SLOTS)))
    start = time.perf_counter()
    env.run(until=duration + 3600 + 1800)
    return {"wall_s": time.perf_counter() - start, "requests": done[0], "succeeded": done[0]}


def child(kind: str, requests: int) -> None:
    figures = (run_acgsim if kind == "acgsim" else run_bare)(requests)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(kind: str, requests: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--requests", str(requests)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--no-million", action="store_true", help="skip the 1,000,000-request run")
    ap.add_argument("--child", choices=["acgsim", "bare"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.requests)
        return
    bare = measure("bare", args.requests)
    ours = measure("acgsim", args.requests)
    line = {
        "benchmark": "engine",
        "requests": ours["requests"],
        "acgsim_requests_per_s": round(ours["requests"] / ours["wall_s"]),
        "bare_simpy_requests_per_s": round(bare["requests"] / bare["wall_s"]),
        "ratio": round(
            (ours["requests"] / ours["wall_s"]) / (bare["requests"] / bare["wall_s"]), 3
        ),
        "acgsim_peak_rss_mb": round(ours["peak_rss_mb"], 1),
        "bare_peak_rss_mb": round(bare["peak_rss_mb"], 1),
    }
    if not args.no_million:
        big = measure("acgsim", 1_000_000)
        line["million_requests"] = big["requests"]
        line["million_wall_s"] = round(big["wall_s"], 1)
        line["million_peak_rss_mb"] = round(big["peak_rss_mb"], 1)
    print(json.dumps(line))


if __name__ == "__main__":
    main()
