"""How much a plan will simulate, about, for its progress display (counts and an ETA)."""

from __future__ import annotations

from acgsim.planner import rules, sequential
from acgsim.planner.groups import interacting
from acgsim.planner.search import search_footprint
from acgsim.sim.scenario import Scenario

STAGED = 2
"""Candidates' worth of runs (K each) one region's search simulates, about, when candidates are
judged in stages: 1.0 in global-rollout and 1.2 in burst-scale-set-batches at K = 10 and 20."""


def expected_candidates(scenario: Scenario, runs: int, premium: bool, alternatives: bool) -> int:
    """The candidates (K runs each) the search is estimated to simulate: with few runs, as its
    ceiling check estimates them (each group's chosen counts, a few steps per region with an
    objective, and the whole plan); with staged candidates, STAGED per region with an objective
    and the whole plan. Four searches with --alternatives."""
    units = rules.baseline(scenario, premium)
    if runs < sequential.SEQUENTIAL_FROM:
        _, candidates = search_footprint(scenario, units, runs, 1)
    else:
        asked = sum(g.objectives[r].asked for g in interacting(scenario, units) for r in g.regions)
        candidates = 1 + STAGED * asked
    return candidates * (4 if alternatives else 1)
