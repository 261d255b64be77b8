"""Simulation-verified search for the fewest replicas that meet the objectives, region by region.

Start from the rules' plan (planner.rules). Each region's candidate is simulated for K runs (on
child seeds); it meets the objectives when the upper end of the 95% confidence interval of its p95
time to running (and of its failure rate) is within them. A region that misses gallops up (+1, +2,
+4, ... capped at 100) and then bisects; one that meets them is lowered by bisection toward the
cheapest count that still meets them, but never below the guidance unless asked
(`below_guidance`). Bisection relies on more replicas never raising the p95 on the same random
numbers (a law the engine's tests check once replication is done; while it is under way, more
replicas take longer to copy, which the final run catches).

Regions that interact are searched together: a region's versions, and regions whose waves deploy
from one subscription (its ARM buckets are shared). Each group is simulated alone, with every
replication of its versions (the source feeds a limited number of regions at once) and the same
named random streams as the whole scenario, so candidates are common-random-number comparisons.
Interacting units are searched one at a time, repeating until a pass changes nothing. The chosen
plan is then simulated as the whole scenario, and that run gives the reported figures. An objective
no count can meet ends with a message naming the region, the best figure and why
(planner.explain).
"""

from __future__ import annotations

from collections.abc import Callable

from acgsim import __version__
from acgsim.planner import alternatives as alt
from acgsim.planner import cost, explain, rules
from acgsim.planner import plan as plans
from acgsim.planner.evaluate import Evaluator, Figures, Group, Objective
from acgsim.planner.plan import Alternative, Plan, RegionPlan, Totals, VersionRegion, WavePlan
from acgsim.sim import attribution, catalog, footprint
from acgsim.sim.errors import InputError
from acgsim.sim.footprint import Ceiling, Footprint
from acgsim.sim.scenario import Scenario
from acgsim.sim.workers import process_pool, worker_count

MAX = rules.MAX_REPLICAS
SEARCH_STEPS = 5  # candidates one region's search simulates, about: 5.3 in global-rollout
Chosen = dict[VersionRegion, tuple[int, Group | None]]  # the count and the group searched


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
    start: int, floor: int, met: Callable[[int], bool], stuck: Callable[[int], bool], top: int = MAX
) -> int | None:
    """Smallest n in [floor, top] that meets the objectives, or None if none can.

    Galloping up from `start` stops early when `stuck(n)` says going beyond n cannot help.
    """
    if met(start):
        return _bisect(floor, start, met) if floor < start else start
    last_miss, step = start, 1
    while last_miss < top and not stuck(last_miss):
        probe = min(top, start + step)
        if met(probe):
            return _bisect(last_miss + 1, probe, met)
        last_miss, step = probe, step * 2
    return None


MATERIAL = 0.05
"""When no count meets a p95 objective, a count is kept over a smaller one only if it shortens
the p95 by more than this share of the objective (an acgsim choice: 30 s of a 10-minute objective
is not worth paying for when the objective is missed anyway), besides the confidence intervals."""


def as_good(f: Figures, best: Figures, objective_p95: float | None) -> bool:
    """`f` does as well as `best`: within the 95% confidence intervals of its failure rate and
    p95, or with a p95 at most MATERIAL of the objective longer."""
    same_failure = f.failure.mean == best.failure.mean or f.failure.overlaps(best.failure)
    margin = MATERIAL * objective_p95 if objective_p95 is not None else 0.0
    near = (
        f.p95.mean is not None
        and best.p95.mean is not None
        and f.p95.mean - best.p95.mean <= margin
    )
    return same_failure and (f.p95.mean == best.p95.mean or f.p95.overlaps(best.p95) or near)


def useful_count(
    tried: dict[int, Figures], objective_p95: float | None, figures: Callable[[int], Figures]
) -> int:
    """When no count meets the objectives: the fewest that does as well as the best one tried
    (lowest failure rate, then p95), found by bisection between the counts tried, so that no
    replica is kept that cannot be shown to help."""
    best = min(tried, key=lambda e: (*tried[e].score(), e))
    top = tried[best]
    found = min(e for e in tried if e <= best and as_good(tried[e], top, objective_p95))
    below = [e for e in tried if e < found]
    if not below:
        return found
    return _bisect(max(below) + 1, found, lambda e: as_good(figures(e), top, objective_p95))


def _groups(scenario: Scenario, units: list[rules.UnitPlan]) -> list[Group]:
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
    groups = []
    for _, group_units in sorted(members.items()):
        group_units.sort(key=lambda u: (u.region, u.version))
        versions = {u.version for u in group_units}
        copies = {(u.version, u.region) for u in units if u.version in versions}
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


