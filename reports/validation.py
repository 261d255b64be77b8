"""What `acgsim validate` shows: each file's summary when valid and every problem, as lines
(problems on stderr, in the FILE:LINE form editors and CI read) or as JSON, CSV or TSV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acgsim.reports.console import emit, err, fmt_of, out

if TYPE_CHECKING:
    from acgsim.sim.scenario import Scenario


def scenario_summary(s: Scenario) -> str:
    images = [d for g in s.galleries for d in g.images]
    versions = [v for d in images for v in d.versions]
    targets = sum(len(v.regions) for v in versions)
    vms = sum(w.count for w in s.workload.vms)
    instances = sum(w.count * w.instances for w in s.workload.scale_sets)
    counts = [
        (len(s.galleries), "gallery", "galleries"),
        (len(images), "image", "images"),
        (len(versions), "version", "versions"),
        (targets, "target region", "target regions"),
        (vms, "VM in waves", "VMs in waves"),
        (instances, "scale-set instance", "scale-set instances"),
        (len(s.workload.arrivals), "arrival stream", "arrival streams"),
        (len(s.faults), "fault", "faults"),
    ]
    return ", ".join(f"{n:,} {one if n == 1 else many}" for n, one, many in counts)


def problem_json(p) -> dict:
    return {
        "path": p.where,
        "message": p.message,
        "azure_message": p.azure,
        "azure_docs": p.docs,
        "severity": p.severity,
        "line": p.line,
    }


def validation_entry(path, scenario: Scenario | None, problems: list) -> dict:
    """One file's entry in `validate --json`: ok, a summary when valid, every problem."""
    entry: dict = {"file": str(path), "ok": scenario is not None}
    if scenario is not None:
        entry["summary"] = scenario_summary(scenario)
    entry["problems"] = [problem_json(p) for p in problems]
    return entry


def print_validation(paths: list, resolve, fmt: str | bool) -> bool:
    """Validate each file (or bundled name) and show every problem; False if any has an error."""
    from acgsim.sim.errors import ScenarioError
    from acgsim.sim.loader import load_scenario

    fmt, report, ok = fmt_of(fmt), [], True
    for path in paths:
        try:
            scenario, problems = load_scenario(resolve(path))
        except ScenarioError as exc:
            scenario, problems, ok = None, exc.problems, False
        report.append(validation_entry(path, scenario, problems))
        if fmt == "table":
            if scenario is not None:  # FILE: lines stay whole, as editors and CI read them
                out.print(f"{path}: ok ({report[-1]['summary']})", markup=False)
            for p in problems:
                err.print(str(p), markup=False)
    if fmt != "table":
        records = [
            {"file": e["file"], "ok": e["ok"], **({"path": "", "message": ""} | p)}
            for e in report
            for p in (e["problems"] or [{}])
        ]
        emit(fmt, report, "", [], [], records=records)
    return ok
