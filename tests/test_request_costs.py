"""What fifty annotators at once depend on: the queue, the progress line and a save each ask
the database as little as they can, and a save holds SQLite's write lock for its writes
alone (benchmarks/load_annotators.py measures the server under that load)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from annotator.annotation import load_vocabulary, save, validate_payload
from annotator.batches import create_batch
from annotator.models import Assignment, BatchDocument, BatchMember, Document, Paragraph, User
from annotator.queue import next_paragraph_id, progress

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` while the block runs, with "COMMIT" where a
    transaction ended."""
    seen: list[str] = []

    def executed(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    def committed(_conn: Any) -> None:
        seen.append("COMMIT")

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)
        event.remove(engine, "commit", committed)


@pytest.fixture
def team(db: Session, seeded: None, make_user: Callable[..., User]) -> dict[str, Any]:
    """alice and bob share the seed documents in one batch (each paragraph to one of them)."""
    lead = make_user("lead", role="admin")
    make_user("alice")
    make_user("bob")
    documents = db.scalars(select(Document.id).order_by(Document.id)).all()
    batch = create_batch(db, "round 1", list(documents), ["alice", "bob"], 1, db.merge(lead))
    db.commit()
    alice = db.scalar(select(User).where(User.username == "alice"))
    assigned = db.scalars(
        select(Assignment.paragraph_id)
        .where(Assignment.user_id == alice.id)
        .order_by(Assignment.seq)
    ).all()
    return {"alice": alice, "batch": batch.id, "assigned": assigned}


def _content(db: Session, paragraph_id: str, version: int, status: str) -> tuple[str, Any]:
    """A small annotation (two entities, one linked to an actor, a quote, a stance) of the
    paragraph, checked as the workspace's save checks it: (text, content)."""
    text = db.get(Paragraph, paragraph_id).text
    first = text.index(" ")
    body = {
        "version": version,
        "status": status,
        "entities": [
            {"id": "e1", "start": 0, "end": first, "label": "PERSON", "actor": None},
            {
                "id": "e2",
                "start": first + 1,
                "end": len(text),
                "label": "ARMED_GROUP",
                "actor": "islamic-state",
            },
        ],
        "quotes": [
            {"id": "q1", "speaker": "e1", "content": {"start": 0, "end": 1}, "type": "DIRECT"}
        ],
        "stances": [
            {"id": "s1", "holder": "e1", "target": "e2", "polarity": "OPPOSE", "quote": "q1"}
        ],
    }
    return text, validate_payload(body, text, load_vocabulary(db))[1]


def _submit(db: Session, paragraph_id: str, user: User, version: int, status: str) -> None:
    text, content = _content(db, paragraph_id, version, status)
    save(db, paragraph_id, text, user.id, version, content)


def test_a_save_reads_twice_then_only_writes_until_it_commits(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, a save reads the database again after its first write: on SQLite every
    other annotator's save waits for those reads too (and, on a busy server, for the thread
    that does them to get the interpreter back), so fifty annotators' saves queue up."""
    alice, (first, second) = team["alice"], team["assigned"][:2]
    cases = [(first, 0, "submitted"), (first, 1, "draft"), (second, 0, "submitted")]
    for paragraph_id, version, status in cases:
        text, content = _content(db, paragraph_id, version, status)
        with statements(db.get_bind()) as seen:
            save(db, paragraph_id, text, alice.id, version, content)
        first_write = next(i for i, kind in enumerate(seen) if kind in WRITES)
        # The actors it links, then the annotation, the paragraph and the assignment.
        assert seen[:first_write] == ["SELECT", "SELECT"], (status, seen)
        assert seen[-1] == "COMMIT"
        # Putting a paragraph back to draft may move the queue's mark back: rare.
        reads = [kind for kind in seen[first_write:-1] if kind not in WRITES]
        assert len(reads) <= (2 if status == "draft" else 0), (status, seen)


def test_what_the_saves_keep_in_step_is_right_after_the_reads_moved_ahead(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, the dashboard's figures (time per paragraph, per-document completion,
    an annotator's counts) drift from what was saved since the save reads them up front."""
    alice, batch = team["alice"], team["batch"]
    first, second, third = team["assigned"][:3]
    _submit(db, first, alice, 0, "submitted")
    # Pretend the first was finished four minutes ago: the second took four minutes.
    member = db.scalar(select(BatchMember).where(BatchMember.user_id == alice.id))
    member.last_done_at -= timedelta(minutes=4)
    db.commit()
    _submit(db, second, alice, 0, "submitted")
    _submit(db, third, alice, 0, "skipped")
    _submit(db, first, alice, 1, "draft")
    rows = dict(
        db.execute(
            select(Assignment.paragraph_id, Assignment.seconds).where(
                Assignment.user_id == alice.id, Assignment.done.is_(True)
            )
        ).all()
    )
    assert set(rows) == {second, third}
    assert 240 <= rows[second] <= 300 and rows[third] < 60
    db.refresh(member)
    assert (member.submitted, member.skipped, member.batch_id) == (1, 1, batch)
    assert db.scalar(select(func.sum(BatchDocument.done_slots))) == 2
    assert db.scalar(select(User.done_count).where(User.id == alice.id)) == 2


def test_the_next_paragraph_and_the_progress_line_of_a_team_member_are_one_query_each(
    team: dict[str, Any], db: Session
) -> None:
    """If this fails, every click on "next" and every paragraph opened asks the database
    again what one query answers, for each of fifty annotators."""
    alice, (first, second) = team["alice"], team["assigned"][:2]
    engine = db.get_bind()
    with statements(engine) as seen:
        assert next_paragraph_id(db, alice, after=first) == second
    assert seen == ["SELECT"]
    with statements(engine) as seen:
        assert progress(db, alice).total == len(team["assigned"])
    assert seen == ["SELECT"]
