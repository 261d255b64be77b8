"""The held-out check at full size, too slow for CI: every held-out scenario (or those named)
through the installed command as a user drives it, each result held to the invariants.

    python tests/heldout/run_all.py [-k RUNS] [PREFIX ...]      # e.g. h07 h20; exit 1 on a problem

Per scenario: `run --json` on both engines (the same bytes but `engine`), `run -k K --json` in two
processes with different PYTHONHASHSEED (the same bytes), `plan -k K --json` (exit 0 or 1, a
coherent plan), `compare --set storage=Standard_LRS --json`, `report` and the four exports. One
line per scenario, then the problems; a crash is any exit status other than those documented.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import invariants  # noqa: E402 (this folder, run as a script)
from scenarios_index import ALL  # noqa: E402


def acgsim(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    cmd = [sys.executable, "-m", "acgsim", "-q", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)


def check(source: Path, runs: int, out: Path) -> list[str]:
    s = str(source)
    problems: list[str] = []

    def ran(p: subprocess.CompletedProcess, what: str, ok=(0,)) -> bool:
        if p.returncode not in ok or "Traceback" in p.stderr:
            problems.append(f"{what}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
            return False
        return True

    auto, simpy = acgsim("run", s, "--json"), acgsim("run", s, "--json", "--engine", "simpy")
    if ran(auto, "run") and ran(simpy, "run --engine simpy"):
        a, b = json.loads(auto.stdout), json.loads(simpy.stdout)
        problems += invariants.run_result(b)
        a.pop("engine"), b.pop("engine")
        if a != b:
            problems.append(f"engines disagree on {[k for k in a if a[k] != b[k]]}")
    one = acgsim("run", s, "-k", str(runs), "--json", hashseed="1")
    two = acgsim("run", s, "-k", str(runs), "--json", hashseed="31337")
    if ran(one, "run -k") and ran(two, "run -k (another hash seed)"):
        problems += invariants.summary(json.loads(one.stdout))
        if one.stdout != two.stdout:
            problems.append("run -k: different bytes under another PYTHONHASHSEED")
    plan = acgsim("plan", s, "-k", str(runs), "--json")
    if ran(plan, "plan", ok=(0, 1)):
        problems += [f"plan: {p}" for p in invariants.plan(json.loads(plan.stdout))]
    compare = acgsim("compare", s, "--set", "storage=Standard_LRS", "-k", "2", "--json")
    if ran(compare, "compare", ok=(0, 2)) and compare.returncode == 0:
        problems += [f"compare: {p}" for p in invariants.comparison(json.loads(compare.stdout))]
    ran(acgsim("report", s, "--out", str(out / "report")), "report")
    for fmt in ("arm", "bicep", "terraform", "azcli"):
        ran(acgsim("export", s, "--format", fmt, "-o", str(out / f"export.{fmt}")), fmt)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", "--runs", type=int, default=5)
    parser.add_argument("only", nargs="*", help="file name prefixes (default: all)")
    args = parser.parse_args()
    chosen = [p for p in ALL if not args.only or any(p.stem.startswith(o) for o in args.only)]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for source in chosen:
            start = time.perf_counter()
            problems = check(source, args.runs, Path(tmp) / source.stem)
            took = time.perf_counter() - start
            print(f"{source.stem}: {'ok' if not problems else 'PROBLEMS'} ({took:.0f} s)")
            for p in problems:
                print(f"  {p}")
            failed += bool(problems)
    print(json.dumps({"scenarios": len(chosen), "with_problems": failed, "runs": args.runs}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
