"""Reading an annotator.v2 (or v1) file's lines into checked records: the part of a record
import that needs no database, so that worker processes can do it for large files.

Each line is parsed, checked against the shipped JSON Schema of the version it names
(``annotator.v2``, or ``annotator.v1``, whose stance targets are upgraded), its span texts
compared with its offsets, and its content checked as a save's is (``check_content``). Chunks of a
large file are checked by worker processes while the importing process stores earlier
ones: a map over chunks that keeps only a few in flight, each sent back as MessagePack.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

import msgspec
import orjson
from jsonschema.exceptions import best_match

from ..annotation.model import Content
from ..annotation.record import READABLE_SCHEMAS, SCHEMA, SpanMismatch, read_layers
from ..annotation.validation import Vocabulary, check_content
from ..jsonschemas import fast_errors, fast_validator, full_validator
from .errors import RejectedFile
from .json_checks import find_forbidden_in_json, may_hold_forbidden

CHUNK = 1000  # lines checked and stored together
# Below this size a file is checked in this process: starting workers costs about a second.
WORKER_THRESHOLD_BYTES = 8 * 2**20


@dataclass(frozen=True)
class ReadContext:
    """What checking a line needs, read once before the import starts (sent to workers)."""

    file: str
    vocabulary: Vocabulary
    # Whose records are kept apart: one annotation per paragraph for the importing user,
    # one pre-annotation per paragraph and annotator named in the file otherwise.
    as_user: bool
    # Actor keys the registry no longer has, as their normalised form ("old key"), by the
    # actor holding that alias (``registry.key_aliases``): an actor merged into another.
    key_aliases: Mapping[str, str] = field(default_factory=dict)


class CheckedRecord(msgspec.Struct, array_like=True):
    """One valid line: where its paragraph lives, and what was annotated on it (a msgspec
    Struct, so that a worker sends a checked chunk as compact MessagePack)."""

    line: int
    paragraph_id: str
    document_id: str
    document_title: str
    source: str
    language: str
    index: int
    text: str
    annotator: str
    content: Content
    # Read only for the importing user's annotations (pre-annotations keep no timestamps).
    created_at: datetime | None
    updated_at: datetime | None


class BadLine(NamedTuple):
    """Why a line was refused (a value, not an exception, so that it crosses processes)."""

    line: int
    message: str


def _schema_of(record: object) -> str:
    """The schema a record is checked against: the readable one it names, else the current
    one (whose ``schema`` constant then names what is wrong)."""
    named = record.get("schema") if isinstance(record, dict) else None
    return named if named in READABLE_SCHEMAS else SCHEMA


def _schema_error(record: object, schema: str) -> str:
    error = best_match(full_validator(schema).iter_errors(record))
    if error is not None:
        return f"{error.json_path}: {error.message}"
    path, message = (fast_errors(schema, record) or [("$", f"not an {schema} record")])[0]
    return f"{path}: {message}"


def check_lines(
    lines: list[tuple[int, bytes]], context: ReadContext
) -> list[CheckedRecord] | BadLine:
    """Check numbered lines; the first bad one stops the chunk. Pure: runs in a worker too."""
    checked: list[CheckedRecord] = []
    seen: set[tuple[str, str]] = set()
    for number, raw in lines:
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            return BadLine(number, f"not valid JSON: {error}")
        schema = _schema_of(record)
        if not fast_validator(schema).is_valid(record):
            return BadLine(number, _schema_error(record, schema))
        if type(record["index"]) is not int:  # JSON Schema's "integer" lets 3.0 by
            return BadLine(number, f"$.index: {record['index']!r} is not written as an integer")
        if may_hold_forbidden(raw):
            forbidden = find_forbidden_in_json(record)
            if forbidden is not None:
                return BadLine(number, f"{forbidden[0]}: {forbidden[1]}")
        text = record["text"]
        try:
            layers = read_layers(record)
        except SpanMismatch as error:
            return BadLine(number, str(error))
        except msgspec.ValidationError as error:  # what JSON Schema's "integer" lets by: 5.0
            message, _, where = str(error).partition(" - at `")
            return BadLine(number, f"{where.rstrip('`') or '$'}: {message}")
        content = layers.content("submitted", record.get("comment"), record.get("flagged", False))
        if context.key_aliases:
            _resolve_former_keys(content, context)
        errors = check_content(content, text, context.vocabulary)
        if errors:
            first = errors[0]
            hint = (
                " (import the actor registry exported beside the records first)"
                if "unknown actor" in first.message
                else ""
            )
            return BadLine(number, f"{first.path}: {first.message}{hint}")
        # A gold record (exported adjudication) has no annotator: "gold" names its source.
        author = record["annotator"] if record["annotator"] is not None else "gold"
        key = (record["paragraph_id"], "" if context.as_user else author)
        if key in seen:
            whose = "the importing user" if context.as_user else author
            return BadLine(number, f"paragraph {key[0]} appears twice for {whose}")
        seen.add(key)
        created = updated = None
        if context.as_user:
            try:
                created, updated = _moment(record["created_at"]), _moment(record["updated_at"])
            except ValueError as error:
                return BadLine(number, f"$.created_at or $.updated_at: {error}")
        checked.append(
            CheckedRecord(
                number,
                record["paragraph_id"],
                record["document_id"],
                record["document_title"] or record["document_id"],
                record["source"],
                record.get("language", "und"),
                record["index"],
                text,
                author,
                content,
                created,
                updated,
            )
        )
    return checked


def _resolve_former_keys(content: Content, context: ReadContext) -> None:
    """Link the actor that now holds, as an alias, a key the registry no longer has (an actor
    merged into it): an older export still finds its actors."""
    known = context.vocabulary.actor_keys
    for entity in content.entities:
        if entity.actor is not None and entity.actor not in known:
            form = " ".join(_KEY_PARTS.split(entity.actor.casefold())).strip()
            entity.actor = context.key_aliases.get(form, entity.actor)


_KEY_PARTS = re.compile(r"[-_\s]+")


def _moment(value: str) -> datetime:
    """A record's timestamp (RFC 3339, which the schema checks) as an aware datetime;
    ValueError naming it when Python cannot hold it (a leap second)."""
    try:
        moment = datetime.fromisoformat(value.upper())
    except ValueError:
        raise ValueError(f"{value!r} is not a moment this import can store") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _chunks(path: Path) -> Iterator[list[tuple[int, bytes]]]:
    """The file's non-blank lines, numbered, in chunks of ``CHUNK``."""
    chunk: list[tuple[int, bytes]] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                chunk.append((number, raw))
                if len(chunk) == CHUNK:
                    yield chunk
                    chunk = []
    if chunk:
        yield chunk


