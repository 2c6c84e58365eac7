"""The rule suggestions as a paragraph offers them through the API (issue 15 §2): the name
after a two-word rank, the person after an Arabic role and its ministry, the ministry and the
camp as named phrases, "told reporters" as one cue; a named phrase accepted is counted as
its own kind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from annotator.models import PreAnnotation
from annotator.suggestions import outcomes

from .conftest import Api, import_article

PARAGRAPHS = [
    "Lieutenant General Abdel Fattah al-Burhan told reporters in Port Sudan that the army "
    "would not negotiate.",
    "قال المتحدث باسم وزارة الصحة أشرف القدرة إن 12 شخصا قتلوا في غارة على مخيم جباليا.",
    "There are clashes between Palestinian factions and the army, said Khaled Abdel Majid.",
]


@pytest.fixture
def paragraphs(app: Flask, seeded: None, tmp_path: Path) -> list[str]:
    """A short article of the three paragraphs; their ids."""
    return import_article(app, tmp_path, "rules", PARAGRAPHS)


def _suggestions(api: Api, paragraph_id: str) -> dict[str, Any]:
    response = api.get(f"/api/paragraphs/{paragraph_id}")
    assert response.status_code == 200
    return response.get_json()


def _entities(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(s["text"], s["label"], s["source"]) for s in body["suggestions"]["entities"]]


def test_a_rank_and_an_addressee_are_read_whole(
    api_as: Callable[..., Api], paragraphs: list[str]
) -> None:
    """After "Lieutenant General" the person is "Abdel Fattah al-Burhan" (once); the cue is
    "told reporters"."""
    body = _suggestions(api_as("alice"), paragraphs[0])
    names = [e for e in _entities(body) if e[1] == "PERSON"]
    assert names == [("Abdel Fattah al-Burhan", "PERSON", "title")]
    assert [c["text"] for c in body["suggestions"]["cues"]] == ["told reporters"]


def test_an_arabic_speaker_his_ministry_and_the_camp_are_offered(
    api_as: Callable[..., Api], paragraphs: list[str], db: Session
) -> None:
    """ "المتحدث باسم وزارة الصحة أشرف القدرة": the person, the ministry and the camp are three
    suggestions; accepting the camp is counted as a named phrase."""
    alice = api_as("alice")
    body = _suggestions(alice, paragraphs[1])
    entities = _entities(body)
    assert ("أشرف القدرة", "PERSON", "title") in entities
    assert ("وزارة الصحة", "STATE_ACTOR", "phrase") in entities
    assert ("مخيم جباليا", "LOCATION", "phrase") in entities
    assert not [e for e in entities if "الصحة أشرف" in e[0]]
    (camp,) = [s for s in body["suggestions"]["entities"] if s["text"] == "مخيم جباليا"]
    keys = ("id", "kind", "start", "end", "label", "actor")
    payload = {
        "version": body["annotation"]["version"],
        "status": "submitted",
        "stances": [],
        "quotes": [],
        "entities": [
            {
                "id": "e1",
                **{k: camp[k] for k in ("start", "end", "label", "actor")},
                "from_suggestion": True,
            }
        ],
        "suggestions": [{**{k: camp[k] for k in keys}, "decision": "accepted"}],
    }
    response = alice.put(f"/api/paragraphs/{paragraphs[1]}/annotation", payload)
    assert response.status_code == 200, response.get_json()
    rates = outcomes.outcomes_by_kind(db)
    assert (rates["phrase"].accepted, rates["phrase"].offered) == (1, 1)


def test_a_nationality_and_a_collective_noun_name_a_group(
    api_as: Callable[..., Api], paragraphs: list[str]
) -> None:
    """ "Palestinian factions" is offered as an ARMED_GROUP; the speaker stays a PERSON."""
    entities = _entities(_suggestions(api_as("alice"), paragraphs[2]))
    assert ("Palestinian factions", "ARMED_GROUP", "phrase") in entities
    assert [e for e in entities if e[0] == "Khaled Abdel Majid"][0][1] == "PERSON"


def test_an_imported_cue_is_not_offered_twice_with_its_addressee(
    api_as: Callable[..., Api], paragraphs: list[str], db: Session
) -> None:
    """A pre-annotation's cue "told" wins its words: the matched "told reporters" over it is
    not offered beside it."""
    text = PARAGRAPHS[0]
    start = text.index("told")
    db.add(
        PreAnnotation(
            paragraph_id=paragraphs[0],
            source="model.jsonl:quotes",
            payload={
                "entities": [],
                "stances": [],
                "quotes": [
                    {
                        "id": "q1",
                        "content": {"start": 0, "end": 10},
                        "cue": {"start": start, "end": start + 4},
                        "speaker": None,
                    }
                ],
            },
        )
    )
    db.commit()
    body = _suggestions(api_as("alice"), paragraphs[0])
    assert [(c["text"], c["source"]) for c in body["suggestions"]["cues"]] == [
        ("told", "pre_annotation")
    ]
