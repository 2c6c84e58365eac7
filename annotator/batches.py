"""Batches: deal documents' paragraphs to annotators, and change who is in.

The deal is plain round robin over the paragraphs in article order: paragraph i goes to
annotators (i*n + k) mod m for k < n, so each paragraph gets n different annotators and
every share is even to within one paragraph. It is written down as ``Assignment`` rows.
Changing the members later moves only unfinished assignments (a newcomer gets untouched
ones); nothing done is taken from anyone. The same functions serve the CLI, the API and
the admin pages; ``batch_progress`` reads how far a batch has got.

A retired document (``documents.retire_document``) is not dealt in a new batch. In a batch
that holds it already, its assignments nobody finished leave their annotators' queues and
the batch's counts until it is restored; finished ones stay and count.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from .annotation.counts import recount
from .database import DATABASE_INT_MAX
from .models import (
    Assignment,
    Batch,
    BatchDocument,
    BatchMember,
    Document,
    Paragraph,
    User,
)
from .models.base import table_of


class BatchProblem(ValueError):
    """A batch cannot be made or changed as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def as_dict(self) -> dict[str, str]:
        return {"path": f"$.{self.field}", "message": self.message}


def deal(paragraphs: int, annotators: int, overlap: int) -> Iterator[tuple[int, int]]:
    """(paragraph index, annotator index) pairs: each paragraph to ``overlap`` different
    annotators, round robin, so every annotator's share is even to within one."""
    if not 1 <= overlap <= annotators:
        raise ValueError("overlap must be between 1 and the number of annotators")
    for paragraph in range(paragraphs):
        for k in range(overlap):
            yield paragraph, (paragraph * overlap + k) % annotators


def create_batch(
    session: Session,
    name: str,
    document_ids: Sequence[str],
    usernames: Sequence[str],
    overlap: int | None,
    created_by: User,
) -> Batch:
    """Make a batch and deal its paragraphs (the caller commits). Raises ``BatchProblem``
    naming the field for an unknown or repeated document or annotator, a document already
    in a batch, or an overlap out of range."""
    name = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(name) <= 100:
        raise BatchProblem("name", "must be 1 to 100 characters")
    if session.scalar(select(Batch.id).where(Batch.name == name)) is not None:
        raise BatchProblem("name", f"a batch called {name!r} exists already")
    documents = _documents(session, document_ids)
    members = _annotators(session, usernames)
    if overlap is None:
        raise BatchProblem("overlap", "give how many annotators label each paragraph")
    if isinstance(overlap, bool) or not isinstance(overlap, int):
        raise BatchProblem("overlap", "must be a whole number")
    if not 1 <= overlap <= len(members):
        raise BatchProblem(
            "overlap", f"must be between 1 and the number of annotators ({len(members)})"
        )
    batch = Batch(name=name, overlap=overlap, created_by_id=created_by.id)
    session.add(batch)
    session.flush()
    session.execute(
        insert(BatchDocument), [{"batch_id": batch.id, "document_id": d} for d in documents]
    )
    session.execute(
        insert(BatchMember), [{"batch_id": batch.id, "user_id": user.id} for user in members]
    )
    paragraphs = session.scalars(
        select(Paragraph.id)
        .join(Document, Document.id == Paragraph.document_id)
        .join(BatchDocument, BatchDocument.document_id == Document.id)
        .where(BatchDocument.batch_id == batch.id, Paragraph.is_boilerplate.is_(False))
        .order_by(Document.source, Document.id, Paragraph.position)
    ).all()
    rows = [
        {"paragraph_id": paragraphs[p], "user_id": members[a].id, "batch_id": batch.id, "seq": p}
        for p, a in deal(len(paragraphs), len(members), overlap)
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(Assignment), rows[start : start + 5000])
    recount(session, batch.id)
    return batch


def _names(field: str, what: str, values: object) -> list[str]:
    """``values`` as a list of distinct strings, or the problem with it, naming ``field``."""
    if not isinstance(values, list | tuple) or not values:
        raise BatchProblem(field, f"name at least one {what}")
    if not all(isinstance(value, str) for value in values):
        raise BatchProblem(field, f"each {what} is named by a string")
    repeated = [value for value, n in Counter(values).items() if n > 1]
    if repeated:
        raise BatchProblem(field, f"named twice: {_listed(repeated)}")
    return list(values)


