"""Hostile sweeps: grids counted before they are built, journals that are not this sweep's,
arrival order, worker counts, workers outliving their parent, a scheduler that never answers."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.sim import sweep as sw
from acgsim.sim import workers

from ..helpers import SCENARIOS

runner = CliRunner()
QUICK = SCENARIOS / "quickstart.yaml"


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_a_huge_grid_is_refused_before_it_is_built():
    start = time.perf_counter()
    result = cli(
        "sweep",
        QUICK,
        "--vary",
        "model.replica_concurrency=1..10000",
        "--vary",
        "seed=1..10000",
        "--out",
        "never",
    )
    assert result.exit_code == 2 and "100,000,000 cells" in result.output
    assert "--max-runs" in result.output and time.perf_counter() - start < 5


def test_a_range_one_past_the_cap_is_refused():
    assert len(sw.parse_vary(f"seed=1..{sw.MAX_AXIS_VALUES}").values) == sw.MAX_AXIS_VALUES
    with pytest.raises(sw.SweepError, match="at most 10,000"):
        sw.parse_vary(f"seed=1..{sw.MAX_AXIS_VALUES + 1}")


@pytest.mark.parametrize("command", ["run", "plan", "sweep", "compare"])
def test_absurd_run_counts_are_refused_at_once(command):
    result = cli(command, "--runs", "1000000000", "quickstart")
    assert result.exit_code == 2 and "10000" in result.output


def test_worker_count_is_capped_by_tasks_and_cores():
    assert workers.worker_count(10_000, 2) == min(2, os.cpu_count() or 1)
    assert workers.worker_count(0, 5) == 1


@pytest.fixture
def journalled(tmp_path):
    out = tmp_path / "sw"
    args = ["sweep", QUICK, "--vary", "model.replica_concurrency=5,20", "-k", "2", "--workers", "1"]
    assert cli(*args, "--out", out).exit_code == 0
    return out, args


@pytest.mark.parametrize(
    "damage, says",
    [
        (lambda rows: rows[:1] + ["not json"] + rows[1:], "line 2 is not a row"),
        (lambda rows: rows + [rows[0]], "line 5 repeats cell 0 run 0 (line 1)"),
        (lambda rows: rows[:1] + [json.dumps({**json.loads(rows[1]), "cell": 7})], "cell 7"),
        (
            lambda rows: [json.dumps({**json.loads(rows[0]), "model.replica_concurrency": 6})],
            "other values for model.replica_concurrency",
        ),
        (lambda rows: [json.dumps({**json.loads(rows[0]), "ttr_p95_s": "rm -rf"})], "numbers"),
        (lambda rows: ["\udcff" + rows[0]], "line 1"),
    ],
)
def test_resume_refuses_rows_that_are_not_this_sweeps(journalled, damage, says):
    out, args = journalled
    rows = (out / "rows.jsonl").read_text().splitlines()
    text = "\n".join(damage(rows)) + "\n"
    (out / "rows.jsonl").write_bytes(text.encode("utf-8", "surrogateescape"))
    result = cli(*args, "--out", out, "--resume")
    assert result.exit_code == 2, result.output
    assert says in result.output and "rows.jsonl" in result.output


def test_a_damaged_spec_is_a_clear_refusal(journalled):
    out, args = journalled
    (out / "sweep.json").write_text('{"scenario": ')
    result = cli(*args, "--out", out, "--resume")
    assert result.exit_code == 2 and "damaged" in result.output


def test_the_summary_does_not_depend_on_arrival_order(journalled):
    out, _ = journalled
    rows = [json.loads(line) for line in (out / "rows.jsonl").read_text().splitlines()]
    axes = [sw.parse_vary("model.replica_concurrency=5,20")]
    first = json.dumps(sw.summary(rows, axes))
    shuffler = random.Random(7)
    for _ in range(10):
        shuffler.shuffle(rows)
        assert json.dumps(sw.summary(rows, axes)) == first


CHILD = """
import os, sys, time
from acgsim.sim import workers
pool = workers.process_pool(2)
futures = [pool.submit(time.sleep, 600) for _ in range(2)]
time.sleep(1.5)
print(" ".join(str(p) for p in pool._processes), flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads process states in /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent(how):
    parent = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert len(pids) == 2
    parent.send_signal(how)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 5
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in pids if _alive(p)]
    assert alive == [], f"workers {alive} outlived their parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_scheduler_that_never_answers_is_refused_within_the_deadline(monkeypatch):
    pytest.importorskip("distributed")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    monkeypatch.setattr(workers, "DASK_DEADLINE_S", 2.0)
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    start = time.perf_counter()
    with pytest.raises(workers.WorkerSetupError, match="no answer within 2 s"):
        list(workers.run_everywhere(abs, [1], 1, address))
    assert time.perf_counter() - start < 6
    server.close()
