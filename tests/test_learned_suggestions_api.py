"""Suggestions learned from the team, through the API: what one annotator submits is offered
to the others on other paragraphs, two rejections stop it, rules offer speakers and Arabic
cues, and opening paragraphs does not reread what was learned."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from annotator.extensions import get_engine
from annotator.models import LearnedSpan
from annotator.suggestions import learning, outcomes

from .conftest import Api, import_article
from .test_suggestion_cache import statements

PARAGRAPHS = [
    "Meqdad met the PLO delegation in Damascus on Monday.",
    "Talks stalled, and Meqdad left early; MEQDAD later called again.",
    "Nobody saw Meqdad at the Yarmouk camp.",
    "Officials from the PLO said the camp was quiet.",
    "وقال وزير الخارجية فيصل المقداد إن الحرب انتهت، وأكدت الوزارة ذلك.",
]


@pytest.fixture
def paragraphs(app: Flask, seeded: None, tmp_path: Path) -> list[str]:
    """A short article naming Meqdad in several paragraphs (one in Arabic); their ids."""
    return import_article(app, tmp_path, "meqdad", PARAGRAPHS)


def _open(api: Api, paragraph_id: str) -> dict[str, Any]:
    response = api.get(f"/api/paragraphs/{paragraph_id}")
    assert response.status_code == 200
    return response.get_json()


def _learned(api: Api, paragraph_id: str) -> list[dict[str, Any]]:
    suggestions = _open(api, paragraph_id)["suggestions"]["entities"]
    return [s for s in suggestions if s["source"] == "learned"]


def _save(api: Api, paragraph_id: str, body: dict[str, Any]) -> None:
    current = _open(api, paragraph_id)["annotation"]["version"]
    payload = {"version": current, "status": "submitted", "stances": [], "quotes": [], **body}
    response = api.put(f"/api/paragraphs/{paragraph_id}/annotation", payload)
    assert response.status_code == 200, response.get_json()


def _submit_meqdad(api: Api, paragraph_id: str) -> None:
    start = PARAGRAPHS[0].index("Meqdad")
    entity = {"id": "e1", "start": start, "end": start + 6, "label": "PERSON", "actor": None}
    _save(api, paragraph_id, {"entities": [entity]})


def _decide(api: Api, paragraph_id: str, suggestion: dict[str, Any], decision: str) -> None:
    keys = ("id", "kind", "start", "end", "label", "actor")
    _save(
        api,
        paragraph_id,
        {
            "entities": [],
            "suggestions": [{**{k: suggestion[k] for k in keys}, "decision": decision}],
        },
    )


def test_a_span_one_annotator_submits_is_offered_to_another_elsewhere(
    api_as: Callable[..., Api], paragraphs: list[str]
) -> None:
    """Alice labels "Meqdad" PERSON once; Bob is offered it, with that label, on every
    other paragraph naming him, each occurrence, in any case."""
    alice, bob = api_as("alice"), api_as("bob")
    assert _learned(bob, paragraphs[1]) == []
    _submit_meqdad(alice, paragraphs[0])
    offered = _learned(bob, paragraphs[1])
    assert [(s["text"], s["label"], s["actor"]) for s in offered] == [
        ("Meqdad", "PERSON", None),
        ("MEQDAD", "PERSON", None),
    ]
    text = PARAGRAPHS[1]
    assert all(text[s["start"] : s["end"]] == s["text"] for s in offered)
    assert [s["text"] for s in _learned(bob, paragraphs[2])] == ["Meqdad"]


def test_a_draft_teaches_nothing_and_withdrawing_a_span_unlearns_it(
    api_as: Callable[..., Api], paragraphs: list[str]
) -> None:
    """Only submitted work teaches; submitting again without the span takes it back."""
    alice, bob = api_as("alice"), api_as("bob")
    start = PARAGRAPHS[0].index("Meqdad")
    entity = {"id": "e1", "start": start, "end": start + 6, "label": "PERSON", "actor": None}
    _save(alice, paragraphs[0], {"entities": [entity], "status": "draft"})
    assert _learned(bob, paragraphs[2]) == []
    _save(alice, paragraphs[0], {"entities": [entity]})
    _save(alice, paragraphs[0], {"entities": [entity]})  # saved again: still one submission
    assert len(_learned(bob, paragraphs[2])) == 1
    _save(alice, paragraphs[0], {"entities": []})
    assert _learned(bob, paragraphs[2]) == []


def test_two_rejections_stop_a_learned_suggestion(
    api_as: Callable[..., Api], paragraphs: list[str], db: Session
) -> None:
    """Submitted once and rejected by two annotators, "Meqdad" is no longer offered; the
    rejections are recorded as decisions on learned suggestions."""
    alice, bob, carol, dave = (api_as(name) for name in ("alice", "bob", "carol", "dave"))
    _submit_meqdad(alice, paragraphs[0])
    (offered,) = _learned(bob, paragraphs[2])
    _decide(bob, paragraphs[2], offered, "rejected")
    assert len(_learned(carol, paragraphs[2])) == 1  # one rejection is not enough
    _decide(carol, paragraphs[2], offered, "rejected")
    assert _learned(dave, paragraphs[2]) == []
    row = db.scalar(select(LearnedSpan).where(LearnedSpan.key == "meqdad"))
    assert (row.submissions, row.acceptances, row.rejections) == (1, 0, 2)
    rates = outcomes.outcomes_by_kind(db)
    assert rates["learned"].rejected == 2


def test_an_accepted_learned_suggestion_is_counted_by_kind(
    api_as: Callable[..., Api], paragraphs: list[str], db: Session
) -> None:
    """Accepting a learned suggestion is recorded with its kind, so acceptance per kind is
    measurable; registry and cue suggestions are told apart by theirs."""
    alice, bob = api_as("alice"), api_as("bob")
    _submit_meqdad(alice, paragraphs[0])
    (offered,) = _learned(bob, paragraphs[2])
    entity = {k: offered[k] for k in ("start", "end", "label", "actor")}
    keys = ("id", "kind", "start", "end", "label", "actor")
    _save(
        bob,
        paragraphs[2],
        {
            "entities": [{"id": "e1", **entity, "from_suggestion": True}],
            "suggestions": [{**{k: offered[k] for k in keys}, "decision": "accepted"}],
        },
    )
    rates = outcomes.outcomes_by_kind(db)
    assert (rates["learned"].accepted, rates["learned"].offered) == (1, 1)
    assert rates["learned"].precision == 1.0


def test_a_learned_label_wins_the_span_of_a_registry_match(
    api_as: Callable[..., Api], paragraphs: list[str]
) -> None:
    """ "PLO" is a registry alias (ORGANIZATION, actor plo); once the team labels it
    ARMED_GROUP, one suggestion is offered on its span: the team's label, the actor kept."""
    alice, bob = api_as("alice"), api_as("bob")
    text = PARAGRAPHS[0]
    start = text.index("PLO")
    entity = {"id": "e1", "start": start, "end": start + 3, "label": "ARMED_GROUP", "actor": None}
    _save(alice, paragraphs[0], {"entities": [entity]})
    on_span = [
        s for s in _open(bob, paragraphs[3])["suggestions"]["entities"] if s["text"] == "PLO"
    ]
    assert [(s["source"], s["label"], s["actor"]) for s in on_span] == [
        ("learned", "ARMED_GROUP", "plo")
    ]


