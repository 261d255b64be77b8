"""Hostile text in a scenario: control characters are refused with the field named, and nothing
acgsim prints carries one to the terminal."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.sim.characters import printable
from acgsim.sim.errors import InputError, Problem, ScenarioError
from acgsim.sim.loader import validate

from ..helpers import BASE, set_at

CONTROL = st.sampled_from([*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0))]).filter(
    lambda c: c not in "\t\n"
)
FIELDS = [
    ("description",),
    ("galleries", 0, "description"),
    ("galleries", 0, "images", 0, "description"),
    ("tenants", 0, "name"),
    ("galleries", 0, "images", 0, "versions", 0, "regions", 0),
]


@given(
    field=st.sampled_from(FIELDS),
    before=st.text(max_size=10),
    char=CONTROL,
    after=st.text(max_size=10),
)
def test_a_control_character_anywhere_is_refused_with_its_field(field, before, char, after):
    data = copy.deepcopy(BASE)
    set_at(data, field, before + char + after)
    try:
        validate(data, file="t.yaml")
    except ScenarioError as exc:
        wheres = [p.path for p in exc.problems if "control character" in p.message]
        assert tuple(map(str, field)) in [tuple(map(str, w)) for w in wheres]
    else:
        raise AssertionError("a control character was accepted")


@given(st.text())
def test_printed_text_has_no_control_characters(text):
    shown = str(Problem(("description",), text, file="f.yaml"))
    assert all(c in "\t\n" or not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) for c in shown)
    assert all(c in "\t\n" or c.isprintable() or ord(c) >= 0xA0 for c in printable(text))
    assert "\x1b" not in " ".join(InputError(text).lines)


def test_the_cli_never_echoes_an_escape_sequence(tmp_path):
    data = copy.deepcopy(BASE)
    data["description"] = "\x1b[2J\x1b[31mred"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "description: holds the control character \\x1b" in result.output
    assert "\x1b" not in result.output


def test_a_lone_surrogate_is_refused_and_never_printed_raw(tmp_path):
    data = copy.deepcopy(BASE)
    data["galleries"][0]["description"] = "half a pair: \udc80"  # JSON's "\udc80" reads as one
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(app, ["export", str(path), "--format", "terraform"])
    assert result.exit_code == 2
    assert (
        "galleries[0].description: holds \\udc80, half of a UTF-16 surrogate pair" in result.output
    )
    assert printable("a\ud800b") == "a\\ud800b"


@pytest.mark.parametrize(
    "field",
    [
        ("galleries", 0, "description"),
        ("galleries", 0, "images", 0, "description"),
        ("galleries", 0, "sharing", "eula"),
    ],
)
def test_text_az_would_read_as_a_file_is_refused(field):
    data = copy.deepcopy(BASE)
    if field[2] == "sharing":
        data["galleries"][0]["sharing"] = {"mode": "community"}
    set_at(data, field, "@~/.ssh/id_rsa")  # az would send the key as the description
    with pytest.raises(ScenarioError) as info:
        validate(data, file="t.yaml")
    [p] = info.value.problems
    assert p.path == field and "starts with '@'" in p.message
    for fine in ("@", "mail images@contoso.example", " @team"):
        set_at(data, field, fine)
        validate(data, file="t.yaml")
