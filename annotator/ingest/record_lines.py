"""Reading ``annotator.v1`` lines into rows ready to store: the part of a record import that
needs no database, so that large files can have it done in worker processes.

Each line is parsed, checked against the shipped JSON Schema, its span texts compared
with its offsets, and its layers validated exactly as a save through the API would be.
The result is plain data (tuples, strings, datetimes) that pickles cheaply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from jsonschema.exceptions import best_match

from ..annotation_store import layer_values
from ..export.records import SpanMismatch, check_record, payload_from_record
from ..jsonschemas import fast_errors, fast_validator, full_validator
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
    as_annotations: bool  # a user's submitted annotations, or pre-annotations


class PreparedRecord(NamedTuple):
    """One valid line, as the rows the import stores (layer rows without the annotation id)."""

    line: int
    paragraph_id: str
    document_id: str
    document_title: str | None
    source: str
    language: str
    index: int
    text: str
    text_sha256: str
    annotator: str
    comment: str | None
    flagged: bool
    created_at: datetime
    updated_at: datetime
    # The record layers an export copies (annotations), or the suggestions' payload.
    layers_json: str
    # The history row's payload (annotations only).
    history_json: str | None
    # The layer tables' rows by model, without the annotation id (``layer_values``).
    layers: dict[type, list[tuple[Any, ...]]]


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


def read_lines(
    lines: Iterable[tuple[int, bytes]], context: ReadContext
) -> list[PreparedRecord] | BadLine:
    """Prepare numbered lines; the first bad one stops the chunk and is returned."""
    is_valid = fast_validator(RECORD_SCHEMA).is_valid
    prepared = []
    for number, raw in lines:
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            return BadLine(number, f"not valid JSON: {error}")
        if not is_valid(record):
            return BadLine(number, _schema_error(record))
        try:
            check_record(record)
            prepared.append(_prepare(number, record, context))
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
    return prepared


def _prepare(number: int, record: dict[str, Any], context: ReadContext) -> PreparedRecord:
    text = record["text"]
    payload = validate_payload(
        payload_from_record(record), text, context.vocabulary, shape_checked=True
    )
    content = {"entities": payload.entities, "stances": payload.stances, "quotes": payload.quotes}
    if context.as_annotations:
        layers_json = encode_layers(
            payload.entities, payload.stances, payload.quotes, text, context.actors
        )
        history_json = orjson.dumps(
            {"version": 1, "imported_from": context.file_name, **payload.content()}
        ).decode()
    else:
        layers_json, history_json = orjson.dumps(content).decode(), None
    return PreparedRecord(
        line=number,
        paragraph_id=record["paragraph_id"],
        document_id=record["document_id"],
        document_title=record["document_title"],
        source=record["source"],
        language=record.get("language", "und"),
        index=record["index"],
        text=text,
        text_sha256=text_sha256(text),
        annotator=record["annotator"],
        comment=payload.comment,
        flagged=payload.flagged,
        created_at=datetime.fromisoformat(record["created_at"]),
        updated_at=datetime.fromisoformat(record["updated_at"]),
        layers_json=layers_json,
        history_json=history_json,
        layers=layer_values(payload),
    )


# Worker processes: the context arrives once, through the pool's initializer.
_worker_context: ReadContext | None = None


def start_worker(context: ReadContext) -> None:
    """Pool initializer: keep the context for every chunk this worker reads."""
    global _worker_context
    _worker_context = context


def read_chunk_in_worker(lines: list[tuple[int, bytes]]) -> list[PreparedRecord] | BadLine:
    """``read_lines`` with the context the worker was started with."""
    assert _worker_context is not None, "start_worker was not called"
    return read_lines(lines, _worker_context)
