"""Helpers the tests share: validate plain data and collect the problems."""

from __future__ import annotations

from sim.errors import Problem, ScenarioError
from sim.loader import validate


def problems(data: dict) -> list[Problem]:
    """Every problem (errors and warnings) for scenario data; empty when it is valid and clean."""
    try:
        _, warnings = validate(data, file="t.yaml")
    except ScenarioError as exc:
        return exc.problems
    return warnings


def errors(data: dict) -> list[Problem]:
    return [p for p in problems(data) if p.severity == "error"]
