"""In a real browser: the page applies the server's rules as the server sends them (limits
with the labels) and matches aliases as the server does (case-folded, so "Straße" is "STRASSE")."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, Route, expect
from sqlalchemy.orm import Session

from annotator.models import Document

from .test_workspace import MEQDAD, _open, _paragraph_id, _server_annotation, drag_select


def test_limits_sent_with_the_labels_stop_a_submit_the_server_would_refuse(
    annotator: Page, db: Session
) -> None:
    """With the server's limits in GET /api/labels, going over one shows why, and stays put."""
    page = annotator

    def with_limits(route: Route) -> None:
        response = route.fetch()
        labels = response.json()
        labels["limits"] = {
            "entities": 2,
            "stances": 2000,
            "quotes": 2000,
            "suggestions": 5000,
            "comment": 10,
        }
        route.fulfill(response=response, json=labels)

    page.route("**/api/labels", with_limits)
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    _open(page, paragraph_id)
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Home")
    page.keyboard.press("3")
    drag_select(page, "terrorism")
    page.keyboard.press("2")
    drag_select(page, "eqda")
    page.keyboard.press("1")
    expect(page.locator("#entity-list .layer-item")).to_have_count(3)
    page.locator("#comment").fill("Eleven 😀😀😀!")  # 11 characters, 14 UTF-16 units
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Control+Enter")
    errors = page.locator("#errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("entities: at most 2 entities (this annotation has 3)")
    expect(errors).to_contain_text("comment: at most 10 characters (this comment has 11)")
    expect(page).to_have_url(re.compile(re.escape(paragraph_id)))
    page.wait_for_timeout(500)
    assert _server_annotation(page, paragraph_id)["annotation"]["status"] != "submitted"


@pytest.fixture
def strasse_paragraph(app: Flask, tmp_path) -> str:
    """A paragraph naming "Straße Brigade", and an actor registered as "Strasse Brigade"."""
    from annotator.extensions import get_session
    from annotator.ingest import import_paths
    from annotator.registry import create_actor

    path = tmp_path / "strasse.jsonl"
    path.write_text(
        '{"id": "strasse-doc", "title": "Alias test", '
        '"paragraphs": ["Yesterday the Straße Brigade shelled the camp."]}\n',
        encoding="utf-8",
    )
    with app.app_context():
        session = get_session()
        assert not import_paths(session, [path]).rejected
        create_actor(session, "Strasse Brigade", "REBEL_GROUP", [])
        session.commit()
        return session.get(Document, "strasse-doc").paragraphs[0].id


def test_a_span_spelt_with_sharp_s_is_linked_to_the_actor_spelt_with_ss(
    annotator: Page, strasse_paragraph: str
) -> None:
    """A span spelt "Straße Brigade" meets the alias "Strasse Brigade", as the server folds case."""
    page = annotator
    _open(page, strasse_paragraph)
    drag_select(page, "Straße Brigade")
    page.keyboard.press("2")
    expect(page.locator("#actor-current")).to_have_text(
        "Linked to Strasse Brigade (suggested from its aliases)"
    )
    expect(page.locator("#propose-alias")).to_be_hidden()
    expect(page.locator("#save-state")).to_have_text(re.compile(r"Saved"), timeout=8000)
    entity = _server_annotation(page, strasse_paragraph)["annotation"]["entities"][0]
    assert entity["actor"] == "strasse-brigade"
