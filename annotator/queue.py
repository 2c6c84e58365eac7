"""An annotator's queue: which paragraph comes next, and how far along they are.

An annotator in a batch (even one removed from it) works from their assignments, batch by
batch in article order: the next one is an index seek, and the progress line reads the
counts the saves keep on their batch memberships. An annotator in no batch has every
paragraph that is not boilerplate and that they have not submitted or skipped, in
document and paragraph order, as before batches existed (a one-person setup); their
progress line reads the counts the saves and imports keep (``User.done_count``,
``CorpusStats``), and the next paragraph is searched from the current one onwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, exists, func, or_, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from .annotation.counts import DONE_STATUSES
from .models import (
    Annotation,
    Assignment,
    Batch,
    BatchMember,
    CorpusStats,
    Document,
    Paragraph,
    User,
)

__all__ = [
    "DONE_STATUSES",
    "Progress",
    "in_a_batch",
    "memberships",
    "next_paragraph_id",
    "progress",
]


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


# The queries every request of an annotator in a batch runs, built once with parameters
# (``user``, ``after``): building a statement costs SQLAlchemy more than running it does
# (docs/performance.md), and a team of fifty runs these hundreds of times a second.
_IN_A_BATCH = select(exists().where(BatchMember.user_id == bindparam("user")))
# A retired document's paragraphs are in nobody's queue (``documents.retire_document``).
# Aliases, so that these never correlate with a query's own documents or paragraphs.
_RETIRED_DOCUMENT = aliased(Document)
_RETIRED_PARAGRAPH = aliased(Paragraph)
# Asked of the few assignments the index seek meets: two primary-key lookups each.
_ASSIGNMENT_RETIRED = exists().where(
    _RETIRED_PARAGRAPH.id == Assignment.paragraph_id,
    _RETIRED_DOCUMENT.id == _RETIRED_PARAGRAPH.document_id,
    _RETIRED_DOCUMENT.retired_at.is_not(None),
)
_FIRST_ASSIGNED = (
    select(Assignment.paragraph_id)
    .where(
        Assignment.user_id == bindparam("user"),
        Assignment.done.is_(False),
        ~_ASSIGNMENT_RETIRED,
    )
    .order_by(Assignment.batch_id, Assignment.seq)
    .limit(1)
)
# ``after``'s place read in the same statement: NULLs (no row) when it is not theirs.
_AFTER = select(Assignment).where(
    Assignment.paragraph_id == bindparam("after"), Assignment.user_id == bindparam("user")
)
_AFTER_BATCH = _AFTER.with_only_columns(Assignment.batch_id).scalar_subquery()
_AFTER_SEQ = _AFTER.with_only_columns(Assignment.seq).scalar_subquery()
_NEXT_ASSIGNED = _FIRST_ASSIGNED.where(
    or_(
        Assignment.batch_id > _AFTER_BATCH,
        and_(Assignment.batch_id == _AFTER_BATCH, Assignment.seq > _AFTER_SEQ),
    )
)
_BATCH_PROGRESS = select(
    func.count(),
    func.coalesce(func.sum(BatchMember.assigned), 0),
    func.coalesce(func.sum(BatchMember.submitted + BatchMember.skipped), 0),
).where(BatchMember.user_id == bindparam("user"))


def in_a_batch(session: Session, user: User) -> bool:
    """Whether ``user`` has ever been dealt paragraphs: then their queue is their assignments."""
    return session.scalar(_IN_A_BATCH, {"user": user.id}) or False


def memberships(session: Session, user: User) -> list[tuple[str, bool]]:
    """(batch name, still in it) for every batch ``user`` has been dealt paragraphs in."""
    rows = session.execute(
        select(Batch.name, BatchMember.active)
        .join(Batch, Batch.id == BatchMember.batch_id)
        .where(BatchMember.user_id == user.id)
        .order_by(Batch.id)
    )
    return [(name, bool(active)) for name, active in rows]


def next_paragraph_id(session: Session, user: User, after: str | None = None) -> str | None:
    """The first paragraph of ``user``'s queue, or the first one after ``after`` if given.

    With ``after``, the search wraps around to the start, so a paragraph skipped over
    earlier is still offered before the queue is declared empty. An open assignment is
    looked for first: for an annotator in a batch (every one of a team) that one query is
    the whole answer.
    """
    assigned = _next_assigned(session, user, after)
    if assigned is not None or in_a_batch(session, user):
        return assigned
    counts = _counts(session, user)
    if counts.total and counts.done >= counts.total:
        return None  # all done: no need to look through every paragraph to find nothing
    if after is not None:
        place = _place(session, after)
        if place is not None:
            later = _first_open(session, user, place)
            if later is not None:
                return later
    return _first_from_start(session, user)


def _place(session: Session, paragraph_id: str) -> tuple[str, str, int] | None:
    """A paragraph's place in queue order: (document source, document id, position)."""
    row = session.execute(
        select(Document.source, Document.id, Paragraph.position)
        .join(Document, Document.id == Paragraph.document_id)
        .where(Paragraph.id == paragraph_id)
    ).first()
    return tuple(row) if row is not None else None  # type: ignore[return-value]


