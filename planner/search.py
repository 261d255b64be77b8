"""Simulation-verified search for the fewest replicas that meet the objectives, region by region.

Start from the rules' plan (planner.rules). A region's candidate meets the objectives when the
upper end of the 95% confidence interval of its p95 time to running (and of its failure rate) over
K runs (child seeds) is within them; candidates are simulated in stages and judged early where the
verdict is already clear (planner.sequential). The search starts from an estimate (a + b/replicas
fitted through two first stages), walks down (-1, -2, -4, ...) while counts meet the objectives,
never below the guidance unless asked (`below_guidance`), or up (+1, +2, +4, ... capped at 100)
while they miss, then bisects. Bisection relies on more replicas never raising the p95 on the same
random numbers (a law the engine's tests check once replication is done; while it is under way,
more replicas take longer to copy, which the final run catches).

Regions that interact are searched together: a region's versions, and regions whose waves deploy
from one subscription (its ARM buckets are shared). Each group is simulated alone, with every
replication of its versions (the source feeds a limited number of regions at once) and the same
named random streams as the whole scenario, so candidates are common-random-number comparisons.
Interacting units are searched one at a time, repeating until a pass changes nothing. The chosen
plan is then simulated as the whole scenario, K full runs, and that run gives the reported figures
(the search's own runs where the whole plan is the one group searched: the same simulation). An
objective no count can meet ends with a message naming the region, the best figure and why
(planner.explain).
"""

from __future__ import annotations

from collections.abc import Callable

from acgsim.planner import alternatives as alt
from acgsim.planner import cost, explain, rules, separable, sequential
from acgsim.planner.assemble import Chosen, assemble
from acgsim.planner.evaluate import Evaluator, Figures, Group, runs_of
from acgsim.planner.groups import interacting, shallow
from acgsim.planner.groups import whole as planned_whole
from acgsim.planner.plan import Alternative, Plan
from acgsim.sim import catalog, footprint
from acgsim.sim.errors import InputError
from acgsim.sim.footprint import Ceiling, Footprint
from acgsim.sim.scenario import Scenario
from acgsim.sim.workers import process_pool, worker_count

MAX = rules.MAX_REPLICAS
SURE = 6  # runs that show whether more replicas improve anything (the search's stopping rule)
SEARCH_STEPS = 5  # candidates one region's search simulates, about: 5.3 in global-rollout


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

    From `start`, an estimate: down by 1, 2, 4, ... while counts meet them, or up likewise while
    they miss (stopping early when `stuck(n)` says going beyond n cannot help), then bisection
    between the last miss and the first count that meets them."""
    if met(start):
        last_met, step = start, 1
        while last_met > floor:
            probe = max(floor, start - step)
            if not met(probe):
                return _bisect(probe + 1, last_met, met)
            last_met, step = probe, step * 2
        return last_met
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
    top = figures(best)
    found = min(e for e in tried if e <= best and as_good(tried[e], top, objective_p95))
    below = [e for e in tried if e < found]
    if not below:
        return found
    return _bisect(max(below) + 1, found, lambda e: as_good(figures(e), top, objective_p95))


def _search_all(
    scenario: Scenario,
    groups: list[Group],
    units: list[rules.UnitPlan],
    ev: Evaluator,
    below_guidance: bool,
    progress,
) -> tuple[Chosen, list[str]]:
    """Search each region's extra replicas (the same for each of its versions, since they share
    the region's objectives), region by region within an interacting group."""
    chosen: Chosen = {(u.version, u.region): (u.replicas, None) for u in units}
    infeasible: list[str] = []
    floor_min = catalog.PRODUCTION_MIN_REPLICAS if scenario.production else 1
    for group in groups:
        extra = {region: 0 for region in group.regions}
        fixed = [shallow(scenario, u) for u in group.units]

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
                look = sequential.Candidates(ev, group, region, goal, extra, counts)
                if attempt and look.met(extra[region]):
                    continue  # a later pass only raises where the objectives still fail
                if progress:
                    progress(f"searching {region}")
                floors = [(floor_min if below_guidance else u.floor) - u.replicas for u in mine]
                top = MAX - min(u.replicas for u in mine)
                start = extra[region]
                if goal.p95 is not None and ev.runs >= sequential.SEQUENTIAL_FROM:
                    start = sequential.estimate(start, mine[0].replicas, top, goal.p95, look.upper)
                    start = max(start, max(floors))

                def stuck(e: int, look=look, start: int = start) -> bool:
                    """More cannot help: nothing waits for a replica or loses one, or twice
                    the replicas did not improve significantly on common random numbers (on
                    SURE runs at least: fewer would too easily show no improvement)."""
                    if look.seen(e).hopeless():
                        return True
                    if e < 2 * max(start, 1):
                        return False
                    k = min(ev.runs, SURE)
                    return not look.fig(e, k).improves_on(look.fig(start, k))

                found = search_count(start, max(floors), look.met, stuck, top=top)
                group.accepted.add(region)
                if found is None:
                    group.accepted.discard(region)
                    done = sequential.tried_extras(group, counts, extra, region)
                    tried = {e: look.seen(e) for e in done}
                    found = useful_count(tried, goal.p95, look.fig)
                    stuck_regions.append((region, mine[0], found, look.fig(found)))
                extra[region] = found
            if extra == before:
                break
        final = counts(extra)
        infeasible += [
            explain.infeasible(
                group.objectives[region],
                unit,
                unit.replicas + e,
                f,
                at_floor=not below_guidance and unit.replicas + e == unit.floor > floor_min,
                copies_fail=_copies_fail(scenario, region),
            )
            for region, unit, e, f in stuck_regions
        ]
        group.chosen = list(final)
        for u, n in zip(group.units, final, strict=True):
            chosen[(u.version, u.region)] = (n, group)
    return chosen, infeasible


