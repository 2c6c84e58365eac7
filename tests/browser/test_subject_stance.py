"""In a real browser: Shift+S on a selected quote starts a stance held by the first actor the
quote names (guidelines §2: "“Syria and the PLO are determined to fight terrorism,” said
Meqdad" is Syria's stance), with the object of the holder's verb focused as the target, in
Arabic too; and Shift with an arrow narrows the focused target at its end."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from annotator.models import Paragraph

from .test_stance_quote import _meqdad_quoted
from .test_workspace import (
    _import_article,
    _open,
    _paragraph_id,
    _save_first_draft,
    _server_annotation,
    _spans_in,
    drag_select,
)

IRAQ = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "unseen" / "iraq_sinjar_ar.txt"
FIRST_SAID = "الدولة لن تسمح بوجود أي سلاح خارج إطار المؤسسة العسكرية في سنجار"
THEN_SAID = "الحكومة ملتزمة بتطبيق اتفاق سنجار الموقع مع حكومة إقليم كردستان عام 2020"


def _iraq_quoted(page: Page, app: Flask, db: Session) -> tuple[str, str]:
    """The Sinjar paragraph (Arabic) with its actors and the spokesman's two quotes made;
    opened in the page. Returns the paragraph's id and text."""
    _import_article(app, IRAQ)
    paragraph_id = _paragraph_id(db, IRAQ.name, "من جهته")
    text = db.get(Paragraph, paragraph_id).text
    span = _spans_in(text)

    entities = [
        ("e1", "حازم العبيدي", "PERSON"),
        ("e2", "الدولة", "STATE_ACTOR"),
        ("e3", "المؤسسة العسكرية", "STATE_ACTOR"),
        ("e4", "الحكومة", "STATE_ACTOR"),
        ("e5", "حكومة إقليم كردستان", "STATE_ACTOR"),
    ]
    _open(page, paragraph_id)
    _save_first_draft(
        page,
        paragraph_id,
        [
            {"id": key, **span(words), "label": label, "actor": None}
            for key, words, label in entities
        ],
        quotes=[
            {
                "id": "q1",
                "speaker": "e1",
                "cue": span("أكد"),
                "content": span(FIRST_SAID),
                "type": "DIRECT",
            },
            {
                "id": "q2",
                "speaker": "e1",
                "cue": span("مضيفا"),
                "content": span(THEN_SAID),
                "type": "INDIRECT",
            },
        ],
    )
    _open(page, paragraph_id)
    return paragraph_id, text


def _saved_stances(page: Page, paragraph_id: str, text: str) -> list[tuple[str, str, str, Any]]:
    """The saved stances as (holder words, target words, polarity, quote)."""
    expect(page.locator("#save-state")).to_have_text("Saved (version 2)", timeout=8000)
    data = _server_annotation(page, paragraph_id)["annotation"]
    words = {e["id"]: text[e["start"] : e["end"]] for e in data["entities"]}

    def target(value: Any) -> str:
        return words[value] if isinstance(value, str) else text[value["start"] : value["end"]]

    return [
        (words[s["holder"]], target(s["target"]), s["polarity"], s["quote"])
        for s in data["stances"]
    ]


def test_shift_s_on_an_arabic_quote_takes_its_subject_and_the_object_of_its_verb(
    annotator: Page, app: Flask, db: Session
) -> None:
    """ "الدولة لن تسمح بوجود أي سلاح خارج إطار المؤسسة العسكرية في سنجار", said the spokesman:
    Shift+S holds the stance by الدولة, and what it will not allow is focused, up to the
    adjunct "في سنجار": one polarity key makes the stance, in that quote."""
    page = annotator
    paragraph_id, text = _iraq_quoted(page, app, db)
    page.locator("#quote-list button.item[data-id='q1']").click()
    page.keyboard.press("Shift+S")
    expect(page.locator("#mode-line")).to_contain_text("Stance held by “الدولة”, in q1")
    page.keyboard.press("-")
    assert _saved_stances(page, paragraph_id, text) == [
        ("الدولة", "بوجود أي سلاح خارج إطار المؤسسة العسكرية", "OPPOSE", "q1")
    ]


def test_shift_and_an_arrow_narrow_the_focused_target(
    annotator: Page, app: Flask, db: Session
) -> None:
    """The focused target "بتطبيق اتفاق سنجار الموقع" is one word too long: Shift+→ (in
    right-to-left text, back in reading order: its end, on the left, moves right) narrows it,
    and the polarity key takes the words."""
    page = annotator
    paragraph_id, text = _iraq_quoted(page, app, db)
    page.locator("#quote-list button.item[data-id='q2']").click()
    page.keyboard.press("Shift+S")
    focused = page.locator(".seg.candidate-focus")
    expect(focused).to_have_text(re.compile(r"^\s*بتطبيق اتفاق سنجار الموقع\s*$"))
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("+")
    assert _saved_stances(page, paragraph_id, text) == [
        ("الحكومة", "بتطبيق اتفاق سنجار", "SUPPORT", "q2")
    ]


