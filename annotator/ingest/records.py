"""Importing ``annotator.v1`` files: an export read back, or a model's predictions.

- With ``as_user``, each record becomes that user's submitted annotation (with its
  history row), so an export imported into a fresh database exports the same again.
- Without, each record becomes a pre-annotation: suggestions drawn dashed in the
  workspace, never labels until a person accepts them.

Documents and paragraphs a database lacks are created from the records, keeping their
ids and indexes; ones it has must hold the same text. The file is read line by line
and written in batches inside one transaction: a bad line anywhere stores nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Column, Connection, Table, insert, select
from sqlalchemy.orm import Session

from ..annotation_store import LAYER_COLUMNS, load_vocabulary
from ..models import Annotation, AnnotationHistory, Document, Paragraph, PreAnnotation, User
from ..record_layers import actor_details
from .errors import RejectedFile
from .record_lines import (
    RECORD_SCHEMA,
    BadLine,
    PreparedRecord,
    ReadContext,
    read_chunk_in_worker,
    read_lines,
    start_worker,
)

CHUNK = 1000  # lines read, checked and stored together
# Below this size a file is checked in this process: starting workers costs about a second.
WORKER_THRESHOLD_BYTES = int(os.environ.get("WT", 8 * 2**20))


def is_record_file(path: Path) -> bool:
    """Whether a .jsonl file holds annotator.v1 records (its first non-blank line says so)."""
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    first = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    return False
                return isinstance(first, dict) and first.get("schema") == RECORD_SCHEMA
    return False


@dataclass
class RecordImport:
    """What importing one annotator.v1 file did."""

    records: int = 0
    documents_added: int = 0
    paragraphs_added: int = 0
    annotations_added: int = 0
    pre_annotations_added: int = 0
    already_present: int = 0
    notes: list[str] = field(default_factory=list)


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
    """How many processes check lines besides this one, which stores them (0: none)."""
    if path.stat().st_size < WORKER_THRESHOLD_BYTES:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, (cores or 1) - 1)


def _prepared_chunks(path: Path, context: ReadContext) -> Iterator[list[PreparedRecord]]:
    """Checked chunks in file order; ``RejectedFile`` at the first bad line.

    With spare cores, worker processes check chunks while this process stores earlier
    ones; at most a few chunks wait at any time, so memory stays flat.
    """
    workers = _worker_count(path)
    if workers == 0:
        for chunk in _chunks(path):
            yield _accepted(read_lines(chunk, context), context)
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=start_worker, initargs=(context,)
    )
    pending: deque[Future[list[PreparedRecord] | BadLine]] = deque()
    try:
        for chunk in _chunks(path):
            pending.append(pool.submit(read_chunk_in_worker, chunk))
            if len(pending) > 2 * workers:
                yield _accepted(pending.popleft().result(), context)
        while pending:
            yield _accepted(pending.popleft().result(), context)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _accepted(result: list[PreparedRecord] | BadLine, context: ReadContext) -> list[PreparedRecord]:
    if isinstance(result, BadLine):
        raise RejectedFile(context.file, result.message, result.line)
    return result


def import_record_file(
    session: Session,
    path: Path,
    as_user: User | None,
    on_progress: Callable[[int], None] | None = None,
) -> RecordImport:
    """Import every record of ``path`` (the caller commits, or rolls back on RejectedFile).

    ``on_progress`` is told how many records have been stored so far, after each chunk.
    """
    result = RecordImport()
    context = ReadContext(
        file=str(path),
        file_name=path.name,
        vocabulary=load_vocabulary(session),
        actors=actor_details(session),
        as_annotations=as_user is not None,
    )
    writer = _Writer(session.connection())
    for chunk in _prepared_chunks(path, context):
        _store_chunk(session, writer, context, chunk, as_user, result)
        if on_progress is not None:
            on_progress(result.records)
    if result.records == 0:
        raise RejectedFile(str(path), "the file holds no records")
    return result


class _Writer:
    """Multi-row inserts of plain rows with the driver's executemany.

    The statements are the ones SQLAlchemy compiles for our tables; only its per-row
    parameter processing is skipped (a million records carry ten million rows), except
    for the timestamp columns, which go through their column type's own bind processor.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect

    def insert(self, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        placeholder = "?" if self.dialect.paramstyle == "qmark" else "%s"
        quote = self.dialect.identifier_preparer.quote
        # Table and column names come from our models, never from input.
        names = ", ".join(quote(c) for c in columns)
        values = ", ".join([placeholder] * len(columns))
        statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({values})"  # noqa: S608
        self.connection.exec_driver_sql(statement, rows)

    def timestamp(self, column: Column[Any]) -> Callable[[datetime], Any]:
        """The bind processor of a timestamp column (UTC, as the ORM would store it)."""
        processor = column.type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return processor if processor is not None else (lambda value: value)


def _store_chunk(
    session: Session,
    writer: _Writer,
    context: ReadContext,
    chunk: list[PreparedRecord],
    as_user: User | None,
    result: RecordImport,
) -> None:
    file = context.file
    document_ids = {record.document_id for record in chunk}
    paragraph_ids = {record.paragraph_id for record in chunk}
    known_documents = set(session.scalars(select(Document.id).where(Document.id.in_(document_ids))))
    known_paragraphs: dict[str, str] = dict(
        session.execute(
            select(Paragraph.id, Paragraph.text_sha256).where(Paragraph.id.in_(paragraph_ids))
        ).all()
    )
    new_documents: dict[str, dict[str, Any]] = {}
    new_paragraphs: dict[str, tuple[Any, ...]] = {}
    for record in chunk:
        known = known_paragraphs.get(record.paragraph_id)
        if known is not None and known != record.text_sha256:
            raise RejectedFile(
                file,
                f"paragraph {record.paragraph_id} exists with another text; "
                "offsets would not fit it",
                record.line,
            )
        if record.document_id not in known_documents and record.document_id not in new_documents:
            new_documents[record.document_id] = {
                "id": record.document_id,
                "title": record.document_title or record.document_id,
                "source": record.source,
                "published": None,
                "language": record.language,
                "meta": {},
                # Not the article's full content (the file has only annotated paragraphs):
                # a key that cannot collide with a content hash of an imported article.
                "content_sha256": hashlib.sha256(
                    f"annotator.v1 import:{record.document_id}".encode()
                ).hexdigest(),
            }
        if known is None and record.paragraph_id not in new_paragraphs:
            new_paragraphs[record.paragraph_id] = (
                record.paragraph_id,
                record.document_id,
                record.index,
                record.text,
                record.text_sha256,
                False,
                None,
            )
    if new_documents:
        session.execute(insert(Document), list(new_documents.values()))
        result.documents_added += len(new_documents)
    writer.insert(
        Paragraph.__table__,
        (
            "id",
            "document_id",
            "position",
            "text",
            "text_sha256",
            "is_boilerplate",
            "boilerplate_reason",
        ),
        list(new_paragraphs.values()),
    )
    result.paragraphs_added += len(new_paragraphs)
    result.records += len(chunk)
    if as_user is None:
        _store_pre_annotations(session, writer, context, chunk, result)
    else:
        _store_annotations(session, writer, context, chunk, as_user, result)


def _store_pre_annotations(
    session: Session,
    writer: _Writer,
    context: ReadContext,
    chunk: list[PreparedRecord],
    result: RecordImport,
) -> None:
    present = set(
        session.execute(
            select(PreAnnotation.paragraph_id, PreAnnotation.source).where(
                PreAnnotation.paragraph_id.in_({record.paragraph_id for record in chunk})
            )
        ).all()
    )
    imported_at = writer.timestamp(PreAnnotation.__table__.c.imported_at)(datetime.now(UTC))
    rows = []
    for record in chunk:
        key = (record.paragraph_id, f"{context.file_name}:{record.annotator}")
        if key in present:
            result.already_present += 1
            continue
        present.add(key)
        rows.append((*key, record.layers_json, imported_at))
    writer.insert(
        PreAnnotation.__table__, ("paragraph_id", "source", "payload", "imported_at"), rows
    )
    result.pre_annotations_added += len(rows)


def _store_annotations(
    session: Session,
    writer: _Writer,
    context: ReadContext,
    chunk: list[PreparedRecord],
    user: User,
    result: RecordImport,
) -> None:
    existing = set(
        session.scalars(
            select(Annotation.paragraph_id).where(
                Annotation.annotator_id == user.id,
                Annotation.paragraph_id.in_({record.paragraph_id for record in chunk}),
            )
        )
    )
    fresh = []
    seen: set[str] = set()
    for record in chunk:
        if record.paragraph_id in seen:
            raise RejectedFile(
                context.file,
                f"paragraph {record.paragraph_id} appears twice for {user.username}",
                record.line,
            )
        if record.paragraph_id in existing:
            result.already_present += 1
            continue
        seen.add(record.paragraph_id)
        fresh.append(record)
    if not fresh:
        return
    table = Annotation.__table__
    stamp = writer.timestamp(table.c.created_at)
    writer.insert(
        table,
        (
            "paragraph_id",
            "annotator_id",
            "status",
            "version",
            "comment",
            "flagged",
            "created_at",
            "updated_at",
            "record_layers",
        ),
        [
            (
                record.paragraph_id,
                user.id,
                "submitted",
                1,
                record.comment,
                record.flagged,
                stamp(record.created_at),
                stamp(record.updated_at),
                record.layers_json,
            )
            for record in fresh
        ],
    )
    # The new ids, read back by paragraph (unique per annotator): RETURNING in parameter
    # order would make SQLite send one INSERT per row.
    id_of = dict(
        session.execute(
            select(Annotation.paragraph_id, Annotation.id).where(
                Annotation.annotator_id == user.id,
                Annotation.paragraph_id.in_([record.paragraph_id for record in fresh]),
            )
        ).all()
    )
    for model, columns in LAYER_COLUMNS.items():
        writer.insert(
            model.__table__,
            ("annotation_id", *columns),
            [
                (id_of[record.paragraph_id], *row)
                for record in fresh
                for row in record.layers[model]
            ],
        )
    saved_at = writer.timestamp(AnnotationHistory.__table__.c.saved_at)(datetime.now(UTC))
    writer.insert(
        AnnotationHistory.__table__,
        ("annotation_id", "version", "status", "saved_by_id", "saved_at", "payload"),
        [
            (id_of[record.paragraph_id], 1, "submitted", user.id, saved_at, record.history_json)
            for record in fresh
        ],
    )
    result.annotations_added += len(fresh)
