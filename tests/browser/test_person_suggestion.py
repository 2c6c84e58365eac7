"""In a real browser: a person named after a title is offered, and one key (Enter, once the
suggestion has the focus) makes it a PERSON, recorded as an accepted title-rule suggestion."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from annotator.extensions import get_session
from annotator.ingest import import_paths
from annotator.suggestions.kinds import kind_of

TEXT = "Foreign Minister Faisal Meqdad arrived on Monday."


def test_a_person_suggestion_is_accepted_with_one_key(
    annotator: Page, app: Flask, tmp_path: Path
) -> None:
    """Tab to the suggested name, Enter: "Faisal Meqdad" is a PERSON from a suggestion."""
    path = tmp_path / "minister.jsonl"
    path.write_text(json.dumps({"id": "minister", "title": "Minister", "text": TEXT}) + "\n")
    with app.app_context():
        assert not import_paths(get_session(), [path]).rejected
    page = annotator
    page.goto("/annotate/minister-p0")
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")
    expect(page.locator("#suggestion-list .suggestion")).to_contain_text(["Faisal Meqdad"])
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#suggestion-list .suggestion.is-focused")).to_contain_text("Faisal Meqdad")
    page.keyboard.press("Enter")
    expect(page.locator("#save-state")).to_have_text("Saved (version 1)", timeout=8000)
    saved = page.evaluate(
        "async () => (await (await fetch('/api/paragraphs/minister-p0')).json()).annotation"
    )
    start = TEXT.index("Faisal Meqdad")
    assert [
        (e["start"], e["end"], e["label"], e["from_suggestion"]) for e in saved["entities"]
    ] == [(start, start + len("Faisal Meqdad"), "PERSON", True)]
    assert [(kind_of(d["id"]), d["decision"]) for d in saved["suggestions"]] == [
        ("title", "accepted")
    ]
