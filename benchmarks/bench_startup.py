"""Start-up: how long `acgsim --version` and `acgsim validate` take beside `python -c pass`.

A command-line tool is judged first by how fast it answers. Each figure is a ratio of wall times
of interleaved runs in this one process (A, B, A, B, ...), medians over the rounds, so a busy
machine slows both sides alike. The acgsim runs use the installed console script, as a user's
shell does (install first: pip install -e .). Prints one JSON line:

  python benchmarks/bench_startup.py [--rounds 21]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    acgsim = shutil.which("acgsim", path=sysconfig.get_path("scripts")) or shutil.which("acgsim")
    if acgsim is None:
        sys.exit("bench_startup: the acgsim script is not installed (pip install -e .)")
    commands = {
        "python": [sys.executable, "-c", "pass"],
        "version": [acgsim, "--version"],
        "help": [acgsim, "--help"],
        "validate": [acgsim, "validate", "scenarios/quickstart.yaml"],
    }
    for args in commands.values():  # warm the file cache and byte-code once
        wall(args)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, args in commands.items():
            times[name].append(wall(args))
    base = statistics.median(times["python"])
    figures = {
        "bench": "startup",
        "rounds": rounds,
        "python_c_pass_ms": round(1000 * base, 1),
        **{
            f"{n}_ms": round(1000 * statistics.median(t), 1)
            for n, t in times.items()
            if n != "python"
        },
        "version_ratio": round(statistics.median(times["version"]) / base, 2),
        "help_ratio": round(statistics.median(times["help"]) / base, 2),
        "validate_ratio": round(statistics.median(times["validate"]) / base, 2),
        "target": "version_ratio <= 3",
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
