"""Tables and paragraphs that read at any width: the text layout every command's output uses.

A table has no rules or boxes (it reads the same in a pipe, a log and a terminal). Its cells
never break: a figure, a name or a version stays whole. Only free-text columns (a note, a
rationale) wrap, and only between words; headers wrap between words too. When even that does not
fit, the line is left longer rather than a word broken. Pure functions of text and width: no
terminal, no rich, so they are tested as they are.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence

FORMATS = ("table", "json", "csv", "tsv")
GAP = "  "
_FIGURE = re.compile(r"^[+\-±<>=~]?\s?[\d.,]+")
MIN_WIDTH = 40


def width() -> int:
    """The width to lay out for: $COLUMNS, else the terminal's, else 80 (a pipe, a file)."""
    given = os.environ.get("COLUMNS", "")
    if given.isdigit() and int(given) > 0:
        return max(MIN_WIDTH, int(given))
    if sys.stdout.isatty():
        return max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)
    return 80


def _words_width(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _right(cells: list[str]) -> bool:
    """A column of figures ('1,420', '-', '+3.7%', '1m05s ± 2.0s') is right-aligned."""
    shown = [c for c in cells if c not in ("", "-")]
    return bool(shown) and all(_FIGURE.match(c) for c in shown)


def _widths(columns: Sequence[str], rows: list[list[str]], wrap: set[int], room: int) -> list[int]:
    natural = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    if sum(natural) <= room:
        return natural
    # the least each column takes: its longest cell (a free-text column: its longest word) and
    # its header's longest word
    least = [
        max(
            _words_width(c),
            max((_words_width(r[i]) if i in wrap else len(r[i]) for r in rows), default=0),
        )
        for i, c in enumerate(columns)
    ]
    spare = room - sum(least)
    if spare <= 0:
        return least
    # whole headers first, the shortest wants first (a header given part of its want still
    # wraps), then the free-text columns in proportion to what they want
    widths = list(least)
    for i in sorted((i for i in range(len(columns)) if i not in wrap), key=lambda i: natural[i]):
        want = natural[i] - widths[i]
        if 0 < want <= spare:
            widths[i] += want
            spare -= want
    want = {i: natural[i] - widths[i] for i in wrap if natural[i] > widths[i]}
    total = sum(want.values())
    for i, w in want.items():
        give = min(w, spare * w // total)
        widths[i] += give
    spare = room - sum(widths)
    for i in sorted(want):  # what rounding left
        give = min(spare, natural[i] - widths[i])
        widths[i] += give
        spare -= give
    return widths


def _wrap(text: str, size: int) -> list[str]:
    return textwrap.wrap(text, size, break_long_words=False, break_on_hyphens=False) or [""]


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    wrap: Sequence[str] = (),
    limit: int | None = None,
) -> tuple[list[str], list[str]]:
    """The header lines and the body lines of a table laid out within `limit` columns (default:
    width()). Columns named in `wrap` hold free text and wrap between words; no other cell breaks.
    """
    limit = width() if limit is None else limit
    cells = [["" if c is None else str(c) for c in r] for r in rows]
    free = {i for i, c in enumerate(columns) if c in wrap}
    gaps = len(columns) - 1
    gap, widths = GAP, _widths(columns, cells, free, limit - len(GAP) * gaps)
    if sum(widths) + len(GAP) * gaps > limit:  # a narrower gap before a longer line
        gap, widths = " ", _widths(columns, cells, free, limit - gaps)
    right = [i not in free and _right([r[i] for r in cells]) for i in range(len(columns))]

    def lines(row: Sequence[str], header: bool) -> list[str]:
        pairs = enumerate(zip(row, widths, strict=True))
        parts = [_wrap(c, w) if header or i in free else [c] for i, (c, w) in pairs]
        if header:  # a header's last line sits on the rows
            depth = max(len(p) for p in parts)
            parts = [[""] * (depth - len(p)) + p for p in parts]
        out = []
        for k in range(max(len(p) for p in parts)):
            line = []
            for i, p in enumerate(parts):
                text = p[k] if k < len(p) else ""
                line.append(text.rjust(widths[i]) if right[i] else text.ljust(widths[i]))
            out.append(gap.join(line).rstrip())
        return out

    body = [line for r in cells for line in lines(r, False)]
    return lines(list(columns), True), body


def paragraph(text: str, indent: str = "", hang: str = "  ", limit: int | None = None) -> list[str]:
    """A line of prose wrapped between words within the width; the lines after the first hang."""
    limit = width() if limit is None else limit
    return textwrap.wrap(
        text,
        max(20, limit),
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent]


def delimited(records: list[dict], fmt: str) -> str:
    """Records as CSV or TSV: one header row (every key, in first-seen order), figures raw."""
    keys: list[str] = []
    for r in records:
        keys += [k for k in r if k not in keys]
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        keys,
        delimiter="\t" if fmt == "tsv" else ",",
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    for r in records:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return buffer.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else value


def flat(row: dict, prefix: str = "") -> dict:
    """One level of columns for CSV: nested {a: {b: 1}} becomes a_b."""
    out: dict = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            out.update(flat(value, name + "_"))
        else:
            out[name] = value
    return out
