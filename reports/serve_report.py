"""`acgsim report` of an `acgsim serve` trace: the tables of acgsim.reports.servetrace on the
console, and as a self-contained HTML page (report.html, its "serve trace" section) with a
Markdown twin (report.md). Every cell may come from a client's request path or user agent, so it
is escaped for its medium (html.escape; Markdown through acgsim.reports.markup).
"""

from __future__ import annotations

import html
from pathlib import Path

from acgsim.reports import layout, servetrace
from acgsim.reports.files import write_atomic
from acgsim.reports.markup import md, md_table
from acgsim.reports.report_page import CSP, STYLE


def console_lines(s: servetrace.Summary) -> list[str]:
    """The report as lines for a terminal or a pipe."""
    out = layout.paragraph(servetrace.headline(s))
    for title, columns, rows in servetrace.tables(s):
        out += ["", title]
        if not rows:
            out.append("  (none)")
            continue
        head, body = layout.table(columns, rows, wrap=("resource", "operation", "client"))
        out += ["  " + line for line in head + body]
    return out


def _html_table(columns: list[str], rows: list[list[object]]) -> str:
    if not rows:
        return '<p class="note">(none)</p>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def section(s: servetrace.Summary) -> str:
    """The HTML section showing a trace."""
    parts = [f"<p>{html.escape(servetrace.headline(s))}</p>"]
    for title, columns, rows in servetrace.tables(s):
        parts.append(f"<h3>{html.escape(title)}</h3>{_html_table(columns, rows)}")
    return '<section id="serve-trace"><h2>Serve trace</h2>' + "".join(parts) + "</section>"


def page(s: servetrace.Summary) -> str:
    title = f"acgsim serve trace: {s.path.name}"
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>'
        f"{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{section(s)}</body></html>\n"
    )


def markdown(s: servetrace.Summary) -> str:
    out = [f"# acgsim serve trace: {md(s.path.name)}\n", md(servetrace.headline(s)) + "\n"]
    for title, columns, rows in servetrace.tables(s):
        out.append(f"## {md(title)}\n")
        out.append(md_table(columns, rows) if rows else "(none)\n")
    return "\n".join(out)


def report(trace: Path, out: Path) -> tuple[list[str], list[Path]]:
    """Read the trace (InputError naming any bad line; nothing is written then), write
    report.html and report.md into `out`; the console lines and the files written."""
    s = servetrace.load(trace)
    write_atomic(out / "report.html", page(s), force=True)
    write_atomic(out / "report.md", markdown(s), force=True)
    return console_lines(s), [out / "report.html", out / "report.md"]
