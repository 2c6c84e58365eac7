"""In a real browser: an annotator labels the three layers with mouse and keyboard, and
every label survives a reload, a second tab and a dead network."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Document, Paragraph, User

from ..conftest import TEST_PASSWORD
from .conftest import LiveServer

MEQDAD = "“Syria and the PLO are determined to fight terrorism"


def _paragraph_id(db: Session, source: str, startswith: str) -> str:
    document = db.scalar(select(Document).where(Document.source == source))
    return next(p.id for p in document.paragraphs if p.text.startswith(startswith))


def _open(page: Page, paragraph_id: str) -> None:
    page.goto(f"/annotate/{paragraph_id}")
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")


def _server_annotation(page: Page, paragraph_id: str) -> dict[str, Any]:
    """The annotation as the server has it, fetched from inside the logged-in page."""
    return page.evaluate(
        "async (id) => (await (await fetch(`/api/paragraphs/${id}`)).json())",
        paragraph_id,
    )


def drag_select(page: Page, fragment: str, occurrence: int = 0, alt: bool = False) -> None:
    """Select ``fragment`` in the paragraph with a real mouse drag, as a person would."""
    box = page.evaluate(
        """([fragment, occurrence]) => {
            const root = document.getElementById("paragraph-text");
            const full = root.textContent;
            let at = -1;
            for (let i = 0; i <= occurrence; i += 1) at = full.indexOf(fragment, at + 1);
            if (at < 0) throw new Error("fragment not found: " + fragment);
            const locate = (offset, preferEnd) => {
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                let seen = 0;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const length = node.data.length;
                    if (offset < seen + length || (preferEnd && offset === seen + length)) {
                        return [node, offset - seen];
                    }
                    seen += length;
                }
                throw new Error("offset outside the text");
            };
            const [startNode, startOffset] = locate(at, false);
            const [endNode, endOffset] = locate(at + fragment.length, true);
            const first = document.createRange();
            first.setStart(startNode, startOffset);
            first.setEnd(startNode, Math.min(startOffset + 1, startNode.data.length));
            const last = document.createRange();
            last.setStart(endNode, Math.max(endOffset - 1, 0));
            last.setEnd(endNode, endOffset);
            const a = first.getClientRects()[0];
            const b = last.getClientRects()[last.getClientRects().length - 1];
            return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
        }""",
        [fragment, occurrence],
    )
    if alt:
        page.keyboard.down("Alt")
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()
    if alt:
        page.keyboard.up("Alt")


def test_label_all_three_layers_with_mouse_and_keyboard_then_reload(
    annotator: Page, db: Session
) -> None:
    """Seed 001's example, made by hand: entities, an actor link, a suggestion, a quote, a stance."""
    page = annotator
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    _open(page, paragraph_id)
    text = page.locator("#paragraph-text")

    # Accept a suggestion with a click: "PLO" becomes an entity linked to the PLO.
    page.locator(".seg.sugg", has_text="PLO").first.click()
    expect(page.locator("#entity-list")).to_contain_text("PLO")

    # Label "Syria" with the keyboard alone: Home puts the word cursor on it, 3 is STATE_ACTOR.
    text.focus()
    page.keyboard.press("Home")
    page.keyboard.press("3")
    expect(page.locator("#entity-list")).to_contain_text("Syria · State actor")

    # Link it to the Syrian government through the actor type-ahead.
    page.keyboard.press("a")
    search = page.locator("#actor-search")
    expect(search).to_be_focused()
    search.fill("syrian gov")
    expect(page.locator("#actor-results")).to_contain_text("Syrian government")
    page.keyboard.press("Enter")
    expect(page.locator("#actor-current")).to_have_text("Linked to Syrian government")

    # Label "terrorism" with a mouse drag (snapping to the word) and the hotkey 2.
    drag_select(page, "terrorism")
    page.keyboard.press("2")
    expect(page.locator("#entity-list")).to_contain_text("terrorism · Armed group")

    # Label "Meqdad" with a drag that starts mid-word: it snaps to the whole word.
    drag_select(page, "eqda")
    page.keyboard.press("1")
    expect(page.locator("#entity-list")).to_contain_text("Meqdad · Person")

    # The quote in three actions: select what was said, Q, then Enter takes the proposed
    # speaker (Meqdad, next to the suggested cue) and the proposed cue "said".
    drag_select(
        page,
        "Syria and the PLO are determined to fight terrorism, which has reached Palestinian camps in Syria, notably Yarmouk",
    )
    page.keyboard.press("q")
    expect(page.locator("#mode-line")).to_contain_text("speaker and cue proposed")
    expect(page.locator(".seg.candidate-focus")).to_have_text("Meqdad")
    expect(page.locator(".seg.proposed")).to_have_text("said")
    page.keyboard.press("Enter")
    expect(page.locator("#quote-list")).to_contain_text("“Meqdad” · said")
    expect(page.locator("#quote-list")).to_contain_text("· DIRECT")

    # The stance: select the holder "Syria" ([ and ] walk the entities), S, target, -; the
    # one quote that names "Syria" is linked at once (guidelines §2).
    page.locator("#entity-list button.item", has_text="Syria · State actor").click()
    page.keyboard.press("s")
    page.locator(".seg.candidate", has_text="terrorism").first.click()
    page.keyboard.press("-")
    expect(page.locator("#mode-line")).to_contain_text("in q1, the quote that names its holder")
    expect(page.locator("#stance-list")).to_contain_text("“Syria” OPPOSE “terrorism” (in q1)")

    # Submit with the keyboard: the page moves on to the next paragraph of the queue.
    text.focus()
    page.keyboard.press("Control+Enter")
    expect(page).not_to_have_url(re.compile(re.escape(paragraph_id)))

    # Reload the paragraph: everything is there, exactly.
    _open(page, paragraph_id)
    saved = _server_annotation(page, paragraph_id)["annotation"]
    paragraph_text = db.get(Paragraph, paragraph_id).text
    spans = {paragraph_text[e["start"] : e["end"]]: e for e in saved["entities"]}
    assert set(spans) == {"PLO", "Syria", "terrorism", "Meqdad"}
    assert spans["PLO"]["actor"] == "plo" and spans["PLO"]["from_suggestion"] is True
    assert spans["Syria"]["actor"] == "syrian-government"
    assert spans["Syria"]["label"] == "STATE_ACTOR" and spans["Meqdad"]["label"] == "PERSON"
    quote = saved["quotes"][0]
    assert paragraph_text[quote["content"]["start"] : quote["content"]["end"]].startswith(
        "Syria and the PLO"
    )
    assert paragraph_text[quote["cue"]["start"] : quote["cue"]["end"]] == "said"
    assert quote["speaker"] == spans["Meqdad"]["id"] and quote["type"] == "DIRECT"
    stance = saved["stances"][0]
    assert (stance["holder"], stance["target"], stance["polarity"], stance["quote"]) == (
        spans["Syria"]["id"],
        spans["terrorism"]["id"],
        "OPPOSE",
        quote["id"],
    )
    assert saved["status"] == "submitted"
    decisions = {d["id"]: d["decision"] for d in saved["suggestions"]}
    assert decisions[f"sug-e-{spans['PLO']['start']}-{spans['PLO']['end']}"] == "accepted"
    said = next(
        d
        for d in saved["suggestions"]
        if d["kind"] == "cue" and d["start"] == quote["cue"]["start"]
    )
    assert said["decision"] == "accepted"
    # The suggestions nobody decided on were recorded as ignored when the paragraph was submitted.
    assert {d["decision"] for d in saved["suggestions"]} == {"accepted", "ignored"}
    expect(page.locator("#entity-list .layer-item")).to_have_count(4)
    expect(page.locator("#stance-list")).to_contain_text("OPPOSE")
    expect(page.locator(".seg.quote-cue")).to_have_text("said")


