"""Read the four exports back as their own tools do, to see what each says: the ARM template with
json and ARM's escape rules, Terraform with python-hcl2 and HCL's template escapes, the az script
with shlex (as bash splits words) and argparse's reading of options, Bicep with its string
escapes. Each reader fails loudly where the tool would run something or read an expression."""

from __future__ import annotations

import json
import re
import shlex

import hcl2

# --- ARM -------------------------------------------------------------------------------------


class Param(str):
    """A template parameter (ARM's [parameters('x')], Bicep's bare x): not text."""


_GUID = r"'[0-9a-f-]{36}'"
_RESOURCE_ID = (
    r"resourceId\('Microsoft\.Compute/galleries(?:/images)?(?:/versions)?'(?:, '(?:[^']|'')*')+\)"
)
_OWN = [  # the other expressions acgsim writes: a role assignment's name and role definition
    rf"\[guid\({_RESOURCE_ID}, parameters\('[A-Za-z0-9_]+'\), {_GUID}\)\]",
    rf"\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', {_GUID}\)\]",
    rf"\[{_RESOURCE_ID}\]",
]


class Expr(str):
    """An expression of acgsim's own (a function call): not text."""


def arm_text(value: str) -> str:
    """What ARM makes of a string: an expression is refused unless it reads a parameter or is
    one of the role assignment expressions acgsim writes (names in them quoted, '' doubled)."""
    if value.startswith("[[") and value.endswith("]"):
        return value[1:]
    if value.startswith("[") and value.endswith("]"):
        m = re.fullmatch(r"\[parameters\('([A-Za-z0-9_]+)'\)\]", value)
        if m:
            return Param(m.group(1))
        if any(re.fullmatch(own, value) for own in _OWN):
            return Expr(value)
        raise AssertionError(f"ARM would evaluate {value!r}")
    return value


def arm_meaning(text: str) -> list[tuple[str, dict]]:
    """Each resource's type and what ARM reads: name, location and properties, strings made
    text (parameters as Param)."""

    def walk(node):
        if isinstance(node, str):
            return arm_text(node)
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = []
    for r in json.loads(text)["resources"]:
        name = arm_text(r["name"])
        parents = [_arm_literal(d) for d in r.get("dependsOn", [])]
        out.append(
            (
                r["type"],
                {
                    "name": name,
                    "location": arm_text(r.get("location", "")),
                    "properties": walk(r["properties"]),
                    "parents": parents,
                },
            )
        )
    return out


def _arm_literal(expression: str) -> tuple[str, ...]:
    """The names a dependsOn expression of acgsim's gives resourceId(), as ARM reads them."""
    m = re.fullmatch(
        r"\[resourceId\('Microsoft\.Compute/galleries(?:/images)?'((?:, '(?:[^']|'')*')+)\)\]",
        expression,
    )
    assert m, expression
    return tuple(x.replace("''", "'") for x in re.findall(r"'((?:[^']|'')*)'", m.group(1)))


# --- Terraform -------------------------------------------------------------------------------


