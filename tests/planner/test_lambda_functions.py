"""ARM's lambda functions as template-functions-lambda.md documents them, each with the example
values the page's examples use (written out here, not copied), evaluated by the importer."""

from __future__ import annotations

import pytest

from acgsim.planner.export.expressions import Invalid
from acgsim.planner.export.template import Template

DOGS = [
    {"name": "Evie", "age": 5, "interests": ["Ball", "Frisbee"]},
    {"name": "Casper", "age": 3, "interests": ["Other dogs"]},
    {"name": "Indy", "age": 2, "interests": ["Butter"]},
    {"name": "Kira", "age": 8, "interests": ["Rubs"]},
]


def _value(expr: str):
    """expr with DOGS for parameters('dogs') and V( for lambdaVariables(, to keep lines short."""
    expr = expr.replace("DOGS", "parameters('dogs')").replace("V(", "lambdaVariables(")
    return Template({"parameters": {"dogs": {"type": "array", "defaultValue": DOGS}}}).value(
        expr, ("x",)
    )


@pytest.mark.parametrize(
    "expr, expected",
    [
        (
            "[filter(DOGS, lambda('dog', greaterOrEquals(V('dog').age, 5)))]",
            [DOGS[0], DOGS[3]],
        ),
        (
            "[map(DOGS, lambda('dog', V('dog').name))]",
            ["Evie", "Casper", "Indy", "Kira"],
        ),
        (
            "[map(DOGS, lambda('dog', 'i', format('{0}:{1}', V('i'), V('dog').name)))]",
            ["0:Evie", "1:Casper", "2:Indy", "3:Kira"],
        ),
        (
            "[reduce(map(DOGS, lambda('d', V('d').age)), 0,"
            " lambda('c', 'n', add(V('c'), V('n'))))]",
            18,
        ),
        (
            "[map(sort(DOGS, lambda('a', 'b', less(V('a').age, V('b').age))),"
            " lambda('d', V('d').name))]",
            ["Indy", "Casper", "Evie", "Kira"],
        ),
        (
            "[toObject(DOGS, lambda('d', V('d').name), lambda('d', V('d').age))]",
            {"Evie": 5, "Casper": 3, "Indy": 2, "Kira": 8},
        ),
        (
            "[flatten(map(DOGS, lambda('d', V('d').interests)))]",
            ["Ball", "Frisbee", "Other dogs", "Butter", "Rubs"],
        ),
        (
            "[mapValues(createObject('a', 1, 'b', 2), lambda('v', mul(V('v'), 10)))]",
            {"a": 10, "b": 20},
        ),
        (
            "[groupBy(createArray('foo', 'bar', 'baz'), lambda('x', substring(V('x'), 0, 1)))]",
            {"f": ["foo"], "b": ["bar", "baz"]},
        ),
    ],
)
def test_lambda_functions_give_what_arm_documents(expr, expected):
    assert _value(expr) == expected


@pytest.mark.parametrize(
    "expr, says",
    [
        ("[V('x')]", "no lambda has it"),
        ("[length(lambda('x', 1))]", "does not take a lambda"),
        ("[filter(DOGS, lambda('d', 1))]", "true or false"),
        ("[map(DOGS, lambda('a', 'b', 'c', 1))]", "1 to 2 variable"),
        ("[flatten(createArray(1, createArray(2)))]", "array of arrays"),
        ("[map(createObject('a', 1), lambda('x', 1))]", "takes an array first"),
    ],
)
def test_lambda_misuse_is_refused_in_arm_terms(expr, says):
    with pytest.raises(Invalid) as info:
        _value(expr)
    assert says in info.value.message
