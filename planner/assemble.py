"""A plan assembled from the search's counts and the whole plan's run: regions, waves, totals."""

from __future__ import annotations

from acgsim import __version__
from acgsim.planner import cost, explain, rules
from acgsim.planner import plan as plans
from acgsim.planner.evaluate import Evaluator, Figures, Group
from acgsim.planner.plan import Plan, RegionPlan, Totals, VersionRegion, WavePlan
from acgsim.sim import attribution, catalog
from acgsim.sim.scenario import Scenario

Chosen = dict[VersionRegion, tuple[int, Group | None]]  # the count and the group searched


def assemble(
    scenario: Scenario,
    units: list[rules.UnitPlan],
    chosen: Chosen,
    whole: dict[str, Figures],
    infeasible: list[str],
    ev: Evaluator,
    table: cost.PriceTable,
    seed: int,
    runs: int,
    below_guidance: bool,
) -> Plan:
    """The plan: each region's count, cost and reasons, its figures from the whole plan's run."""
    regions, warnings = [], []
    sizes, sources, current = {}, {}, {}
    for ref, g, _, v in scenario.versions():
        sizes[ref], sources[ref] = v.size_gb, g.region
        for t in v.regions:
            current[(ref, t.region)] = (v.replicas_in(t), v.storage_in(t))
    for u in units:
        n, group = chosen[(u.version, u.region)]
        size = sizes[u.version]
        before = current.get((u.version, u.region))
        rp = RegionPlan(
            version=u.version,
            region=u.region,
            replicas=n,
            storage=u.storage,
            reasons=list(u.reasons),
            added=u.added,
            baseline_replicas=u.replicas,
            baseline_storage=u.storage,
            scenario_replicas=before[0] if before else None,
            scenario_storage=before[1] if before else None,
            monthly_cost_usd=round(cost.monthly_storage(n, size, u.storage, table), 2),
            egress_one_time_usd=round(cost.egress(size, sources[u.version], u.region, table), 2),
            baseline_monthly_cost_usd=round(
                cost.monthly_storage(u.replicas, size, u.storage, table), 2
            ),
        )
        if before and before[1] != u.storage:
            warnings.append(
                f"{u.version} in {u.region}: the plan uses {u.storage} where the version has "
                f"{before[1]}; storage type cannot be updated [SPEC], so publish a new version"
            )
        if group is not None:
            explain.predict(rp, u, n, group, whole.get(u.region), warnings)
        regions.append(rp)
        warnings += u.warnings
    if scenario.updates:
        warnings.append(
            f"the scenario's {len(scenario.updates)} update(s) are left out: the plan sizes the "
            "versions as published, and its figures are without them"
        )
    for region in sorted(scenario.objectives.regions):
        if not any(r.region == region and r.requests for r in regions):
            warnings.append(f"an objective is set for {region}, where the workload deploys nothing")
    totals = Totals(
        replicas=sum(r.replicas for r in regions),
        monthly_cost_usd=round(sum(r.monthly_cost_usd for r in regions), 2),
        egress_one_time_usd=round(sum(r.egress_one_time_usd for r in regions), 2),
        baseline_replicas=sum(r.baseline_replicas for r in regions),
        baseline_monthly_cost_usd=round(sum(r.baseline_monthly_cost_usd for r in regions), 2),
    )
    budget = scenario.objectives.monthly_budget_usd
    if budget is not None and totals.monthly_cost_usd > budget:
        infeasible.append(_over_budget(scenario, regions, totals, budget, table, sizes))
    waves = sorted(
        (
            WavePlan(
                wave=w.wave,
                key=w.key,
                region=w.region,
                scale_sets=w.scale_sets,
                instances=w.instances,
                requests=w.requests,
                p50_s=w.p50,
                p95_s=w.p95,
                failure_rate=w.failure,
                tail_share=w.tail_share,
            )
            for f in whole.values()
            for w in f.waves
        ),
        key=lambda w: attribution.wave_order(w.key),
    )
    return Plan(
        acgsim_version=__version__,
        scenario=scenario.name,
        scenario_sha256=scenario.sha256(),
        guidance=scenario.guidance,
        objectives=scenario.objectives.model_dump(mode="json"),
        seed=seed,
        runs=runs,
        below_guidance=below_guidance,
        regions=regions,
        waves=waves,
        totals=totals,
        prices=table,
        warnings=warnings,
        infeasible=infeasible,
        simulations=ev.simulations,
        simulated_requests=ev.requests,
        assumptions=plans.assumptions_of(scenario),
        scenario_spec=scenario.model_dump(mode="json"),
    )


def _over_budget(
    scenario: Scenario,
    regions: list[RegionPlan],
    totals: Totals,
    budget: float,
    table: cost.PriceTable,
    sizes: dict[str, float],
) -> str:
    """Why the plan is over budget: the other objectives need its replicas, or no plan fits,
    since the fewest replicas Azure and the scenario allow already cost more."""
    least = 3 if scenario.production else 1

    def cheapest(r: RegionPlan) -> float:  # in the cheapest storage type the region allows
        zones = catalog.REGIONS[r.region].has_zones
        types = ("Standard_LRS", "Premium_LRS", *(("Standard_ZRS",) if zones else ()))
        return min(cost.monthly_storage(least, sizes[r.version], t, table) for t in types)

    floor = sum(cheapest(r) for r in regions)
    head = (
        f"the plan costs {totals.monthly_cost_usd:,.2f} {table.currency} a month, over the "
        f"budget of {budget:,.2f}"
    )
    if floor <= budget:
        return f"{head}: the other objectives need these replicas"
    each = "3 replicas (production)" if least == 3 else "1 replica"
    return (
        f"{head}, and no plan fits it: {each} per version and region ({len(regions)} of them), "
        f"the fewest there can be, in the cheapest storage type, already cost {floor:,.2f}; a "
        "larger budget, fewer target regions or versions, or a smaller image would"
    )
