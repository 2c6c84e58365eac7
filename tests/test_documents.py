"""The documents list and the reading view, as a logged-in user sees them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from annotator.extensions import get_session
from annotator.models import Annotation, Document, Paragraph, User

from .conftest import AuthActions


def test_documents_list_shows_counts_and_my_progress(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user: Callable[..., User], seeded: None
) -> None:
    """Each seed is listed with its annotatable and boilerplate counts and my progress."""
    alice = make_user("alice")
    with app.app_context():
        session = get_session()
        doc = session.scalar(select(Document).where(Document.source == "002_4c6e6194c4324946.txt"))
        story = [p for p in doc.paragraphs if not p.is_boilerplate]
        for paragraph, status in zip(story[:3], ("submitted", "skipped", "draft"), strict=True):
            session.add(Annotation(paragraph_id=paragraph.id, annotator_id=alice.id, status=status))
        session.commit()
        doc_id = doc.id
    auth.login()
    response = client.get("/api/documents")
    rows = {row["source"]: row for row in response.get_json()["documents"]}
    assert len(rows) == 5
    row = rows["002_4c6e6194c4324946.txt"]
    assert (row["paragraphs"], row["boilerplate"], row["annotatable"]) == (18, 1, 17)
    assert row["done_by_me"] == 2  # submitted and skipped count, a draft does not
    assert row["annotated_by_anyone"] is None  # annotators see only their own progress
    html = client.get("/documents").get_data(as_text=True)
    assert "IS loses ground in Syria&#39;s Yarmouk camp" in html
    assert f'data-document-id="{doc_id}"' in html
    assert "2 / 17" in html


def test_reviewers_see_progress_of_anyone(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user: Callable[..., User], seeded: None
) -> None:
    """Reviewers see how many paragraphs anyone has submitted."""
    alice = make_user("alice")
    make_user("rita", role="reviewer")
    with app.app_context():
        session = get_session()
        paragraph = session.scalar(
            select(Paragraph).where(Paragraph.is_boilerplate.is_(False)).order_by(Paragraph.id)
        )
        session.add(
            Annotation(paragraph_id=paragraph.id, annotator_id=alice.id, status="submitted")
        )
        session.commit()
        document_id = paragraph.document_id
    auth.login("rita")
    rows = {r["id"]: r for r in client.get("/api/documents").get_json()["documents"]}
    assert rows[document_id]["annotated_by_anyone"] == 1
    assert rows[document_id]["done_by_me"] == 0
    assert "Annotated by anyone" in client.get("/documents").get_data(as_text=True)


def test_reading_view_lists_paragraphs_in_order_with_boilerplate_greyed(
    app: Flask, client: FlaskClient, auth: AuthActions, make_user: Callable[..., User], seeded: None
) -> None:
    """An article reads top to bottom, furniture marked as such."""
    make_user("alice")
    with app.app_context():
        doc = get_session().scalar(
            select(Document).where(Document.source == "000_3a518dfd6c205ffd.txt")
        )
        ids = [(p.id, p.is_boilerplate) for p in doc.paragraphs]
        doc_id = doc.id
    auth.login()
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    positions = [html.index(f'data-paragraph-id="{pid}"') for pid, _ in ids]
    assert positions == sorted(positions)
    assert html.count('class="paragraph boilerplate"') == 4
    assert "boilerplate: share buttons" in html
    assert "Published</dt><dd>2015-08-03" in html
    detail = client.get(f"/api/documents/{doc_id}").get_json()
    assert [p["index"] for p in detail["paragraphs"]] == list(range(11))
    assert detail["paragraphs"][0]["is_boilerplate"] is True


def test_unknown_document_is_404(
    client: FlaskClient, auth: AuthActions, make_user: Callable[..., User]
) -> None:
    """A wrong document id gives a 404 page, and a JSON 404 on the API."""
    make_user("alice")
    auth.login()
    assert client.get("/documents/nope").status_code == 404
    response = client.get("/api/documents/nope")
    assert response.status_code == 404 and response.is_json
