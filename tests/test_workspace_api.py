"""The workspace API: reading a paragraph, saving annotations, conflicts, history, queue."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from annotator.extensions import get_session
from annotator.ingest import import_paths
from annotator.models import Annotation, AnnotationHistory, Document, Paragraph, User

from .conftest import SEEDS, Api, AuthActions


def _paragraph(db: Session, source: str, startswith: str) -> Paragraph:
    document = db.scalar(select(Document).where(Document.source == source))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(startswith):
            return paragraph
    raise AssertionError(f"no paragraph starting {startswith!r} in {source}")


def _span(text: str, fragment: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


MEQDAD = "“Syria and the PLO are determined to fight terrorism"


def _meqdad_payload(text: str, version: int = 0, status: str = "draft") -> dict[str, Any]:
    """Seed 001's example: the Syrian government OPPOSE the Islamic State, through Meqdad's quote."""
    syria = _span(text, "Syria")
    plo = _span(text, "PLO")
    terrorism = _span(text, "terrorism")
    meqdad = _span(text, "Meqdad")
    said = _span(text, "said")
    content = (1, text.index("”"))
    return {
        "version": version,
        "status": status,
        "comment": "Meqdad speaks for the government",
        "entities": [
            {
                "id": "e1",
                "start": syria[0],
                "end": syria[1],
                "label": "STATE_ACTOR",
                "actor": "syrian-government",
            },
            {"id": "e2", "start": plo[0], "end": plo[1], "label": "ORGANIZATION", "actor": "plo"},
            {
                "id": "e3",
                "start": terrorism[0],
                "end": terrorism[1],
                "label": "ARMED_GROUP",
                "actor": "islamic-state",
            },
            {"id": "e4", "start": meqdad[0], "end": meqdad[1], "label": "PERSON", "actor": None},
        ],
        "stances": [
            {"id": "s1", "holder": "e1", "target": "e3", "polarity": "OPPOSE", "quote": "q1"},
            {
                "id": "s2",
                "holder": "e2",
                "target": {"start": terrorism[0], "end": terrorism[1]},
                "polarity": "OPPOSE",
                "quote": None,
            },
        ],
        "quotes": [
            {
                "id": "q1",
                "speaker": "e4",
                "cue": {"start": said[0], "end": said[1]},
                "content": {"start": content[0], "end": content[1]},
                "type": "DIRECT",
            },
        ],
    }


def test_get_paragraph_gives_text_context_empty_annotation_and_suggestions(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """Opening a paragraph shows its article, neighbours, an empty annotation and suggestions."""
    api = api_as()
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    body = api.get(f"/api/paragraphs/{paragraph.id}").get_json()
    assert body["id"] == paragraph.id
    assert body["document"]["title"].startswith("Assad to Team Up")
    assert body["index"] == paragraph.position
    assert body["text"] == paragraph.text
    assert body["context"]["previous"]["text"].startswith("“With the exception")
    assert body["context"]["next"]["text"].startswith("After the meeting")
    assert body["annotation"]["version"] == 0 and body["annotation"]["entities"] == []
    suggested = {(s["text"], s["actor"], s["label"]) for s in body["suggestions"]["entities"]}
    # The registry's label for the PLO wins over the one its actor type would give.
    assert ("PLO", "plo", "ORGANIZATION") in suggested
    assert ("Syrian Arab News Agency", "sana", "MEDIA") in suggested
    assert "said" in {c["text"] for c in body["suggestions"]["cues"]}
    assert body["progress"] == {"done": 0, "total": 56}


def test_save_round_trips_exactly_and_appends_history(
    api_as: Callable[..., Api], app: Flask, db: Session, seeded: None
) -> None:
    """What is saved comes back exactly as sent, and each save is kept in the history."""
    api = api_as()
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    payload = _meqdad_payload(paragraph.text)
    response = api.put(f"/api/paragraphs/{paragraph.id}/annotation", payload)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"version": 1}
    saved = api.get(f"/api/paragraphs/{paragraph.id}").get_json()["annotation"]
    assert saved["version"] == 1
    for layer in ("stances", "quotes"):
        assert saved[layer] == payload[layer]
    assert saved["entities"] == [{**e, "from_suggestion": False} for e in payload["entities"]]
    assert saved["comment"] == payload["comment"]

    second = {**copy.deepcopy(payload), "version": 1, "status": "submitted"}
    second["entities"].reverse()
    assert api.put(f"/api/paragraphs/{paragraph.id}/annotation", second).get_json() == {
        "version": 2
    }
    again = api.get(f"/api/paragraphs/{paragraph.id}").get_json()["annotation"]
    assert [e["id"] for e in again["entities"]] == ["e4", "e3", "e2", "e1"]
    assert again["status"] == "submitted"
    with app.app_context():
        history = (
            get_session().scalars(select(AnnotationHistory).order_by(AnnotationHistory.id)).all()
        )
        assert [(h.version, h.status) for h in history] == [(1, "draft"), (2, "submitted")]
        assert history[0].payload["entities"][0]["actor"] == "syrian-government"
        assert history[1].payload["version"] == 2


def test_stale_version_gets_409_with_the_servers_copy(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """A second tab saving from an old version is refused; nothing is overwritten."""
    api = api_as()
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    url = f"/api/paragraphs/{paragraph.id}/annotation"
    first_tab = _meqdad_payload(paragraph.text)
    second_tab = {**_meqdad_payload(paragraph.text), "comment": "from the other tab"}
    assert api.put(url, first_tab).status_code == 200
    conflict = api.put(url, second_tab)
    assert conflict.status_code == 409
    body = conflict.get_json()
    assert body["annotation"]["version"] == 1
    assert body["annotation"]["comment"] == first_tab["comment"]
    assert "reload" in body["error"]
    assert api.put(url, {**first_tab, "version": 7}).status_code == 409
    assert (
        api.get(f"/api/paragraphs/{paragraph.id}").get_json()["annotation"]["comment"]
        == (first_tab["comment"])
    )


def _bad(payload: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    broken = copy.deepcopy(payload)
    change(broken)
    return broken


INVALID_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("end past text", lambda p: p["entities"][0].update(end=10_000), "entities[0]", "past the end"),
    (
        "start not before end",
        lambda p: p["entities"][0].update(end=p["entities"][0]["start"]),
        "entities[0]",
        "less than end",
    ),
    (
        "negative offset",
        lambda p: p["entities"][0].update(start=-1),
        "entities[0].start",
        "minimum",
    ),
    (
        "unknown label",
        lambda p: p["entities"][0].update(label="WIZARD"),
        "entities[0].label",
        "unknown entity type",
    ),
    (
        "unknown actor",
        lambda p: p["entities"][0].update(actor="nobody"),
        "entities[0].actor",
        "unknown actor",
    ),
    (
        "duplicate entity id",
        lambda p: p["entities"][1].update(id="e1"),
        "entities[1].id",
        "used twice",
    ),
    (
        "holder is target",
        lambda p: p["stances"][0].update(target="e1"),
        "stances[0].target",
        "its own target",
    ),
    (
        "holder missing",
        lambda p: p["stances"][0].update(holder="e9"),
        "stances[0].holder",
        "not an entity",
    ),
    (
        "target missing",
        lambda p: p["stances"][0].update(target="e9"),
        "stances[0].target",
        "not an entity",
    ),
    (
        "quote reference missing",
        lambda p: p["stances"][0].update(quote="q9"),
        "stances[0].quote",
        "not a quote",
    ),
    (
        "unknown polarity",
        lambda p: p["stances"][0].update(polarity="LOVE"),
        "stances[0].polarity",
        "unknown polarity",
    ),
    (
        "speaker missing",
        lambda p: p["quotes"][0].update(speaker="e9"),
        "quotes[0].speaker",
        "not an entity",
    ),
    (
        "quote without content",
        lambda p: p["quotes"][0].pop("content"),
        "quotes[0]",
        "'content' is a required property",
    ),
    (
        "unknown quote type",
        lambda p: p["quotes"][0].update(type="SHOUTED"),
        "quotes[0].type",
        "unknown quote type",
    ),
    (
        "cue past end",
        lambda p: p["quotes"][0].update(cue={"start": 0, "end": 9999}),
        "quotes[0].cue",
        "past the end",
    ),
    (
        "span text mismatch",
        lambda p: p["entities"][0].update(text="Damascus"),
        "entities[0]",
        "does not match",
    ),
    ("bad status", lambda p: p.update(status="done"), "status", "is not one of"),
    (
        "target wrong shape",
        lambda p: p["stances"][0].update(target=5),
        "stances[0].target",
        "entity id or a span",
    ),
    (
        "flag without comment",
        lambda p: p.update(flagged=True, comment=""),
        "comment",
        "needs a comment",
    ),
    ("unknown field", lambda p: p.update(extra=1), "$", "Additional properties"),
]


@pytest.mark.parametrize(
    ("case", "change", "path", "message"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES]
)
def test_invalid_payload_is_422_with_path_and_message_and_stores_nothing(
    api_as: Callable[..., Api],
    db: Session,
    seeded: None,
    case: str,
    change: Callable[[dict[str, Any]], None],
    path: str,
    message: str,
) -> None:
    """Each validation rule answers 422 naming the item, and nothing is stored."""
    api = api_as()
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    response = api.put(
        f"/api/paragraphs/{paragraph.id}/annotation",
        _bad(_meqdad_payload(paragraph.text), change),
    )
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert any(e["path"] == path and message in e["message"] for e in errors), errors
    assert api.get(f"/api/paragraphs/{paragraph.id}").get_json()["annotation"]["version"] == 0


def test_non_json_body_is_422(api_as: Callable[..., Api], db: Session, seeded: None) -> None:
    """A body that is not JSON is refused with a message, not a crash."""
    api = api_as()
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    response = api.client.put(
        f"/api/paragraphs/{paragraph.id}/annotation", data="nope", headers=api.headers
    )
    assert response.status_code == 422


UNICODE_ARTICLE = (
    '{"id": "unicode-test", "title": "Unicode test article", "paragraphs": ['
    '"Family 👨\u200d👩\u200d👧\u200d👦 watched as ISIS fighters left, said Samer.", '
    '"Cafe\u0301 owner Zoë said Daesh had gone.", '
    '"قال المتحدث إن داعش انسحب من المخيم."]}'
)


@pytest.fixture
def unicode_paragraphs(app: Flask, tmp_path) -> list[str]:
    path = tmp_path / "unicode.jsonl"
    path.write_text(UNICODE_ARTICLE + "\n", encoding="utf-8")
    with app.app_context():
        session = get_session()
        import_paths(session, [SEEDS / "actors.json", path])
        return [p.id for p in session.get(Document, "unicode-test").paragraphs]


@pytest.mark.parametrize(
    ("index", "fragment", "actor"),
    [(0, "ISIS", "islamic-state"), (1, "Daesh", "islamic-state"), (2, "داعش", "islamic-state")],
)
def test_offsets_are_code_points_with_emoji_combining_marks_and_arabic(
    api_as: Callable[..., Api], unicode_paragraphs: list[str], index: int, fragment: str, actor: str
) -> None:
    """Offsets count code points as Python does: after a ZWJ family emoji, a combining mark, in Arabic."""
    api = api_as()
    paragraph_id = unicode_paragraphs[index]
    body = api.get(f"/api/paragraphs/{paragraph_id}").get_json()
    text = body["text"]
    start = text.index(fragment)
    suggestion = next(s for s in body["suggestions"]["entities"] if s["text"] == fragment)
    assert (suggestion["start"], suggestion["end"], suggestion["actor"]) == (
        start,
        start + len(fragment),
        actor,
    )
    payload = {
        "version": 0,
        "status": "submitted",
        "entities": [
            {
                "id": "e1",
                "start": start,
                "end": start + len(fragment),
                "text": fragment,
                "label": "ARMED_GROUP",
                "actor": actor,
                "from_suggestion": True,
            }
        ],
        "stances": [],
        "quotes": [],
        "suggestions": [
            {
                "id": suggestion["id"],
                "kind": "entity",
                "start": start,
                "end": start + len(fragment),
                "label": "ARMED_GROUP",
                "actor": actor,
                "decision": "accepted",
            }
        ],
    }
    assert api.put(f"/api/paragraphs/{paragraph_id}/annotation", payload).status_code == 200
    saved = api.get(f"/api/paragraphs/{paragraph_id}").get_json()["annotation"]
    entity = saved["entities"][0]
    assert text[entity["start"] : entity["end"]] == fragment
    assert entity["from_suggestion"] is True
    assert saved["suggestions"][0]["decision"] == "accepted"
    # The same span in UTF-16 units would be off by the emoji's surrogate pairs.
    if index == 0:
        utf16_start = len(text[:start].encode("utf-16-le")) // 2
        assert utf16_start != start


def test_annotators_see_only_their_own_reviewers_see_all(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """Another annotator's work is a 404 to an annotator and read-only to a reviewer."""
    alice, bob, rita = api_as("alice"), api_as("bob"), api_as("rita", "reviewer")
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    url = f"/api/paragraphs/{paragraph.id}"
    assert alice.put(f"{url}/annotation", _meqdad_payload(paragraph.text)).status_code == 200
    assert bob.get(f"{url}?annotator=alice").status_code == 404
    assert bob.get(url).get_json()["annotation"]["version"] == 0
    seen = rita.get(f"{url}?annotator=alice").get_json()
    assert seen["read_only"] is True and seen["annotation"]["version"] == 1
    assert rita.get(f"{url}?annotator=nobody").status_code == 404


