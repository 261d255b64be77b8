"""acgsim's own memory costs, measured again: the figures sim/footprint.py's estimate is built on.

Each cost is the slope of tracemalloc's peak over one run between two sizes of one workload on
quickstart's gallery (so fixed costs cancel), and the peak RSS of `acgsim run --json` for a
burst of VMs (where the allocator adds to what tracemalloc sees). Prints one JSON line: each
measured figure beside the constant the estimate uses, and whether the constant covers it.

  python benchmarks/bench_footprint.py            # a few minutes on one core
  python benchmarks/bench_footprint.py --small    # a quarter of the sizes
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WAVE = {"region": "westeurope", "subscription": "web", "image": "contosoImages/ubuntu-web/latest"}


def _scenario(workload: dict, horizon: str = "30d", **model):
    from acgsim.sim.loader import validate

    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data.update(horizon=horizon, workload=workload, model=model)
    return validate(copy.deepcopy(data), file="bench")[0]


def _peak(scenario, trace: bool = False):
    from acgsim.sim.engine import simulate

    tracemalloc.start()
    result = simulate(scenario, trace=trace)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, result


def _slope(make, small: int, large: int, unit, trace: bool = False) -> int:
    (p1, r1), (p2, r2) = _peak(make(small), trace), _peak(make(large), trace)
    return round((p2 - p1) / (unit(r2) - unit(r1)))


def _rss_mb(count: int) -> float:
    """Peak RSS of `acgsim run --json` for a burst of `count` VMs, in MB (each in flight, then
    finished: IN_FLIGHT_BYTES + FINISHED_BYTES in the estimate)."""
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["workload"] = {"vms": [{**WAVE, "count": count}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump(data, f)
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    args = [sys.executable, "-c", code, sys.executable, "-m", "acgsim", "run", f.name, "--json"]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    os.unlink(f.name)
    return int(done.stdout) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="a quarter of the sizes")
    n = 2_500 if ap.parse_args().small else 10_000
    from acgsim.sim import footprint as fp
    from acgsim.sim.engine import simulate

    simulate(_scenario({}, horizon="1h"))  # fill the caches first

    def requests(r) -> int:
        return r.overall.requests

    def samples(r) -> int:
        return len(r.timeseries.t) * len(r.timeseries.regions)

    def vms(k: int):  # a burst, every request in flight at once: short, so samples stay few
        return _scenario({"vms": [{**WAVE, "at": "45m", "count": k}]}, horizon="2d")

    def sets(k: int):
        return _scenario({"scale_sets": [{**WAVE, "at": "45m", "count": k, "instances": 1}]}, "2d")

    def spread(k: int):  # few in flight at once
        return _scenario({"vms": [{**WAVE, "at": "45m", "count": k, "spread": "20d"}]})

    measured = {
        "SAMPLE_BYTES": _slope(lambda k: _scenario({}, horizon=f"{k}m"), 2 * n, 8 * n, samples),
        "IN_FLIGHT_BYTES": _slope(vms, n, 4 * n, requests),
        "SET_BYTES": _slope(sets, n // 2, 2 * n, requests) - fp.IN_FLIGHT_BYTES,
        "FINISHED_BYTES": _slope(spread, 2 * n, 8 * n, requests),
        "TRACED_BYTES": _slope(spread, n, 4 * n, requests, trace=True),
    }
    small, large = 10 * n, 40 * n
    rss = {small: _rss_mb(small), large: _rss_mb(large)}
    per_request = round((rss[large] - rss[small]) * 2**20 / (large - small))
    line = {
        "bench": "footprint",
        **{f"{k}_measured": v for k, v in measured.items()},
        "IN_FLIGHT_BYTES_rss": per_request,
        "PROCESS_MB_rss": round(rss[small] - small * per_request / 2**20),
        **{k: getattr(fp, k) for k in measured},
        "constants_cover_measured": all(getattr(fp, k) >= v for k, v in measured.items())
        and per_request <= fp.IN_FLIGHT_BYTES + fp.FINISHED_BYTES,
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
