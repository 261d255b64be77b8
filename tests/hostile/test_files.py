"""Hostile file-system situations: nothing replaced without --force (every file a command writes,
not one), special files never replaced, modes kept, writes atomic, file-system errors as one line
with exit status 2."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.reports import files, plots

runner = CliRunner()


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_report_refuses_a_folder_with_any_file_in_it(tmp_path):
    (tmp_path / "rep").mkdir()
    (tmp_path / "rep" / "report.md").write_text("mine")
    result = cli("report", "quickstart", "--out", tmp_path / "rep")
    assert result.exit_code == 2 and "--force" in result.output
    assert (tmp_path / "rep" / "report.md").read_text() == "mine"
    assert cli("report", "quickstart", "--out", tmp_path / "rep", "--force").exit_code == 0


@pytest.mark.parametrize("command", ["run", "plan"])
def test_run_and_plan_refuse_to_replace_a_report_before_working(command, tmp_path):
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "ttr.png").write_bytes(b"mine")
    extra = ["-k", "2", "--workers", "1"] if command == "plan" else []
    result = cli(command, "quickstart", "--out", tmp_path, "--report", *extra)
    assert result.exit_code == 2 and "report" in result.output
    assert not (tmp_path / "result.json").exists() and not (tmp_path / "plan.json").exists()
    assert (tmp_path / "report" / "ttr.png").read_bytes() == b"mine"


def test_run_checks_every_file_it_will_write(tmp_path):
    (tmp_path / "result-1.json").write_text("mine")
    result = cli("run", "quickstart", "-k", "3", "--out", tmp_path)
    assert result.exit_code == 2 and "result-1.json" in result.output
    assert not (tmp_path / "result-0.json").exists()


def test_sweep_refuses_stray_outputs_without_a_spec(tmp_path):
    (tmp_path / "rows.jsonl").write_text('{"not": "ours"}\n')
    args = ["sweep", "quickstart", "--vary", "model.replica_concurrency=5,10", "-k", "1"]
    result = cli(*args, "--out", tmp_path, "--workers", "1")
    assert result.exit_code == 2 and "rows.jsonl" in result.output
    assert (tmp_path / "rows.jsonl").read_text() == '{"not": "ours"}\n'


def test_special_files_are_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = cli("schema", "-o", fifo, "--force")
    assert result.exit_code == 2 and "not a regular file" in result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_folder_or_a_file_in_the_wrong_place_is_one_line(tmp_path):
    assert "is a folder" in cli("schema", "-o", tmp_path, "--force").output
    (tmp_path / "file").write_text("x")
    result = cli("run", "quickstart", "--out", tmp_path / "file")
    assert result.exit_code == 2 and "is a file, not a folder" in result.output


def test_force_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "main.tf"
    target.write_text("old")
    target.chmod(0o600)
    assert cli("export", "quickstart", "-f", "terraform", "-o", target, "--force").exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and "azurerm" in target.read_text()


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
def test_file_system_refusals_are_one_line_and_exit_2(code, tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refuse)
    result = cli("export", "quickstart", "-f", "arm", "-o", tmp_path / "t.json")
    assert result.exit_code == 2
    assert result.output.strip() == f"{tmp_path / 't.json'}: cannot write it: {os.strerror(code)}"
    assert list(tmp_path.iterdir()) == []  # the temporary file went too


def test_plots_are_written_atomically(tmp_path, monkeypatch):
    written = []
    real = files.write_atomic

    def spy(path, data, force):
        written.append(path.name)
        real(path, data, force)

    monkeypatch.setattr(plots, "write_atomic", spy)
    import matplotlib.pyplot as plt

    fig, _ = plt.subplots()
    assert [p.name for p in plots.save(fig, tmp_path / "f", svg=True)] == ["f.png", "f.svg"]
    assert written == ["f.png", "f.svg"]
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")


def test_a_kill_mid_write_leaves_the_old_file_or_the_new_one(tmp_path):
    target = tmp_path / "big.txt"
    target.write_text("old")
    code = (
        "import sys\nfrom pathlib import Path\nfrom acgsim.reports.files import write_atomic\n"
        "while True:\n    write_atomic(Path(sys.argv[1]), 'new' * 5_000_000, force=True)\n"
    )
    seen = set()
    for delay in (0.05, 0.15, 0.3, 0.6, 1.0):
        child = subprocess.Popen([sys.executable, "-c", code, str(target)])
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        text = target.read_text()
        assert text == "old" or text == "new" * 5_000_000, f"a half file after {delay}s"
        seen.add(text[:3])
    assert "new" in seen, "no write finished: the test tried nothing"


@pytest.mark.parametrize("name", ["cost $\\frac{x$ run", "$$", "a $x^{$ b", "$\\undefined$"])
def test_math_text_in_a_name_is_shown_as_text(name, tmp_path):
    """A name from a file people share is text to show: matplotlib's math parser raised on these."""
    import acgsim

    result = acgsim.simulate(acgsim.load("quickstart"))
    hostile = result.model_copy(update={"scenario": name})
    for make in (plots.ttr_cdf, plots.over_time, plots.replication_gantt):
        written = plots.save(make(hostile), tmp_path / make.__name__)
        assert written[0].stat().st_size > 0
