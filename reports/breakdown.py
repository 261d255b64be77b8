"""Where time to running goes, as rows: the per-wave table and what sets each region's p95.

One set of rows for the console, the HTML and the Markdown reports, from a run (RunResult) or a
plan (its whole-scenario runs). The figures come from sim.attribution; this module only words them.
"""

from __future__ import annotations

from acgsim.planner.plan import Plan
from acgsim.sim.results import RunResult
from acgsim.sim.units import human_duration

WAVE_COLUMNS = ["wave", "region", "size", "p50", "p95", "failed", "tail"]
RUN_WAVES_TITLE = "Waves (tail: the wave's share of its region's slowest 5%, which set the p95):"
PLAN_WAVES_TITLE = (
    "Waves with the plan's replicas (mean ± 95% CI; tail: the wave's share of its region's "
    "slowest 5%):"
)
PART_NAMES = {
    "throttled": "throttled (429)",
    "batches": "earlier scale-set batches",
    "queued": "queued for a replica",
    "disk": "disk creation",
    "lost_replica": "lost replicas",
    "boot": "boot",
}


def _t(x: float | None) -> str:
    return "-" if x is None else human_duration(x)


def _pm(mean: float | None, half: float | None) -> str:
    if mean is None:
        return "-"
    return _t(mean) + ("" if not half else f"±{_t(half)}")


def size(scale_sets: int | None, instances: int | None, requests: int) -> str:
    """'300 VMs', or '3 sets x 300' (scale sets of 300 instances)."""
    if instances is not None:
        n = scale_sets or 1
        return f"{n} set{'s' if n > 1 else ''} x {instances:,}"
    return f"{requests:,} VMs"


def run_wave_rows(result: RunResult) -> list[list[str]]:
    """One row per wave of one run."""
    tails = {}
    for w in result.waves:
        tails[w.region] = tails.get(w.region, 0) + w.tail_requests
    return [
        [
            w.wave,
            w.region,
            size(w.scale_sets, w.instances, w.requests),
            _t(w.ttr_p50_s),
            _t(w.ttr_p95_s),
            f"{100 * w.failure_rate:.1f}%",
            f"{100 * w.tail_requests / tails[w.region]:.0f}%" if tails[w.region] else "-",
        ]
        for w in result.waves
    ]


def plan_wave_rows(plan: Plan) -> list[list[str]]:
    """One row per wave with the plan's replicas: means and 95% intervals over the runs."""
    return [
        [
            w.wave,
            w.region,
            size(w.scale_sets, w.instances, w.requests),
            _pm(w.p50_s.mean, w.p50_s.half_width),
            _pm(w.p95_s.mean, w.p95_s.half_width),
            "-" if w.failure_rate.mean is None else f"{100 * w.failure_rate.mean:.1f}%",
            f"{100 * w.tail_share:.0f}%",
        ]
        for w in plan.waves
    ]


def parts_line(parts: dict[str, float]) -> str:
    """'earlier scale-set batches 11m57s, queued for a replica 1m22s, ...' (largest first)."""
    shown = sorted(((v, k) for k, v in parts.items() if v >= 0.05), reverse=True)
    return ", ".join(f"{PART_NAMES[k]} {_t(v)}" for v, k in shown)


def run_causes(result: RunResult) -> list[tuple[str, str, list[str]]]:
    """(region, what sets its p95 with the tail's parts, levers) for each region that ran."""
    out = []
    for r in result.regions:
        if r.bottleneck is None:
            continue
        text = f"{r.bottleneck.text} (the slowest 5%: {parts_line(r.p95_parts_s)} on average)"
        out.append((r.region, text, r.bottleneck.levers))
    return out


def plan_causes(plan: Plan) -> list[tuple[str, str, list[str]]]:
    """(region, what sets its p95, levers), once per region, in the whole-scenario run with the
    median p95."""
    out, seen = [], set()
    for r in plan.regions:
        if r.bottleneck is None or r.region in seen:
            continue
        seen.add(r.region)
        out.append((r.region, r.bottleneck.text, r.bottleneck.levers))
    return out