def _worker_count(path: Path) -> int:
    """How many processes check lines while this one stores them (0: checked here).

    ``ANNOTATOR_IMPORT_WORKERS`` sets it; by default one per core on a machine with more
    than one.
    """
    if path.stat().st_size < WORKER_THRESHOLD_BYTES:
        return 0
    configured = os.environ.get("ANNOTATOR_IMPORT_WORKERS", "").strip()
    if configured:
        if not configured.isdigit():
            raise RejectedFile(
                str(path), f"ANNOTATOR_IMPORT_WORKERS={configured!r}: expected a whole number"
            )
        return int(configured)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores if cores and cores > 1 else 0


_worker_context: ReadContext | None = None


def _start_worker(context: ReadContext) -> None:
    global _worker_context
    _worker_context = context


_encode_chunk = msgspec.msgpack.Encoder().encode
_decode_chunk = msgspec.msgpack.Decoder(list[CheckedRecord]).decode


def _check_in_worker(lines: list[tuple[int, bytes]]) -> bytes | BadLine:
    """``check_lines`` in a worker: the checked chunk comes back as MessagePack, which this
    process decodes in a fraction of what unpickling the same objects costs."""
    assert _worker_context is not None, "the pool's initializer did not run"
    checked = check_lines(lines, _worker_context)
    return checked if isinstance(checked, BadLine) else _encode_chunk(checked)


def checked_chunks(path: Path, context: ReadContext) -> Iterator[list[CheckedRecord]]:
    """Checked chunks in file order; ``RejectedFile`` at the first bad line."""
    workers = _worker_count(path)
    if workers == 0:
        results: Iterator[list[CheckedRecord] | BadLine] = (
            check_lines(chunk, context) for chunk in _chunks(path)
        )
        yield from (_accepted(result, context) for result in results)
        return
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(context,)
    ) as pool:
        # A map over the chunks that submits only a few ahead (Executor.map would read
        # the whole file at once): memory stays flat however large the file.
        pending: deque[Future[bytes | BadLine]] = deque()
        try:
            for chunk in _chunks(path):
                pending.append(pool.submit(_check_in_worker, chunk))
                if len(pending) > 2 * workers:
                    yield _accepted(pending.popleft().result(), context)
            while pending:
                yield _accepted(pending.popleft().result(), context)
        except BrokenProcessPool as error:
            raise RejectedFile(
                context.file,
                f"a worker process checking lines stopped unexpectedly ({error}); nothing of "
                "this file was stored",
            ) from None
        finally:
            for future in pending:
                future.cancel()


def _accepted(
    result: list[CheckedRecord] | bytes | BadLine, context: ReadContext
) -> list[CheckedRecord]:
    if isinstance(result, BadLine):
        raise RejectedFile(context.file, result.message, result.line)
    return _decode_chunk(result) if isinstance(result, bytes) else result
