"""Hand-edited result.json files: refused with the field named (exit 2, no report written)
instead of a KeyError or ValueError in the reports; what acgsim wrote reads back unchanged."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.sim.engine import simulate
from acgsim.sim.errors import ScenarioError
from acgsim.sim.results import load_result

from ..helpers import BASE, build

runner = CliRunner()


@pytest.fixture(scope="module")
def result_data() -> dict:
    data = copy.deepcopy(BASE)
    data["workload"]["vms"][0]["at"] = "2h"  # after replication: the VMs run
    data["faults"] = [
        {"kind": "zone_outage", "region": "westeurope", "zone": 1, "at": "5m", "duration": "10m"}
    ]
    return json.loads(simulate(build(data)).to_json())


def _series(data: dict) -> dict:
    return data["timeseries"]["regions"]["westeurope"]


CASES = [
    (
        lambda d: d["replication_log"][0].update(storage="Ultra_LRS"),
        "replication_log[0].storage",
        "Standard_LRS",
    ),
    (
        lambda d: d["replication_log"][0].update(region="$(id)"),
        "replication_log[0].region",
        "unknown Azure region",
    ),
    (lambda d: d["replication_log"][0].update(replicas=0), "replication_log[0].replicas", "1..100"),
    (
        lambda d: d["replication_log"][0].update(failures=[{"why": "x"}]),
        "replication_log[0].failures",
        "[0].at_s: missing",
    ),
    (lambda d: _series(d)["busy"].pop(), "timeseries", "regions.westeurope.busy: "),
    (lambda d: _series(d).pop("capacity"), "timeseries", "no capacity series"),
    (lambda d: _series(d).update(odd=[]), "timeseries.regions.westeurope.odd", "in_flight"),
    (
        lambda d: d["timeseries"]["regions"].update(mars={}),
        "timeseries.regions.mars",
        "unknown Azure region",
    ),
    (lambda d: d["regions"][0].update(region="$x$"), "regions[0].region", "unknown Azure region"),
    (lambda d: d["regions"][1]["ttr_percentiles_s"].pop(), "regions[1].ttr_percentiles_s", "101"),
    (
        lambda d: d["regions"][0].update(failure_rate=2),
        "regions[0].failure_rate",
        "less than or equal to 1",
    ),
    (lambda d: d["faults"][0].update(at="soon"), "faults", "[0].at: "),
    (lambda d: d["assumptions"][0].pop("rationale"), "assumptions", "[0].rationale: missing"),
    (lambda d: d.update(scenario_sha256="<script>"), "scenario_sha256", "pattern"),
    (lambda d: d.update(scenario="<b>x</b>"), "scenario", "not a valid name"),
    (
        lambda d: d["overall"].update(failed_by_code={"\x1b[31m": 1}),
        "overall.failed_by_code.\\x1b[31m",
        "control character",
    ),
    (lambda d: d.update(horizon_s=float("inf")), "horizon_s", "finite"),
]


@pytest.mark.parametrize(
    ("change", "field", "words"), CASES, ids=[c[1] + ":" + c[2] for c in CASES]
)
def test_a_hand_edited_result_is_refused_with_the_field_named(
    result_data, tmp_path, change, field, words
):
    data = copy.deepcopy(result_data)
    change(data)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScenarioError) as info:
        load_result(path)
    lines = [line for line in info.value.lines if line.startswith(f"{path}: {field}: ")]
    assert lines and words in lines[0], info.value.lines
    result = runner.invoke(app, ["report", str(path), "--out", str(tmp_path / "report")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "report").exists()


def test_the_result_acgsim_writes_reads_back_unchanged(result_data, tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result_data, indent=2) + "\n")
    r = load_result(path)
    assert r is not None and r.to_json() == path.read_text()
    assert r.faults and r.timeseries is not None