UNICODE_LINE = (
    '{"id": "unicode-doc", "title": "Unicode workspace test", "paragraphs": ['
    '"The family 👨\u200d👩\u200d👧\u200d👦 fled when ISIS came, the cafe\u0301 owner Zoë said.", '
    '"قال المتحدث إن داعش انسحب من مخيم اليرموك."]}'
)


@pytest.fixture
def unicode_ids(app: Flask, tmp_path) -> list[str]:
    from annotator.extensions import get_session
    from annotator.ingest import import_paths

    path = tmp_path / "unicode.jsonl"
    path.write_text(UNICODE_LINE + "\n", encoding="utf-8")
    with app.app_context():
        session = get_session()
        assert not import_paths(session, [path]).rejected
        return [p.id for p in session.get(Document, "unicode-doc").paragraphs]


@pytest.mark.parametrize(
    ("index", "fragment", "label_key", "label"),
    [(0, "ISIS", "2", "ARMED_GROUP"), (0, "Zoë", "1", "PERSON"), (1, "داعش", "2", "ARMED_GROUP")],
)
def test_offsets_round_trip_as_code_points_with_emoji_marks_and_arabic(
    annotator: Page,
    unicode_ids: list[str],
    db: Session,
    index: int,
    fragment: str,
    label_key: str,
    label: str,
) -> None:
    """A drag over text after a ZWJ family emoji, a combining accent, or in Arabic saves code points."""
    page = annotator
    paragraph_id = unicode_ids[index]
    _open(page, paragraph_id)
    drag_select(page, fragment)
    page.keyboard.press(label_key)
    expect(page.locator("#save-state")).to_have_text(
        re.compile(r"Saved \(version 1\)"), timeout=8000
    )
    text = db.get(Paragraph, paragraph_id).text
    entity = _server_annotation(page, paragraph_id)["annotation"]["entities"][0]
    assert text[entity["start"] : entity["end"]] == fragment
    assert entity["label"] == label
    # Reloaded, the highlight sits on exactly those characters again.
    _open(page, paragraph_id)
    expect(page.locator(".seg.ent")).to_have_text(fragment)


