"""The reports of a run and of a plan: the sections each shows, as one self-contained HTML page
(acgsim.reports.report_page: plots embedded, no network; a run's page has one inline script, its
timeline) and a Markdown summary beside it. A plan's report shows the exported files its caller
rendered (file name -> text); reports never run an exporter themselves. Everything shown is
escaped for its medium (html.escape in the page, acgsim.reports.markup in the Markdown).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

from acgsim.planner.plan import Plan
from acgsim.reports import (
    breakdown,
    events,
    markup,
    plan_rows,
    plots,
    report_page,
    sources,
    tables,
    timeline,
)
from acgsim.reports.tables import PLAN_COLUMNS, duration, plan_rows_of, plan_title
from acgsim.sim.errors import InputError
from acgsim.sim.results import RunResult


def _t(x: float | None) -> str:
    return "-" if x is None else duration(x)


def _figures_table(result: RunResult) -> tuple[list[str], list[list[object]]]:
    columns = [
        "region",
        "requests",
        "running",
        "failed",
        "p50",
        "p95",
        "p95 all",
        "p99",
        "mean wait",
        "longest queue",
        "429s",
        "replication done",
    ]
    rows = [
        [
            s.region,
            f"{s.requests:,}",
            f"{s.succeeded:,}",
            f"{s.failed:,}",
            _t(s.ttr_p50_s),
            _t(s.ttr_p95_s),
            tables.never(s, s.ttr_all_p95_s),
            _t(s.ttr_p99_s),
            _t(s.wait_mean_s),
            s.longest_queue,
            f"{s.throttled_429:,}",
            _t(s.replication_done_s),
        ]
        for s in [*result.regions, result.overall]
        if s is not None
    ]
    return columns, rows


def _reads(result: RunResult) -> str:
    """Sentences on throttled status polls and version deletes (reports.events)."""
    return " ".join(events.lines(result))


Causes = list[tuple[str, str, list[str]]]


def _where_time_goes(title: str, rows: list[list[str]], causes: Causes) -> tuple[str, str]:
    """The per-wave table and what sets each region's p95 (reports.breakdown's words), as HTML
    and as Markdown."""
    page = md = ""
    if rows:
        page += f'<h3>Waves</h3><p class="note">{html.escape(title)}</p>' + markup.html_table(
            breakdown.WAVE_COLUMNS, rows
        )
        md += f"\n## Waves\n\n{markup.md(title)}\n\n" + markup.md_table(
            breakdown.WAVE_COLUMNS, rows
        )
    if causes:
        items = "".join(
            f"<li><b>{html.escape(region)}</b>: {html.escape(text)}"
            + (f"<br>options: {html.escape('; '.join(levers))}" if levers else "")
            + "</li>"
            for region, text, levers in causes
        )
        page += f"<h3>What sets p95</h3><ul>{items}</ul>"
        md += "\n## What sets p95\n\n" + "".join(
            f"- {markup.md(region)}: {markup.md(text)}"
            + (f"\n  - options: {markup.md('; '.join(levers))}" if levers else "")
            + "\n"
            for region, text, levers in causes
        )
    return page, md


def _assumptions(rows: list[dict[str, str]]) -> str:
    return (
        '<p class="note">Model parameters that are assumptions, not Azure facts, with the '
        "values this report ran with.</p>"
        + markup.html_table(
            ["parameter", "value", "rationale"],
            [[r["parameter"], r["value"], r["rationale"]] for r in rows],
        )
    )


def run_report(
    result: RunResult, out: Path, objective_s: float | None = None, svg: bool = False
) -> list[Path]:
    """report.html, report.md and the PNG (and SVG) plots of a run, written into `out`."""
    pngs, written = report_page.save_figures(
        {
            ("time to running", "time-to-running"): plots.ttr_cdf(result, objective_s),
            ("over time", "over-time"): plots.over_time(result),
            ("replication", "replication"): plots.replication_gantt(result),
        },
        out,
        svg,
    )
    images = report_page.images(pngs)
    columns, rows = _figures_table(result)
    caption = (
        "Time from request to running VM: p50-p99 over the requests that ran; p95 all counts "
        "a failed one as never running ('never' when more than 5% never ran)."
    )
    reads = _reads(result)
    waves_page, waves_md = _where_time_goes(
        breakdown.RUN_WAVES_TITLE, breakdown.run_wave_rows(result), breakdown.run_causes(result)
    )
    errors = tables.runtime_errors(result)
    failures = "".join(f"<li>{html.escape(line)}</li>" for line in errors)
    summary = (
        f"<p>Scenario <b>{html.escape(result.scenario)}</b> (SHA-256 "
        f"<code>{html.escape(result.scenario_sha256[:12])}</code>), seed {result.seed}, simulated "
        f"{_t(result.simulated_end_s)}, acgsim {html.escape(result.acgsim_version)}.</p>"
        + (f"<p>Failures:</p><ul>{failures}</ul>" if failures else "")
    )
    page = report_page.page(
        f"acgsim run: {result.scenario}",
        [
            ("scenario", summary),
            (
                "key-figures",
                f'<p class="note">{html.escape(caption)}</p>'
                + markup.html_table(columns, rows)
                + (f'<p class="note">{html.escape(reads)}</p>' if reads else "")
                + waves_page,
            ),
            ("timeline", timeline.section(result)),
            ("plots", images),
            ("plan", '<p class="note">A run has no plan: see <code>acgsim plan</code>.</p>'),
            ("assumptions", _assumptions(result.assumptions)),
            (
                "exports",
                '<p class="note">Exports come from a plan or a scenario: '
                "<code>acgsim export FILE --format arm|bicep|terraform|azcli</code>.</p>",
            ),
        ],
    )
    md = (
        f"# acgsim run: {markup.md(result.scenario)}\n\nSeed {result.seed}, simulated "
        f"{_t(result.simulated_end_s)}.\n\n"
        + f"{markup.md(caption)}\n\n"
        + markup.md_table(columns, rows)
        + (f"\n{markup.md(reads)}\n" if reads else "")
        + waves_md
        + "".join(f"\n- {markup.md_item(line)}" for line in errors)
        + ("\n" if errors else "")
        + "\nPlots: "
        + ", ".join(p.name for p in written)
        + "\n\nAssumptions this run used:\n\n"
        + markup.md_table(
            ["parameter", "value", "rationale"],
            [
                [r["parameter"], r["value"], sources.public(r["rationale"])]
                for r in result.assumptions
            ],
        )
    )
    return report_page.write(out, page, md) + written


def plan_report(
    plan: Plan, out: Path, svg: bool = False, *, exports: Mapping[str, str] | None = None
) -> list[Path]:
    """report.html, report.md and the plots of a plan, written into `out`; `exports` maps the
    name of each exported file (template.json, main.bicep, ...) to its text, shown as written."""
    pngs, written = report_page.save_figures(
        {
            ("p95 against replicas", "tradeoff"): plots.plan_tradeoff(plan),
            ("monthly cost", "cost"): plots.plan_cost(plan),
        },
        out,
        svg,
    )
    images = report_page.images(pngs)
    money = f"{plan.prices.currency}/month"
    gallery, _, cells = plan_rows_of(plan)
    columns = [*PLAN_COLUMNS, money, "decisive reason"]
    rows = [[*c, plan_rows.reason(r)] for c, r in zip(cells, plan.regions, strict=True)]
    waves_page, waves_md = _where_time_goes(
        breakdown.PLAN_WAVES_TITLE, breakdown.plan_wave_rows(plan), breakdown.plan_causes(plan)
    )
    reasons = "".join(
        f"<h3>{html.escape(r.region)} ({html.escape(r.version)})</h3><ul>"
        + "".join(f"<li>{html.escape(x)}</li>" for x in r.reasons)
        + "</ul>"
        for r in plan.regions
    )
    messages = "".join(f"<li>{html.escape(m)}</li>" for m in [*plan.infeasible, *plan.warnings])
    t = plan.totals
    summary = (
        f"<p>Scenario <b>{html.escape(plan.scenario)}</b>, {html.escape(plan.guidance)} guidance, "
        f"{plan.runs} runs per candidate, seed {plan.seed}. Total "
        f"{t.replicas} replicas, {t.monthly_cost_usd:,.2f} {html.escape(plan.prices.currency)} "
        "a month "
        f"(rules alone: {t.baseline_replicas}, {t.baseline_monthly_cost_usd:,.2f}), "
        f"{t.egress_one_time_usd:,.2f} egress once; prices as of {plan.prices.as_of}.</p>"
        + (f"<ul>{messages}</ul>" if messages else "")
    )
    files = "".join(
        f"<details><summary>{html.escape(name)}</summary><pre>{html.escape(text)}</pre></details>"
        for name, text in (exports or {}).items()
    )
    export_section = (
        "<p>Write them with <code>acgsim export plan.json --format "
        f"arm|bicep|terraform|azcli</code>.</p>{files}"
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in plan.prices.notes)
    page = report_page.page(
        f"acgsim plan: {plan.scenario}",
        [
            ("scenario", summary),
            (
                "key-figures",
                f"<p>{html.escape(plan_title(plan, gallery))}.</p>"
                + markup.html_table(columns, rows)
                + waves_page,
            ),
            ("plots", images),
            ("plan", reasons),
            (
                "assumptions",
                f"<p>Prices: {html.escape(plan.prices.source)}</p><ul>{notes}</ul>"
                + _plan_assumptions(plan),
            ),
            ("exports", export_section),
        ],
    )
    md = (
        f"# acgsim plan: {markup.md(plan.scenario)}\n\n{t.replicas} replicas, "
        f"{t.monthly_cost_usd:,.2f} {markup.md(plan.prices.currency)} a month.\n\n"
        + f"{markup.md(plan_title(plan, gallery))}.\n\n"
        + markup.md_table(columns, rows)
        + "".join(f"\n- {markup.md_item(m)}" for m in plan.infeasible)
        + ("\n" if plan.infeasible else "")
        + waves_md
        + _plan_assumptions_md(plan)
    )
    return report_page.write(out, page, md + "\n") + written


PLAN_ASSUMPTION_COLUMNS = ["parameter", "value", "overridden", "source", "rationale"]


def _plan_assumption_rows(plan: Plan) -> list[list[str]]:
    return [
        [
            a.parameter,
            a.value,
            f"yes (default {a.default})" if a.overridden else "no",
            a.source,
            sources.public(a.rationale),
        ]
        for a in plan.assumptions
    ]


def _plan_assumptions(plan: Plan) -> str:
    """The model assumptions the plan ran with, the scenario's overrides first."""
    if not plan.assumptions:  # a plan.json of acgsim 0.2 or before
        return (
            '<p class="note">The model assumptions are those of the scenario: '
            "<code>acgsim assumptions FILE</code>.</p>"
        )
    changed = sum(a.overridden for a in plan.assumptions)
    return (
        f'<p class="note">Model parameters that are assumptions, not Azure facts, with the '
        f"values this plan ran with ({changed} overridden by the scenario).</p>"
        + markup.html_table(PLAN_ASSUMPTION_COLUMNS, _overridden_first(_plan_assumption_rows(plan)))
    )


def _plan_assumptions_md(plan: Plan) -> str:
    if not plan.assumptions:
        return ""
    rows = _overridden_first(_plan_assumption_rows(plan))
    return "\nAssumptions this plan used:\n\n" + markup.md_table(PLAN_ASSUMPTION_COLUMNS, rows)


def _overridden_first(rows: list[list[str]]) -> list[list[str]]:
    return sorted(rows, key=lambda r: r[2] == "no")


def report(shown: Plan | RunResult, out: Path, svg: bool, exports_of) -> list[Path]:
    """The report of a plan or of a run; `exports_of(plan)` gives the exported files a plan's
    report shows (this module runs no exporter)."""
    if isinstance(shown, Plan):
        return plan_report(shown, out, svg, exports=exports_of(shown))
    if shown.overall is None:
        raise InputError(f"{shown.scenario}: the run has no figures (it never finished)")
    return run_report(shown, out, svg=svg)
