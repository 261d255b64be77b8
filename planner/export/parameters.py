"""Values for a template's parameters, as a deployment supplies them: an ARM parameters file
(`--parameters FILE`) and `--set name=value`, checked against each parameter's declaration.

A parameters file is the deploymentParameters JSON [parameter-files.md]: {"$schema": ...,
"contentVersion": ..., "parameters": {"name": {"value": ...}}}, the same without $schema, or the
inner object alone (as az accepts it). An entry that is a Key Vault `reference` has no value:
acgsim reads no secrets (the value of a secret never shapes a gallery), so a parameter used only
by what acgsim does not import (a build VM's password) needs none, and one the import needs is
refused naming it, as a parameter without a value is. A .bicepparam file is refused with the
command that compiles it.

`--set name=value` reads the text as the declared type reads it: a string as is; an int, a bool,
an array or an object as JSON. Checks, as ARM makes them before it deploys: a supplied value's
type (string, securestring, int, bool, array, object, secureobject), allowedValues (strings
compared case-insensitively; each item of an array), minValue/maxValue and minLength/maxLength,
and no value for a parameter the template does not declare.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from acgsim.planner.export.expressions import Invalid, kind_of, quote
from acgsim.sim.errors import InputError, Problem, ScenarioError

TYPES = {
    "string": str,
    "securestring": str,
    "int": int,
    "bool": bool,
    "array": list,
    "object": dict,
    "secureobject": dict,
}
_KIND = {str: "a string", int: "an integer", bool: "a boolean", list: "an array", dict: "an object"}


class KeyVaultSecret:
    """A parameters file's Key Vault reference: a value acgsim does not read."""

    def __init__(self, name: str, secret: Any):
        self.name, self.secret = name, secret

    def message(self) -> str:
        what = f" (secret '{quote(str(self.secret))}')" if self.secret else ""
        return (
            f"parameters('{self.name}') is a Key Vault reference{what}: acgsim reads no "
            f"secrets; give a stand-in with --set {self.name}=VALUE (nothing is deployed)"
        )


def read_file(path: Path, data: Any) -> dict[str, Any]:
    """Parameter values from a parameters file's data, or ScenarioError naming each entry."""
    file = str(path)
    if path.suffix.lower() == ".bicepparam":
        raise ScenarioError(
            [
                Problem(
                    (),
                    "is a .bicepparam file: compile it to JSON first "
                    "(`bicep build-params FILE` or `az bicep build-params --file FILE`)",
                    file=file,
                )
            ]
        )
    if not isinstance(data, dict):
        raise ScenarioError([Problem((), "is not a parameters file (a JSON object)", file=file)])
    entries, at = (data["parameters"], ("parameters",)) if "parameters" in data else (data, ())
    if not isinstance(entries, dict):
        raise ScenarioError([Problem(at, f"must be an object, not {kind_of(entries)}", file=file)])
    values, problems = {}, []
    for name, entry in entries.items():
        if not at and name in ("$schema", "contentVersion", "metadata"):
            continue
        where = (*at, name)
        if isinstance(entry, dict) and "reference" in entry:
            secret = (
                entry["reference"].get("secretName")
                if isinstance(entry["reference"], dict)
                else None
            )
            values[name] = KeyVaultSecret(name, secret)
        elif isinstance(entry, dict) and "value" in entry:
            values[name] = entry["value"]
        else:
            problems.append(
                Problem(where, 'must be {"value": ...} (or a Key Vault reference)', file=file)
            )
    if problems:
        raise ScenarioError(problems)
    return values


def check_supplied(values: dict[str, Any], declared: dict, file: str, at: tuple) -> None:
    """Values a parameters file (`file`, its entries under `at`) or --set (`file` "--set")
    supplies, checked against the template's declarations before the template is evaluated, so
    that a problem names where the value came from; ScenarioError if any fails."""
    lowered = {str(k).lower(): (v, str(k)) for k, v in declared.items() if isinstance(v, dict)}
    problems = []
    for name, value in values.items():
        if name.lower() not in lowered:
            problems.append(
                (
                    (*at, name),
                    f"a value is given for '{quote(name)}', which the template does not declare as "
                    f"a parameter (ARM refuses it too); it declares "
                    f"{_some(sorted(n for _, n in lowered.values()))}",
                )
            )
            continue
        declaration, written = lowered[name.lower()]
        if str(declaration.get("type")).lower() not in TYPES:
            continue  # the template's own problem: evaluating it says so
        if isinstance(value, KeyVaultSecret):
            continue  # refused only where the import reads it (template.py)
        try:
            check(written, value, declaration)
        except Invalid as exc:
            problems.append(((*at, name, "value") if at else (name,), exc.message))
    if problems:
        raise ScenarioError([Problem(path, message, file=file) for path, message in problems])


def _some(names: list[str]) -> str:
    return ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")


def parse_sets(items: list[str]) -> dict[str, str]:
    """`--set name=value` options: the name and the value's text; InputError if malformed."""
    out = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--set: '{quote(item)}' is not NAME=VALUE")
        out[name.strip()] = text
    return out


def from_text(text: str, declaration: dict) -> Any:
    """A --set value read as its parameter's type reads it."""
    kind = TYPES.get(str(declaration.get("type", "string")).lower(), str)
    if kind is str:
        return text
    try:
        return json.loads(text)
    except ValueError:
        if kind is bool and text.lower() in ("true", "false"):
            return text.lower() == "true"
        return text  # the type check says what is wrong


def check(name: str, value: Any, declaration: dict) -> Any:
    """The value if its declaration allows it; Invalid saying why not, in ARM's terms."""
    type_name = declaration.get("type")
    kind = TYPES.get(str(type_name).lower()) if isinstance(type_name, str) else None
    if kind is None:
        allowed = ", ".join(sorted({"string", "securestring", "int", "bool", "array", "object"}))
        raise Invalid(f"parameter '{name}' has type {type_name!r}; ARM's types are {allowed}")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Invalid(f"parameter '{name}' is {_KIND[kind]}; the value given is {kind_of(value)}")
    allowed = declaration.get("allowedValues")
    if isinstance(allowed, list):
        for item in value if kind is list else [value]:
            if not any(_same(item, a) for a in allowed):
                shown = ", ".join(quote(json.dumps(a), 40) for a in allowed[:10])
                raise Invalid(
                    f"parameter '{name}': {quote(json.dumps(item), 60)} is not one of its "
                    f"allowedValues ({shown})"
                )
    for key, test, word in (
        ("minValue", lambda v, n: v >= n, "at least"),
        ("maxValue", lambda v, n: v <= n, "at most"),
    ):
        bound = declaration.get(key)
        if kind is int and isinstance(bound, int) and not test(value, bound):
            raise Invalid(f"parameter '{name}' is {value}; its {key} says {word} {bound}")
    for key, test, word in (
        ("minLength", lambda v, n: len(v) >= n, "at least"),
        ("maxLength", lambda v, n: len(v) <= n, "at most"),
    ):
        bound = declaration.get(key)
        if kind in (str, list) and isinstance(bound, int) and not test(value, bound):
            raise Invalid(
                f"parameter '{name}' has length {len(value)}; its {key} says {word} {bound}"
            )
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return type(a) is type(b) and a == b
