"""Tables and figures that read at any width: laws of reports.layout and sim.units.readable."""

from __future__ import annotations

import csv
import io
import re

from hypothesis import given
from hypothesis import strategies as st

from acgsim.reports import layout
from acgsim.sim.units import parse_duration, readable

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-/,%", min_size=1, max_size=14)
CELL = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


@st.composite
def tables(draw):
    columns = draw(st.lists(CELL, min_size=1, max_size=7, unique=True))
    rows = draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)), max_size=6))
    wrap = draw(st.sets(st.sampled_from(columns)))
    return columns, rows, wrap


@given(tables(), st.integers(40, 200))
def test_cells_never_break_and_free_text_keeps_its_words(table, width):
    columns, rows, wrap = table
    head, body = layout.table(columns, rows, sorted(wrap), limit=width)
    text = "\n".join(body)
    for r in rows:
        for c, cell in zip(columns, r, strict=True):
            if c in wrap:  # wraps, but only between words
                assert all(w in text.split() for w in cell.split())
            else:  # whole, on one line
                assert any(cell in line for line in body)
    header = " ".join(" ".join(head).split())
    assert all(w in header.split() for c in columns for w in c.split())


@given(tables(), st.integers(40, 200))
def test_a_table_fits_its_width_when_its_longest_words_do(table, width):
    columns, rows, wrap = table
    head, body = layout.table(columns, rows, sorted(wrap), limit=width)
    least = sum(
        max(
            [max(len(w) for w in c.split())]
            + [max(len(w) for w in r[i].split()) if c in wrap else len(r[i]) for r in rows]
        )
        for i, c in enumerate(columns)
    )
    if least + len(columns) - 1 <= width:
        assert all(len(line) <= width for line in head + body)


def test_figures_are_right_aligned_and_text_left():
    _, body = layout.table(["region", "VMs"], [["westeurope", "1,600"], ["uk", "20"]], limit=80)
    assert body == ["westeurope  1,600", "uk             20"]


def test_a_paragraph_wraps_between_words_with_a_hanging_indent():
    text = "westeurope: p95 is set by boot (1m10s on average in the tail), 75% of its time " * 3
    lines = layout.paragraph(text, indent="  ", limit=60)
    assert all(len(line) <= 60 for line in lines) and lines[1].startswith("    ")
    assert " ".join(" ".join(lines).split()) == " ".join(text.split())


def test_delimited_records_read_back():
    records = [{"region": "westeurope", "p95_s": 81.5, "codes": {"A": 1}}, {"region": "all"}]
    rows = list(csv.DictReader(io.StringIO(layout.delimited(records, "csv"))))
    assert rows[0] == {"region": "westeurope", "p95_s": "81.5", "codes": '{"A":1}'}
    assert rows[1]["p95_s"] == ""
    assert layout.delimited(records, "tsv").splitlines()[0] == "region\tp95_s\tcodes"


@given(st.floats(0, 1e9, allow_nan=False))
def test_numbers_never_use_exponents(x):
    for unit in ("", "%"):
        assert "e" not in readable(x, unit).lower()


@given(st.floats(0, 30 * 86400, allow_nan=False))
def test_durations_read_back_close_to_what_they_were(seconds):
    text = readable(seconds, "s")
    assert re.fullmatch(r"\d+(\.\d)?s|\d+m\d\ds|\d+h\d\dm|\d+d\d\dh", text), text
    back = parse_duration(text)
    tolerance = 0.05 if seconds < 10 else 0.5 if seconds < 3600 else 30 if seconds < 86400 else 1800
    assert abs(back - seconds) <= tolerance + 1e-9


def test_the_forms_people_saw_side_by_side_now_agree():
    assert readable(59.7, "s") == "1m00s" and readable(80, "s") == "1m20s"  # not 60s beside 1m20s
    assert readable(2553.3) == "2,553" and readable(1420) == "1,420"  # not 2.55e+03, not 1420
    assert readable(None) == "-" and readable(0.0186, "%") == "1.9%"
