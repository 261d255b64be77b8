"""Bombs through the real command: each file is refused with one line naming it, exit status 2, no
traceback, within seconds and a small fraction of the memory the command may have.

Each case runs `python -m acgsim ...` (runpy, as -m does) in a child process under an
address-space limit (RLIMIT_AS) and a wall-clock timeout; the child reports its own peak RSS
(VmHWM, which starts afresh at exec, unlike ru_maxrss, which a child inherits from the parent it
was forked from). Before the limits, the alias bomb reached 3 GB in 60 s and fanned-out
variables() ran for 21+ minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and VmHWM are Linux's")

ADDRESS_SPACE = 2**30  # the child may map at most 1 GB
TIMEOUT_S = 20  # and is killed after 20 s
MAX_SECONDS = 10  # what a refusal may take (under a second here; CI machines are slower)
MAX_RSS_MB = 250  # what it may hold (about 40 MB: the interpreter and its imports)
G = "Microsoft.Compute/galleries"

# The child: limit itself, write its peak RSS to a file when it exits, then be `python -m acgsim`.
_CHILD = """
import atexit, resource, runpy, sys
cap, report, *args = sys.argv[1:]
resource.setrlimit(resource.RLIMIT_AS, (int(cap), int(cap)))
def peak():
    with open("/proc/self/status") as f:
        kib = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    with open(report, "w") as f:
        f.write(kib)
atexit.register(peak)
sys.argv = ["acgsim", *args]
runpy.run_module("acgsim", run_name="__main__", alter_sys=True)
"""


@dataclass
class Outcome:
    status: int | None  # None: killed at the timeout
    stderr: str
    seconds: float
    peak_mb: float | None  # None: the child did not get to report it


def acgsim(*args: str, cwd: Path) -> Outcome:
    """`python -m acgsim ARGS` in a child limited to ADDRESS_SPACE and TIMEOUT_S."""
    report = cwd / "peak-rss.kib"
    command = [sys.executable, "-c", _CHILD, str(ADDRESS_SPACE), str(report), *args]
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=TIMEOUT_S)
        status, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired as exc:
        status, stderr = None, exc.stderr or b""
    seconds = time.monotonic() - start
    peak = int(report.read_text()) / 1024 if report.exists() else None
    return Outcome(status, stderr.decode("utf-8", "replace"), seconds, peak)


def _laughs(levels: int = 10) -> str:
    """The classic alias bomb: 9**levels strings from a few hundred bytes."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _template(variables: dict, name: str, **resource) -> str:
    gallery = {"type": G, "name": name, "location": "westeurope", "properties": {}, **resource}
    return json.dumps({"variables": variables, "resources": [gallery]}, indent=2)


def _fan_out(levels: int = 25) -> dict:
    # each variable uses the one before twice: 2**25 evaluations if none is remembered; the
    # name it makes has a hyphen, which Azure refuses, so the import ends in that one refusal
    variables = {"v0": "x-y"}
    for i in range(1, levels):
        variables[f"v{i}"] = f"[format('{{0}}', variables('v{i - 1}'), variables('v{i - 1}'))]"
    return variables


def _doubling(levels: int = 25) -> dict:
    # each variable is the one before written twice: 2**25 KB of text if nothing stops it
    variables = {"v0": "x" * 1024}
    for i in range(1, levels):
        variables[f"v{i}"] = f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
    return variables


CASES = {
    # name: (command, file name, file contents, what the one line says)
    "yaml alias bomb, import": (
        "import",
        "bomb.yaml",
        _laughs() + f"resources:\n  - type: {G}\n    name: g\n    properties: {{d: *a9}}\n",
        "values with its aliases expanded",
    ),
    "yaml alias bomb, validate": (
        "validate",
        "bomb.yaml",
        "name: bomb\n" + _laughs(),
        "values with its aliases expanded",
    ),
    "deeply nested yaml": (
        "validate",
        "deep.yaml",
        "name: x\nx: " + "[" * 200_000 + "]" * 200_000 + "\n",
        "levels deep",
    ),
    "deeply nested json": (
        "import",
        "deep.json",
        '{"resources": ' + "[" * 200_000 + "]" * 200_000 + "}",
        "levels deep",
    ),
    "huge json scenario": (
        "validate",
        "huge.json",
        '{"name": "huge", "description": "' + "x" * (21 * 2**20) + '"}',
        "larger than 20 MB",
    ),
    "huge yaml scenario": (
        "validate",
        "huge.yaml",
        "name: huge\ntenants:\n" + "  - {name: t, subscriptions: []}\n" * 100_000,
        "the limit for YAML is 1 MB",
    ),
    "template over 4 MB": (
        "import",
        "big.json",
        _template({"pad": "x" * (5 * 2**20)}, "g"),
        "larger than ARM's limit for a template, 4 MB",
    ),
    "variables() fanned out": (
        "import",
        "fan.json",
        _template(_fan_out(), "[variables('v24')]"),
        "'x-y' is not a valid gallery name",
    ),
    "variables() doubling text": (
        "import",
        "double.json",
        _template(_doubling(), "[variables('v24')]"),
        "the template expands past 4 MB",
    ),
    "variables() chained past the nesting limit": (
        "import",
        "chain.json",
        _template(
            {"v0": "x", **{f"v{i}": f"[variables('v{i - 1}')]" for i in range(1, 200)}},
            "[variables('v199')]",
        ),
        "nests more than 100 deep",
    ),
    "self-referencing variable": (
        "import",
        "self.json",
        _template({"a": "[variables('a')]"}, "[variables('a')]"),
        "variables('a') refers to itself: a -> a",
    ),
    "copy loop of a million": (
        "import",
        "copy.json",
        _template({}, "[concat('g', copyIndex())]", copy={"name": "g", "count": 10**6}),
        "copy count 1,000,000 is over ARM's limit",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=lambda c: c.replace(" ", "-"))
def test_a_bomb_is_refused_in_one_line_within_seconds_and_little_memory(tmp_path, case):
    command, name, text, says = CASES[case]
    (tmp_path / name).write_text(text, encoding="utf-8")
    outcome = acgsim(command, name, cwd=tmp_path)
    assert outcome.status == 2, (outcome.status, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr
    [line] = outcome.stderr.splitlines()
    assert line.startswith(f"{name}: ") and says in line, line
    assert outcome.seconds < MAX_SECONDS and (outcome.peak_mb or 0) < MAX_RSS_MB, outcome
    assert outcome.peak_mb is not None


def test_an_oversized_plan_or_result_is_refused_by_the_same_limits(tmp_path):
    from acgsim.planner.plan import load_plan
    from acgsim.sim import documents
    from acgsim.sim.errors import ScenarioError
    from acgsim.sim.results import load_result

    big = tmp_path / "plan.json"
    big.write_text('{"scenario_spec": {}, "pad": "' + "x" * documents.MAX_BYTES + '"}')
    with pytest.raises(ScenarioError, match=r"plan\.json: .*larger than 20 MB"):
        load_plan(big)
    deep = tmp_path / "result.json"
    deep.write_text('{"replication_log": ' + "[" * 500 + "]" * 500 + "}")
    with pytest.raises(ScenarioError, match=r"result\.json: .*more than 100 levels"):
        load_result(deep)
