"""Reading articles from .txt and .jsonl files into ``ParsedArticle`` values.

Pure functions: bytes in, articles out (or ``RejectedFile``); the database is
touched only by ``annotator.ingest.service``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .errors import RejectedFile
from .furniture import block_reason, find_published_date, is_related_heading, line_reason
from .language import guess_language
from .text import (
    Block,
    decode_text,
    find_control_in_json,
    fold,
    is_blank,
    normalise_text,
    split_blocks,
)

DOCUMENT_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
LANGUAGE_PATTERN = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
RELATED_FOOTER = "related-news footer"

ARTICLE_LINE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": f"^{DOCUMENT_ID_PATTERN.pattern}$"},
        "title": {"type": "string", "minLength": 1},
        "text": {"type": "string"},
        "paragraphs": {"type": "array", "items": {"type": "string"}},
        "meta": {"type": "object"},
        "published": {"type": "string", "format": "date"},
        "language": {"type": "string", "maxLength": 16, "pattern": f"^{LANGUAGE_PATTERN.pattern}$"},
    },
    "additionalProperties": False,
}
_ARTICLE_VALIDATOR = Draft202012Validator(
    ARTICLE_LINE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)


@dataclass(frozen=True)
class ParsedParagraph:
    text: str
    boilerplate_reason: str | None = None

    @property
    def is_boilerplate(self) -> bool:
        return self.boilerplate_reason is not None


@dataclass
class ParsedArticle:
    """An article ready to store. ``id`` is the given one or derived from the content."""

    title: str
    source: str
    paragraphs: list[ParsedParagraph]
    published: date | None = None
    language: str = "und"
    meta: dict[str, Any] = field(default_factory=dict)
    given_id: str | None = None
    line: int | None = None
    duplicates_dropped: int = 0

    @property
    def content_sha256(self) -> str:
        """Hash of the title and every paragraph, in order: equal for the same article."""
        digest = hashlib.sha256(self.title.encode("utf-8"))
        for paragraph in self.paragraphs:
            digest.update(b"\n\n")
            digest.update(paragraph.text.encode("utf-8"))
        return digest.hexdigest()

    @property
    def id(self) -> str:
        return self.given_id or self.content_sha256[:16]


def paragraph_id(document_id: str, position: int) -> str:
    """The stable id of the paragraph at ``position`` (0-based) of a document."""
    return f"{document_id}-p{position}"


def text_sha256(text: str) -> str:
    """sha256 of a paragraph's stored text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_txt(data: bytes, file: str, source: str | None = None) -> ParsedArticle:
    """Read a scraped article: title from the first non-furniture line, blocks as paragraphs.

    ``file`` names the file in error messages; ``source`` (default: ``file``) is what
    the document records as its source, usually the bare file name.
    """
    text = decode_text(data, file)
    blocks = split_blocks(text)
    title = _find_title(blocks)
    if title is None:
        raise RejectedFile(file, "no title found: every line looks like page furniture")
    all_lines = [line for block in blocks for line in block.lines]
    paragraphs, dropped = _paragraphs_from_blocks(blocks, title)
    if not paragraphs:
        raise RejectedFile(file, "the article has a title but no paragraphs")
    return ParsedArticle(
        title=title,
        source=source or file,
        paragraphs=paragraphs,
        published=find_published_date(all_lines),
        language=guess_language([p.text for p in paragraphs if not p.is_boilerplate]),
        duplicates_dropped=dropped,
    )


def parse_jsonl(data: bytes, source: str) -> list[ParsedArticle]:
    """Read one article per line; any bad line rejects the whole file, naming the line."""
    text = decode_text(data, source)
    articles: list[ParsedArticle] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if is_blank(raw):
            continue
        try:
            # The standard library keeps big integers in "meta" exact (orjson would round
            # them to floats); NaN and Infinity are not JSON and are refused.
            record = json.loads(raw, parse_constant=_refuse_constant)
        except ValueError as error:
            raise RejectedFile(source, f"not valid JSON: {error}", number) from None
        if isinstance(record, dict) and "schema" in record:
            raise RejectedFile(
                source,
                f"a record of schema {record['schema']!r} in a file of articles: a file of "
                "annotator records must hold only records (its first line decides)",
                number,
            )
        articles.append(parse_article_record(record, source, number))
    if not articles:
        raise RejectedFile(source, "the file holds no articles")
    return articles


