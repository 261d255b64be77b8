"""ARM template expressions: the language of "[concat(...)]", read as Resource Manager reads it.

Understood: string and integer literals, parameters('x'), variables('x'), concat, format,
copyIndex, and `.property` / `[index]` on a result. Function names are case-insensitive, as in
ARM. Anything else (resourceGroup().location, uniqueString(...), syntax acgsim does not read)
depends on a deployment: Unresolved, which the importer turns into a labelled placeholder. What ARM
itself would refuse (a wrong number of arguments, a format item with no value, copyIndex() outside
a loop, an expression over ARM's length) is Invalid. Looking up parameters and variables, and
keeping count of what evaluation builds, is the template's (planner.export.template).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

# [EXPR] azure-docs articles/azure-resource-manager/templates/template-expressions.md
MAX_EXPRESSION_CHARS = 24_576  # [EXPR] "A template expression can't exceed 24,576 characters."
# acgsim's own (ARM publishes none): values inside values, calls inside calls and variables that
# refer to variables, counted together. Real templates stay under 20; at 100 (the nesting a file
# may have, sim.documents.MAX_DEPTH) evaluation, which recurses, uses under half of Python's stack.
MAX_NESTING = 100


class Unresolved(Exception):
    """An expression whose value depends on a deployment (or on syntax acgsim does not read)."""


class Invalid(Exception):
    """Something ARM would refuse: the message, and (once known) the template path and the
    expression it was found in."""

    def __init__(self, message: str, path: tuple[str | int, ...] | None = None, expr: str = ""):
        super().__init__(message)
        self.message, self.path, self.expr = message, path, expr


class Scope(Protocol):
    """What an expression needs from its template."""

    def reference(self, section: str, name: str) -> Any: ...
    def charge(self, value: Any, path: tuple | None) -> None: ...
    def enter(self, path: tuple | None = None) -> None: ...
    def leave(self) -> None: ...


def kind_of(value: Any) -> str:
    """What a JSON value is, for messages: a string, an integer, an object, null..."""
    if value is None:
        return "null"
    return {bool: "a boolean", int: "an integer", str: "a string", list: "an array"}.get(
        type(value), "an object" if isinstance(value, dict) else type(value).__name__
    )


def quote(text: str, limit: int = 120) -> str:
    """Text from a template as a message may show it: control characters escaped, long text cut."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def is_expression(value: Any) -> bool:
    """A string ARM evaluates: "[...]", but not the escaped literal "[[...]"."""
    return (
        isinstance(value, str)
        and value.startswith("[")
        and value.endswith("]")
        and not value.startswith("[[")
    )


_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(-?\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\S))")


def parse(expression: str) -> tuple:
    """The syntax tree of "[...]": ('lit', value), ('call', name, [args]) or ('access', tree,
    ('.', name) | ('[]', tree)). Unresolved for syntax it does not read; Invalid past the limits."""
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise Invalid(
            f"the expression has {len(expression):,} characters; ARM's limit is "
            f"{MAX_EXPRESSION_CHARS:,}"
        )
    text, tokens = expression[1:-1], []
    for m in _TOKEN.finditer(text):
        string, number, name, other = m.groups()
        if string is not None:
            tokens.append(("lit", string[1:-1].replace("''", "'")))
        elif number is not None:
            tokens.append(("lit", int(number)))
        else:
            tokens.append(("name", name) if name is not None else ("op", other))
    pos = 0

    def take(op: str) -> bool:
        nonlocal pos
        found = pos < len(tokens) and tokens[pos] == ("op", op)
        pos += found
        return found

    def node(depth: int) -> tuple:
        nonlocal pos
        if depth > MAX_NESTING:
            raise Invalid(f"calls nest more than {MAX_NESTING} deep; the limit is {MAX_NESTING}")
        kind, value = tokens[pos] if pos < len(tokens) else ("end", None)
        pos += 1
        if kind == "lit":
            tree: tuple = ("lit", value)
        elif kind == "name" and take("("):
            args = []
            while not take(")"):
                args.append(node(depth + 1))
                if pos < len(tokens) and tokens[pos] != ("op", ")") and not take(","):
                    raise Unresolved(expression)
            tree = ("call", value.lower(), args)
        else:
            raise Unresolved(expression)
        while True:
            if take("."):
                if pos >= len(tokens) or tokens[pos][0] != "name":
                    raise Unresolved(expression)
                tree, pos = ("access", tree, (".", tokens[pos][1])), pos + 1
            elif take("["):
                tree = ("access", tree, ("[]", node(depth + 1)))
                if not take("]"):
                    raise Unresolved(expression)
            else:
                return tree

    tree = node(1)
    if pos != len(tokens):
        raise Unresolved(expression)
    return tree


