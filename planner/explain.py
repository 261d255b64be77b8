"""Explaining a plan: what each region's count rests on, and why an objective cannot be met.

The predictions a region reports come from the whole-scenario run of the chosen plan; the candidates
(for the trade-off plot) and the search's reason for raising or lowering the rules' count come from
the search. When no count meets a region's objectives, the message names the best figure and the
bottleneck: failures (with why the commonest one happens), throttling, replica waits, scale sets
that create their instances from one replica each, or disk creation and boot, which replicas do not
shorten.
"""

from __future__ import annotations

from acgsim.planner import rules
from acgsim.planner.evaluate import Figures, Group, Objective
from acgsim.planner.plan import Candidate, RegionPlan
from acgsim.sim.stats import Estimate
from acgsim.sim.units import human_duration


def predict(
    rp: RegionPlan,
    u: rules.UnitPlan,
    n: int,
    group: Group,
    full: Figures | None,
    warnings: list[str],
) -> None:
    """Predictions from the whole-scenario run; candidates from the search."""
    counts = tuple(group.chosen)
    goal = group.objectives[u.region]
    searched = group.tried[counts][u.region]
    f = full or searched
    rp.requests, rp.p50_s, rp.p95_s = f.requests, f.p50, f.p95
    rp.failure_rate = f.failure
    rp.bottleneck = f.bottleneck
    rp.objective_p95_s, rp.objective_failure_rate = goal.p95, goal.failure
    if goal.asked:
        rp.meets_objectives = goal.met(f)
        if goal.met(searched) and not goal.met(f):
            warnings.append(
                f"{u.region}: met its objectives when searched with the regions it "
                "interacts with, but not in the whole-scenario run"
            )
    idx = group.units.index(u)
    same = [j for j, x in enumerate(group.units) if x.region != u.region]
    rp.candidates = [
        Candidate(
            replicas=c[idx],
            p95_s=x[u.region].p95,
            failure_rate=x[u.region].failure,
            met=goal.met(x[u.region]),
        )
        for c, x in sorted(group.tried.items())
        if all(c[j] == counts[j] for j in same)
    ]
    if rp.meets_objectives is False:
        rp.reasons.append(
            f"simulation: the objectives are not met; {n} come closest (see the messages)"
        )
    elif n != u.replicas:
        rp.reasons.append(search_reason(u, n, rp, goal))


def search_reason(u: rules.UnitPlan, n: int, rp: RegionPlan, goal: Objective) -> str:
    """Why the search moved a region's count away from the rules' count."""
    target = (
        f"p95 {human_duration(goal.p95)}"
        if goal.p95 is not None
        else f"failure rate {goal.failure:g}"
    )
    p95 = rp.p95_s
    got = (
        "-"
        if p95 is None or p95.mean is None
        else (f"{human_duration(p95.mean)} ± {human_duration(p95.half_width or 0)}")
    )
    verb = "raised" if n > u.replicas else "lowered"
    return (
        f"simulation ({p95.n if p95 else 0} runs): {verb} from {u.replicas} to {n}, "
        f"the fewest that meet {target} (p95 {got})"
    )


