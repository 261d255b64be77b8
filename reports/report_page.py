"""The report page's skeleton: its styles and Content Security Policy (no network: it allows
none; inline styles and script only), its sections, the bibliography of the sources it cites, the
plots embedded as data URIs, and the writing of report.html with its Markdown twin report.md.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from acgsim.reports import plots, sources, timeline
from acgsim.reports.files import write_atomic
from acgsim.reports.markup import md

STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;
padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f0f4f8}img{max-width:100%;
border:1px solid #ddd;margin:.5em 0}code,pre{background:#f6f6f6}pre{padding:.6em;overflow:auto;
max-height:30em}.note{color:#555}"""


def images(pngs: dict[str, Path]) -> str:
    """The saved PNGs embedded as data URIs, so the page needs no other file."""
    return "".join(
        f'<h3>{html.escape(title)}</h3><img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}">'
        for title, p in pngs.items()
    )


CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def bibliography(text: str) -> tuple[str, str]:
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
    md_lines = "".join(  # addresses as plain text: Markdown viewers link them; nothing is markup
        f"- {md(f'[{k}] {title}')}" + (f": {url}" if url else "") + "\n" for k, title, url in found
    )
    return f"<ul>{items}</ul>", "\nSources:\n\n" + md_lines


def page(title: str, sections: list[tuple[str, str]]) -> str:
    cites, _ = bibliography(" ".join(html.unescape(v) for _, v in sections))
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


def save_figures(figures: dict, out: Path, svg: bool) -> tuple[dict[str, Path], list[Path]]:
    """Each figure saved once: {title: PNG path} for embedding, and every file written."""
    out.mkdir(parents=True, exist_ok=True)
    pngs, written = {}, []
    for (title, name), fig in figures.items():
        paths = plots.save(fig, out / name, svg)
        pngs[title] = paths[0]
        written += paths
    return pngs, written


def write(out: Path, page: str, md: str) -> list[Path]:
    """The page and the Markdown, which gets the page's bibliography."""
    md = sources.public(md) + bibliography(html.unescape(re.sub(r"<[^>]+>", " ", page)))[1]
    write_atomic(out / "report.html", page, force=True)
    write_atomic(out / "report.md", md, force=True)
    return [out / "report.html", out / "report.md"]
