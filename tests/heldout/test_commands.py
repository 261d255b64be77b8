"""The held-out scenarios through the installed command, as a user drives it: compare, runs
on several seeds, sweep, report and export, and byte-identical results across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from . import invariants
from .scenarios_index import path


def acgsim(*args: str, cwd=None, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hashseed, "COLUMNS": "80"}
    return subprocess.run(
        [sys.executable, "-m", "acgsim", "-q", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_compare_differences_are_b_minus_a_as_shown():
    """h09 with three replicas everywhere: the monthly cost 1.88 -> 2.81 must differ by 0.93,
    the difference of the figures shown, not of the unrounded ones (0.94)."""
    p = acgsim("compare", str(path("h09")), "--set", "replicas=3", "-k", "2", "--json")
    assert p.returncode == 0, p.stderr
    assert invariants.comparison(json.loads(p.stdout)) == []
