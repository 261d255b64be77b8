"""ARM template functions that depend on their arguments alone: strings, arrays, objects,
comparisons, logic, numbers and conversions, as azure-docs describes them
(articles/azure-resource-manager/templates/template-functions-*.md).

Each takes the evaluated arguments and the scope (to charge what it builds against the 4 MB a
template may expand to) and returns a JSON value, or raises Invalid in ARM's terms: a wrong
number of arguments, a wrong type, an index outside an array. `if` is not here: only its chosen
branch is evaluated (planner.export.evaluator). Text comparisons in equals(), contains() on arrays
and union() are exact, as in ARM; property names are case-insensitive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from acgsim.planner.export.expressions import Invalid, Scope, Unresolved, arity, kind_of, quote

Function = Callable[[Scope, list], Any]


def _int(name: str, value: Any, i: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"{name}() takes an integer as argument {i}, not {kind_of(value)}")
    return value


def _str(name: str, value: Any, i: int) -> str:
    if value is None:
        raise Unresolved(f"{name}() of an unknown value")
    if not isinstance(value, str):
        raise Invalid(f"{name}() takes a string as argument {i}, not {kind_of(value)}")
    return value


def _bool(name: str, value: Any, i: int) -> bool:
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


def _same(a: Any, b: Any) -> bool:
    """ARM's equals(): exact, with objects compared by (case-insensitive) property name."""
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        la = {str(k).lower(): v for k, v in a.items()}
        lb = {str(k).lower(): v for k, v in b.items()}
        return la.keys() == lb.keys() and all(_same(la[k], lb[k]) for k in la)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


# --- strings and arrays alike ----------------------------------------------------------------


def _concat(scope: Scope, args: list) -> Any:
    arity("concat", args, 1, None)
    if all(isinstance(a, list) for a in args):
        scope.charge(sum(len(a) for a in args), None)
        return [item for a in args for item in a]
    for i, a in enumerate(args, 1):
        if a is None:
            raise Unresolved("concat() of an unknown value")
        if not isinstance(a, (str, int)) or isinstance(a, bool):
            raise Invalid(
                f"concat() joins strings and integers, or arrays; argument {i} is {kind_of(a)}"
            )
    scope.charge(sum(len(a) if isinstance(a, str) else 20 for a in args), None)
    return "".join(str(a) for a in args)


def _length(scope: Scope, args: list) -> int:
    arity("length", args, 1, 1)
    if not isinstance(args[0], (str, list, dict)):
        raise Invalid(f"length() takes a string, an array or an object, not {kind_of(args[0])}")
    return len(args[0])


def _empty(scope: Scope, args: list) -> bool:
    arity("empty", args, 1, 1)
    if not isinstance(args[0], (str, list, dict, type(None))):
        raise Invalid(f"empty() takes a string, an array or an object, not {kind_of(args[0])}")
    return not args[0]


def _end(name: str, last: bool) -> Function:
    def end(scope: Scope, args: list) -> Any:
        arity(name, args, 1, 1)
        value = args[0]
        if not isinstance(value, (str, list)):
            raise Invalid(f"{name}() takes a string or an array, not {kind_of(value)}")
        if not value:
            return "" if isinstance(value, str) else None
        return value[-1] if last else value[0]

    return end


def _contains(scope: Scope, args: list) -> bool:
    arity("contains", args, 2, 2)
    container, item = args
    if isinstance(container, str):
        return text_of(item) in container
    if isinstance(container, list):
        return any(_same(x, item) for x in container)
    if isinstance(container, dict):
        return isinstance(item, str) and item.lower() in {str(k).lower() for k in container}
    raise Invalid(f"contains() looks in a string, an array or an object, not {kind_of(container)}")


