"""The README stays true: its first commands, and a reference entry for every scenario field."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from acgsim.sim.scenario import Scenario

from .helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fields(model: type[BaseModel], seen: set) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                names |= _fields(tp, seen)
            stack.extend(typing.get_args(tp))
    return names


def test_readme_opens_with_the_two_commands():
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0].startswith("pip install -e . && acgsim ")
    assert block[1] == "pip install -e '.[test]' && pytest"


def test_every_scenario_field_is_documented():
    reference = README.split("## Scenario format", 1)[1].split("## What validation refuses", 1)[0]
    missing = sorted(f for f in _fields(Scenario, set()) if f"`{f}`" not in reference)
    assert missing == []
