"""The plan's verification assembled from its groups' runs: a law (the figures are the whole run's,
byte for byte, whenever planner.separable gives them) and the cases where it must not."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from acgsim.planner import rules, search, separable
from acgsim.planner.evaluate import Evaluator
from acgsim.planner.groups import interacting, whole
from acgsim.sim.loader import load

from ..helpers import build, web_gallery

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ["westeurope", "northeurope", "eastus", "uksouth", "japaneast"]
SUBSCRIPTIONS = ["apps", "ops", "data", "web", "batch"]


def _parts(scenario, extra: dict[str, int]):
    """The whole plan and each group with the rules' counts plus `extra` replicas by region."""
    units = rules.baseline(scenario)
    n = {(u.version, u.region): min(100, u.replicas + extra.get(u.region, 0)) for u in units}
    all_of = whole(units)
    parts = [
        (g, tuple(n[(u.version, u.region)] for u in g.units)) for g in interacting(scenario, units)
    ]
    return all_of, tuple(n[(u.version, u.region)] for u in all_of.units), parts


@st.composite
def plans(draw) -> dict:
    """Multi-region scenarios as people plan them: a version in several regions, each deploying
    from its own subscription or sharing one, VM bursts and spreads, arrivals and scale sets,
    sometimes before replication is done, sometimes an outage or an update (which the planner
    leaves out of every run). `clean`: nothing one region does can reach another (the assembled
    verification must be given)."""
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=2, max_size=4, unique=True))
    own = draw(st.booleans())
    subs = {
        r: SUBSCRIPTIONS[i] if own else draw(st.sampled_from(SUBSCRIPTIONS[:2]))
        for i, r in enumerate(regions)
    }
    throttling = draw(st.booleans())
    late = draw(st.sampled_from([True, True, True, False]))  # every wave after replication
    waves: dict = {"vms": [], "arrivals": [], "scale_sets": []}
    for region in regions:
        for _ in range(draw(st.integers(1, 2))):
            wave = {
                "region": region,
                "subscription": subs[region],
                "image": draw(st.sampled_from(["gal/web/latest", "gal/web/1.0.0"])),
                "at": draw(
                    st.sampled_from(["9h", "9h", "9h 30s"] if late else ["2m", "20m", "3h"])
                ),
                "client": draw(st.sampled_from(["azure-cli", "python-sdk", "arm-template"])),
            }
            kind = draw(st.sampled_from(["vms", "vms", "arrivals", "scale_sets"]))
            if kind == "vms":
                wave["count"] = draw(st.sampled_from([1, 40, 400, 1500]))
                wave["spread"] = draw(st.sampled_from(["0s", "30s", "2m"]))
            elif kind == "scale_sets":
                wave["count"] = draw(st.integers(1, 3))
                wave["instances"] = draw(st.integers(1, 60))
            else:
                wave["rate_per_min"] = draw(st.sampled_from([2, 30, 120]))
                wave["duration"] = draw(st.sampled_from(["10m", "30m"]))
            waves[kind].append(wave)
    versions = [
        {
            "name": "1.0.0",
            "size_gb": draw(st.sampled_from([5, 30, 120])),
            "replicas": draw(st.integers(1, 3)),
            "regions": list(dict.fromkeys(["westeurope", *regions])),
        }
    ]
    if draw(st.booleans()):
        versions.insert(
            0, {"name": "0.9.0", "size_gb": 5, "replicas": 1, "regions": ["westeurope"]}
        )
    faults, updates = [], []
    trouble = draw(st.sampled_from([None] * 8 + ["outage", "update"]))
    if trouble == "outage":
        faults.append(
            {"kind": "zone_outage", "region": regions[-1], "zone": 1, "at": "9h", "duration": "1h"}
        )
    elif trouble == "update":
        updates.append(
            {
                "at": "9h 10m",
                "version": "gal/web/1.0.0",
                "replicas": [{"region": regions[0], "replicas": 4}],
            }
        )
    scenario = {
        "name": "separable-law",
        "seed": draw(st.integers(0, 2**32)),
        "horizon": "12h",
        "guidance": "seed",
        "tenants": [
            {"name": "contoso", "subscriptions": [{"name": n} for n in ["images", *SUBSCRIPTIONS]]}
        ],
        "galleries": [web_gallery(versions)],
        "access": [{"tenant": "contoso", "scope": "gal"}],
        "workload": waves,
        "faults": faults,
        "updates": updates,
        "objectives": {"p95": "5m"},
        "model": {
            "replica_concurrency": draw(st.integers(2, 20)),
            "throttling": throttling,
            "arm_principals": draw(st.integers(1, 4)),
        },
    }
    extra = {r: draw(st.integers(0, 6)) for r in regions}
    shared = throttling and len(set(subs.values())) < len(regions)
    clean = late and versions[-1]["size_gb"] < 100 and trouble != "outage" and not shared
    return {"scenario": scenario, "extra": extra, "clean": clean}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=plans())
