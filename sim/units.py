"""Durations with units, as a person writes them in a scenario: "45s", "30m", "6h", "1h30m", "2d".

Inside the simulation time is float seconds. A duration is written back in the largest unit that
divides it exactly, so reading what was written gives the same number of seconds.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

UNITS_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_WHOLE = re.compile(r"\s*(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)\s*)+")
PATTERN = r"^\s*(\d+(\.\d+)?\s*(ms|s|m|h|d)\s*)+$"
HELP = "a duration with a unit: '45s', '30m', '6h', '1h30m' or '2d'"


def parse_duration(value: object, from_file: bool = True) -> float:
    """Seconds in a duration string. In a file a bare number needs a unit (but 0); from Python,
    a number is taken as seconds."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "acgsim.duration", "expected {help}, got {got}", {"help": HELP, "got": repr(value)}
        )
    if isinstance(value, (int, float)):
        if value == 0 or (not from_file and value > 0 and math.isfinite(value)):
            return float(value)
        raise PydanticCustomError(
            "acgsim.duration", "{got} has no unit; write {help}", {"got": repr(value), "help": HELP}
        )
    if not isinstance(value, str) or not _WHOLE.fullmatch(value):
        raise PydanticCustomError(
            "acgsim.duration", "expected {help}, got {got}", {"help": HELP, "got": repr(value)}
        )
    seconds = sum(float(n) * UNITS_S[u] for n, u in _PART.findall(value))
    if not math.isfinite(seconds):
        raise PydanticCustomError(
            "acgsim.duration", "duration {got} is too large", {"got": repr(value)}
        )
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest exact text for seconds: 5400 -> '90m', 7200 -> '2h', 1.5 -> '1.5s'."""
    if seconds == 0:
        return "0s"
    if float(seconds).is_integer():
        whole = int(seconds)
        for unit in ("d", "h", "m"):
            size = int(UNITS_S[unit])
            if whole % size == 0:
                return f"{whole // size}{unit}"
        return f"{whole}s"
    # repr gives the shortest digits that read back exactly; Decimal writes them without an exponent
    return f"{Decimal(repr(float(seconds))):f}s"


def readable(value: float | None, unit: str = "") -> str:
    """Every figure a person reads, formatted one way (tables, reports, narration, plots).

    unit "s": a duration rounded for reading: 3.2s, 45s, 1m05s, 1h12m, 2d03h (59.7 -> 1m00s, never
    60s); "%": a share of 1 as a percentage, 12.3%; "": a count or a figure, 1,420 or 44.7 or 0.125,
    never in exponent notation. None is "-".
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "s":
        return _duration(float(value))
    if unit == "%":
        return f"{100 * value:.1f}%"
    return _number(value)


def _duration(seconds: float) -> str:
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    if round(seconds, 1) < 10:
        return f"{sign}{seconds:.1f}s"
    whole = round(seconds)
    if whole < 60:
        return f"{sign}{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{sign}{minutes}m{secs:02d}s"
    hours, minutes = divmod(round(seconds / 60), 60)
    if hours < 24:
        return f"{sign}{hours}h{minutes:02d}m"
    days, hours = divmod(round(seconds / 3600), 24)
    return f"{sign}{days}d{hours:02d}h"


def _number(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    size = abs(x)
    if size >= 100:
        return f"{x:,.0f}"
    if size >= 10:
        return f"{x:.1f}"
    if size >= 1:
        return f"{x:.2f}"
    digits = min(6, 2 - math.floor(math.log10(size)))  # three significant digits, at most 6
    return f"{x:.{digits}f}"


def human_duration(seconds: float) -> str:
    """A readable rounding for tables: 4321 -> '1h12m', 75.4 -> '1m15s', 3.2 -> '3.2s'."""
    return readable(seconds, "s")


def _validate(value: object, info: ValidationInfo) -> float:
    return parse_duration(value, from_file=bool((info.context or {}).get("from_file")))


Duration = Annotated[
    float,
    BeforeValidator(_validate),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": PATTERN}, {"const": 0}],
            "description": HELP,
            "examples": ["30m"],
        }
    ),
]
