"""Simulation-verified search for the fewest replicas that meet the objectives, region by region.

Start from the rules' plan (planner.rules). For each region with a workload, simulate the
candidate for K replications; a candidate meets the objectives when the upper end of the 95%
confidence interval of its p95 time to running (and of its failure rate) is within them. A region
that misses gallops up (+1, +2, +4, ... capped at 100) and then bisects; a region that meets them
is lowered by bisection toward the cheapest count that still meets them, but never below the
guidance unless asked (`below_guidance`). Bisection is sound because more replicas never raise the
p95 on the same random numbers (a law the engine's tests check). Regions do not interact in the
model (buckets, replicas and replication are per region), so each is simulated alone: only its
waves and its replications, with the same named random streams as in the whole scenario, which
makes the candidates of a region common-random-number comparisons and the region's figures
identical to the full run's. An objective that 100 replicas cannot meet ends the search with a
message naming the region, the best figure and why.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import sim
from planner import cost, rules
from planner.evaluate import Evaluator, Figures, Group
from planner.plan import Candidate, Estimate, Plan, RegionPlan, Totals
from sim import catalog
from sim.engine import scenario_hash
from sim.scenario import Scenario
from sim.units import human_duration

MAX = rules.MAX_REPLICAS


def _bisect(lo: int, hi: int, met: Callable[[int], bool]) -> int:
    """The smallest n in [lo, hi] with met(n), knowing met(hi)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if met(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def search_count(
    start: int, floor: int, met: Callable[[int], bool], stuck: Callable[[int, int], bool]
) -> int | None:
    """Fewest replicas in [floor, 100] that meet the objectives, or None if none can.

    Galloping stops early when `stuck(previous, probe)` says more replicas cannot help (nobody
    waited for a replica, or the larger count changed nothing on the same random numbers).
    """
    if met(start):
        return _bisect(floor, start, met) if floor < start else start
    last_miss, step, previous = start, 1, None
    while last_miss < MAX and not stuck(previous, last_miss):
        probe = min(MAX, start + step)
        if met(probe):
            return _bisect(last_miss + 1, probe, met)
        previous, last_miss, step = last_miss, probe, step * 2
    return None


def _why(f: Figures, scale_sets: bool = False) -> str:
    if f.failed_by_code:
        top = max(f.failed_by_code, key=f.failed_by_code.get)
        why = f"requests fail ({top}: {f.failed_by_code[top]:,} over the replications)"
        if top == "NotAvailableInRegion":
            why += (
                "; the region has not finished replicating when the workload starts, and "
                "more replicas take longer to copy"
            )
        return why
    parts = []
    if f.throttled:
        parts.append(f"throttling ({f.throttled:,} HTTP 429s over the replications)")
    if f.wait_mean:
        parts.append(f"replica waits of {human_duration(f.wait_mean)} on average")
    if scale_sets:
        parts.append("scale sets, which create their instances in batches from one replica each")
    parts.append("disk creation and boot, which replicas do not shorten")
    return "the time goes to " + ", ".join(parts)


def _groups(scenario: Scenario, units: list[rules.UnitPlan]) -> list[Group]:
    o = scenario.objectives
    by_region: dict[str, list[rules.UnitPlan]] = {}
    for u in units:
        if u.demand is not None:
            by_region.setdefault(u.region, []).append(u)
    groups = []
    for region, members in sorted(by_region.items()):
        own = o.regions.get(region)
        p95 = own.p95 if own is not None and own.p95 is not None else o.p95
        waves = frozenset(w for u in members for w in u.demand.waves)
        groups.append(Group(region, members, waves, p95, o.max_failure_rate))
    return groups


def plan(
    scenario: Scenario,
    replications: int = 20,
    seed: int | None = None,
    below_guidance: bool = False,
    premium: bool = False,
    prices: cost.PriceTable | None = None,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """The cheapest plan that meets the scenario's objectives, verified by simulation and priced."""
    seed = scenario.seed if seed is None else seed
    table = prices or cost.with_overrides(cost.DEFAULT_PRICES, scenario.prices, "the scenario")
    units = rules.baseline(scenario, premium)
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        ev = Evaluator(scenario, replications, seed, pool)
        chosen, infeasible = _search_all(scenario, units, ev, below_guidance, progress)
    finally:
        if pool is not None:
            pool.shutdown()
    return _assemble(
        scenario, units, chosen, infeasible, ev, table, seed, replications, below_guidance
    )


def _search_all(
    scenario: Scenario, units: list[rules.UnitPlan], ev: Evaluator, below_guidance: bool, progress
) -> tuple[dict, list[str]]:
    chosen: dict[tuple[str, str], tuple[int, Group | None]] = {
        (u.version, u.region): (u.replicas, None) for u in units
    }
    infeasible: list[str] = []
    floor_min = catalog.PRODUCTION_MIN_REPLICAS if scenario.production else 1
    for group in _groups(scenario, units):
        counts = [u.replicas for u in group.units]
        searching = group.p95_objective is not None or group.failure_objective is not None
        for i, unit in enumerate(group.units):
            if not searching or _shallow(scenario, unit):
                continue
            if progress:
                progress(f"searching {unit.region} ({unit.version})")
            floor = floor_min if below_guidance else unit.floor

            def figures(n: int, i: int = i, counts: list = counts, group: Group = group):
                return ev.region(group, tuple(counts[:i] + [n] + counts[i + 1 :]))

            def stuck(previous: int | None, n: int, f=figures) -> bool:
                return f(n).hopeless() or (
                    previous is not None and f(n).score() == f(previous).score()
                )

            found = search_count(
                unit.replicas, floor, lambda n, g=group, f=figures: g.met(f(n)), stuck
            )
            if found is None:
                tried = {
                    c[i]: f
                    for c, f in group.tried.items()
                    if c[:i] + c[i + 1 :] == tuple(counts[:i] + counts[i + 1 :])
                }
                found = min(tried, key=lambda n: (*tried[n].score(), n))
                infeasible.append(_infeasible(group, found, tried[found]))
            counts[i] = found
        ev.region(group, tuple(counts))  # the chosen plan's figures, if not simulated yet
        for u, n in zip(group.units, counts, strict=True):
            chosen[(u.version, u.region)] = (n, group)
    return chosen, infeasible


def _shallow(scenario: Scenario, unit: rules.UnitPlan) -> bool:
    g, d, v = unit.version.split("/")
    found = scenario.find_image(g, d)
    return bool(found) and any(
        x.name == v and x.replication_mode == "Shallow" for x in found[1].versions
    )


def _infeasible(group: Group, replicas: int, best: Figures) -> str:
    missed = []
    p95, fail = best.p95, best.failure
    if group.p95_objective is not None and (
        p95["mean"] is None or p95["mean"] + (p95["half_width"] or 0) > group.p95_objective
    ):
        got = "no VM running" if p95["mean"] is None else _show(p95)
        missed.append(f"p95 {human_duration(group.p95_objective)} (best: {got})")
    if group.failure_objective is not None and (
        fail["mean"] + (fail["half_width"] or 0) > group.failure_objective
    ):
        missed.append(f"failure rate {group.failure_objective:g} (best: {fail['mean']:g})")
    plural = "replica" if replicas == 1 else "replicas"
    scale_sets = any(u.demand is not None and u.demand.peak_scale_sets for u in group.units)
    return (
        f"{group.region}: no replica count meets {' and '.join(missed)}; the best tried is "
        f"{replicas} {plural}, where {_why(best, scale_sets)}"
    )


def _show(e: dict) -> str:
    half = e["half_width"]
    return human_duration(e["mean"]) + ("" if half is None else f" ± {human_duration(half)}")


def _estimate(d: dict) -> Estimate:
    return Estimate(mean=d["mean"], half_width=d["half_width"], n=d["n"])


def _assemble(
    scenario: Scenario,
    units: list[rules.UnitPlan],
    chosen: dict,
    infeasible: list[str],
    ev: Evaluator,
    table: cost.PriceTable,
    seed: int,
    replications: int,
    below_guidance: bool,
) -> Plan:
    regions, warnings = [], []
    sizes, sources, current = {}, {}, {}
    for g in scenario.galleries:
        for d in g.images:
            for v in d.versions:
                ref = f"{g.name}/{d.name}/{v.name}"
                sizes[ref], sources[ref] = v.size_gb, g.region
                for t in v.regions:
                    current[(ref, t.region)] = v.replicas_in(t)
    for u in units:
        n, group = chosen[(u.version, u.region)]
        size = sizes[u.version]
        rp = RegionPlan(
            version=u.version,
            region=u.region,
            replicas=n,
            storage=u.storage,
            reasons=list(u.reasons),
            added=u.added,
            baseline_replicas=u.replicas,
            baseline_storage=u.storage,
            scenario_replicas=current.get((u.version, u.region)),
            monthly_cost_usd=round(cost.monthly_storage(n, size, u.storage, table), 2),
            egress_one_time_usd=round(cost.egress(size, sources[u.version], u.region, table), 2),
            baseline_monthly_cost_usd=round(
                cost.monthly_storage(u.replicas, size, u.storage, table), 2
            ),
        )
        if group is not None:
            counts = tuple(chosen[(x.version, x.region)][0] for x in group.units)
            f = group.tried[counts]
            rp.requests, rp.p50_s, rp.p95_s = f.requests, _estimate(f.p50), _estimate(f.p95)
            rp.failure_rate = _estimate(f.failure)
            rp.objective_p95_s, rp.objective_failure_rate = (
                group.p95_objective,
                group.failure_objective,
            )
            if group.p95_objective is not None or group.failure_objective is not None:
                rp.meets_objectives = group.met(f)
            idx = group.units.index(u)
            rp.candidates = [
                Candidate(
                    replicas=c[idx],
                    p95_s=_estimate(x.p95),
                    failure_rate=_estimate(x.failure),
                    met=group.met(x),
                )
                for c, x in sorted(group.tried.items())
                if all(c[j] == counts[j] for j in range(len(c)) if j != idx)
            ]
            if rp.meets_objectives is False:
                rp.reasons.append(
                    f"simulation: no count meets the objectives; {n} come closest "
                    "(see the infeasible list)"
                )
            elif n != u.replicas:
                rp.reasons.append(_search_reason(u, n, rp, group))
        regions.append(rp)
        warnings += u.warnings
    totals = Totals(
        replicas=sum(r.replicas for r in regions),
        monthly_cost_usd=round(sum(r.monthly_cost_usd for r in regions), 2),
        egress_one_time_usd=round(sum(r.egress_one_time_usd for r in regions), 2),
        baseline_replicas=sum(r.baseline_replicas for r in regions),
        baseline_monthly_cost_usd=round(sum(r.baseline_monthly_cost_usd for r in regions), 2),
    )
    budget = scenario.objectives.monthly_budget_usd
    if budget is not None and totals.monthly_cost_usd > budget:
        warnings.append(
            f"the plan costs {totals.monthly_cost_usd:,.2f} USD a month, over the "
            f"budget of {budget:,.2f}"
        )
    return Plan(
        acgsim_version=sim.__version__,
        scenario=scenario.name,
        scenario_sha256=scenario_hash(scenario),
        guidance=scenario.guidance,
        objectives=scenario.objectives.model_dump(mode="json"),
        seed=seed,
        replications=replications,
        below_guidance=below_guidance,
        regions=regions,
        totals=totals,
        prices=table,
        warnings=warnings,
        infeasible=infeasible,
        simulations=ev.simulations,
        simulated_requests=ev.requests,
    )


def _search_reason(u: rules.UnitPlan, n: int, rp: RegionPlan, group: Group) -> str:
    target = (
        f"p95 {human_duration(group.p95_objective)}"
        if group.p95_objective is not None
        else f"failure rate {group.failure_objective:g}"
    )
    p95 = rp.p95_s
    got = (
        "-"
        if p95 is None or p95.mean is None
        else (f"{human_duration(p95.mean)} ± {human_duration(p95.half_width or 0)}")
    )
    verb = "raised" if n > u.replicas else "lowered"
    return (
        f"simulation ({p95.n if p95 else 0} replications): {verb} from {u.replicas} to {n}, "
        f"the fewest that meet {target} (p95 {got})"
    )
