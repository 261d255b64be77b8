"""Alternatives priced side by side: the plan searched again with each storage type.

For Standard_LRS, Standard_ZRS and Premium_LRS, every version in every region gets that storage
type where Azure allows it (ZRS only where the region has zones [ACG]; elsewhere it keeps the
rules' type and the row says so). The search runs as for the plan (planner.search), on the same
child seeds, and the whole scenario verifies each alternative. Then, for each region with zones
and a workload, a zone outage is simulated (zone 1 lost from the region's first wave to the end
of the horizon, with that alternative's replicas): the alternative survives it when the outage
breaks none of the region's objectives that held without it (without a failure-rate objective:
when no request fails). Nothing about zones is asserted from the storage type: an LRS version
with replicas spread over three zones may survive.
"""

from __future__ import annotations

import dataclasses

from acgsim.planner import cost, rules
from acgsim.planner.evaluate import Evaluator, Figures, Group
from acgsim.planner.plan import Alternative, AlternativeTotal
from acgsim.sim import catalog
from acgsim.sim.fault_models import ZoneOutage
from acgsim.sim.scenario import Scenario

STORAGES = ("Standard_LRS", "Standard_ZRS", "Premium_LRS")


def allowed(storage: str, region: str) -> str | None:
    """Why `storage` cannot be used in `region`, or None if it can."""
    if catalog.STORAGE_TYPES[storage].zone_redundant and not catalog.REGIONS[region].has_zones:
        return f"{region} has no availability zones: no Standard_ZRS there [ACG]"
    return None


def units_for(scenario: Scenario, storage: str, premium: bool) -> list[rules.UnitPlan]:
    """The rules' plan with `storage` wherever it is allowed."""
    out = []
    for u in rules.baseline(scenario, premium):
        if allowed(storage, u.region) is None:
            u = dataclasses.replace(u, storage=storage)
        out.append(u)
    return out


def outage_start(scenario: Scenario, region: str) -> float | None:
    """When the region's first wave starts (None if it has none)."""
    starts = [w.wave.at for w in scenario.waves() if w.wave.region == region]
    return min(starts) if starts else None


def with_zone_outage(scenario: Scenario, region: str, at: float) -> Scenario:
    """The scenario with zone 1 of `region` lost from `at` to the end of the horizon."""
    fault = ZoneOutage(
        kind="zone_outage", region=region, zone=1, at=at, duration=scenario.horizon - at
    )
    return scenario.model_copy(update={"faults": [*scenario.faults, fault]})


def survives(goal, before: Figures | None, during: Figures) -> bool:
    """The outage breaks none of the objectives that held without it; without a failure-rate
    objective, no request fails."""
    if goal.failure is not None:
        failures_ok = not goal.misses_failure(during)
    else:
        failures_ok = not during.failed_by_code
    missed_before = before is None or goal.misses_p95(before)
    return failures_ok and (missed_before or not goal.misses_p95(during))


def zone_outages(
    scenario: Scenario,
    chosen: dict,
    whole: dict[str, Figures],
    runs: int,
    seed: int,
    pool,
    counted: Evaluator,
) -> dict[str, tuple[bool, Figures]]:
    """For each region with zones and a workload: whether it survives losing zone 1, and its
    figures then, with the chosen replicas (each region on its own, with its group)."""
    out: dict[str, tuple[bool, Figures]] = {}
    groups: dict[str, Group] = {}
    for (_, region), (_, group) in sorted(chosen.items()):
        if group is not None:
            groups.setdefault(region, group)
    for region, group in sorted(groups.items()):
        at = outage_start(scenario, region)
        if at is None or not catalog.REGIONS[region].has_zones or at >= scenario.horizon:
            continue
        ev = Evaluator(with_zone_outage(scenario, region, at), runs, seed, pool)
        fresh = dataclasses.replace(group, tried={})
        f = ev.group(fresh, tuple(group.chosen))[region]
        counted.simulations += ev.simulations
        counted.requests += ev.requests
        out[region] = (survives(group.objectives[region], whole.get(region), f), f)
    return out


