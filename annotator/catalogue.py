"""Read-only queries over documents and labels: the list with progress, one article in order,
a paragraph's neighbours, the label configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from .models import Annotation, Document, EntityType, Paragraph, QuoteType, StancePolarity, User
from .queue import DONE_STATUSES


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the documents page."""

    id: str
    title: str
    source: str
    published: date | None
    language: str
    paragraphs: int
    boilerplate: int
    done_by_me: int
    # Paragraphs with at least one submitted annotation by anyone (reviewers and admins only).
    annotated_by_anyone: int | None
    # Out of every queue (documents.retire_document); listed to reviewers and admins only.
    retired: bool = False

    @property
    def annotatable(self) -> int:
        return self.paragraphs - self.boilerplate


def list_documents(session: Session, user: User) -> list[DocumentSummary]:
    """Every document with paragraph counts and annotation progress, newest import last.

    Annotators see their own progress; reviewers and admins also see how many
    paragraphs anyone has submitted, and the retired documents, which annotators do not.
    """
    counts = (
        select(
            Paragraph.document_id,
            func.count().label("paragraphs"),
            func.sum(case((Paragraph.is_boilerplate, 1), else_=0)).label("boilerplate"),
        )
        .group_by(Paragraph.document_id)
        .subquery()
    )
    mine = (
        select(Paragraph.document_id, func.count().label("done"))
        .join(Annotation, Annotation.paragraph_id == Paragraph.id)
        .where(
            Annotation.annotator_id == user.id,
            Annotation.status.in_(DONE_STATUSES),
            Paragraph.is_boilerplate.is_(False),
        )
        .group_by(Paragraph.document_id)
        .subquery()
    )
    anyone = (
        select(
            Paragraph.document_id,
            func.count(func.distinct(Paragraph.id)).label("annotated"),
        )
        .join(
            Annotation,
            and_(Annotation.paragraph_id == Paragraph.id, Annotation.status == "submitted"),
        )
        .where(Paragraph.is_boilerplate.is_(False))
        .group_by(Paragraph.document_id)
        .subquery()
    )
    query = (
        select(
            Document,
            func.coalesce(counts.c.paragraphs, 0),
            func.coalesce(counts.c.boilerplate, 0),
            func.coalesce(mine.c.done, 0),
            func.coalesce(anyone.c.annotated, 0),
        )
        .outerjoin(counts, counts.c.document_id == Document.id)
        .outerjoin(mine, mine.c.document_id == Document.id)
        .outerjoin(anyone, anyone.c.document_id == Document.id)
        .order_by(Document.source, Document.id)
    )
    if not user.can_review:
        query = query.where(Document.retired_at.is_(None))
    rows = session.execute(query)
    return [
        DocumentSummary(
            id=doc.id,
            title=doc.title,
            source=doc.source,
            published=doc.published,
            language=doc.language,
            paragraphs=int(paragraphs),
            boilerplate=int(boilerplate),
            done_by_me=int(done),
            annotated_by_anyone=int(annotated) if user.can_review else None,
            retired=doc.retired_at is not None,
        )
        for doc, paragraphs, boilerplate, done, annotated in rows
    ]


def get_document(session: Session, document_id: str) -> Document | None:
    """One document with its paragraphs loaded in order, or None."""
    return session.get(Document, document_id)


def neighbour(session: Session, paragraph: Paragraph, step: int) -> dict[str, Any] | None:
    """The nearest paragraph before (-1) or after (+1) ``paragraph`` that is not
    boilerplate, as the workspace shows it for context; None at either end."""
    position = Paragraph.position
    query = select(Paragraph).where(
        Paragraph.document_id == paragraph.document_id, Paragraph.is_boilerplate.is_(False)
    )
    if step < 0:
        query = query.where(position < paragraph.position).order_by(position.desc())
    else:
        query = query.where(position > paragraph.position).order_by(position)
    found = session.scalar(query.limit(1))
    if found is None:
        return None
    return {"id": found.id, "index": found.position, "text": found.text}


def label_configuration(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Entity types, stance polarities and quote types in display order, with their colours,
    hotkeys and descriptions: what the workspace draws its buttons and keys from. Retired
    labels are included (``retired``: true) so that annotations using them are still drawn
    and named; the workspace offers them for no new work."""

    def rows(model: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": label.name,
                "display_name": label.display_name,
                "colour": label.colour,
                "hotkey": label.hotkey,
                "description": label.description,
                "retired": label.retired_at is not None,
            }
            for label in session.scalars(select(model).order_by(model.position))
        ]

    return {
        "entity_types": rows(EntityType),
        "polarities": rows(StancePolarity),
        "quote_types": rows(QuoteType),
    }
