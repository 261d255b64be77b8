"""Evaluating a parsed ARM expression: calls dispatched to the function tables, `if` lazily
(ARM evaluates only the branch the condition chooses, so a branch that would fail is harmless
when not taken), `.property` and `[index]` case-insensitively on objects, and user-defined
functions (a template's `functions`, Bicep's `func`) with their own parameters, and `lambda`
bodies evaluated by the function they are given to (planner.export.lambda_functions).

A name ARM does not know is refused as ARM refuses it; one ARM knows but acgsim does not evaluate
(scope_functions.NOT_EVALUATED) is Unresolved.
"""

from __future__ import annotations

from typing import Any

from acgsim.planner.export.expressions import (
    Invalid,
    NeedsLocation,
    Partial,
    Scope,
    Unresolved,
    arity,
    kind_of,
    quote,
)
from acgsim.planner.export.functions import FUNCTIONS
from acgsim.planner.export.lambda_functions import LAMBDA_FUNCTIONS, Lambda, bind, variable
from acgsim.planner.export.scope_functions import NOT_EVALUATED, SCOPE_FUNCTIONS


def evaluate(tree: tuple, scope: Scope, loops: dict[str, int]) -> Any:
    """The value of a syntax tree; `loops` maps copy loop names ('' for the resource's loop) to
    the index being evaluated."""
    if tree[0] == "lit":
        return tree[1]
    if tree[0] == "access":
        base = evaluate(tree[1], scope, loops)
        kind, key = tree[2]
        return access(base, evaluate(key, scope, loops) if kind == "[]" else key)
    _, name, args = tree
    scope.enter()
    try:
        if name == "if":
            arity("if", args, 3, 3)
            condition = evaluate(args[0], scope, loops)
            if condition is None:
                raise Unresolved("if() of an unknown condition")
            if not isinstance(condition, bool):
                raise Invalid(f"if() takes a boolean condition, not {kind_of(condition)}")
            return evaluate(args[1 if condition else 2], scope, loops)
        if name == "lambda":  # its body is evaluated by the function it is given to
            if not args:
                raise Invalid("lambda() takes variable names and then a body")
            names = [evaluate(a, scope, loops) for a in args[:-1]]
            if not all(isinstance(n, str) for n in names):
                raise Invalid("lambda() takes variable names (strings) before its body")
            return Lambda(names, args[-1], loops)
        values = [evaluate(a, scope, loops) for a in args]
        if name == "lambdavariables":
            arity("lambdaVariables", values, 1, 1)
            key = variable(str(values[0]))
            if key not in loops:
                raise Invalid(f"lambdaVariables('{quote(str(values[0]))}'): no lambda has it")
            return loops[key]
        if name in LAMBDA_FUNCTIONS:
            return LAMBDA_FUNCTIONS[name](
                scope, values, lambda fn, vals: evaluate(fn.body, scope, bind(fn, vals))
            )
        if any(isinstance(v, Lambda) for v in values):
            raise Invalid(f"{name}() does not take a lambda")
        if name in FUNCTIONS:
            return FUNCTIONS[name](scope, values)
        if name in SCOPE_FUNCTIONS:
            return SCOPE_FUNCTIONS[name](scope, values, loops)
        if "." in name:
            return scope.call(name, values)
        if name in NOT_EVALUATED:
            raise Unresolved(f"{name}()")
        raise Invalid(f"'{quote(name)}' is not a template function ARM knows")
    finally:
        scope.leave()


def access(base: Any, key: Any) -> Any:
    """base.key or base[key], as ARM reads it (property names case-insensitively)."""
    if isinstance(base, dict) and isinstance(key, str):
        match = [k for k in base if isinstance(k, str) and k.lower() == key.lower()]
        if match:
            return base[key if key in base else match[0]]
        if isinstance(base, Partial):
            if key.lower() in base.unknown:
                raise NeedsLocation(f"the deployment's {key}")
            raise Unresolved(f"a property ('{quote(key)}') only a deployment has")
        raise Invalid(f"the object has no property '{quote(key)}'")
    if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool):
        if not 0 <= key < len(base):
            raise Invalid(f"index {key} is outside the array of {len(base)}")
        return base[key]
    if base is None:
        raise Unresolved("a property of an unknown value")
    raise Invalid(f"cannot take [{quote(repr(key))}] of {kind_of(base)}")