def test_alt_drag_keeps_part_of_a_word_but_never_splits_an_emoji(
    annotator: Page, unicode_ids: list[str], db: Session
) -> None:
    """Holding Alt turns word snapping off; grapheme clusters still stay whole."""
    page = annotator
    paragraph_id = unicode_ids[0]
    _open(page, paragraph_id)
    drag_select(page, "fam", alt=True)
    page.keyboard.press("1")
    drag_select(page, "👨\u200d👩", alt=True)
    page.keyboard.press("1")
    expect(page.locator("#save-state")).to_have_text(re.compile(r"Saved"), timeout=8000)
    text = db.get(Paragraph, paragraph_id).text
    entities = _server_annotation(page, paragraph_id)["annotation"]["entities"]
    assert sorted(text[e["start"] : e["end"]] for e in entities) == sorted(
        ["fam", "👨\u200d👩\u200d👧\u200d👦"]
    )


@pytest.mark.expected_console_errors("status of 503")
def test_autosave_then_offline_reload_then_recovery(
    annotator: Page, db: Session, live_server: LiveServer
) -> None:
    """Changes made while the server cannot save survive a reload and are sent when it can."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", "Militants from the Islamic State")
    _open(page, paragraph_id)
    page.locator(".seg.sugg", has_text="Islamic State").first.click()
    expect(page.locator("#save-state")).to_have_text("Saved (version 1)", timeout=8000)

    live_server.refuse_saves = True
    drag_select(page, "Palestinian fighters")
    page.keyboard.press("2")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "offline", timeout=8000)
    expect(page.locator("#save-state")).to_contain_text("kept here")

    page.reload()
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")
    expect(page.locator("#banner")).to_contain_text("Restored changes kept in this browser")
    expect(page.locator("#entity-list")).to_contain_text("Palestinian fighters")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "offline", timeout=8000)
    assert len(_server_annotation(page, paragraph_id)["annotation"]["entities"]) == 1

    live_server.refuse_saves = False
    expect(page.locator("#save-state")).to_have_text("Saved (version 2)", timeout=15000)
    saved = _server_annotation(page, paragraph_id)["annotation"]
    text = db.get(Paragraph, paragraph_id).text
    assert sorted(text[e["start"] : e["end"]] for e in saved["entities"]) == [
        "Islamic State group",
        "Palestinian fighters",
    ]
    stored = page.evaluate("(key) => localStorage.getItem(key)", f"annotator:alice:{paragraph_id}")
    assert stored is None


def test_second_tab_gets_a_conflict_not_a_silent_overwrite(annotator: Page, db: Session) -> None:
    """Two tabs on one paragraph: the stale one is told and offered a reload."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", "Militants from the Islamic State")
    _open(page, paragraph_id)
    other = page.context.new_page()
    _open(other, paragraph_id)

    page.locator(".seg.sugg", has_text="Islamic State").first.click()
    expect(page.locator("#save-state")).to_have_text("Saved (version 1)", timeout=8000)

    drag_select(other, "Palestinian fighters")
    other.keyboard.press("2")
    expect(other.locator("#banner")).to_contain_text("changed in another tab", timeout=8000)
    expect(other.locator("#save-state")).to_have_text("Not saved: changed elsewhere")
    saved = _server_annotation(page, paragraph_id)["annotation"]
    assert saved["version"] == 1 and len(saved["entities"]) == 1

    other.get_by_role("button", name="Reload the server's copy").click()
    expect(other.locator("#workspace")).to_have_attribute("data-ready", "true")
    expect(other.locator("#entity-list")).to_contain_text("Islamic State")
    expect(other.locator("#entity-list")).not_to_contain_text("Palestinian fighters")
    other.close()


def test_invalid_submit_shows_errors_and_reject_suggestion_is_recorded(
    annotator: Page, db: Session
) -> None:
    """Rejected suggestions are recorded; a flag without a comment is refused in the page."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", "Militants from the Islamic State")
    _open(page, paragraph_id)
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#suggestion-list .suggestion.is-focused")).to_have_count(1)
    page.keyboard.press("x")
    expect(page.locator("#save-state")).to_have_text("Saved (version 1)", timeout=8000)
    decisions = _server_annotation(page, paragraph_id)["annotation"]["suggestions"]
    assert [d["decision"] for d in decisions] == ["rejected"]
    page.keyboard.press("f")
    expect(page.locator("#flag-dialog")).to_be_visible()
    page.locator("#flag-comment").fill("The paragraph is cut off in the middle.")
    page.get_by_role("button", name="Flag and skip").click()
    expect(page).not_to_have_url(re.compile(re.escape(paragraph_id)))
    saved = _server_annotation(page, paragraph_id)["annotation"]
    assert saved["status"] == "skipped" and saved["flagged"] is True
    assert saved["comment"] == "The paragraph is cut off in the middle."


def test_guidelines_are_one_click_away(annotator: Page, db: Session) -> None:
    """The workspace's Guidelines link opens the rendered Markdown with the worked examples."""
    page = annotator
    _open(page, _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD))
    with page.context.expect_page() as opened:
        page.locator("#guidelines-link").click()
    guidelines = opened.value
    guidelines.wait_for_load_state()
    expect(guidelines.get_by_role("heading", name="Annotation guidelines")).to_be_visible()
    expect(guidelines.locator("table").first).to_contain_text("ARMED_GROUP")
    expect(guidelines.locator("body")).to_contain_text("Meqdad")
    # The page left behind keeps its state: the guidelines open beside it, not instead of it.
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")


