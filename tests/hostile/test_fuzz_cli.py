"""The held-out fuzzer's bounded part, in CI: a fixed run of cases (seed and numbers fixed, so a
failure reproduces with `python tests/hostile/fuzz.py --seed SEED --case N`), each a mutated
input file or argument given to the installed command in a process of its own held to 1.5 GB,
judged by fuzz.judge: success, or exit 2 with a message naming the file; no traceback, hang,
signal, partial output, or injected command in an export. The long run is the script itself."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from . import fuzz

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS, setsid: Linux")

SEED = 20261129
CASES = 10  # a few seconds on two idle cores; the corpus takes a few seconds more
SLOW = ("report", "sweep")  # matplotlib's plots: seconds a case, left to the long run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    return root, fuzz.build_corpus(root, sweep=False)


def test_mutated_inputs_end_in_success_or_a_clear_refusal(corpus):
    root, kinds = corpus
    findings, ran, number = [], 0, 0
    with ThreadPoolExecutor(2) as pool:
        while ran < CASES:
            batch = range(number, number + 2 * (CASES - ran))
            number = batch.stop
            for result in pool.map(lambda n: fuzz.run_case(SEED, n, kinds, root, skip=SLOW), batch):
                if result is None or ran >= CASES:
                    continue
                ran += 1
                case, outcome, problems = result
                if problems:
                    findings.append(
                        f"case {case.number} ({case.how}): {case.argv}: {problems}; "
                        f"rc={outcome.rc}; stderr: {outcome.stderr[-500:]}"
                    )
    assert not findings, "\n".join(findings)


def test_the_judge_sees_a_traceback_a_hang_and_an_unnamed_file(tmp_path):
    """The oracle can fail: each kind of finding is reported."""
    case = fuzz.Case(0, "validate", ["validate", "in.yaml"], "in.yaml", "by hand")
    tb = fuzz.Outcome(1, "", "Traceback (most recent call last):\n  ...\nKeyError: 'x'\n", 0.1, 50)
    assert any("Traceback" in p for p in fuzz.judge(case, tb, tmp_path))
    assert fuzz.judge(case, fuzz.Outcome(None, "", "", 30, 50), tmp_path)[0].startswith("hang")
    vague = fuzz.Outcome(2, "", "something is wrong\n", 0.1, 50)
    assert any("does not name" in p for p in fuzz.judge(case, vague, tmp_path))
    named = fuzz.Outcome(2, "", "in.yaml: seed: must be a whole number\n", 0.1, 50)
    assert fuzz.judge(case, named, tmp_path) == []
    left = fuzz.Case(0, "export", ["export", "in.yaml"], "in.yaml", "by hand", outputs=["o.json"])
    (tmp_path / "o.json").write_text("{")
    assert any("left" in p for p in fuzz.judge(left, named, tmp_path))


def test_the_judge_runs_an_az_script_and_sees_an_injected_command(tmp_path):
    script = "#!/usr/bin/env bash\nset -euo pipefail\naz sig create --description x$(touch PWNED)\n"
    assert fuzz._injection(script, "azcli", tmp_path) == "the az script ran an injected command"
    quoted = "#!/usr/bin/env bash\naz sig create --description 'x$(touch PWNED)'\n"
    assert fuzz._injection(quoted, "azcli", tmp_path / "b") is None
    assert fuzz._injection('{"d": "[concat(\'PWNED\')]"}', "arm", tmp_path)
    assert fuzz._injection('{"d": "[[concat(\'PWNED\')]"}', "arm", tmp_path) is None
    assert fuzz._injection('description = "${PWNED}"', "terraform", tmp_path)
    assert fuzz._injection('description = "$${PWNED}"', "terraform", tmp_path) is None
