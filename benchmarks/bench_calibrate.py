"""Calibration speed and memory on a large activity log: the events of N VM creates (with the
tests' realistic noise: throttled retries, missing events, other resource types), read, paired and
fitted against the quickstart scenario. Prints one JSON line:

  python benchmarks/bench_calibrate.py                  # 10,000 creates (about 85 MB of JSON)
  python benchmarks/bench_calibrate.py --creates 2000
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acgsim.sim.calibrate import estimate, inputs  # noqa: E402
from acgsim.sim.loader import load  # noqa: E402
from tests.calibrate import synthetic  # noqa: E402  (the generator the recovery tests use)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=10_000)
    args = parser.parse_args()
    scenario = load(ROOT / "scenarios" / "quickstart.yaml")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "activity-log.json"
        path.write_text(
            json.dumps(synthetic.vm_creates(1, args.creates, 60.0, 0.3, 21.0, gap_s=30))
        )
        size = path.stat().st_size
        t0 = time.perf_counter()
        obs = inputs.read([path], {})
        t1 = time.perf_counter()
        cal = estimate.calibrate(obs, scenario)
        t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "benchmark": "calibrate",
                "creates": args.creates,
                "file_mb": round(size / 2**20, 1),
                "read_s": round(t1 - t0, 2),
                "fit_s": round(t2 - t1, 2),
                "fitted_from": cal.estimates[0].count if cal.estimates else 0,
                "peak_rss_mb": round(peak),
            }
        )
    )


if __name__ == "__main__":
    main()
