"""What a JSON Schema cannot see in an imported value: nesting too deep to handle, strings
holding control characters or lone surrogates, and where in a file such a string was written.

Pure functions: no database, no app.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .text import find_forbidden_character

# Deeper than any article or registry needs (their free-form "meta" included); checked
# before anything walks a value, so a hostile file cannot exhaust the stack.
MAX_DEPTH = 64
# How a JSON text writes a control character: a \u escape of a C0 control other than tab,
# line feed, vertical tab, form feed and carriage return, or of DEL, or the short escape \b
# (backspace); its backslash not itself escaped. (Parsers refuse lone surrogates.)
_FORBIDDEN_ESCAPE = re.compile(
    r"(?<!\\)(?:\\\\)*\\(?:u00(?:0[0-8]|0[eEfF]|1[0-9a-fA-F])|u007[fF]|b)"
)
# A quick test on a line's bytes: an escape that may write a control character (an escaped
# backslash before "b" is a false alarm, which the walk then clears). Its literal first
# character lets the search skip ahead.
_MAYBE_FORBIDDEN = re.compile(rb"\\(?:u00[01]|u007[fF]|b)")


class TooDeep(ValueError):
    """A JSON value nested deeper than ``MAX_DEPTH``."""


def loads_article_line(raw: str) -> Any:
    """One JSON line of an articles file, big integers exact (the standard library keeps
    them, orjson would round them to floats); NaN and Infinity refused.

    Raises ``ValueError`` for what is not JSON, ``TooDeep`` for nesting past ``MAX_DEPTH``.
    """
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise TooDeep(f"nested more than {MAX_DEPTH} levels deep") from None
    check_depth(value)
    return value


def check_depth(value: Any) -> None:
    """Raise ``TooDeep`` when ``value`` nests more than ``MAX_DEPTH`` arrays and objects."""
    level: list[Any] = [value]
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise TooDeep(f"nested more than {MAX_DEPTH} levels deep")
        level = [
            item
            for node in level
            if isinstance(node, dict | list)
            for item in (node.values() if isinstance(node, dict) else node)
            if isinstance(item, dict | list)
        ]


def strings_in(value: Any, path: str = "$") -> Iterator[tuple[str, str, bool]]:
    """Every string of a parsed JSON value, keys included, in document order, as (JSON path,
    string, whether it is a key; a key's path is its object's). Without recursion: a request
    body may nest as deep as orjson admits (1024), past Python's stack. The one walk behind
    the import's checks and the web boundary's."""
    stack: list[tuple[str, Any, bool]] = [(path, value, False)]
    while stack:
        where, item, is_key = stack.pop()
        if isinstance(item, str):
            yield where, item, is_key
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                stack.append((f"{where}.{key}", child, False))
                stack.append((where, key, True))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}[{index}]", child, False)
                for index, child in reversed(list(enumerate(item)))
            )


def find_forbidden_in_json(value: Any, path: str = "$") -> tuple[str, str] | None:
    """The JSON path of the first string (key or value) holding a control character or a
    lone surrogate, and what it holds; None when there is none."""
    for where, text, _ in strings_in(value, path):
        found = find_forbidden_character(text)
        if found:
            return where, found[0]
    return None


def may_hold_forbidden(raw: bytes) -> bool:
    """Whether a JSON text may hold a forbidden character in a string: a quick test on the
    bytes, so that only lines which may are walked (``find_forbidden_in_json``)."""
    # DEL is the one such character JSON lets a string hold unescaped.
    return _MAYBE_FORBIDDEN.search(raw) is not None or b"\x7f" in raw


def line_of_forbidden_escape(text: str) -> int | None:
    """The 1-based line of a JSON text on which the first forbidden character is written."""
    match = _FORBIDDEN_ESCAPE.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


__all__ = [
    "MAX_DEPTH",
    "TooDeep",
    "check_depth",
    "find_forbidden_in_json",
    "line_of_forbidden_escape",
    "loads_article_line",
    "may_hold_forbidden",
    "strings_in",
]
