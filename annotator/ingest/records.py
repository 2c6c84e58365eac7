"""Importing ``annotator.v1`` files: an export read back, or a model's predictions.

- With ``as_user``, each record becomes that user's submitted annotation (with its
  history row), so an export imported into a fresh database exports the same again.
- Without, each record becomes a pre-annotation: suggestions drawn dashed in the
  workspace, never labels until a person accepts them.

Documents and paragraphs a database lacks are created from the records, keeping their
ids and indexes; ones it has must hold the same text. The file is read line by line
and written in batches inside one transaction: a bad line anywhere stores nothing.
"""

# The statements below are built from our table and column names and json_rows' fixed
# expressions; every value of the file reaches the database as a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Column, Connection, func, select
from sqlalchemy.orm import Session

from ..annotation_store import LAYER_COLUMNS, load_vocabulary
from ..models import Annotation, User
from ..record_layers import actor_details
from .errors import RejectedFile
from .json_rows import JsonRows
from .outcome import FileOutcome
from .record_lines import (
    RECORD_SCHEMA,
    BadLine,
    PreparedChunk,
    ReadContext,
    read_chunk_in_worker,
    read_lines,
    start_worker,
)

CHUNK = 1000  # lines read, checked and stored together
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
                return isinstance(first, dict) and first.get("schema") == RECORD_SCHEMA
    return False


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
    than one (measured on two cores: two workers 5,600 records/s, one 5,000, none 4,300).
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


def _prepared_chunks(path: Path, context: ReadContext) -> Iterator[PreparedChunk]:
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
    pending: deque[Future[PreparedChunk | BadLine]] = deque()
    try:
        for chunk in _chunks(path):
            pending.append(pool.submit(read_chunk_in_worker, chunk))
            if len(pending) > 2 * workers:
                yield _accepted(_result(pending.popleft(), context), context)
        while pending:
            yield _accepted(_result(pending.popleft(), context), context)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _result(
    future: Future[PreparedChunk | BadLine], context: ReadContext
) -> PreparedChunk | BadLine:
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise RejectedFile(
            context.file,
            f"a worker process checking lines stopped unexpectedly ({error}); nothing of this "
            "file was stored",
        ) from None


def _accepted(result: PreparedChunk | BadLine, context: ReadContext) -> PreparedChunk:
    if isinstance(result, BadLine):
        raise RejectedFile(context.file, result.message, result.line)
    return result


def import_record_file(
    session: Session,
    path: Path,
    as_user: User | None,
    on_progress: Callable[[int], None] | None = None,
) -> FileOutcome:
    """Import every record of ``path`` (the caller commits, or rolls back on RejectedFile).

    ``on_progress`` is told how many records have been stored so far, after each chunk.
    """
    connection = session.connection()
    context = ReadContext(
        file=str(path),
        file_name=path.name,
        vocabulary=load_vocabulary(session),
        actors=actor_details(session),
        annotator_id=as_user.id if as_user is not None else None,
        dialect=connection.dialect.name,
    )
    # Annotations with a higher id than this were made by this import: meeting one again
    # means the file holds the paragraph twice.
    newest_before = session.scalar(select(func.max(Annotation.id))) or 0
    store = _ChunkStore(connection, context, newest_before)
    for chunk in _prepared_chunks(path, context):
        store.add(chunk)
        if on_progress is not None:
            on_progress(store.records)
    if store.records == 0:
        raise RejectedFile(str(path), "the file holds no records")
    outcome = store.outcome
    if outcome.annotations_added or outcome.pre_annotations_added:
        outcome.status = "imported"
    if store.already_present:
        outcome.notes.append(f"{store.already_present} record(s) already present")
    return outcome


