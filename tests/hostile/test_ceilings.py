"""Hostile sizes: each case runs acgsim in a process of its own, its address space limited to
1.5 GB and its wall clock to 30 s, and must end at once with exit status 2 and one line that
names the estimate and the option (or the field) to change; no traceback, little memory.

Before these ceilings: a 1,000-year horizon or a 1 ms sample_interval sampled until killed
(22 MB/s); 10 million scale sets x 1,000 instances died in a MemoryError traceback at 4 GB after
47 s; arrivals at 1e12 a minute reached 1.3 GB in 60 s; 10 million VMs in one wave ran for 15
minutes and more without a word."""

from __future__ import annotations

import copy
import os
import pty
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from ..helpers import SCENARIOS

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and /proc: Linux")

LIMIT_AS = 1536 << 20
WALL_S = 30.0
QUICK = yaml.safe_load((SCENARIOS / "quickstart.yaml").read_text(encoding="utf-8"))
WAVE = {"region": "westeurope", "subscription": "web", "image": "contosoImages/ubuntu-web/latest"}


def acgsim(*args: str, limit: int = LIMIT_AS) -> tuple[int, str, float, int]:
    """Exit status, stderr, wall seconds and peak RSS in MB of `python -m acgsim ARGS`, run with
    its address space limited to `limit` bytes (and killed at WALL_S)."""
    with tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "acgsim", *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
        )
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > WALL_S:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
        wall = time.monotonic() - started
        err.seek(0)
        return child.returncode, err.read().decode(), wall, usage.ru_maxrss // 1024


def scenario(tmp_path: Path, name: str, **changes) -> str:
    data = copy.deepcopy(QUICK)
    data["name"] = name
    for key, value in changes.items():
        if key == "model":
            data.setdefault("model", {}).update(value)
        elif key in ("vms", "scale_sets", "arrivals"):
            data["workload"] = {key: [{**WAVE, **value}]}
        else:
            data[key] = value
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


CASES = {
    "horizon-1000y": (
        {"horizon": f"{1000 * 365}d"},
        ["run"],
        ["horizon:", "525,600,000 samples per region", "model.sample_interval"],
    ),
    "sample-1ms": (
        {"model": {"sample_interval": "1ms"}},
        ["run"],
        ["model.sample_interval:", "14,400,000 samples", "0.002s or more"],
    ),
    "scale-sets-10m-x-1000": (
        {"scale_sets": {"count": 10_000_000, "instances": 1000}},
        ["run"],
        ["workload.scale_sets[0].count:", "10,000,000,000 requests"],
    ),
    "arrivals-1e12": (
        {"arrivals": {"rate_per_min": 1e12, "duration": "1h"}},
        ["run"],
        ["workload.arrivals[0].rate_per_min:", "60,000,000,000,000 requests"],
    ),
    "vms-10m": (
        {"vms": {"count": 10_000_000}},
        ["run"],
        ["this run would simulate 10,000,000 requests", "19.0 GB", "--max-requests 10000000"],
    ),
    "scale-sets-10k-x-1000": (
        {"scale_sets": {"count": 10_000, "instances": 1000}},
        ["run"],
        ["this run would simulate 10,000,000 requests", "--max-requests 10000000"],
    ),
    "plan-vms-1m": (
        {"vms": {"count": 1_000_000}},
        ["plan", "--workers", "1"],
        ["planning (about", "candidates x 20 runs) would simulate", "--max-requests"],
    ),
    "compare-vms-1m": (
        {"vms": {"count": 1_000_000}},
        ["compare", "quickstart"],
        ["these 20 runs would simulate 10,000,600 requests", "--max-requests 10000600"],
    ),
    "report-vms-10m": (
        {"vms": {"count": 10_000_000}},
        ["report", "--out", "{tmp}/report"],
        ["this run would simulate 10,000,000 requests", "--max-memory 19"],
    ),
    "sweep-vms": (
        {"vms": {"count": 1_000_000}},
        ["sweep", "--vary", "seed=1..3", "--out", "{tmp}/sweep", "-k", "2"],
        ["this sweep (3 cells x 2 runs) would simulate 6,000,000 requests", "--max-requests"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_size_is_refused_at_once_in_one_line(tmp_path, case):
    changes, command, says = CASES[case]
    path = scenario(tmp_path, case, **changes)
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    if args[0] == "compare":
        args = ["compare", "quickstart", path, *args[2:]]
    else:
        args = [args[0], path, *args[1:]]
    code, err, wall, rss_mb = acgsim(*args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert "Traceback" not in err and len(lines) == 1, err
    for fragment in says:
        assert fragment in lines[0], (fragment, lines[0])
    assert wall < 10 and rss_mb < 300, (wall, rss_mb)


def test_a_raised_ceiling_past_the_machine_stops_cleanly(tmp_path):
    """Ceilings raised past what the process may hold (here 768 MB, to be quick): the run stops
    near the limit with one line, instead of crawling into MemoryError inside SimPy."""
    path = scenario(tmp_path, "vms-10m", vms={"count": 10_000_000})
    raised = ["--max-requests", "10000000", "--max-memory", "20"]
    code, err, wall, rss_mb = acgsim("run", path, *raised, limit=768 << 20)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("vms-10m: the run stopped, ") and "of the 768 MB" in lines[0]
    assert wall < WALL_S and rss_mb < 768, (wall, rss_mb)


def _progress(tmp_path: Path, stderr_is_a_terminal: bool) -> str:
    """The stderr of a run of about 200,000 events, on a terminal or a pipe."""
    path = scenario(tmp_path, "steady", vms={"count": 20_000, "spread": "2h", "at": "45m"})
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    # the SimPy engine: the exact fast path would finish this run before a tick is due
    command = [sys.executable, "-m", "acgsim", "run", path, "--engine", "simpy"]
    if not stderr_is_a_terminal:
        done = subprocess.run(command, capture_output=True, env=env, timeout=120)
        assert done.returncode == 0
        return done.stderr.decode()
    leader, follower = pty.openpty()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    assert child.wait(timeout=120) == 0
    os.close(leader)
    return seen.decode(errors="replace")


def test_a_long_run_shows_progress_on_a_terminal_and_nothing_in_a_pipe(tmp_path):
    assert "simulating" in _progress(tmp_path, stderr_is_a_terminal=True)
    assert _progress(tmp_path, stderr_is_a_terminal=False) == ""
