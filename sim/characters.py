"""Characters no file, shell or terminal carries intact: control characters and lone surrogates,
found in a value and shown escaped so text from a hostile file prints safely."""

from __future__ import annotations

_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10)}
# Half of a UTF-16 surrogate pair: JSON's "\ud800" reads as one, and UTF-8 cannot encode it.
_SURROGATE = {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}
_UNPRINTABLE = _CONTROL | _SURROGATE


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (ESC, NUL, ...) shown as \\xNN and
    lone surrogates as \\uXXXX, so a value from a hostile file cannot move the cursor, recolour
    or clear the screen, nor stop the printing with an encoding error."""
    return text.translate(_UNPRINTABLE)


def control_character(text: str) -> str | None:
    """The first control character in TEXT (tab and newline allowed) as \\xNN, or None."""
    for ch in text:
        if ord(ch) in _CONTROL:
            return _CONTROL[ord(ch)]
    return None


def unfit_character(text: str) -> tuple[str, str] | None:
    """The first character that no file, shell or terminal carries intact, as (the refusal's
    key, the character as \\xNN or \\uXXXX), or None: a control character (tab and newline
    allowed) or half of a surrogate pair."""
    for ch in text:
        code = ord(ch)
        if code in _CONTROL:
            return "ControlCharacter", _CONTROL[code]
        if code in _SURROGATE:
            return "LoneSurrogate", _SURROGATE[code]
    return None
