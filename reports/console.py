"""The screen: the consoles for stdout and stderr, --quiet and --verbose, and the primitives every
renderer uses: a format's data as JSON, CSV or TSV, a table that fits the width, a wrapped
paragraph, a note on stderr.

The only place besides reports' files that writes to the screen (DESIGN: nothing in sim/ or
planner/ prints). It imports no model (numpy, SimPy, the planner), so `acgsim validate`,
`limits` and `regions` answer fast; run and plan tables are in reports/tables.py, progress in
reports/progress.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from acgsim.reports import layout

out = Console(highlight=False, soft_wrap=True)


err = Console(stderr=True, highlight=False, soft_wrap=True)
QUIET = False  # --quiet: no notes, warnings or progress on stderr (errors still are)
VERBOSE = False  # --verbose: also what a run assumed


def set_verbosity(quiet: bool, verbose: bool) -> None:
    global QUIET, VERBOSE
    QUIET, VERBOSE = quiet, verbose and not quiet
    err.quiet = quiet


def fmt_of(fmt: str | bool) -> str:
    """--format's value; True and False are the older --json flag's."""
    return "json" if fmt is True else "table" if fmt is False else fmt


def emit(
    fmt: str | bool,
    data: object,
    title: str,
    columns: list[str],
    rows: list[list[str]],
    wrap: Sequence[str] = (),
    records: list[dict] | None = None,
) -> None:
    """`data` as JSON, `records` (default: `data`) as CSV or TSV, or `rows` as a table."""
    fmt = fmt_of(fmt)
    if fmt == "json":
        print(json.dumps(data, indent=2))
    elif fmt in ("csv", "tsv"):
        chosen = records if records is not None else data
        if not isinstance(chosen, list):
            chosen = [dict(zip(columns, r, strict=False)) for r in rows]
        sys.stdout.write(layout.delimited([layout.flat(r) for r in chosen], fmt))
    else:
        show_table(title, columns, rows, wrap)


def show_table(title: str, columns: Sequence[str], rows: list[list[str]], wrap=()) -> None:
    """A title (wrapped) over a table that fits the width: bold header on a terminal."""
    if title:
        say(title)
    head, body = layout.table(columns, rows, wrap)
    for line in head:
        out.print(Text(line, style="bold"))
    for line in body:
        out.print(line, markup=False)


def say(text: str, indent: str = "", hang: str = "  ", to=None) -> None:
    """A paragraph wrapped between words within the width (never inside a word or number)."""
    for line in layout.paragraph(text, indent, hang):
        (to or out).print(line, markup=False)


def note(text: str) -> None:
    """A warning or remark on stderr, wrapped like every paragraph."""
    say(text, to=err)
