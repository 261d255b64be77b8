"""Replica selection: a policy class for each scenario option; each picks a replica that is up."""

from __future__ import annotations

import typing

import numpy as np

from acgsim.sim.params import ModelParams
from acgsim.sim.replicas import SELECTIONS, LeastLoaded, RandomChoice, Replica, RoundRobin


def _replicas(n: int, down: tuple[int, ...] = ()) -> list[Replica]:
    replicas = [Replica(i, 0) for i in range(n)]
    for i in down:
        replicas[i].up = False
    return replicas


def test_every_scenario_option_has_a_policy_class():
    options = typing.get_args(ModelParams.model_fields["replica_selection"].annotation)
    assert sorted(SELECTIONS) == sorted(options)
    assert [c.late_binding for c in (LeastLoaded, RoundRobin, RandomChoice)] == [True, False, False]


def test_round_robin_takes_turns_and_skips_replicas_that_are_down():
    policy, replicas = RoundRobin(np.random.default_rng(0)), _replicas(3, down=(1,))
    assert [policy.pick(replicas).index for _ in range(4)] == [0, 2, 0, 2]
    assert policy.pick(_replicas(2, down=(0, 1))) is None


def test_random_and_least_loaded_pick_only_replicas_that_are_up():
    replicas = _replicas(4, down=(0, 3))
    policy = RandomChoice(np.random.default_rng(1))
    assert {policy.pick(replicas).index for _ in range(50)} == {1, 2}
    replicas[1].busy, replicas[2].sets = 2, 1
    least = LeastLoaded(np.random.default_rng(0))
    assert least.pick(replicas).index == 2
    assert least.pick_for_scale_set(replicas).index == 1  # fewest scale sets first
    assert least.pick(_replicas(1, down=(0,))) is None
