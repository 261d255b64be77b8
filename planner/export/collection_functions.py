"""ARM's array and object functions (template-functions-array.md, -object.md): building them,
union() and intersection() (objects merged as union() merges them, later properties winning),
range(), items(), objectKeys(), tryGet(), min() and max().
"""

from __future__ import annotations

from typing import Any

from acgsim.planner.export.expressions import Invalid, Scope, arity, kind_of
from acgsim.planner.export.function_values import Function, as_int, as_str, same


def _create_array(scope: Scope, args: list) -> list:
    scope.charge(len(args), None)
    return list(args)


def _create_object(scope: Scope, args: list) -> dict:
    if len(args) % 2:
        raise Invalid(
            f"createObject() takes names and values in pairs, got {len(args)} argument(s)"
        )
    out: dict = {}
    for i in range(0, len(args), 2):
        out[as_str("createObject", args[i], i + 1)] = args[i + 1]
    return out


def _merge(a: dict, b: dict) -> dict:
    """Objects merged as union() merges them: later properties win, objects inside merge."""
    out = dict(a)
    for k, v in b.items():
        match = next((key for key in out if str(key).lower() == str(k).lower()), k)
        old = out.pop(match, None)
        out[match] = _merge(old, v) if isinstance(old, dict) and isinstance(v, dict) else v
    return out


def _union(scope: Scope, args: list) -> Any:
    arity("union", args, 1, None)
    if all(isinstance(a, dict) for a in args):
        out: dict = {}
        for a in args:
            out = _merge(out, a)
        return out
    if all(isinstance(a, list) for a in args):
        items: list = []
        for a in args:
            items += [x for x in a if not any(same(x, y) for y in items)]
        return items
    kinds = ", ".join(sorted({kind_of(a) for a in args}))
    raise Invalid(f"union() takes arrays or objects, all of one kind; got {kinds}")


def _intersection(scope: Scope, args: list) -> Any:
    arity("intersection", args, 2, None)
    if all(isinstance(a, list) for a in args):
        first = [x for i, x in enumerate(args[0]) if not any(same(x, y) for y in args[0][:i])]
        return [x for x in first if all(any(same(x, y) for y in a) for a in args[1:])]
    if all(isinstance(a, dict) for a in args):
        return {k: v for k, v in args[0].items() if all(k in a and same(a[k], v) for a in args[1:])}
    raise Invalid("intersection() takes arrays or objects, all of one kind")


def _range(scope: Scope, args: list) -> list:
    arity("range", args, 2, 2)
    start, count = as_int("range", args[0], 1), as_int("range", args[1], 2)
    if not 0 <= count <= 10_000:
        raise Invalid(f"range() count {count:,} is outside ARM's 0 to 10,000")
    scope.charge(count, None)
    return list(range(start, start + count))


def _array(scope: Scope, args: list) -> list:
    arity("array", args, 1, 1)
    return args[0] if isinstance(args[0], list) else [args[0]]


def _items(scope: Scope, args: list) -> list:
    arity("items", args, 1, 1)
    if not isinstance(args[0], dict):
        raise Invalid(f"items() takes an object, not {kind_of(args[0])}")
    return [{"key": k, "value": args[0][k]} for k in sorted(args[0], key=str.lower)]


def _object_keys(scope: Scope, args: list) -> list:
    arity("objectKeys", args, 1, 1)
    if not isinstance(args[0], dict):
        raise Invalid(f"objectKeys() takes an object, not {kind_of(args[0])}")
    return list(args[0])


def _try_get(scope: Scope, args: list) -> Any:
    arity("tryGet", args, 2, None)
    value = args[0]
    for key in args[1:]:
        if isinstance(value, dict) and isinstance(key, str):
            match = [k for k in value if str(k).lower() == key.lower()]
            value = value[match[0]] if match else None
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def _min_max(name: str) -> Function:
    def pick(scope: Scope, args: list) -> int:
        arity(name, args, 1, None)
        values = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        if not values:
            raise Invalid(f"{name}() of an empty array")
        numbers = [as_int(name, v, i) for i, v in enumerate(values, 1)]
        return min(numbers) if name == "min" else max(numbers)

    return pick


COLLECTION_FUNCTIONS: dict[str, Function] = {
    "createarray": _create_array,
    "createobject": _create_object,
    "union": _union,
    "intersection": _intersection,
    "range": _range,
    "array": _array,
    "items": _items,
    "objectkeys": _object_keys,
    "tryget": _try_get,
    "min": _min_max("min"),
    "max": _min_max("max"),
}
