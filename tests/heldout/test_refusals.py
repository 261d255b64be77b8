"""Valid-looking scenarios acgsim refuses, as outsiders write them: each refusal must be right,
and its message must name the file and the field and say why (what to write instead)."""

from __future__ import annotations

import subprocess
import sys

from .scenarios_index import path


def _validate(tmp_path, text: str, name: str = "s.yaml") -> tuple[int, str]:
    f = tmp_path / name
    f.write_text(text)
    p = subprocess.run(
        [sys.executable, "-m", "acgsim", "validate", f.name],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    return p.returncode, p.stderr + p.stdout


def _with(tmp_path, old: str, new: str) -> str:
    text = path("h30").read_text()
    assert old in text
    return text.replace(old, new)


def test_a_wave_named_no_is_yaml_false_and_the_message_says_so(tmp_path):
    """Norway's code as a wave name: YAML 1.1 reads an unquoted no as false."""
    code, out = _validate(tmp_path, _with(tmp_path, '{name: "no", at', "{name: no, at"))
    assert code == 2
    (line,) = [x for x in out.splitlines() if "workload.vms[1].name" in x]
    assert line.startswith("s.yaml: ")
    assert "quote" in line and "no" in line


def test_a_wave_of_zero_vms_is_refused_saying_why(tmp_path):
    """A template parameterised down to 0 VMs: acgsim refuses the wave (it would create
    nothing, and a wave's figures need a request); the message says to leave the wave out."""
    code, out = _validate(tmp_path, _with(tmp_path, "count: 100}", "count: 0}"))
    assert code == 2
    (line,) = [x for x in out.splitlines() if "workload.vms[0].count" in x]
    assert line.startswith("s.yaml: ") and "leave" in line


def test_a_wave_at_the_horizon_is_warned_of_like_one_after_it(tmp_path):
    """h19: a wave at exactly the horizon submits nothing (the run stops there), as one after
    it; validation warned only of the one after."""
    code, out = _validate(tmp_path, path("h19").read_text(), "h19.yaml")
    assert code == 0
    warned = [x for x in out.splitlines() if "warning" in x and "horizon" in x]
    assert any("workload.vms[1].at" in x for x in warned), warned  # at: 2h, the horizon
    assert any("workload.vms[2].at" in x for x in warned), warned  # at: 5h


def test_explain_the_slowest_when_none_ran_says_none_ran(tmp_path, capsys):
    """h25: every request of the Shallow test fails (it is not replicated yet at 10m). There is
    no slowest or median request to tell, and the message must say so, not 'none failed'."""
    from acgsim.api import load, simulate
    from acgsim.reports.narrate import tell
    from acgsim.sim.errors import InputError

    result = simulate(load(path("h25")), trace=True)
    for vm in ("slowest", "median"):
        try:
            tell(result, vm)
        except InputError as exc:
            message = str(exc)
            assert "no request reached running" in message, message
            assert "--vm failed" in message and "none failed" not in message, message
        else:
            raise AssertionError("told a request that never ran")


def test_a_what_if_refused_tells_its_errors_from_its_warnings():
    """h32 --set storage=Standard_ZRS: Switzerland West has no zones (the error that refuses
    it); its restricted access and the region nothing replicates to are only warnings, and must
    not read as reasons for the refusal."""
    from acgsim.api import load
    from acgsim.sim.errors import InputError
    from acgsim.sim.whatif import apply

    try:
        apply(load(path("h32")), ["storage=Standard_ZRS"], None)
    except InputError as exc:
        lines = exc.lines
    else:
        raise AssertionError("ZRS in a region without zones was accepted")
    (error,) = [x for x in lines if "warning" not in x]
    assert "no availability zones" in error
    assert any("warning" in x and "access-restricted" in x for x in lines), lines