def _search_all(
    scenario: Scenario, units: list[rules.UnitPlan], ev: Evaluator, below_guidance: bool, progress
) -> tuple[Chosen, list[str]]:
    """Search each region's extra replicas (the same for each of its versions, since they share
    the region's objectives), region by region within an interacting group."""
    chosen: Chosen = {(u.version, u.region): (u.replicas, None) for u in units}
    infeasible: list[str] = []
    floor_min = catalog.PRODUCTION_MIN_REPLICAS if scenario.production else 1
    for group in _groups(scenario, units):
        extra = {region: 0 for region in group.regions}
        fixed = [_shallow(scenario, u) for u in group.units]

        def counts(extra: dict[str, int], group: Group = group, fixed: list = fixed) -> tuple:
            return tuple(
                u.replicas if f else min(MAX, u.replicas + extra[u.region])
                for u, f in zip(group.units, fixed, strict=True)
            )

        for attempt in range(3):  # interacting regions: repeat until a pass changes nothing
            before, stuck_regions = dict(extra), []
            for region in group.regions:
                goal = group.objectives[region]
                mine = [
                    u
                    for u, f in zip(group.units, fixed, strict=True)
                    if u.region == region and not f
                ]
                if not goal.asked or not mine:
                    continue
                if attempt and goal.met(ev.group(group, counts(extra))[region]):
                    continue  # a later pass only raises where the objectives still fail
                if progress:
                    progress(f"searching {region}")
                floors = [(floor_min if below_guidance else u.floor) - u.replicas for u in mine]

                def fig(
                    e: int,
                    region: str = region,
                    extra: dict = extra,
                    counts=counts,
                    group: Group = group,
                ):
                    return ev.group(group, counts(extra | {region: e}))[region]

                start = extra[region]

                def stuck(e: int, fig=fig, start: int = start) -> bool:
                    """More cannot help: nothing waits for a replica or loses one, or twice
                    the replicas did not improve significantly on common random numbers."""
                    return fig(e).hopeless() or (
                        e >= 2 * max(start, 1) and not fig(e).improves_on(fig(start))
                    )

                found = search_count(
                    start,
                    max(floors),
                    lambda e, g=goal, f=fig: g.met(f(e)),
                    stuck,
                    top=MAX - min(u.replicas for u in mine),
                )
                if found is None:
                    tried = {e: fig(e) for e in _tried_extras(group, counts, extra, region)}
                    found = useful_count(tried, goal.p95, fig)
                    stuck_regions.append((region, mine[0], found, fig(found)))
                extra[region] = found
            if extra == before:
                break
        final = counts(extra)
        ev.group(group, final)  # the chosen counts' figures, if not simulated yet
        infeasible += [
            explain.infeasible(group.objectives[region], unit, unit.replicas + e, f)
            for region, unit, e, f in stuck_regions
        ]
        group.chosen = list(final)
        for u, n in zip(group.units, final, strict=True):
            chosen[(u.version, u.region)] = (n, group)
    return chosen, infeasible


def _tried_extras(group: Group, counts, extra: dict[str, int], region: str) -> list[int]:
    """The extras of `region` already simulated with the other regions as they are now."""
    out = []
    for e in range(-MAX, MAX + 1):
        if counts(extra | {region: e}) in group.tried:
            out.append(e)
    return out


def _shallow(scenario: Scenario, unit: rules.UnitPlan) -> bool:
    g, d, v = unit.version.split("/")
    found = scenario.find_image(g, d)
    return bool(found) and any(
        x.name == v and x.replication_mode == "Shallow" for x in found[1].versions
    )


