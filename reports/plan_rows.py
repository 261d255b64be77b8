"""The cells of the plan table, one function a column: what each region's row says.

The decisive reason is the one that set the count: the simulation's (the search moved the rules'
count, or no count meets the objectives and the p95 is set by something replicas do not shorten)
or else the rule's.
"""

from __future__ import annotations

from acgsim.planner.plan import RegionPlan
from acgsim.reports.breakdown import mean_ci
from acgsim.sim.units import readable

PARTS = {
    "throttled": "throttling (429)",
    "batches": "scale-set batches",
    "queued": "queuing for replicas",
    "disk": "disk creation",
    "lost_replica": "lost replicas",
    "boot": "boot time",
}


def replicas(r: RegionPlan) -> str:
    """'6', '3 -> 6' (the scenario had 3), or '+6' (a region the plan adds)."""
    if r.scenario_replicas is None:
        return f"+{r.replicas}"
    if r.scenario_replicas == r.replicas:
        return str(r.replicas)
    return f"{r.scenario_replicas} -> {r.replicas}"


def p95(r: RegionPlan, shared_goal: bool = False) -> str:
    """'1m37s±2.0s <=10m00s', '12m57s±13s >10m00s', or '-' where nothing ran; with a goal
    every region shares (the title names it), '1m37s±2.0s' or '12m57s±13s >'."""
    e = r.p95_s
    if e is None or e.mean is None:
        return "-"
    text = mean_ci(e.mean, e.half_width)
    if r.objective_p95_s is None:
        return text
    met = e.upper is not None and e.upper <= r.objective_p95_s
    if shared_goal:
        return text if met else f"{text} >"
    return f"{text} {'<=' if met else '>'}{readable(r.objective_p95_s, 's')}"


def money(x: float) -> str:
    """An amount of money: always two decimals, thousands separated (1,234.50)."""
    return f"{x:,.2f}"


def storage(name: str) -> str:
    """Standard_ZRS, Standard_LRS, Premium_LRS as ZRS, LRS, Premium (the table's legend)."""
    return {"Standard_ZRS": "ZRS", "Standard_LRS": "LRS", "Premium_LRS": "Premium"}.get(name, name)


def failed(r: RegionPlan) -> str:
    e = r.failure_rate
    return "-" if e is None or e.mean is None else readable(e.mean, "%")


def reason(r: RegionPlan) -> str:
    """The reason that decided the count: for a missed objective, what misses it (requests
    that fail, or what sets the p95 of those that ran)."""
    b = r.bottleneck
    fail = r.failure_rate.mean if r.failure_rate is not None else None
    never = r.p95_s is None or r.p95_s.mean is None  # over 5% never ran: the p95 is "never"
    goal = r.objective_failure_rate
    outage = b is not None and b.text.startswith("p95 is set by the region outage")  # no 429
    where = f" in {b.wave}" if b is not None and b.wave else ""
    if r.meets_objectives is False and never and r.requests and not fail:
        return "objective missed: over 5% of requests still in flight at the horizon"
    if r.meets_objectives is False and fail and (never or (goal is not None and fail > goal)):
        during = f" in the region outage{where}" if outage else " (see the messages)"
        return f"objective missed: {readable(fail, '%')} of requests fail{during}"
    if r.meets_objectives is False and b is not None:
        help_ = "replicas help" if b.replicas_help else "replicas cannot help"
        label = "the region outage" if outage else PARTS[b.part]
        return f"objective missed: p95 set by {label}{where}; {help_}"
    moved = [x for x in r.reasons if x.startswith("simulation")]
    return moved[-1] if moved else r.reasons[0]


ALTERNATIVE_COLUMNS = ["version", "region", "storage", "replicas", "p95", "failed", "zone outage"]


def zone_outage(a) -> str:
    """An alternative's zone-outage cell: 'yes', 'no: 12.0% fail', 'no: p95 14m02s', or '-'."""
    if a.survives_zone_outage is None:
        return "-"
    if a.survives_zone_outage:
        return "yes"
    fail = a.zone_outage_failure_rate
    if fail is not None and fail.mean:
        return f"no: {readable(fail.mean, '%')} fail"
    p95 = a.zone_outage_p95_s
    return "no" if p95 is None or p95.mean is None else f"no: p95 {readable(p95.mean, 's')}"


def alternative_rows(p) -> list[list[str]]:
    """The alternatives where the workload deploys, one row per storage type."""
    rows = []
    for a in p.alternatives:
        if a.p95_s is None:
            continue
        shown = mean_ci(a.p95_s.mean, a.p95_s.half_width)
        storage_cell = storage(a.storage) + ("" if a.not_allowed is None else "*")
        rows.append(
            [
                a.version.split("/", 1)[1],
                a.region,
                storage_cell,
                str(a.replicas),
                shown,
                "-" if a.failure_rate is None else readable(a.failure_rate.mean or 0, "%"),
                zone_outage(a),
                money(a.monthly_cost_usd),
            ]
        )
    return rows


def alternative_totals(p) -> list[str]:
    """One line per storage type: replicas, cost, objectives, budget, zone outages lost."""
    currency = p.prices.currency
    lines = []
    for t in p.alternative_totals:
        lost = ", ".join(t.zone_outage_lost_in) or "none"
        lines.append(
            f"{t.storage}: {t.replicas} replicas, {money(t.monthly_cost_usd)} {currency} a month, "
            f"objectives {'met' if t.meets_objectives else 'missed'}, "
            f"{'within' if t.within_budget else 'over'} budget; a zone outage breaks: {lost}"
        )
    return lines
