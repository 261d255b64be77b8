"""Reading YAML or JSON text into plain data, within limits, and finding the line of a field.

JSON (a .json file, or text that opens with `{` or `[` and parses as JSON) is read by the json
module: fast, keys written twice refused. Everything else is YAML, read by PyYAML's safe loader
with duplicate keys refused and, while the document is composed, its size, nesting depth and
alias expansion counted, so a hostile file is refused at the line where it goes over a limit
before anything is built from it. Every refusal is a ScenarioError naming the file (and the line
where there is one); nothing here raises anything else for a bad file.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import yaml

from acgsim.sim.errors import Problem, ScenarioError

# Limits on what a file may hold. A file is refused, naming the limit and the line, before it can
# take more than seconds or more than a few hundred MB; no legitimate file comes near any of them.
MAX_BYTES = 20 * 2**20  # JSON (generated files): the json module reads 20 MB in under a second
MAX_YAML_BYTES = 2**20  # YAML is written by hand (bundled scenarios: under 5 KB); PyYAML's
# pure-Python parser reads about 0.2 MB/s, so 1 MB is still read within about five seconds
MAX_DEPTH = 100  # nesting levels: scenarios nest 6, exported ARM templates about 10; 100 keeps
# every recursive walk after parsing (validation, import, YAML output) far from Python's limit
MAX_YAML_VALUES = 200_000  # values once aliases are expanded (each use of `*name` counts its
# anchor's values again): a 436-byte alias bomb expands to 10**9; bundled scenarios hold < 300

_TOO_DEEP = f"nests more than {MAX_DEPTH} levels deep; the limit is {MAX_DEPTH}"


class _TooMuch(yaml.YAMLError):
    """A YAML document over one of the limits, with the mark where it went over."""

    def __init__(self, message: str, mark: yaml.Mark):
        super().__init__(message)
        self.message, self.mark = message, mark


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one, and that
    counts while composing: nesting depth and values, each alias counted at every use, so a bomb
    is refused at the line where it goes over, before anything is built from it."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._values = 0  # values composed so far, an alias adding its anchor's values again
        self._depth = 0  # collections open around the node being composed
        self._tallest = [0]  # per open collection: the height of its tallest child so far
        self._anchored: dict[int, tuple[int, int]] = {}  # id(anchored node) -> (values, height)

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)  # refuses an undefined alias
            if id(node) not in self._anchored:
                raise _TooMuch(
                    f"alias *{event.anchor} is used inside the collection it names; "
                    "a document that contains itself cannot be read",
                    event.start_mark,
                )
            values, height = self._anchored[id(node)]
            self._count(values, event.start_mark, f" (*{event.anchor} here stands for {values:,})")
            self._deeper(self._depth + height, event.start_mark)
        else:
            before = self._values
            self._count(1, event.start_mark, "")
            collection = isinstance(event, yaml.CollectionStartEvent)
            self._depth += collection
            self._deeper(self._depth, event.start_mark)
            self._tallest.append(0)
            node = super().compose_node(parent, index)
            height = self._tallest.pop() + collection
            self._depth -= collection
            if event.anchor is not None:
                self._anchored[id(node)] = (self._values - before, height)
        self._tallest[-1] = max(self._tallest[-1], height)
        return node

    def _deeper(self, depth: int, mark: yaml.Mark) -> None:
        if depth > MAX_DEPTH:
            raise _TooMuch(_TOO_DEEP, mark)

    def _count(self, values: int, mark: yaml.Mark, why: str) -> None:
        self._values += values
        if self._values > MAX_YAML_VALUES:
            raise _TooMuch(
                f"holds more than {MAX_YAML_VALUES:,} values with its aliases expanded{why}; "
                f"the limit is {MAX_YAML_VALUES:,}",
                mark,
            )


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


class _Duplicate(ValueError):
    """A key written twice in one JSON object."""


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict:
    data: dict = dict(pairs)
    if len(data) < len(pairs):
        raise _Duplicate()
    return data


# JSON tokens that matter for nesting and keys: strings (escapes included) and punctuation
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')


def _json_trouble(text: str) -> tuple[str, int] | None:
    """What json refused and where, found by a second look at text json has already refused:
    the first key written twice in an object, or the first level nested too deeply."""
    opened: list[dict[str, int] | None] = []  # per open container: an object's keys -> offsets
    expect_key = False
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            opened.append({} if token == "{" else None)
            if len(opened) > MAX_DEPTH:
                return _TOO_DEEP, m.start()
            expect_key = token == "{"
        elif token in "]}":
            if opened:
                opened.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(opened) and opened[-1] is not None
        elif expect_key:
            keys, key = opened[-1], json.loads(token)
            if key in keys:
                first = text.count("\n", 0, keys[key]) + 1
                return f"invalid JSON: duplicate key '{key}' (first on line {first})", m.start()
            keys[key], expect_key = m.start(), False
    return None


def _depth(data: Any) -> int:
    """How deeply lists and mappings nest in parsed data (1 for a flat mapping)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                items = node.values() if isinstance(node, dict) else node
                stack.extend((v, depth + 1) for v in items)
    return deepest