def test_nested_spans_stay_visible_and_clickable_labels_change_and_delete(
    annotator: Page, db: Session
) -> None:
    """An entity inside another keeps its own highlight; clicks reach both; Delete removes one."""
    page = annotator
    paragraph_id = _paragraph_id(db, "000_3a518dfd6c205ffd.txt", "MR.Khaled Abdel Majid")
    _open(page, paragraph_id)
    drag_select(page, "Palestinian Factions Alliance close to the Syrian regime")
    page.keyboard.press("4")
    # The inner "Syrian regime" is still offered as a suggestion: accept it with a click.
    page.locator(".seg.sugg", has_text="Syrian regime").first.click()
    expect(page.locator("#entity-list .layer-item")).to_have_count(2)
    inner = page.locator(".seg.ent", has_text="Syrian regime").first
    assert inner.evaluate("el => el.dataset.entities.split(' ').length") == 2
    expect(page.locator("#actor-current")).to_contain_text("Syrian government")

    # Click once: the inner span; click again at the same place: the outer one.
    page.keyboard.press("Escape")
    inner.click()
    expect(page.locator("#entity-label")).to_have_value("STATE_ACTOR")
    inner.click()
    expect(page.locator("#entity-label")).to_have_value("ORGANIZATION")
    # Change the outer label with a hotkey, then delete it; the inner one stays.
    page.locator("#paragraph-text").focus()
    page.keyboard.press("2")
    expect(page.locator("#entity-list")).to_contain_text("the Syrian regime · Armed group")
    page.keyboard.press("Delete")
    expect(page.locator("#entity-list .layer-item")).to_have_count(1)
    expect(page.locator("#entity-list")).to_contain_text("Syrian regime · State actor")


def test_stance_on_a_proposition_with_the_keyboard_and_accept_all(
    annotator: Page, db: Session
) -> None:
    """Seed 000: the Syrian regime SUPPORTS "the withdrawal of armed groups without their weapons"."""
    page = annotator
    paragraph_id = _paragraph_id(db, "000_3a518dfd6c205ffd.txt", "Mr. Abdel Majid stated")
    _open(page, paragraph_id)
    page.get_by_role("button", name="Accept all").click()
    expect(page.locator("#suggestion-list .suggestion .small", has_text="Accept")).to_have_count(0)
    regime = page.locator("#entity-list button.item", has_text="Syrian regime")
    regime.click()
    page.keyboard.press("s")
    drag_select(page, "the withdrawal of armed groups without their weapons")
    page.keyboard.press("Enter")
    page.keyboard.press("+")
    expect(page.locator("#stance-list")).to_contain_text(
        "“Syrian regime” SUPPORT “the withdrawal… their weapons”"
    )
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    text = db.get(Paragraph, paragraph_id).text
    stance = _server_annotation(page, paragraph_id)["annotation"]["stances"][0]
    assert text[stance["target"]["start"] : stance["target"]["end"]] == (
        "the withdrawal of armed groups without their weapons"
    )
    assert stance["polarity"] == "SUPPORT" and stance["quote"] is None


