"""Importing annotator.v1 files: an export read back, or a model's predictions.

- With ``as_user``, each record becomes that user's submitted annotation, stored through
  the annotation store like any save (history included), so that an export imported into
  a fresh database exports the same again.
- Without, each record becomes a pre-annotation: suggestions drawn dashed in the
  workspace, never labels until a person accepts them.

Documents and paragraphs a database lacks are created from the records, keeping their ids
and indexes; ones it has must hold the same text. The file is read in chunks of lines,
each checked (JSON Schema, spans, the same checks as a save) then stored, in one
transaction: a bad line anywhere stores nothing. Large files have their chunks checked by
worker processes while this one stores: a plain map over chunks.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

import msgspec
import orjson
from jsonschema.exceptions import best_match
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..annotation.model import Content
from ..annotation.record import SCHEMA, SpanMismatch, read_layers
from ..annotation.store import NewAnnotation, load_vocabulary, save_many
from ..annotation.validation import Vocabulary, check_content
from ..jsonschemas import fast_errors, fast_validator, full_validator
from ..models import Annotation, Document, Paragraph, PreAnnotation, User
from ..models.base import table_of
from .articles import text_sha256
from .errors import RejectedFile
from .outcome import FileOutcome

CHUNK = 1000  # lines checked and stored together
# Below this size a file is checked in this process: starting workers costs about a second.
WORKER_THRESHOLD_BYTES = 8 * 2**20


def is_record_file(path: Path) -> bool:
    """Whether a .jsonl file holds annotator.v1 records (its first non-blank line says so)."""
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    first = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    return False
                return isinstance(first, dict) and first.get("schema") == SCHEMA
    return False


@dataclass(frozen=True)
class ReadContext:
    """What checking a line needs, read once before the import starts (sent to workers)."""

    file: str
    vocabulary: Vocabulary
    # Whose records are kept apart: one annotation per paragraph for the importing user,
    # one pre-annotation per paragraph and annotator named in the file otherwise.
    as_user: bool


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
    created_at: datetime
    updated_at: datetime


class BadLine(NamedTuple):
    """Why a line was refused (a value, not an exception, so that it crosses processes)."""

    line: int
    message: str


def _schema_error(record: object) -> str:
    error = best_match(full_validator(SCHEMA).iter_errors(record))
    if error is not None:
        return f"{error.json_path}: {error.message}"
    path, message = (fast_errors(SCHEMA, record) or [("$", "not an annotator.v1 record")])[0]
    return f"{path}: {message}"


def check_lines(
    lines: list[tuple[int, bytes]], context: ReadContext
) -> list[CheckedRecord] | BadLine:
    """Check numbered lines; the first bad one stops the chunk. Pure: runs in a worker too."""
    is_valid = fast_validator(SCHEMA).is_valid
    checked: list[CheckedRecord] = []
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
            layers = read_layers(record)
        except SpanMismatch as error:
            return BadLine(number, str(error))
        content = layers.content("submitted", record.get("comment"), record.get("flagged", False))
        errors = check_content(content, text, context.vocabulary)
        if errors:
            first = errors[0]
            hint = (
                " (import the actor registry exported beside the records first)"
                if "unknown actor" in first.message
                else ""
            )
            return BadLine(number, f"{first.path}: {first.message}{hint}")
        key = (record["paragraph_id"], "" if context.as_user else record["annotator"])
        if key in seen:
            whose = "the importing user" if context.as_user else record["annotator"]
            return BadLine(number, f"paragraph {key[0]} appears twice for {whose}")
        seen.add(key)
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
                record["annotator"],
                content,
                datetime.fromisoformat(record["created_at"]),
                datetime.fromisoformat(record["updated_at"]),
            )
        )
    return checked


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


def _checked_chunks(path: Path, context: ReadContext) -> Iterator[list[CheckedRecord]]:
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


def _document_key(document_id: str) -> str:
    # Not the article's content hash (the file holds only annotated paragraphs): a key that
    # cannot collide with one.
    return hashlib.sha256(f"annotator.v1 import:{document_id}".encode()).hexdigest()


def import_record_file(
    session: Session,
    path: Path,
    as_user: User | None,
    on_progress: Callable[[int], None] | None = None,
) -> FileOutcome:
    """Import every record of ``path`` (the caller commits, or rolls back on RejectedFile).

    ``on_progress`` is told how many records have been stored so far, after each chunk.
    """
    context = ReadContext(str(path), load_vocabulary(session), as_user is not None)
    store = _ChunkStore(session, context, as_user)
    # What exists before the import is set aside from the garbage collector's full passes:
    # they would scan it again and again while a million records go by (about a sixth of
    # the import's time, measured).
    gc.freeze()
    try:
        for chunk in _checked_chunks(path, context):
            store.add(chunk)
            if on_progress is not None:
                on_progress(store.records)
    finally:
        gc.unfreeze()
    if store.records == 0:
        raise RejectedFile(str(path), "the file holds no records")
    outcome = store.outcome
    if outcome.annotations_added or outcome.pre_annotations_added:
        outcome.status = "imported"
    if store.already_present:
        outcome.notes.append(f"{store.already_present} record(s) already present")
    return outcome


class _ChunkStore:
    """Stores checked chunks: the paragraphs they need, then annotations or pre-annotations."""

    def __init__(self, session: Session, context: ReadContext, as_user: User | None) -> None:
        self.session = session
        self.context = context
        self.as_user = as_user
        self.outcome = FileOutcome(context.file, "already present")
        self.records = 0
        self.already_present = 0
        # Annotations with a higher id were made by this import: meeting one again means
        # the file holds the paragraph twice.
        self.newest_before = session.scalar(select(func.max(Annotation.id))) or 0
        self.file_name = Path(context.file).name

    def add(self, chunk: list[CheckedRecord]) -> None:
        self.records += len(chunk)
        known = self._add_paragraphs(chunk)
        if self.as_user is None:
            self._add_pre_annotations(chunk)
        else:
            self._add_annotations(chunk, self.as_user.id, known)

    def _add_paragraphs(self, chunk: list[CheckedRecord]) -> set[str]:
        """Create the documents and paragraphs the chunk names and the database lacks;
        refuse one that exists with another text (the offsets would not fit it). Returns
        the paragraphs that were there before."""
        session = self.session
        hashes = {record.paragraph_id: text_sha256(record.text) for record in chunk}
        known = dict(
            session.execute(
                select(Paragraph.id, Paragraph.text_sha256).where(Paragraph.id.in_(hashes))
            ).all()
        )
        for record in chunk:
            if (
                record.paragraph_id in known
                and known[record.paragraph_id] != hashes[record.paragraph_id]
            ):
                raise RejectedFile(
                    self.context.file,
                    f"paragraph {record.paragraph_id} exists with another text; offsets would "
                    "not fit it",
                    record.line,
                )
        new = [record for record in chunk if record.paragraph_id not in known]
        if not new:
            return set(known)
        documents: dict[str, CheckedRecord] = {}  # the first record of each names its details
        paragraphs: dict[str, CheckedRecord] = {}
        for record in new:
            documents.setdefault(record.document_id, record)
            paragraphs.setdefault(record.paragraph_id, record)
        present = set(session.scalars(select(Document.id).where(Document.id.in_(documents))))
        now = datetime.now(UTC)
        missing = [record for key, record in documents.items() if key not in present]
        if missing:
            session.execute(
                insert(table_of(Document)),
                [
                    {
                        "id": record.document_id,
                        "title": record.document_title,
                        "source": record.source,
                        "language": record.language,
                        "content_sha256": _document_key(record.document_id),
                        "meta": {},
                        "imported_at": now,
                    }
                    for record in missing
                ],
            )
            self.outcome.documents_added += len(missing)
        session.execute(
            insert(table_of(Paragraph)),
            [
                {
                    "id": record.paragraph_id,
                    "document_id": record.document_id,
                    "position": record.index,
                    "text": record.text,
                    "text_sha256": hashes[record.paragraph_id],
                    "is_boilerplate": False,
                }
                for record in paragraphs.values()
            ],
        )
        self.outcome.paragraphs_added += len(paragraphs)
        return set(known)

    def _add_annotations(self, chunk: list[CheckedRecord], user_id: int, known: set[str]) -> None:
        # Only paragraphs that were there before can hold annotations already.
        existing = (
            dict(
                self.session.execute(
                    select(Annotation.paragraph_id, Annotation.id).where(
                        Annotation.annotator_id == user_id, Annotation.paragraph_id.in_(known)
                    )
                ).all()
            )
            if known
            else {}
        )
        for record in chunk:
            if existing.get(record.paragraph_id, 0) > self.newest_before:
                raise RejectedFile(
                    self.context.file,
                    "this paragraph appears twice for the importing user",
                    record.line,
                )
        self.already_present += len(existing)
        note = {"imported_from": self.file_name}
        added = save_many(
            self.session,
            [
                NewAnnotation(
                    record.paragraph_id,
                    record.text,
                    user_id,
                    record.content,
                    record.created_at,
                    record.updated_at,
                    note,
                )
                for record in chunk
                if record.paragraph_id not in existing
            ],
        )
        self.outcome.annotations_added += len(added)

    def _add_pre_annotations(self, chunk: list[CheckedRecord]) -> None:
        sources = {
            record.paragraph_id + "\0" + record.annotator: f"{self.file_name}:{record.annotator}"
            for record in chunk
        }
        present = {
            paragraph_id + "\0" + source
            for paragraph_id, source in self.session.execute(
                select(PreAnnotation.paragraph_id, PreAnnotation.source).where(
                    PreAnnotation.paragraph_id.in_({record.paragraph_id for record in chunk}),
                    PreAnnotation.source.in_(set(sources.values())),
                )
            )
        }
        now = datetime.now(UTC)
        rows = []
        for record in chunk:
            source = sources[record.paragraph_id + "\0" + record.annotator]
            if record.paragraph_id + "\0" + source in present:
                self.already_present += 1
                continue
            layers = record.content.to_payload()
            rows.append(
                {
                    "paragraph_id": record.paragraph_id,
                    "source": source,
                    "payload": {key: layers[key] for key in ("entities", "stances", "quotes")},
                    "imported_at": now,
                }
            )
        if rows:
            self.session.execute(insert(table_of(PreAnnotation)), rows)
        self.outcome.pre_annotations_added += len(rows)
