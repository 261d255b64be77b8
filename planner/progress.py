"""How much a plan will simulate, about, for its progress display (counts and an ETA)."""

from __future__ import annotations

from acgsim.planner import rules
from acgsim.planner.search import search_footprint
from acgsim.sim.scenario import Scenario


def expected_candidates(scenario: Scenario, runs: int, premium: bool, alternatives: bool) -> int:
    """The candidates (K runs each) the search is estimated to simulate, as its ceiling check
    estimates them: each group's chosen counts, a few steps per region with an objective, and
    the whole plan; four searches with --alternatives."""
    _, candidates = search_footprint(scenario, rules.baseline(scenario, premium), runs, 1)
    return candidates * (4 if alternatives else 1)
