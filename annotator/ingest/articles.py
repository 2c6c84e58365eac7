"""Reading articles from .txt and .jsonl files into ``ParsedArticle`` values.

Pure functions: bytes in, articles out (or ``RejectedFile``); how the lines become a title
and paragraphs is ``layout``'s, the database is touched only by ``annotator.ingest.service``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .errors import RejectedFile
from .furniture import find_published_date
from .json_checks import TooDeep, find_forbidden_in_json, loads_article_line
from .language import guess_language
from .layout import MAX_TITLE_LENGTH, Layout, NoTitle, ParsedParagraph, collapse, lay_out
from .text import Block, decode_text, is_blank, normalise_text, split_blocks

DOCUMENT_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
LANGUAGE_PATTERN = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")

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
class ParsedArticle:
    """An article ready to store. ``id`` is the given one or derived from the content."""

    title: str
    source: str
    paragraphs: tuple[ParsedParagraph, ...]
    published: date | None = None
    language: str = "und"
    meta: dict[str, Any] = field(default_factory=dict)
    given_id: str | None = None
    line: int | None = None
    duplicates_dropped: int = 0

    @cached_property
    def content_sha256(self) -> str:
        """Hash of the title and every paragraph, in order: equal for the same article.

        Computed once: the id of each paragraph derives from it."""
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
    """Read a scraped article: blocks of lines laid out as title and paragraphs (``layout``).

    ``file`` names the file in error messages; ``source`` (default: ``file``) is what
    the document records as its source, usually the bare file name.
    """
    blocks = split_blocks(decode_text(data, file))
    try:
        layout = lay_out(blocks)
    except NoTitle as error:
        raise RejectedFile(file, f"{error}; give the article a title in a .jsonl file") from None
    return ParsedArticle(
        title=layout.title,
        source=source or file,
        paragraphs=layout.paragraphs,
        published=find_published_date([line for block in blocks for line in block.lines]),
        language=_language(layout),
        duplicates_dropped=layout.repeats_dropped,
    )


def parse_jsonl(data: bytes, source: str) -> list[ParsedArticle]:
    """Read one article per line; any bad line rejects the whole file, naming the line."""
    text = decode_text(data, source)
    articles: list[ParsedArticle] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if is_blank(raw):
            continue
        try:
            record = loads_article_line(raw)
        except TooDeep as error:
            raise RejectedFile(source, f"the line is JSON {error}", number) from None
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
    forbidden = find_forbidden_in_json(record)
    if forbidden is not None:
        raise RejectedFile(file, f"{forbidden[0]}: {forbidden[1]}", line)
    error = best_match(_ARTICLE_VALIDATOR.iter_errors(record))
    if error is not None:
        where = error.json_path if error.json_path != "$" else "the record"
        raise RejectedFile(file, f"{where}: {error.message}", line)
    # JSON Schema patterns use re.search, where "$" also matches before a final newline.
    for key, pattern in (("id", DOCUMENT_ID_PATTERN), ("language", LANGUAGE_PATTERN)):
        if key in record and not pattern.fullmatch(record[key]):
            raise RejectedFile(file, f"$.{key}: {record[key]!r} is not a valid {key}", line)
    has_text = "text" in record and not is_blank(record["text"])
    has_paragraphs = "paragraphs" in record
    if has_text == has_paragraphs:
        raise RejectedFile(
            file,
            'the record needs its text: give either "text" (paragraphs separated by blank '
            'lines) or "paragraphs" (a list of strings), not both',
            line,
        )
    title = _given_title(record.get("title"), file, line)
    if has_paragraphs:
        if title is None:
            raise RejectedFile(file, '"title" is required with "paragraphs"', line)
        blocks = [
            _paragraph_block(item, index, file, line)
            for index, item in enumerate(record["paragraphs"])
        ]
    else:
        blocks = split_blocks(normalise_text(record["text"]))
    try:
        layout = lay_out(blocks, title)
    except NoTitle as error:
        raise RejectedFile(file, f'{error}; give the record a "title"', line) from None
    published = (
        date.fromisoformat(record["published"])
        if "published" in record
        else find_published_date([ln for block in blocks for ln in block.lines])
    )
    return ParsedArticle(
        title=layout.title,
        source=f"{Path(file).name}:{line}",
        paragraphs=layout.paragraphs,
        published=published,
        language=record.get("language") or _language(layout),
        meta=record.get("meta", {}),
        given_id=record.get("id"),
        line=line,
        duplicates_dropped=layout.repeats_dropped,
    )


def _given_title(value: str | None, file: str, line: int) -> str | None:
    """A record's title on one line, NFC; refused when longer than a title may be."""
    if value is None or is_blank(value):
        return None
    title = collapse(unicodedata.normalize("NFC", value))
    if len(title) > MAX_TITLE_LENGTH:
        raise RejectedFile(
            file,
            f"$.title: {len(title)} characters; a title has at most {MAX_TITLE_LENGTH} "
            '(put the text in "text" or "paragraphs")',
            line,
        )
    return title


def _paragraph_block(item: str, index: int, file: str, line: int) -> Block:
    """One item of a record's "paragraphs" as a block: it must hold text and no blank line."""
    item_blocks = split_blocks(normalise_text(item))
    if not item_blocks:
        raise RejectedFile(file, f"$.paragraphs[{index}] is empty", line)
    if len(item_blocks) > 1:
        raise RejectedFile(
            file,
            f"$.paragraphs[{index}] holds a blank line: make each paragraph its own item",
            line,
        )
    return Block(item_blocks[0].lines, line)


def _language(layout: Layout) -> str:
    return guess_language([p.text for p in layout.paragraphs if not p.is_boilerplate])