def _listed(items: Sequence[str], most: int = 10) -> str:
    """Items for a message: the first ``most``, and how many more (a batch may name 50,000)."""
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _documents(session: Session, document_ids: Sequence[str]) -> list[str]:
    document_ids = _names("documents", "document", document_ids)
    known: set[str] = set()
    retired: set[str] = set()
    taken: list[str] = []
    # In slices: a statement holds a bounded number of parameters on every engine.
    for start in range(0, len(document_ids), 5000):
        part = document_ids[start : start + 5000]
        for document, retired_at in session.execute(
            select(Document.id, Document.retired_at).where(Document.id.in_(part))
        ):
            known.add(document)
            if retired_at is not None:
                retired.add(document)
        taken += [
            f"{document} (in {name!r})"
            for document, name in session.execute(
                select(BatchDocument.document_id, Batch.name)
                .join(Batch, Batch.id == BatchDocument.batch_id)
                .where(BatchDocument.document_id.in_(part))
            )
        ]
    unknown = [d for d in document_ids if d not in known]
    if unknown:
        raise BatchProblem("documents", f"no such document: {_listed(unknown)}")
    if retired:
        # A retired document is dealt to nobody (documents.retire_document).
        named = [d for d in document_ids if d in retired]
        raise BatchProblem("documents", f"retired (restore it first): {_listed(named)}")
    if taken:
        raise BatchProblem("documents", f"already in a batch: {_listed(taken)}")
    return document_ids


def _annotators(session: Session, usernames: Sequence[str]) -> list[User]:
    """The named accounts, sorted by username so that the deal does not depend on the
    order they were named in."""
    usernames = _names("annotators", "annotator", usernames)
    users = {
        u.username: u for u in session.scalars(select(User).where(User.username.in_(usernames)))
    }
    unknown = [u for u in usernames if u not in users]
    if unknown:
        raise BatchProblem("annotators", f"no such user: {_listed(unknown)}")
    inactive = [u for u in usernames if not users[u].active]
    if inactive:
        raise BatchProblem("annotators", f"deactivated: {_listed(inactive)}")
    return sorted(users.values(), key=lambda user: user.username)


def find_batch(session: Session, key: str | int) -> Batch | None:
    """A batch by id (an int or a string of digits) or by name."""
    if isinstance(key, int) or (isinstance(key, str) and key.isascii() and key.isdigit()):
        number = int(key)
        # An id past what the column holds names no batch (PostgreSQL would refuse the query).
        found = session.get(Batch, number) if 0 <= number <= DATABASE_INT_MAX else None
        if found is not None:
            return found
    return session.scalar(select(Batch).where(Batch.name == str(key)))


def add_annotator(session: Session, batch: Batch, username: str) -> int:
    """Put an annotator in a running batch (back in, if removed) and give them an even
    share of the untouched assignments, taken one at a time from whoever has most left
    (their latest paragraphs first). Returns how many they were given. The caller commits."""
    try:
        (user,) = _annotators(session, [username])
    except BatchProblem as problem:
        raise BatchProblem("username", problem.message) from None
    member = session.get(BatchMember, (batch.id, user.id))
    if member is not None and member.active:
        raise BatchProblem("username", f"{username} is in this batch already")
    if member is None:
        session.add(BatchMember(batch_id=batch.id, user_id=user.id))
    else:
        member.active = True
    session.flush()
    untouched = _untouched_by_member(session, batch)
    untouched.pop(user.id, None)
    holders = _holders(session, batch)
    # How many untouched assignments each donor still holds, apart from which of them the
    # newcomer can take (with overlap 2 or more, one they already took from someone else).
    left = {donor: len(paragraphs) for donor, paragraphs in untouched.items()}
    heap = [(-count, donor) for donor, count in left.items()]
    heapq.heapify(heap)
    moves: list[dict[str, Any]] = []
    while heap:
        _, donor = heapq.heappop(heap)
        if left[donor] - len(moves) <= 1:
            break  # whoever has most left has at most one more than the newcomer: even
        candidates = untouched[donor]
        while candidates and user.id in holders[candidates[-1]]:
            candidates.pop()  # their latest paragraphs first, ones the newcomer lacks
        if not candidates:
            continue  # this donor has nothing the newcomer may take
        paragraph = candidates.pop()
        holders[paragraph].add(user.id)
        left[donor] -= 1
        moves.append({"p": paragraph, "old": donor, "new": user.id})
        heapq.heappush(heap, (-left[donor], donor))
    _move(session, moves, untouched_only=True)
    recount(session, batch.id)
    return len(moves)


