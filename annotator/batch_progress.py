"""How far a batch has got: its members' and documents' counts, the deal, and the dashboard's
figures (time per paragraph, paragraphs submitted per day).

The counts are the ones the saves keep (``BatchMember``, ``BatchDocument``): read, not
recounted. What is computed per request (the median time, the days) is one grouped query
over the batch's assignments, through their batch index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import (
    Annotation,
    Assignment,
    Batch,
    BatchDocument,
    BatchMember,
    Document,
    Paragraph,
    User,
)


@dataclass(frozen=True)
class MemberProgress:
    username: str
    active: bool
    assigned: int
    submitted: int
    skipped: int
    flagged: int

    @property
    def remaining(self) -> int:
        return self.assigned - self.submitted - self.skipped


def _share(done: int, of: int) -> float | None:
    """``done`` as a share of ``of`` (None when there is nothing to do)."""
    return round(done / of, 4) if of else None


def members(session: Session, batch: Batch) -> list[MemberProgress]:
    """Each member's counts (kept by the saves), by username."""
    rows = session.execute(
        select(
            User.username,
            BatchMember.active,
            BatchMember.assigned,
            BatchMember.submitted,
            BatchMember.skipped,
            BatchMember.flagged,
        )
        .join(User, User.id == BatchMember.user_id)
        .where(BatchMember.batch_id == batch.id)
        .order_by(User.username)
    )
    return [MemberProgress(*row) for row in rows]


def documents(session: Session, batch: Batch) -> list[dict[str, Any]]:
    """Each document of the batch with its completion (finished assignments of all)."""
    rows = session.execute(
        select(Document.id, Document.title, BatchDocument.slots, BatchDocument.done_slots)
        .join(Document, Document.id == BatchDocument.document_id)
        .where(BatchDocument.batch_id == batch.id)
        .order_by(Document.source, Document.id)
    )
    return [
        {
            "id": id_,
            "title": title,
            "assignments": slots,
            "done": done,
            "completion": _share(done, slots),
        }
        for id_, title, slots, done in rows
    ]


def summary(session: Session, batch: Batch) -> dict[str, Any]:
    """The batch as the API and the pages show it: settings, members, documents, totals."""
    people = members(session, batch)
    docs = documents(session, batch)
    slots = sum(d["assignments"] for d in docs)
    done = sum(d["done"] for d in docs)
    return {
        "id": batch.id,
        "name": batch.name,
        "overlap": batch.overlap,
        "created_at": batch.created_at.isoformat(),
        "annotators": [{**person.__dict__, "remaining": person.remaining} for person in people],
        "documents": docs,
        "assignments": slots,
        "done": done,
        "completion": _share(done, slots),
    }


def list_batches(session: Session) -> list[dict[str, Any]]:
    """Every batch with its totals, oldest first (sums of the kept counts)."""
    rows = session.execute(
        select(
            Batch.id,
            Batch.name,
            Batch.overlap,
            Batch.created_at,
            select(func.count())
            .where(BatchMember.batch_id == Batch.id, BatchMember.active.is_(True))
            .correlate(Batch)
            .scalar_subquery(),
            select(func.coalesce(func.sum(BatchDocument.slots), 0))
            .where(BatchDocument.batch_id == Batch.id)
            .correlate(Batch)
            .scalar_subquery(),
            select(func.coalesce(func.sum(BatchDocument.done_slots), 0))
            .where(BatchDocument.batch_id == Batch.id)
            .correlate(Batch)
            .scalar_subquery(),
        ).order_by(Batch.id)
    )
    return [
        {
            "id": id_,
            "name": name,
            "overlap": overlap,
            "created_at": created.isoformat(),
            "annotators": int(people),
            "assignments": int(slots),
            "done": int(done),
            "completion": _share(int(done), int(slots)),
        }
        for id_, name, overlap, created, people, slots, done in rows
    ]


