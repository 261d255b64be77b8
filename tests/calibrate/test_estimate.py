"""Which creates the deconvolution may use, what stays at its value, and determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

from acgsim.sim.calibrate import creates, estimate, inputs, write
from acgsim.sim.calibrate.observations import Observations, Timed
from acgsim.sim.loader import load

from ..helpers import SCENARIOS
from . import synthetic

QUICKSTART = load(SCENARIOS / "quickstart.yaml")  # westeurope: 2 replicas x 20; northeurope: 1 x 20
# a burst a millisecond apart: the first `slots` creates found a free slot, the rest may have queued


def _burst(region: str, n: int, start: float = 0.0) -> list[Timed]:
    return [Timed("vm_create", start + 0.001 * i, 90.0, region) for i in range(n)]


@pytest.mark.parametrize(("region", "clean"), [("westeurope", 30), ("northeurope", 20), ("", 20)])
def test_creates_that_may_have_queued_for_a_replica_are_left_out(region, clean):
    ctx = creates.Facts(QUICKSTART, QUICKSTART.model)
    keep, throttled, queued = creates.clean_creates(_burst(region, 30), ctx)
    assert (len(keep), throttled, queued) == (clean, 0, 30 - clean)


def test_in_flight_counts_only_overlapping_creates_of_the_region():
    ctx = creates.Facts(QUICKSTART, QUICKSTART.model)
    burst = _burst("northeurope", 15) + _burst("northeurope", 15, start=100.0)  # one after another
    burst += _burst("westeurope", 15, start=50.0)  # elsewhere
    keep, _, queued = creates.clean_creates(burst, ctx)
    assert len(keep) == 45 and queued == 0
    throttled = [Timed("vm_create", 0.0, 100.0, "westeurope", throttled=True)]
    keep, n, _ = creates.clean_creates(burst + throttled, ctx)
    assert n == 1 and len(keep) == 45


def test_too_few_observations_keep_the_values_and_say_why():
    obs = Observations(timed=[Timed("boot", 1.8e9 + i, 40.0 + i) for i in range(9)])
    cal = estimate.calibrate(obs, QUICKSTART)
    assert not cal.estimates
    why = {p: (v, reason) for p, v, reason in cal.kept}
    assert why["boot.mean"] == ("40s", "boot times: 9 (at least 10)")
    assert cal.params == QUICKSTART.model


def test_boot_times_win_over_vm_creates_and_the_fit_is_deterministic(tmp_path):
    rng = np.random.default_rng(3)
    boots = [
        Timed("boot", 1.8e9 + 60 * i, float(x)) for i, x in enumerate(rng.lognormal(4, 0.2, 50))
    ]
    log = tmp_path / "log.json"
    log.write_text(json.dumps(synthetic.vm_creates(1, 80, 60.0, 0.3, 21.0)))
    obs = inputs.read([log], {})
    obs.timed += boots
    cal = estimate.calibrate(obs, QUICKSTART)
    boot = next(e for e in cal.estimates if e.path == "boot.mean")
    assert boot.count == 50 and boot.support.startswith("50 boot times")
    again = estimate.calibrate(obs, QUICKSTART)
    assert write.calibrated_yaml(QUICKSTART, cal, [log]) == write.calibrated_yaml(
        QUICKSTART, again, [log]
    )