def _first_from_start(session: Session, user: User) -> str | None:
    """The first open paragraph of the queue, searched from the user's mark (nothing before
    it is open: the saves and imports keep that true, ``counts._reopen``), which then moves
    to what was found. Someone who has done 100,000 paragraphs in order is not walked past
    them all on every call."""
    start = session.scalar(select(User.queue_start_id).where(User.id == user.id))
    place = _place(session, start) if start is not None else None
    found = None
    if place is not None:
        is_open = session.scalar(select(exists().where(Paragraph.id == start, _open(user))))
        found = start if is_open else _first_open(session, user, place)
    if found is None:  # no mark, or nothing open after it: from the very start
        found = _first_open(session, user, None)
    if found is not None and found != start:
        session.execute(update(User).where(User.id == user.id).values(queue_start_id=found))
        session.commit()
    return found


def _open(user: User):  # type: ignore[no-untyped-def]
    """Paragraphs of the queue: not boilerplate, not submitted or skipped by ``user``, not
    in a retired document."""
    done = exists().where(
        Annotation.paragraph_id == Paragraph.id,
        Annotation.annotator_id == user.id,
        Annotation.status.in_(DONE_STATUSES),
    )
    # A primary-key lookup of the paragraph's document, for the few paragraphs looked at.
    retired = exists().where(
        _RETIRED_DOCUMENT.id == Paragraph.document_id, _RETIRED_DOCUMENT.retired_at.is_not(None)
    )
    return and_(Paragraph.is_boilerplate.is_(False), ~done, ~retired)


def _first_open(session: Session, user: User, place: tuple[str, str, int] | None) -> str | None:
    """The first open paragraph after ``place`` (source, document id, position), or from
    the start. Walks documents in (source, id) order through their index, looking into
    each for an open paragraph, so the cost is the documents passed, not the corpus."""
    if place is not None:
        source, document_id, position = place
        here = _first_open_in(session, user, document_id, after_position=position)
        if here is not None:
            return here
    has_open = (
        select(Paragraph.id)
        .where(Paragraph.document_id == Document.id, _open(user))
        .correlate(Document)
        .exists()
    )
    documents = (
        select(Document.id)
        .where(Document.retired_at.is_(None), has_open)
        .order_by(Document.source, Document.id)
    )
    if place is not None:
        documents = documents.where(
            tuple_(Document.source, Document.id) > tuple_(source, document_id)
        )
    document = session.scalar(documents.limit(1))
    return _first_open_in(session, user, document) if document is not None else None


def _first_open_in(
    session: Session, user: User, document_id: str, after_position: int = -1
) -> str | None:
    """The document's first open paragraph after ``after_position``, or None."""
    return session.scalar(
        select(Paragraph.id)
        .where(
            Paragraph.document_id == document_id,
            Paragraph.position > after_position,
            _open(user),
        )
        .order_by(Paragraph.position)
        .limit(1)
    )


def _next_assigned(session: Session, user: User, after: str | None) -> str | None:
    """The user's first unfinished assignment (after ``after``'s, wrapping round); None
    when they have none (or are in no batch)."""
    if after is not None:
        later = session.scalar(_NEXT_ASSIGNED, {"user": user.id, "after": after})
        if later is not None:
            return later
    return session.scalar(_FIRST_ASSIGNED, {"user": user.id})


def progress(session: Session, user: User) -> Progress:
    """How many paragraphs of their queue ``user`` has submitted or skipped, of how many:
    counts the saves keep, read, never counted on the request (an annotator in a batch:
    one query over their memberships, which also says that they are in one)."""
    memberships_, assigned, done = session.execute(_BATCH_PROGRESS, {"user": user.id}).one()
    if memberships_:
        return Progress(done=int(done), total=int(assigned))
    return _counts(session, user)


def _counts(session: Session, user: User) -> Progress:
    """An annotator in no batch: what they finished, of every paragraph to annotate."""
    done, total = session.execute(
        select(
            select(User.done_count).where(User.id == user.id).scalar_subquery(),
            select(func.coalesce(func.max(CorpusStats.annotatable), 0)).scalar_subquery(),
        )
    ).one()
    return Progress(done=int(done or 0), total=int(total or 0))
