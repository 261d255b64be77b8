"""No useless replicas, and alternatives that are what simulating each storage type gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from acgsim.planner import search
from acgsim.planner.plan import apply_choices
from acgsim.sim.engine import simulate
from acgsim.sim.stats import Estimate

from ..helpers import build
from ..sim.engine_cases import one_region

bursts = st.fixed_dictionaries(
    {
        "count": st.integers(20, 200),
        "concurrency": st.integers(2, 20),
        "spread": st.sampled_from(["0s", "1m"]),
        "seed": st.integers(0, 2**16),
        "sets": st.integers(0, 2),
    }
)


def _burst(b: dict, objective: str):
    data = one_region(count=b["count"], at="20m", spread=b["spread"])
    if b["sets"]:
        data["workload"]["scale_sets"] = [
            {"name": "vmss", "at": "20m", "region": "westeurope", "subscription": "apps",
             "image": "gal/web/latest", "count": b["sets"], "instances": 100}
        ]  # fmt: skip
    data["seed"] = b["seed"]
    data["objectives"] = {"p95": objective}
    data["model"].update(
        replica_concurrency=b["concurrency"],
        disk={"dist": "lognormal", "base": "20s", "per_gb": "1s", "cv": 0.5},
        boot={"dist": "lognormal", "mean": "40s", "cv": 0.3},
    )
    return build(data)


@settings(max_examples=6, deadline=None)
@given(bursts)
def test_the_plan_never_holds_replicas_that_cannot_be_shown_to_help(b):
    """The law: when no count meets the objective (a 30 s p95 is shorter than any boot), the
    plan holds no more replicas than the smallest count tried whose p95 and failure-rate
    intervals overlap the best one's."""
    p = search.plan(_burst(b, "30s"), runs=3, workers=1)
    for r in p.regions:
        if r.meets_objectives is not False:
            continue
        best = min(r.candidates, key=lambda c: (c.failure_rate.mean, c.p95_s.mean, c.replicas))
        overlapping = [
            c.replicas
            for c in r.candidates
            if c.p95_s.overlaps(best.p95_s)
            and (c.failure_rate.mean == best.failure_rate.mean
                 or c.failure_rate.overlaps(best.failure_rate))
        ]  # fmt: skip
        assert r.replicas <= min(overlapping), (r.replicas, r.candidates)


def test_alternatives_are_what_simulating_each_storage_type_gives():
    scenario = _burst({"count": 60, "concurrency": 10, "spread": "0s", "seed": 3, "sets": 0}, "3m")
    p = search.plan(scenario, runs=3, workers=1, alternatives=True)
    storages = {a.storage for a in p.alternatives}
    assert storages == {"Standard_LRS", "Standard_ZRS", "Premium_LRS"}
    for a in p.alternatives:
        variant = apply_choices(scenario, {(a.version, a.region): (a.replicas, a.used_storage)})
        p95s = [simulate(variant, scenario.seed, i).regions[0].ttr_p95_s for i in range(3)]
        assert a.p95_s == Estimate.from_samples(p95s), a.storage


def test_a_zone_outage_is_simulated_not_assumed_from_the_storage_type():
    """20 VMs need one replica: LRS puts it in zone 1 and loses it; ZRS keeps it."""
    scenario = _burst({"count": 20, "concurrency": 20, "spread": "0s", "seed": 1, "sets": 0}, "5m")
    scenario.objectives.monthly_budget_usd = 0.01  # every alternative is over it
    p = search.plan(scenario, runs=2, workers=1, alternatives=True)
    by = {a.storage: a for a in p.alternatives}
    assert by["Standard_LRS"].replicas == 1 and by["Standard_LRS"].survives_zone_outage is False
    assert by["Standard_LRS"].zone_outage_failure_rate.mean > 0
    assert by["Standard_ZRS"].survives_zone_outage is True
    totals = {t.storage: t for t in p.alternative_totals}
    assert totals["Standard_LRS"].zone_outage_lost_in == ["westeurope"]
    assert not totals["Standard_LRS"].within_budget
    [cheapest] = [n for n in p.alternative_notes if n.startswith("cheapest")]
    assert "Standard_LRS" in cheapest and "westeurope" in cheapest and "over the budget" in cheapest


def test_premium_is_not_recommended_where_it_buys_nothing():
    """With Premium disks modelled as no faster and no more concurrent than Standard ones, the
    alternatives say Premium buys nothing; with the default model they name where it is faster."""
    b = {"count": 40, "concurrency": 20, "spread": "0s", "seed": 2, "sets": 0}
    same = _burst(b, "5m")
    same.model.storage.ssd.concurrency_factor = 1.0
    same.model.storage.ssd.disk_speedup = 1.0
    p = search.plan(same, runs=2, workers=1, alternatives=True)
    assert p.regions[0].storage != "Premium_LRS"
    assert any(n.startswith("Premium_LRS buys nothing here") for n in p.alternative_notes)
    fast = _burst(b, "5m")
    fast.model.replica_concurrency = None  # the guidance's 20, times 1.25 on Premium
    fast.model.disk.cv = fast.model.boot.cv = 0.0  # no noise: the 1.5x disk speed shows
    p = search.plan(fast, runs=2, workers=1, alternatives=True)
    [note] = [n for n in p.alternative_notes if n.startswith("Premium_LRS")]
    assert "shortens the p95 in westeurope" in note, note
