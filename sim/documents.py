"""Reading YAML or JSON text into plain data, and finding the line of a field in YAML text.

YAML is read by PyYAML's safe loader with duplicate keys refused; JSON by the json module. Every
refusal is a ScenarioError naming the file; nothing here raises anything else for a bad file.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import yaml

from acgsim.sim.errors import Problem, ScenarioError

MAX_BYTES = 20 * 1024 * 1024  # a scenario is hand-written; anything larger is a mistake


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    # Duplicates among the keys written here are refused; keys merged in with `<<: *anchor` may be
    # overridden, as YAML intends. Keys equal in Python (1 and true) would collapse: also refused.
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, typing.Hashable) and key in seen:
            first = seen[key]
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key '{key_node.value}' (the same key as "
                f"'{first.value}' on line {first.start_mark.line + 1})",
                key_node.start_mark,
            )
        if isinstance(key, typing.Hashable):
            seen[key] = key_node
    loader.flatten_mapping(node)
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # e.g. 2026-13-45: say where, like any other YAML error
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a date: {exc}", node.start_mark
        ) from None


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"duplicate key '{key}'")
        data[key] = value
    return data


def read_document(path: Path) -> tuple[Any, str]:
    """The parsed data and the text of a YAML or JSON file, or ScenarioError saying why not."""
    name = str(path)

    def fail(message: str, line: int | None = None) -> ScenarioError:
        return ScenarioError([Problem((), message, file=name, line=line)])

    try:
        if path.is_dir():
            raise fail("is a folder, not a scenario file")
        if path.exists() and not path.is_file():
            raise fail("is not a regular file (a pipe or device?); give a scenario file")
        if path.stat().st_size > MAX_BYTES:
            raise fail(f"is larger than {MAX_BYTES // 2**20} MB; a scenario is a small text file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            f"is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})"
        ) from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, object_pairs_hook=_json_pairs), text
        except json.JSONDecodeError as exc:
            hint = (
                " (this looks like YAML: name the file .yaml)"
                if ":" in text[:200] and not text.lstrip().startswith(("{", "["))
                else ""
            )
            raise fail(
                f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}){hint}"
            ) from None
        except ValueError as exc:
            raise fail(f"invalid JSON: {exc}") from None
        except RecursionError:
            raise fail("invalid JSON: nested too deeply") from None
    try:
        return yaml.load(text, Loader=_StrictLoader), text
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise fail(f"invalid YAML: {what}{where}") from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise fail(f"invalid YAML: {exc}") from None


class LineFinder:
    """Maps a field path to its line in the YAML text (None for JSON or where it cannot tell)."""

    def __init__(self, text: str | None):
        self.root = None
        if text:
            try:
                self.root = yaml.compose(text, Loader=yaml.SafeLoader)
            except (yaml.YAMLError, RecursionError):
                self.root = None

    def find(self, path: tuple[str | int, ...]) -> int | None:
        node, line = self.root, None
        if node is None:
            return None
        line = node.start_mark.line
        for part in path:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    break
                node = node.value[part]
                line = node.start_mark.line
            else:
                break
        return line + 1
