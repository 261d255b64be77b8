"""Plans of held-out scenarios: every figure a user acts on says why, and the verdict (met,
missed and which limit binds) agrees with the plan's own verified figures."""

from __future__ import annotations

import json

import pytest

from acgsim.api import load, plan

from . import invariants
from .scenarios_index import path

CHEAP = ["h01", "h05", "h08", "h12", "h14", "h16", "h20", "h23", "h24", "h25", "h30"]


@pytest.mark.parametrize("prefix", CHEAP)
def test_a_plan_is_coherent_and_says_why(prefix):
    result = plan(load(path(prefix)), runs=2, workers=1)
    assert invariants.plan(json.loads(result.to_json())) == []