def plan(
    scenario: Scenario,
    *,
    runs: int = 20,
    seed: int | None = None,
    below_guidance: bool = False,
    premium: bool = False,
    prices: cost.PriceTable | None = None,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
    ceiling: Ceiling | None = None,
    alternatives: bool = False,
) -> Plan:
    """The cheapest plan that meets the scenario's objectives, verified by simulation and priced.

    Each candidate is simulated `runs` times on the child seeds of `seed` (default: the scenario's).
    Given a ceiling, a search estimated to simulate more is refused before it starts. With
    `alternatives`, the search is repeated for each storage type and priced side by side.
    """
    if runs < 2:
        raise InputError(
            f"runs: {runs}; a candidate needs 2 runs or more for a confidence interval"
        )
    seed = scenario.seed if seed is None else seed
    table = prices or cost.with_overrides(cost.DEFAULT_PRICES, scenario.prices, "the scenario")
    units = rules.baseline(scenario, premium)
    workers = worker_count(workers, runs)  # a candidate's runs are the work to share out
    if ceiling is not None:
        size, candidates = search_footprint(scenario, units, runs, workers)
        if alternatives:  # three more searches, and a zone outage per region for each
            size = footprint.of_runs([(size, 4)], keep=False, processes=1)
            candidates *= 4
        ceiling.check(size, f"planning (about {candidates:,} candidates x {runs} runs)")
    pool = process_pool(workers) if workers > 1 else None  # its workers die with acgsim
    try:
        ev = Evaluator(scenario, runs, seed, pool)
        chosen, infeasible = _search_all(scenario, units, ev, below_guidance, progress)
        if progress:
            progress("verifying the whole plan")
        whole = _verify(scenario, units, chosen, ev)
        others = (
            _alternatives(scenario, runs, seed, pool, below_guidance, premium, table, ev, progress)
            if alternatives
            else []
        )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    result = _assemble(
        scenario, units, chosen, whole, infeasible, ev, table, seed, runs, below_guidance
    )
    if alternatives:
        budget = scenario.objectives.monthly_budget_usd
        result.alternatives = others
        result.alternative_totals = [alt.total(s, others, budget) for s in alt.STORAGES]
        over = bool(result.infeasible)
        result.alternative_notes = alt.advice(
            result.alternative_totals, others, result.totals.monthly_cost_usd, table.currency, over
        )
        result.simulations, result.simulated_requests = ev.simulations, ev.requests
    return result


def _alternatives(
    scenario: Scenario,
    runs: int,
    seed: int,
    pool,
    below_guidance: bool,
    premium: bool,
    table: cost.PriceTable,
    ev: Evaluator,
    progress,
) -> list[Alternative]:
    """The search and verification again for each storage type, and a zone outage in each
    region with zones; the work is counted in `ev`."""
    sizes = {ref: v.size_gb for ref, _, _, v in scenario.versions()}
    rows: list[Alternative] = []
    for storage in alt.STORAGES:
        if progress:
            progress(f"alternative: {storage}")
        units = alt.units_for(scenario, storage, premium)
        other = Evaluator(scenario, runs, seed, pool)
        chosen, _ = _search_all(scenario, units, other, below_guidance, None)
        whole = _verify(scenario, units, chosen, other)
        outages = alt.zone_outages(scenario, chosen, whole, runs, seed, pool, other)
        rows += alt.rows_for(storage, units, chosen, whole, outages, sizes, table)
        ev.simulations += other.simulations
        ev.requests += other.requests
    return rows


def search_footprint(
    scenario: Scenario, units: list[rules.UnitPlan], runs: int, workers: int
) -> tuple[Footprint, int]:
    """What the search will simulate, about, and how many candidates: each group's chosen counts
    and SEARCH_STEPS for each region with an objective (runs of the group's waves), and the
    whole plan once."""
    one = footprint.estimate(scenario)
    sizes = footprint.wave_requests(scenario)
    candidates, requests = 1, one.requests
    for group in _groups(scenario, units):
        n = 1 + SEARCH_STEPS * sum(1 for r in group.regions if group.objectives[r].asked)
        candidates += n
        requests += n * sum(sizes[w][1] for w in group.waves)
    per_sample = one.events - one.requests * footprint.EVENTS_PER_REQUEST
    size = Footprint(
        requests,
        requests * footprint.EVENTS_PER_REQUEST + candidates * per_sample,
        candidates * one.samples,
        one.working,
        one.kept,
    )
    return footprint.of_runs([(size, runs)], keep=False, processes=workers), candidates


def _verify(
    scenario: Scenario, units: list[rules.UnitPlan], chosen: Chosen, ev: Evaluator
) -> dict[str, Figures]:
    """The whole scenario with the chosen counts: the figures the plan reports."""
    active = [u for u in units if u.demand is not None]
    if not active:
        return {}
    whole = Group(
        active,
        frozenset(w for u in active for w in u.demand.waves),
        frozenset((u.version, u.region) for u in units),
        {},
    )
    return ev.group(whole, tuple(chosen[(u.version, u.region)][0] for u in active))


def _assemble(
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
        infeasible.append(
            f"the plan costs {totals.monthly_cost_usd:,.2f} {table.currency} a month, over the "
            f"budget of {budget:,.2f}: the other objectives need these replicas"
        )
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