def test_arabic_cues_titles_and_speakers_are_offered(
    api_as: Callable[..., Api], paragraphs: list[str]
) -> None:
    """In the Arabic paragraph وقال and وأكدت (whole words) are cues and the minister's name
    is a PERSON."""
    body = _open(api_as("alice"), paragraphs[4])
    assert [(c["text"], c["source"]) for c in body["suggestions"]["cues"]] == [
        ("وقال", "cue"),
        ("وأكدت", "cue"),
    ]
    people = [(s["text"], s["label"], s["source"]) for s in body["suggestions"]["entities"]]
    assert ("فيصل المقداد", "PERSON", "title") in people


def test_opening_paragraphs_does_not_reread_what_was_learned(
    app: Flask, api_as: Callable[..., Api], paragraphs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a submission the learned matcher is rebuilt once; paragraph after paragraph,
    no query reads learned_spans or the annotations to suggest."""
    alice, bob = api_as("alice"), api_as("bob")
    _submit_meqdad(alice, paragraphs[0])
    _learned(bob, paragraphs[1])  # rebuilt here
    with app.app_context():
        engine = get_engine()
    with statements(engine) as seen:
        for paragraph_id in paragraphs[1:]:
            _learned(bob, paragraph_id)
    assert not [s for s in seen if "learned_spans" in s or "annotation_entities" in s], seen
    monkeypatch.setattr(learning, "RECHECK_SECONDS", 0.0)
    with statements(engine) as seen:
        _learned(bob, paragraphs[2])
    # Asking whether another process changed it costs one row, not the table.
    assert [s for s in seen if "learned_state" in s] and not [
        s for s in seen if "learned_spans" in s
    ]


def test_what_another_process_teaches_is_offered_once_the_matcher_looks_again(
    app: Flask, api_as: Callable[..., Api], paragraphs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server worker sees what another worker learned (its generation moved) within the
    recheck interval, without a restart."""
    bob = api_as("bob")
    assert _learned(bob, paragraphs[2]) == []
    with app.app_context():
        url = get_engine().url
    other_process = create_engine(url)
    with Session(other_process) as session:
        session.add(
            LearnedSpan(
                key="yarmouk camp",
                label="LOCATION",
                actor_key="",
                spelling="Yarmouk camp",
                submissions=1,
            )
        )
        session.execute(text("INSERT INTO learned_state (id, generation) VALUES (1, 99)"))
        session.commit()
    other_process.dispose()
    monkeypatch.setattr(learning, "RECHECK_SECONDS", 0.0)
    assert [(s["text"], s["label"]) for s in _learned(bob, paragraphs[2])] == [
        ("Yarmouk camp", "LOCATION")
    ]
