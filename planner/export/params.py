"""Values an export leaves to the user (parameters, variables, environment variables), and the
identifiers every format uses for symbols and parameter names."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Param:
    """A value the user supplies at deployment; `default` is what the scenario gives, if any."""

    name: str  # an identifier, unique in the export
    description: str
    default: str | None = None


def identifier(*parts: str) -> str:
    """A name safe as a parameter, variable or symbolic name: letters, digits and underscores."""
    text = "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_") for p in parts)
    return text if text[:1].isalpha() else f"x_{text}"


def unique(name: str, used: set[str]) -> str:
    """`name`, or name_2, name_3, ... if taken (web-app and web_app would otherwise collide)."""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{name}_{n}"
    used.add(candidate)
    return candidate
