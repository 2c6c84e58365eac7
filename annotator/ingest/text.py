"""Turning raw file bytes into clean text and blank-line separated blocks.

Pure functions: no database, no app.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .errors import RejectedFile

# White space (no-break spaces included) plus the invisible characters editors and scrapers
# leave on "empty" lines: zero-width space and joiners, word joiner, BOM, soft hyphen, and the
# direction marks common in scraped Arabic (LRM, RLM, ALM).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
_EDGES = re.compile(rf"^[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+$")
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return, and DEL.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines; ``line`` is the 1-based line number of its first line."""

    lines: tuple[str, ...]
    line: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def normalise_text(text: str) -> str:
    """Unify line endings (CRLF and lone CR become LF) and NFC-normalise."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def find_control_character(text: str) -> tuple[str, int] | None:
    """The first forbidden control character as ("U+XXXX", line number), or None."""
    match = _FORBIDDEN_CONTROLS.search(text)
    if match is None:
        return None
    return f"U+{ord(match.group()):04X}", text.count("\n", 0, match.start()) + 1


def find_control_in_json(value: Any, path: str) -> tuple[str, str] | None:
    """The path and code of the first forbidden control character in a JSON value."""
    if isinstance(value, str):
        found = find_control_character(value)
        return (path, found[0]) if found else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = find_control_in_json(key, path) or find_control_in_json(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_control_in_json(item, f"{path}[{index}]")
            if found:
                return found
    return None


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM), unify line endings, NFC-normalise.

    Rejects empty files, binary files and bytes that are not UTF-8, naming the line.
    """
    if not data.lstrip(b"\xef\xbb\xbf"):
        raise RejectedFile(file, "the file is empty")
    nul = data.find(b"\x00")
    if nul != -1:
        raise RejectedFile(
            file, "binary file (it contains NUL bytes)", data.count(b"\n", 0, nul) + 1
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        raise RejectedFile(
            file, f"not UTF-8: byte 0x{bad} cannot be decoded; save the file as UTF-8", line
        ) from None
    text = normalise_text(text)
    control = find_control_character(text)
    if control is not None:
        raise RejectedFile(
            file, f"binary or corrupt text: control character {control[0]}", control[1]
        )
    if is_blank(text):
        raise RejectedFile(file, "the file holds only white space")
    return text


def is_blank(line: str) -> bool:
    """A line of only white space (no-break spaces and zero-width spaces included)."""
    return not clean_line(line)


def clean_line(line: str) -> str:
    """Strip white space (no-break spaces included) from both ends of a line."""
    return _EDGES.sub("", line)


def split_blocks(text: str) -> list[Block]:
    """Split text into blocks separated by one or more blank lines."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        if is_blank(raw):
            if current:
                blocks.append(Block(tuple(current), start))
                current = []
            continue
        if not current:
            start = number
        current.append(clean_line(raw))
    if current:
        blocks.append(Block(tuple(current), start))
    return blocks


def fold(text: str) -> str:
    """A loose comparison key: case-folded, apostrophes unified, white space collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.casefold().split())
