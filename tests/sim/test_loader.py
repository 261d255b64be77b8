"""Reading files: every way a file can be bad gives located problems, never a crash."""

from __future__ import annotations

import json

import pytest
import yaml

from acgsim.sim.errors import ScenarioError
from acgsim.sim.loader import dump_yaml, load_scenario

from ..helpers import BASE, SCENARIOS


def _write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _problems(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    path = _write(tmp_path, "s.yaml", "name: x\ntenants:\n  - name: [unclosed\n")
    [p] = _problems(path)
    assert "invalid YAML" in p.message and "line 4" in p.message and "column" in p.message
    assert str(p).startswith(f"{path}: (top level): invalid YAML")


def test_duplicate_keys_are_refused_not_dropped(tmp_path):
    path = _write(tmp_path, "s.yaml", "name: a\nseed: 1\nseed: 2\n")
    [p] = _problems(path)
    assert "duplicate key 'seed' (the same key as 'seed' on line 2)" in p.message
    assert "line 3" in p.message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "is empty"),
        ("- a\n- b\n", "must be a mapping"),
        ("just text", "must be a mapping"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_not_a_scenario(tmp_path, content, fragment):
    [p] = _problems(_write(tmp_path, "s.yaml", content))
    assert fragment in p.message


def test_missing_file_and_folder(tmp_path):
    [p] = _problems(tmp_path / "nope.yaml")
    assert p.message == "no such file" and p.file.endswith("nope.yaml")
    [p] = _problems(tmp_path)
    assert "folder" in p.message


def test_json_errors_have_line_and_column(tmp_path):
    [p] = _problems(_write(tmp_path, "s.json", '{"name": "x",\n "tenants": [}'))
    assert "invalid JSON" in p.message and "line 2" in p.message


def test_json_scenario_loads(tmp_path):
    scenario, _ = load_scenario(_write(tmp_path, "s.json", json.dumps(BASE)))
    assert scenario.galleries[0].name == "gal"


def test_problems_carry_yaml_line_numbers(tmp_path):
    text = (SCENARIOS / "quickstart.yaml").read_text().replace("count: 40", "count: -4")
    path = _write(tmp_path, "q.yaml", text)
    [p] = _problems(path)
    line = text.splitlines().index("      count: -4") + 1
    assert p.where == "workload.vms[0].count" and p.line == line
    assert str(p).endswith(f"(line {line})")


def test_fault_union_tags_are_hidden_from_paths(tmp_path):
    data = dict(
        BASE,
        faults=[
            {
                "kind": "region_outage",
                "region": "westeurope",
                "at": "1h",
                "duration": "1h",
                "zone": 2,
            }
        ],
    )
    [p] = _problems(_write(tmp_path, "s.yaml", yaml.safe_dump(data)))
    assert p.where == "faults[0].zone" and "Allowed here: at, duration, kind, region" in p.message


def test_dump_then_load_gives_the_same_scenario(tmp_path):
    scenario, _ = load_scenario(SCENARIOS / "quickstart.yaml")
    again, _ = load_scenario(_write(tmp_path, "q.yaml", dump_yaml(scenario)))
    assert again == scenario


def test_yaml_merge_keys_work(tmp_path):
    text = (SCENARIOS / "quickstart.yaml").read_text() + (
        "faults:\n"
        "  - &outage {kind: zone_outage, region: westeurope, zone: 1, at: 5h, duration: 1h}\n"
        "  - <<: *outage\n    zone: 2\n"
    )
    scenario, _ = load_scenario(_write(tmp_path, "m.yaml", text))
    assert [f.zone for f in scenario.faults] == [1, 2]


def test_keys_python_would_collapse_are_duplicates(tmp_path):
    [p] = _problems(_write(tmp_path, "s.yaml", "name: a\n1: x\ntrue: y\n"))
    assert "duplicate key 'true' (the same key as '1' on line 2)" in p.message


def test_non_string_keys_show_as_fields(tmp_path):
    problems = _problems(_write(tmp_path, "s.yaml", "name: a\n1: x\nnull: y\n"))
    assert {"1", "None"} <= {p.where for p in problems}


def test_json_duplicate_keys_are_refused(tmp_path):
    [p] = _problems(_write(tmp_path, "s.json", '{"name": "a", "name": "b"}'))
    assert "duplicate key 'name'" in p.message


def test_json_file_holding_yaml_gets_a_hint(tmp_path):
    [p] = _problems(_write(tmp_path, "s.json", "name: a\ntenants: []\n"))
    assert "looks like YAML" in p.message


def test_a_bad_date_says_where(tmp_path):
    [p] = _problems(_write(tmp_path, "s.yaml", "name: a\ndescription: 2026-13-45\n"))
    assert "'2026-13-45' is not a date" in p.message and "line 2" in p.message


def test_pipes_are_refused(tmp_path):
    import os

    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    [p] = _problems(fifo)
    assert "not a regular file" in p.message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("horizon", ".nan"),
        ("horizon", "0s"),
        ("horizon", ".inf"),
    ],
)
def test_non_finite_and_zero_values_are_refused(tmp_path, field, value):
    text = (SCENARIOS / "quickstart.yaml").read_text().replace("horizon: 4h", f"{field}: {value}")
    assert any(p.where == field for p in _problems(_write(tmp_path, "s.yaml", text)))


def test_infinite_rates_and_prices_are_refused(tmp_path):
    data = dict(BASE, prices={"storage_per_gb_month": {"Standard_LRS": float("inf")}})
    data["workload"] = {
        "arrivals": [
            {
                "region": "westeurope",
                "subscription": "apps",
                "image": "gal/web/latest",
                "rate_per_min": float("inf"),
                "duration": "1h",
            }
        ]
    }
    paths = {p.where for p in _problems(_write(tmp_path, "s.yaml", yaml.safe_dump(data)))}
    assert paths == {
        "prices.storage_per_gb_month.Standard_LRS",
        "workload.arrivals[0].rate_per_min",
    }
