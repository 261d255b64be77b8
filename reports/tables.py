"""What the command line shows for runs, plans and comparisons: figures formatted once, here.

Tables use rich (through reports.console's consoles); every figure a user reads is formatted in
this module, nowhere else.
"""

from __future__ import annotations

import json
import sys

from acgsim.planner.plan import Plan
from acgsim.reports.console import emit, err, out
from acgsim.sim.errors import RUNTIME
from acgsim.sim.results import RunResult
from acgsim.sim.stats import aggregate
from acgsim.sim.units import human_duration

FIGURE_NAMES = {
    "requests": "requests",
    "succeeded": "running",
    "ttr_p50_s": "p50 time to running",
    "ttr_p95_s": "p95 time to running",
    "failure_rate": "failure rate",
    "wait_mean_s": "mean replica wait",
    "throttled_429": "HTTP 429s",
    "retries": "retries",
    "replica_utilisation": "replica busy",
    "replication_done_s": "replication done",
}


def results_json(results: list[RunResult]) -> str:
    """One run's RunResult JSON, or every run with the summary of their key figures."""
    if len(results) == 1:
        return results[0].to_json()
    doc = {
        "runs": [json.loads(r.to_json()) for r in results],
        "summary": aggregate(results),
    }
    return json.dumps(doc, indent=2) + "\n"


def print_results(results: list[RunResult], as_json: bool) -> None:
    """Every run as JSON, or one run's tables, or the key figures of several."""
    if as_json:
        sys.stdout.write(results_json(results))
    elif len(results) == 1:
        print_run(results[0])
    else:
        print_many(results)


def duration(seconds: float | None) -> str:
    return "-" if seconds is None else human_duration(seconds)


def print_run(result: RunResult) -> None:
    summaries = [*result.regions, result.overall]
    emit(
        False,
        None,
        f"{result.scenario}: seed {result.seed}, simulated "
        f"{human_duration(result.simulated_end_s or 0)}. Time from request to running VM:",
        ["region", "requests", "ok", "failed", "in flight", "p50", "p95", "p99", "max"],
        [
            [
                s.region,
                f"{s.requests:,}",
                f"{s.succeeded:,}",
                f"{s.failed:,}",
                f"{s.in_flight:,}",
                duration(s.ttr_p50_s),
                duration(s.ttr_p95_s),
                duration(s.ttr_p99_s),
                duration(s.ttr_max_s),
            ]
            for s in summaries
        ],
    )
    emit(
        False,
        None,
        "Replicas and throttling:",
        ["region", "mean wait", "waited", "longest queue", "replica busy", "429s", "retries"],
        [
            [
                s.region,
                duration(s.wait_mean_s),
                percent(s.waited_share),
                str(s.longest_queue),
                percent(s.replica_utilisation),
                f"{s.throttled_429:,}",
                f"{s.retries:,}",
            ]
            for s in summaries
        ],
    )
    emit(
        False,
        None,
        "Replication:",
        ["region", "state", "replicas", "storage", "attempts", "done at", "version"],
        [
            [
                c.region,
                c.state,
                str(c.replicas),
                c.storage,
                str(c.attempts),
                duration(c.completed_s),
                c.version,
            ]
            for c in result.replication_log
        ],
    )
    codes = result.overall.failed_by_code if result.overall else {}
    for code, n in codes.items():
        e = RUNTIME[code]
        label = e.code or code
        kind = "acgsim's own words: Azure publishes none" if e.model else f"Azure, {e.source}"
        message = e.message.format(
            image="<image>", region="<region>", tenant="<tenant>", subscription="<subscription>"
        )
        out.print(f"{n:,} failed with {label} (HTTP {e.status}): {message} ({kind})", markup=False)


def percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def print_many(results: list[RunResult]) -> None:
    figures = aggregate(results)
    shown = [
        "ttr_p50_s",
        "ttr_p95_s",
        "failure_rate",
        "wait_mean_s",
        "throttled_429",
        "replica_utilisation",
    ]
    rows = []
    for region, f in figures.items():
        cells = []
        for key in shown:
            m, h = f[key]["mean"], f[key]["half_width"]
            fmt = duration if key.endswith("_s") else (lambda x: f"{x:,.3g}")
            cells.append("-" if m is None else fmt(m) + ("" if h is None else f" ± {fmt(h)}"))
        rows.append([region, *cells])
    emit(
        False,
        None,
        f"{results[0].scenario}: {len(results)} runs on child seeds of seed "
        f"{results[0].seed} (mean ± 95% CI half-width)",
        ["region", "p50", "p95", "failure rate", "mean wait", "429s", "replica util"],
        rows,
    )


def estimate(e) -> str:
    if e is None or e.mean is None:
        return "-"
    return duration(e.mean) + ("" if e.half_width is None else f" ± {duration(e.half_width)}")


def print_plan(p: Plan) -> None:
    rows = []
    for r in p.regions:
        change = (
            f"{r.replicas}"
            if r.replicas == r.baseline_replicas
            else f"{r.replicas} (rules {r.baseline_replicas})"
        )
        ok = {True: "yes", False: "NO", None: "-"}[r.meets_objectives]
        rows.append(
            [
                r.region,
                change,
                r.storage,
                r.reasons[0],
                estimate(r.p95_s),
                ok,
                f"{r.monthly_cost_usd:,.2f}",
            ]
        )
    emit(
        False,
        None,
        f"Plan for {p.scenario} ({p.guidance} guidance, {p.runs} "
        "runs per candidate; p95 = time to running, mean ± 95% CI)",
        ["region", "replicas", "storage", "why", "p95", "meets", f"{p.prices.currency}/month"],
        rows,
    )
    for r in p.regions:
        out.print(f"{r.region} ({r.version}):", markup=False)
        for reason in r.reasons:
            out.print(f"  - {reason}", markup=False)
    t, money = p.totals, p.prices.currency
    out.print(
        f"Total: {t.replicas} replicas, {t.monthly_cost_usd:,.2f} {money} a month (rules alone: "
        f"{t.baseline_replicas}, {t.baseline_monthly_cost_usd:,.2f}), plus "
        f"{t.egress_one_time_usd:,.2f} {money} egress once. Prices as of {p.prices.as_of}: "
        f"{p.prices.source}. {p.simulations} simulations, {p.simulated_requests:,} "
        "simulated requests.",
        markup=False,
    )
    for w in p.warnings:
        err.print(f"warning: {w}", markup=False)
    for msg in p.infeasible:
        err.print(f"cannot meet the objectives: {msg}", markup=False)


def _figure(figure: str, x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    sign = ("+" if x > 0 else "-" if x < 0 else "") if signed else ""
    if figure.endswith("_s"):
        return sign + duration(abs(x) if signed else x)
    if figure in ("failure_rate", "replica_utilisation"):
        return sign + f"{100 * (abs(x) if signed else x):.1f}%"
    return sign + f"{abs(x) if signed else x:,.3g}"


def print_comparison(
    table: dict, a: str, b: str, k: int, seed: int, regions: bool, as_json: bool = False
) -> None:
    if as_json:
        print(json.dumps(table, indent=2))
        return
    """The paired comparison of two scenarios, region 'all' (and each region if asked)."""
    for region, figures in table.items():
        if region != "all" and not regions:
            continue
        rows = [
            [
                FIGURE_NAMES[name],
                _figure(name, f["a"]),
                _figure(name, f["b"]),
                _figure(name, f["diff"], signed=True),
                "-" if f["half_width"] is None else "± " + _figure(name, f["half_width"]),
                {True: "yes", False: "no", None: "n/a"}[f["significant"]],
            ]
            for name, f in figures.items()
        ]
        emit(
            False,
            None,
            f"{region}: B ({b}) against A ({a}), {k} paired runs on child seeds of seed {seed}",
            ["figure", "A", "B", "B - A", "95% CI", "significant"],
            rows,
        )