def test_law_assembled_figures_are_the_whole_plans_runs(case):
    scenario = build(case["scenario"])
    all_of, counts, parts = _parts(scenario, case["extra"])
    ev = Evaluator(scenario, 2, scenario.seed, None)
    figures, why = separable.assembled(ev, all_of, counts, parts)
    event("assembled" if figures is not None else f"refused: {why.split(':')[0]}")
    if case["clean"]:
        assert figures is not None, why
    if figures is not None:
        direct = Evaluator(scenario, 2, scenario.seed, None).group(all_of, counts)
        assert figures == direct


BUNDLED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("name", BUNDLED)
def test_law_on_every_bundled_scenario(name):
    scenario = load(ROOT / "scenarios" / f"{name}.yaml")
    units = rules.baseline(scenario)
    if whole(units) is None:  # no wave deploys a planned version: nothing to verify
        assert search.plan(scenario, runs=2).verification.startswith("nothing simulated")
        return
    all_of, counts, parts = _parts(scenario, {})
    figures, _ = separable.assembled(
        Evaluator(scenario, 2, scenario.seed, None), all_of, counts, parts
    )
    if figures is not None:
        assert figures == Evaluator(scenario, 2, scenario.seed, None).group(all_of, counts)


def test_global_rollout_is_assembled_and_its_plan_is_the_same():
    """Twelve regions, each from its own subscription: the plan's verification is the groups'
    runs, and the plan is the one the whole plan's own runs give (less simulated)."""
    scenario = load(ROOT / "scenarios" / "global-rollout.yaml")
    assembled = search.plan(scenario, runs=4)
    assert "planner.separable" in assembled.verification

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(separable, "assembled", lambda *a: (None, "turned off"))
        simulated = search.plan(scenario, runs=4)
    assert simulated.verification == "4 runs of the whole plan, simulated as one (turned off)"
    assert simulated.simulated_requests > assembled.simulated_requests
    same = {"simulations", "simulated_requests", "verification"}
    assert assembled.model_dump(exclude=same) == simulated.model_dump(exclude=same)


