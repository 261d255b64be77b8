"""The README stays true: its first commands, and a reference entry for every scenario field."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from acgsim.sim.scenario import Scenario

from .helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fields(model: type[BaseModel], seen: set) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                names |= _fields(tp, seen)
            stack.extend(typing.get_args(tp))
    return names


def test_readme_opens_with_the_two_commands():
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0].startswith("pip install -e . && acgsim ")
    assert block[1] == "pip install -e '.[test]' && pytest"


def test_every_scenario_field_is_documented():
    reference = README.split("## Scenario format", 1)[1].split("## What validation refuses", 1)[0]
    missing = sorted(f for f in _fields(Scenario, set()) if f"`{f}`" not in reference)
    assert missing == []


def test_the_python_example_runs_as_written(tmp_path, monkeypatch, capsys):
    section = README.split("## From Python (notebooks)", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    rows, plan = scope["rows"], scope["plan"]
    regions = [s.region for s in scope["runs"][0].regions]
    assert [(r["run"], r["region"]) for r in rows] == [
        (i, region) for i in range(3) for region in [*regions, "all"]
    ]
    assert scope["faster"].model.replica_concurrency == 40
    assert scope["scenario"].model.replica_concurrency != 40  # change() copies
    assert "Microsoft.Compute/galleries" in scope["template"]
    assert plan.regions and capsys.readouterr().out.count("\n") == 2


def test_records_go_straight_into_a_dataframe():
    pandas = pytest.importorskip("pandas")
    import acgsim

    runs = acgsim.simulate_many(acgsim.load("quickstart"), runs=2)
    frame = pandas.DataFrame(acgsim.records(runs))
    assert len(frame) == 2 * (len(runs[0].regions) + 1) and frame["requests"].dtype.kind == "i"
    plan_rows = acgsim.records(acgsim.plan(acgsim.load("quickstart"), runs=2, workers=1))
    assert pandas.DataFrame(plan_rows)["p95_s_mean"].notna().all()


def test_import_acgsim_is_light_and_the_api_matches_the_cli():
    import subprocess
    import sys

    code = "import sys, acgsim; print(sorted(m for m in ('numpy', 'pydantic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    import acgsim
    from acgsim.sim.engine import simulate

    scenario = acgsim.load("quickstart")
    assert acgsim.simulate(scenario).to_json() == simulate(scenario).to_json()
    assert acgsim.load(scenario.model_dump(mode="json")).model_dump() == scenario.model_dump()
