"""Retiring a document: it leaves every queue and new batch deals, keeps its annotations and
is still exported; the progress counts leave its paragraphs out; restoring brings it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.models import Assignment, BatchDocument, BatchMember, Document, Paragraph, User

from .conftest import Api, AuthActions, _annotate


def _annotatable(db: Session, document_id: str) -> list[str]:
    return list(
        db.scalars(
            select(Paragraph.id)
            .where(Paragraph.document_id == document_id, Paragraph.is_boilerplate.is_(False))
            .order_by(Paragraph.position)
        )
    )


def _queue(api: Api, db: Session) -> list[str]:
    """Every paragraph the caller's queue offers, in order, as ``?after=`` walks it."""
    seen: list[str] = []
    after = None
    while True:
        response = api.get("/api/queue/next" + (f"?after={after}" if after else ""))
        if response.status_code == 204:
            return seen
        after = response.get_json()["paragraph_id"]
        if after in seen:
            return seen
        seen.append(after)


def _documents_of(db: Session, paragraphs: list[str]) -> set[str]:
    if not paragraphs:
        return set()
    return set(db.scalars(select(Paragraph.document_id).where(Paragraph.id.in_(paragraphs))))


def _first_document(db: Session) -> str:
    return db.scalars(select(Document.id).order_by(Document.source, Document.id)).first()


def test_a_retired_document_leaves_the_queue_of_an_annotator_in_no_batch(
    annotated: dict[str, Any], api_as: Callable[..., Api], db: Session
) -> None:
    """If this fails, annotators keep being sent paragraphs of an article the admin took out,
    or their progress line counts paragraphs nobody can reach (or what they did there)."""
    from annotator.queue import progress

    alice: Api = annotated["alice"]
    admin = api_as("ada", "admin")
    document = annotated["documents"][0]  # alice submitted 2 paragraphs of it
    user = db.scalar(select(User).where(User.username == "alice"))
    before = progress(db, user)
    assert document in _documents_of(db, _queue(alice, db))

    response = admin.client.post(f"/api/documents/{document}/retire", headers=admin.headers)
    assert response.status_code == 200
    assert response.get_json()["retired"] is True and response.get_json()["changed"] is True
    assert document not in _documents_of(db, _queue(alice, db))
    db.expire_all()
    after = progress(db, user)
    assert after.total == before.total - len(_annotatable(db, document))
    assert after.done == before.done - 2

    again = admin.client.post(f"/api/documents/{document}/retire", headers=admin.headers)
    assert again.get_json()["changed"] is False
    db.expire_all()
    assert progress(db, user) == after  # nothing counted twice

    restored = admin.client.post(f"/api/documents/{document}/restore", headers=admin.headers)
    assert restored.get_json() == {
        "id": document,
        "retired": False,
        "retired_at": None,
        "changed": True,
    }
    db.expire_all()
    assert progress(db, user) == before
    assert document in _documents_of(db, _queue(alice, db))


