"""ARM's functions on single values: logic (and, or, not), comparison (equals, greater, less, ...),
integer arithmetic (.NET's: division truncates towards zero), conversions (string, int, bool,
json), the constants true, false and null, and coalesce().
"""

from __future__ import annotations

import json
from typing import Any

from acgsim.planner.export.expressions import Invalid, Scope, arity, kind_of, quote
from acgsim.planner.export.function_values import Function, as_bool, as_int, as_str, same, text_of


def _logic(name: str) -> Function:
    def logic(scope: Scope, args: list) -> bool:
        arity(name, args, 1 if name == "not" else 2, 1 if name == "not" else None)
        flags = [as_bool(name, a, i) for i, a in enumerate(args, 1)]
        return not flags[0] if name == "not" else all(flags) if name == "and" else any(flags)

    return logic


def _equals(scope: Scope, args: list) -> bool:
    arity("equals", args, 2, 2)
    return same(args[0], args[1])


_ORDER = {
    "greater": lambda a, b: a > b,
    "greaterOrEquals": lambda a, b: a >= b,
    "less": lambda a, b: a < b,
    "lessOrEquals": lambda a, b: a <= b,
}


def _compare(name: str) -> Function:
    def compare(scope: Scope, args: list) -> bool:
        arity(name, args, 2, 2)
        a, b = args
        ok = (isinstance(a, str) and isinstance(b, str)) or (
            isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool | type(None))
        )
        if not ok or isinstance(b, bool):
            raise Invalid(f"{name}() compares two integers or two strings")
        return _ORDER[name](a, b)

    return compare


def _arith(name: str) -> Function:
    def arith(scope: Scope, args: list) -> int:
        arity(name, args, 2, 2)
        a, b = (as_int(name, x, i) for i, x in enumerate(args, 1))
        if name in ("div", "mod") and b == 0:
            raise Invalid(f"{name}() by zero")
        if name == "div":
            return int(a / b)  # .NET integer division truncates towards zero
        if name == "mod":
            return a - b * int(a / b)
        return {"add": a + b, "sub": a - b, "mul": a * b}[name]

    return arith


def _string(scope: Scope, args: list) -> str:
    arity("string", args, 1, 1)
    out = text_of(args[0])
    scope.charge(len(out), None)
    return out


def _to_int(scope: Scope, args: list) -> int:
    arity("int", args, 1, 1)
    value = args[0]
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    shown = f"'{quote(value)}'" if isinstance(value, str) else kind_of(value)
    raise Invalid(f"int() cannot convert {shown} to an integer")


def _to_bool(scope: Scope, args: list) -> bool:
    arity("bool", args, 1, 1)
    value = args[0]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    shown = f"'{quote(value)}'" if isinstance(value, str) else kind_of(value)
    raise Invalid(f"bool() cannot convert {shown} to true or false")


def _json(scope: Scope, args: list) -> Any:
    arity("json", args, 1, 1)
    text = as_str("json", args[0], 1)
    try:
        return json.loads(text)
    except ValueError:
        raise Invalid(f"json() of '{quote(text)}', which is not JSON") from None


def _constant(name: str, value: Any) -> Function:
    def constant(scope: Scope, args: list) -> Any:
        arity(name, args, 0, 0)
        return value

    return constant


def _coalesce(scope: Scope, args: list) -> Any:
    arity("coalesce", args, 1, None)
    return next((a for a in args if a is not None), None)


SCALAR_FUNCTIONS: dict[str, Function] = {
    "and": _logic("and"),
    "or": _logic("or"),
    "not": _logic("not"),
    "equals": _equals,
    **{name.lower(): _compare(name) for name in _ORDER},
    **{name: _arith(name) for name in ("add", "sub", "mul", "div", "mod")},
    "string": _string,
    "int": _to_int,
    "bool": _to_bool,
    "json": _json,
    "true": _constant("true", True),
    "false": _constant("false", False),
    "null": _constant("null", None),
    "coalesce": _coalesce,
}
