"""In a real browser: a reviewer sees two annotators' work side by side with the differences
marked, takes items into gold by key and by click, and submits it; a stale gold is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from annotator.models import Paragraph

from ..conftest import TEST_PASSWORD
from .test_workspace import MEQDAD, _paragraph_id


def _span(text: str, fragment: str) -> dict[str, int]:
    """Code-point offsets of the first ``fragment`` (Python indexes are code points)."""
    start = text.index(fragment)
    return {"start": start, "end": start + len(fragment)}


def _entity(text: str, id_: str, fragment: str, label: str, actor: str | None = None) -> dict:
    return {"id": id_, **_span(text, fragment), "label": label, "actor": actor}


@pytest.fixture
def adjudication(
    page: Page,
    login: Callable[[str, str], None],
    api_as: Callable[..., Any],
    make_user: Callable[..., object],
    seeded: None,
    db: Session,
) -> dict[str, Any]:
    """Alice and Bob submitted seed 001's Meqdad paragraph differently; Rita (a reviewer) is
    logged in. Both made "Meqdad" and the stance alike; only Alice linked "Syria" to the
    Syrian government; Alice calls the quote direct, Bob indirect; only Bob labelled "PLO"."""
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    text = db.get(Paragraph, paragraph_id).text
    said = "Syria and the PLO are determined to fight terrorism, which has reached Palestinian camps in Syria, notably Yarmouk"

    def body(syria_actor: str | None, quote_type: str, extra: list[dict]) -> dict:
        return {
            "version": 0,
            "status": "submitted",
            "entities": [
                _entity(text, "e1", "Meqdad", "PERSON"),
                _entity(text, "e2", "Syria", "STATE_ACTOR", syria_actor),
                *extra,
            ],
            "quotes": [
                {
                    "id": "q1",
                    "speaker": "e1",
                    "cue": _span(text, "said"),
                    "content": _span(text, said),
                    "type": quote_type,
                }
            ],
            "stances": [
                {
                    "id": "s1",
                    "holder": "e2",
                    "target": _span(text, "terrorism"),
                    "polarity": "OPPOSE",
                    "quote": None,
                }
            ],
        }

    for name, answer in (
        ("alice", body("syrian-government", "DIRECT", [])),
        ("bob", body(None, "INDIRECT", [_entity(text, "e3", "PLO", "ARMED_GROUP", "plo")])),
    ):
        response = api_as(name).put(f"/api/paragraphs/{paragraph_id}/annotation", answer)
        assert response.status_code == 200, response.get_json()
    make_user("rita", role="reviewer")
    login("rita", TEST_PASSWORD)
    return {"id": paragraph_id, "text": text}


def _open(page: Page, paragraph_id: str) -> None:
    page.goto(f"/adjudicate/{paragraph_id}")
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")


def _server(page: Page, paragraph_id: str) -> dict[str, Any]:
    """The adjudication answer, fetched from inside the logged-in page."""
    return page.evaluate(
        "async (id) => (await (await fetch(`/api/paragraphs/${id}/adjudication`)).json())",
        paragraph_id,
    )


def _row(page: Page, annotator: str, kind: str, has_text: str):
    return page.locator(
        f'#annotators-panel .adj-item[data-annotator="{annotator}"][data-kind="{kind}"]',
        has_text=has_text,
    )


def test_differences_are_marked_items_are_taken_by_key_and_click_and_gold_is_saved(
    page: Page, adjudication: dict[str, Any]
) -> None:
    """Both annotators' items side by side, agreed and different told apart in words; one
    item taken with T, one with a click (bringing its speaker); the gold has their sources."""
    paragraph_id, text = adjudication["id"], adjudication["text"]
    _open(page, paragraph_id)
    expect(page.locator(".annotator-block")).to_have_count(2)
    syria = _row(page, "alice", "entity", "Syria · State actor → Syrian government")
    expect(syria).to_have_class(re.compile(r"\bis-different\b"))
    expect(syria.locator(".marker")).to_have_text("≠ only alice")
    meqdad = _row(page, "bob", "entity", "Meqdad · Person")
    expect(meqdad).to_have_class(re.compile(r"\bis-agreed\b"))
    expect(meqdad.locator(".marker")).to_have_text("= agreed")
    expect(_row(page, "bob", "entity", "PLO")).to_contain_text("≠ only bob")
    expect(_row(page, "alice", "quote", "DIRECT")).to_contain_text("≠ only alice")
    expect(_row(page, "alice", "stance", "OPPOSE")).to_contain_text("= agreed")
    # The differing spans are outlined in each annotator's copy of the text too.
    expect(
        page.locator('.annotator-block[data-annotator="bob"] .seg.differs', has_text="PLO")
    ).to_have_count(1)

    # By keyboard: alice's first item in reading order is "Syria" (the quote opens with it).
    page.locator("#paragraph-text").focus()
    page.keyboard.press("ArrowDown")
    expect(syria).to_have_class(re.compile(r"\bis-focused\b"))
    page.keyboard.press("t")
    expect(page.locator("#entity-list")).to_contain_text("Syria · State actor → Syrian government")
    expect(syria).to_contain_text("in gold")
    expect(syria.get_by_role("button", name="Take")).to_be_disabled()

    # By click: bob's indirect quote, which brings its speaker "Meqdad" along.
    _row(page, "bob", "quote", "INDIRECT").get_by_role("button", name="Take").click()
    expect(page.locator("#quote-list")).to_contain_text("“Meqdad” · said")
    expect(page.locator("#quote-list")).to_contain_text("INDIRECT")
    expect(page.locator("#entity-list .layer-item")).to_have_count(2)
    expect(meqdad).to_contain_text("in gold")
    # Nothing is saved before the submit.
    assert _server(page, paragraph_id)["gold"]["version"] == 0

    page.locator("#paragraph-text").focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#save-state")).to_have_text("Gold saved (version 1)")
    expect(page.locator("#gold-done")).to_be_visible()
    expect(page.locator("#agreement-link")).to_have_attribute("href", re.compile(r"^/agreement"))

    gold = _server(page, paragraph_id)["gold"]
    assert gold["version"] == 1
    by_text = {text[e["start"] : e["end"]]: e for e in gold["entities"]}
    assert set(by_text) == {"Syria", "Meqdad"}
    assert by_text["Syria"]["actor"] == "syrian-government"
    (quote,) = gold["quotes"]
    assert quote["type"] == "INDIRECT" and quote["speaker"] == by_text["Meqdad"]["id"]
    assert text[quote["cue"]["start"] : quote["cue"]["end"]] == "said"
    assert gold["stances"] == []
    assert gold["sources"] == {
        by_text["Syria"]["id"]: ["alice"],
        by_text["Meqdad"]["id"]: ["alice", "bob"],
        quote["id"]: ["bob"],
    }

    # Reopened, the gold is there and its items show as taken.
    _open(page, paragraph_id)
    expect(page.locator("#save-state")).to_have_text("Gold version 1")
    expect(_row(page, "bob", "quote", "INDIRECT")).to_contain_text("in gold")
    expect(_row(page, "alice", "quote", "DIRECT")).not_to_contain_text("in gold")


@pytest.mark.expected_console_errors("status of 409")
def test_take_all_agreed_then_a_gold_changed_in_another_tab_is_a_conflict(
    page: Page, adjudication: dict[str, Any]
) -> None:
    """Shift+T takes what everyone agreed on; a submit over a gold saved meanwhile in another
    tab is refused with a banner, and the other tab's gold stays."""
    paragraph_id, text = adjudication["id"], adjudication["text"]
    _open(page, paragraph_id)

    other = page.context.new_page()
    _open(other, paragraph_id)
    _row(other, "bob", "entity", "PLO").get_by_role("button", name="Take").click()
    other.get_by_role("button", name="Submit gold").click()
    expect(other.locator("#save-state")).to_have_text("Gold saved (version 1)")
    other.close()

    page.locator("#paragraph-text").focus()
    page.keyboard.press("Shift+T")
    expect(page.locator("#mode-line")).to_contain_text("agreed item")
    # The agreed stance brings the entity it needs, "Syria", as the first annotator made it.
    expect(page.locator("#stance-list")).to_contain_text("“Syria” OPPOSE “terrorism”")
    expect(page.locator("#entity-list")).to_contain_text("Syria · State actor → Syrian government")
    expect(page.locator("#entity-list")).to_contain_text("Meqdad · Person")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#banner")).to_contain_text("changed in another tab")
    expect(page.locator("#save-state")).to_have_text("Not saved: changed elsewhere")
    expect(page.locator("#gold-done")).to_be_hidden()

    gold = _server(page, paragraph_id)["gold"]
    assert gold["version"] == 1
    assert [text[e["start"] : e["end"]] for e in gold["entities"]] == ["PLO"]
    assert list(gold["sources"].values()) == [["bob"]]