def _take_skip(name: str) -> Function:
    def cut(scope: Scope, args: list) -> Any:
        arity(name, args, 2, 2)
        value, n = args[0], max(0, _int(name, args[1], 2))
        if not isinstance(value, (str, list)):
            raise Invalid(f"{name}() takes a string or an array, not {kind_of(value)}")
        return value[:n] if name == "take" else value[n:]

    return cut


# --- strings ---------------------------------------------------------------------------------

_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)\}|[{}]")


def _format(scope: Scope, args: list) -> str:
    """.NET's composite format, as ARM's format() uses it: {0}, {1}, ... and {{ }} escapes."""
    arity("format", args, 1, None)
    text, values = args[0], args[1:]
    if not isinstance(text, str):
        raise Invalid(f"format() takes a format string first, not {kind_of(text)}")
    if any(v is None for v in values):
        raise Unresolved("format() of an unknown value")
    pieces = []  # (start, end, replacement) of each format item
    for m in _FORMAT_ITEM.finditer(text):
        if m.group(1) is not None:
            index = int(m.group(1))
            if index >= len(values):
                raise Invalid(
                    f"format() has no value for {{{index}}}: {len(values)} value(s) follow the "
                    "format string"
                )
            pieces.append((m.start(), m.end(), text_of(values[index])))
        elif m.group() in ("{{", "}}"):
            pieces.append((m.start(), m.end(), m.group()[0]))
        else:
            raise Unresolved("a format item acgsim does not read")  # {0,5}, {0:N2}
    scope.charge(len(text) + sum(len(p[2]) for p in pieces), None)
    out, last = [], 0
    for start, end, piece in pieces:
        out += [text[last:start], piece]
        last = end
    return "".join([*out, text[last:]])


def _case(name: str, upper: bool) -> Function:
    def case(scope: Scope, args: list) -> str:
        arity(name, args, 1, 1)
        text = _str(name, args[0], 1)
        return text.upper() if upper else text.lower()

    return case


def _replace(scope: Scope, args: list) -> str:
    arity("replace", args, 3, 3)
    text, old, new = (_str("replace", a, i) for i, a in enumerate(args, 1))
    if not old:
        raise Invalid("replace() cannot replace an empty string")
    if text.count(old) * max(1, len(new)) > 2**22:
        scope.charge(text.count(old) * len(new), None)  # past 4 MB: refused by charge
    out = text.replace(old, new)
    scope.charge(len(out), None)
    return out


def _split(scope: Scope, args: list) -> list:
    arity("split", args, 2, 2)
    text = _str("split", args[0], 1)
    delims = args[1] if isinstance(args[1], list) else [args[1]]
    delims = [_str("split", d, 2) for d in delims]
    if not all(delims):
        raise Invalid("split() cannot split at an empty delimiter")
    parts = [text]
    for d in delims:
        parts = [p for part in parts for p in part.split(d)]
    scope.charge(len(parts), None)
    return parts


def _join(scope: Scope, args: list) -> str:
    arity("join", args, 2, 2)
    items, sep = args
    if not isinstance(items, list):
        raise Invalid(f"join() takes an array first, not {kind_of(items)}")
    out = _str("join", sep, 2).join(text_of(i) for i in items)
    scope.charge(len(out), None)
    return out


def _affix(name: str) -> Function:
    def affix(scope: Scope, args: list) -> bool:
        arity(name, args, 2, 2)
        text, part = (_str(name, a, i).lower() for i, a in enumerate(args, 1))
        return text.startswith(part) if name == "startsWith" else text.endswith(part)

    return affix


def _index_of(name: str) -> Function:
    def index(scope: Scope, args: list) -> int:
        arity(name, args, 2, 2)
        if isinstance(args[0], list):
            found = [i for i, x in enumerate(args[0]) if _same(x, args[1])]
            return (found[-1] if name == "lastIndexOf" else found[0]) if found else -1
        text, part = (_str(name, a, i).lower() for i, a in enumerate(args, 1))
        return text.rfind(part) if name == "lastIndexOf" else text.find(part)

    return index


