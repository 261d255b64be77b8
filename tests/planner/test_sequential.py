"""Judging candidates on fewer runs: forecasts, stages, and plans that stay exact about K runs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acgsim.planner import search, sequential
from acgsim.planner.evaluate import Figures, Objective
from acgsim.sim.stats import Estimate, t975

from ..helpers import build
from ..sim.engine_cases import one_region

seconds = st.floats(30, 900, allow_nan=False)
runs_of = st.lists(seconds, min_size=6, max_size=30)


def _figures(p95: list[float | None], failure: list[float] | None = None) -> Figures:
    failure = failure if failure is not None else [0.0] * len(p95)
    return Figures(
        Estimate.from_samples([x for x in p95 if x is not None]),
        Estimate(None, None, 0) if None in p95 else Estimate.from_samples(p95),
        Estimate.from_samples(failure),
        100,
        {},
        0,
        None,
        1,
        list(p95),
        list(failure),
    )


@given(runs_of)
def test_with_every_run_known_the_forecast_is_the_rule(xs):
    upper, margin = sequential.forecast(xs, None, len(xs), sequential.t995)
    assert margin == 0.0
    assert math.isclose(upper, Estimate.from_samples(xs).upper, abs_tol=1e-3)  # it rounds


@given(runs_of, st.floats(60, 600))
def test_on_k_runs_the_verdict_is_the_acceptance_rule(xs, objective):
    goal = Objective(objective, 0.01)
    f = _figures(xs)
    assert sequential.verdict(goal, f, None, len(xs)) is goal.met(f)


@given(runs_of, st.data())
def test_a_clear_pass_passes_when_the_other_runs_are_as_forecast(xs, data):
    # the runs not simulated yet, predicted from the reference plus the mean paired difference:
    # if the verdict is a clear pass, the rule passes on those completed runs
    k = data.draw(st.integers(2, len(xs) - 1))
    ref = data.draw(st.lists(seconds, min_size=len(xs), max_size=len(xs)))
    shift = sum(x - r for x, r in zip(xs[:k], ref, strict=False)) / k
    completed = [*xs[:k], *(r + shift for r in ref[k:])]
    objective = data.draw(st.floats(30, 1000))
    goal = Objective(objective, None)
    early = sequential.verdict(goal, _figures(xs[:k]), _figures(ref), len(xs))
    if early is True:
        assert _upper(completed) <= objective


def _upper(xs: list[float]) -> float:
    """The rule's upper end, unrounded: mean + t975 x sd / sqrt(K)."""
    mean = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1))
    return mean + t975(len(xs) - 1) * sd / math.sqrt(len(xs))


@given(st.integers(2, 200))
def test_stages_grow_to_k(k):
    stages = sequential.stages(k)
    assert stages[-1] == k and stages == sorted(set(stages))
    assert stages[0] == (sequential.FIRST if k >= sequential.SEQUENTIAL_FROM else k)


def test_a_run_where_requests_never_ran_misses_at_once():
    goal = Objective(100.0, None)
    assert sequential.verdict(goal, _figures([50.0, None, 50.0]), None, 20) is False
    assert sequential.verdict(goal, _figures([50.0, 51.0, 50.5]), None, 20) is True
    assert sequential.verdict(goal, _figures([50.0, 90.0, 130.0]), None, 20) is None


def _known(objective: str) -> dict:
    # as in test_search: with r replicas the 20 VMs run in rounds of r; 71 s needs 10 replicas
    data = one_region(count=20, at="1000s")
    data["model"]["replica_concurrency"] = 1
    data["objectives"] = {"p95": objective}
    return data


def test_a_sequential_plan_finds_the_brute_force_answer_with_fewer_runs():
    p = search.plan(build(_known("71s")), runs=10)
    [r] = p.regions
    assert (r.replicas, r.meets_objectives) == (10, True)
    assert r.p95_s.n == 10  # the plan's figures: K full runs of the chosen count
    assert p.simulations < 10 * 10  # brute force: counts 1 to 10, 10 runs each
    assert any(c.p95_s.n < 10 for c in r.candidates)  # some were clear on fewer runs


def test_a_wrong_forecast_is_caught_by_the_whole_plans_runs(monkeypatch):
    # forecasts that pass every candidate early: the whole plan's K runs show the count kept
    # misses, and the search is repeated on K runs of its own
    real = sequential.verdict

    def hopeful(goal, f, ref, runs):
        return True if len(f.p95_runs) < runs else real(goal, f, ref, runs)

    monkeypatch.setattr(sequential, "verdict", hopeful)
    p = search.plan(build(_known("71s")), runs=10)
    [r] = p.regions
    assert (r.replicas, r.meets_objectives, r.p95_s.n) == (10, True, 10)
    assert p.infeasible == []


@pytest.mark.parametrize("runs", [2, 5])
def test_few_runs_are_all_simulated_for_every_candidate(runs):
    p = search.plan(build(_known("71s")), runs=runs)
    [r] = p.regions
    assert r.replicas == 10 and all(c.p95_s.n == runs for c in r.candidates)


@pytest.mark.parametrize("name", ["quickstart", "update-failed-region"])
def test_the_whole_plan_reuses_a_groups_runs_only_as_the_same_simulation(monkeypatch, name):
    # one group holds every wave and replication: without updates its runs are the whole
    # scenario's (subset None); with updates (which the planner's runs leave out, the whole
    # plan's included) both are the same part. Either way no run is simulated twice.
    from acgsim.planner import evaluate
    from acgsim.sim.loader import load

    from ..helpers import SCENARIOS

    scenario = load(SCENARIOS / f"{name}.yaml").with_options(objectives=["p95=10m"])
    calls: list[tuple[int, bool]] = []
    real = evaluate.simulate

    def counted(variant, seed, run, subset=None):
        calls.append((run, subset is None))
        return real(variant, seed, run, subset=subset)

    monkeypatch.setattr(evaluate, "simulate", counted)
    p = search.plan(scenario, runs=6)
    assert p.simulations == len(calls) == len(set(calls)) == 6
    assert all(whole == (not scenario.updates) for _, whole in calls)
