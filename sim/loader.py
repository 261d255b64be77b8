"""Reading scenario files: YAML or JSON text -> data -> Scenario, with every problem located.

Whatever is wrong with a file (unreadable, not UTF-8, bad YAML, a duplicate key, an unknown field,
a value Azure would refuse, a dangling reference) becomes a Problem naming the file, the field path
and the line. Nothing here raises anything but ScenarioError for a bad file; reading the text
within limits is sim.documents.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from acgsim.sim.characters import unfit_character
from acgsim.sim.checks import check
from acgsim.sim.documents import LineFinder, read_document
from acgsim.sim.errors import Problem, ScenarioError, problem
from acgsim.sim.scenario import Scenario

M = TypeVar("M", bound=BaseModel)


def load(path: str | Path) -> Scenario:
    """Read, validate and cross-check a scenario file; raise ScenarioError listing every problem."""
    return load_scenario(Path(path))[0]


def load_scenario(path: Path) -> tuple[Scenario, list[Problem]]:
    """A valid Scenario and its warnings, or ScenarioError with every problem in the file."""
    data, text = read_document(path)
    return validate(data, file=str(path), text=text)


def validate(
    data: Any, file: str = "<scenario>", text: str | None = None
) -> tuple[Scenario, list[Problem]]:
    """Validate already-parsed data; problems carry `file` and, given the text, line numbers."""
    if data is None:
        raise ScenarioError(
            [Problem((), "is empty: a scenario needs at least `name` and `tenants`", file=file)]
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    (),
                    "must be a mapping of scenario fields (name, tenants, "
                    f"galleries, ...), not a {type(data).__name__}",
                    file=file,
                )
            ]
        )
    if data and not set(data) & set(Scenario.model_fields):
        raise ScenarioError([Problem((), _NOT_A_SCENARIO, file=file)])
    problems = _control_characters(data, ())
    if not problems:
        try:
            scenario = Scenario.model_validate(data, context={"from_file": True})
            problems = check(scenario)
        except ValidationError as exc:
            problems = [_from_pydantic(err, data) for err in exc.errors(include_url=False)]
    lines = LineFinder(text)
    located = [
        Problem(p.path, p.message, p.azure, p.docs, p.severity, file, lines.find(p.path))
        for p in problems
    ]
    errors = [p for p in located if p.severity == "error"]
    if errors:
        raise ScenarioError(located)
    return scenario, located


_NOT_A_SCENARIO = (
    "is not a scenario: it has none of a scenario's fields (name, tenants, galleries, workload); "
    "a result.json or plan.json goes to `acgsim report` or `acgsim export`, and a summary of "
    "several runs or a sweep has no report of its own"
)


def _control_characters(node: Any, path: tuple[str | int, ...]) -> list[Problem]:
    """Every text (key or value) holding a control character (tab and newline aside) or half of
    a surrogate pair: it would reach an export, a shell or a terminal as something other than
    what the file seems to say, or not at all."""
    found = []
    if isinstance(node, str):
        unfit = unfit_character(node)
        if unfit:
            found.append(problem(path, unfit[0], char=unfit[1]))
    elif isinstance(node, dict):
        for key, value in node.items():
            where = (*path, str(key))
            unfit = unfit_character(key) if isinstance(key, str) else None
            if unfit:
                found.append(problem(where, unfit[0], char=unfit[1]))
            found += _control_characters(value, where)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _control_characters(value, (*path, i))
    return found


def _non_finite(node: Any, path: tuple[str | int, ...]) -> list[Problem]:
    """Every NaN or infinity (Python's JSON reader takes them; no JSON writer should)."""
    if isinstance(node, float) and not math.isfinite(node):
        return [problem(path, "NotFinite", value=node)]
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _non_finite(v, (*path, str(k)))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _non_finite(v, (*path, i))]
    return []


def pydantic_problems(exc: ValidationError, data: Any, root: type[BaseModel]) -> list[Problem]:
    """A model's validation errors for DATA as located problems, worded as for a scenario."""
    return [_from_pydantic(e, data, root) for e in exc.errors(include_url=False)]


