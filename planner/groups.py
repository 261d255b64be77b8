"""Which of a plan's units the search may change and which it must search together."""

from __future__ import annotations

from acgsim.planner import rules
from acgsim.planner.evaluate import Group, Objective
from acgsim.sim.scenario import Scenario


def interacting(scenario: Scenario, units: list[rules.UnitPlan]) -> list[Group]:
    """Units that interact, searched together: one region's versions, and regions whose waves
    deploy from one subscription (they share its ARM buckets) when throttling is on."""
    o = scenario.objectives
    active = [u for u in units if u.demand is not None]
    parent = {u.region: u.region for u in active}

    def root(r: str) -> str:
        while parent[r] != r:
            r = parent[r]
        return r

    if scenario.model.throttling:
        by_sub: dict[str, str] = {}
        keys = {w.key: w.wave for w in scenario.waves()}
        for u in active:
            for key in u.demand.waves:
                sub = keys[key].subscription
                if sub in by_sub:
                    parent[root(u.region)] = root(by_sub[sub])
                by_sub.setdefault(sub, u.region)
    members: dict[str, list[rules.UnitPlan]] = {}
    for u in active:
        members.setdefault(root(u.region), []).append(u)
    images = {w.key: w.wave.image for w in scenario.waves()}
    groups = []
    for _, group_units in sorted(members.items()):
        group_units.sort(key=lambda u: (u.region, u.version))
        versions = {u.version for u in group_units}
        # `latest` resolves at run time: before the version the rules size is published (or
        # replicated), an earlier one serves, so the group replicates every version of the image
        latest = {
            images[key].rsplit("/", 1)[0]
            for u in group_units
            for key in u.demand.waves
            if images[key].endswith("/latest")
        }
        copies = {
            (u.version, u.region)
            for u in units
            if u.version in versions or u.version.rsplit("/", 1)[0] in latest
        }
        objectives = {}
        for region in {u.region for u in group_units}:
            own = o.regions.get(region)
            p95 = own.p95 if own is not None and own.p95 is not None else o.p95
            objectives[region] = Objective(p95, o.max_failure_rate)
        groups.append(
            Group(
                group_units,
                frozenset(w for u in group_units for w in u.demand.waves),
                frozenset(copies),
                objectives,
            )
        )
    return groups


def whole(units: list[rules.UnitPlan]) -> Group | None:
    """The whole plan as one group: every unit with demand, every wave they deploy, every
    replication planned (None: no wave deploys a planned version)."""
    active = [u for u in units if u.demand is not None]
    if not active:
        return None
    return Group(
        active,
        frozenset(w for u in active for w in u.demand.waves),
        frozenset((u.version, u.region) for u in units),
        {},
    )


def shallow(scenario: Scenario, unit: rules.UnitPlan) -> bool:
    """A Shallow version: it serves its source region only, so its count is not searched."""
    g, d, v = unit.version.split("/")
    found = scenario.find_image(g, d)
    return bool(found) and any(
        x.name == v and x.replication_mode == "Shallow" for x in found[1].versions
    )
