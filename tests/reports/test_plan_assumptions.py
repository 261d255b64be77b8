"""A plan lists the model assumptions it ran with, like a run: in plan.json, in its report (HTML
and Markdown) and, in short, at the foot of the console plan; a value the scenario overrides
is shown with the default it replaces."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.planner.plan import Plan, load_plan
from acgsim.planner.search import plan
from acgsim.reports import html as html_report
from acgsim.sim.loader import load
from acgsim.sim.params import ModelParams, assumptions

from ..helpers import SCENARIOS

runner = CliRunner()

# The quickstart as a person adapts it: the disks in their images take longer to create.
OVERRIDE = """
model:
  disk:
    base: 40s   # measured on our own images
  replica_selection: random
"""


def test_a_plan_with_an_override_shows_it_everywhere(tmp_path, monkeypatch):
    scenario = tmp_path / "slow-disks.yaml"
    text = (SCENARIOS / "quickstart.yaml").read_text(encoding="utf-8")
    scenario.write_text(text + OVERRIDE, encoding="utf-8")
    out = tmp_path / "plan"
    monkeypatch.setenv("COLUMNS", "80")
    result = runner.invoke(
        app, ["plan", str(scenario), "--runs", "2", "--out", str(out), "--report"]
    )
    assert result.exit_code == 0, result.output
    footer = " ".join(result.stdout.split())
    count = len(assumptions(ModelParams(), load(scenario).guidance))
    assert f"Assumptions: {count} model parameters; overridden:" in footer
    assert "disk.base = 40s (default 15s)" in footer
    assert "replica_selection = random (default least_loaded)" in footer

    saved = json.loads((out / "plan.json").read_text())["assumptions"]
    by_name = {a["parameter"]: a for a in saved}
    assert by_name["disk.base"] == by_name["disk.base"] | {
        "value": "40s",
        "default": "15s",
        "overridden": True,
        "source": "assumption",
    }
    assert sorted(a["parameter"] for a in saved if a["overridden"]) == [
        "disk.base",
        "replica_selection",
    ]
    # a rationale citing the guidance names its sources
    assert by_name["vmss_batch"]["source"].split("; ")[:2] == ["SEED", "ACG23"]

    md = (out / "report" / "report.md").read_text()
    assert "Assumptions this plan used:" in md
    assert "| disk.base | 40s | yes (default 15s) | assumption |" in md
    assert "| disk.per_gb | 0.5s | no | assumption |" in md
    page = (out / "report" / "report.html").read_text()
    assert "2 overridden by the scenario" in page and "yes (default 15s)" in page
    assert "acgsim assumptions FILE" not in page  # the list itself, not a pointer to it


def test_a_what_if_on_the_command_line_is_an_override_too(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    args = ["plan", "quickstart", "--runs", "2", "--set", "model.boot.mean=3m"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "overridden: boot.mean = 3m (default 40s)" in result.stdout


def test_a_plan_of_the_defaults_says_nothing_is_overridden(tmp_path):
    p = plan(load(SCENARIOS / "quickstart.yaml"), runs=2)
    assert p.assumptions and not any(a.overridden for a in p.assumptions)
    assert all(a.value == a.default for a in p.assumptions)
    (tmp_path / "plan.json").write_text(p.to_json())
    assert load_plan(tmp_path / "plan.json").assumptions == p.assumptions
    html_report.plan_report(p, tmp_path / "r")
    assert "(0 overridden by the scenario)" in (tmp_path / "r" / "report.html").read_text()


def test_an_older_plan_without_assumptions_still_reports(tmp_path):
    data = json.loads(plan(load(SCENARIOS / "quickstart.yaml"), runs=2).to_json())
    del data["assumptions"]  # plan.json of acgsim 0.2
    old = Plan.model_validate(data)
    html_report.plan_report(old, tmp_path)
    assert "acgsim assumptions FILE" in (tmp_path / "report.html").read_text()
    assert "Assumptions this plan used" not in (tmp_path / "report.md").read_text()
