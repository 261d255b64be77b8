"""ARM's lambda functions (template-functions-lambda.md), what Bicep's `map(xs, x => ...)`,
`filter`, `reduce`, `sort`, `toObject`, `mapValues` and `groupBy` compile to, and `flatten`
(template-functions-array.md), which Bicep uses with them.

`lambda('x', ['i',] body)` is a value only these functions take: its body is evaluated for each
item with `lambdaVariables('x')` bound (and the index, where the function passes one), in the
copy loops of the expression that wrote it. Anything else a lambda is given to is refused, as ARM
refuses it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from acgsim.planner.export.expressions import Invalid, Scope, Unresolved, arity, kind_of
from acgsim.planner.export.function_values import as_str


class Lambda:
    """lambda('a', 'b', body): the names, the unevaluated body, the copy indexes it sees."""

    def __init__(self, names: list[str], body: tuple, loops: dict):
        self.names, self.body, self.loops = names, body, loops


Invoke = Callable[[Lambda, list], Any]


def variable(name: str) -> tuple[str, str]:
    """The key a lambda variable has among the copy indexes an expression sees."""
    return ("lambda", name.lower())


def bind(fn: Lambda, values: list) -> dict:
    return {**fn.loops, **{variable(n): v for n, v in zip(fn.names, values, strict=False)}}


def _fn(name: str, value: Any, i: int, most: int) -> Lambda:
    if not isinstance(value, Lambda):
        raise Invalid(f"{name}() takes a lambda as argument {i}, not {kind_of(value)}")
    if not 1 <= len(value.names) <= most:
        raise Invalid(f"{name}(): its lambda takes 1 to {most} variable(s), not {len(value.names)}")
    return value


def _array(name: str, value: Any) -> list:
    if value is None:
        raise Unresolved(f"{name}() of an unknown value")
    if not isinstance(value, list):
        raise Invalid(f"{name}() takes an array first, not {kind_of(value)}")
    return value


def _map(scope: Scope, args: list, invoke: Invoke) -> list:
    arity("map", args, 2, 2)
    items, fn = _array("map", args[0]), _fn("map", args[1], 2, 2)
    out = [invoke(fn, [x, i]) for i, x in enumerate(items)]
    scope.charge(len(out), None)
    return out


def _filter(scope: Scope, args: list, invoke: Invoke) -> list:
    arity("filter", args, 2, 2)
    items, fn = _array("filter", args[0]), _fn("filter", args[1], 2, 2)
    out = []
    for i, x in enumerate(items):
        keep = invoke(fn, [x, i])
        if not isinstance(keep, bool):
            raise Invalid(f"filter(): its lambda must give true or false, not {kind_of(keep)}")
        if keep:
            out.append(x)
    return out


def _reduce(scope: Scope, args: list, invoke: Invoke) -> Any:
    arity("reduce", args, 3, 3)
    items, fn = _array("reduce", args[0]), _fn("reduce", args[2], 3, 3)
    current = args[1]
    for i, x in enumerate(items):
        current = invoke(fn, [current, x, i])
    return current


def _sort(scope: Scope, args: list, invoke: Invoke) -> list:
    arity("sort", args, 2, 2)
    items, fn = _array("sort", args[0]), _fn("sort", args[1], 2, 2)

    def before(a: Any, b: Any) -> bool:
        result = invoke(fn, [a, b])
        if not isinstance(result, bool):
            raise Invalid(f"sort(): its lambda must give true or false, not {kind_of(result)}")
        return result

    return sorted(
        items, key=functools.cmp_to_key(lambda a, b: -1 if before(a, b) else int(before(b, a)))
    )


def _to_object(scope: Scope, args: list, invoke: Invoke) -> dict:
    arity("toObject", args, 2, 3)
    items, key_fn = _array("toObject", args[0]), _fn("toObject", args[1], 1, 1)
    value_fn = _fn("toObject", args[2], 1, 1) if len(args) == 3 else None
    out: dict = {}
    for x in items:
        key = as_str("toObject", invoke(key_fn, [x]), 2)
        out[key] = invoke(value_fn, [x]) if value_fn else x
    return out


def _map_values(scope: Scope, args: list, invoke: Invoke) -> dict:
    arity("mapValues", args, 2, 2)
    if not isinstance(args[0], dict):
        raise Invalid(f"mapValues() takes an object first, not {kind_of(args[0])}")
    fn = _fn("mapValues", args[1], 1, 1)
    return {k: invoke(fn, [v]) for k, v in args[0].items()}


def _group_by(scope: Scope, args: list, invoke: Invoke) -> dict:
    arity("groupBy", args, 2, 2)
    items, fn = _array("groupBy", args[0]), _fn("groupBy", args[1], 1, 1)
    out: dict = {}
    for x in items:
        out.setdefault(as_str("groupBy", invoke(fn, [x]), 2), []).append(x)
    return out


def _flatten(scope: Scope, args: list, invoke: Invoke) -> list:
    arity("flatten", args, 1, 1)
    out: list = []
    for item in _array("flatten", args[0]):
        if not isinstance(item, list):
            raise Invalid(f"flatten() takes an array of arrays; an item is {kind_of(item)}")
        out += item
    scope.charge(len(out), None)
    return out


LAMBDA_FUNCTIONS: dict[str, Callable[[Scope, list, Invoke], Any]] = {
    "map": _map,
    "filter": _filter,
    "reduce": _reduce,
    "sort": _sort,
    "toobject": _to_object,
    "mapvalues": _map_values,
    "groupby": _group_by,
    "flatten": _flatten,
}