def _from_pydantic(err: dict, data: Any, root: type[BaseModel] = Scenario) -> Problem:
    path = _clean_loc(err["loc"], data)
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind.startswith("acgsim."):
        return Problem(path, ctx.get("message", err["msg"]), ctx.get("azure"), ctx.get("docs"))
    if kind == "extra_forbidden":
        allowed = _allowed_fields(path[:-1], data, root)
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        listing = f" Allowed here: {', '.join(allowed)}." if allowed else ""
        return Problem(path, f"unknown field '{path[-1]}'{hint}{listing}")
    if kind == "missing":
        return Problem(path, "required field is missing")
    message = err["msg"].removeprefix("Value error, ")
    return Problem(path, _why(kind, err.get("input"), path, message))


def _clean_loc(loc: tuple, data: Any) -> tuple[str | int, ...]:
    """Drop the union tags pydantic puts in a path: faults[0].zone_outage.zone -> faults[0].zone."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("kind") == part:
            continue
        if part == "[key]":
            continue
        # a mapping key that is not a string (YAML `1:` or `null:`) is shown as a field name
        path.append(str(part) if isinstance(node, dict) and not isinstance(part, str) else part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(path)


def _allowed_fields(
    path: tuple[str | int, ...], data: Any, root: type[BaseModel] = Scenario
) -> list[str]:
    """The field names the model at `path` accepts, for 'did you mean' on an unknown field."""
    cls: Any = root
    node = data
    for part in path:
        node = (
            node.get(part)
            if isinstance(node, dict)
            else (
                node[part]
                if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
                else None
            )
        )
        if isinstance(part, int):
            continue
        field = cls.model_fields.get(part) if isinstance(cls, type) else None
        if field is None:
            return []
        cls = _model_in(field.annotation, node)
    return sorted(cls.model_fields) if isinstance(cls, type) and issubclass(cls, BaseModel) else []


def _model_in(annotation: Any, node: Any) -> Any:
    """The BaseModel class in an annotation (through Optional, list, dict, Annotated, unions)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0], node)
    if origin in (list, dict):
        inner = node[0] if isinstance(node, list) and node else None
        return _model_in(typing.get_args(annotation)[-1], inner)
    if origin in (typing.Union, types.UnionType):
        models = [m for a in typing.get_args(annotation) if (m := _model_in(a, node)) is not None]
        kind = node.get("kind") if isinstance(node, dict) else None
        for m in models:
            tag = m.model_fields.get("kind")
            if tag is not None and kind in typing.get_args(tag.annotation):
                return m
        return models[0] if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def dump_yaml(scenario: Scenario) -> str:
    """The scenario as YAML a person can read: fields left at their defaults are omitted."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def schema_text() -> str:
    """The JSON Schema of the scenario format, as `acgsim schema` writes it."""
    return json.dumps(Scenario.model_json_schema(mode="validation"), indent=2) + "\n"


def load_output(path: Path, model: type[M], marker: str) -> M | None:
    """acgsim's own JSON output (a result or a plan) read back: None when the file is not one
    (no top-level MARKER key; a scenario, say), else the model, or ScenarioError naming the file
    and each wrong field. Such files are shared and hand-edited, so they are held to the
    scenario's rules: no control character or lone surrogate in any text, no NaN or infinity,
    each field of its type (the model's), problems located as `file: field.path: what`."""
    if path.suffix.lower() != ".json":
        return None
    data, _ = read_document(path)  # within the same size and nesting limits as a scenario
    if not isinstance(data, dict) or marker not in data:
        return None
    problems = _control_characters(data, ()) + _non_finite(data, ())
    if not problems:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            problems = pydantic_problems(exc, data, model)
    raise ScenarioError([dataclasses.replace(p, file=str(path)) for p in problems])


def _why(kind: str, value: Any, path: tuple[str | int, ...], message: str) -> str:
    """Pydantic's words, with the reason where an outsider would not guess it."""
    if kind == "string_type" and isinstance(value, bool):
        return (
            f"{message}: YAML reads an unquoted yes, no, on, off, true or false as "
            f"{str(value).lower()}; quote it ('no') to mean the text"
        )
    if kind == "greater_than_equal" and value == 0 and path[-1] in ("count", "instances"):
        return (
            f"{message}: a wave of 0 creates nothing and has no figures; leave the wave out "
            "(or comment it out) to create none"
        )
    return message
