"""The library as lessons: each one's point (its `# Lesson:` comment) and its exercises, whose
answers `acgsim scenarios check` verifies by running them.

An exercise (scenarios/exercises.toml) is a question, a change written as on the command line
(--set, --fault), an answer for the trainer, and checks `FIGURE OP VALUE` against the changed
scenario's run: a key figure of all regions or of one (REGION.FIGURE), or replication_last_s;
VALUE a number, a duration, or `baseline` (the lesson as written, same seed) times a factor.
"""

from __future__ import annotations

import operator
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from acgsim.sim.errors import InputError

OPS = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
    "!=": operator.ne,
}
_CHECK = re.compile(r"\s*([\w.\-]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*")


@dataclass
class Exercise:
    lesson: str
    question: str
    answer: str
    checks: list[str]
    set: list[str] = field(default_factory=list)
    fault: list[str] = field(default_factory=list)

    @property
    def command(self) -> str:
        """The command that shows it: acgsim compare LESSON --set ... (or run, with no change)."""
        changes = [*(f"--set {s}" for s in self.set), *(f"--fault {f}" for f in self.fault)]
        if not changes:
            return f"acgsim run {self.lesson}"
        return " ".join(["acgsim compare", self.lesson, *changes])


def _folder() -> Path:
    """The bundled files' folder (read here without importing the package: no import cycle)."""
    return Path(str(resources.files("acgsim.scenarios")))


def point(name: str) -> str:
    """A lesson's point: its `# Lesson:` comment (with its continuation lines)."""
    lines, taking = [], False
    for line in (_folder() / f"{name}.yaml").read_text(encoding="utf-8").splitlines():
        text = line.removeprefix("#").strip()
        if line.startswith("# Lesson:"):
            taking, text = True, text.removeprefix("Lesson:").strip()
        elif not line.startswith("#") or not text[:1].islower():  # continuations go on lower
            if taking:
                break
            continue
        if taking:
            lines.append(text)
    text = " ".join(lines)
    return text[:1].upper() + text[1:]


def exercises(name: str | None = None) -> list[Exercise]:
    """Every exercise (of one lesson)."""
    data = tomllib.loads((_folder() / "exercises.toml").read_text(encoding="utf-8"))
    return [
        Exercise(lesson, **entry)
        for lesson, entries in data.items()
        if name is None or lesson == name
        for entry in entries
    ]


def figure(result, name: str) -> float | None:
    """A figure of a run: replication_last_s, FIGURE of all regions, or REGION.FIGURE."""
    if name == "replication_last_s":
        done = [c.completed_s for c in result.replication_log]
        return None if not done or None in done else max(done)
    region, _, key = name.rpartition(".")
    summaries = {s.region: s for s in result.regions}
    summary = result.overall if not region else summaries.get(region)
    if summary is None or not hasattr(summary, key):
        raise InputError(f"exercises.toml: no figure {name!r}")
    return getattr(summary, key)


def _value(text: str, baseline: float | None) -> float | None:
    from acgsim.sim.units import parse_duration

    base, _, factor = text.partition("*")
    if base == "baseline":
        return None if baseline is None else baseline * float(factor or 1)
    try:
        return float(base)
    except ValueError:
        return parse_duration(base)


def verify(ex: Exercise, run) -> list[str]:
    """What is wrong with the exercise's answer ([] when every check holds). `run(changes)`
    gives the run of the lesson with changes (None for the lesson as written), or raises the
    InputError that refuses them."""
    try:
        result = run((ex.set, ex.fault))
    except InputError as exc:
        return [] if ex.checks == ["refused"] else [f"refused: {exc.lines[0]}"]
    if ex.checks == ["refused"]:
        return ["the change was not refused"]
    wrong = []
    for check in ex.checks:
        m = _CHECK.fullmatch(check)
        if not m:
            raise InputError(f"exercises.toml: {ex.lesson}: cannot read the check {check!r}")
        name, op, raw = m.groups()
        got = figure(result, name)
        base = figure(run(None), name) if raw.startswith("baseline") else None
        want = _value(raw, base)
        if got is None or want is None or not OPS[op](got, want):
            wrong.append(f"{check}: got {got}" + ("" if base is None else f", baseline {base}"))
    return wrong
