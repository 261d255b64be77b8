"""Helpers the tests share: validate plain data and collect the problems."""

from __future__ import annotations

import copy

from sim.errors import Problem, ScenarioError
from sim.loader import validate
from sim.scenario import Scenario


def problems(data: dict) -> list[Problem]:
    """Every problem (errors and warnings) for scenario data; empty when it is valid and clean."""
    try:
        _, warnings = validate(data, file="t.yaml")
    except ScenarioError as exc:
        return exc.problems
    return warnings


def errors(data: dict) -> list[Problem]:
    return [p for p in problems(data) if p.severity == "error"]


def build(data: dict, **model) -> Scenario:
    """A Scenario from plain data, with `model:` overrides given as keyword arguments."""
    data = copy.deepcopy(data)
    data.setdefault("model", {}).update(model)
    scenario, _ = validate(data, file="t.yaml")
    return scenario