def rows_for(
    storage: str,
    units: list[rules.UnitPlan],
    chosen: dict,
    whole: dict[str, Figures],
    outages: dict[str, tuple[bool, Figures]],
    sizes: dict[str, float],
    table: cost.PriceTable,
) -> list[Alternative]:
    """One row per version and region for one storage type."""
    rows = []
    for u in units:
        n, group = chosen[(u.version, u.region)]
        f = whole.get(u.region) if group is not None else None
        goal = group.objectives[u.region] if group is not None else None
        zone = outages.get(u.region)
        rows.append(
            Alternative(
                storage=storage,
                version=u.version,
                region=u.region,
                used_storage=u.storage,
                not_allowed=allowed(storage, u.region),
                rules_replicas=u.replicas,
                replicas=n,
                p95_s=f.p95 if f else None,
                failure_rate=f.failure if f else None,
                meets_objectives=goal.met(f) if f and goal and goal.asked else None,
                survives_zone_outage=zone[0] if zone else None,
                zone_outage_p95_s=zone[1].p95 if zone else None,
                zone_outage_failure_rate=zone[1].failure if zone else None,
                monthly_cost_usd=round(
                    cost.monthly_storage(n, sizes[u.version], u.storage, table), 2
                ),
            )
        )
    return rows


def total(storage: str, rows: list[Alternative], budget: float | None) -> AlternativeTotal:
    mine = [r for r in rows if r.storage == storage]
    money = round(sum(r.monthly_cost_usd for r in mine), 2)
    return AlternativeTotal(
        storage=storage,
        replicas=sum(r.replicas for r in mine),
        monthly_cost_usd=money,
        meets_objectives=all(r.meets_objectives is not False for r in mine),
        within_budget=budget is None or money <= budget,
        zone_outage_lost_in=sorted({r.region for r in mine if r.survives_zone_outage is False}),
    )


def _faster(rows: list[Alternative], a: str, b: str) -> list[str]:
    """Regions where storage `a`'s p95 interval lies wholly below storage `b`'s."""
    theirs = {(r.version, r.region): r for r in rows if r.storage == b}
    out = set()
    for r in rows:
        other = theirs.get((r.version, r.region))
        if r.storage != a or other is None or r.p95_s is None or other.p95_s is None:
            continue
        upper, lower = r.p95_s.upper, other.p95_s.lower
        if upper is not None and lower is not None and upper < lower:
            out.add(r.region)
    return sorted(out)


def advice(
    totals: list[AlternativeTotal],
    rows: list[Alternative],
    plan_cost: float,
    currency: str,
    over: bool,
) -> list[str]:
    """What the alternatives say: the cheapest that meets the objectives (and what it gives up),
    and Premium where it buys nothing."""
    notes = []
    fit = [t for t in totals if t.meets_objectives]
    by_name = {t.storage: t for t in totals}
    if over or not fit:
        if fit:
            best = min(fit, key=lambda t: (t.monthly_cost_usd, STORAGES.index(t.storage)))
            lost = ", ".join(best.zone_outage_lost_in) or "nothing the simulation showed"
            notes.append(
                f"cheapest alternative that meets the objectives: {best.storage} wherever "
                f"allowed, {best.monthly_cost_usd:,.2f} {currency} a month (the plan: "
                f"{plan_cost:,.2f}); it gives up surviving a zone outage in: {lost}"
                + ("" if best.within_budget else "; it is still over the budget")
            )
        else:
            notes.append("no storage type meets the objectives with any replica count tried")
    premium, lrs = by_name.get("Premium_LRS"), by_name.get("Standard_LRS")
    if premium and lrs and premium.replicas >= lrs.replicas:
        faster = _faster(rows, "Premium_LRS", "Standard_LRS")
        if faster:
            notes.append(
                f"Premium_LRS needs as many replicas as Standard_LRS ({premium.replicas}) and "
                f"shortens the p95 in {', '.join(faster)}, for "
                f"{premium.monthly_cost_usd:,.2f} against {lrs.monthly_cost_usd:,.2f} {currency} "
                "a month (the model's Premium disks: model.storage.ssd, assumptions)"
            )
        else:
            notes.append(
                f"Premium_LRS buys nothing here: it needs {premium.replicas} replicas to "
                f"Standard_LRS's {lrs.replicas}, no p95 is shorter beyond the confidence "
                f"intervals, and it costs {premium.monthly_cost_usd:,.2f} against "
                f"{lrs.monthly_cost_usd:,.2f} {currency} a month (the model's Premium disks: "
                "model.storage.ssd, assumptions)"
            )
    return notes