_HCL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def hcl_text(raw: str) -> str:
    """The text of an HCL quoted string as python-hcl2 gives it (quotes kept), read in one pass
    as HCL's scanner does: backslash escapes, $${ and %%{ for literal ${ and %{; a bare ${ or
    %{ would start a template sequence, and an unescaped quote would end the string."""
    assert raw.startswith('"') and raw.endswith('"'), f"not a string literal: {raw!r}"
    body, out, i = raw[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            nxt = body[i + 1]
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                digits = body[i + 2 : i + 2 + width]
                assert re.fullmatch(f"[0-9A-Fa-f]{{{width}}}", digits), body[i:]
                out.append(chr(int(digits, 16)))
                i += 2 + width
                continue
            assert nxt in _HCL_ESCAPES, f"not an HCL escape: {body[i : i + 2]!r}"
            out.append(_HCL_ESCAPES[nxt])
            i += 2
        elif body.startswith(("$${", "%%{"), i):
            out.append(body[i + 1 : i + 3])
            i += 3
        elif body.startswith(("${", "%{"), i):
            raise AssertionError(f"Terraform would read a template sequence in {raw!r}")
        else:
            assert c != '"', f"the string ends early: {raw!r}"
            out.append(c)
            i += 1
    return "".join(out)


def terraform_meaning(text: str) -> dict:
    """Resources by type (their one instance's body) and variables, as python-hcl2 reads them
    (string literals keep their quotes: `hcl_text` reads them; references have none)."""
    doc = hcl2.loads(text)
    resources = {
        kind.strip('"'): body
        for block in doc["resource"]
        for kind, inst in block.items()
        for body in inst.values()
    }
    variables = {
        name.strip('"'): body for block in doc.get("variable", []) for name, body in block.items()
    }
    return {"resources": resources, "variables": variables}


# --- az CLI ----------------------------------------------------------------------------------

MANY = {"--target-regions", "--tags"}  # nargs='+'


def az_commands(script: str) -> list[tuple[str, dict[str, list[str]]]]:
    """The az commands of a script after its preflight, its words split with shlex as bash
    would split them."""
    from acgsim.planner.export.azcli import MARKER

    words = [w for w in shlex.split(script.split(MARKER, 1)[1], comments=True) if w != "\n"]
    return az_options(words[words.index("az") :])


def az_options(words: list[str]) -> list[tuple[str, dict[str, list[str]]]]:
    """az commands (words from 'az' on) with their options read as argparse does: `--flag
    value` or `--flag=value`; a value that starts with '-' would be taken for an option (refused
    here); nargs='+' options take words up to the next option. A value az would read as a file
    ('@...') is refused too."""
    commands: list[tuple[str, dict[str, list[str]]]] = []
    i = 0
    while i < len(words):
        assert words[i] == "az", words[i:]
        j = i + 1
        name = []
        while j < len(words) and not words[j].startswith("-"):
            name.append(words[j])
            j += 1
        options: dict[str, list[str]] = {}
        while j < len(words) and words[j] != "az":
            flag, eq, value = words[j].partition("=")
            assert flag.startswith("--"), words[j]
            if eq:
                options.setdefault(flag, []).append(value)
                j += 1
                continue
            j += 1
            taken = 0
            while j < len(words) and not words[j].startswith("-") and words[j] != "az":
                options.setdefault(flag, []).append(words[j])
                j += 1
                taken += 1
                if flag not in MANY:
                    break
            assert taken, f"{flag} has no value argparse would take: {words[j : j + 1]}"
        commands.append((" ".join(name), options))
        i = j
    for _, options in commands:
        for flag, values in options.items():
            for v in values:
                assert not (len(v) > 1 and v.startswith("@")), f"az would load a file: {flag}={v}"
    return commands


# --- Bicep -----------------------------------------------------------------------------------

_BICEP_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}


def bicep_string(text: str) -> str:
    """The text of one Bicep string literal that must fill TEXT exactly."""
    assert text.startswith("'"), text
    out, i = [], 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            nxt = text[i + 1]
            if nxt == "u":
                m = re.match(r"\\u\{([0-9A-Fa-f]{1,6})\}", text[i:])
                assert m, text
                out.append(chr(int(m.group(1), 16)))
                i += m.end()
                continue
            assert nxt in _BICEP_ESCAPES, f"not a Bicep escape: {text[i : i + 2]!r}"
            out.append(_BICEP_ESCAPES[nxt])
            i += 2
        elif c == "'":
            assert i == len(text) - 1, f"the string ends early: {text!r}"
            return "".join(out)
        elif text.startswith("${", i):
            raise AssertionError(f"Bicep would interpolate {text!r}")
        else:
            out.append(c)
            i += 1
    raise AssertionError(f"unterminated: {text!r}")


def _bicep_value(lines: list[str], i: int, text: str):
    if text == "{":
        return _bicep_object(lines, i)
    if text == "[":
        items = []
        i = _code(lines, i)
        while lines[i].strip() != "]":
            item, i = _bicep_value(lines, i + 1, lines[i].strip())
            items.append(item)
            i = _code(lines, i)
        return items, i + 1
    if text.startswith("'"):
        return bicep_string(text), i
    if text in ("true", "false"):
        return text == "true", i
    if re.fullmatch(r"-?\d+", text):
        return int(text), i
    if re.fullmatch(r"[A-Za-z]+\(.*\)", text):  # a function call acgsim writes: guid(...)
        return Expr(text), i
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text), text
    return Param(text), i


def _code(lines: list[str], i: int) -> int:
    """The index of the next line that is not a // comment."""
    while lines[i].strip().startswith("//"):
        i += 1
    return i


def _bicep_object(lines: list[str], i: int) -> tuple[dict, int]:
    out = {}
    i = _code(lines, i)
    while lines[i].strip() != "}":
        m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*|'.*?'): (.*)", lines[i])
        assert m, lines[i]
        key = m.group(1) if not m.group(1).startswith("'") else bicep_string(m.group(1))
        out[key], i = _bicep_value(lines, i + 1, m.group(2))
        i = _code(lines, i)
    return out, i + 1


def bicep_meaning(text: str) -> list[tuple[str, dict]]:
    """Each resource's type and body as Bicep reads it."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        m = re.fullmatch(r"resource \w+ '([^@']+)@[^']+' = \{", line)
        if m:
            body, _ = _bicep_object(lines, i + 1)
            out.append((m.group(1), body))
    return out