@pytest.mark.expected_console_errors("status of 422")  # the alias another actor has
def test_propose_an_alias_and_create_an_actor_from_the_page(annotator: Page, db: Session) -> None:
    """A reviewer links a span to a new actor on the spot and adds an alias to another; an
    alias another actor already has is refused in words."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", '"There are intermittent')
    _open(page, paragraph_id)
    drag_select(page, "Palestinian Popular Struggle Front")
    page.keyboard.press("4")
    expect(page.locator("#actor-current")).to_contain_text("Palestinian Popular Struggle Front")
    drag_select(page, "Palestinian factions")
    page.keyboard.press("2")
    page.keyboard.press("a")
    page.locator("#actor-search").fill("Yarmouk Palestinian factions")
    page.get_by_role("option", name=re.compile("Create actor")).click()
    page.locator("#new-actor-type").select_option("POLITICAL_MILITIA")
    page.get_by_role("button", name="Create actor").click()
    expect(page.locator("#actor-current")).to_have_text(
        re.compile("Linked to Yarmouk Palestinian factions")
    )
    # The span text is not yet an alias of the actor: offer to add it.
    propose = page.locator("#propose-alias")
    expect(propose).to_be_hidden()  # created with the span text as an alias already
    page.locator("#entity-list button.item", has_text="Palestinian Popular Struggle Front").click()
    page.keyboard.press("a")
    page.locator("#actor-search").fill("Fatah")
    page.keyboard.press("Enter")
    expect(page.locator("#actor-current")).to_have_text("Linked to Fatah")
    expect(propose).to_be_visible()
    propose.click()
    # The text is another actor's name: as an alias of Fatah too, every later mention would be
    # suggested as one of the two at random. Refused, saying whose it is.
    expect(page.locator("#mode-line")).to_contain_text(
        "already belongs to Palestinian Popular Struggle Front"
    )
    results = page.evaluate("async () => (await fetch('/api/actors?q=popular%20struggle')).json()")
    assert {r["id"] for r in results} == {"palestinian-popular-struggle-front"}
    # A text no actor has yet becomes an alias of the one it is linked to.
    drag_select(page, "Khaled Abdel Majid")
    page.keyboard.press("1")
    page.keyboard.press("a")
    page.locator("#actor-search").fill("Yarmouk Palestinian factions")
    page.keyboard.press("Enter")
    expect(page.locator("#actor-current")).to_have_text("Linked to Yarmouk Palestinian factions")
    propose.click()
    expect(page.locator("#mode-line")).to_contain_text(
        "is now an alias of Yarmouk Palestinian factions"
    )


def test_progress_counts_up_after_submit_and_skip(annotator: Page) -> None:
    """The progress indicator shows my done paragraphs out of all to annotate."""
    page = annotator
    page.goto("/annotate")
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")
    expect(page.locator("#progress")).to_have_text("0 / 56 done")
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Control+Shift+Enter")
    expect(page.locator("#progress")).to_have_text("1 / 56 done")
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.locator("#progress")).to_have_text("2 / 56 done")


def test_reviewer_reads_another_annotation_without_changing_anything(
    page: Page,
    login: Callable[[str, str], None],
    make_user: Callable[..., User],
    seeded: None,
    db: Session,
    client,
) -> None:
    """?annotator= shows someone else's work read-only: no key, box or list saves anything."""
    from annotator.accounts import create_token

    alice = make_user("alice")
    make_user("rita", role="reviewer")
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    _, token = create_token(db, db.merge(alice))
    db.commit()
    body = {
        "version": 0,
        "status": "submitted",
        "comment": "alice's note",
        "stances": [],
        "quotes": [],
        "entities": [{"id": "e1", "start": 1, "end": 6, "label": "STATE_ACTOR", "actor": None}],
    }
    assert (
        client.put(
            f"/api/paragraphs/{paragraph_id}/annotation",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ).status_code
        == 200
    )
    login("rita", TEST_PASSWORD)
    page.goto(f"/annotate/{paragraph_id}?annotator=alice")
    expect(page.locator("#workspace")).to_have_attribute("data-ready", "true")
    expect(page.locator("#banner")).to_contain_text("reading alice's annotation")
    expect(page.locator("#comment")).to_be_disabled()
    expect(page.locator("#entity-list .delete")).to_have_count(0)
    # alice's progress (her one submitted paragraph), not rita's own (none).
    expect(page.locator("#progress")).to_have_text(re.compile(r"^1 / \d+ done$"))
    for name in ("Skip", "Flag", "Submit"):
        expect(page.get_by_role("button", name=re.compile(f"^{name}"))).to_be_disabled()
    labels = page.locator(".label-button")
    assert labels.count() > 0
    for index in range(labels.count()):
        expect(labels.nth(index)).to_be_disabled()
    assert labels.first.evaluate("(b) => getComputedStyle(b).opacity") == "0.45"
    # The suggestions alice left open (the seed registry knows "PLO" and "Syria") are not
    # offered to the reader as things to decide.
    expect(page.locator("#suggestion-list li.suggestion")).to_have_count(0)
    expect(page.locator("#suggestion-list")).to_contain_text("not shown to a reader")
    expect(page.locator("#paragraph-text .sugg")).to_have_count(0)
    page.locator("#paragraph-text").focus()
    for key in ("End", "2", "Delete", "q", "Enter"):
        page.keyboard.press(key)
    page.wait_for_timeout(2500)
    expect(page.locator("#entity-list .layer-item")).to_have_count(1)
    own = _server_annotation(page, paragraph_id)["annotation"]
    assert own["version"] == 0  # rita saved nothing of her own
    theirs = page.evaluate(
        "async (id) => (await (await fetch(`/api/paragraphs/${id}?annotator=alice`)).json())",
        paragraph_id,
    )["annotation"]
    assert theirs["version"] == 1 and len(theirs["entities"]) == 1


