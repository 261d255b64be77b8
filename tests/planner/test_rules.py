"""The guidance rules: the seed's examples, scale sets, production, the limit, storage by region."""

from __future__ import annotations

import pytest

from acgsim.planner import rules

from ..helpers import build
from ..sim.engine_cases import one_region


@pytest.mark.parametrize(
    ("vms", "guidance", "replicas"),
    [
        (120, "seed", 6),
        (1000, "seed", 50),
        (500, "current", 10),
        (21, "seed", 2),
        (1, "seed", 1),
        (0, "seed", 1),
    ],
)
def test_vms_per_replica(vms, guidance, replicas):
    assert rules.replicas_for(vms, 0, False, guidance)[0] == replicas


def test_reasons_name_the_arithmetic_and_the_source():
    _, _, reasons, _ = rules.replicas_for(120, 0, False, "seed")
    assert reasons == ["120 VMs created at once / 20 per replica = 6 [seed guidance: SEED; ACG23]"]


def test_scale_sets_and_production():
    assert rules.replicas_for(40, 5, False, "seed")[0] == 5
    assert rules.replicas_for(10, 0, True, "seed")[0] == 3
    assert rules.replicas_for(100, 0, True, "seed")[0] == 5


def test_more_than_100_is_capped_with_remedies():
    count, _, _, warnings = rules.replicas_for(3000, 0, False, "seed")
    assert count == 100
    assert "at most 100" in warnings[0] and "stagger the waves" in warnings[0]


@pytest.mark.parametrize(
    ("region", "resilience", "premium", "storage", "warned"),
    [
        ("westeurope", False, False, "Standard_ZRS", False),
        ("westus", False, False, "Standard_LRS", False),
        ("westus", True, False, "Standard_LRS", True),
        ("eastus", True, True, "Premium_LRS", True),
        ("eastus", False, True, "Premium_LRS", False),
    ],
)
def test_storage_by_region_kind(region, resilience, premium, storage, warned):
    chosen, reasons, warnings = rules.storage_for(region, resilience, premium)
    assert chosen == storage and reasons and bool(warnings) is warned


def _demand(data):
    [(key, d)] = rules.demands(build(data)).items()
    return key, d


def test_a_burst_at_once_is_all_concurrent():
    key, d = _demand(one_region(count=120))
    assert key == ("gal/web/1.0.0", "westeurope") and d.peak_vms == 120


def test_spread_and_client_concurrency_lower_the_peak():
    # creation time T = 15 + 0.5 x 1 GB + 40 = 55.5 s; 120 VMs over 555 s: 12 at once
    assert _demand(one_region(count=120, spread="555s"))[1].peak_vms == 12
    assert _demand(one_region(count=120, concurrency=7))[1].peak_vms == 7


def test_overlapping_waves_add_up_and_separate_ones_do_not():
    data = one_region(count=50)
    data["workload"]["vms"].append(dict(data["workload"]["vms"][0], count=30))
    assert _demand(data)[1].peak_vms == 80
    data["workload"]["vms"][1]["at"] = "2h"
    assert _demand(data)[1].peak_vms == 50


def test_poisson_arrivals_by_littles_law():
    data = one_region()
    data["workload"] = {
        "arrivals": [
            {
                "at": "1h",
                "duration": "1h",
                "region": "westeurope",
                "subscription": "apps",
                "image": "gal/web/latest",
                "rate_per_min": 60,
            }
        ]
    }
    assert _demand(data)[1].peak_vms == 56  # 1/s x 55.5 s, rounded up


def test_scale_sets_created_together():
    data = one_region()
    data["workload"] = {
        "scale_sets": [
            {
                "at": "1h",
                "region": "westeurope",
                "subscription": "apps",
                "image": "gal/web/latest",
                "count": 4,
                "instances": 100,
            }
        ]
    }
    assert _demand(data)[1].peak_scale_sets == 4


def test_baseline_adds_a_region_the_workload_needs():
    data = one_region(count=40)
    data["workload"]["vms"].append(dict(data["workload"]["vms"][0], region="westus", count=30))
    units = {u.region: u for u in rules.baseline(build(data))}
    assert units["westus"].added and units["westus"].replicas == 2
    assert units["westus"].storage == "Standard_LRS" and units["westeurope"].replicas == 2
    assert "adds this target region" in units["westus"].reasons[0]
