"""The bundled scenario library: lessons and what-if cases, shipped as package data.

Commands that take a scenario accept a file or, where no such file exists, a bundled name
(`acgsim run quickstart`), so the library works from any folder and from an installed wheel.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from acgsim.sim.errors import InputError, Problem, ScenarioError


def folder() -> Path:
    """The folder that holds the bundled YAML files (inside the checkout or the installed wheel)."""
    return Path(str(resources.files(__name__)))


def names() -> list[str]:
    """Every bundled scenario's name, sorted."""
    return sorted(p.stem for p in folder().glob("*.yaml"))


def path(name: str) -> Path:
    """The bundled scenario called NAME (with or without .yaml); InputError lists the known ones."""
    stem = name.removesuffix(".yaml")
    found = folder() / f"{stem}.yaml"
    if "/" in stem or "\\" in stem or not _is_file(found):
        raise InputError(f"no bundled scenario '{name}'; known: {', '.join(names())}")
    return found


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system is no bundled scenario either
        return False


def resolve(arg: str | Path) -> Path:
    """A scenario argument: the file when it exists, else the bundled scenario of that name;
    ScenarioError when it is neither."""
    given = Path(arg)
    try:
        exists = given.exists()
    except OSError:  # a name no file system takes (too long): the loader says why
        return given
    if exists or given.suffix or given.parent != Path("."):
        return given  # a path: the loader names the file in any error
    try:
        return path(given.name)
    except InputError:
        why = f"no such file, and no bundled scenario of that name (known: {', '.join(names())})"
        raise ScenarioError([Problem((), why, file=str(arg))]) from None


def lessons() -> list[dict[str, str]]:
    """Every bundled scenario's name with its point (its `# Lesson:` comment) and how many
    exercises it has."""
    from acgsim.scenarios.exercises import exercises, point

    counted: dict[str, int] = {}
    for ex in exercises():
        counted[ex.lesson] = counted.get(ex.lesson, 0) + 1
    return [
        {"name": name, "lesson": point(name), "exercises": counted.get(name, 0)} for name in names()
    ]
