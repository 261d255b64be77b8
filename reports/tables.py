"""What the command line shows for runs, plans and comparisons: figures formatted once, here.

Tables are laid out by reports.layout (through reports.console); every figure is formatted by
sim.units.readable, one style for a column, a table and a report.
"""

from __future__ import annotations

import json
import sys

from acgsim.planner.plan import Plan
from acgsim.reports import breakdown, events, plan_rows
from acgsim.reports.assumption_tables import print_plan_assumptions
from acgsim.reports.console import emit, fmt_of, note, out, say, show_table
from acgsim.reports.sources import public
from acgsim.sim.results import RunResult
from acgsim.sim.service_errors import RUNTIME
from acgsim.sim.stats import aggregate
from acgsim.sim.units import readable

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


BUSY = ["busy mean", "busy peak"]


def results_json(results: list[RunResult]) -> str:
    """One run's RunResult JSON, or every run with the summary of their key figures."""
    if len(results) == 1:
        return results[0].to_json()
    summary: dict = aggregate(results)
    summary["waves"] = [w.model_dump(mode="json") for w in breakdown.wave_estimates(results)]
    doc = {"runs": [json.loads(r.to_json()) for r in results], "summary": summary}
    return json.dumps(doc, indent=2) + "\n"


def run_records(results: list[RunResult]) -> list[dict]:
    """CSV rows of runs: one per run and region ('all' too), figures raw (seconds, shares)."""
    rows = []
    for i, r in enumerate(results):
        for s in [*r.regions, *([r.overall] if r.overall else [])]:
            data = s.model_dump(mode="json", exclude={"ttr_percentiles_s", "bottleneck"})
            rows.append({"scenario": r.scenario, "run": i, "seed": r.seed, **data})
    return rows


def print_results(results: list[RunResult], fmt: str | bool, scenario=None) -> None:
    """Every run as JSON or CSV, or one run's tables, or the key figures of several."""
    fmt = fmt_of(fmt)
    if fmt == "json":
        sys.stdout.write(results_json(results))
    elif fmt in ("csv", "tsv"):
        emit(fmt, None, "", [], [], records=run_records(results))
    elif len(results) == 1:
        print_run(results[0], scenario)
    else:
        print_many(results)


def duration(seconds: float | None) -> str:
    return readable(seconds, "s")


def peak_busy(s) -> str:
    """The busiest replica's busiest moment: disk creations at once over what it serves."""
    if not s.replica_capacity:
        return "-"
    return readable(s.peak_replica_busy / s.replica_capacity, "%")


def print_run(result: RunResult, scenario=None) -> None:
    summaries = [*result.regions, result.overall]
    show_table(
        f"{result.scenario}: seed {result.seed}, simulated "
        f"{duration(result.simulated_end_s or 0)}. Time from request to running VM "
        "(p50-p99 over the requests that ran; p95 all counts a failed one as never running):",
        ["region", "VMs", "ok", "failed", "in flight", "p50", "p95", "p95 all", "p99", "max"],
        [
            [
                s.region,
                readable(s.requests),
                readable(s.succeeded),
                readable(s.failed),
                readable(s.in_flight),
                duration(s.ttr_p50_s),
                duration(s.ttr_p95_s),
                never(s, s.ttr_all_p95_s),
                duration(s.ttr_p99_s),
                duration(s.ttr_max_s),
            ]
            for s in summaries
        ],
    )
    show_table(
        "Replicas and throttling (replica busy: mean over the run, and the busiest replica at "
        "its peak):",
        ["region", "mean wait", "waited", "longest queue", *BUSY, "429s", "retries"],
        [
            [
                s.region,
                duration(s.wait_mean_s),
                readable(s.waited_share, "%"),
                readable(s.longest_queue),
                readable(s.replica_utilisation, "%"),
                peak_busy(s),
                readable(s.throttled_429),
                readable(s.retries),
            ]
            for s in summaries
        ],
    )
    grid(breakdown.RUN_WAVES_TITLE, breakdown.WAVE_COLUMNS, breakdown.run_wave_rows(result))
    print_causes(breakdown.run_causes(result))
    galleries = {c.version.split("/")[0] for c in result.replication_log}
    short = len(galleries) == 1
    show_table(
        f"Replication (gallery {galleries.pop()}):" if short else "Replication:",
        ["version", "region", "state", "replicas", "storage", "attempts", "done at"],
        [
            [
                c.version.split("/", 1)[1] if short else c.version,
                c.region,
                c.state,
                readable(c.replicas),
                c.storage,
                readable(c.attempts),
                duration(c.completed_s),
            ]
            for c in result.replication_log
        ],
    )
    for line in runtime_errors(result, scenario) + events.lines(result):
        say(line)


