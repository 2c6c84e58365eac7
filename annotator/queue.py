"""An annotator's queue: which paragraph comes next, and how far along they are.

Until assignment batches exist, the queue is every paragraph that is not boilerplate
and that the annotator has not submitted or skipped, in document and paragraph order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from .models import Annotation, Document, Paragraph, User

DONE_STATUSES = ("submitted", "skipped")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


def _done_by(user: User):  # type: ignore[no-untyped-def]
    return (
        select(Annotation.paragraph_id)
        .where(Annotation.annotator_id == user.id, Annotation.status.in_(DONE_STATUSES))
        .scalar_subquery()
    )


def next_paragraph_id(session: Session, user: User, after: str | None = None) -> str | None:
    """The first paragraph of ``user``'s queue, or the first one after ``after`` if given.

    With ``after``, the search wraps around to the start, so a paragraph skipped over
    earlier is still offered before the queue is declared empty.
    """
    order = (Document.source, Document.id, Paragraph.position)
    base = (
        select(Paragraph.id)
        .join(Document, Document.id == Paragraph.document_id)
        .where(Paragraph.is_boilerplate.is_(False), Paragraph.id.not_in(_done_by(user)))
        .order_by(*order)
    )
    if after is not None:
        current = session.execute(
            select(Document.source, Document.id, Paragraph.position)
            .join(Document, Document.id == Paragraph.document_id)
            .where(Paragraph.id == after)
        ).first()
        if current is not None:
            later = session.scalar(base.where(_after(current)).limit(1))
            if later is not None:
                return later
    return session.scalar(base.limit(1))


def _after(current: tuple[str, str, int]):  # type: ignore[no-untyped-def]
    """Rows after ``current`` in (source, document id, position) order."""
    source, document_id, position = current
    return (Document.source > source) | and_(
        Document.source == source,
        (Document.id > document_id)
        | and_(Document.id == document_id, Paragraph.position > position),
    )


def progress(session: Session, user: User) -> Progress:
    """How many of the annotatable paragraphs ``user`` has submitted or skipped."""
    total = (
        select(func.count())
        .select_from(Paragraph)
        .where(Paragraph.is_boilerplate.is_(False))
        .scalar_subquery()
    )
    done = (
        select(func.count())
        .select_from(Annotation)
        .join(Paragraph, Paragraph.id == Annotation.paragraph_id)
        .where(
            Annotation.annotator_id == user.id,
            Annotation.status.in_(DONE_STATUSES),
            Paragraph.is_boilerplate.is_(False),
        )
        .scalar_subquery()
    )
    done_count, total_count = session.execute(select(done, total)).one()
    return Progress(done=int(done_count or 0), total=int(total_count or 0))
