"""In a real browser: a quote by keyboard alone in a few keys (Tab to the reporting verb, Q,
Enter), the person proposed as speaker before a nearer organisation, Shift+Enter taking the
speaker without a wrong cue, and a suggestion relabelled by hand recorded as rejected."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from .test_workspace import _open, _paragraph_id, _put_from_page, _server_annotation, drag_select

SOURCE = "002_4c6e6194c4324946.txt"
MAJID = '"There are intermittent'
SAMER = "IS fighters have retreated"
MEQDAD = "“Syria and the PLO are determined to fight terrorism"


def _entities(text: str, *spans: tuple[str, str]) -> list[dict[str, Any]]:
    """Entities e1, e2, … on the first occurrence of each (words, label)."""
    found = []
    for number, (words, label) in enumerate(spans, start=1):
        start = text.index(words)
        end = start + len(words)
        found.append(
            {"id": f"e{number}", "start": start, "end": end, "label": label, "actor": None}
        )
    return found


def _prepare(page: Page, db: Session, startswith: str, *spans: tuple[str, str]) -> str:
    """Open the paragraph with ``spans`` already saved as its entities (not the keys tested)."""
    paragraph_id = _paragraph_id(db, SOURCE, startswith)
    _open(page, paragraph_id)
    text = _server_annotation(page, paragraph_id)["text"]
    body = {
        "version": 0,
        "status": "draft",
        "comment": "",
        "entities": _entities(text, *spans),
        "quotes": [],
        "stances": [],
    }
    _put_from_page(page, paragraph_id, body)
    _open(page, paragraph_id)
    return paragraph_id


def _focused_suggestion(page: Page) -> str:
    focused = page.locator("#suggestion-list li.suggestion.is-focused .suggestion-text")
    return focused.inner_text() if focused.count() else ""


def _tab_to_cue(page: Page, cue: str, most: int) -> int:
    """Tab through the open suggestions until the reporting verb ``cue`` is focused; the presses."""
    presses = 0
    while not _focused_suggestion(page).startswith(f"{cue} · reporting verb"):
        assert presses < most, f"Tab never reached the cue {cue!r}"
        page.keyboard.press("Tab")
        presses += 1
    return presses


def _saved_quote(page: Page, paragraph_id: str) -> tuple[str, str | None, str | None]:
    """The one saved quote as (content, cue, speaker) words."""
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    data = _server_annotation(page, paragraph_id)
    text = data["text"]
    spans = {e["id"]: text[e["start"] : e["end"]] for e in data["annotation"]["entities"]}
    (quote,) = data["annotation"]["quotes"]
    cue = quote["cue"]
    return (
        text[quote["content"]["start"] : quote["content"]["end"]],
        text[cue["start"] : cue["end"]] if cue else None,
        spans.get(quote["speaker"]),
    )


def test_a_quote_by_keyboard_alone_in_at_most_six_keys(annotator: Page, db: Session) -> None:
    """Tab to the suggested "said", Q (nothing selected: what was said next to it is the
    content), Enter (the proposed speaker and cue): the quote as the guidelines have it."""
    page = annotator
    paragraph_id = _prepare(
        page,
        db,
        MAJID,
        ("Khaled Abdel Majid", "PERSON"),
        ("Palestinian Popular Struggle Front", "ARMED_GROUP"),
    )
    page.locator("#paragraph-text").focus()
    presses = _tab_to_cue(page, "said", most=4)
    page.keyboard.press("q")
    expect(page.locator(".seg.candidate-focus")).to_have_text("Khaled Abdel Majid")
    page.keyboard.press("Enter")
    presses += 2
    assert presses <= 6
    assert _saved_quote(page, paragraph_id) == (
        "There are intermittent but ongoing clashes between Palestinian factions and IS",
        "said",
        "Khaled Abdel Majid",
    )
    expect(page.locator("#quote-list")).to_contain_text("· DIRECT")


def test_the_person_is_proposed_as_speaker_before_a_nearer_organisation(
    annotator: Page, db: Session
) -> None:
    """In "…, said Khaled Abdel Majid, head of the Front, adding that IS had withdrawn…" the
    cue "adding" is nearest the Front, but the person speaks."""
    page = annotator
    paragraph_id = _prepare(
        page,
        db,
        MAJID,
        ("Khaled Abdel Majid", "PERSON"),
        ("Palestinian Popular Struggle Front", "ORGANIZATION"),
    )
    drag_select(page, "IS had withdrawn from most of the neighbourhoods it previously controlled")
    page.keyboard.press("q")
    expect(page.locator(".seg.candidate-focus")).to_have_text("Khaled Abdel Majid")
    expect(page.locator(".seg.proposed")).to_have_text("adding")
    page.keyboard.press("Enter")
    assert _saved_quote(page, paragraph_id) == (
        "IS had withdrawn from most of the neighbourhoods it previously controlled",
        "adding",
        "Khaled Abdel Majid",
    )


def test_shift_enter_takes_the_speaker_without_the_proposed_cue(
    annotator: Page, db: Session
) -> None:
    """The suggested cue is the guidelines' "told AFP" (the addressee in it): Shift+Enter
    takes the proposed speaker alone and leaves the proposed cue selected; Enter takes it."""
    page = annotator
    paragraph_id = _prepare(page, db, SAMER, ("Samer", "PERSON"), ("AFP", "MEDIA"))
    page.locator("#paragraph-text").focus()
    presses = _tab_to_cue(page, "told AFP", most=3)
    page.keyboard.press("q")
    expect(page.locator(".seg.candidate-focus")).to_have_text("Samer")
    assert "".join(page.locator(".seg.proposed").all_text_contents()) == "told AFP"
    page.keyboard.press("Shift+Enter")
    expect(page.locator("#mode-line")).to_contain_text("reporting verb")
    page.keyboard.press("Enter")
    presses += 3
    assert presses <= 6
    assert _saved_quote(page, paragraph_id) == (
        "IS fighters have retreated from much of the territory they seized in the camp in "
        "southern Damascus after entering it on 1 April",
        "told AFP",
        "Samer",
    )


def test_a_suggestion_labelled_otherwise_by_hand_is_recorded_as_rejected(
    annotator: Page, db: Session
) -> None:
    """A suggested span labelled with another label is a rejection of the suggestion, and
    with the same label an acceptance: the server's decisions say so (not silence)."""
    page = annotator
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    _open(page, paragraph_id)
    data = _server_annotation(page, paragraph_id)
    text = data["text"]
    keys = {"PERSON": "1", "ARMED_GROUP": "2", "STATE_ACTOR": "3", "ORGANIZATION": "4"}
    suggested = {}
    for suggestion in data["suggestions"]["entities"]:
        words = text[suggestion["start"] : suggestion["end"]]
        if text.count(words) == 1 and words not in suggested:
            suggested[words] = suggestion
    assert len(suggested) >= 2, suggested
    (relabelled, other), (kept, same) = list(suggested.items())[:2]
    wrong = next(label for label in keys if label != other["label"])
    drag_select(page, relabelled)
    page.keyboard.press(keys[wrong])
    drag_select(page, kept)
    page.keyboard.press(keys.get(same["label"], "1"))
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    decisions = {
        d["id"]: d["decision"]
        for d in _server_annotation(page, paragraph_id)["annotation"]["suggestions"]
    }
    assert decisions[other["id"]] == "rejected"
    if same["label"] in keys:
        assert decisions[same["id"]] == "accepted"
