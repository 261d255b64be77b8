"""The problems acgsim reports to the user: a located Problem in a scenario file, and the
InputError (ScenarioError for scenario files) the CLI turns into stderr lines and exit status 2.

The words of a problem Azure would refuse come from the refusal catalogue (sim.refusals); errors a
deployment meets at run time are in sim.service_errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from acgsim.sim.characters import printable
from acgsim.sim.refusals import render


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a scenario file, located by its field path."""

    path: tuple[str | int, ...]
    message: str
    azure: str | None = None
    docs: str | None = None
    severity: str = "error"
    file: str = ""
    line: int | None = None

    @property
    def where(self) -> str:
        """The field path as a person reads it: galleries[0].images[1].name."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        return text or "(top level)"

    def __str__(self) -> str:
        parts = [self.file or "<scenario>", self.where]
        lead = "warning: " if self.severity == "warning" else ""
        azure = f'; Azure says: "{self.azure}"' if self.azure else ""
        docs = f'; Azure docs: "{self.docs}"' if self.docs else ""
        line = f" (line {self.line})" if self.line else ""
        return printable(f"{': '.join(parts)}: {lead}{self.message}{azure}{docs}{line}")


class InputError(Exception):
    """Input the user can fix (an option, a file that is not what it should be): each line names
    the file or option and what is allowed. The CLI prints the lines and exits with status 2.
    ScenarioError is the same for scenario files, with a located Problem for each line."""

    status = 2  # the CLI's exit status; a subclass may have its own

    def __init__(self, *lines: str) -> None:
        self.lines = [printable(line) for line in lines]
        super().__init__("\n".join(self.lines))


class ScenarioError(InputError):
    """A scenario the user must fix; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(*(str(p) for p in problems))
        self.problems = problems


def problem(
    path: tuple[str | int, ...], key: str, severity: str = "error", **fmt: object
) -> Problem:
    """A Problem from a refusal key, for cross-field checks."""
    explain, azure, docs = render(key, **fmt)
    return Problem(path=path, message=explain, azure=azure, docs=docs, severity=severity)
