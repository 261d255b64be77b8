"""--engine on the command line, the engine a result names, and the planner's progress counts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from acgsim.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _engine_variable(monkeypatch):
    """--engine sets ACGSIM_ENGINE for the workers: put it back after each test."""
    monkeypatch.setenv("ACGSIM_ENGINE", "auto")


def _run(*args: str):
    return runner.invoke(app, list(args))


def test_a_run_says_which_engine_computed_it_and_both_give_the_same_result():
    auto = json.loads(_run("run", "quickstart", "--json").stdout)
    slow = json.loads(_run("run", "quickstart", "--json", "--engine", "simpy").stdout)
    assert auto.pop("engine") == {"name": "fast", "why": None}
    assert slow.pop("engine") == {"name": "simpy", "why": "asked for"}
    assert auto == slow


def test_a_run_the_fast_path_cannot_take_names_why():
    doc = json.loads(_run("run", "zone-outage-lrs", "--json").stdout)
    assert doc["engine"] == {"name": "simpy", "why": "zone or region outages"}
    forced = _run("run", "put-vm-burst", "--engine", "fast")
    assert forced.exit_code == 2 and "Traceback" not in forced.output
    assert "--engine fast" in forced.output and "throttling may bind" in forced.output


def test_an_unknown_engine_is_refused():
    result = _run("run", "quickstart", "--engine", "turbo")
    assert result.exit_code == 2 and "auto, simpy, fast" in result.output


def test_compare_and_sweep_take_an_engine(tmp_path):
    result = _run("compare", "quickstart", "quickstart", "-k", "2", "--engine", "simpy", "--json")
    assert result.exit_code == 0, result.output
    out = tmp_path / "sw"
    vary = "model.replica_concurrency=5,10"
    result = _run("sweep", "quickstart", "--vary", vary, "-k", "1", "--out", str(out),
                  "--workers", "1", "--engine", "fast")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in (out / "rows.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and not any(r["error"] for r in rows)
    refused = _run("sweep", "zone-outage-lrs", "--vary", vary, "-k", "1", "--out",
                   str(tmp_path / "z"), "--workers", "1", "--engine", "fast")  # fmt: skip
    assert refused.exit_code == 2 and "zone or region outages" in refused.output


def test_the_planner_tells_listeners_each_candidate_and_uses_the_fast_path():
    import acgsim
    from acgsim.planner.evaluate import listening
    from acgsim.planner.progress import expected_candidates
    from acgsim.planner.search import plan

    scenario = acgsim.load("seed-120-vms-6-replicas")
    heard: list[int] = []
    with listening(heard.append):
        p = plan(scenario, runs=2)
    assert sum(heard) * 2 == p.simulations  # every candidate, K runs each
    assert expected_candidates(scenario, 2, False, False) >= 1


def test_sweeps_and_plans_show_counts_and_an_eta_on_a_terminal(monkeypatch):
    import io

    from rich.console import Console

    from acgsim.reports import console, progress

    screen = io.StringIO()
    monkeypatch.setattr(console, "err", Console(file=screen, force_terminal=True, width=120))
    assert list(progress.track(range(3), "sweep")) == [0, 1, 2]
    with progress.counted("planning", 4) as bar:  # an estimate that turns out short
        bar.say("searching westeurope")
        for _ in range(5):
            bar.count()
    shown = screen.getvalue()
    assert "3/3" in shown and "searching westeurope" in shown and "5/5" in shown
    assert shown.count("eta") >= 2
    monkeypatch.setattr(console, "err", Console(file=io.StringIO(), force_terminal=False))
    with progress.counted("planning", 4) as bar:  # in a pipe: nothing, and no error
        bar.say("verifying")
        bar.count()