def test_a_retired_document_leaves_its_batch_queues_and_counts_but_keeps_finished_work(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """If this fails, a batch keeps dealing an article that was taken out, its dashboard
    waits forever for paragraphs nobody will be sent, or finished work stops counting."""
    admin = api_as("ada", "admin")
    alice = api_as("alice")
    api_as("bob")
    documents = list(db.scalars(select(Document.id).order_by(Document.source, Document.id)))
    first, second = documents[0], documents[1]
    made = admin.client.post(
        "/api/batches",
        json={
            "name": "r1",
            "documents": [first, second],
            "annotators": ["alice", "bob"],
            "overlap": 1,
        },
        headers=admin.headers,
    ).get_json()
    alice_id = db.scalar(select(User.id).where(User.username == "alice"))
    mine = list(
        db.scalars(
            select(Assignment.paragraph_id)
            .where(Assignment.user_id == alice_id)
            .order_by(Assignment.seq)
        )
    )
    in_first = [p for p in mine if p in set(_annotatable(db, first))]
    paragraph = db.get(Paragraph, in_first[0])
    _annotate(alice, paragraph)  # finished before the retirement: stays and counts

    member = select(BatchMember).where(
        BatchMember.batch_id == made["id"], BatchMember.user_id == alice_id
    )
    assigned_before = db.scalar(member).assigned
    admin.client.post(f"/api/documents/{first}/retire", headers=admin.headers)
    queue = _queue(alice, db)
    assert queue and first not in _documents_of(db, queue)
    db.expire_all()
    row = db.scalar(member)
    assert row.assigned == assigned_before - (len(in_first) - 1)
    assert row.submitted == 1
    slots = select(BatchDocument).where(
        BatchDocument.batch_id == made["id"], BatchDocument.document_id == first
    )
    assert (db.scalar(slots).slots, db.scalar(slots).done_slots) == (1, 1)

    refused = admin.client.post(
        "/api/batches",
        json={"name": "r2", "documents": [first], "annotators": ["alice"], "overlap": 1},
        headers=admin.headers,
    )
    assert refused.status_code == 422
    assert "retired" in refused.get_json()["errors"][0]["message"]

    admin.client.post(f"/api/documents/{first}/restore", headers=admin.headers)
    db.expire_all()
    assert db.scalar(member).assigned == assigned_before
    assert db.scalar(slots).slots == len(_annotatable(db, first))
    assert first in _documents_of(db, _queue(alice, db))


def test_a_retired_documents_annotations_are_kept_and_exported(
    annotated: dict[str, Any], api_as: Callable[..., Api], db: Session
) -> None:
    """If this fails, retiring an article loses the labels already made on it."""
    admin = api_as("ada", "admin")
    reviewer: Api = annotated["reviewer"]
    document = annotated["documents"][0]

    def exported() -> list[dict[str, Any]]:
        response = reviewer.get("/api/export")
        assert response.status_code == 200
        return [orjson.loads(line) for line in response.data.splitlines() if line.strip()]

    before = exported()
    admin.client.post(f"/api/documents/{document}/retire", headers=admin.headers)
    after = exported()
    assert [r["paragraph_id"] for r in after] == [r["paragraph_id"] for r in before]
    assert any(r["document_id"] == document for r in after)


def test_annotators_no_longer_see_a_retired_document_but_admins_can_restore_it(
    annotated: dict[str, Any],
    api_as: Callable[..., Api],
    db: Session,
    client: FlaskClient,
    auth: AuthActions,
) -> None:
    """If this fails, annotators are shown an article they can no longer work on, or an
    annotator can retire documents."""
    alice: Api = annotated["alice"]
    admin = api_as("ada", "admin")
    document = annotated["documents"][0]
    assert (
        alice.client.post(f"/api/documents/{document}/retire", headers=alice.headers).status_code
        == 403
    )
    assert (
        admin.client.post(
            "/api/documents/no-such-document/retire", headers=admin.headers
        ).status_code
        == 404
    )
    admin.client.post(f"/api/documents/{document}/retire", headers=admin.headers)
    listed = {d["id"]: d for d in alice.get("/api/documents").get_json()["documents"]}
    assert document not in listed
    seen_by_admin = {d["id"]: d for d in admin.get("/api/documents").get_json()["documents"]}
    assert seen_by_admin[document]["retired"] is True
    # Opened by its address (a bookmark, an old link), a paragraph says it is retired.
    paragraph = db.scalar(select(Paragraph.id).where(Paragraph.document_id == document))
    auth.login("alice")
    page = client.get(f"/annotate/{paragraph}")
    assert page.status_code == 200 and "This document is retired" in page.get_data(as_text=True)


def test_the_cli_retires_and_restores_through_the_same_service(
    runner: FlaskCliRunner, db: Session, seeded: None
) -> None:
    """If this fails, an operator without the browser cannot take an article out or put it
    back, or is not told of a wrong id."""
    document = _first_document(db)
    result = runner.invoke(args=["retire", document])
    assert result.exit_code == 0 and "retired" in result.output
    db.expire_all()
    assert db.get(Document, document).retired_at is not None
    result = runner.invoke(args=["restore-document", document])
    assert result.exit_code == 0 and "restored" in result.output
    db.expire_all()
    assert db.get(Document, document).retired_at is None
    wrong = runner.invoke(args=["retire", "no-such-document"])
    assert wrong.exit_code != 0 and "no document" in wrong.output
    assert (
        db.scalar(
            select(func.count()).select_from(Document).where(Document.retired_at.is_not(None))
        )
        == 0
    )


def test_work_saved_on_a_retired_document_is_counted_once_it_is_restored(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """If this fails, an annotator who finishes a paragraph of a retired article (the page
    was still open) pushes their progress or the batch's past its total, or loses it."""
    from annotator.queue import progress

    admin, alice, bob = api_as("ada", "admin"), api_as("alice"), api_as("bob")
    documents = list(db.scalars(select(Document.id).order_by(Document.source, Document.id)))
    made = admin.client.post(
        "/api/batches",
        json={"name": "r1", "documents": [documents[0]], "annotators": ["alice"], "overlap": 1},
        headers=admin.headers,
    ).get_json()
    bob_user = db.scalar(select(User).where(User.username == "bob"))
    alice_id = db.scalar(select(User.id).where(User.username == "alice"))
    member = select(BatchMember).where(
        BatchMember.batch_id == made["id"], BatchMember.user_id == alice_id
    )
    first, second = _annotatable(db, documents[0])[:2]
    admin.client.post(f"/api/documents/{documents[0]}/retire", headers=admin.headers)
    db.expire_all()
    bob_before = progress(db, bob_user)
    alice_before = db.scalar(member)
    assert alice_before.assigned == 0

    _annotate(bob, db.get(Paragraph, first))
    _annotate(alice, db.get(Paragraph, second))
    db.expire_all()
    assert progress(db, bob_user) == bob_before
    assert (db.scalar(member).assigned, db.scalar(member).submitted) == (0, 0)

    admin.client.post(f"/api/documents/{documents[0]}/restore", headers=admin.headers)
    db.expire_all()
    restored = progress(db, bob_user)
    assert restored.done == bob_before.done + 1
    assert restored.total == bob_before.total + len(_annotatable(db, documents[0]))
    row = db.scalar(member)
    assert (row.assigned, row.submitted) == (len(_annotatable(db, documents[0])), 1)