class _ChunkStore:
    """Writes prepared chunks with one statement per table and chunk (``json_rows``)."""

    def __init__(self, connection: Connection, context: ReadContext, newest_before: int) -> None:
        self.connection = connection
        self.context = context
        self.newest_before = newest_before
        self.outcome = FileOutcome(context.file, "already present")
        self.records = 0
        self.already_present = 0
        rows = self.rows = JsonRows(connection.dialect.name)
        f = rows.field
        self.conflicting_paragraph = (
            f"SELECT {f(0, 'int')}, {f(1, 'text')} FROM {rows.source()} WHERE EXISTS ("
            f"SELECT 1 FROM paragraphs p WHERE p.id = {f(1, 'text')} "
            f"AND p.text_sha256 <> {f(5, 'text')})"
        )
        self.insert_documents = rows.insert(
            "documents",
            ("id", "title", "source", "language", "content_sha256", "meta", "imported_at"),
            [f(0, "text"), f(1, "text"), f(2, "text"), f(3, "text"), f(4, "text"), "'{}'",
             "CURRENT_TIMESTAMP"],
            where=f"NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = {f(0, 'text')})",
        )  # fmt: skip
        self.insert_paragraphs = rows.insert(
            "paragraphs",
            ("id", "document_id", "position", "text", "text_sha256", "is_boilerplate"),
            [f(1, "text"), f(2, "text"), f(3, "int"), f(4, "text"), f(5, "text"), "false"],
            where=f"NOT EXISTS (SELECT 1 FROM paragraphs p WHERE p.id = {f(1, 'text')})",
        )
        self.existing_annotations = (
            f"SELECT line, existing FROM (SELECT {f(0, 'int')} AS line, "
            f"(SELECT a.id FROM annotations a WHERE a.paragraph_id = {f(1, 'text')} "
            f"AND a.annotator_id = {f(2, 'int')}) AS existing "
            f"FROM {rows.source()}) AS found WHERE existing IS NOT NULL"
        )
        self.insert_annotations = rows.insert(
            "annotations",
            ("paragraph_id", "annotator_id", "status", "version", "comment", "flagged",
             "created_at", "updated_at", "record_layers"),
            [f(1, "text"), f(2, "int"), "'submitted'", "1", f(3, "text"), f(4, "bool"),
             f(5, "timestamp"), f(6, "timestamp"), f(7, "text")],
        )  # fmt: skip
        # Two ways to the annotation id of a layer or history row: from the first id of
        # the chunk's annotations plus the row's place (SQLite, when the chunk's ids are
        # consecutive, as they are under SQLite's single writer), or looked up by the
        # row's paragraph and user (PostgreSQL, where other sessions take ids meanwhile).
        by_place = f"CAST({rows.placeholder} AS INTEGER) + {f(0, 'int')}"
        by_paragraph = (
            f"(SELECT a.id FROM annotations a WHERE a.paragraph_id = {f(1, 'text')} "
            f"AND a.annotator_id = {f(2, 'int')})"
        )
        self.insert_layers: dict[str, dict[bool, str]] = {}
        for model, columns in LAYER_COLUMNS.items():
            kinds = [_kind(model.__table__.c[column]) for column in columns]
            self.insert_layers[model.__tablename__] = {
                placed: rows.insert(
                    model.__tablename__,
                    ("annotation_id", *columns),
                    [
                        by_place if placed else by_paragraph,
                        *(f(3 + i, kind) for i, kind in enumerate(kinds)),
                    ],
                )
                for placed in (True, False)
            }
        self.insert_history = {
            placed: rows.insert(
                "annotation_history",
                ("annotation_id", "version", "status", "saved_by_id", "saved_at", "payload"),
                [
                    by_place if placed else by_paragraph,
                    "1",
                    "'submitted'",
                    f(3, "int"),
                    f(4, "timestamp"),
                    f(5, "json"),
                ],
            )
            for placed in (True, False)
        }
        self.newest = newest_before
        self.existing_pre_annotations = (
            f"SELECT line FROM (SELECT {f(0, 'int')} AS line, EXISTS (SELECT 1 FROM "
            f"pre_annotations x WHERE x.paragraph_id = {f(1, 'text')} "
            f"AND x.source = {f(2, 'text')}) AS present FROM {rows.source()}) AS found "
            "WHERE present"
        )
        self.insert_pre_annotations = rows.insert(
            "pre_annotations",
            ("paragraph_id", "source", "payload", "imported_at"),
            [f(1, "text"), f(2, "text"), f(3, "json"), f(4, "timestamp")],
            where=(
                "NOT EXISTS (SELECT 1 FROM pre_annotations x WHERE "
                f"x.paragraph_id = {f(1, 'text')} AND x.source = {f(2, 'text')})"
            ),
        )

    def _run(self, statement: str, rows: bytes, *before: Any) -> Any:
        """Execute ``statement`` with ``before`` (its leading parameters) and the rows."""
        return self.connection.exec_driver_sql(statement, (*before, rows.decode()))

    def add(self, chunk: PreparedChunk) -> None:
        result = self.outcome
        result.documents_added += self._run(self.insert_documents, chunk.documents).rowcount
        new_paragraphs = self._run(self.insert_paragraphs, chunk.paragraphs).rowcount
        result.paragraphs_added += new_paragraphs
        self.records += chunk.records
        # Paragraphs this chunk did not create may hold another text, or annotations
        # already; new ones cannot, which spares a fresh import both lookups.
        known_paragraphs = new_paragraphs < chunk.paragraph_count
        if known_paragraphs:
            conflict = self._run(self.conflicting_paragraph, chunk.paragraphs).first()
            if conflict is not None:
                raise RejectedFile(
                    self.context.file,
                    f"paragraph {conflict[1]} exists with another text; offsets would not fit it",
                    conflict[0],
                )
        if self.context.annotator_id is None:
            if known_paragraphs:
                present = self._run(self.existing_pre_annotations, chunk.pre_annotations).all()
                self.already_present += len(present)
            added = self._run(self.insert_pre_annotations, chunk.pre_annotations).rowcount
            result.pre_annotations_added += added
            return
        if known_paragraphs:
            existing = self._run(self.existing_annotations, chunk.annotations).all()
            for line, annotation_id in existing:
                if annotation_id > self.newest_before:
                    raise RejectedFile(
                        self.context.file,
                        "this paragraph appears twice for the importing user",
                        line,
                    )
            if existing:
                self.already_present += len(existing)
                chunk = _without_lines(chunk, {line for line, _ in existing})
        added = self._run(self.insert_annotations, chunk.annotations).rowcount
        first = self._first_new_id(added)
        placed = first is not None
        for table, rows in chunk.layers.items():
            self._run(self.insert_layers[table][placed], rows, *([first] if placed else []))
        self._run(self.insert_history[placed], chunk.history, *([first] if placed else []))
        result.annotations_added += added

    def _first_new_id(self, added: int) -> int | None:
        """On SQLite, the first id of the ``added`` annotations just inserted, when their ids
        are consecutive; None elsewhere (rows then find their annotation by paragraph)."""
        if self.rows.dialect != "sqlite" or added == 0:
            return None
        low, high, count = self.connection.exec_driver_sql(
            "SELECT min(id), max(id), count(*) FROM annotations WHERE id > ?", (self.newest,)
        ).one()
        self.newest = max(self.newest, high or 0)
        return low if count == added and high - low + 1 == added else None


def _kind(column: Column[Any]) -> str:
    """How ``json_rows`` reads a value for ``column``."""
    python_type = column.type.python_type
    return {int: "int", bool: "bool", str: "text"}[python_type]


def _without_lines(chunk: PreparedChunk, lines: set[int]) -> PreparedChunk:
    """A chunk without the annotations (and their rows) of ``lines``: records already
    imported before are left as they are. Rare (a file imported again), so plain Python."""
    annotations = [row for row in orjson.loads(chunk.annotations) if row[0] not in lines]
    keep = {row[1] for row in annotations}
    # Places change as annotations leave the list; renumber the rows that stay.
    place = {
        old: new
        for new, old in enumerate(
            i for i, row in enumerate(orjson.loads(chunk.annotations)) if row[0] not in lines
        )
    }

    def kept(rows: bytes) -> bytes:
        return orjson.dumps(
            [[place[row[0]], *row[1:]] for row in orjson.loads(rows) if row[1] in keep]
        )

    return chunk._replace(
        annotations=orjson.dumps(annotations),
        layers={table: kept(rows) for table, rows in chunk.layers.items()},
        history=kept(chunk.history),
    )
