"""Helpers the tests share: validate plain data and collect the problems."""

from __future__ import annotations

import copy
from pathlib import Path

from acgsim.sim.errors import Problem, ScenarioError
from acgsim.sim.loader import validate
from acgsim.sim.scenario import Scenario

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


def web_gallery(versions: list, name: str = "gal", subscription: str = "images") -> dict:
    """A gallery in westeurope with one Linux image, `web`, and these versions."""
    image = {
        "name": "web",
        "publisher": "p",
        "offer": "o",
        "sku": "s",
        "os_type": "Linux",
        "os_state": "Generalized",
        "versions": versions,
    }
    return {"name": name, "subscription": subscription, "region": "westeurope", "images": [image]}


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


DELETE = object()


def set_at(data: dict, path: tuple, value) -> None:
    """Set (or, with DELETE, remove) the value at a field path of plain data."""
    node = data
    for step in path[:-1]:
        node = node[step]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