def test_hiding_the_tab_saves_without_a_false_conflict_and_undo_restores(
    annotator: Page, db: Session
) -> None:
    """Switching tabs right after an edit saves it; later edits still save; Ctrl+Z undoes."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", "Militants from the Islamic State")
    _open(page, paragraph_id)
    drag_select(page, "Palestinian fighters")
    page.keyboard.press("2")
    page.evaluate("""() => {
        Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
        Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
    }""")
    expect(page.locator("#save-state")).to_have_text("Saved (version 1)", timeout=8000)
    page.locator(".seg.sugg", has_text="Islamic State").first.click()
    expect(page.locator("#save-state")).to_have_text("Saved (version 2)", timeout=8000)
    expect(page.locator("#banner")).to_be_hidden()
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Delete")
    expect(page.locator("#entity-list .layer-item")).to_have_count(1)
    page.keyboard.press("Control+z")
    expect(page.locator("#entity-list .layer-item")).to_have_count(2)
    expect(page.locator("#save-state")).to_have_text(
        re.compile(r"Saved \(version [34]\)"), timeout=8000
    )
    assert len(_server_annotation(page, paragraph_id)["annotation"]["entities"]) == 2


def test_drag_from_outside_is_cut_to_the_paragraph_and_keyboard_drops_possessives(
    annotator: Page, db: Session
) -> None:
    """A drag starting in the context above ends up as words of the paragraph; ’s stays out."""
    page = annotator
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", "ISIS’s advance")
    _open(page, paragraph_id)
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Home")
    page.keyboard.press("2")
    expect(page.locator("#entity-list")).to_contain_text("ISIS · Armed group → Islamic State")
    previous = page.locator("#context-previous").bounding_box()
    word = page.locator(".seg", has_text="advance").first.bounding_box()
    page.mouse.move(previous["x"] + 20, previous["y"] + 5)
    page.mouse.down()
    page.mouse.move(word["x"] + word["width"] / 2, word["y"] + word["height"] / 2, steps=5)
    page.mouse.up()
    page.keyboard.press("4")
    text = db.get(Paragraph, paragraph_id).text
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    spans = sorted(
        text[e["start"] : e["end"]]
        for e in _server_annotation(page, paragraph_id)["annotation"]["entities"]
    )
    assert spans[0] == "ISIS"
    assert spans[1].startswith("ISIS’s advance") and not spans[1].startswith(" ")


def test_a_flag_shows_and_can_be_removed(annotator: Page, db: Session) -> None:
    """A flagged paragraph says so above the text, and Unflag takes the flag back."""
    page = annotator
    paragraph_id = _paragraph_id(db, "003_98117f67f363eafe.txt", "ISIS withdrawal coincided")
    _open(page, paragraph_id)
    page.keyboard.press("f")
    page.locator("#flag-comment").fill("Two stories are merged here.")
    page.get_by_role("button", name="Flag and skip").click()
    expect(page).not_to_have_url(re.compile(re.escape(paragraph_id)))
    _open(page, paragraph_id)
    expect(page.locator("#flag-state")).to_contain_text("Flagged: Two stories are merged here.")
    page.get_by_role("button", name="Unflag").click()
    expect(page.locator("#flag-state")).to_be_hidden()
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    assert _server_annotation(page, paragraph_id)["annotation"]["flagged"] is False


def test_the_help_names_the_real_label_keys_brackets_and_undo(annotator: Page, db: Session) -> None:
    """? lists the keys the page really has: the entity types' own keys, [ ], Ctrl+Z."""
    page = annotator
    _open(page, _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD))
    keys = page.evaluate(
        "async () => (await (await fetch('/api/labels')).json()).entity_types.map((t) => t.hotkey)"
    )
    assert keys == [str(n) for n in range(1, len(keys) + 1)] and len(keys) > 2
    page.locator("#paragraph-text").focus()
    page.keyboard.press("?")
    help_ = page.locator("#help-dialog")
    expect(help_).to_be_visible()
    expect(help_).to_contain_text(f"select text, then 1–{len(keys)}")
    expect(help_.locator("tr", has_text="[ ]")).to_contain_text("previous / next entity")
    expect(help_.locator("tr", has_text="Ctrl+Z")).to_contain_text("undo")
    page.keyboard.press("Escape")
    page.keyboard.press("End")
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.locator("#mode-line")).to_contain_text(f"press 1–{len(keys)} to label it")


def test_a_quote_dragged_from_its_quotation_mark_keeps_the_marks_without_alt(
    annotator: Page, db: Session
) -> None:
    """A drag from “ to ” then Q quotes with both marks (DIRECT); a drag from “ then a
    label key still labels the word alone."""
    page = annotator
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    _open(page, paragraph_id)
    text = db.get(Paragraph, paragraph_id).text
    said = text[: text.index("” said") + 1]
    assert said.startswith("“") and said.endswith(",”")
    drag_select(page, "“Syria")
    page.keyboard.press("1")
    drag_select(page, said)
    page.keyboard.press("q")
    page.keyboard.press("Escape")
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    saved = _server_annotation(page, paragraph_id)["annotation"]
    (entity,) = saved["entities"]
    assert text[entity["start"] : entity["end"]] == "Syria"
    (quote,) = saved["quotes"]
    assert text[quote["content"]["start"] : quote["content"]["end"]] == said
    assert quote["type"] == "DIRECT"