def _copies_fail(scenario: Scenario, region: str) -> bool:
    """The scenario fails replication into the region (a fault, or a base probability)."""
    return scenario.model.replication.failure_probability > 0 or any(
        f.kind == "replication_failure" and f.region == region for f in scenario.faults
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
        chosen, infeasible, whole, verified = _searched(
            scenario, units, ev, below_guidance, progress
        )
        others = (
            _alternatives(scenario, runs, seed, pool, below_guidance, premium, table, ev, progress)
            if alternatives
            else []
        )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    result = assemble(
        scenario, units, chosen, whole, infeasible, ev, table, seed, runs, below_guidance
    )
    result.verification = verified
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
        chosen, _, whole, _ = _searched(scenario, units, other, below_guidance, None)
        outages = alt.zone_outages(scenario, chosen, whole, runs, seed, pool, other)
        rows += alt.rows_for(storage, units, chosen, whole, outages, sizes, table)
        ev.simulations += other.simulations
        ev.requests += other.requests
    return rows


ROUNDS = 3  # searches at most, each verified by the whole plan's run


def _searched(
    scenario: Scenario, units: list[rules.UnitPlan], ev: Evaluator, below_guidance: bool, progress
) -> tuple[Chosen, list[str], dict[str, Figures], str]:
    """The search's counts, verified on K runs of the whole plan (the figures the plan reports),
    and how (_verify). A count the search accepted on fewer runs (a clear forecast) and the whole
    plan's runs show to miss is judged again on K runs and the search repeated (runs are kept)."""
    groups = interacting(scenario, units)
    for _ in range(ROUNDS):
        chosen, infeasible = _search_all(scenario, groups, units, ev, below_guidance, progress)
        if progress:
            progress("verifying the whole plan")
        whole, verified = _verify(scenario, units, chosen, ev, groups)
        again = False
        for group in groups:
            if group.exact:
                continue  # every candidate judged on K runs of its own
            if any(not group.objectives[r].met(whole[r]) for r in group.accepted):
                group.exact = True  # searched again, every candidate on K runs of its own
                again = True
        if not again:
            break
    for group in groups:  # the candidates shown: the chosen counts with the whole plan's K runs
        final = tuple(group.chosen)
        if runs_of(group.tried.get(final, {})) < ev.runs:
            group.tried[final] = {r: whole[r] for r in group.regions}
    return chosen, infeasible, whole, verified


def _verify(
    scenario: Scenario,
    units: list[rules.UnitPlan],
    chosen: Chosen,
    ev: Evaluator,
    groups: list[Group],
) -> tuple[dict[str, Figures], str]:
    """The whole scenario with the chosen counts: the figures the plan reports, and how they were
    simulated. Where the whole plan is one group the search simulated with these counts, its runs
    are these very runs; where its groups cannot touch one another (planner.separable), its runs
    are the groups' runs with their chosen counts; otherwise the whole plan is simulated."""
    whole = planned_whole(units)
    if whole is None:
        return {}, "nothing simulated: no wave deploys a planned version"
    counts = tuple(chosen[(u.version, u.region)][0] for u in whole.units)
    k = ev.runs
    if ev.ran(whole, counts):  # the search simulated the whole plan itself: its runs, to K
        return ev.group(whole, counts), f"{k} runs of the whole plan (the search's own)"
    parts = [(g, tuple(g.chosen)) for g in groups]
    figures, why = separable.assembled(ev, whole, counts, parts)
    if figures is not None:
        return figures, why
    return ev.group(whole, counts), f"{k} runs of the whole plan, simulated as one ({why})"


def search_footprint(
    scenario: Scenario, units: list[rules.UnitPlan], runs: int, workers: int
) -> tuple[Footprint, int]:
    """What the search will simulate, about, and how many candidates: each group's chosen counts
    and SEARCH_STEPS for each region with an objective (runs of the group's waves), and the
    whole plan once."""
    one = footprint.estimate(scenario)
    sizes = footprint.wave_requests(scenario)
    candidates, requests = 1, one.requests
    for group in interacting(scenario, units):
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
