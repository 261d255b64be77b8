"""Sweep throughput: 2 local workers against 1, and Dask against the local pool, as ratios of
interleaved pairs.

The sweep: scenarios/global-rollout.yaml (12 regions, about 14,000 requests a run) with the
assumed replica concurrency varied over 8 values, 2 runs per cell. The local figures include
starting the process pool; Dask runs on a LocalCluster of 2 workers started once and reached by
its address (as a user reaches a standing cluster), its start-up reported beside. Each pair runs
its two sides back to back, the order alternating; the ratios (cells per second, wall time) are
given as min and median over the pairs. Every side runs the same task function and the rows are
checked to be identical. Prints one JSON line:

  python benchmarks/bench_sweep.py [--pairs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import yaml

from acgsim.sim import sweep as sw

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "global-rollout.yaml"
VARY = "model.replica_concurrency=5..12"
RUNS = 2


def measure(workers: int, scheduler: str | None = None) -> tuple[float, list[dict]]:
    """Cells per second, and the rows in order."""
    data = yaml.safe_load(SCENARIO.read_text())
    cells = sw.grid(data, [sw.parse_vary(VARY)], str(SCENARIO))
    todo = sw.tasks(cells, RUNS, set())
    start = time.perf_counter()
    rows = list(sw.execute(todo, workers, scheduler))
    wall = time.perf_counter() - start
    return len(cells) / wall, sorted(rows, key=lambda r: (r["cell"], r["run"]))


def pairs(first, second, n: int) -> tuple[list[float], list]:
    """second / first throughput over n interleaved pairs, and every side's rows."""
    ratios, rows = [], []
    for i in range(n):
        if i % 2 == 0:
            a, ra = first()
            b, rb = second()
        else:
            b, rb = second()
            a, ra = first()
        ratios.append(b / a)
        rows += [ra, rb]
    return ratios, rows


def main() -> None:
    from distributed import LocalCluster

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=3, help="interleaved pairs (at least 3)")
    n = max(3, ap.parse_args().pairs)
    two_vs_one, rows = pairs(lambda: measure(1), lambda: measure(2), n)
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    startup = time.perf_counter() - started
    try:
        address = cluster.scheduler_address
        dask_vs_local, more = pairs(lambda: measure(2), lambda: measure(2, address), n)
    finally:
        cluster.close()
    rows += more
    print(
        json.dumps(
            {
                "benchmark": "sweep",
                "cells": 8,
                "runs": RUNS,
                "pairs": n,
                "two_workers_vs_one_min": round(min(two_vs_one), 3),
                "two_workers_vs_one_median": round(statistics.median(two_vs_one), 3),
                "dask_vs_local_pool_min": round(min(dask_vs_local), 3),
                "dask_vs_local_pool_median": round(statistics.median(dask_vs_local), 3),
                "dask_cluster_startup_s": round(startup, 2),
                "identical_rows": all(r == rows[0] for r in rows),
            }
        )
    )


if __name__ == "__main__":
    main()
