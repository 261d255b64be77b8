"""Shared test set-up: hypothesis profiles and small scenario builders."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

BASE: dict = {
    "name": "base",
    "tenants": [
        {"name": "contoso", "subscriptions": [{"name": "images"}, {"name": "apps"}]},
        {"name": "fabrikam", "subscriptions": [{"name": "partner"}]},
    ],
    "galleries": [
        {
            "name": "gal",
            "subscription": "images",
            "region": "westeurope",
            "images": [
                {
                    "name": "web",
                    "publisher": "contoso",
                    "offer": "web",
                    "sku": "ubuntu",
                    "os_type": "Linux",
                    "os_state": "Generalized",
                    "versions": [
                        {
                            "name": "1.0.0",
                            "size_gb": 10,
                            "regions": ["westeurope", {"region": "northeurope", "replicas": 2}],
                        }
                    ],
                }
            ],
        }
    ],
    "access": [{"subscription": "apps", "scope": "gal"}],
    "workload": {
        "vms": [
            {"region": "westeurope", "subscription": "apps", "image": "gal/web/latest", "count": 10}
        ]
    },
}


@pytest.fixture
def base() -> dict:
    """A small valid scenario as plain data, a fresh copy for each test to change."""
    return copy.deepcopy(BASE)
