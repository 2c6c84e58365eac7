"""In a real browser: W selects the next unlabelled name in reading order, so that an entity
takes two keys (W, then the label's key), also in Arabic, which has no capitals, and for a
name with a lowercase head noun ("Palestinian factions"); B from nowhere goes round to the
last name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from .test_workspace import _import_article, _open, _paragraph_id, _server_annotation

ARABIC = (
    Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "unseen" / "gaza_jabalia_ar.txt"
)


def _saved_entities(page: Page, paragraph_id: str) -> dict[str, str]:
    """The saved entities as {words: label}."""
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    data = _server_annotation(page, paragraph_id)
    text = data["text"]
    return {text[e["start"] : e["end"]]: e["label"] for e in data["annotation"]["entities"]}


def test_arabic_names_are_labelled_in_two_keys_each(
    annotator: Page, app: Flask, db: Session
) -> None:
    """قال المتحدث باسم وزارة الصحة أشرف القدرة …: W selects the ministry after the title, then
    the spokesman's name, then the camp, each whole; a label key labels it."""
    _import_article(app, ARABIC)
    page = annotator
    paragraph_id = _paragraph_id(db, ARABIC.name, "قال المتحدث")
    _open(page, paragraph_id)
    # B with no cursor goes round to the last name in reading order (leftmost on screen).
    page.keyboard.press("b")
    expect(page.locator("#mode-line")).to_contain_text("مخيم جباليا")
    page.keyboard.press("Escape")
    for words, key in (("وزارة الصحة", "3"), ("أشرف القدرة", "1"), ("مخيم جباليا", "6")):
        page.keyboard.press("w")
        expect(page.locator("#mode-line")).to_contain_text(f"“{words}”")
        page.keyboard.press(key)
    assert _saved_entities(page, paragraph_id) == {
        "وزارة الصحة": "STATE_ACTOR",
        "أشرف القدرة": "PERSON",
        "مخيم جباليا": "LOCATION",
    }


def test_a_name_with_a_lowercase_head_noun_is_one_w_stop(annotator: Page, db: Session) -> None:
    """“… between Palestinian factions and IS”: W selects "Palestinian factions", not
    "Palestinian" alone."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", '"There are intermittent')
    _open(page, paragraph_id)
    page.keyboard.press("w")
    expect(page.locator("#mode-line")).to_contain_text("“Palestinian factions”")
    page.keyboard.press("2")
    assert _saved_entities(page, paragraph_id).get("Palestinian factions") == "ARMED_GROUP"


def test_after_words_labelled_by_hand_enter_takes_the_next_suggestion(
    annotator: Page, db: Session
) -> None:
    """Labelling words by hand moves the focus on to the next suggestion in reading order, as
    accepting one does: “… between Palestinian factions and IS”, W 2 labels the factions,
    then Enter alone accepts the suggested "IS" after them."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", '"There are intermittent')
    _open(page, paragraph_id)
    page.keyboard.press("w")
    expect(page.locator("#mode-line")).to_contain_text("“Palestinian factions”")
    page.keyboard.press("2")
    expect(page.locator("#suggestion-list li.suggestion.is-focused")).to_contain_text("IS")
    page.keyboard.press("Enter")
    saved = _saved_entities(page, paragraph_id)
    assert saved.get("Palestinian factions") == "ARMED_GROUP"
    assert saved.get("IS") == "ARMED_GROUP"


def test_an_admins_title_reaches_w(
    annotator: Page, app: Flask, db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title an admin adds (ANNOTATOR_TITLE_LEXICON) is read by W as by the suggestion
    rules: "Ombudsman Carlos Camargo" selects the name without the title."""
    from annotator.suggestions import lexicon

    titles = tmp_path / "titles.txt"
    titles.write_text("Ombudsman\n", encoding="utf-8")
    monkeypatch.setenv(lexicon.TITLE_SETTING, str(titles))
    article = tmp_path / "cauca_ombudsman.txt"
    article.write_text(
        "Displacement in Cauca\n\nAndean Desk\n\n"
        "Ombudsman Carlos Camargo told reporters that 600 people had fled Argelia.\n",
        encoding="utf-8",
    )
    _import_article(app, article)
    page = annotator
    _open(page, _paragraph_id(db, article.name, "Ombudsman Carlos"))
    page.keyboard.press("w")
    expect(page.locator("#mode-line")).to_contain_text("“Carlos Camargo”")