def evaluate(tree: tuple, scope: Scope, loops: dict[str, int]) -> Any:
    """The value of a syntax tree; `loops` maps copy loop names ('' for the resource's loop) to
    the index being evaluated."""
    if tree[0] == "lit":
        return tree[1]
    if tree[0] == "access":
        base = evaluate(tree[1], scope, loops)
        kind, key = tree[2]
        return _access(base, evaluate(key, scope, loops) if kind == "[]" else key)
    _, name, args = tree
    function = _FUNCTIONS.get(name)
    if function is None:
        raise Unresolved(f"{name}()")  # resourceGroup(), uniqueString(), ...: a deployment's
    scope.enter()
    try:
        return function(scope, [evaluate(a, scope, loops) for a in args], loops)
    finally:
        scope.leave()


def _arity(name: str, args: list, low: int, high: int | None) -> None:
    if len(args) < low or (high is not None and len(args) > high):
        wanted = (
            f"{low} or more" if high is None else f"{low}" if low == high else f"{low} to {high}"
        )
        raise Invalid(f"{name}() takes {wanted} argument(s), got {len(args)}")


def _access(base: Any, key: Any) -> Any:
    if isinstance(base, dict) and isinstance(key, str):
        match = [k for k in base if isinstance(k, str) and k.lower() == key.lower()]
        if key in base or match:
            return base[key if key in base else match[0]]
        raise Invalid(f"the object has no property '{quote(key)}'")
    if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool):
        if not 0 <= key < len(base):
            raise Invalid(f"index {key} is outside the array of {len(base)}")
        return base[key]
    if base is None:
        raise Unresolved("a property of an unknown value")
    raise Invalid(f"cannot take [{quote(repr(key))}] of {kind_of(base)}")


def _reference(section: str):
    def reference(scope: Scope, args: list, loops: dict) -> Any:
        _arity(section, args, 1, 1)
        if not isinstance(args[0], str):
            raise Invalid(f"{section}() takes a name (a string), not {kind_of(args[0])}")
        return scope.reference(section, args[0])

    return reference


def _concat(scope: Scope, args: list, loops: dict) -> Any:
    _arity("concat", args, 1, None)
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


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)\}|[{}]")


def _format(scope: Scope, args: list, loops: dict) -> Any:
    _arity("format", args, 1, None)
    text, values = args[0], args[1:]
    if not isinstance(text, str):
        raise Invalid(f"format() takes a format string first, not {kind_of(text)}")
    if any(not isinstance(v, (str, int)) for v in values):
        raise Unresolved("format() of a value that is not text")  # .NET would; acgsim does not
    pieces = []  # (start, end, replacement) of each format item
    for m in _FORMAT_ITEM.finditer(text):
        if m.group(1) is not None:
            index = int(m.group(1))
            if index >= len(values):
                raise Invalid(
                    f"format() has no value for {{{index}}}: {len(values)} value(s) follow the "
                    "format string"
                )
            pieces.append((m.start(), m.end(), str(values[index])))
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


def _copy_index(scope: Scope, args: list, loops: dict) -> Any:
    _arity("copyIndex", args, 0, 2)
    name, offset = None, 0
    if args and isinstance(args[0], str):
        name, args = args[0], args[1:]
    if args:
        if not isinstance(args[0], int) or isinstance(args[0], bool) or len(args) > 1:
            raise Invalid("copyIndex() takes a loop name and then an integer offset")
        offset = args[0]
    key = "" if name is None else name.lower()
    if key not in loops:
        where = f"a copy loop named '{quote(name)}'" if name is not None else "a copy loop"
        raise Invalid(f"copyIndex() is used outside {where}")
    return loops[key] + offset


_FUNCTIONS = {
    "parameters": _reference("parameters"),
    "variables": _reference("variables"),
    "concat": _concat,
    "format": _format,
    "copyindex": _copy_index,
}
