"""Retiring a document and restoring it: the one service behind the documents page, the API
and ``annotator retire`` / ``annotator restore-document``.

A retired document leaves every queue: its paragraphs are offered to nobody (``queue``),
it cannot be put in a new batch (``batches``), and its assignments that nobody finished
drop out of their annotators' queues and out of the batch's counts (``counts.recount``),
while finished ones stay and still count. Its annotations stay as they are and are still
exported. The counts the progress lines read without counting (``CorpusStats.annotatable``,
``User.done_count``) leave out its paragraphs while it is retired and take them back when it
is restored. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .annotation.counts import DONE_STATUSES, recount, shift_annotatable
from .models import Annotation, BatchDocument, Document, Paragraph, User


class NoSuchDocument(LookupError):
    """The document to retire or restore does not exist."""


@dataclass(frozen=True)
class Retirement:
    """What a retire or restore did: the document's state after it and whether it changed."""

    document_id: str
    retired_at: datetime | None
    changed: bool


def retire_document(session: Session, document_id: str, now: datetime | None = None) -> Retirement:
    """Take a document out of every queue and batch deal, keeping its annotations. Retiring
    a retired document changes nothing."""
    changed = _set_retired(session, document_id, now or datetime.now(UTC))
    if changed:
        _shift_counts(session, document_id, -1)
    return Retirement(document_id, _retired_at(session, document_id), changed)


def restore_document(session: Session, document_id: str) -> Retirement:
    """Put a retired document back in the queues and its batch; restoring a document that
    is not retired changes nothing."""
    changed = _set_retired(session, document_id, None)
    if changed:
        _shift_counts(session, document_id, +1)
        # Its paragraphs may come before where someone's queue is searched from: search
        # from the start once more, as after an import.
        session.execute(
            update(User).values(queue_start_id=None).execution_options(synchronize_session=False)
        )
    return Retirement(document_id, None, changed)


def _set_retired(session: Session, document_id: str, when: datetime | None) -> bool:
    """Retire (``when``) or restore (None) the document if it is not so already; whether it
    changed. One conditional UPDATE: of two admins doing it at once, one changes it and the
    other finds it done (the counts are shifted once)."""
    document = session.get(Document, document_id) if isinstance(document_id, str) else None
    if document is None:
        raise NoSuchDocument(document_id)
    not_yet = (
        Document.retired_at.is_(None) if when is not None else Document.retired_at.is_not(None)
    )
    result = session.execute(
        update(Document)
        .where(Document.id == document_id, not_yet)
        .values(retired_at=when)
        .execution_options(synchronize_session=False)
    )
    session.expire(document, ["retired_at"])
    return bool(result.rowcount)


def _retired_at(session: Session, document_id: str) -> datetime | None:
    return session.scalar(select(Document.retired_at).where(Document.id == document_id))


def _shift_counts(session: Session, document_id: str, sign: int) -> None:
    """Take the document's paragraphs out of (sign -1) or back into (+1) the kept counts."""
    annotatable = session.scalar(
        select(func.count())
        .select_from(Paragraph)
        .where(Paragraph.document_id == document_id, Paragraph.is_boilerplate.is_(False))
    )
    if annotatable:
        shift_annotatable(session, sign * annotatable)
    finished = session.execute(
        select(Annotation.annotator_id, func.count())
        .join(Paragraph, Paragraph.id == Annotation.paragraph_id)
        .where(
            Paragraph.document_id == document_id,
            Paragraph.is_boilerplate.is_(False),
            Annotation.annotator_id.is_not(None),
            Annotation.status.in_(DONE_STATUSES),
        )
        .group_by(Annotation.annotator_id)
    ).all()
    for annotator_id, count in finished:
        session.execute(
            update(User)
            .where(User.id == annotator_id)
            .values(done_count=User.done_count + sign * count)
            .execution_options(synchronize_session=False)
        )
    for batch_id in session.scalars(
        select(BatchDocument.batch_id).where(BatchDocument.document_id == document_id)
    ).all():
        recount(session, batch_id)
