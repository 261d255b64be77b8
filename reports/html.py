"""Self-contained reports: one HTML file (images embedded, no network: its Content Security Policy
allows none; a run's page has one inline script, its timeline) and a Markdown summary beside it,
for a run or a plan, each with a bibliography of the sources it cites. A plan's report shows the
exported files its caller rendered (file name -> text); reports never run an exporter themselves.

Everything a report shows may come from a file someone else wrote, so text is escaped for its
medium: html.escape in the page; in the Markdown, the characters that start raw HTML, entities,
links, code, emphasis and table cells are backslash-escaped (`_md`) and line breaks become spaces.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from pathlib import Path

from acgsim.planner.plan import Plan
from acgsim.reports import breakdown, events, plan_rows, plots, sources, tables, timeline
from acgsim.reports.files import write_atomic
from acgsim.reports.tables import PLAN_COLUMNS, duration, plan_rows_of, plan_title
from acgsim.sim.errors import InputError
from acgsim.sim.results import RunResult

STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;
padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f0f4f8}img{max-width:100%;
border:1px solid #ddd;margin:.5em 0}code,pre{background:#f6f6f6}pre{padding:.6em;overflow:auto;
max-height:30em}.note{color:#555}"""


def _images(pngs: dict[str, Path]) -> str:
    """The saved PNGs embedded as data URIs, so the page needs no other file."""
    return "".join(
        f'<h3>{html.escape(title)}</h3><img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}">'
        for title, p in pngs.items()
    )


def _table(columns: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


_MD_INLINE = re.compile(r"([\\`*\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#+=.)-])")  # a heading, list item or rule


def _md(value: object) -> str:
    """Markdown showing `value` as text on one line: no raw HTML, entity, link, code span,
    emphasis or table cell break can come from it (underscores stay: inside words they are text)."""
    text = re.sub(r"[\r\n]+", " ", str(value))
    return _MD_INLINE.sub(r"\\\1", text)


def _md_item(value: object) -> str:
    """`_md`, and a start that Markdown would read as a heading, list or rule escaped too."""
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), _md(value))