def test_a_conflict_lists_each_copys_items_and_merges_them_after_a_look(
    annotator: Page, db: Session
) -> None:
    """The stale tab is told what each copy has that the other lacks; "merge" shows both
    copies' items before saving, and the saved merge loses neither tab's entity."""
    page = annotator
    paragraph_id = _paragraph_id(db, "002_4c6e6194c4324946.txt", "Militants from the Islamic State")
    _open(page, paragraph_id)
    other = page.context.new_page()
    _open(other, paragraph_id)

    page.locator(".seg.sugg", has_text="Islamic State").first.click()
    expect(page.locator("#save-state")).to_have_text("Saved (version 1)", timeout=8000)

    drag_select(other, "Palestinian fighters")
    other.keyboard.press("2")
    banner = other.locator("#banner")
    expect(banner).to_contain_text("changed in another tab", timeout=8000)
    expect(banner.locator("li")).to_have_text(
        [
            re.compile("^Only in this tab: entity “Palestinian fighters”"),
            re.compile("^Only in the server's copy: entity “Islamic State"),
        ]
    )
    expect(
        other.get_by_role("button", name=re.compile(r"drops 1 of the server's items"))
    ).to_be_visible()

    other.get_by_role("button", name="Merge both copies").click()
    expect(other.locator("#entity-list")).to_contain_text("Islamic State")
    expect(other.locator("#entity-list")).to_contain_text("Palestinian fighters")
    other.wait_for_timeout(2500)  # a look: nothing is saved before it is asked for
    assert _server_annotation(page, paragraph_id)["annotation"]["version"] == 1

    other.get_by_role("button", name="Save the merge").click()
    expect(other.locator("#save-state")).to_have_text("Saved (version 2)", timeout=8000)
    saved = _server_annotation(page, paragraph_id)["annotation"]
    text = db.get(Paragraph, paragraph_id).text
    assert sorted(text[e["start"] : e["end"]] for e in saved["entities"]) == [
        "Islamic State group",
        "Palestinian fighters",
    ]
    other.close()


def _import_article(app: Flask, path: Path) -> None:
    """Import one article file besides the seeds, as an admin's upload would."""
    with app.app_context():
        from annotator.extensions import get_session
        from annotator.ingest import import_paths

        report = import_paths(get_session(), [path])
        assert not report.rejected, [o.message for o in report.rejected]


def _spans_in(text: str) -> Callable[[str], dict[str, int]]:
    """``span(words)``: the first occurrence of ``words`` in ``text`` as {start, end}."""

    def span(words: str) -> dict[str, int]:
        start = text.index(words)
        return {"start": start, "end": start + len(words)}

    return span


def _save_first_draft(
    page: Page,
    paragraph_id: str,
    entities: Sequence[dict[str, Any]],
    quotes: Sequence[dict[str, Any]] = (),
    stances: Sequence[dict[str, Any]] = (),
) -> None:
    """Save a paragraph's first draft (version 0) with these items, from inside the page."""
    body = {
        "version": 0,
        "status": "draft",
        "entities": list(entities),
        "stances": list(stances),
        "quotes": list(quotes),
    }
    _put_from_page(page, paragraph_id, body)


def _put_from_page(page: Page, paragraph_id: str, body: dict[str, Any]) -> None:
    """Save ``body`` as the logged-in user, from inside the page (its CSRF token)."""
    status = page.evaluate(
        """async ([id, body]) => (await fetch(`/api/paragraphs/${id}/annotation`, {
            method: "PUT", credentials: "same-origin",
            headers: {"Content-Type": "application/json",
                      "X-CSRFToken": document.getElementById("workspace").dataset.csrfToken},
            body: JSON.stringify(body)})).status""",
        [paragraph_id, body],
    )
    assert status == 200


def _arc_ends(page: Page, kind: str) -> list[tuple[float, float]]:
    """Where each drawn arc of ``kind`` starts and ends (x, relative to the paragraph)."""
    return page.evaluate(
        """(kind) => [...document.querySelectorAll(`#relation-arcs g.arc.${kind} path.line`)]
            .map((p) => { const n = p.getAttribute("d").split(/[ ,]+/).filter(Boolean);
                          return [Number(n[1]), Number(n[n.length - 2])]; })""",
        kind,
    )


