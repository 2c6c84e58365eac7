"""Payload validation alone (no app, no database): every rule refuses what it should, names the
item, and a valid payload becomes its content."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from annotator.annotation.validation import (
    InvalidPayload,
    Vocabulary,
    payload_limits,
    validate_payload,
)

TEXT = "Meqdad said ISIS attacked Yarmouk 👨‍👩‍👧 on Monday."
VOCABULARY = Vocabulary(
    entity_types=frozenset({"PERSON", "ARMED_GROUP", "LOCATION"}),
    polarities=frozenset({"SUPPORT", "OPPOSE"}),
    quote_types=frozenset({"DIRECT", "INDIRECT"}),
    actor_keys=frozenset({"islamic-state"}),
)
VALID: dict[str, Any] = {
    "version": 2,
    "status": "submitted",
    "comment": None,
    "entities": [
        {"id": "e1", "start": 0, "end": 6, "label": "PERSON", "text": "Meqdad"},
        {"id": "e2", "start": 12, "end": 16, "label": "ARMED_GROUP", "actor": "islamic-state"},
        {"id": "e3", "start": 26, "end": 33, "label": "LOCATION"},
    ],
    "stances": [
        {"id": "s1", "holder": "e1", "target": "e2", "polarity": "OPPOSE", "quote": "q1"},
        {"id": "s2", "holder": "e2", "target": {"start": 17, "end": 33}, "polarity": "SUPPORT"},
    ],
    "quotes": [
        {
            "id": "q1",
            "speaker": "e1",
            "cue": {"start": 7, "end": 11, "text": "said"},
            "content": {"start": 12, "end": 33},
            "type": "INDIRECT",
        }
    ],
    "suggestions": [
        {"id": "sug-e-12-16", "kind": "entity", "start": 12, "end": 16, "decision": "accepted"}
    ],
}


def _errors(change: Any) -> list[tuple[str, str]]:
    payload = copy.deepcopy(VALID)
    change(payload)
    with pytest.raises(InvalidPayload) as caught:
        validate_payload(payload, TEXT, VOCABULARY)
    return [(e.path, e.message) for e in caught.value.errors]


def test_a_valid_payload_becomes_its_content() -> None:
    """Offsets, references and the version come through; span texts are checked, not kept."""
    version, content = validate_payload(copy.deepcopy(VALID), TEXT, VOCABULARY)
    assert version == 2
    assert [e.id for e in content.entities] == ["e1", "e2", "e3"]
    assert content.stances[1].target.end == 33 and content.quotes[0].cue.start == 7
    assert content.suggestions[0].decision == "accepted"


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda p: p["entities"][0].update(end=99), "entities[0]", "past the end"),
        (lambda p: p["entities"][0].update(start=6), "entities[0]", "less than end"),
        (lambda p: p["entities"][0].update(text="Mekdad"), "entities[0]", "does not match"),
        (lambda p: p["entities"][1].update(label="WIZARD"), "entities[1].label", "unknown"),
        (lambda p: p["entities"][1].update(actor="nobody"), "entities[1].actor", "unknown actor"),
        (lambda p: p["entities"][2].update(id="e1"), "entities[2].id", "used twice"),
        (lambda p: p["stances"][0].update(target="e9"), "stances[0].target", "not an entity"),
        (lambda p: p["stances"][0].update(target="e1"), "stances[0].target", "its own target"),
        (lambda p: p["stances"][0].update(holder="e9"), "stances[0].holder", "not an entity"),
        (lambda p: p["stances"][0].update(quote="q9"), "stances[0].quote", "not a quote"),
        (lambda p: p["stances"][1].update(polarity="MEH"), "stances[1].polarity", "unknown"),
        (
            lambda p: p["stances"][1]["target"].update(end=90),
            "stances[1].target",
            "past the end",
        ),
        (lambda p: p["quotes"][0].update(speaker="e7"), "quotes[0].speaker", "not an entity"),
        (lambda p: p["quotes"][0]["cue"].update(text="told"), "quotes[0].cue", "does not match"),
        (lambda p: p["quotes"][0].update(type="SUNG"), "quotes[0].type", "unknown quote type"),
        (lambda p: p.update(flagged=True), "comment", "needs a comment"),
        (lambda p: p["suggestions"][0].update(end=99), "suggestions[0]", "past the end"),
        (lambda p: p["entities"][0].update(end=6.0), "entities[0].end", "(5, not 5.0)"),
        (lambda p: p.update(version=1.0), "version", "whole number"),
        (lambda p: p.update(status="done"), "status", "is not one of"),
        (lambda p: p["entities"].append({"id": "e5"}), "entities[3]", "required property"),
    ],
)
def test_each_rule_names_the_item_it_refuses(change: Any, path: str, message: str) -> None:
    """A broken payload is refused with the path of the item and a reason a person reads."""
    errors = _errors(change)
    assert any(p == path and message in m for p, m in errors), errors


def test_optional_keys_may_be_left_out() -> None:
    """A quote without speaker or cue, a stance without quote, an entity without actor:
    the schema makes them optional, so a script may leave them out."""
    payload = copy.deepcopy(VALID)
    del payload["quotes"][0]["speaker"], payload["quotes"][0]["cue"]
    del payload["stances"][0]["quote"], payload["entities"][0]["text"]
    del payload["comment"], payload["suggestions"]
    _, content = validate_payload(payload, TEXT, VOCABULARY)
    assert (content.quotes[0].speaker, content.quotes[0].cue) == (None, None)
    assert content.stances[0].quote is None and content.entities[0].actor is None


def test_every_problem_is_listed_at_once() -> None:
    """Two mistakes give two errors, so the annotator fixes them in one go."""

    def two(payload: dict[str, Any]) -> None:
        payload["entities"][1]["label"] = "WIZARD"
        payload["quotes"][0]["type"] = "SUNG"

    assert [path for path, _ in _errors(two)] == ["entities[1].label", "quotes[0].type"]


def test_limits_come_from_the_schema() -> None:
    """The limits the browser is told are those the schema enforces."""
    limits = payload_limits()
    assert limits == {
        "entities": 2000,
        "stances": 2000,
        "quotes": 2000,
        "suggestions": 5000,
        "comment": 10000,
    }
    too_many = [{"id": f"e{i}", "start": 0, "end": 1, "label": "PERSON"} for i in range(2001)]
    assert any(
        p == "entities" for p, _ in _errors(lambda payload: payload.update(entities=too_many))
    )
