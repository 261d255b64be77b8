"""Sweep throughput: cells per second on 1 and 2 local workers and on a Dask LocalCluster of 2.

The sweep: scenarios/global-rollout.yaml (12 regions, about 14,000 requests a run) with the
assumed replica concurrency varied over 16 values, 2 runs per cell. The local figures
include starting the process pool; the Dask figure is measured on a running LocalCluster of 2
workers reached by its address (as a user reaches a standing cluster), and the cluster's own
start-up time is reported beside it. Every engine runs the same task function;
the rows are checked to be identical. Prints one JSON line:

  python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml

from acgsim.sim import sweep as sw

ROOT = Path(__file__).resolve().parent.parent


SCENARIO = ROOT / "scenarios" / "global-rollout.yaml"
VARY = "model.replica_concurrency=5..20"
RUNS = 2
CELLS = 16  # replica_concurrency 5..20


def measure(workers: int, scheduler: str | None = None) -> tuple[float, list[dict]]:
    data = yaml.safe_load(SCENARIO.read_text())
    axes = [sw.parse_vary(VARY)]
    cells = sw.grid(data, axes, str(SCENARIO))
    todo = sw.tasks(cells, RUNS, set())
    start = time.perf_counter()
    rows = list(sw.execute(todo, workers, scheduler))
    wall = time.perf_counter() - start
    return len(cells) / wall, sorted(rows, key=lambda r: (r["cell"], r["run"]))


def main() -> None:
    from distributed import LocalCluster

    one, rows1 = measure(1)
    two, rows2 = measure(2)
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    startup = time.perf_counter() - started
    try:
        dask, rows3 = measure(2, cluster.scheduler_address)
    finally:
        cluster.close()
    print(
        json.dumps(
            {
                "benchmark": "sweep",
                "cells": CELLS,
                "runs": RUNS,
                "cells_per_s_1_worker": round(one, 3),
                "cells_per_s_2_workers": round(two, 3),
                "cells_per_s_dask_2_workers": round(dask, 3),
                "speedup_2_vs_1": round(two / one, 3),
                "dask_vs_local_2": round(dask / two, 3),
                "dask_cluster_startup_s": round(startup, 2),
                "dask_vs_local_2_with_startup": round((CELLS / (CELLS / dask + startup)) / two, 3),
                "identical_rows": rows1 == rows2 == rows3,
            }
        )
    )


if __name__ == "__main__":
    main()
