"""Files the hostile tests edit: a plan and a result as acgsim writes them."""

from __future__ import annotations

import json

import pytest

from acgsim.planner.search import plan

from ..helpers import BASE, build


@pytest.fixture(scope="session")
def plan_data() -> dict:
    """A plan of the helpers' BASE scenario (gal/web/1.0.0 in westeurope and northeurope), as
    the JSON `acgsim plan` writes."""
    return json.loads(plan(build(BASE), runs=2).to_json())
