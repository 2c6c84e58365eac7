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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fastjsonschema
import orjson
from jsonschema.exceptions import best_match
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..annotation_store import layer_rows, load_vocabulary
from ..export.records import SpanMismatch, check_record, payload_from_record
from ..jsonschemas import fast_validator, full_validator
from ..models import (
    Annotation,
    AnnotationHistory,
    Document,
    Paragraph,
    PreAnnotation,
    User,
)
from ..validation import InvalidPayload, ValidPayload, Vocabulary, validate_payload
from .articles import text_sha256
from .errors import RejectedFile

RECORD_SCHEMA = "annotator.v1"
BATCH = 2000


def _schema_error(record: Any) -> str:
    """A readable message for a record that failed the fast check."""
    error = best_match(full_validator(RECORD_SCHEMA).iter_errors(record))
    return f"{error.json_path}: {error.message}" if error else "not an annotator.v1 record"


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


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    file = str(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                raise RejectedFile(file, f"not valid JSON: {error}", number) from None
            try:
                fast_validator(RECORD_SCHEMA)(record)
            except fastjsonschema.JsonSchemaException:
                raise RejectedFile(file, _schema_error(record), number) from None
            try:
                check_record(record)
            except SpanMismatch as error:
                raise RejectedFile(file, str(error), number) from None
            yield number, record


def import_record_file(session: Session, path: Path, as_user: User | None) -> RecordImport:
    """Import every record of ``path`` (the caller commits, or rolls back on RejectedFile)."""
    result = RecordImport()
    vocabulary = load_vocabulary(session)
    batch: list[tuple[int, dict[str, Any], ValidPayload]] = []
    for number, record in _lines(path):
        try:
            payload = validate_payload(
                payload_from_record(record), record["text"], vocabulary, shape_checked=True
            )
        except InvalidPayload as error:
            first = error.errors[0]
            hint = (
                " (import the actor registry exported beside the records first)"
                if "unknown actor" in first.message
                else ""
            )
            raise RejectedFile(str(path), f"{first.path}: {first.message}{hint}", number) from None
        batch.append((number, record, payload))
        if len(batch) >= BATCH:
            _store_batch(session, path, batch, as_user, vocabulary, result)
            batch = []
    if batch:
        _store_batch(session, path, batch, as_user, vocabulary, result)
    if result.records == 0:
        raise RejectedFile(str(path), "the file holds no records")
    return result


def _store_batch(
    session: Session,
    path: Path,
    batch: list[tuple[int, dict[str, Any], ValidPayload]],
    as_user: User | None,
    vocabulary: Vocabulary,
    result: RecordImport,
) -> None:
    file = str(path)
    document_ids = {record["document_id"] for _, record, _ in batch}
    paragraph_ids = {record["paragraph_id"] for _, record, _ in batch}
    known_documents = set(session.scalars(select(Document.id).where(Document.id.in_(document_ids))))
    known_paragraphs: dict[str, str] = {
        paragraph_id: digest
        for paragraph_id, digest in session.execute(
            select(Paragraph.id, Paragraph.text_sha256).where(Paragraph.id.in_(paragraph_ids))
        )
    }
    new_documents: dict[str, dict[str, Any]] = {}
    new_paragraphs: dict[str, dict[str, Any]] = {}
    for number, record, _ in batch:
        digest = text_sha256(record["text"])
        known = known_paragraphs.get(record["paragraph_id"])
        if known is not None and known != digest:
            raise RejectedFile(
                file,
                f"paragraph {record['paragraph_id']} exists with another text; "
                "offsets would not fit it",
                number,
            )
        if (
            record["document_id"] not in known_documents
            and record["document_id"] not in new_documents
        ):
            new_documents[record["document_id"]] = {
                "id": record["document_id"],
                "title": record["document_title"] or record["document_id"],
                "source": record["source"],
                "published": None,
                "language": record.get("language", "und"),
                "meta": {},
                # Not the article's full content (the file has only annotated paragraphs):
                # a key that cannot collide with a content hash of an imported article.
                "content_sha256": hashlib.sha256(
                    f"annotator.v1 import:{record['document_id']}".encode()
                ).hexdigest(),
            }
        if known is None and record["paragraph_id"] not in new_paragraphs:
            new_paragraphs[record["paragraph_id"]] = {
                "id": record["paragraph_id"],
                "document_id": record["document_id"],
                "position": record["index"],
                "text": record["text"],
                "text_sha256": digest,
                "is_boilerplate": False,
                "boilerplate_reason": None,
            }
    connection = session.connection()
    if new_documents:
        connection.execute(insert(Document.__table__), list(new_documents.values()))
        result.documents_added += len(new_documents)
    if new_paragraphs:
        connection.execute(insert(Paragraph.__table__), list(new_paragraphs.values()))
        result.paragraphs_added += len(new_paragraphs)
    result.records += len(batch)
    if as_user is None:
        _store_pre_annotations(session, path, batch, result)
    else:
        _store_annotations(session, path, batch, as_user, result)


def _store_pre_annotations(
    session: Session,
    path: Path,
    batch: list[tuple[int, dict[str, Any], ValidPayload]],
    result: RecordImport,
) -> None:
    sources = {
        (record["paragraph_id"], f"{path.name}:{record['annotator']}") for _, record, _ in batch
    }
    present = {
        (paragraph_id, source)
        for paragraph_id, source in session.execute(
            select(PreAnnotation.paragraph_id, PreAnnotation.source).where(
                PreAnnotation.paragraph_id.in_({p for p, _ in sources})
            )
        )
    }
    rows = []
    for _, record, payload in batch:
        key = (record["paragraph_id"], f"{path.name}:{record['annotator']}")
        if key in present:
            result.already_present += 1
            continue
        present.add(key)
        rows.append(
            {
                "paragraph_id": key[0],
                "source": key[1],
                "payload": {
                    "entities": payload.entities,
                    "stances": payload.stances,
                    "quotes": payload.quotes,
                },
            }
        )
    if rows:
        session.execute(insert(PreAnnotation), rows)
        result.pre_annotations_added += len(rows)


def _store_annotations(
    session: Session,
    path: Path,
    batch: list[tuple[int, dict[str, Any], ValidPayload]],
    user: User,
    result: RecordImport,
) -> None:
    existing = set(
        session.scalars(
            select(Annotation.paragraph_id).where(
                Annotation.annotator_id == user.id,
                Annotation.paragraph_id.in_({record["paragraph_id"] for _, record, _ in batch}),
            )
        )
    )
    now = datetime.now(UTC)
    fresh = []
    seen: set[str] = set()
    for number, record, payload in batch:
        paragraph_id = record["paragraph_id"]
        if paragraph_id in existing or paragraph_id in seen:
            if paragraph_id in seen:
                raise RejectedFile(
                    str(path), f"paragraph {paragraph_id} appears twice for {user.username}", number
                )
            result.already_present += 1
            continue
        seen.add(paragraph_id)
        fresh.append((record, payload))
    if not fresh:
        return
    connection = session.connection()
    # One multi-row INSERT, then the new ids read back by paragraph (unique per annotator):
    # RETURNING in parameter order makes SQLite send one INSERT per row.
    connection.execute(
        insert(Annotation.__table__),
        [
            {
                "paragraph_id": record["paragraph_id"],
                "annotator_id": user.id,
                "status": "submitted",
                "version": 1,
                "comment": payload.comment,
                "flagged": payload.flagged,
                "created_at": datetime.fromisoformat(record["created_at"]),
                "updated_at": datetime.fromisoformat(record["updated_at"]),
            }
            for record, payload in fresh
        ],
    )
    id_of = {
        paragraph_id: annotation_id
        for paragraph_id, annotation_id in connection.execute(
            select(Annotation.paragraph_id, Annotation.id).where(
                Annotation.annotator_id == user.id,
                Annotation.paragraph_id.in_([record["paragraph_id"] for record, _ in fresh]),
            )
        )
    }
    ids = [id_of[record["paragraph_id"]] for record, _ in fresh]
    layers: dict[Any, list[dict[str, Any]]] = {}
    history = []
    for annotation_id, (_, payload) in zip(ids, fresh, strict=True):
        for model, rows in layer_rows(annotation_id, payload).items():
            layers.setdefault(model, []).extend(rows)
        history.append(
            {
                "annotation_id": annotation_id,
                "version": 1,
                "status": "submitted",
                "saved_by_id": user.id,
                "saved_at": now,
                "payload": {"version": 1, "imported_from": path.name, **payload.content()},
            }
        )
    for model, rows in layers.items():
        if rows:
            _fast_insert(connection, model.__table__, rows)
    connection.execute(insert(AnnotationHistory.__table__), history)
    result.annotations_added += len(fresh)


def _fast_insert(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (integers and strings) with the driver's executemany.

    The statement is the one SQLAlchemy compiles for the table; only the per-row parameter
    processing, which these columns do not need, is skipped: a million annotations carry
    seven million such rows.
    """
    columns = list(rows[0])
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    quote = connection.dialect.identifier_preparer.quote
    # Table and column names come from our models, never from input.
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join([placeholder] * len(columns))
    statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({values})"  # noqa: S608
    connection.exec_driver_sql(statement, [tuple(row[c] for c in columns) for row in rows])