def assignments(session: Session, batch: Batch) -> Iterator[dict[str, Any]]:
    """The deal, one row per (paragraph, annotator) in queue order, streamed."""
    rows = session.execute(
        select(
            Assignment.seq,
            Assignment.paragraph_id,
            Paragraph.document_id,
            User.username,
            Assignment.status,
            Assignment.done,
        )
        .join(User, User.id == Assignment.user_id)
        .join(Paragraph, Paragraph.id == Assignment.paragraph_id)
        .where(Assignment.batch_id == batch.id)
        .order_by(Assignment.seq, User.username)
        .execution_options(yield_per=2000)
    )
    for seq, paragraph_id, document_id, username, status, done in rows:
        yield {
            "seq": seq,
            "paragraph_id": paragraph_id,
            "document_id": document_id,
            "annotator": username,
            "status": status,
            "done": done,
        }


def median_seconds(session: Session, batch: Batch) -> dict[str, float]:
    """Each annotator's median seconds per finished paragraph (the time since their previous
    one, breaks left out), by username: the middle row(s) picked by window functions."""
    ranked = (
        select(
            Assignment.user_id,
            Assignment.seconds,
            func.row_number()
            .over(partition_by=Assignment.user_id, order_by=Assignment.seconds)
            .label("rank"),
            func.count().over(partition_by=Assignment.user_id).label("n"),
        )
        .where(Assignment.batch_id == batch.id, Assignment.seconds.is_not(None))
        .subquery()
    )
    middle = (ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2
    rows = session.execute(
        select(User.username, func.avg(ranked.c.seconds))
        .join(User, User.id == ranked.c.user_id)
        .where(ranked.c.rank.in_(middle))
        .group_by(User.username)
    )
    return {name: round(float(value), 1) for name, value in rows}


def submitted_per_day(session: Session, batch: Batch) -> list[dict[str, Any]]:
    """How many assignments of the batch were submitted on each day (UTC), oldest first."""
    day = func.date(Assignment.done_at)
    rows = session.execute(
        select(day, func.count())
        .where(Assignment.batch_id == batch.id, Assignment.status == "submitted")
        .group_by(day)
        .order_by(day)
    )
    return [{"day": str(value), "submitted": int(count)} for value, count in rows]


# How many flagged paragraphs the dashboard lists (newest first); the counts say how many in all.
FLAGS_LISTED = 100


def flagged(session: Session, batch: Batch) -> list[dict[str, Any]]:
    """The batch's flagged paragraphs, newest first: who flagged which, and what they said."""
    rows = session.execute(
        select(
            Assignment.paragraph_id,
            Paragraph.document_id,
            Paragraph.position,
            User.username,
            Annotation.status,
            Annotation.comment,
            Annotation.updated_at,
        )
        .join(Paragraph, Paragraph.id == Assignment.paragraph_id)
        .join(User, User.id == Assignment.user_id)
        .join(
            Annotation,
            (Annotation.paragraph_id == Assignment.paragraph_id)
            & (Annotation.annotator_id == Assignment.user_id),
        )
        .where(Assignment.batch_id == batch.id, Assignment.flagged.is_(True))
        .order_by(Annotation.updated_at.desc())
        .limit(FLAGS_LISTED)
    )
    return [
        {
            "paragraph_id": paragraph_id,
            "document_id": document_id,
            "index": index,
            "annotator": username,
            "status": status,
            "comment": comment,
            "updated_at": updated.isoformat(),
        }
        for paragraph_id, document_id, index, username, status, comment, updated in rows
    ]


def progress(session: Session, batch: Batch) -> dict[str, Any]:
    """The dashboard's figures for a batch: its summary (per annotator, per document,
    overall), each annotator's median seconds, paragraphs per day, and the newest flagged
    paragraphs with their comments."""
    figures = summary(session, batch)
    medians = median_seconds(session, batch)
    for person in figures["annotators"]:
        person["median_seconds"] = medians.get(person["username"])
    return {
        "batch": {"id": batch.id, "name": batch.name, "overlap": batch.overlap},
        **{key: figures[key] for key in ("annotators", "documents", "assignments", "done")},
        "completion": figures["completion"],
        "per_day": submitted_per_day(session, batch),
        "flagged": flagged(session, batch),
    }
