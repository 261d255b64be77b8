"""An outsider writes scenarios from the README's format tables: what they call required must
be required, and what they give a default must be optional (held-out scenarios were refused
for leaving out `os_state`, which the README said defaults to Generalized)."""

from __future__ import annotations

import json
import re

from acgsim.sim.scenario import Scenario

from ..helpers import ROOT

TABLES = {  # the README's table (by the heading or line above it) -> the schema's definition
    "### Top level": None,
    "### galleries": "Gallery",
    "Image definitions (`images:`):": "ImageDefinition",
    "Image versions (`versions:`):": "ImageVersion",
}


def _rows(title: str) -> list[tuple[list[str], str]]:
    text = (ROOT / "README.md").read_text()
    body = text[text.index(title) :].split("\n\n", 2)[1]
    rows = []
    for line in body.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((re.findall(r"`([a-z_]+)`", cells[0]), cells[1]))
    return rows


def test_the_format_tables_say_which_fields_are_required():
    schema = json.loads(json.dumps(Scenario.model_json_schema()))
    wrong = []
    for title, definition in TABLES.items():
        node = schema if definition is None else schema["$defs"][definition]
        required = set(node.get("required", []))
        for fields, default in _rows(title):
            for field in fields:
                assert field in node["properties"], (title, field)
                if (default == "required") != (field in required):
                    wrong.append(f"{title} {field}: README says {default!r}")
    assert wrong == []
