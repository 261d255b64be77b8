"""What the command line shows for runs, plans and comparisons: figures formatted once, here.

Tables use rich (through reports.console's consoles); every figure a user reads is formatted in
this module, nowhere else.
"""

from __future__ import annotations

import json
import sys

from rich.table import Table

from acgsim.planner.plan import Plan
from acgsim.reports import breakdown, plan_rows
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
    summary: dict = aggregate(results)
    summary["waves"] = [w.model_dump(mode="json") for w in breakdown.wave_estimates(results)]
    doc = {"runs": [json.loads(r.to_json()) for r in results], "summary": summary}
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
        f"{human_duration(result.simulated_end_s or 0)}. Time from request to running VM "
        "(p50-p99 over the requests that ran; p95 all counts a failed one as never running):",
        ["region", "requests", "ok", "failed", "in flight", "p50", "p95", "p95 all", "p99", "max"],
        [
            [
                s.region,
                f"{s.requests:,}",
                f"{s.succeeded:,}",
                f"{s.failed:,}",
                f"{s.in_flight:,}",
                duration(s.ttr_p50_s),
                duration(s.ttr_p95_s),
                never(s, s.ttr_all_p95_s),
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
    grid(breakdown.RUN_WAVES_TITLE, breakdown.WAVE_COLUMNS, breakdown.run_wave_rows(result))
    print_causes(breakdown.run_causes(result))
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
        http = f"HTTP {e.status}" if e.status else "client-side"
        out.print(f"{n:,} failed with {label} ({http}): {message} ({kind})", markup=False)


def never(s, seconds: float | None) -> str:
    """An all-requests percentile: 'never' where it falls on requests that never ran."""
    return "never" if seconds is None and s.requests else duration(seconds)


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
    waves = breakdown.wave_estimates(results)
    if waves:
        grid(breakdown.MANY_WAVES_TITLE, breakdown.WAVE_COLUMNS, breakdown.estimate_rows(waves))
    print_causes(breakdown.many_causes(results))


def estimate(e) -> str:
    if e is None or e.mean is None:
        return "-"
    return duration(e.mean) + ("" if e.half_width is None else f" ± {duration(e.half_width)}")


def grid(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A table without rules whose cells never break: it reads in a pipe and at 80 columns."""
    out.print(title, markup=False)
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="bold")
    for c in columns:
        table.add_column(c, no_wrap=True, overflow="ellipsis")
    for r in rows:
        table.add_row(*r)
    out.print(table)


def print_causes(causes: list[tuple[str, str, list[str]]]) -> None:
    """What sets each region's p95, and the options."""
    if causes:
        out.print("What sets p95:", markup=False)
    for region, text, levers in causes:
        out.print(f"  {region}: {text}", markup=False)
        if levers:
            out.print(f"    options: {'; '.join(levers)}", markup=False)


PLAN_COLUMNS = ["version", "region", "replicas", "storage", "p95", "failed"]


def plan_rows_of(p: Plan) -> tuple[str, list[str], list[list[str]]]:
    """The plan table's gallery (named once when there is one: versions are then image/version),
    its version names, and its rows: version, region, current -> planned replicas, storage,
    p95 ± CI against the objective, failure rate, cost a month."""
    galleries = {r.version.split("/")[0] for r in p.regions}
    short = len(galleries) == 1  # one gallery: name versions image/version
    names = [r.version.split("/", 1)[1] if short else r.version for r in p.regions]
    rows = [
        [
            name,
            r.region,
            plan_rows.replicas(r),
            plan_rows.storage(r.storage),
            plan_rows.p95(r),
            plan_rows.failed(r),
            f"{r.monthly_cost_usd:,.2f}",
        ]
        for name, r in zip(names, p.regions, strict=True)
    ]
    return (galleries.pop() if short else ""), names, rows


def plan_title(p: Plan, gallery: str) -> str:
    where = f" in {gallery}" if gallery else ""
    return (
        f"Plan for {p.scenario}{where} ({p.guidance} guidance, {p.runs} runs per candidate; "
        "p95: time to running, mean ± 95% CI, against the objective)"
    )


def print_plan(p: Plan) -> None:
    money = p.prices.currency
    gallery, names, rows = plan_rows_of(p)
    grid(plan_title(p, gallery) + ":", [*PLAN_COLUMNS, money + "/month"], rows)
    out.print("Why:", markup=False)
    for name, r in zip(names, p.regions, strict=True):
        out.print(f"  {name} {r.region}: {plan_rows.reason(r)}", markup=False)
    if p.waves:
        out.print()
        grid(breakdown.PLAN_WAVES_TITLE, breakdown.WAVE_COLUMNS, breakdown.plan_wave_rows(p))
    print_causes(breakdown.plan_causes(p))
    if p.alternatives:
        out.print()
        grid(
            "Alternatives, each searched and verified like the plan (zone outage: zone 1 lost "
            "from the region's first wave, simulated; * that storage type is not allowed there):",
            [*plan_rows.ALTERNATIVE_COLUMNS, money + "/month"],
            plan_rows.alternative_rows(p),
        )
        for line in [*plan_rows.alternative_totals(p), *p.alternative_notes]:
            out.print(f"  {line}", markup=False)
    t = p.totals
    out.print(
        f"Total: {t.replicas} replicas (rules: {t.baseline_replicas}), "
        f"{t.monthly_cost_usd:,.2f} {money} a month (rules: {t.baseline_monthly_cost_usd:,.2f}), "
        f"{t.egress_one_time_usd:,.2f} {money} egress once. Prices as of {p.prices.as_of}: "
        f"{p.prices.source}. {p.simulations:,} simulations, {p.simulated_requests:,} "
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