def test_shift_s_holds_by_the_first_actor_named_and_s_still_by_the_speaker(
    annotator: Page, db: Session
) -> None:
    """On Meqdad's quote, Shift+S makes Syria's stance (named first in it; "terrorism" clicked
    as the target), and S Meqdad's, both expressed by the quote, with "terrorism" (the quote's
    other stance's target) focused at once."""
    page = annotator
    paragraph_id = _meqdad_quoted(page, db, [])
    text = db.get(Paragraph, paragraph_id).text
    quote_row = page.locator("#quote-list button.item[data-id='q1']")
    quote_row.click()
    page.keyboard.press("Shift+S")
    page.locator(".seg.candidate", has_text="terrorism").first.click()
    page.keyboard.press("-")
    expect(page.locator("#save-state")).to_have_text("Saved (version 2)", timeout=8000)
    quote_row.click()
    page.keyboard.press("s")
    expect(page.locator(".seg.candidate-focus")).to_have_text("terrorism")
    page.keyboard.press("-")
    expect(page.locator("#save-state")).to_have_text("Saved (version 3)", timeout=8000)
    data = _server_annotation(page, paragraph_id)["annotation"]
    words = {e["id"]: text[e["start"] : e["end"]] for e in data["entities"]}
    made = [(words[s["holder"]], words[s["target"]], s["quote"]) for s in data["stances"]]
    assert made == [("Syria", "terrorism", "q1"), ("Meqdad", "terrorism", "q1")]


def test_shift_s_on_a_quote_naming_no_actor_says_so(annotator: Page, db: Session) -> None:
    """Only "terrorism" is inside the quote and it is deleted first: nothing is started, and
    the message says to select the holder."""
    page = annotator
    _meqdad_quoted(page, db, [])
    for entity in ("Syria", "terrorism"):
        page.locator("#entity-list button.item", has_text=re.compile(f"^{entity}")).first.click()
        page.keyboard.press("Delete")
    page.locator("#quote-list button.item[data-id='q1']").click()
    page.keyboard.press("Shift+S")
    expect(page.locator("#mode-line")).to_contain_text("names no actor to hold a stance")
    expect(page.locator("#workspace")).not_to_have_attribute("data-mode", "stance-target")


def test_in_arabic_the_arrows_go_the_way_they_point(
    annotator: Page, app: Flask, db: Session
) -> None:
    """In a right-to-left paragraph ← moves the word cursor on in reading order (leftwards on
    screen) and → back, as an Arabic reader expects; Shift+← widens the selection leftwards."""
    page = annotator
    _iraq_quoted(page, app, db)
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Home")
    expect(page.locator("#mode-line")).to_contain_text("Selected “من”")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#mode-line")).to_contain_text("Selected “جهته”")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#mode-line")).to_contain_text("Selected “من”")
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.locator("#mode-line")).to_contain_text("Selected “من جهته”")


def test_a_target_that_takes_in_its_holder_is_refused_with_the_reason(
    annotator: Page, app: Flask, db: Session
) -> None:
    """Words selected over the holder itself ("الدولة لن تسمح") are no target of الدولة's
    stance: the polarity key says why and makes nothing; the step stays for other words."""
    page = annotator
    paragraph_id, text = _iraq_quoted(page, app, db)
    page.locator("#quote-list button.item[data-id='q1']").click()
    page.keyboard.press("Shift+S")
    drag_select(page, "الدولة لن تسمح")
    page.keyboard.press("-")
    expect(page.locator("#mode-line")).to_contain_text("The target takes in the holder “الدولة”")
    expect(page.locator("#workspace")).to_have_attribute("data-mode", "stance-target")
    assert _server_annotation(page, paragraph_id)["annotation"]["stances"] == []


def test_the_mouse_alone_makes_a_subject_stance(annotator: Page, app: Flask, db: Session) -> None:
    """The quote's row, the "Subject's stance" button, then a polarity button (shown only
    while a stance is made): the focused object is taken, no key pressed."""
    page = annotator
    paragraph_id, text = _iraq_quoted(page, app, db)
    polarities = page.locator("#polarity-buttons")
    expect(polarities).to_be_hidden()
    page.locator("#quote-list button.item[data-id='q1']").click()
    page.locator("#stance-subject-button").click()
    expect(polarities).to_be_visible()
    polarities.locator("button[data-polarity='OPPOSE']").click()
    expect(polarities).to_be_hidden()
    assert _saved_stances(page, paragraph_id, text) == [
        ("الدولة", "بوجود أي سلاح خارج إطار المؤسسة العسكرية", "OPPOSE", "q1")
    ]


MALI = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "unseen" / "sahel_mali.txt"


