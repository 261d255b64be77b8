"""Reading YAML and JSON within limits: JSON by the json module with real line numbers, YAML
aliases counted at each use, nesting and size bounded, every limit exact at its boundary."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from acgsim.sim import documents
from acgsim.sim.documents import MAX_DEPTH, MAX_YAML_BYTES, MAX_YAML_VALUES, read_document
from acgsim.sim.errors import ScenarioError
from acgsim.sim.loader import load_scenario

from ..helpers import BASE


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path) -> tuple[str, int | None]:
    with pytest.raises(ScenarioError) as info:
        read_document(path)
    [p] = info.value.problems
    assert p.file == str(path)
    return p.message, p.line


# --- JSON: the json module, real line numbers ---------------------------------------------------


@pytest.mark.parametrize("indent", [2, "\t"], ids=["spaces", "tabs"])
def test_json_problems_carry_the_line_of_the_field(tmp_path, indent):
    data = json.loads(json.dumps(BASE))
    data["galleries"][0]["images"][0]["versions"][0]["regions"][1]["replicas"] = 0
    data["workload"]["vms"][0]["count"] = -1
    text = json.dumps(data, indent=indent)
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, "s.json", text))
    lines = [line.strip() for line in text.splitlines()]
    where = {p.where: p.line for p in info.value.problems}
    assert where["workload.vms[0].count"] == lines.index('"count": -1') + 1
    region = "galleries[0].images[0].versions[0].regions[1].replicas"
    assert where[region] == lines.index('"replicas": 0') + 1


def test_json_in_a_yaml_file_is_read_as_json_with_its_lines(tmp_path):
    text = json.dumps(dict(BASE, seed=-5), indent=1)
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, "s.yaml", text))
    [p] = info.value.problems
    assert p.where == "seed" and p.line == text.splitlines().index(' "seed": -5') + 1


def test_yaml_in_flow_style_is_still_yaml(tmp_path):
    path = _write(tmp_path, "s.yaml", "{name: flow, tenants: [{name: t, subscriptions: []}]}")
    assert read_document(path)[0]["name"] == "flow"


def test_json_duplicate_keys_are_refused_on_their_line(tmp_path):
    text = '{\n  "name": "a",\n  "tenants": [],\n  "name": "b"\n}'
    message, line = _refusal(_write(tmp_path, "s.json", text))
    assert message == "invalid JSON: duplicate key 'name' (first on line 2)" and line == 4


def test_a_key_inside_a_string_is_not_a_duplicate(tmp_path):
    text = '{"a": "\\"a\\": 1, [{", "b": {"a": 1}, "c": [{"a": 1}, {"a": 2}]}'
    assert read_document(_write(tmp_path, "s.json", text))[0]["c"][1] == {"a": 2}


def test_a_problem_in_a_large_json_file_is_located_quickly(tmp_path):
    tenants = [{"name": f"t{i}", "subscriptions": [{"name": f"s{i}"}]} for i in range(30_000)]
    text = json.dumps(dict(BASE, tenants=tenants, seed=-1), indent=1)
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, "big.json", text))
    assert time.perf_counter() - start < 5  # the YAML composer took 15 s to find the line
    [p] = info.value.problems
    assert p.where == "seed" and p.line == text.splitlines().index(' "seed": -1') + 1


# --- nesting: exact at the boundary, for JSON and YAML ------------------------------------------


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_nesting_is_limited_exactly(tmp_path, suffix):
    def nested(levels: int) -> str:  # a mapping, then lists inside lists
        return '{"a":' + "[" * (levels - 1) + "]" * (levels - 1) + "}"

    assert read_document(_write(tmp_path, f"ok.{suffix}", nested(MAX_DEPTH)))[0]["a"] is not None
    message, line = _refusal(_write(tmp_path, f"deep.{suffix}", "\n" + nested(MAX_DEPTH + 1)))
    assert message == f"nests more than {MAX_DEPTH} levels deep; the limit is {MAX_DEPTH}"
    assert line == 2


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_very_deep_nesting_is_refused_not_a_recursion_error(tmp_path, suffix):
    message, _ = _refusal(_write(tmp_path, f"d.{suffix}", "[" * 100_000 + "]" * 100_000))
    assert f"nests more than {MAX_DEPTH} levels deep" in message


# --- YAML aliases: counted at each use ---------------------------------------------------------


def _laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_its_line_without_being_built(tmp_path):
    text = _laughs(10)
    assert len(text) < 600
    start = time.perf_counter()
    message, line = _refusal(_write(tmp_path, "bomb.yaml", text))
    assert time.perf_counter() - start < 1
    assert message.startswith(f"holds more than {MAX_YAML_VALUES:,} values with its aliases")
    assert "*a4 here stands for 66,430" in message and line == 6


def test_alias_expansion_is_limited_exactly(tmp_path):
    # a root list (1) holding an anchored list of 999 (1,000 values), then aliases and scalars
    def doc(extra: int) -> str:
        uses, rest = divmod(MAX_YAML_VALUES - 1 - 1000 + extra, 1000)
        items = ["&a [" + ",".join(["0"] * 999) + "]", *["*a"] * uses, *["0"] * rest]
        return "[" + ", ".join(items) + "]\n"

    assert len(read_document(_write(tmp_path, "ok.yaml", doc(0)))[0]) == 1 + 198 + 999
    message, _ = _refusal(_write(tmp_path, "over.yaml", doc(1)))
    assert f"more than {MAX_YAML_VALUES:,} values" in message


def test_merge_keys_count_like_aliases(tmp_path):
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(50)) + "}"]
    for i in range(1, 12):
        lines.append(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], own{i}: {i}}}")
    message, _ = _refusal(_write(tmp_path, "merge.yaml", "\n".join(lines)))
    assert "values with its aliases expanded" in message


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    message, line = _refusal(_write(tmp_path, "loop.yaml", "name: x\nloop: &a [1, *a]\n"))
    assert "alias *a is used inside the collection it names" in message and line == 2


def test_aliases_deepen_nesting(tmp_path):
    half = MAX_DEPTH // 2 + 1
    text = "a: &a " + "[" * half + "]" * half + "\nb: " + "[" * half + "*a" + "]" * half + "\n"
    message, line = _refusal(_write(tmp_path, "deep.yaml", text))
    assert "levels deep" in message and line == 2


def test_ordinary_aliases_and_merges_still_work(tmp_path):
    text = "base: &b {x: 1}\nuse: *b\nmerged: {<<: *b, y: 2}\n"
    data, _ = read_document(_write(tmp_path, "ok.yaml", text))
    assert data == {"base": {"x": 1}, "use": {"x": 1}, "merged": {"x": 1, "y": 2}}


# --- size --------------------------------------------------------------------------------------


def test_yaml_is_limited_in_bytes_json_is_not_held_to_it(tmp_path):
    padding = " " * MAX_YAML_BYTES
    message, _ = _refusal(_write(tmp_path, "big.yaml", "name: x\n" + padding + "\n"))
    assert message == (
        f"is 1.0 MB of YAML; the limit for YAML is {MAX_YAML_BYTES // 2**20} MB "
        f"(JSON may be up to {documents.MAX_BYTES // 2**20} MB)"
    )
    data, _ = read_document(_write(tmp_path, "big.json", '{"name": "x"}' + padding))
    assert data == {"name": "x"}
    assert read_document(_write(tmp_path, "ok.yaml", "name: x\n" + padding[: -len("name: x\n")]))


def test_a_file_past_the_byte_limit_is_not_read_in_full(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    message, _ = _refusal(_write(tmp_path, "s.json", "[" + "0," * 5000 + "0]"))
    assert message.startswith("is larger than") and "the limit" in message


def test_the_strict_loader_keeps_timestamps_and_refuses_duplicates(tmp_path):
    data, _ = read_document(_write(tmp_path, "s.yaml", "when: 2026-01-02\n"))
    assert str(data["when"]) == "2026-01-02"
    message, _ = _refusal(_write(tmp_path, "d.yaml", "a: 1\na: 2\n"))
    assert "duplicate key 'a'" in message
    assert yaml.safe_load("a: 1") == {"a": 1}  # the library's own loader is left alone
