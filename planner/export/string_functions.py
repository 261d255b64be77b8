"""ARM's string functions (template-functions-string.md), with those that take a string or an
array alike (concat, length, empty, first, last, contains, take, skip): format() in .NET's
composite format, case, replace, split, join, search, substring, trim and padding.
"""

from __future__ import annotations

import re
from typing import Any

from acgsim.planner.export.expressions import Invalid, Scope, Unresolved, arity, kind_of
from acgsim.planner.export.function_values import Function, as_int, as_str, same, text_of


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
        return any(same(x, item) for x in container)
    if isinstance(container, dict):
        return isinstance(item, str) and item.lower() in {str(k).lower() for k in container}
    raise Invalid(f"contains() looks in a string, an array or an object, not {kind_of(container)}")


def _take_skip(name: str) -> Function:
    def cut(scope: Scope, args: list) -> Any:
        arity(name, args, 2, 2)
        value, n = args[0], max(0, as_int(name, args[1], 2))
        if not isinstance(value, (str, list)):
            raise Invalid(f"{name}() takes a string or an array, not {kind_of(value)}")
        return value[:n] if name == "take" else value[n:]

    return cut


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
        text = as_str(name, args[0], 1)
        return text.upper() if upper else text.lower()

    return case


def _replace(scope: Scope, args: list) -> str:
    arity("replace", args, 3, 3)
    text, old, new = (as_str("replace", a, i) for i, a in enumerate(args, 1))
    if not old:
        raise Invalid("replace() cannot replace an empty string")
    if text.count(old) * max(1, len(new)) > 2**22:
        scope.charge(text.count(old) * len(new), None)  # past 4 MB: refused by charge
    out = text.replace(old, new)
    scope.charge(len(out), None)
    return out


def _split(scope: Scope, args: list) -> list:
    arity("split", args, 2, 2)
    text = as_str("split", args[0], 1)
    delims = args[1] if isinstance(args[1], list) else [args[1]]
    delims = [as_str("split", d, 2) for d in delims]
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
    out = as_str("join", sep, 2).join(text_of(i) for i in items)
    scope.charge(len(out), None)
    return out


def _affix(name: str) -> Function:
    def affix(scope: Scope, args: list) -> bool:
        arity(name, args, 2, 2)
        text, part = (as_str(name, a, i).lower() for i, a in enumerate(args, 1))
        return text.startswith(part) if name == "startsWith" else text.endswith(part)

    return affix


def _index_of(name: str) -> Function:
    def index(scope: Scope, args: list) -> int:
        arity(name, args, 2, 2)
        if isinstance(args[0], list):
            found = [i for i, x in enumerate(args[0]) if same(x, args[1])]
            return (found[-1] if name == "lastIndexOf" else found[0]) if found else -1
        text, part = (as_str(name, a, i).lower() for i, a in enumerate(args, 1))
        return text.rfind(part) if name == "lastIndexOf" else text.find(part)

    return index


def _substring(scope: Scope, args: list) -> str:
    arity("substring", args, 1, 3)
    text = as_str("substring", args[0], 1)
    start = as_int("substring", args[1], 2) if len(args) > 1 else 0
    length = as_int("substring", args[2], 3) if len(args) > 2 else len(text) - start
    if start < 0 or length < 0 or start + length > len(text):
        raise Invalid(
            f"substring({start}, {length}) is outside the string of {len(text)} characters"
        )
    return text[start : start + length]


def _trim(scope: Scope, args: list) -> str:
    arity("trim", args, 1, 1)
    return as_str("trim", args[0], 1).strip()


def _pad_left(scope: Scope, args: list) -> str:
    arity("padLeft", args, 2, 3)
    text = text_of(args[0]) if isinstance(args[0], int) else as_str("padLeft", args[0], 1)
    width = as_int("padLeft", args[1], 2)
    pad = as_str("padLeft", args[2], 3) if len(args) > 2 else " "
    if len(pad) != 1:
        raise Invalid("padLeft() pads with one character")
    if width > 16_000:
        raise Invalid(f"padLeft() to {width:,} characters: ARM's limit is 16,000")
    return text.rjust(width, pad)


STRING_FUNCTIONS: dict[str, Function] = {
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
}