def test_a_quotation_going_on_after_a_quote_takes_its_speaker_and_cue(
    annotator: Page, app: Flask, db: Session
) -> None:
    """“The situation in Boni is very tense …,” a security source told AFP on condition of
    anonymity. “No supplies have reached the town for three weeks.”: the second quotation has
    no verb of its own, so Q proposes the first one's speaker and cue, and Enter takes both."""
    _import_article(app, MALI)
    page = annotator
    paragraph_id = _paragraph_id(db, MALI.name, "“The situation in Boni")
    text = db.get(Paragraph, paragraph_id).text
    span = _spans_in(text)

    _open(page, paragraph_id)
    _save_first_draft(
        page,
        paragraph_id,
        [{"id": "e1", **span("security source"), "label": "PERSON", "actor": None}],
    )
    _open(page, paragraph_id)
    # The first quote made in the page: its cue suggestion "told AFP" is taken, so no longer open.
    drag_select(
        page, "The situation in Boni is very tense. The jihadists have mined the access roads"
    )
    page.keyboard.press("q")
    page.keyboard.press("Enter")
    expect(page.locator("#save-state")).to_have_text("Saved (version 2)", timeout=8000)
    drag_select(page, "No supplies have reached the town for three weeks")
    page.keyboard.press("q")
    page.keyboard.press("Enter")
    expect(page.locator("#save-state")).to_have_text("Saved (version 3)", timeout=8000)
    quotes = _server_annotation(page, paragraph_id)["annotation"]["quotes"]
    second = quotes[1]
    assert second["speaker"] == "e1"
    assert text[second["cue"]["start"] : second["cue"]["end"]] == "told AFP"


HAITI = (
    Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "heldout2" / "haiti_kenscoff.txt"
)


def test_he_said_takes_the_last_speaker_not_the_nearest_name(
    annotator: Page, app: Flask, db: Session
) -> None:
    """“We are not the enemy of the people …,” he said: "he" is Ronald Saintil, who spoke last,
    not "Ti Lapli", the name nearest the cue (his nickname, set off before his first words)."""
    _import_article(app, HAITI)
    page = annotator
    paragraph_id = _paragraph_id(db, HAITI.name, "In a video")
    text = db.get(Paragraph, paragraph_id).text
    span = _spans_in(text)

    said_first = "the coalition was ready to lay down its weapons"
    _open(page, paragraph_id)
    _save_first_draft(
        page,
        paragraph_id,
        [
            {"id": "e1", **span("Ronald Saintil"), "label": "PERSON", "actor": None},
            {"id": "e2", **span("Ti Lapli"), "label": "PERSON", "actor": None},
        ],
        quotes=[
            {
                "id": "q1",
                "speaker": "e1",
                "cue": span("said"),
                "content": span(said_first),
                "type": "INDIRECT",
            }
        ],
    )
    _open(page, paragraph_id)
    drag_select(page, "We are not the enemy of the people")
    page.keyboard.press("q")
    page.keyboard.press("Enter")
    expect(page.locator("#save-state")).to_have_text("Saved (version 2)", timeout=8000)
    second = _server_annotation(page, paragraph_id)["annotation"]["quotes"][1]
    assert second["speaker"] == "e1"


def test_shift_s_again_gives_the_next_actor_named_the_same_target_focused(
    annotator: Page, db: Session
) -> None:
    """Guidelines §2: "Syria and the PLO are determined to fight terrorism" is Syria's stance
    and the PLO's. With Syria's made, Shift+S on the quote again holds the stance by the PLO
    with "terrorism" (Syria's target) focused: one polarity key makes the second stance."""
    page = annotator
    syria = {"id": "s1", "holder": "e4", "target": "e1", "polarity": "OPPOSE", "quote": "q1"}
    paragraph_id = _meqdad_quoted(page, db, [syria], more=[("e5", "PLO", "ORGANIZATION")])
    text = db.get(Paragraph, paragraph_id).text
    page.locator("#quote-list button.item[data-id='q1']").click()
    page.keyboard.press("Shift+S")
    expect(page.locator("#mode-line")).to_contain_text("Stance held by “PLO”, in q1")
    expect(page.locator(".seg.candidate-focus")).to_have_text("terrorism")
    page.keyboard.press("-")
    assert _saved_stances(page, paragraph_id, text) == [
        ("Syria", "terrorism", "OPPOSE", "q1"),
        ("PLO", "terrorism", "OPPOSE", "q1"),
    ]


def test_arabic_words_in_panel_rows_are_isolated(annotator: Page, app: Flask, db: Session) -> None:
    """A quote row reads "q1: “حازم العبيدي” · أكد · “…” · DIRECT": the speaker, the cue and
    the content each stand in their own <bdi>, so the row keeps its order left to right."""
    page = annotator
    _iraq_quoted(page, app, db)
    row = page.locator("#quote-list button.item[data-id='q1']")
    expect(row).to_contain_text("q1: “حازم العبيدي” · أكد · “الدولة")
    isolated = row.locator("bdi")
    expect(isolated.nth(0)).to_have_text("حازم العبيدي")
    expect(isolated.nth(1)).to_have_text("أكد")
    expect(isolated.nth(2)).to_contain_text("الدولة لن تسمح")