def _read_json(text: str) -> Any:
    """JSON data; JSONDecodeError, _Duplicate, or RecursionError when nested past MAX_DEPTH."""
    data = json.loads(text, object_pairs_hook=_json_pairs)
    if _depth(data) > MAX_DEPTH:
        raise RecursionError
    return data


def json_data(text: str, name: str) -> Any:
    """JSON text already read (a template with its comments blanked), or ScenarioError naming
    `name`: within the same nesting limit, duplicate keys refused, as read_document reads it."""
    try:
        return _read_json(text)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise ScenarioError([Problem((), message, file=name)]) from None
    except (_Duplicate, RecursionError) as exc:
        message, offset = _json_trouble(text) or (
            "invalid JSON: duplicate key" if isinstance(exc, _Duplicate) else _TOO_DEEP,
            0,
        )
        line = text.count("\n", 0, offset) + 1
        raise ScenarioError([Problem((), message, file=name, line=line)]) from None


def read_document(path: Path) -> tuple[Any, str]:
    """The parsed data and the text of a YAML or JSON file, or ScenarioError saying why not.

    JSON (a .json file, or text that opens with `{` or `[` and parses as JSON) is read by the json
    module; anything else as YAML, within MAX_YAML_BYTES, MAX_DEPTH and MAX_YAML_VALUES."""
    name = str(path)

    def fail(message: str, line: int | None = None) -> ScenarioError:
        return ScenarioError([Problem((), message, file=name, line=line)])

    try:
        if path.is_dir():
            raise fail("is a folder, not a scenario file")
        if path.exists() and not path.is_file():
            raise fail("is not a regular file (a pipe or device?); give a scenario file")
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)  # never more, whatever the file says its size is
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise fail(f"is larger than {MAX_BYTES // 2**20} MB, the limit; a scenario is a small file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            f"is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})"
        ) from None
    is_json = path.suffix.lower() == ".json"
    if is_json or text.lstrip()[:1] in ("{", "["):
        try:
            return _read_json(text), text
        except json.JSONDecodeError as exc:
            if is_json:
                hint = (
                    " (this looks like YAML: name the file .yaml)"
                    if ":" in text[:200] and not text.lstrip().startswith(("{", "["))
                    else ""
                )
                raise fail(
                    f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}){hint}"
                ) from None
            # not JSON: YAML written in flow style ({a: 1}), read as YAML below
        except (_Duplicate, RecursionError) as exc:
            message, offset = _json_trouble(text) or (  # the second look agrees with json
                "invalid JSON: duplicate key" if isinstance(exc, _Duplicate) else _TOO_DEEP,
                0,
            )
            raise fail(message, text.count("\n", 0, offset) + 1) from None
    if len(raw) > MAX_YAML_BYTES:
        raise fail(
            f"is {len(raw) / 2**20:.1f} MB of YAML; the limit for YAML is "
            f"{MAX_YAML_BYTES // 2**20} MB (JSON may be up to {MAX_BYTES // 2**20} MB)"
        )
    loader = None
    try:
        loader = _StrictLoader(text)  # checks the characters: may refuse already
        return loader.get_single_data(), text
    except _TooMuch as exc:
        raise fail(exc.message, exc.mark.line + 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise fail(f"invalid YAML: {what}{where}") from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise fail(f"invalid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


class LineFinder:
    """Maps a field path to its line in the file's text: JSON by skipping, with the json module,
    over what comes before the field; YAML by composing the text (only once a line is asked for,
    so a valid file is parsed once)."""

    def __init__(self, text: str | None):
        self.text = text
        self.is_json = bool(text) and text.lstrip()[:1] in ("{", "[")
        self.root: yaml.Node | None = None
        self.composed = False
        self.seen: dict = {}  # JSON containers' members by offset (_json_offset)

    def find(self, path: tuple[str | int, ...]) -> int | None:
        if not self.text:
            return None
        if self.is_json:
            try:
                return self.text.count("\n", 0, _json_offset(self.text, path, self.seen)) + 1
            except (ValueError, IndexError, RecursionError):
                self.is_json = False  # YAML in flow style after all
        return self._yaml_line(path)

    def _yaml_line(self, path: tuple[str | int, ...]) -> int | None:
        if not self.composed:
            self.composed = True
            try:
                self.root = yaml.compose(self.text, Loader=_StrictLoader)
            except (yaml.YAMLError, RecursionError):
                self.root = None
        node = self.root
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


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _json_offset(text: str, path: tuple[str | int, ...], seen: dict | None = None) -> int:
    """Where in JSON text the field at `path` is written (its key, or its list item), or as far
    as the path goes; each value skipped on the way is skipped by the json module's scanner.
    `seen` keeps each container's members by its offset, so that a thousand problems in one
    long list cost one pass over it, not a thousand."""
    seen = {} if seen is None else seen
    pos = found = _SPACE.match(text).end()
    for part in path:
        if text.startswith("{", pos):
            members = seen.get(pos)
            if members is None:
                members = seen[pos] = _members(text, pos)
            if str(part) not in members:
                return found
            found, pos = members[str(part)]
        elif text.startswith("[", pos) and isinstance(part, int) and part >= 0:
            items = seen.get(pos)
            if items is None:
                items = seen[pos] = _items(text, pos)
            if part >= len(items):
                return found
            found = pos = items[part]
        else:
            return found
    return found


def _members(text: str, pos: int) -> dict[str, tuple[int, int]]:
    """An object's keys (the first of a name written twice): where each key and its value are."""
    members: dict[str, tuple[int, int]] = {}
    pos = _SPACE.match(text, pos + 1).end()
    while not text.startswith("}", pos):
        if not text.startswith('"', pos):
            raise ValueError("not JSON")
        key, end = json.decoder.scanstring(text, pos + 1)
        colon = _SPACE.match(text, end).end()
        if not text.startswith(":", colon):
            raise ValueError("not JSON")
        value = _SPACE.match(text, colon + 1).end()
        members.setdefault(key, (pos, value))
        pos = _past(text, value)
    return members


def _items(text: str, pos: int) -> list[int]:
    """Where each item of a list starts."""
    items = []
    pos = _SPACE.match(text, pos + 1).end()
    while not text.startswith("]", pos):
        items.append(pos)
        pos = _past(text, pos)
    return items


def _past(text: str, pos: int) -> int:
    """The offset after the value at `pos` and the comma that may follow it."""
    pos = _SPACE.match(text, _DECODER.raw_decode(text, pos)[1]).end()
    return _SPACE.match(text, pos + 1).end() if text.startswith(",", pos) else pos