def runtime_errors(result: RunResult, scenario=None) -> list[str]:
    """One line per error the run's requests failed with, in the scenario's own names: the
    images and regions of the waves that failed (and their tenant and subscription)."""
    lines = []
    for s in result.regions:
        for code, n in s.failed_by_code.items():
            e = RUNTIME[code]
            waves = [w for w in result.waves if w.region == s.region and w.failed]
            names = _names(waves, scenario) or {"image": "?", "tenant": "?", "subscription": "?"}
            message = e.message.format(region=s.region, **names)
            kind = "acgsim's own words: Azure publishes none" if e.model else f"Azure, {e.source}"
            http = f"HTTP {e.status}" if e.status else "client-side"
            lines.append(
                f"{readable(n)} failed in {s.region} with {e.code or code} ({http}): "
                f"{message} ({kind})"
            )
    return lines


def _names(waves: list, scenario) -> dict[str, str]:
    """The image, tenant and subscription the failing waves used (joined when several)."""
    if not waves:
        return {}
    images = dict.fromkeys(w.image for w in waves)
    subs: dict = {}
    if scenario is not None:
        owners = scenario.subscriptions()
        for w in waves:
            name = scenario.wave(w.key).wave.subscription
            subs[name] = owners[name][0].name if name in owners else "?"
    return {
        "image": ", ".join(images),
        "subscription": ", ".join(subs) or "?",
        "tenant": ", ".join(dict.fromkeys(subs.values())) or "?",
    }


def never(s, seconds: float | None) -> str:
    """An all-requests percentile: 'never' where it falls on requests that never ran."""
    return "never" if seconds is None and s.requests else duration(seconds)


def percent(x: float | None) -> str:
    return readable(x, "%")


def print_many(results: list[RunResult]) -> None:
    figures = aggregate(results)
    shown = {
        "ttr_p50_s": "s",
        "ttr_p95_s": "s",
        "failure_rate": "%",
        "wait_mean_s": "s",
        "throttled_429": "",
        "replica_utilisation": "%",
    }
    rows = []
    for region, f in figures.items():
        cells = []
        for key, unit in shown.items():
            m, h = f[key]["mean"], f[key]["half_width"]
            half = "" if h is None or m is None else f"±{readable(h, unit)}"
            cells.append(readable(m, unit) + half)
        rows.append([region, *cells])
    show_table(
        f"{results[0].scenario}: {len(results)} runs on child seeds of seed "
        f"{results[0].seed} (mean ± 95% CI half-width)",
        ["region", "p50", "p95", "failure rate", "mean wait", "429s", "busy mean"],
        rows,
    )
    waves = breakdown.wave_estimates(results)
    if waves:
        grid(breakdown.MANY_WAVES_TITLE, breakdown.WAVE_COLUMNS, breakdown.estimate_rows(waves))
    print_causes(breakdown.many_causes(results))


