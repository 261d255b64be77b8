"""Recovery from the engine itself: a scenario with known boot times is simulated with per-request
records, the records are written as the activity log Azure would have logged (429s retried under
one correlationId, then Accepted and Succeeded), and calibrated against the same scenario.

Unlike the generator in test_recovery, these creates really met the model's throttling and queued
for its replica slots, so this checks the deconvolution's premise: the creates the fit keeps are
exactly ones whose time was disk + boot (no 429, no wait for a slot), and the known boot values
fall inside the intervals at the stated rate.
"""

from __future__ import annotations

import json

import numpy as np

from acgsim.sim.calibrate import creates, estimate, inputs
from acgsim.sim.engine import simulate
from acgsim.sim.loader import validate

from ..helpers import SCENARIOS
from . import synthetic

SEEDS = 40
BOOT_MEAN, BOOT_CV = 70.0, 0.35


def _scenario():
    import yaml

    data = yaml.safe_load((SCENARIOS / "quickstart.yaml").read_text())
    data["model"] = {"boot": {"mean": f"{BOOT_MEAN}s", "cv": BOOT_CV}}
    data["horizon"] = "6h"
    data["workload"]["vms"] = [
        # a burst: ARM's write bucket (200) throttles some, the replica slots (2 x 20) queue most
        {
            "name": "burst",
            "at": "45m",
            "region": "westeurope",
            "subscription": "web",
            "image": "contosoImages/ubuntu-web/latest",
            "count": 260,
        },
        # a steady trickle: about 10 in flight against 20 slots, with peaks that queue
        {
            "name": "trickle",
            "at": "1h30m",
            "region": "northeurope",
            "subscription": "web",
            "image": "contosoImages/ubuntu-web/1.0.0",
            "count": 300,
            "spread": "45m",
        },
    ]
    return validate(data, file="engine-recovery")[0]


def _activity_log(records: list[dict], seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    vm = "Microsoft.Compute/virtualMachines/write"
    events = []
    for r in records:
        if r["outcome"] != "succeeded":
            continue
        res = f"{synthetic.VMS}/vm-{r['id']:05d}"
        corr = f"00000000-0000-4000-8000-{r['id']:012d}"
        t = synthetic.T0 + r["submitted"]
        body = {"location": r["region"]}
        events.append(synthetic.event(rng, vm, "Started", t, res, corr, body=body))
        if r["throttled"]:
            events.append(
                synthetic.event(
                    rng,
                    vm,
                    "Failed",
                    t + 0.05,
                    res,
                    corr,
                    code="TooManyRequests",
                    sub_status="TooManyRequests",
                )
            )
            t += r["held"]
            events.append(synthetic.event(rng, vm, "Started", t, res, corr, body=body))
        events.append(synthetic.event(rng, vm, "Accepted", t + 0.001, res, corr, code="Created"))
        events.append(
            synthetic.event(
                rng, vm, "Succeeded", synthetic.T0 + r["finished"], res, corr, code="OK"
            )
        )
    return events[::-1]


def test_the_fit_keeps_only_creates_that_were_disk_plus_boot_and_recovers_boot(tmp_path):
    scenario = _scenario()
    hits = {"boot.mean": [], "boot.cv": []}
    for seed in range(SEEDS):
        result = simulate(scenario, seed, trace=True)
        records = {r["id"]: r for r in result.records}
        path = tmp_path / f"log{seed}.json"
        path.write_text(json.dumps(_activity_log(result.records, seed)))
        obs = inputs.read([path], {})
        ctx = creates.Facts(scenario, scenario.model)
        kept, throttled, queued = creates.clean_creates(obs.of("vm_create"), ctx)
        assert throttled > 0 and queued > 0, "the workload must exercise both filters"
        for t in kept:
            r = records[int(t.resource.rsplit("-", 1)[1])]
            assert r["throttled"] == 0 and r["wait"] == 0.0, r
        cal = estimate.calibrate(obs, scenario)
        got = {e.path: e for e in cal.estimates}
        hits["boot.mean"].append(got["boot.mean"].covers(BOOT_MEAN))
        hits["boot.cv"].append(got["boot.cv"].covers(BOOT_CV))
    for path, h in hits.items():
        print(f"{path} (engine): 95% interval held the truth in {sum(h)} of {len(h)}")
        assert sum(h) >= 0.85 * len(h)
