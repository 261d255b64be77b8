"""The example files the README points to are read as the README says."""

from __future__ import annotations

import pytest

from acgsim.sim.calibrate import estimate, inputs
from acgsim.sim.loader import load

from ..helpers import ROOT, SCENARIOS

EXAMPLES = ROOT / "docs" / "calibration"


def test_the_example_files_are_read():
    scenario = load(SCENARIOS / "quickstart.yaml")
    sizes = {v.ref.lower(): v.version.size_gb for v in scenario.versions()}
    paths = [EXAMPLES / n for n in ("activity-log.json", "replication.jsonl", "timings.csv")]
    obs = inputs.read(paths, sizes)
    creates = obs.of("vm_create")
    assert [round(t.duration_s, 1) for t in creates] == [84.2, 84.2, 111.9, 111.9]
    assert [t.throttled for t in creates] == [False, False, True, True]
    assert [round(g.seconds, 1) for g in obs.retry_gaps] == [20.0]
    assert {r.region for r in obs.regions} == {"westeurope", "northeurope"}
    assert all(r.size_gb == 12 for r in obs.regions)  # the scenario's version 1.0.0
    assert obs.ignored["other operations and resource types"] == 2
    cal = estimate.calibrate(obs, scenario)
    assert not cal.estimates  # too few to fit: every parameter says why it stayed
    why = {path: reason for path, _, reason in cal.kept}
    assert why["boot.mean"] == "boot times: 1 (at least 10)"  # the CSV's boot row wins
    assert why["replication.wan_mb_per_s"].startswith("remote regions replicated: 2 ")
    from acgsim.reports.calibration import text

    [gap] = [line for line in text(cal).splitlines() if line.startswith("429s retried")]
    assert gap.startswith("429s retried: 1, gap to the retry 20s (")  # one gap: not "20s to 20s"


@pytest.mark.parametrize("name", ["activity-log.json", "replication.jsonl", "timings.csv"])
def test_each_example_alone(name):
    assert inputs.read([EXAMPLES / name], {"contosoimages/ubuntu-web/1.0.0": 12.0}) is not None
