"""ARM template expressions: the language of "[concat(...)]", read as Resource Manager reads it.

This module holds the language: its syntax (string and integer literals, function calls, user
functions `ns.name(...)`, `.property` and `[index]` on a result; function names case-insensitive,
as in ARM), its limits, and the two ways evaluation can stop. What ARM itself would refuse (a wrong
number of arguments, a wrong type, a cycle, an expression over ARM's length, a parameter with no
value) is Invalid, quoted with the expression. What depends on a deployment acgsim cannot see
(reference(), listKeys(), utcNow(), syntax acgsim does not read) is Unresolved, which the importer
turns into a labelled placeholder. The functions are in planner.export.functions (values alone)
and planner.export.scope_functions (the template and its deployment); evaluation in
planner.export.evaluator.
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


class MissingValue(Invalid):
    """A parameter with neither a value supplied nor a defaultValue: ARM refuses to deploy."""


class Partial(dict):
    """An object some of whose properties depend on a deployment acgsim cannot see (say,
    deployment().properties.templateLink): asking for one that is absent is Unresolved, and
    one named in `unknown` (resourceGroup().location without --location) is NeedsLocation."""

    unknown: frozenset[str] = frozenset()


class NeedsLocation(Unresolved):
    """resourceGroup().location (or deployment().location) when no location is known."""


class Scope(Protocol):
    """What an expression needs from its template."""

    context: Any  # scope_functions.Context: the deployment an import imagines

    def reference(self, section: str, name: str) -> Any: ...
    def call(self, name: str, args: list) -> Any: ...
    def note(self, text: str) -> None: ...
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
        if kind == "name" and [t[0] if t[0] == "name" else t for t in tokens[pos : pos + 3]] == [
            ("op", "."),
            "name",
            ("op", "("),
        ]:
            value, pos = f"{value}.{tokens[pos + 1][1]}", pos + 2  # a user function: ns.name(
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


def arity(name: str, args: list, low: int, high: int | None) -> None:
    """Invalid unless low <= len(args) <= high (None: no upper bound)."""
    if len(args) < low or (high is not None and len(args) > high):
        wanted = (
            f"{low} or more" if high is None else f"{low}" if low == high else f"{low} to {high}"
        )
        raise Invalid(f"{name}() takes {wanted} argument(s), got {len(args)}")
