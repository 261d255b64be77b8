"""Lines the commands print beside their tables: within the width (80 in a pipe), broken
between files or words, never inside a path or a number."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acgsim.reports import commands

PATH = st.from_regex(r"[a-z0-9_./-]{1,60}", fullmatch=True)


@given(st.lists(PATH, min_size=1, max_size=12), st.integers(40, 120))
def test_wrote_breaks_between_files_only(paths, width):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", str(width))
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            commands.say_wrote(paths)
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("wrote ")
    assert all(line.startswith("  ") for line in lines[1:])
    for line in lines:  # too wide only when one path alone is
        assert len(line) <= width or len(line.split()) <= 2
    items = re.split(r",\s+", " ".join(lines).removeprefix("wrote ").strip())
    assert items == paths


def test_a_report_in_a_pipe_lists_its_files_within_80_columns(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    out = Path("reports") / "zone-outage-lrs"
    names = ["report.html", "report.md", "time-to-running.png", "over-time.png", "replication.png"]
    commands.say_wrote([out / n for n in names])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(x) <= 80 for x in lines)
    assert lines[1].startswith("  reports/zone-outage-lrs/")


def test_long_lines_wrap_under_their_own_indent(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    text = (
        "Left at their values:\n"
        "  replication.lan_mb_per_s = 64.0: needs regions with many replicas (not fitted: a "
        "small part of the time)\n"
        "429s retried: 1, gap to the retry 20s to 20s (Retry-After; the model floors it at "
        "retry.min_retry_after, left at its value)\n"
        "       2  other operations and resource types\n"
    )
    commands.say_wrapped(text)
    lines = capsys.readouterr().out.splitlines()
    assert all(len(x) <= 80 for x in lines)
    assert lines[0] == "Left at their values:"
    assert lines[1].startswith("  replication.lan_mb_per_s = 64.0:")
    assert lines[2].startswith("      ") and "small part of the time)" in " ".join(lines[2:3])
    assert lines[-1] == "       2  other operations and resource types"  # short: kept as is
    words = " ".join(text.split())
    assert " ".join(" ".join(lines).split()) == words
