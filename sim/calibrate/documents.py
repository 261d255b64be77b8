"""Reading observation files: JSON items located by index and line, ISO 8601 times, and the one
way a bad row is refused (file, line or index, field: what is wrong), exit status 2.

`az ... -o json` prints one JSON array; a loop that appends one `az ... show` per sample writes
JSON documents one after another (pretty-printed or one per line). Both are read item by item with
the decoder's own position, so every item knows the line it starts on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acgsim.sim.errors import InputError

MAX_BYTES = 256 * 1024 * 1024  # 50,000 events (az's --max-events) are about 100 MB
_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$"
)


def refuse(where: str, field: str, what: str) -> InputError:
    """The error for one bad row: `file: line 12 (item 3): field: what is wrong`."""
    return InputError(f"{where}: {field}: {what}")


def read_text(path: Path) -> str:
    """The file's text, or InputError naming it (missing, not a regular file, too large, not
    UTF-8). At most MAX_BYTES + 1 bytes are read, whatever the file says its size is."""
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file")
        if path.exists() and not path.is_file():
            raise InputError(f"{path}: is not a regular file (a pipe or device?); give a file")
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // 2**20} MB (split the file)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def json_items(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    """(where, item) for each element of a top-level array, or each of several documents."""
    decoder = json.JSONDecoder()
    pos, n = _skip(text, 0), len(text)
    in_array = pos < n and text[pos] == "["
    if in_array:
        pos = _skip(text, pos + 1)
    index, line, counted = 0, 1, 0  # lines are counted as the reading moves on, not from the top
    while pos < n:
        if in_array and text[pos] == "]":
            if _skip(text, pos + 1) < n:
                raise _json_error(path, text, _skip(text, pos + 1), "text after the array")
            return
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _json_error(path, text, exc.pos, exc.msg) from None
        except RecursionError:
            raise _json_error(path, text, pos, "nested too deeply") from None
        except ValueError as exc:  # an integer of thousands of digits, say
            raise _json_error(path, text, pos, str(exc)) from None
        line += text.count("\n", counted, pos)
        counted = pos
        yield f"{path}: line {line} (item {index})", item
        index += 1
        pos = _skip(text, end)
        if in_array:
            if pos < n and text[pos] == ",":
                pos = _skip(text, pos + 1)
            elif pos < n and text[pos] != "]":
                raise _json_error(path, text, pos, "expected ',' or ']'")
            elif pos >= n:
                raise _json_error(path, text, pos, "the array is not closed")


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _json_error(path: Path, text: str, pos: int, msg: str) -> InputError:
    line = text.count("\n", 0, pos) + 1
    return InputError(f"{path}: line {line}: not valid JSON: {msg}")


def timestamp(value: Any, where: str, field: str) -> float:
    """Epoch seconds of an ISO 8601 time as Azure writes it (2026-11-02T10:15:03.1234567Z);
    a time without an offset is read as UTC."""
    m = _TIME.match(value.strip()) if isinstance(value, str) else None
    if m is None:
        raise refuse(where, field, f"{value!r} is not an ISO 8601 time (2026-11-02T10:15:03Z)")
    y, mo, d, h, mi, s, frac, tz = m.groups()
    try:
        t = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=UTC).timestamp()
    except ValueError as exc:
        raise refuse(where, field, f"{value!r}: {exc}") from None
    if frac:
        t += float("0." + frac)
    if tz and tz != "Z":
        sign = -1 if tz[0] == "+" else 1
        digits = tz[1:].replace(":", "")
        t += sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return t


def day(t: float) -> str:
    """The UTC date of an epoch time, as provenance shows it."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")


def text_of(node: Any, where: str, field: str, required: bool = True) -> str:
    """A string field, or the `value` of a {value, localizedValue} pair (Azure's localizable
    strings), falling back to localizedValue; "" when absent and not required."""
    if isinstance(node, dict):
        node = node.get("value") or node.get("localizedValue")
    if node is None or node == "":
        if required:
            raise refuse(where, field, "missing")
        return ""
    if not isinstance(node, str):
        raise refuse(where, field, f"{node!r} is not text")
    return node
