"""What ARM's template functions share about their values: the argument checks (an integer, a
string, a boolean, in ARM's words when not), the text string() writes for a value, and the
sameness equals() compares (exact; objects by case-insensitive property name).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from acgsim.planner.export.expressions import Invalid, Scope, Unresolved, kind_of

Function = Callable[[Scope, list], Any]


def as_int(name: str, value: Any, i: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"{name}() takes an integer as argument {i}, not {kind_of(value)}")
    return value


def as_str(name: str, value: Any, i: int) -> str:
    if value is None:
        raise Unresolved(f"{name}() of an unknown value")
    if not isinstance(value, str):
        raise Invalid(f"{name}() takes a string as argument {i}, not {kind_of(value)}")
    return value


def as_bool(name: str, value: Any, i: int) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{name}() takes a boolean as argument {i}, not {kind_of(value)}")
    return value


def text_of(value: Any) -> str:
    """A value as ARM's string() writes it: booleans True/False, objects and arrays as JSON."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def same(a: Any, b: Any) -> bool:
    """ARM's equals(): exact, with objects compared by (case-insensitive) property name."""
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        la = {str(k).lower(): v for k, v in a.items()}
        lb = {str(k).lower(): v for k, v in b.items()}
        return la.keys() == lb.keys() and all(same(la[k], lb[k]) for k in la)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
