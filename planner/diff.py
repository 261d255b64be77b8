"""A plan against what is deployed: per image version and region, what applying it would change.

In the spirit of `terraform plan`: a target region to add or to remove, a replica count to raise
or lower (regionalReplicaCount is updatable [SPEC]), a storage type to change (storageAccountType
is not updatable [SPEC]: that takes a new image version), an excludeFromLatest flag to flip
(updatable), or nothing to do. Each region carries its cost per month before and after, at the
plan's prices (planner.cost), and the one-time egress of a region added. A version deployed but
not in the plan is left alone (the plan does not manage it, as an older version would be); a
version in the plan but not deployed is new, so each of its regions is added. Version and gallery
names are compared without regard to case, as Azure compares resource names.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from acgsim.planner import cost
from acgsim.planner.deployed import Deployed, RegionState, of_plan
from acgsim.planner.plan import Plan
from acgsim.sim.scenario import Scenario

Action = Literal["add", "remove", "change", "unchanged"]
ASPECTS = ("storage", "replicas", "exclude_from_latest")  # the order a region's changes are told


class RegionChange(BaseModel):
    """One version in one region: deployed (before) against planned (after)."""

    version: str
    region: str
    action: Action
    changes: list[str] = []  # of ASPECTS, for action "change"
    before: RegionState | None = None
    after: RegionState | None = None
    monthly_before: float = 0.0
    monthly_after: float = 0.0
    egress_once: float = 0.0
    status: str | None = None  # a replication state other than Completed, as deployed reports

    @property
    def new_version(self) -> bool:
        """Applying this needs a new image version: a storage type cannot be updated [SPEC]."""
        return "storage" in self.changes


class Diff(BaseModel):
    """The plan against CURRENT, with totals in the plan's currency."""

    against: str
    kind: str
    currency: str
    regions: list[RegionChange]
    new_versions: list[str] = []  # in the plan, not deployed: published from scratch
    unplanned_versions: list[str] = []  # deployed, not in the plan: left as they are
    notes: list[str] = []
    monthly_before: float
    monthly_after: float
    egress_once: float

    @property
    def changed(self) -> bool:
        """True when applying the plan would change anything deployed."""
        return any(r.action != "unchanged" for r in self.regions)

    def count(self, action: Action) -> int:
        return sum(r.action == action for r in self.regions)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def diff(plan: Plan, deployed: Deployed) -> Diff:
    """What applying the plan would change in what CURRENT says is deployed."""
    planned = of_plan(plan)
    scenario = Scenario.model_validate(plan.scenario_spec)
    sizes = {ref: v.size_gb for ref, _, _, v in scenario.versions()}
    sources = {ref: g.region for ref, g, _, _ in scenario.versions()}
    names = {v.casefold(): v for v, _ in planned}
    current = {(names.get(v.casefold(), v), r): s for (v, r), s in deployed.state.items()}
    status = {(names.get(v.casefold(), v), r): s for (v, r), s in deployed.status.items()}
    planned_versions = {v for v, _ in planned}
    deployed_versions = {v for v, _ in current}
    table = plan.prices

    def monthly(version: str, s: RegionState | None) -> float:
        if s is None:
            return 0.0
        return round(cost.monthly_storage(s.replicas, sizes[version], s.storage, table), 2)

    regions = []
    for key in sorted(set(planned) | {k for k in current if k[0] in planned_versions}):
        version, region = key
        before, after = current.get(key), planned.get(key)
        changes = [
            a for a in ASPECTS if before and after and getattr(before, a) != getattr(after, a)
        ]
        action = _action(before, after, changes)
        egress = cost.egress(sizes[version], sources[version], region, table)
        regions.append(
            RegionChange(
                version=version,
                region=region,
                action=action,
                changes=changes,
                before=before,
                after=after,
                monthly_before=monthly(version, before),
                monthly_after=monthly(version, after),
                egress_once=round(egress, 2) if action == "add" else 0.0,
                status=status.get(key),
            )
        )
    return Diff(
        against=deployed.file,
        kind=deployed.kind,
        currency=table.currency,
        regions=regions,
        new_versions=sorted(planned_versions - deployed_versions),
        unplanned_versions=sorted(deployed_versions - planned_versions),
        notes=list(deployed.notes),
        monthly_before=round(sum(r.monthly_before for r in regions), 2),
        monthly_after=round(sum(r.monthly_after for r in regions), 2),
        egress_once=round(sum(r.egress_once for r in regions), 2),
    )


def _action(before: RegionState | None, after: RegionState | None, changes: list[str]) -> Action:
    if before is None:
        return "add"
    if after is None:
        return "remove"
    return "change" if changes else "unchanged"
