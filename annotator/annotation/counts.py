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

from sqlalchemy import and_, bindparam, case, exists, func, or_, select, text, tuple_, update
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
    """What a save finds before it writes anything (``store.read_before``): the annotation
    (``annotation_id`` None: it does not exist yet) and, for the counts, the paragraph and
    the annotator's assignment of it (``batch_id`` None: it is in no batch of theirs)."""

    status: str | None
    flagged: bool
    annotation_id: int | None = None
    boilerplate: bool = False
    document_id: str | None = None
    batch_id: int | None = None
    assignment_done: bool = False
    last_done_at: datetime | None = None


# The paragraphs of retired documents (documents.retire_document): out of queues and counts.
# Aliases, so that it never correlates with the paragraphs of the query it is used in.
_RETIRED_PARAGRAPH, _RETIRED_DOCUMENT = aliased(Paragraph), aliased(Document)
RETIRED_PARAGRAPHS = (
    select(_RETIRED_PARAGRAPH.id)
    .join(_RETIRED_DOCUMENT, _RETIRED_DOCUMENT.id == _RETIRED_PARAGRAPH.document_id)
    .where(_RETIRED_DOCUMENT.retired_at.is_not(None))
)
ASSIGNMENTS = table_of(Assignment)
MEMBERS = table_of(BatchMember)
USERS = table_of(User)
BATCH_DOCUMENTS = table_of(BatchDocument)
# The writes of every save, built once with parameters (docs/performance.md says why).
_COUNT_DONE = (
    update(USERS)
    .where(USERS.c.id == bindparam("user"))
    .values(done_count=USERS.c.done_count + bindparam("change"))
)
# Sets the columns its parameters name: status, done, flagged (done_at, seconds).
_MARK_ASSIGNMENT = update(ASSIGNMENTS).where(
    ASSIGNMENTS.c.paragraph_id == bindparam("paragraph"), ASSIGNMENTS.c.user_id == bindparam("user")
)
_COUNT_MEMBER = (
    update(MEMBERS)
    .where(MEMBERS.c.batch_id == bindparam("batch"), MEMBERS.c.user_id == bindparam("user"))
    .values(
        submitted=MEMBERS.c.submitted + bindparam("submitted_change"),
        skipped=MEMBERS.c.skipped + bindparam("skipped_change"),
        flagged=MEMBERS.c.flagged + bindparam("flagged_change"),
        last_done_at=func.coalesce(
            bindparam("finished_at", type_=MEMBERS.c.last_done_at.type), MEMBERS.c.last_done_at
        ),
    )
)
_COUNT_DOCUMENT = (
    update(BATCH_DOCUMENTS)
    .where(
        BATCH_DOCUMENTS.c.batch_id == bindparam("batch"),
        BATCH_DOCUMENTS.c.document_id == bindparam("document"),
    )
    .values(done_slots=BATCH_DOCUMENTS.c.done_slots + bindparam("change"))
)


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
    the batch's counts in line with an annotation that went from ``before`` (as
    ``store.read_before`` found it) to (``status``, ``flagged``). Writes only, but for a
    paragraph put back to draft (``_reopen``)."""
    done = status in DONE_STATUSES
    if done != (before.status in DONE_STATUSES) and not before.boilerplate:
        session.execute(_COUNT_DONE, {"user": annotator_id, "change": 1 if done else -1})
        if not done:
            _reopen(session, annotator_id, paragraph_id)
    if before.batch_id is None:
        return
    was_done = before.assignment_done
    values: dict[str, object] = {"status": status, "done": done, "flagged": flagged}
    changes = {
        f"{name}_change": (status == name) - (before.status == name) for name in DONE_STATUSES
    }
    changes["flagged_change"] = flagged - before.flagged
    finished_at = None
    if done and not was_done:
        last = before.last_done_at
        values["done_at"] = finished_at = now
        values["seconds"] = (
            int((now - last).total_seconds()) if last and now - last <= LONGEST_WORK else None
        )
    elif was_done and not done:
        values["done_at"] = values["seconds"] = None
    session.execute(_MARK_ASSIGNMENT, {"paragraph": paragraph_id, "user": annotator_id, **values})
    if any(changes.values()) or finished_at is not None:
        member = {"batch": before.batch_id, "user": annotator_id, "finished_at": finished_at}
        session.execute(_COUNT_MEMBER, member | changes)
    if done != was_done:
        # Last before the commit: on PostgreSQL the annotators of one document queue for
        # this row's lock, held until the save commits.
        document = {"batch": before.batch_id, "document": before.document_id}
        session.execute(_COUNT_DOCUMENT, document | {"change": 1 if done else -1})


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
    # An unfinished assignment of a retired document is out of the queue and of the counts.
    counted = or_(Assignment.done.is_(True), Assignment.paragraph_id.not_in(RETIRED_PARAGRAPHS))

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
            assigned=count(counted),
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
        .where(Assignment.batch_id == batch_id, counted)
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


def shift_annotatable(session: Session, by: int) -> None:
    """Add ``by`` (negative: take away) to the corpus's kept count of paragraphs to annotate,
    in SQL, so that two writers never lose each other's change (an import, a document
    retired or restored)."""
    if session.get(CorpusStats, 1) is None:
        session.add(CorpusStats(id=1))
        session.flush()
    session.execute(
        update(CorpusStats)
        .values(annotatable=CorpusStats.annotatable + by)
        .execution_options(synchronize_session=False)
    )


def after_import(
    session: Session, annotatable_added: int, annotator_id: int | None, annotations_added: int
) -> None:
    """Bring the counts in line with what an import added: ``annotatable_added`` paragraphs
    to annotate (boilerplate aside) and, as ``annotator_id``, ``annotations_added``
    annotations. Nothing is counted again when the import added nothing of the kind."""
    if annotatable_added:
        shift_annotatable(session, annotatable_added)
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
        .join(Document, Document.id == Paragraph.document_id)
        .where(
            Annotation.annotator_id == annotator_id,
            Annotation.status.in_(DONE_STATUSES),
            Paragraph.is_boilerplate.is_(False),
            Document.retired_at.is_(None),
        )
        .scalar_subquery()
    )
    session.execute(
        update(User)
        .where(User.id == annotator_id)
        .values(done_count=count)
        .execution_options(synchronize_session=False)
    )