def test_queue_walks_paragraphs_in_order_and_ends_with_204(
    api_as: Callable[..., Api], app: Flask, db: Session, seeded: None
) -> None:
    """Next gives the first paragraph not yet submitted or skipped; boilerplate never."""
    api = api_as()
    first = api.get("/api/queue/next").get_json()["paragraph_id"]
    with app.app_context():
        session = get_session()
        ordered = session.scalars(
            select(Paragraph.id)
            .join(Document)
            .where(Paragraph.is_boilerplate.is_(False))
            .order_by(Document.source, Document.id, Paragraph.position)
        ).all()
    assert first == ordered[0]
    empty = {"status": "skipped", "entities": [], "stances": [], "quotes": []}
    assert (
        api.put(f"/api/paragraphs/{first}/annotation", {"version": 0, **empty}).status_code == 200
    )
    assert api.get("/api/queue/next").get_json()["paragraph_id"] == ordered[1]
    draft = {"status": "draft", "entities": [], "stances": [], "quotes": []}
    api.put(f"/api/paragraphs/{ordered[1]}/annotation", {"version": 0, **draft})
    assert api.get("/api/queue/next").get_json()["paragraph_id"] == ordered[1]
    assert api.get(f"/api/queue/next?after={ordered[1]}").get_json()["paragraph_id"] == ordered[2]
    for paragraph_id in ordered[1:]:
        version = api.get(f"/api/paragraphs/{paragraph_id}").get_json()["annotation"]["version"]
        api.put(f"/api/paragraphs/{paragraph_id}/annotation", {"version": version, **empty})
    assert api.get("/api/queue/next").status_code == 204
    assert api.get(f"/api/paragraphs/{first}").get_json()["progress"] == {"done": 56, "total": 56}


