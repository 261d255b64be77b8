"""Every held-out scenario runs on both engines, gives the same bytes on both (where the fast
path takes the run) and coherent figures: counts add up, regions and waves make the whole,
percentiles are ordered, each traced request's parts sum to its time to running."""

from __future__ import annotations

import json

import pytest

from acgsim.api import load
from acgsim.sim import engine

from . import invariants
from .scenarios_index import ALL, IDS


@pytest.mark.parametrize("source", ALL, ids=IDS)
def test_both_engines_agree_and_the_figures_add_up(source):
    scenario = load(source)
    simpy = engine.simulate(scenario, trace=True, engine="simpy")
    auto = engine.simulate(scenario, trace=True)
    a, s = json.loads(auto.to_json()), json.loads(simpy.to_json())
    assert invariants.run_result(s) == []
    assert a.pop("engine")["name"] in ("fast", "simpy")
    s.pop("engine")
    assert a == s  # the fast path is exact, and a run it refuses is the SimPy run itself
    assert s["overall"]["requests"] > 0


def test_the_checks_can_fail():
    """The invariants catch what they claim to: a broken copy of a real result is flagged."""
    result = json.loads(engine.simulate(load(ALL[0]), trace=True).to_json())
    broken = json.loads(json.dumps(result))
    broken["overall"]["failed"] += 1
    broken["regions"][0]["ttr_p50_s"] = broken["regions"][0]["ttr_max_s"] + 1
    broken["records"][0]["boot"] += 5
    problems = invariants.run_result(broken)
    assert any("requests" in p for p in problems)
    assert any("percentiles out of order" in p for p in problems)
    assert any("parts" in p for p in problems)
