"""In a real browser: a stance's quote is asked for only when a quote is said by its holder
or names it (guidelines §2), with that quote focused; Q on a selected stance asks again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from annotator.models import Paragraph

from .test_workspace import (
    MEQDAD,
    _open,
    _paragraph_id,
    _save_first_draft,
    _server_annotation,
    _spans_in,
)

CONTENT = (
    "Syria and the PLO are determined to fight terrorism, which has reached Palestinian "
    "camps in Syria, notably Yarmouk"
)


def _meqdad_quoted(
    page: Page,
    db: Session,
    stances: list[dict[str, Any]],
    more: Sequence[tuple[str, str, str]] = (),
) -> str:
    """Seed 001's Meqdad paragraph with his quote q1 made, "SANA" (named outside the quote),
    "Syria" (named inside it), ``more`` entities (id, words, label) and ``stances``; opened in
    the page. Returns the paragraph's id."""
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    text = db.get(Paragraph, paragraph_id).text
    span = _spans_in(text)
    named = [
        ("e1", "terrorism", "ARMED_GROUP"),
        ("e2", "Meqdad", "PERSON"),
        ("e3", "Syrian Arab News Agency", "MEDIA"),
        ("e4", "Syria", "STATE_ACTOR"),
        *more,
    ]

    _open(page, paragraph_id)
    _save_first_draft(
        page,
        paragraph_id,
        [{"id": key, **span(words), "label": label, "actor": None} for key, words, label in named],
        quotes=[
            {
                "id": "q1",
                "speaker": "e2",
                "cue": span("said"),
                "content": span(CONTENT),
                "type": "DIRECT",
            }
        ],
        stances=stances,
    )
    _open(page, paragraph_id)
    return paragraph_id


def _stance_on_terrorism(page: Page, holder: str, polarity: str) -> None:
    """Select ``holder`` in the panel, S, click "terrorism" as the target, the polarity key."""
    page.locator("#entity-list button.item", has_text=holder).click()
    page.keyboard.press("s")
    page.locator(".seg.candidate", has_text="terrorism").first.click()
    page.keyboard.press(polarity)


def _saved_stances(page: Page, paragraph_id: str) -> list[dict[str, Any]]:
    """The stances the server has, once the page has saved its change (version 2)."""
    expect(page.locator("#save-state")).to_have_text("Saved (version 2)", timeout=8000)
    return _server_annotation(page, paragraph_id)["annotation"]["stances"]


def test_a_stance_whose_holder_no_quote_relates_to_is_made_without_the_quote_step(
    annotator: Page, db: Session
) -> None:
    """SANA neither said Meqdad's quote nor is named in it: the polarity key makes the stance,
    with no quote, and the message line says Q links one."""
    page = annotator
    paragraph_id = _meqdad_quoted(page, db, [])
    _stance_on_terrorism(page, "Syrian Arab News Agency", "-")
    expect(page.locator("#workspace")).to_have_attribute("data-mode", "")
    expect(page.locator("#mode-line")).to_contain_text("with no quote")
    expect(page.locator("#mode-line")).to_contain_text("Q links one")
    expect(page.locator("#stance-list")).to_contain_text("“Syrian Arab News Agency” OPPOSE")
    expect(page.locator("#stance-list")).not_to_contain_text("(in q1)")
    (stance,) = _saved_stances(page, paragraph_id)
    assert stance["holder"] == "e3" and stance["quote"] is None


def test_a_stance_held_by_the_speaker_asks_for_the_quote_with_it_focused(
    annotator: Page, db: Session
) -> None:
    """Meqdad said q1: after the polarity key his quote is asked for, focused, and Enter links it."""
    page = annotator
    paragraph_id = _meqdad_quoted(page, db, [])
    _stance_on_terrorism(page, "Meqdad", "-")
    expect(page.locator("#workspace")).to_have_attribute("data-mode", "stance-quote")
    expect(page.locator("#paragraph-text .seg.candidate-focus").first).to_be_visible()
    focused = page.locator("#paragraph-text .seg.candidate-focus").all_text_contents()
    assert "".join(focused) == CONTENT
    page.keyboard.press("Enter")
    expect(page.locator("#stance-list")).to_contain_text("“Meqdad” OPPOSE “terrorism” (in q1)")
    (stance,) = _saved_stances(page, paragraph_id)
    assert stance["holder"] == "e2" and stance["quote"] == "q1"


def test_q_on_a_selected_stance_asks_for_its_quote_again(annotator: Page, db: Session) -> None:
    """A stance left without its quote: a click on its row, Q, and Enter on the focused quote
    (the one its holder said) link them; N answers none."""
    page = annotator
    stance = {"id": "s1", "holder": "e2", "target": "e1", "polarity": "OPPOSE", "quote": None}
    paragraph_id = _meqdad_quoted(page, db, [stance])
    page.locator("#stance-list button.item[data-id='s1']").click()
    page.keyboard.press("q")
    expect(page.locator("#workspace")).to_have_attribute("data-mode", "stance-quote")
    expect(page.locator("#mode-line")).to_contain_text("quote that expresses it")
    focused = page.locator("#paragraph-text .seg.candidate-focus").all_text_contents()
    assert "".join(focused) == CONTENT
    page.keyboard.press("Enter")
    expect(page.locator("#stance-list")).to_contain_text("(in q1)")
    expect(page.locator("#quote-list .layer-item")).to_have_count(1)  # Q made no new quote
    (saved,) = _saved_stances(page, paragraph_id)
    assert saved["quote"] == "q1"
    # Still selected: Q asks again, and N takes the quote away.
    page.keyboard.press("q")
    page.keyboard.press("n")
    expect(page.locator("#stance-list")).not_to_contain_text("(in q1)")
    expect(page.locator("#save-state")).to_have_text("Saved (version 3)", timeout=8000)
    assert _server_annotation(page, paragraph_id)["annotation"]["stances"][0]["quote"] is None


def test_a_stance_whose_holder_the_quote_names_is_linked_to_it_at_once(
    annotator: Page, db: Session
) -> None:
    """“Syria and the PLO are determined to fight terrorism …,” said Meqdad: a stance held by
    "Syria", named inside q1 and in no other quote, is linked to q1 without a step (guidelines
    §2), and the line says so."""
    page = annotator
    paragraph_id = _meqdad_quoted(page, db, [])
    page.locator("#entity-list button.item", has_text="Syria").first.click()
    page.keyboard.press("s")
    page.locator(".seg.candidate", has_text="terrorism").first.click()
    page.keyboard.press("-")
    expect(page.locator("#mode-line")).to_contain_text("in q1, the quote that names its holder")
    expect(page.locator("#workspace")).not_to_have_attribute("data-mode", "stance-quote")
    (stance,) = _saved_stances(page, paragraph_id)
    assert stance["holder"] == "e4" and stance["quote"] == "q1"
