"""One-line what-ifs: a scenario with fields set (--set PATH=VALUE) and faults added (--fault).

PATH is the sweep's (`model.replica_concurrency`, `galleries[0].images[web].versions[1.0.0]
.replicas`), plus two shorthands every lesson needs: `storage` and `replicas` set every version's
and every target region's. A fault is `zone:REGION:ZONE@START+DURATION`,
`region:REGION@START+DURATION` or `replication:REGION@START+DURATION`. Every mistake is an
InputError naming the option and what it accepts; the changed scenario is validated again.
"""

from __future__ import annotations

import re
from typing import Any

from acgsim.sim.errors import InputError, ScenarioError
from acgsim.sim.loader import validate
from acgsim.sim.scenario import Scenario
from acgsim.sim.sweep import _value, assign

SET_HELP = "PATH=VALUE, e.g. storage=Standard_LRS or model.replica_concurrency=5"
FAULT_HELP = "zone:REGION:ZONE@START+DURATION, region:REGION@START+DURATION, replication:..."
SHORTHANDS = ("storage", "replicas")
_FAULT = re.compile(
    r"(?P<kind>zone|region|replication):(?P<region>[A-Za-z0-9]+)(?::(?P<zone>\d+))?"
    r"@(?P<at>[0-9.a-z]+)\+(?P<duration>[0-9.a-z]+)"
)
KINDS = {"zone": "zone_outage", "region": "region_outage", "replication": "replication_failure"}


def parse_set(text: str) -> tuple[str, Any]:
    """PATH=VALUE as a person types it: VALUE a number, true/false, or text."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip() or not raw.strip():
        raise InputError(f"--set {text!r}: write {SET_HELP}")
    return path.strip(), _value(raw.strip())


def parse_fault(text: str) -> dict[str, Any]:
    """A fault written on one line, as the scenario's `faults:` entry it stands for."""
    m = _FAULT.fullmatch(text.strip())
    if not m or (m["kind"] == "zone") != (m["zone"] is not None):
        raise InputError(
            f"--fault {text!r}: write zone:REGION:ZONE@START+DURATION (zone:westeurope:1@5m+30m),"
            " region:REGION@START+DURATION or replication:REGION@START+DURATION"
        )
    fault: dict[str, Any] = {"kind": KINDS[m["kind"]], "region": m["region"]}
    if m["zone"] is not None:
        fault["zone"] = int(m["zone"])
    return fault | {"at": m["at"], "duration": m["duration"]}


def _everywhere(data: dict, field: str, value: Any) -> None:
    """A shorthand: the field on every version, and on every target region that sets its own."""
    for g in data.get("galleries", []):
        for d in g.get("images", []):
            for v in d.get("versions", []):
                v[field] = value
                for t in v.get("regions", []):
                    if isinstance(t, dict) and field in t:
                        t[field] = value


def apply(scenario: Scenario, sets: list[str] | None, faults: list[str] | None) -> Scenario:
    """The scenario with every --set and --fault applied, validated again; itself if none."""
    if not sets and not faults:
        return scenario
    changes = [parse_set(s) for s in sets or []]
    added = [parse_fault(f) for f in faults or []]
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    for path, value in changes:
        if path in SHORTHANDS:
            _everywhere(data, path, value)
        else:
            try:
                assign(data, path, value)
            except InputError as exc:
                raise InputError(*(f"--set: {line}" for line in exc.lines)) from None
    data.setdefault("faults", []).extend(added)
    try:
        return validate(data, file="<--set/--fault>")[0]
    except ScenarioError as exc:
        raise InputError(*(_option_line(p, sets, faults) for p in exc.problems)) from None


def _option_line(p, sets, faults) -> str:
    """A problem of the changed scenario, said as the option that caused it."""
    where = p.where
    lead = "warning: " if p.severity == "warning" else ""  # listed, but not why it is refused
    if where.startswith("faults"):
        return f"--fault: {where}: {lead}{p.message}"
    return f"--set {', '.join(sets or [])}: {where}: {lead}{p.message}"


def label(sets: list[str] | None, faults: list[str] | None) -> str:
    """'storage=Standard_LRS, fault zone:westeurope:1@5m+30m': the variant, as it was asked."""
    return ", ".join([*(sets or []), *(f"fault {f}" for f in faults or [])])