def _md_table(columns: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md(v) for v in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def _bibliography(text: str) -> tuple[str, str]:
    """The sources `text` cites, as a page section's HTML and as Markdown lines."""
    found = sources.entries(sources.cited(text))
    if not found:
        return "", ""
    items = "".join(
        f"<li>[{html.escape(k)}] {html.escape(title)}"
        + (f' <a href="{html.escape(url)}">{html.escape(url)}</a>' if url else "")
        + "</li>"
        for k, title, url in found
    )
    md = "".join(  # addresses as plain text: Markdown viewers link them; nothing is markup
        f"- {_md(f'[{k}] {title}')}" + (f": {url}" if url else "") + "\n" for k, title, url in found
    )
    return f"<ul>{items}</ul>", "\nSources:\n\n" + md


def _page(title: str, sections: list[tuple[str, str]]) -> str:
    cites, _ = _bibliography(" ".join(html.unescape(v) for _, v in sections))
    sections = [(k, sources.public(v)) for k, v in sections]
    if cites:
        sections.append(("sources", cites))
    body = "".join(
        f'<section id="{html.escape(k)}"><h2>{html.escape(k.replace("-", " ").title())}'
        f"</h2>{v}</section>"
        for k, v in sections
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>'
        f"{html.escape(title)}</title><style>{STYLE}{timeline.STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


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
        page += f'<h3>Waves</h3><p class="note">{html.escape(title)}</p>' + _table(
            breakdown.WAVE_COLUMNS, rows
        )
        md += f"\n## Waves\n\n{_md(title)}\n\n" + _md_table(breakdown.WAVE_COLUMNS, rows)
    if causes:
        items = "".join(
            f"<li><b>{html.escape(region)}</b>: {html.escape(text)}"
            + (f"<br>options: {html.escape('; '.join(levers))}" if levers else "")
            + "</li>"
            for region, text, levers in causes
        )
        page += f"<h3>What sets p95</h3><ul>{items}</ul>"
        md += "\n## What sets p95\n\n" + "".join(
            f"- {_md(region)}: {_md(text)}"
            + (f"\n  - options: {_md('; '.join(levers))}" if levers else "")
            + "\n"
            for region, text, levers in causes
        )
    return page, md


def _assumptions(rows: list[dict[str, str]]) -> str:
    return (
        '<p class="note">Model parameters that are assumptions, not Azure facts, with the '
        "values this report ran with.</p>"
        + _table(
            ["parameter", "value", "rationale"],
            [[r["parameter"], r["value"], r["rationale"]] for r in rows],
        )
    )


def run_report(
    result: RunResult, out: Path, objective_s: float | None = None, svg: bool = False
) -> list[Path]:
    """report.html, report.md and the PNG (and SVG) plots of a run, written into `out`."""
    pngs, written = _save_figures(
        {
            ("time to running", "time-to-running"): plots.ttr_cdf(result, objective_s),
            ("over time", "over-time"): plots.over_time(result),
            ("replication", "replication"): plots.replication_gantt(result),
        },
        out,
        svg,
    )
    images = _images(pngs)
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
    page = _page(
        f"acgsim run: {result.scenario}",
        [
            ("scenario", summary),
            (
                "key-figures",
                f'<p class="note">{html.escape(caption)}</p>'
                + _table(columns, rows)
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
        f"# acgsim run: {_md(result.scenario)}\n\nSeed {result.seed}, simulated "
        f"{_t(result.simulated_end_s)}.\n\n"
        + f"{_md(caption)}\n\n"
        + _md_table(columns, rows)
        + (f"\n{_md(reads)}\n" if reads else "")
        + waves_md
        + "".join(f"\n- {_md_item(line)}" for line in errors)
        + ("\n" if errors else "")
        + "\nPlots: "
        + ", ".join(p.name for p in written)
        + "\n\nAssumptions this run used:\n\n"
        + _md_table(
            ["parameter", "value", "rationale"],
            [
                [r["parameter"], r["value"], sources.public(r["rationale"])]
                for r in result.assumptions
            ],
        )
    )
    return _write(out, page, md) + written


def plan_report(
    plan: Plan, out: Path, svg: bool = False, *, exports: Mapping[str, str] | None = None
) -> list[Path]:
    """report.html, report.md and the plots of a plan, written into `out`; `exports` maps the
    name of each exported file (template.json, main.bicep, ...) to its text, shown as written."""
    pngs, written = _save_figures(
        {
            ("p95 against replicas", "tradeoff"): plots.plan_tradeoff(plan),
            ("monthly cost", "cost"): plots.plan_cost(plan),
        },
        out,
        svg,
    )
    images = _images(pngs)
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
    page = _page(
        f"acgsim plan: {plan.scenario}",
        [
            ("scenario", summary),
            (
                "key-figures",
                f"<p>{html.escape(plan_title(plan, gallery))}.</p>"
                + _table(columns, rows)
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
        f"# acgsim plan: {_md(plan.scenario)}\n\n{t.replicas} replicas, "
        f"{t.monthly_cost_usd:,.2f} {_md(plan.prices.currency)} a month.\n\n"
        + f"{_md(plan_title(plan, gallery))}.\n\n"
        + _md_table(columns, rows)
        + "".join(f"\n- {_md_item(m)}" for m in plan.infeasible)
        + ("\n" if plan.infeasible else "")
        + waves_md
        + _plan_assumptions_md(plan)
    )
    return _write(out, page, md + "\n") + written


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
        + _table(PLAN_ASSUMPTION_COLUMNS, _overridden_first(_plan_assumption_rows(plan)))
    )


def _plan_assumptions_md(plan: Plan) -> str:
    if not plan.assumptions:
        return ""
    rows = _overridden_first(_plan_assumption_rows(plan))
    return "\nAssumptions this plan used:\n\n" + _md_table(PLAN_ASSUMPTION_COLUMNS, rows)


def _overridden_first(rows: list[list[str]]) -> list[list[str]]:
    return sorted(rows, key=lambda r: r[2] == "no")


def _save_figures(figures: dict, out: Path, svg: bool) -> tuple[dict[str, Path], list[Path]]:
    """Each figure saved once: {title: PNG path} for embedding, and every file written."""
    out.mkdir(parents=True, exist_ok=True)
    pngs, written = {}, []
    for (title, name), fig in figures.items():
        paths = plots.save(fig, out / name, svg)
        pngs[title] = paths[0]
        written += paths
    return pngs, written


def _write(out: Path, page: str, md: str) -> list[Path]:
    """The page and the Markdown, which gets the page's bibliography."""
    md = sources.public(md) + _bibliography(html.unescape(re.sub(r"<[^>]+>", " ", page)))[1]
    write_atomic(out / "report.html", page, force=True)
    write_atomic(out / "report.md", md, force=True)
    return [out / "report.html", out / "report.md"]


def report(shown: Plan | RunResult, out: Path, svg: bool, exports_of) -> list[Path]:
    """The report of a plan or of a run; `exports_of(plan)` gives the exported files a plan's
    report shows (this module runs no exporter)."""
    if isinstance(shown, Plan):
        return plan_report(shown, out, svg, exports=exports_of(shown))
    if shown.overall is None:
        raise InputError(f"{shown.scenario}: the run has no figures (it never finished)")
    return run_report(shown, out, svg=svg)