def test_stances_and_quotes_are_drawn_on_the_text_and_r_hides_them(
    annotator: Page, db: Session, unicode_ids: list[str]
) -> None:
    """A stance is an arc from holder to target in its polarity's colour, a quote a dashed
    arc from speaker to content; hovering a row marks its spans and arc; R hides them all;
    in right-to-left text the arc runs leftwards."""
    page = annotator
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    text = db.get(Paragraph, paragraph_id).text
    _open(page, paragraph_id)

    def span(words: str) -> dict[str, int]:
        start = text.index(words)
        return {"start": start, "end": start + len(words)}

    _put_from_page(
        page,
        paragraph_id,
        {
            "version": 0,
            "status": "draft",
            "entities": [
                {"id": "e1", **span("Syria"), "label": "STATE_ACTOR", "actor": None},
                {"id": "e2", **span("terrorism"), "label": "ARMED_GROUP", "actor": None},
                {"id": "e3", **span("Meqdad"), "label": "PERSON", "actor": None},
            ],
            "stances": [
                {"id": "s1", "holder": "e1", "target": "e2", "polarity": "OPPOSE", "quote": "q1"}
            ],
            "quotes": [
                {
                    "id": "q1",
                    "speaker": "e3",
                    "cue": span("said"),
                    "content": span("Syria and the PLO"),
                    "type": "DIRECT",
                }
            ],
        },
    )
    _open(page, paragraph_id)
    oppose = page.evaluate(
        "async () => (await (await fetch('/api/labels')).json())"
        ".polarities.find((p) => p.name === 'OPPOSE').colour"
    )
    stance_line = page.locator("#relation-arcs g.arc.stance path.line")
    expect(stance_line).to_have_count(1)
    expect(stance_line).to_have_attribute("stroke", oppose)
    expect(page.locator("#relation-arcs g.arc.quote path.line")).to_have_count(1)
    expect(page.locator("#relation-arcs circle.cue-mark")).to_have_count(1)
    ((start, end),) = _arc_ends(page, "stance")
    assert start < end  # Syria (holder) comes before terrorism in left-to-right text

    page.locator("#stance-list .layer-item").hover()
    expect(page.locator("#relation-arcs g.arc.stance")).to_have_class(re.compile("is-hot"))
    expect(page.locator("#paragraph-text .seg.hot")).to_have_text(["Syria", "terrorism"])
    page.locator("#paragraph-text").hover()
    expect(page.locator("#paragraph-text .seg.hot")).to_have_count(0)

    page.locator("#paragraph-text").focus()
    page.keyboard.press("r")
    expect(page.locator("#relation-arcs")).to_be_hidden()
    page.keyboard.press("r")
    expect(stance_line).to_have_count(1)

    arabic_id = unicode_ids[1]
    arabic = db.get(Paragraph, arabic_id).text
    speaker, group = arabic.index("المتحدث"), arabic.index("داعش")
    _put_from_page(
        page,
        arabic_id,
        {
            "version": 0,
            "status": "draft",
            "entities": [
                {
                    "id": "e1",
                    "start": speaker,
                    "end": speaker + 7,
                    "label": "PERSON",
                    "actor": None,
                },
                {
                    "id": "e2",
                    "start": group,
                    "end": group + 4,
                    "label": "ARMED_GROUP",
                    "actor": None,
                },
            ],
            "stances": [
                {"id": "s1", "holder": "e1", "target": "e2", "polarity": "OPPOSE", "quote": None}
            ],
            "quotes": [],
        },
    )
    _open(page, arabic_id)
    ((start, end),) = _arc_ends(page, "stance")
    assert start > end  # right to left: the holder, read first, is to the right


def test_a_stance_from_a_selected_quote_takes_s_and_one_polarity_key(
    annotator: Page, db: Session
) -> None:
    """With a quote selected, S makes its speaker the holder and focuses the first entity the
    quote names; a polarity key then makes the stance, expressed by that quote. A speaker
    other than the proposed one leaves the cue to be picked (the proposed one focused)."""
    page = annotator
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    _open(page, paragraph_id)
    for fragment, key in (("Syria", "3"), ("terrorism", "2"), ("Meqdad", "1"), ("SANA", "5")):
        drag_select(page, fragment)
        page.keyboard.press(key)
    drag_select(page, "Syria and the PLO are determined to fight terrorism")
    page.keyboard.press("q")
    expect(page.locator(".seg.candidate-focus")).to_have_text("Meqdad")
    page.locator(".seg.candidate", has_text="SANA").first.click()  # not the proposed speaker
    expect(page.locator("#mode-line")).to_contain_text("reporting verb")
    expect(page.locator(".seg.candidate-focus")).to_have_text("said")
    page.keyboard.press("Enter")
    expect(page.locator("#quote-list")).to_contain_text("“SANA” · said")

    page.locator("#quote-list button.item").first.click()
    page.keyboard.press("s")
    expect(page.locator(".seg.candidate-focus")).to_have_text("Syria")
    page.keyboard.press("Tab")
    expect(page.locator(".seg.candidate-focus")).to_have_text("terrorism")
    page.keyboard.press("-")
    expect(page.locator("#stance-list")).to_contain_text("“SANA” OPPOSE “terrorism” (in q1)")
    expect(page.locator("#mode-line")).not_to_contain_text("quote that expresses it")
    expect(page.locator("#save-state")).to_have_text(re.compile("Saved"), timeout=8000)
    (stance,) = _server_annotation(page, paragraph_id)["annotation"]["stances"]
    assert stance["quote"] == "q1" and stance["polarity"] == "OPPOSE"


def test_the_word_cursor_on_a_suggestion_focuses_it_so_enter_accepts_it(
    annotator: Page, db: Session
) -> None:
    """Keyboard only: moving the word cursor onto a suggested span focuses it; Enter accepts."""
    page = annotator
    paragraph_id = _paragraph_id(db, "001_781f2796c57e0874.txt", MEQDAD)
    _open(page, paragraph_id)
    page.locator("#paragraph-text").focus()
    page.keyboard.press("Home")  # "Syria": no suggestion there
    expect(page.locator("#suggestion-list .suggestion.is-focused")).to_have_count(0)
    for _ in range(3):  # and, the, PLO: a suggestion of the seed registry
        page.keyboard.press("ArrowRight")
    expect(page.locator("#suggestion-list .suggestion.is-focused")).to_contain_text("PLO")
    page.keyboard.press("Enter")
    expect(page.locator("#entity-list")).to_contain_text("PLO")
    # One word of a longer suggestion focuses the whole of it.
    drag_select(page, "Syrian")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#suggestion-list .suggestion.is-focused")).to_contain_text(
        "Syrian Arab News Agency"
    )
    page.keyboard.press("Enter")
    expect(page.locator("#entity-list")).to_contain_text("Syrian Arab News Agency")