def remove_annotator(
    session: Session, batch: Batch, username: str, *, keep: bool = False
) -> dict[str, Any]:
    """Deal an annotator's unfinished assignments to the other members (least loaded first,
    never to one who has the paragraph already) and, unless ``keep``, take them out of the
    batch. What they finished stays theirs and still counts. Returns how many assignments
    moved and how many could not, because every other member has the paragraph already:
    with ``keep`` those stay theirs; without, the paragraph is dealt to one annotator fewer.
    The last active member cannot be taken out. The caller commits."""
    user = session.scalar(select(User).where(User.username == username))
    member = session.get(BatchMember, (batch.id, user.id)) if user is not None else None
    if user is None or member is None or not member.active:
        raise BatchProblem("username", f"{username} is not in this batch")
    active = session.scalar(
        select(func.count())
        .select_from(BatchMember)
        .where(BatchMember.batch_id == batch.id, BatchMember.active.is_(True))
    )
    if not keep and active == 1:
        raise BatchProblem(
            "username", f"{username} is the batch's last annotator: add another one first"
        )
    if not keep:
        member.active = False
    session.flush()
    mine = session.scalars(
        select(Assignment.paragraph_id)
        .where(
            Assignment.batch_id == batch.id,
            Assignment.user_id == user.id,
            Assignment.done.is_(False),
        )
        .order_by(Assignment.seq)
    ).all()
    others = {
        m.user_id: m.assigned - m.submitted - m.skipped
        for m in session.scalars(
            select(BatchMember).where(
                BatchMember.batch_id == batch.id,
                BatchMember.active.is_(True),
                BatchMember.user_id != user.id,
            )
        )
    }
    holders = _holders(session, batch)
    moves: list[dict[str, Any]] = []
    stranded: list[str] = []
    for paragraph in mine:
        free = [m for m in others if m not in holders[paragraph]]
        if not free:
            stranded.append(paragraph)
            continue
        chosen = min(free, key=lambda m: (others[m], m))
        others[chosen] += 1
        holders[paragraph].add(chosen)
        moves.append({"p": paragraph, "old": user.id, "new": chosen})
    _move(session, moves, untouched_only=False)
    if stranded and not keep:
        # Everyone else has these paragraphs already: they are dealt to one annotator
        # fewer (the annotation of any draft stays, as every annotation does). One finished
        # since it was read above stays.
        session.execute(
            delete(Assignment).where(
                Assignment.batch_id == batch.id,
                Assignment.user_id == user.id,
                Assignment.paragraph_id.in_(stranded),
                Assignment.done.is_(False),
            )
        )
    recount(session, batch.id)
    return {"moved": len(moves), "not_moved": len(stranded), "keep": keep}


def _untouched_by_member(session: Session, batch: Batch) -> dict[int, list[str]]:
    """Each active member's assignments nobody has started (no annotation yet), in order;
    those of retired documents, out of every queue, are not worth handing on."""
    rows = session.execute(
        select(Assignment.user_id, Assignment.paragraph_id)
        .join(
            BatchMember,
            (BatchMember.batch_id == Assignment.batch_id)
            & (BatchMember.user_id == Assignment.user_id),
        )
        .join(Paragraph, Paragraph.id == Assignment.paragraph_id)
        .join(Document, Document.id == Paragraph.document_id)
        .where(
            Assignment.batch_id == batch.id,
            BatchMember.active.is_(True),
            Assignment.status.is_(None),
            Document.retired_at.is_(None),
        )
        .order_by(Assignment.user_id, Assignment.seq)
    )
    found: dict[int, list[str]] = {}
    for user_id, paragraph_id in rows:
        found.setdefault(user_id, []).append(paragraph_id)
    return found


def _holders(session: Session, batch: Batch) -> defaultdict[str, set[int]]:
    """Who has each paragraph of the batch (every assignment, finished or not)."""
    holders: defaultdict[str, set[int]] = defaultdict(set)
    for paragraph_id, user_id in session.execute(
        select(Assignment.paragraph_id, Assignment.user_id).where(Assignment.batch_id == batch.id)
    ):
        holders[paragraph_id].add(user_id)
    return holders


def _move(session: Session, moves: list[dict[str, Any]], *, untouched_only: bool) -> None:
    """Hand each assignment {"p": paragraph, "old": user id} to {"new": user id}, unless it
    was finished (or, ``untouched_only``, started) meanwhile, by a save between reading the
    assignments and this: work stays with whoever did it."""
    if not moves:
        return
    table = table_of(Assignment)
    unchanged = table.c.status.is_(None) if untouched_only else table.c.done.is_(False)
    session.execute(
        update(table)
        .where(
            table.c.paragraph_id == bindparam("p"), table.c.user_id == bindparam("old"), unchanged
        )
        .values(user_id=bindparam("new")),
        moves,
    )
