"""Text escaped for its medium, the building blocks of the reports' pages and Markdown twins.

Everything a report shows may come from a file someone else wrote: html.escape in a page's table;
in Markdown, the characters that start raw HTML, entities, links, code, emphasis and table cells
are backslash-escaped (`md`) and line breaks become spaces.
"""

from __future__ import annotations

import html
import re


def html_table(columns: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


_MD_INLINE = re.compile(r"([\\`*\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#+=.)-])")  # a heading, list item or rule


def md(value: object) -> str:
    """Markdown showing `value` as text on one line: no raw HTML, entity, link, code span,
    emphasis or table cell break can come from it (underscores stay: inside words they are text)."""
    text = re.sub(r"[\r\n]+", " ", str(value))
    return _MD_INLINE.sub(r"\\\1", text)


def md_item(value: object) -> str:
    """`md`, and a start that Markdown would read as a heading, list or rule escaped too."""
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), md(value))


def md_table(columns: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(md(v) for v in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"
