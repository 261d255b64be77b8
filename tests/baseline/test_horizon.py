"""Waves that run past the horizon: the requests due after it are never sent.

Found by the baseline: a wave of 100 VMs spread over 3 hours from 1h in a 3-hour run simulated
67 of them and `acgsim validate` said nothing, though the README promises a warning for an event
after the horizon. Now the wave's `spread` (or an arrival stream's `duration`) gets one.
"""

from __future__ import annotations

import yaml

from acgsim.sim.loader import validate

from .compare import HERE, load, region, runs


def _doc() -> dict:
    return yaml.safe_load((HERE / "burst-queue.yaml").read_text())


def _warnings(doc: dict) -> list[tuple[str, str]]:
    _, problems = validate(doc)
    return [(p.where, p.message) for p in problems if p.severity == "warning"]


def test_a_wave_spread_past_the_horizon_is_warned_of_and_cut():
    doc = _doc()
    doc["workload"]["vms"][1]["spread"] = "3h"  # from 2h, in a 4h run: half are never sent
    warnings = _warnings(doc)
    assert [w for w, _ in warnings] == ["workload.vms[1].spread"]
    assert "after the horizon 4h" in warnings[0][1]
    (r,) = runs(load("burst-queue"), 1)  # as written: every request is sent
    assert region(r, "northeurope").requests == 200


def test_arrivals_running_past_the_horizon_and_a_wave_ending_at_it():
    doc = _doc()
    doc["workload"]["arrivals"] = [
        {
            "name": "late",
            "at": "3h",
            "region": "westeurope",
            "subscription": "apps",
            "image": "contosoImages/web/latest",
            "rate_per_min": 2,
            "duration": "2h",
        }
    ]
    doc["workload"]["vms"][1]["spread"] = "2h"  # its last VM is due just before 4h: no warning
    assert [w for w, _ in _warnings(doc)] == ["workload.arrivals[0].duration"]
