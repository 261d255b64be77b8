"""The bundled lessons as `acgsim scenarios` lists them, and their exercises as `scenarios check`
shows them: each question, the command that shows it, its answer, and whether a run bore it out.
"""

from __future__ import annotations

from acgsim.reports.console import emit, say


def print_lessons(rows: list[dict], fmt: str | bool) -> None:
    title = (
        f"{len(rows)} bundled lessons (acgsim scenarios show NAME; exercises with answers: "
        "acgsim scenarios check NAME)"
    )
    table = [[r["name"], r["lesson"], str(r["exercises"])] for r in rows]
    emit(fmt, rows, title, ["name", "the point", "exercises"], table, wrap=["the point"])


def print_exercises(checked: list) -> None:
    """Each exercise: its question, the command that shows it, its answer, and whether the run
    bore the answer out."""
    for ex, wrong in checked:
        say(f"{ex.lesson}: {ex.question}")
        say(f"try: {ex.command}", indent="  ", hang="    ")
        say(f"answer: {ex.answer}", indent="  ", hang="    ")
        say("verified by running it" if not wrong else "NOT borne out: " + "; ".join(wrong), "  ")
