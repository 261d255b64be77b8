"""Shared test set-up: hypothesis profiles and small scenario builders."""

from __future__ import annotations

import copy
import os

import pytest
from hypothesis import HealthCheck, settings

from .helpers import BASE

settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def base() -> dict:
    """A small valid scenario as plain data, a fresh copy for each test to change."""
    return copy.deepcopy(BASE)
