"""The calibrated scenario: the user's scenario with a `model:` block holding the fitted values,
each with its provenance as a comment ("fitted from 412 VM creates, 2026-11-02..2026-11-20"), and
a header naming the observation files and what stayed at its value.

Comments are placed by walking the dumped YAML's `model:` mapping by indentation (PyYAML writes
no comments); the text is then read back and validated, so what is written always loads.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from acgsim.sim.calibrate.estimate import Calibration
from acgsim.sim.characters import printable
from acgsim.sim.scenario import Scenario


def _one_line(text: str) -> str:
    """A file name as comment text: no line break can end the comment (printable shows the
    other control characters)."""
    return printable(text).replace("\n", "\\n").replace("\r", "\\r")


def _number(value: float) -> float:
    return float(f"{value:.4g}")


def calibrated_yaml(scenario: Scenario, cal: Calibration, sources: list[Path]) -> str:
    """The scenario as YAML with the calibrated model block and provenance comments."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    model = cal.params.model_dump(mode="json", exclude_defaults=True)
    full = cal.params.model_dump(mode="json")
    for e in cal.estimates:  # always written, even when equal to the default
        head, name = e.path.split(".")
        duration = isinstance(full[head][name], str)  # a Duration: written with its unit
        value = _number(e.value)
        model.setdefault(head, {})[name] = f"{value:g}s" if duration else value
    data["model"] = model
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    notes = {}
    for e in cal.estimates:
        head, name = e.path.split(".")
        unit = " s" if isinstance(full[head][name], str) else ""
        notes[e.path] = (
            f"fitted from {e.support}; 95% interval {_number(e.low)}..{_number(e.high)}{unit}; "
            f"was {_number(e.default)}{unit}"
        )
    header = [
        f"# Calibrated by `acgsim calibrate` from {', '.join(_one_line(p.name) for p in sources)}.",
        "# Fitted values carry their provenance below (model:); these stayed at their values:",
    ]
    header += [f"#   {path} = {value}: {why}" for path, value, why in cal.kept]
    header += [f"# warning: {w}" for w in cal.warnings]
    out = "\n".join(header) + "\n" + _annotate(text, notes)
    yaml.safe_load(out)  # a comment can never break the document; checked all the same
    return out


def _annotate(text: str, notes: dict[str, str]) -> str:
    """Append each note to the line of `model.<path>` in the dumped YAML."""
    lines, stack = text.splitlines(), []  # (indent, key)
    in_model = False
    for i, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if indent == 0:
            in_model = stripped.startswith("model:")
            stack = []
            continue
        if not in_model or ":" not in stripped or stripped.startswith("- "):
            continue
        key = stripped.split(":", 1)[0]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        path = ".".join(k for _, k in stack)
        if path in notes:
            lines[i] = f"{line}  # {notes[path]}"
    return "\n".join(lines) + "\n"
