"""The counts a save keeps: how many paragraphs each annotator has finished, and a batch's
assignment and counts, in step with the annotation a save just wrote.

Part of the one write path: ``store.save`` calls ``mirror_save`` in the same transaction,
so the counts the queue, the progress line and the dashboard read (``User.done_count``,
``BatchMember``, ``BatchDocument``) change with the save that changes them and are never
recounted on a request. A paragraph is in one batch at most, so a save touches at most one
assignment. Imports (``after_import``) and changes to a batch's membership (``recount``)
count again instead, in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, exists, func, select, text, tuple_, update
from sqlalchemy.orm import Session, aliased

from ..models import (
    Annotation,
    Assignment,
    BatchDocument,
    BatchMember,
    CorpusStats,
    Document,
    Paragraph,
    User,
)
from ..models.base import table_of

DONE_STATUSES = ("submitted", "skipped")
# A longer pause between two finished paragraphs is a break, not time spent on the second.
LONGEST_WORK = timedelta(minutes=30)


@dataclass(frozen=True)
class Before:
    """What the annotation was before the save (None fields: it did not exist)."""

    status: str | None
    flagged: bool


def mirror_save(
    session: Session,
    paragraph_id: str,
    annotator_id: int,
    before: Before,
    status: str,
    flagged: bool,
    now: datetime,
) -> None:
    """Bring the annotator's finished count, their assignment of the paragraph (if any) and
    the batch's counts in line with an annotation that went from ``before`` to
    (``status``, ``flagged``)."""
    done = status in DONE_STATUSES
    if done != (before.status in DONE_STATUSES):
        boilerplate = session.scalar(
            select(Paragraph.is_boilerplate).where(Paragraph.id == paragraph_id)
        )
        if not boilerplate:
            session.execute(
                update(User)
                .where(User.id == annotator_id)
                .values(done_count=User.done_count + (1 if done else -1))
                .execution_options(synchronize_session=False)
            )
            if not done:
                _reopen(session, annotator_id, paragraph_id)
    assignment = session.execute(
        select(Assignment.batch_id, Assignment.done).where(
            Assignment.paragraph_id == paragraph_id, Assignment.user_id == annotator_id
        )
    ).first()
    if assignment is None:
        return
    batch_id, was_done = assignment
    values: dict[str, object] = {"status": status, "done": done, "flagged": flagged}
    member = and_(BatchMember.batch_id == batch_id, BatchMember.user_id == annotator_id)
    counts: dict[str, object] = {}
    for name in DONE_STATUSES:
        change = (status == name) - (before.status == name)
        if change:
            counts[name] = getattr(BatchMember, name) + change
    if flagged != before.flagged:
        counts["flagged"] = BatchMember.flagged + (1 if flagged else -1)
    if done and not was_done:
        last = session.scalar(select(BatchMember.last_done_at).where(member))
        values["done_at"] = now
        values["seconds"] = (
            int((now - last).total_seconds()) if last and now - last <= LONGEST_WORK else None
        )
        counts["last_done_at"] = now
    elif was_done and not done:
        values["done_at"] = values["seconds"] = None
    session.execute(
        update(Assignment)
        .where(Assignment.paragraph_id == paragraph_id, Assignment.user_id == annotator_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if counts:
        session.execute(
            update(BatchMember)
            .where(member)
            .values(**counts)
            .execution_options(synchronize_session=False)
        )
    if done != was_done:
        document = select(Paragraph.document_id).where(Paragraph.id == paragraph_id)
        session.execute(
            update(BatchDocument)
            .where(
                BatchDocument.batch_id == batch_id,
                BatchDocument.document_id == document.scalar_subquery(),
            )
            .values(done_slots=BatchDocument.done_slots + (1 if done else -1))
            .execution_options(synchronize_session=False)
        )


def recount(session: Session, batch_id: int) -> None:
    """Read every assignment of the batch back from its annotation, then count again: after
    a deal, a change of members, or an import of annotations. Set-based, in SQL."""
    annotation = (
        select(Annotation)
        .where(
            Annotation.paragraph_id == Assignment.paragraph_id,
            Annotation.annotator_id == Assignment.user_id,
        )
        .correlate(Assignment)
    )
    status = annotation.with_only_columns(Annotation.status).scalar_subquery()
    updated = annotation.with_only_columns(Annotation.updated_at).scalar_subquery()
    flagged = annotation.with_only_columns(Annotation.flagged).scalar_subquery()
    session.execute(
        update(Assignment)
        .where(Assignment.batch_id == batch_id)
        .values(
            status=status,
            done=func.coalesce(status.in_(DONE_STATUSES), False),
            flagged=func.coalesce(flagged, False),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Assignment)
        .where(
            Assignment.batch_id == batch_id, Assignment.done.is_(True), Assignment.done_at.is_(None)
        )
        .values(done_at=updated)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Assignment)
        .where(Assignment.batch_id == batch_id, Assignment.done.is_(False))
        .values(done_at=None, seconds=None)
        .execution_options(synchronize_session=False)
    )
    mine = and_(Assignment.batch_id == batch_id, Assignment.user_id == BatchMember.user_id)

    def count(*conditions: object) -> object:
        return (
            select(func.count())
            .select_from(Assignment)
            .where(mine, *conditions)
            .correlate(BatchMember)
            .scalar_subquery()
        )

    session.execute(
        update(BatchMember)
        .where(BatchMember.batch_id == batch_id)
        .values(
            assigned=count(),
            submitted=count(Assignment.status == "submitted"),
            skipped=count(Assignment.status == "skipped"),
            flagged=count(Assignment.flagged.is_(True)),
        )
        .execution_options(synchronize_session=False)
    )
    # Grouped once over the batch's assignments, then written per document: a correlated
    # count per document would scan the batch once for each of them.
    per_document = session.execute(
        select(
            Paragraph.document_id,
            func.count(),
            func.coalesce(func.sum(case((Assignment.done.is_(True), 1), else_=0)), 0),
        )
        .join(Paragraph, Paragraph.id == Assignment.paragraph_id)
        .where(Assignment.batch_id == batch_id)
        .group_by(Paragraph.document_id)
    ).all()
    session.execute(
        update(BatchDocument)
        .where(BatchDocument.batch_id == batch_id)
        .values(slots=0, done_slots=0)
        .execution_options(synchronize_session=False)
    )
    if per_document:
        table = table_of(BatchDocument)
        session.execute(
            update(table)
            .where(table.c.batch_id == batch_id, table.c.document_id == bindparam("document"))
            .values(slots=bindparam("slots"), done_slots=bindparam("done")),
            [
                {"document": document, "slots": slots, "done": int(done)}
                for document, slots, done in per_document
            ],
        )


def _reopen(session: Session, annotator_id: int, paragraph_id: str) -> None:
    """A paragraph is open again for the annotator (back to draft): where their queue is
    searched from moves back to it if it was further on (compared in the database, in the
    queue's own order and collation)."""
    start = session.scalar(select(User.queue_start_id).where(User.id == annotator_id))
    if start is None:
        return
    mark, mark_document = aliased(Paragraph), aliased(Document)
    earlier = session.scalar(
        select(
            exists().where(
                Paragraph.id == paragraph_id,
                Document.id == Paragraph.document_id,
                mark.id == start,
                mark_document.id == mark.document_id,
                tuple_(Document.source, Document.id, Paragraph.position)
                < tuple_(mark_document.source, mark_document.id, mark.position),
            )
        )
    )
    if earlier:
        session.execute(
            update(User)
            .where(User.id == annotator_id)
            .values(queue_start_id=paragraph_id)
            .execution_options(synchronize_session=False)
        )


def after_import(
    session: Session, annotatable_added: int, annotator_id: int | None, annotations_added: int
) -> None:
    """Bring the counts in line with what an import added: ``annotatable_added`` paragraphs
    to annotate (boilerplate aside) and, as ``annotator_id``, ``annotations_added``
    annotations. Nothing is counted again when the import added nothing of the kind."""
    if annotatable_added:
        if session.get(CorpusStats, 1) is None:
            session.add(CorpusStats(id=1))
            session.flush()
        session.execute(
            update(CorpusStats)
            .values(annotatable=CorpusStats.annotatable + annotatable_added)
            .execution_options(synchronize_session=False)
        )
        # New documents may come before where a queue is searched from: search from the
        # start once more (the next search puts the mark back).
        session.execute(
            update(User).values(queue_start_id=None).execution_options(synchronize_session=False)
        )
    if annotator_id is None or not annotations_added:
        return
    recount_done(session, annotator_id)
    for batch_id in session.scalars(
        select(BatchMember.batch_id).where(BatchMember.user_id == annotator_id)
    ).all():
        recount(session, batch_id)


# Rows an import must add before the planner's statistics are refreshed after it.
LARGE_IMPORT = 10_000


def refresh_statistics(session: Session, rows_added: int) -> None:
    """After a large import on PostgreSQL, sample the tables it grew. Until autovacuum
    catches up, stale statistics make the queue's anti-join hash every annotation of a user
    (27 ms instead of 0.1 ms, measured at a million paragraphs); the sampling takes about
    0.7 s whatever the size, so small imports skip it. Commits (ANALYZE runs outside the
    import's transactions)."""
    if rows_added < LARGE_IMPORT or session.get_bind().dialect.name != "postgresql":
        return
    session.commit()
    session.execute(text("ANALYZE documents, paragraphs, annotations"))
    session.commit()


def recount_done(session: Session, annotator_id: int) -> None:
    """Count again how many paragraphs (boilerplate aside) the annotator has finished."""
    count = (
        select(func.count())
        .select_from(Annotation)
        .join(Paragraph, Paragraph.id == Annotation.paragraph_id)
        .where(
            Annotation.annotator_id == annotator_id,
            Annotation.status.in_(DONE_STATUSES),
            Paragraph.is_boilerplate.is_(False),
        )
        .scalar_subquery()
    )
    session.execute(
        update(User)
        .where(User.id == annotator_id)
        .values(done_count=count)
        .execution_options(synchronize_session=False)
    )
