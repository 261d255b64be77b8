"""Plans of held-out scenarios: every figure a user acts on says why, and the verdict (met,
missed and which limit binds) agrees with the plan's own verified figures."""

from __future__ import annotations

import json

import pytest

from acgsim.api import load, plan

from . import invariants
from .scenarios_index import path

CHEAP = ["h01", "h05", "h08", "h12", "h14", "h16", "h20", "h23", "h24", "h25", "h30", "h32", "h33"]


@pytest.mark.parametrize("prefix", CHEAP)
def test_a_plan_is_coherent_and_says_why(prefix):
    result = plan(load(path(prefix)), runs=2, workers=1)
    assert invariants.plan(json.loads(result.to_json())) == []


def test_latest_is_sized_on_the_versions_published_when_the_waves_come():
    """h12: at 1h only 1.0.0 is published, so the 20 VMs of `latest` then come from it; h20: a
    month of arrivals on `latest` meets four weekly versions in turn. The rules must not say
    'no workload here' of a version that serves a wave."""
    from acgsim.planner import rules

    units = {(u.version, u.region): u for u in rules.baseline(load(path("h12")))}
    first = units[("rolling/svc/1.0.0", "westus2")]
    assert first.demand is not None and first.demand.peak_vms == 20
    assert not any("no workload" in r for r in first.reasons)
    units = rules.baseline(load(path("h20")))
    assert all(u.demand is not None for u in units), [u.version for u in units if not u.demand]


def test_the_reason_shown_is_the_one_that_decides_the_count():
    """h29: 120 VMs at once need 3 replicas (current guidance), four scale sets at once need 4:
    the plan keeps 4, and the console's one reason per row (the first) said '= 3'. Likewise a
    production floor above the demand, and the sum of the two under guidance_combination: sum."""
    from acgsim.api import change
    from acgsim.planner import rules
    from acgsim.reports.plan_rows import reason

    scenario = load(path("h29"))
    units = {(u.version, u.region): u for u in rules.baseline(scenario)}
    linux = units[("linuxGallery/web/1.0.0", "westeurope")]
    assert linux.replicas == 4 and "4 scale sets" in linux.reasons[0]
    east = units[("linuxGallery/web/1.0.0", "eastus")]
    assert east.replicas == 3 and "production" in east.reasons[0]
    summed = change(scenario, {"model.guidance_combination": "sum"})
    units = {(u.version, u.region): u for u in rules.baseline(summed)}
    linux = units[("linuxGallery/web/1.0.0", "westeurope")]
    assert linux.replicas == 7 and "= 7" in linux.reasons[0]
    result = plan(scenario, runs=2, workers=1)
    row = next(
        r
        for r in result.regions
        if r.version.startswith("linuxGallery") and r.region == "westeurope"
    )
    assert "4 scale sets" in reason(row) or "simulation" in reason(row)


def test_waves_at_or_after_the_horizon_buy_no_replicas():
    """h19 with its wave after the horizon grown to 400 VMs: the run never submits it, so the
    rules must not size replicas for it (they would be bought for nothing the plan checks)."""
    from acgsim.api import change
    from acgsim.planner import rules

    scenario = change(load(path("h19")), {"workload.vms[too-late].count": 400})
    units = {(u.version, u.region): u for u in rules.baseline(scenario)}
    served = units[("lateImages/app/1.0.0", "uksouth")]
    assert served.replicas == 1, served.reasons  # the 20 VMs at 1h, not 400 (nor the 20 at 2h)
