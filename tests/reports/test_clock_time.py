"""A scenario with a start tells its stories in times of day: `acgsim explain` reads 09:45:12.0,
not 0:45:12.0; without a start the clock counts from the run's beginning."""

from __future__ import annotations

from datetime import datetime

from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.reports.narrate import wall_clock

from ..helpers import SCENARIOS

runner = CliRunner()


def test_explain_tells_the_story_in_times_of_day(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    text = (SCENARIOS / "quickstart.yaml").read_text(encoding="utf-8")
    timed = tmp_path / "monday.yaml"
    timed.write_text(text.replace("horizon: 4h\n", "horizon: 4h\nstart: 2026-12-07T08:30:00Z\n"))
    plain = runner.invoke(app, ["explain", "quickstart", "--vm", "1"])
    shown = runner.invoke(app, ["explain", str(timed), "--vm", "1"])
    assert plain.exit_code == shown.exit_code == 0, shown.output
    assert "it starts 2026-12-07T08:30:00+00:00" in " ".join(shown.stdout.split())
    # the same story, each time 08:30 later: the first wave is asked for 45 minutes in
    first = [line.split()[0] for line in plain.stdout.splitlines() if line[:1].isdigit()]
    later = [line.split()[0] for line in shown.stdout.splitlines() if line[:1].isdigit()]
    assert first[0] == "0:45:00.0" and later[0] == "09:15:00.0"
    assert len(first) == len(later)
    for a, b in zip(first, later, strict=True):
        h, m, s = a.split(":")
        hh, mm, ss = b.split(":")
        assert (int(hh) * 60 + int(mm)) - (int(h) * 60 + int(m)) == 8 * 60 + 30 and s == ss


def test_wall_clock_dates_a_later_day():
    start = datetime.fromisoformat("2026-12-31T23:59:00-08:00")
    assert wall_clock(start, 0) == "23:59:00.0"
    assert wall_clock(start, 59.94) == "23:59:59.9"
    assert wall_clock(start, 59.96) == "Jan 01 00:00:00.0"
    assert wall_clock(start, 61.5) == "Jan 01 00:00:01.5"