def infeasible(
    goal: Objective,
    unit: rules.UnitPlan,
    replicas: int,
    best: Figures,
    at_floor: bool = False,
    copies_fail: bool = False,
) -> str:
    """The message for a region whose objectives no replica count meets: the best figure, the
    count kept (the fewest as good as the best within the confidence intervals, or the
    guidance's floor when the search could not go below it: `at_floor`) and what sets the p95,
    with the levers that would help."""
    missed = []
    p95, fail = best.p95, best.failure
    late = p95.mean is None and not best.failed_by_code  # none failed: in flight at the end
    if goal.misses_p95(best):
        never = (
            "never: over 5% of requests were still in flight when the run stopped at its horizon"
            if late
            else "never: over 5% of requests never ran"
        )
        got = never if p95.mean is None else _show(p95)
        missed.append(f"p95 {human_duration(goal.p95)} (best: {got})")
    if goal.misses_failure(best):
        got = "no request" if fail.mean is None else f"{fail.mean:g}"
        missed.append(f"failure rate {goal.failure:g} (best: {got})")
    plural = "replica" if replicas == 1 else "replicas"
    scale_sets = bool(unit.demand is not None and unit.demand.peak_scale_sets)
    why = (
        f"the guidance's floor ({unit.reasons[0]}): no count above it does better, and fewer "
        "were not tried (--below-guidance tries them)"
        if at_floor and unit.reasons
        else "the fewest that do as well as any count tried (within the 95% confidence "
        "intervals, or a p95 within 5% of the objective)"
    )
    kept = (
        f"{unit.region}: no replica count meets {' and '.join(missed) or 'the objectives'}; "
        f"the plan keeps {replicas} {plural}, {why}"
    )
    b = best.bottleneck
    if late and goal.misses_p95(best):
        kept += (
            "; requests in flight at the horizon count as never running: a longer horizon, or "
            "waves that end well before it, lets them finish"
        )
    if b is None or best.failed_by_code:
        return f"{kept}, where {bottleneck(best, scale_sets, copies_fail)}"
    return f"{kept}. {b.text}. Options: {'; '.join(b.levers)}"


def _show(e: Estimate) -> str:
    half = e.half_width
    return human_duration(e.mean) + ("" if half is None else f" ± {human_duration(half)}")


# The limit behind a failure code, as `acgsim assumptions` and the README name it.
FAILING_LIMITS = {
    "OSProvisioningTimedOut": "a VM not running os_provisioning_timeout after Azure accepted it "
    "fails (an assumption, see acgsim assumptions): its queuing, disk creation and boot pass it",
    "ArmThrottled": "the client's retries ran out against ARM's write limit of its principal "
    "(model.arm_limits, model.arm_principals [ARM])",
    "TooManyRequests": "the client's retries ran out against the compute PutVM or VMSSPut "
    "bucket of its subscription and region [CTL]",
    "RegionUnavailable": "the region was down longer than the client retries (a region outage)",
    "ReplicaUnavailable": "replicas were lost in zone outages before another could take over "
    "(a Standard_ZRS replica survives one zone down, not two at once [ACG])",
    "ClientTimedOut": "the client's deadline passed (model.retry.deadline, or its profile's)",
    "GalleryImageNotFound": "requests came before the region's replication completed and "
    "propagated (replication.propagation_delay)",
}
for _code in (
    "AuthorizationFailed",
    "LinkedAuthorizationFailed",
    "CrossTenantFlexible",
    "GenerationMismatch",
    "SecurityTypeMismatch",
):
    FAILING_LIMITS[_code] = "access or the image's settings refuse them: no replica count helps"


def bottleneck(f: Figures, scale_sets: bool = False, copies_fail: bool = False) -> str:
    """Where a candidate's time goes, or why its requests fail (`copies_fail`: the scenario
    fails replication into the region, so a region not available may have ended Failed)."""
    if f.failed_by_code:
        top = max(f.failed_by_code, key=f.failed_by_code.get)
        why = f"requests fail ({top}: {f.failed_by_code[top]:,} over the runs)"
        if top in FAILING_LIMITS:
            why += f": {FAILING_LIMITS[top]}"
        if top == "NotAvailableInRegion" and copies_fail:
            why += (
                "; the region's replication fails (the scenario's replication_failure faults or "
                "replication.failure_probability) and ends Failed once replication.max_attempts "
                "attempts fail, or it has not finished when the workload starts"
            )
        elif top == "NotAvailableInRegion":
            why += (
                "; the region has not finished replicating when the workload starts, and "
                "more replicas take longer to copy"
            )
        return why
    parts = []
    if f.throttled:
        parts.append(f"throttling ({f.throttled:,} HTTP 429s over the runs)")
    if f.wait_mean:
        parts.append(f"replica waits of {human_duration(f.wait_mean)} on average")
    if scale_sets:
        parts.append("scale sets, which create their instances in batches from one replica each")
    parts.append("disk creation and boot, which replicas do not shorten")
    return "the time goes to " + ", ".join(parts)
