"""The cells of the plan table, one function a column: what each region's row says.

The decisive reason is the one that set the count: the simulation's (the search moved the rules'
count, or no count meets the objectives and the p95 is set by something replicas do not shorten)
or else the rule's.
"""

from __future__ import annotations

from acgsim.planner.plan import RegionPlan
from acgsim.sim.units import human_duration

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


def p95(r: RegionPlan) -> str:
    """'1m37s±2.0s <=10m00s', '12m57s±13s >10m00s', or '-' where nothing ran."""
    e = r.p95_s
    if e is None or e.mean is None:
        return "-"
    text = human_duration(e.mean) + (f"±{human_duration(e.half_width)}" if e.half_width else "")
    if r.objective_p95_s is None:
        return text
    sign = "<=" if e.upper is not None and e.upper <= r.objective_p95_s else ">"
    return f"{text} {sign}{human_duration(r.objective_p95_s)}"


def storage(name: str) -> str:
    """Standard_ZRS, Standard_LRS, Premium_LRS as ZRS, LRS, Premium (the table's legend)."""
    return {"Standard_ZRS": "ZRS", "Standard_LRS": "LRS", "Premium_LRS": "Premium"}.get(name, name)


def failed(r: RegionPlan) -> str:
    e = r.failure_rate
    return "-" if e is None or e.mean is None else f"{100 * e.mean:.1f}%"


def reason(r: RegionPlan) -> str:
    """The reason that decided the count."""
    b = r.bottleneck
    if r.meets_objectives is False and b is not None:
        help_ = "replicas help" if b.replicas_help else "replicas cannot help"
        where = f" in {b.wave}" if b.wave else ""
        return f"objective missed: p95 set by {PARTS[b.part]}{where}; {help_}"
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
        return f"no: {100 * fail.mean:.1f}% fail"
    p95 = a.zone_outage_p95_s
    return "no" if p95 is None or p95.mean is None else f"no: p95 {human_duration(p95.mean)}"


def alternative_rows(p) -> list[list[str]]:
    """The alternatives where the workload deploys, one row per storage type."""
    rows = []
    for a in p.alternatives:
        if a.p95_s is None:
            continue
        e = a.p95_s
        shown = "-" if e.mean is None else human_duration(e.mean)
        if e.half_width:
            shown += f"±{human_duration(e.half_width)}"
        storage_cell = storage(a.storage) + ("" if a.not_allowed is None else "*")
        rows.append(
            [
                a.version.split("/", 1)[1],
                a.region,
                storage_cell,
                str(a.replicas),
                shown,
                "-" if a.failure_rate is None else f"{100 * (a.failure_rate.mean or 0):.1f}%",
                zone_outage(a),
                f"{a.monthly_cost_usd:,.2f}",
            ]
        )
    return rows


def alternative_totals(p) -> list[str]:
    """One line per storage type: replicas, cost, objectives, budget, zone outages lost."""
    money = p.prices.currency
    lines = []
    for t in p.alternative_totals:
        lost = ", ".join(t.zone_outage_lost_in) or "none"
        lines.append(
            f"{t.storage}: {t.replicas} replicas, {t.monthly_cost_usd:,.2f} {money} a month, "
            f"objectives {'met' if t.meets_objectives else 'missed'}, "
            f"{'within' if t.within_budget else 'over'} budget; a zone outage breaks: {lost}"
        )
    return lines
