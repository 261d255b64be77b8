"""Reading a JSON input the way ARM reads a template: // and /* */ comments and trailing commas
are accepted (Resource Manager's parser allows them, and the templates VS Code's ARM extension
writes use them). Comments become spaces, newlines kept, so every line number stays where it was.
Anything else is read as acgsim reads any document (sim.documents): within its size and nesting
limits, JSON or YAML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from acgsim.sim.documents import json_data, read_document
from acgsim.sim.errors import Problem, ScenarioError

_COMMENTS = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING = re.compile(r'"(?:[^"\\]|\\.)*"|,(?=\s*[}\]])', re.S)


def strip(text: str) -> str:
    """The text with comments blanked and trailing commas removed (strings untouched)."""

    def blank(m: re.Match) -> str:
        token = m.group()
        return token if token.startswith('"') else re.sub(r"[^\n]", " ", token)

    def comma(m: re.Match) -> str:
        return m.group() if m.group().startswith('"') else " "

    return _TRAILING.sub(comma, _COMMENTS.sub(blank, text))


def read(path: Path, limit: int, what: str) -> tuple[Any, str]:
    """The data and text of an input file no larger than `limit` bytes, comments allowed."""
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        size = 0  # read_document says why it cannot be read
    if size > limit:  # checked before it is read: ARM would refuse it anyway
        raise ScenarioError(
            [Problem((), f"is larger than {what}, {limit // 2**20} MB", file=str(path))]
        )
    try:
        return read_document(path)
    except ScenarioError as refused:
        try:
            regular = path.is_file()
        except OSError:  # a name too long for the file system: read_document said so
            regular = False
        if not regular:  # a device (/dev/zero) never ends: read_document said why not
            raise
        try:
            with path.open("rb") as f:
                text = f.read(limit + 1).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):  # no such file, a folder: read_document said so
            raise refused from None
        cleaned = strip(text)
        if cleaned == text or not cleaned.lstrip().startswith(("{", "[")):
            raise
    return json_data(cleaned, str(path)), cleaned
