"""A scenario's optional `start`: the clock time at simulated time 0, written as ISO 8601 with a
UTC offset. It changes what plots show, never a figure; without it nothing changes at all."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from acgsim.sim.engine import simulate
from acgsim.sim.errors import ScenarioError
from acgsim.sim.loader import load_scenario
from acgsim.sim.results import RunResult

from ..helpers import SCENARIOS

QUICKSTART = (SCENARIOS / "quickstart.yaml").read_text(encoding="utf-8")


def _with_start(tmp_path, line: str, suffix: str = ".yaml"):
    path = tmp_path / f"timed{suffix}"
    path.write_text(QUICKSTART.replace("horizon: 4h\n", f"horizon: 4h\n{line}\n"), "utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("start: 2026-12-01T09:00:00Z", datetime(2026, 12, 1, 9, tzinfo=UTC)),
        (
            "start: '2026-12-01T09:00:00+01:00'  # Paris, in winter",
            datetime(2026, 12, 1, 9, tzinfo=timezone(timedelta(hours=1))),
        ),
        ('start: "2026-12-01 09:00Z"', datetime(2026, 12, 1, 9, tzinfo=UTC)),
        ("start: 2026-12-01t09:00:00.5-05:00", None),  # YAML's own timestamp form
    ],
)
def test_a_start_as_people_write_it(tmp_path, line, expected):
    scenario, _ = load_scenario(_with_start(tmp_path, line))
    assert scenario.start is not None and scenario.start.utcoffset() is not None
    if expected is not None:
        assert scenario.start == expected


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("start: 2026-12-01", "is a date without a time of day"),
        ("start: '2026-12-01T09:00:00'", "has no UTC offset: add Z (UTC) or one such as +01:00"),
        ("start: 9am", "is not an ISO 8601 date and time"),
        ("start: 1764579600", "is not a date and time"),
    ],
)
def test_a_start_without_a_zone_or_a_time_is_refused_naming_file_and_field(tmp_path, line, says):
    path = _with_start(tmp_path, line)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [line_shown] = caught.value.lines
    assert line_shown.startswith(f"{path}: start: ") and says in line_shown


def test_the_start_changes_no_figure_and_survives_result_json(tmp_path):
    plain, _ = load_scenario(SCENARIOS / "quickstart.yaml")
    timed, _ = load_scenario(_with_start(tmp_path, "start: 2026-12-01T09:00:00Z"))
    a, b = json.loads(simulate(plain).to_json()), json.loads(simulate(timed).to_json())
    assert "start" not in a  # a result.json as it was before scenarios had a start
    assert b.pop("start") == "2026-12-01T09:00:00Z"
    assert a.pop("scenario_sha256") != b.pop("scenario_sha256")  # a different scenario
    assert a == b
    back = RunResult.model_validate_json(simulate(timed).to_json())
    assert back.start == timed.start


def test_a_json_scenario_takes_a_start_string(tmp_path):
    plain, _ = load_scenario(SCENARIOS / "quickstart.yaml")
    data = plain.model_dump(mode="json") | {"start": "2026-06-01T07:45:00+02:00"}
    path = tmp_path / "timed.json"
    path.write_text(json.dumps(data), "utf-8")
    scenario, _ = load_scenario(path)
    assert scenario.start.isoformat() == "2026-06-01T07:45:00+02:00"


def test_a_start_whose_horizon_runs_past_year_9999_is_refused_before_any_plot(tmp_path):
    from typer.testing import CliRunner

    from acgsim.cli import app

    path = _with_start(tmp_path, 'start: "9999-12-31T23:59:59+14:00"')
    for command in (["run", str(path)], ["explain", str(path), "--vm", "1"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert f"{path}: start: " in result.stderr and "year 9999" in result.stderr
