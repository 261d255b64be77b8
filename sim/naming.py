"""Azure's naming rules for gallery resources [RN][TS][TF], and the order of version names.

Patterns use ASCII classes ([0-9], [A-Za-z]): Azure takes English letters and digits only [TS].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- Names [RN][TS][TF] ---------------------------------------------------------------------


@dataclass(frozen=True)
class NameRule:
    """A naming rule as a regular expression plus the sentence that explains it."""

    what: str
    pattern: str
    rule: str
    source: str
    max_length: int = 80

    def matches(self, value: str) -> bool:
        return re.fullmatch(self.pattern, value) is not None


NAME_RULES: dict[str, NameRule] = {
    "label": NameRule(
        "name",
        r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}",
        "1-80 letters, digits, '.', '_' or '-', starting with a letter or digit (a name the "
        "scenario uses for a tenant or subscription)",
        "acgsim",
    ),
    "gallery": NameRule(
        "gallery name",
        r"[A-Za-z0-9](?:[A-Za-z0-9._]{0,78}[A-Za-z0-9])?",
        "1-80 characters: letters, digits, periods and underscores, starting and ending with a "
        "letter or digit (no hyphens)",
        "RN; TS; TF",
    ),
    "image": NameRule(
        "image definition name",
        r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9])?",
        "1-80 characters: letters, digits, underscores, hyphens and periods, starting and ending "
        "with a letter or digit",
        "RN; TS",
    ),
    "publisher": NameRule(
        "publisher",
        r"[A-Za-z0-9._-]{0,127}[A-Za-z0-9_-]",
        "1-128 characters: letters, digits, hyphens, periods and underscores, not ending with a "
        "period",
        "TS; TF",
        128,
    ),
    "offer": NameRule(
        "offer",
        r"[A-Za-z0-9._-]{0,63}[A-Za-z0-9_-]",
        "1-64 characters: letters, digits, hyphens, periods and underscores, not ending with a "
        "period",
        "TS; TF",
        64,
    ),
    "sku": NameRule(
        "sku",
        r"[A-Za-z0-9._-]{0,63}[A-Za-z0-9_-]",
        "1-64 characters: letters, digits, hyphens, periods and underscores, not ending with a "
        "period",
        "TS; TF",
        64,
    ),
    "version": NameRule(
        "image version name",
        r"[0-9]+\.[0-9]+\.[0-9]+",
        "MAJOR.MINOR.PATCH: three non-negative whole numbers, each at most 2147483647",
        "RN; TS",
    ),
    "resource_group": NameRule(
        "resource group name",
        r"[-\w._()]{0,89}[-\w_()]",
        "1-90 characters: letters, digits, underscores, hyphens, periods and parentheses, not "
        "ending with a period",
        "RN",
        90,
    ),
}
VERSION_PART_MAX = 2147483647  # each part of MAJOR.MINOR.PATCH is an int32 [RN]


def version_key(name: str) -> tuple[int, int, int]:
    """The ordering `latest` uses: (major, minor, patch) as integers [SIG]."""
    major, minor, patch = (int(p) for p in name.split("."))
    return major, minor, patch
