"""Reading ``annotator.v1`` lines into rows ready to store: the part of a record import that
needs no database, so that large files can have it done in worker processes.

Each line is parsed, checked against the shipped JSON Schema, its span texts compared
with its offsets, and its layers validated exactly as a save through the API would be.
The result is one JSON array of rows per table (``json_rows``): a few byte strings per
chunk, cheap to send between processes, that the database itself takes apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from jsonschema.exceptions import best_match
from sqlalchemy.dialects import sqlite

from ..annotation_store import LAYER_COLUMNS, layer_values
from ..export.records import SpanMismatch, check_record, payload_from_record
from ..jsonschemas import fast_errors, fast_validator, full_validator
from ..models.base import UTCDateTime
from ..record_layers import ActorDetails, encode_layers
from ..validation import InvalidPayload, Vocabulary, validate_payload
from .articles import text_sha256

RECORD_SCHEMA = "annotator.v1"


@dataclass(frozen=True)
class ReadContext:
    """What checking a line needs from the database, read once before the import starts."""

    file: str
    file_name: str
    vocabulary: Vocabulary
    actors: dict[str, ActorDetails]
    # The user whose submitted annotations the records become; None for pre-annotations.
    annotator_id: int | None
    dialect: str  # "sqlite" or "postgresql": how timestamps are written


class PreparedChunk(NamedTuple):
    """A chunk of valid lines as one JSON array of rows per table (see ``json_rows``).

    Rows name their annotation by paragraph id (the importing user is fixed); the
    database looks the id up when it inserts them.
    """

    records: int
    first_line: int
    paragraph_count: int  # distinct paragraphs in ``paragraphs``
    documents: bytes  # [id, title, source, language, content key]
    paragraphs: bytes  # [line, id, document id, position, text, sha256]
    annotations: bytes  # [line, paragraph id, user id, comment, flagged, created, updated, layers]
    # Layer and history rows start with their annotation's place in ``annotations`` and
    # its paragraph and user, which the database turns into the annotation id.
    layers: dict[str, bytes]  # layer table -> [place, paragraph id, user id, *LAYER_COLUMNS]
    history: bytes  # [place, paragraph id, user id, saved by, saved at, payload]
    pre_annotations: bytes  # [line, paragraph id, source, payload, imported at]


class BadLine(NamedTuple):
    """Why a line was refused (a value, not an exception, so it crosses processes intact)."""

    line: int
    message: str


def _schema_error(record: Any) -> str:
    """A readable message for a record that failed the fast check."""
    error = best_match(full_validator(RECORD_SCHEMA).iter_errors(record))
    if error is not None:
        return f"{error.json_path}: {error.message}"
    path, message = (fast_errors(RECORD_SCHEMA, record) or [("$", "not an annotator.v1 record")])[0]
    return f"{path}: {message}"


def _timestamp_writer(dialect: str) -> Callable[[datetime], str]:
    """Timestamps as the column type stores them on ``dialect`` (text the database reads)."""
    if dialect == "sqlite":
        sqlite_dialect = sqlite.dialect()
        process = UTCDateTime().dialect_impl(sqlite_dialect).bind_processor(sqlite_dialect)
        assert process is not None
        return process
    return lambda value: value.astimezone(UTC).isoformat()


def _document_key(document_id: str) -> str:
    # Not the article's full content (the file has only annotated paragraphs): a key that
    # cannot collide with a content hash of an imported article.
    return hashlib.sha256(f"annotator.v1 import:{document_id}".encode()).hexdigest()


def read_lines(lines: list[tuple[int, bytes]], context: ReadContext) -> PreparedChunk | BadLine:
    """Check numbered lines and prepare their rows; the first bad line stops the chunk."""
    is_valid = fast_validator(RECORD_SCHEMA).is_valid
    stamp = _timestamp_writer(context.dialect)
    now = stamp(datetime.now(UTC))
    user = context.annotator_id
    documents: dict[str, list[Any]] = {}
    paragraphs: dict[str, list[Any]] = {}
    annotations: list[list[Any]] = []
    layers: dict[str, list[list[Any]]] = {model.__tablename__: [] for model in LAYER_COLUMNS}
    history: list[list[Any]] = []
    pre_annotations: list[list[Any]] = []
    seen: set[tuple[str, str]] = set()
    for number, raw in lines:
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            return BadLine(number, f"not valid JSON: {error}")
        if not is_valid(record):
            return BadLine(number, _schema_error(record))
        text = record["text"]
        try:
            check_record(record)
            payload = validate_payload(
                payload_from_record(record), text, context.vocabulary, shape_checked=True
            )
        except SpanMismatch as error:
            return BadLine(number, str(error))
        except InvalidPayload as error:
            first = error.errors[0]
            hint = (
                " (import the actor registry exported beside the records first)"
                if "unknown actor" in first.message
                else ""
            )
            return BadLine(number, f"{first.path}: {first.message}{hint}")
        paragraph_id, document_id = record["paragraph_id"], record["document_id"]
        key = (paragraph_id, "" if user is not None else record["annotator"])
        if key in seen:
            whose = "the importing user" if user is not None else record["annotator"]
            return BadLine(number, f"paragraph {paragraph_id} appears twice for {whose}")
        seen.add(key)
        if document_id not in documents:
            documents[document_id] = [
                document_id,
                record["document_title"] or document_id,
                record["source"],
                record.get("language", "und"),
                _document_key(document_id),
            ]
        if paragraph_id not in paragraphs:
            paragraphs[paragraph_id] = [
                number,
                paragraph_id,
                document_id,
                record["index"],
                text,
                text_sha256(text),
            ]
        if user is None:
            pre_annotations.append(
                [
                    number,
                    paragraph_id,
                    f"{context.file_name}:{record['annotator']}",
                    orjson.dumps(
                        {
                            "entities": payload.entities,
                            "stances": payload.stances,
                            "quotes": payload.quotes,
                        }
                    ).decode(),
                    now,
                ]
            )
            continue
        place = len(annotations)
        annotations.append(
            [
                number,
                paragraph_id,
                user,
                payload.comment,
                payload.flagged,
                stamp(datetime.fromisoformat(record["created_at"])),
                stamp(datetime.fromisoformat(record["updated_at"])),
                encode_layers(payload, text, context.actors),
            ]
        )
        for model, rows in layer_values(payload).items():
            layers[model.__tablename__].extend([place, paragraph_id, user, *row] for row in rows)
        history.append(
            [
                place,
                paragraph_id,
                user,
                user,
                now,
                orjson.dumps(
                    {"version": 1, "imported_from": context.file_name, **payload.content()}
                ).decode(),
            ]
        )
    return PreparedChunk(
        records=len(lines),
        first_line=lines[0][0] if lines else 0,
        paragraph_count=len(paragraphs),
        documents=orjson.dumps(list(documents.values())),
        paragraphs=orjson.dumps(list(paragraphs.values())),
        annotations=orjson.dumps(annotations),
        layers={table: orjson.dumps(rows) for table, rows in layers.items()},
        history=orjson.dumps(history),
        pre_annotations=orjson.dumps(pre_annotations),
    )


# Worker processes: the context arrives once, through the pool's initializer.
_worker_context: ReadContext | None = None


def start_worker(context: ReadContext) -> None:
    """Pool initializer: keep the context for every chunk this worker reads."""
    global _worker_context
    _worker_context = context


def read_chunk_in_worker(lines: list[tuple[int, bytes]]) -> PreparedChunk | BadLine:
    """``read_lines`` with the context the worker was started with."""
    assert _worker_context is not None, "start_worker was not called"
    return read_lines(lines, _worker_context)
