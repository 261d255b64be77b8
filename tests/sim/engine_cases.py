"""Scenario data for engine tests: one gallery in westeurope, deterministic model settings."""

from __future__ import annotations

import copy

from ..helpers import web_gallery

DETERMINISTIC = {
    "disk": {"dist": "fixed", "base": "15s", "per_gb": "0.5s"},
    "boot": {"dist": "fixed", "mean": "40s"},
    "replication": {"jitter_cv": 0},
}


def one_region(
    count: int = 2,
    replicas: int = 1,
    at: str = "1000s",
    storage: str = "Standard_LRS",
    size_gb: float = 1,
    **wave,
) -> dict:
    """A VM wave in westeurope against a version replicated there (the gallery's own region)."""
    return copy.deepcopy(
        {
            "name": "engine-test",
            "horizon": "6h",
            "tenants": [
                {"name": "contoso", "subscriptions": [{"name": "images"}, {"name": "apps"}]},
                {"name": "fabrikam", "subscriptions": [{"name": "partner"}]},
            ],
            "galleries": [
                web_gallery(
                    [
                        {
                            "name": "1.0.0",
                            "size_gb": size_gb,
                            "replicas": replicas,
                            "storage": storage,
                            "regions": ["westeurope"],
                        }
                    ]
                )
            ],
            "access": [{"subscription": "apps", "scope": "gal"}],
            "workload": {
                "vms": [
                    {
                        "at": at,
                        "region": "westeurope",
                        "subscription": "apps",
                        "image": "gal/web/latest",
                        "count": count,
                        **wave,
                    }
                ]
            },
            "model": copy.deepcopy(DETERMINISTIC),
        }
    )