def _substring(scope: Scope, args: list) -> str:
    arity("substring", args, 1, 3)
    text = _str("substring", args[0], 1)
    start = _int("substring", args[1], 2) if len(args) > 1 else 0
    length = _int("substring", args[2], 3) if len(args) > 2 else len(text) - start
    if start < 0 or length < 0 or start + length > len(text):
        raise Invalid(
            f"substring({start}, {length}) is outside the string of {len(text)} characters"
        )
    return text[start : start + length]


def _trim(scope: Scope, args: list) -> str:
    arity("trim", args, 1, 1)
    return _str("trim", args[0], 1).strip()


def _pad_left(scope: Scope, args: list) -> str:
    arity("padLeft", args, 2, 3)
    text = text_of(args[0]) if isinstance(args[0], int) else _str("padLeft", args[0], 1)
    width = _int("padLeft", args[1], 2)
    pad = _str("padLeft", args[2], 3) if len(args) > 2 else " "
    if len(pad) != 1:
        raise Invalid("padLeft() pads with one character")
    if width > 16_000:
        raise Invalid(f"padLeft() to {width:,} characters: ARM's limit is 16,000")
    return text.rjust(width, pad)


# --- arrays and objects ----------------------------------------------------------------------


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
        out[_str("createObject", args[i], i + 1)] = args[i + 1]
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
            items += [x for x in a if not any(_same(x, y) for y in items)]
        return items
    kinds = ", ".join(sorted({kind_of(a) for a in args}))
    raise Invalid(f"union() takes arrays or objects, all of one kind; got {kinds}")


def _intersection(scope: Scope, args: list) -> Any:
    arity("intersection", args, 2, None)
    if all(isinstance(a, list) for a in args):
        first = [x for i, x in enumerate(args[0]) if not any(_same(x, y) for y in args[0][:i])]
        return [x for x in first if all(any(_same(x, y) for y in a) for a in args[1:])]
    if all(isinstance(a, dict) for a in args):
        return {
            k: v for k, v in args[0].items() if all(k in a and _same(a[k], v) for a in args[1:])
        }
    raise Invalid("intersection() takes arrays or objects, all of one kind")


def _range(scope: Scope, args: list) -> list:
    arity("range", args, 2, 2)
    start, count = _int("range", args[0], 1), _int("range", args[1], 2)
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
        numbers = [_int(name, v, i) for i, v in enumerate(values, 1)]
        return min(numbers) if name == "min" else max(numbers)

    return pick


# --- logic, comparison, numbers, conversion --------------------------------------------------


def _logic(name: str) -> Function:
    def logic(scope: Scope, args: list) -> bool:
        arity(name, args, 1 if name == "not" else 2, 1 if name == "not" else None)
        flags = [_bool(name, a, i) for i, a in enumerate(args, 1)]
        return not flags[0] if name == "not" else all(flags) if name == "and" else any(flags)

    return logic


def _equals(scope: Scope, args: list) -> bool:
    arity("equals", args, 2, 2)
    return _same(args[0], args[1])


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
        a, b = (_int(name, x, i) for i, x in enumerate(args, 1))
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
    text = _str("json", args[0], 1)
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


FUNCTIONS: dict[str, Function] = {
    "concat": _concat,
    "format": _format,
    "length": _length,
    "empty": _empty,
    "first": _end("first", False),
    "last": _end("last", True),
    "contains": _contains,
    "take": _take_skip("take"),
    "skip": _take_skip("skip"),
    "tolower": _case("toLower", False),
    "toupper": _case("toUpper", True),
    "replace": _replace,
    "split": _split,
    "join": _join,
    "startswith": _affix("startsWith"),
    "endswith": _affix("endsWith"),
    "indexof": _index_of("indexOf"),
    "lastindexof": _index_of("lastIndexOf"),
    "substring": _substring,
    "trim": _trim,
    "padleft": _pad_left,
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
