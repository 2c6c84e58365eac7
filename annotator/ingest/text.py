"""Turning raw file bytes into clean text and blank-line separated blocks.

Pure functions: no database, no app.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from .errors import RejectedFile

# White space (no-break spaces included) plus the invisible characters editors and scrapers
# leave on "empty" lines: zero-width space and joiners, word joiner, BOM, soft hyphen, and the
# direction marks common in scraped Arabic (LRM, RLM, ALM).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
# Every white space character (U+3000, the ideographic space, is the last) and those: what
# a line is stripped of, with str.strip, which stays linear on a line of a million spaces.
_EDGES = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + _INVISIBLE
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return, DEL,
# and lone surrogates (half of a UTF-16 pair: a JSON "\\ud800" decodes to one, and no
# database can store it as text).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]|[\ud800-\udfff]")
# Byte order marks of the encodings other than UTF-8 a text file is read in; UTF-32 first,
# since its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


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


def describe_character(character: str) -> str:
    """What is wrong with a forbidden character, in words: "control character U+0000"."""
    code = f"U+{ord(character):04X}"
    if 0xD800 <= ord(character) <= 0xDFFF:
        return f"lone surrogate {code} (half of a UTF-16 pair, not a character)"
    return f"control character {code}"


def find_forbidden_character(text: str) -> tuple[str, int] | None:
    """The first control character or lone surrogate, described, with its 1-based line."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    return describe_character(match.group()), text.count("\n", 0, match.start()) + 1


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM), or UTF-16 or UTF-32 with their BOM; unify line
    endings and NFC-normalise.

    Rejects empty files, binary files, bytes that do not decode and control characters,
    naming the line.
    """
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8-sig")
    if encoding == "utf-8-sig":
        if not data.lstrip(b"\xef\xbb\xbf"):
            raise RejectedFile(file, "the file is empty")
        nul = data.find(b"\x00")
        if nul != -1:
            raise RejectedFile(
                file, "binary file (it contains NUL bytes)", data.count(b"\n", 0, nul) + 1
            )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(encoding, errors="replace").count("\n") + 1
        if encoding == "utf-8-sig":
            what = f"not UTF-8: byte 0x{data[error.start : error.start + 1].hex()}"
        else:
            what = f"not {encoding.upper()}: bytes 0x{data[error.start : error.end].hex()}"
        raise RejectedFile(
            file, f"{what} cannot be decoded; save the file as UTF-8", line
        ) from None
    text = normalise_text(text)
    forbidden = find_forbidden_character(text)
    if forbidden is not None:
        raise RejectedFile(file, f"binary or corrupt text: {forbidden[0]}", forbidden[1])
    if not text:
        raise RejectedFile(file, "the file is empty")
    if is_blank(text):
        raise RejectedFile(file, "the file holds only white space")
    return text


def is_blank(line: str) -> bool:
    """A line of only white space (no-break spaces and zero-width spaces included)."""
    return not clean_line(line)


def clean_line(line: str) -> str:
    """Strip white space (no-break spaces included) from both ends of a line."""
    return line.strip(_EDGES)


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