def test_session_put_needs_csrf_header(
    client: FlaskClient,
    auth: AuthActions,
    make_user: Callable[..., User],
    db: Session,
    seeded: None,
) -> None:
    """The browser's save carries X-CSRFToken; without it the save is refused."""
    make_user("alice")
    auth.login()
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    url = f"/api/paragraphs/{paragraph.id}/annotation"
    payload = _meqdad_payload(paragraph.text)
    assert client.put(url, json=payload).status_code == 400
    saved = client.put(url, json=payload, headers={"X-CSRFToken": auth.csrf_token()})
    assert saved.status_code == 200


def test_labels_endpoint_lists_the_configuration(api_as: Callable[..., Api]) -> None:
    """The page gets entity types with colours and hotkeys in order."""
    body = api_as().get("/api/labels").get_json()
    assert [e["hotkey"] for e in body["entity_types"]] == ["1", "2", "3", "4", "5", "6"]
    assert {p["name"] for p in body["polarities"]} == {"SUPPORT", "OPPOSE", "NEUTRAL"}


def test_an_annotation_without_its_history_row_still_opens(
    api_as: Callable[..., Api], db: Session, seeded: None
) -> None:
    """A row written outside annotator (no history row) opens with what its record layers
    hold, instead of failing the page."""
    api = api_as()
    paragraph = _paragraph(db, "001_781f2796c57e0874.txt", MEQDAD)
    user = db.scalar(select(User).where(User.username == "alice"))
    start = paragraph.text.index("Meqdad")
    layers = {
        "entities": [
            {
                "id": "e1",
                "start": start,
                "end": start + 6,
                "text": "Meqdad",
                "label": "PERSON",
                "actor": None,
            }
        ],
        "stances": [],
        "quotes": [],
    }
    db.execute(
        insert(Annotation).values(
            paragraph_id=paragraph.id,
            annotator_id=user.id,
            status="draft",
            version=3,
            record_layers=json.dumps(layers),
        )
    )
    db.commit()
    annotation = api.get(f"/api/paragraphs/{paragraph.id}").get_json()["annotation"]
    assert annotation["version"] == 3 and annotation["status"] == "draft"
    assert [(e["id"], e["label"], e["start"]) for e in annotation["entities"]] == [
        ("e1", "PERSON", start)
    ]