def parse_article_record(record: Any, file: str, line: int) -> ParsedArticle:
    """Validate one JSONL article record and turn it into a ``ParsedArticle``."""
    if not isinstance(record, dict):
        raise RejectedFile(file, "each line must be a JSON object", line)
    error = best_match(_ARTICLE_VALIDATOR.iter_errors(record))
    if error is not None:
        where = error.json_path if error.json_path != "$" else "the record"
        raise RejectedFile(file, f"{where}: {error.message}", line)
    # JSON Schema patterns use re.search, where "$" also matches before a final newline.
    for key, pattern in (("id", DOCUMENT_ID_PATTERN), ("language", LANGUAGE_PATTERN)):
        if key in record and not pattern.fullmatch(record[key]):
            raise RejectedFile(file, f"$.{key}: {record[key]!r} is not a valid {key}", line)
    control = find_control_in_json(record, "$")
    if control is not None:
        raise RejectedFile(file, f"{control[0]}: control character {control[1]}", line)
    has_text = "text" in record and not is_blank(record["text"])
    has_paragraphs = "paragraphs" in record
    if has_text == has_paragraphs:
        raise RejectedFile(
            file,
            'the record needs its text: give either "text" (paragraphs separated by blank '
            'lines) or "paragraphs" (a list of strings), not both',
            line,
        )
    title = _clean_title(record.get("title"))
    if has_paragraphs:
        if title is None:
            raise RejectedFile(file, '"title" is required with "paragraphs"', line)
        blocks = []
        for index, item in enumerate(record["paragraphs"]):
            item_blocks = split_blocks(normalise_text(item))
            if not item_blocks:
                raise RejectedFile(file, f"$.paragraphs[{index}] is empty", line)
            if len(item_blocks) > 1:
                raise RejectedFile(
                    file,
                    f"$.paragraphs[{index}] holds a blank line: make each paragraph its own item",
                    line,
                )
            blocks.append(Block(item_blocks[0].lines, line))
    else:
        blocks = split_blocks(normalise_text(record["text"]))
        if title is None:
            title = _find_title(blocks)
            if title is None:
                raise RejectedFile(file, "no title given and none found in the text", line)
    paragraphs, dropped = _paragraphs_from_blocks(blocks, title)
    if not paragraphs:
        raise RejectedFile(file, "the record has no paragraphs besides its title", line)
    published = (
        date.fromisoformat(record["published"])
        if "published" in record
        else find_published_date([ln for block in blocks for ln in block.lines])
    )
    return ParsedArticle(
        title=title,
        source=f"{Path(file).name}:{line}",
        paragraphs=paragraphs,
        published=published,
        language=record.get("language")
        or guess_language([p.text for p in paragraphs if not p.is_boilerplate]),
        meta=record.get("meta", {}),
        given_id=record.get("id"),
        line=line,
        duplicates_dropped=dropped,
    )


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _clean_title(value: str | None) -> str | None:
    if value is None or is_blank(value):
        return None
    return " ".join(unicodedata.normalize("NFC", value).split())


def _find_title(blocks: list[Block]) -> str | None:
    """The first line that is not page furniture."""
    for block in blocks:
        for line in block.lines:
            if line_reason(line) is None:
                return " ".join(line.split())
    return None


def _paragraphs_from_blocks(blocks: list[Block], title: str) -> tuple[list[ParsedParagraph], int]:
    """Drop title lines and repeated paragraphs; flag furniture. Returns (paragraphs, dropped)."""
    title_key = fold(title)
    seen: set[str] = set()
    paragraphs: list[ParsedParagraph] = []
    dropped = 0
    in_footer = False
    for block in blocks:
        lines = [line for line in block.lines if fold(line) != title_key]
        if not lines:
            continue
        text = "\n".join(lines)
        if text in seen:
            dropped += 1
            continue
        seen.add(text)
        if not in_footer and is_related_heading(lines):
            in_footer = True
        reason = RELATED_FOOTER if in_footer else block_reason(lines)
        paragraphs.append(ParsedParagraph(text, reason))
    return paragraphs, dropped