def _two_regions(**model) -> dict:
    return {
        "name": "two",
        "horizon": "6h",
        "tenants": [
            {"name": "t", "subscriptions": [{"name": "images"}, {"name": "a"}, {"name": "b"}]}
        ],
        "galleries": [
            web_gallery(
                [
                    {
                        "name": "1.0.0",
                        "size_gb": 30,
                        "replicas": 2,
                        "regions": ["westeurope", "eastus"],
                    }
                ]
            )
        ],
        "access": [{"tenant": "t", "scope": "gal"}],
        "workload": {
            "vms": [
                {
                    "at": "3h",
                    "region": "westeurope",
                    "subscription": "a",
                    "image": "gal/web/latest",
                    "count": 100,
                },
                {
                    "at": "3h",
                    "region": "eastus",
                    "subscription": "b",
                    "image": "gal/web/latest",
                    "count": 100,
                },
            ]
        },
        "objectives": {"p95": "5m"},
        "model": model,
    }


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: None, None),
        (
            lambda d: [w.update(at="5m") for w in d["workload"]["vms"]],
            "replication is not done and propagated by the first wave at 300 s: gal/web/1.0.0 in "
            "eastus",
        ),
        (
            lambda d: [w.update(at="30s") for w in d["workload"]["vms"]],
            "the first wave starts at 30 s, before any replication can be done and propagated "
            "(60 s)",
        ),
        (
            lambda d: d.update(
                faults=[{"kind": "region_outage", "region": "eastus", "at": "4h", "duration": "1h"}]
            ),
            "zone or region outages",
        ),
    ],
)
def test_assembled_only_where_nothing_is_shared(change, why):
    data = _two_regions()
    change(data)
    scenario = build(data)
    all_of, counts, parts = _parts(scenario, {})
    assert len(parts) == 2
    figures, reason = separable.assembled(Evaluator(scenario, 2, 1, None), all_of, counts, parts)
    if why is None:
        assert figures is not None
        assert reason.startswith("2 runs of the whole plan, each region's part its group's run")
        assert "(2 groups, no subscription in two of them, " in reason
    else:
        assert figures is None and reason.startswith(why)


def test_a_shared_subscription_shares_buckets_only_with_throttling_on():
    data = _two_regions(throttling=False)
    data["workload"]["vms"][1]["subscription"] = "a"
    scenario = build(data)
    all_of, counts, parts = _parts(scenario, {})
    assert len(parts) == 2  # apart: no bucket to share
    figures, reason = separable.assembled(Evaluator(scenario, 2, 1, None), all_of, counts, parts)
    assert "(2 groups, no bucket (throttling off), " in reason
    assert figures == Evaluator(scenario, 2, 1, None).group(all_of, counts)
    # with throttling on, the search puts them in one group; these two groups would be refused
    scenario.model.throttling = True
    assert separable.static_reason(scenario, all_of, [g for g, _ in parts]) == (
        "subscription a deploys waves of two groups (shared buckets)"
    )
    assert len(interacting(scenario, rules.baseline(scenario))) == 1


def test_interleaved_bursts_through_several_principals_are_the_whole_runs():
    """Two subscriptions' bursts spread over the same 30 s, opened in turn, through 2 ARM
    principals each whose buckets bind: each subscription's principals are its own, so each
    region's figures in the whole run are its group's (they were not when a request's principal
    followed its number in the whole run)."""
    data = _two_regions(arm_principals=2)
    data["horizon"] = "8h"
    for w in data["workload"]["vms"]:
        w.update(count=1500, spread="30s", at="5h")
    scenario = build(data)
    all_of, counts, parts = _parts(scenario, {})
    figures, reason = separable.assembled(Evaluator(scenario, 2, 1, None), all_of, counts, parts)
    assert figures is not None and figures["eastus"].throttled > 1000, reason
    assert figures == Evaluator(scenario, 2, 1, None).group(all_of, counts)


def test_the_groups_counts_must_be_the_whole_plans():
    scenario = build(_two_regions())
    all_of, counts, parts = _parts(scenario, {})
    wrong = [(g, tuple(n + 1 for n in c)) for g, c in parts]
    with pytest.raises(ValueError, match="the groups' counts are not the whole plan's"):
        separable.assembled(Evaluator(scenario, 2, 1, None), all_of, counts, wrong)


def test_updates_are_left_out_of_every_planned_run_and_the_plan_says_so():
    data = _two_regions()
    data["updates"] = [{"at": "4h", "version": "gal/web/1.0.0", "add_regions": ["uksouth"]}]
    p = search.plan(build(data), runs=2)
    assert "planner.separable" in p.verification
    assert (
        "the scenario's 1 update(s) are left out: the plan sizes the versions as published, "
        "and its figures are without them" in p.warnings
    )