def grid(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A table without rules whose cells never break: it reads in a pipe and at 80 columns."""
    show_table(title, columns, rows)


def print_causes(causes: list[tuple[str, str, list[str]]]) -> None:
    """What sets each region's p95, and the options."""
    if causes:
        out.print("What sets p95:", markup=False)
    for region, text, levers in causes:
        say(f"{region}: {text}", indent="  ")
        if levers:
            say(f"options: {'; '.join(levers)}", indent="    ")


PLAN_COLUMNS = ["version", "region", "replicas", "storage", "p95", "failed"]


def plan_goal(p: Plan) -> float | None:
    """The p95 objective when every region has the same one (the title says it once)."""
    goals = {r.objective_p95_s for r in p.regions}
    return goals.pop() if len(goals) == 1 else None


def plan_rows_of(p: Plan) -> tuple[str, list[str], list[list[str]]]:
    """The plan table's gallery (named once when there is one: versions are then image/version),
    its version names, and its rows: version, region, current -> planned replicas, storage,
    p95 ± CI against the objective, failure rate, cost a month."""
    galleries = {r.version.split("/")[0] for r in p.regions}
    short = len(galleries) == 1  # one gallery: name versions image/version
    names = [r.version.split("/", 1)[1] if short else r.version for r in p.regions]
    goal = plan_goal(p)
    rows = [
        [
            name,
            r.region,
            plan_rows.replicas(r),
            plan_rows.storage(r.storage),
            plan_rows.p95(r, shared_goal=goal is not None),
            plan_rows.failed(r),
            plan_rows.money(r.monthly_cost_usd),
        ]
        for name, r in zip(names, p.regions, strict=True)
    ]
    return (galleries.pop() if short else ""), names, rows


def plan_title(p: Plan, gallery: str) -> str:
    where = f" in {gallery}" if gallery else ""
    goal = plan_goal(p)
    against = (
        ""
        if goal is None and all(r.objective_p95_s is None for r in p.regions)
        else f", > where it misses the objective {duration(goal)}"
        if goal is not None
        else ", against each region's objective"
    )
    return (
        f"Plan for {p.scenario}{where} ({p.guidance} guidance, {p.runs} runs per candidate; "
        f"p95: time to running, mean ± 95% CI{against})"
    )


def print_plan(p: Plan) -> None:
    money = p.prices.currency
    gallery, names, rows = plan_rows_of(p)
    show_table(plan_title(p, gallery) + ":", [*PLAN_COLUMNS, money + "/month"], rows)
    out.print("Why:", markup=False)
    for name, r in zip(names, p.regions, strict=True):
        say(f"{name} {r.region}: {plan_rows.reason(r)}", indent="  ")
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
            say(line, indent="  ")
    t = p.totals
    say(
        f"Total: {readable(t.replicas)} replicas (rules: {readable(t.baseline_replicas)}), "
        f"{plan_rows.money(t.monthly_cost_usd)} {money} a month (rules: "
        f"{plan_rows.money(t.baseline_monthly_cost_usd)}), "
        f"{plan_rows.money(t.egress_one_time_usd)} {money} egress once. Prices as of "
        f"{p.prices.as_of}: {public(p.prices.source)}. {readable(p.simulations)} simulations, "
        f"{readable(p.simulated_requests)} simulated requests."
    )
    if p.verification:
        say(f"Figures from {p.verification}.")
    print_plan_assumptions(p.assumptions)
    for w in p.warnings:
        note(f"warning: {w}")
    for msg in p.infeasible:
        note(f"cannot meet the objectives: {msg}")


UNITS = {"failure_rate": "%", "replica_utilisation": "%"}


def _figure(figure: str, x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    unit = "s" if figure.endswith("_s") else UNITS.get(figure, "")
    sign = ("+" if x > 0 else "-" if x < 0 else "") if signed else ""
    if figure == "monthly_cost":
        return sign + plan_rows.money(abs(x) if signed else x)
    return sign + readable(abs(x) if signed else x, unit)


def comparison_records(table: dict) -> list[dict]:
    """CSV rows of a comparison: one per region and figure, raw values."""
    return [
        {"region": region, "figure": name, **f}
        for region, figures in table.items()
        for name, f in figures.items()
    ]


def print_comparison(
    table: dict, a: str, b: str, k: int, seed: int, regions: bool, fmt: str | bool = "table"
) -> None:
    """The paired comparison of two scenarios, region 'all' (and each region if asked)."""
    fmt = fmt_of(fmt)
    if fmt != "table":
        emit(fmt, table, "", [], [], records=comparison_records(table))
        return
    for region, figures in table.items():
        if region != "all" and not regions:
            continue
        rows = [
            [
                f"replicas, {f['currency']}/month"
                if name == "monthly_cost"
                else FIGURE_NAMES[name],
                _figure(name, f["a"]),
                _figure(name, f["b"]),
                _figure(name, f["diff"], signed=True),
                "-" if f["half_width"] is None else "±" + _figure(name, f["half_width"]),
                {True: "yes", False: "no", None: "n/a"}[f["significant"]],
            ]
            for name, f in figures.items()
        ]
        show_table(
            f"{region}: B ({b}) against A ({a}), {k} paired runs on child seeds of seed {seed}",
            ["figure", "A", "B", "B - A", "95% CI", "significant"],
            rows,
        )
