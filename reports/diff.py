"""What `acgsim plan --against` shows: one line per change, in the spirit of `terraform plan`.

`+` adds (a region, or replicas), `-` removes, `~` changes in place or by a new version, `=` is
unchanged; each region's first line ends with its cost change per month in the plan's currency.
"""

from __future__ import annotations

import json
import sys

from acgsim.planner.diff import Diff, RegionChange
from acgsim.planner.plan import Plan
from acgsim.reports import tables
from acgsim.reports.console import emit, err, fmt_of, out

NEW_VERSION = "needs a new version: storageAccountType cannot be updated [SPEC]"


def _labels(d: Diff) -> dict[str, str]:
    """'image version' for each version, or the whole reference where two galleries hold the
    same image and version."""
    versions = sorted({r.version for r in d.regions} | set(d.unplanned_versions))
    short = {v: " ".join(v.split("/")[1:]) for v in versions}
    names = list(short.values())
    return {v: label if names.count(label) == 1 else v for v, label in short.items()}


def _replicas(n: int) -> str:
    return f"{n} {_plural(n, 'replica')}"


def _plural(n: int, word: str) -> str:
    return word if abs(n) == 1 else f"{word}s"


def region_lines(r: RegionChange, label: str) -> list[str]:
    """The lines of one version in one region, most consequential first."""
    b, a = r.before, r.after
    if r.action == "add":
        return [f"+ region {r.region}: {_replicas(a.replicas)} {a.storage} ({label})"]
    if r.action == "remove":
        return [f"- region {r.region}: {_replicas(b.replicas)} {b.storage} ({label})"]
    if r.action == "unchanged":
        return [f"= unchanged {r.region}: {_replicas(a.replicas)} {a.storage} ({label})"]
    found = []
    for aspect in r.changes:
        if aspect == "storage":
            found.append(
                f"~ storage {r.region}: {b.storage} -> {a.storage} ({label}; {NEW_VERSION})"
            )
        elif aspect == "replicas":
            step = a.replicas - b.replicas
            found.append(
                f"{step:+d} {_plural(step, 'replica')} {r.region}: {b.replicas} -> {a.replicas} "
                f"({label})"
            )
        else:
            before, after = str(b.exclude_from_latest).lower(), str(a.exclude_from_latest).lower()
            found.append(f"~ exclude_from_latest {r.region}: {before} -> {after} ({label})")
    return found


def lines(d: Diff) -> list[str]:
    """Every line of the diff, each region's first with its cost change per month."""
    labels = _labels(d)
    rows: list[tuple[str, float | None]] = [
        (f"+ version {v}: not deployed, published with the regions below", None)
        for v in d.new_versions
    ]
    for r in d.regions:
        texts = region_lines(r, labels[r.version])
        change = round(r.monthly_after - r.monthly_before, 2)
        rows += [
            (t, change if i == 0 and r.action != "unchanged" else None) for i, t in enumerate(texts)
        ]
    width = min(80, max((len(t) for t, c in rows if c is not None), default=0))
    shown = [t if c is None else f"{t:<{width}} {c:+,.2f} {d.currency}/month" for t, c in rows]
    shown += [f"  {v}: deployed, not in the plan: left as it is" for v in d.unplanned_versions]
    return shown


def summary(d: Diff) -> str:
    """The totals: how many regions change, and the cost per month before and after."""
    money = (
        f"{d.monthly_before:,.2f} -> {d.monthly_after:,.2f} {d.currency} a month "
        f"({d.monthly_after - d.monthly_before:+,.2f})"
    )
    if not d.changed:
        return (
            f"= unchanged: what is deployed matches the plan ({len(d.regions)} regions, "
            f"{d.monthly_after:,.2f} {d.currency} a month)."
        )
    egress = f", plus {d.egress_once:,.2f} {d.currency} egress once" if d.egress_once else ""
    return (
        f"Changes: {d.count('add')} {_plural(d.count('add'), 'region')} to add, "
        f"{d.count('change')} to change, "
        f"{d.count('remove')} to remove, {d.count('unchanged')} unchanged; {money}{egress}."
    )


def warnings(d: Diff) -> list[str]:
    """What CURRENT reports that applying the plan does not fix by itself."""
    labels = _labels(d)
    found = [
        f"replication {r.status} in {r.region} ({labels[r.version]}), as deployed"
        + ("; retry that region" if r.status.startswith("Failed") else "")
        for r in d.regions
        if r.status
    ]
    return found + d.notes


def print_diff(d: Diff) -> None:
    """The diff on the console: lines and summary on stdout, warnings on stderr."""
    out.print(f"Against {d.against} ({d.kind}):", markup=False)
    for line in lines(d):
        out.print(line, markup=False)
    out.print(summary(d), markup=False)
    for w in warnings(d):
        err.print(f"warning: {w}", markup=False)


def json_text(plan: Plan, d: Diff) -> str:
    """The plan and the diff as one JSON document: {"plan": ..., "diff": ...}."""
    doc = {"plan": json.loads(plan.to_json()), "diff": json.loads(d.to_json())}
    return json.dumps(doc, indent=2) + "\n"


def plan_records(plan: Plan) -> list[dict]:
    """CSV rows of a plan: one per version and region, figures raw."""
    return [
        {"scenario": plan.scenario, **r.model_dump(mode="json", exclude={"candidates"})}
        for r in plan.regions
    ]


def show_plan(plan: Plan, changes: Diff | None, fmt: str | bool) -> None:
    """The plan and, given one, its diff against what is deployed: tables, one JSON document,
    or the plan's rows as CSV or TSV."""
    fmt = fmt_of(fmt)
    if fmt == "json":
        sys.stdout.write(plan.to_json() if changes is None else json_text(plan, changes))
        return
    if fmt in ("csv", "tsv"):
        emit(fmt, None, "", [], [], records=plan_records(plan))
        return
    tables.print_plan(plan)
    if changes is not None:
        print_diff(changes)
