"""Where time to running goes, as rows: the per-wave table and what sets each region's p95.

One set of rows for the console, the HTML and the Markdown reports, from a run (RunResult) or a
plan (its whole-scenario runs). The figures come from sim.attribution; this module only words them.
"""

from __future__ import annotations

from acgsim.planner.plan import Plan, WavePlan
from acgsim.sim.results import RunResult, WaveSummary
from acgsim.sim.stats import Estimate
from acgsim.sim.units import readable

WAVE_COLUMNS = ["wave", "region", "size", "p50", "p95", "failed", "tail"]
RUN_WAVES_TITLE = "Waves (tail: the wave's share of its region's slowest 5%, which set the p95):"
PLAN_WAVES_TITLE = (
    "Waves with the plan's replicas (mean ± 95% CI; tail: the wave's share of its region's "
    "slowest 5%):"
)
MANY_WAVES_TITLE = (
    "Waves over the runs (mean ± 95% CI; tail: the wave's share of its region's slowest 5%, "
    "all runs together):"
)
PART_NAMES = {
    "throttled": "refused (429 or region down)",
    "batches": "earlier scale-set batches",
    "queued": "queued for a replica",
    "disk": "disk creation",
    "lost_replica": "lost replicas",
    "boot": "boot",
}


def _t(x: float | None) -> str:
    return readable(x, "s")


def mean_ci(mean: float | None, half: float | None) -> str:
    """A duration's mean and 95% half-width: '1m37s±2.0s', '1m37s' (no width, or 0), '-'."""
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
            readable(w.failure_rate, "%"),
            f"{100 * w.tail_requests / tails[w.region]:.0f}%" if tails[w.region] else "-",
        ]
        for w in result.waves
    ]


def plan_wave_rows(plan: Plan) -> list[list[str]]:
    """One row per wave with the plan's replicas: means and 95% intervals over the runs."""
    return estimate_rows(plan.waves)


def wave_estimates(results: list[RunResult]) -> list[WavePlan]:
    """Each wave's p50, p95 and failure rate over several runs (mean, 95% half-width, count),
    in the shape a plan gives its waves; the size is run 0's (an arrival stream's varies)."""
    by_key: dict[str, list[WaveSummary]] = {}
    for r in results:
        for w in r.waves:
            by_key.setdefault(w.key, []).append(w)
    tails: dict[str, int] = {}
    for rows in by_key.values():
        tails[rows[0].region] = tails.get(rows[0].region, 0) + sum(x.tail_requests for x in rows)
    out = []
    for key, rows in by_key.items():
        w, tail = rows[0], tails[rows[0].region]
        out.append(
            WavePlan(
                wave=w.wave,
                key=key,
                region=w.region,
                scale_sets=w.scale_sets,
                instances=w.instances,
                requests=w.requests,
                p50_s=Estimate.from_samples([x.ttr_p50_s for x in rows]),
                p95_s=Estimate.from_samples([x.ttr_p95_s for x in rows]),
                failure_rate=Estimate.from_samples([x.failure_rate for x in rows]),
                tail_share=round(sum(x.tail_requests for x in rows) / tail, 3) if tail else 0.0,
            )
        )
    return out


def estimate_rows(waves: list[WavePlan]) -> list[list[str]]:
    """One row per wave figured over runs: p50, p95 and failure rate as mean ± 95% CI."""
    return [
        [
            w.wave,
            w.region,
            size(w.scale_sets, w.instances, w.requests),
            mean_ci(w.p50_s.mean, w.p50_s.half_width),
            mean_ci(w.p95_s.mean, w.p95_s.half_width),
            _rate(w.failure_rate),
            f"{100 * w.tail_share:.0f}%",
        ]
        for w in waves
    ]


def _rate(e: Estimate) -> str:
    if e.mean is None:
        return "-"
    return readable(e.mean, "%") + ("" if not e.half_width else f"±{readable(e.half_width, '%')}")


def parts_line(parts: dict[str, float]) -> str:
    """'earlier scale-set batches 11m57s, queued for a replica 1m22s, ...' (largest first)."""
    shown = sorted(((v, k) for k, v in parts.items() if v >= 0.05), reverse=True)
    return ", ".join(f"{PART_NAMES[k]} {_t(v)}" for v, k in shown)


def _cause(r) -> tuple[str, str, list[str]]:
    text = f"{r.bottleneck.text} (the slowest 5%: {parts_line(r.p95_parts_s)} on average)"
    return r.region, text, r.bottleneck.levers


def run_causes(result: RunResult) -> list[tuple[str, str, list[str]]]:
    """(region, what sets its p95 with the tail's parts, levers) for each region that ran."""
    return [_cause(r) for r in result.regions if r.bottleneck is not None]


def median_run(results: list[RunResult], region: str) -> int | None:
    """The index in `results` of the run whose p95 in `region` is the median (the lower of the
    two middle ones, as the planner takes it), or None if the region ran nowhere."""
    p95s = []
    for i, result in enumerate(results):
        for r in result.regions:
            if r.region == region and r.ttr_p95_s is not None:
                p95s.append((r.ttr_p95_s, i))
    return sorted(p95s)[(len(p95s) - 1) // 2][1] if p95s else None


def many_causes(results: list[RunResult]) -> list[tuple[str, str, list[str]]]:
    """(region, what sets its p95, levers) for each region, from the run with the median p95
    there: a typical run, named by its index (its child seed)."""
    out = []
    for region in dict.fromkeys(r.region for result in results for r in result.regions):
        i = median_run(results, region)
        if i is None:
            continue
        [r] = [r for r in results[i].regions if r.region == region]
        if r.bottleneck is None:
            continue
        run = results[i].run if results[i].run is not None else i
        _, text, levers = _cause(r)
        out.append(
            (
                region,
                f"in run {run}, the one with the median p95 ({_t(r.ttr_p95_s)}): {text}",
                levers,
            )
        )
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
