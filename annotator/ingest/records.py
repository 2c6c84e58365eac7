"""Importing annotator.v2 (and v1) files: an export read back, or a model's predictions.

- With ``as_user``, each record becomes that user's submitted annotation, stored through
  the annotation store like any save (history included), so that an export of submitted
  annotations imported into a fresh database exports the same again (drafts and skipped
  paragraphs come back submitted; suggestion decisions are not in records).
- Without, each record becomes a pre-annotation: suggestions drawn dashed in the
  workspace, never labels until a person accepts them.

Documents and paragraphs a database lacks are created from the records, keeping their ids
and indexes; ones it has must hold the same text. The file is read in chunks of lines,
each checked (JSON Schema, spans, the same checks as a save) then stored, in one
transaction: a bad line anywhere stores nothing. Large files have their chunks checked by
worker processes while this one stores (``record_lines``).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..annotation.record import READABLE_SCHEMAS
from ..annotation.store import NewAnnotation, load_vocabulary, save_many
from ..models import Annotation, Document, Paragraph, PreAnnotation, User
from ..models.base import table_of
from ..registry import key_aliases
from .articles import text_sha256
from .errors import RejectedFile
from .outcome import FileOutcome
from .record_lines import CheckedRecord, ReadContext, checked_chunks


def is_record_file(path: Path) -> bool:
    """Whether a .jsonl file holds annotator records, v2 or v1 (its first non-blank line
    says so)."""
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    first = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    return False
                return isinstance(first, dict) and first.get("schema") in READABLE_SCHEMAS
    return False


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
    context = ReadContext(
        str(path), load_vocabulary(session), as_user is not None, key_aliases(session)
    )
    store = _ChunkStore(session, context, as_user)
    # What exists before the import is set aside from the garbage collector's full passes:
    # they would scan it again and again while a million records go by (about a sixth of
    # the import's time, measured).
    gc.freeze()
    try:
        for chunk in checked_chunks(path, context):
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
        hashes: dict[str, str] = {}
        first_line: dict[str, int] = {}
        for record in chunk:  # one paragraph, one text, also within a chunk
            digest = text_sha256(record.text)
            if hashes.setdefault(record.paragraph_id, digest) != digest:
                raise RejectedFile(
                    self.context.file,
                    f"paragraph {record.paragraph_id} has another text than on line "
                    f"{first_line[record.paragraph_id]}",
                    record.line,
                )
            first_line.setdefault(record.paragraph_id, record.line)
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
