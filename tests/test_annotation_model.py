"""The annotation model alone (no app, no database): its forms convert into each other without
losing anything, and the one span check says what is wrong with a span."""

from __future__ import annotations

import msgspec
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.annotation.model import (
    Content,
    Decision,
    Entity,
    Quote,
    RecordActor,
    RecordLayers,
    Span,
    Stance,
    span_problem,
)
from annotator.annotation.record import (
    Record,
    SpanMismatch,
    StoredLayersUnreadable,
    checked_layers,
    encode_layers,
    read_layers,
)

TEXT = "“Syria and the PLO fight terrorism 👨‍👩‍👧,” said Meqdad, according to SANA."
ACTORS = {
    "syrian-government": RecordActor("syrian-government", "Syrian government", "STATE_FORCES"),
    "plo": RecordActor("plo", "Palestine Liberation Organization", "POLITICAL_MILITIA"),
}


def _at(fragment: str) -> Span:
    start = TEXT.index(fragment)
    return Span(start, start + len(fragment))


def _content() -> Content:
    syria, plo, meqdad = _at("Syria"), _at("PLO"), _at("Meqdad")
    return Content(
        status="submitted",
        comment="check the cue",
        flagged=False,
        entities=[
            Entity("e1", syria.start, syria.end, "STATE_ACTOR", "syrian-government"),
            Entity("e2", plo.start, plo.end, "ORGANIZATION", "plo", from_suggestion=True),
            Entity("e4", meqdad.start, meqdad.end, "PERSON"),
        ],
        stances=[
            Stance("s1", "e1", "e2", "SUPPORT", "q1"),
            Stance("s2", "e4", _at("terrorism 👨‍👩‍👧"), "OPPOSE"),
        ],
        quotes=[
            Quote(
                id="q1",
                speaker="e4",
                cue=_at("said"),
                content=_at("Syria and the PLO fight terrorism"),
                type="DIRECT",
            )
        ],
        suggestions=[Decision("sug-e-1-6", "entity", 1, 6, "accepted", "STATE_ACTOR", "syria")],
    )


def test_payload_round_trip_keeps_everything() -> None:
    """What the API returns for an annotation reads back as the same content (the history
    row is this payload)."""
    content = _content()
    payload = content.to_payload()
    assert payload["stances"][1]["target"] == {"start": 25, "end": 40}
    assert Content.from_payload(orjson.loads(orjson.dumps({"version": 3, **payload}))) == content


def test_an_old_history_row_with_floats_still_reads() -> None:
    """A history row an older version stored with 5.0 for 5 opens instead of failing."""
    payload = _content().to_payload()
    payload["entities"][0]["end"] = float(payload["entities"][0]["end"])
    assert Content.from_payload(payload).entities[0].end == _content().entities[0].end


def test_record_layers_carry_span_texts_and_actor_details() -> None:
    """A record's entity has its text and its actor's name; a stance's text target its text."""
    layers = _content().record_layers(TEXT, ACTORS)
    first = layers.entities[0]
    assert (first.text, first.actor) == ("Syria", ACTORS["syrian-government"])
    assert layers.entities[2].actor is None
    assert layers.stances[1].target.text == "terrorism 👨‍👩‍👧"
    assert layers.quotes[0].cue.text == "said"


def test_record_layers_read_back_as_the_content() -> None:
    """Exported layers imported again give the same content, apart from what a record does
    not carry (whether an entity came from a suggestion, the suggestion decisions)."""
    content = _content()
    record = orjson.loads(encode_layers(content, TEXT, ACTORS))
    layers = read_layers({"id": "p/alice", "text": TEXT, **record})
    back = layers.content(content.status, content.comment, content.flagged)
    assert back.stances == content.stances and back.quotes == content.quotes
    assert [(e.id, e.start, e.end, e.label, e.actor) for e in back.entities] == [
        (e.id, e.start, e.end, e.label, e.actor) for e in content.entities
    ]


def test_rows_name_their_references() -> None:
    """Table rows keep item order and split a stance target into an entity or a span."""
    rows = _content().rows()
    assert [r["local_id"] for r in rows["annotation_entities"]] == ["e1", "e2", "e4"]
    assert [r["position"] for r in rows["annotation_entities"]] == [0, 1, 2]
    entity_target, span_target = rows["annotation_stances"]
    assert entity_target["target_entity"] == "e2" and entity_target["target_start"] is None
    assert span_target["target_entity"] is None and span_target["target_end"] == 40
    assert rows["suggestion_decisions"][0]["actor_key"] == "syria"


@pytest.mark.parametrize(
    ("start", "end", "claimed", "problem"),
    [
        (0, 1, "“", None),
        (1, 6, "Syria", None),
        (5, 5, None, "start (5) must be less than end (5)"),
        (-1, 2, None, "start (-1) must be less than end (2)"),
        (0, 999, None, "past the end of the paragraph"),
        (1, 6, "Syrie", "does not match the paragraph"),
        (3, 3, "", "must be less than end"),
    ],
)
def test_span_problem_names_what_is_wrong(
    start: int, end: int, claimed: str | None, problem: str | None
) -> None:
    """Empty, reversed, overlong and mismatched spans are refused, each with its reason."""
    found = span_problem(TEXT, start, end, claimed)
    assert (found is None) if problem is None else (problem in found)


@given(st.text(min_size=1, max_size=60), st.data())
def test_every_span_of_any_text_round_trips_through_a_record(
    text: str, data: st.DataObject
) -> None:
    """Whatever the text (astral characters, combining marks, right-to-left), a span's
    offsets and text survive encoding into a record and reading it back."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    content = Content("submitted", entities=[Entity("e1", start, end, "PERSON")])
    stored = encode_layers(content, text, {})
    assert checked_layers("p/a", text, stored, {}) == stored
    layers = msgspec.json.decode(stored, type=RecordLayers)
    assert layers.entities[0].text == text[start:end]
    assert layers.content("submitted", None, False).entities == content.entities


def test_checked_layers_refuse_a_span_that_no_longer_fits_the_text() -> None:
    """A stored span over a changed text stops the export naming the record and the item."""
    stored = encode_layers(_content(), TEXT, ACTORS)
    with pytest.raises(
        SpanMismatch, match=r"record p/alice: entities\.e1 claims .Syria. but the paragraph has"
    ):
        checked_layers("p/alice", "» " + TEXT, stored, ACTORS)
    with pytest.raises(StoredLayersUnreadable, match="p/alice"):
        checked_layers("p/alice", TEXT, stored[:-3], ACTORS)


def test_checked_layers_bring_renamed_actors_up_to_date() -> None:
    """An actor renamed since the save shows its new name; nothing else of the line moves."""
    stored = encode_layers(_content(), TEXT, ACTORS)
    renamed = {**ACTORS, "plo": RecordActor("plo", "PLO", "POLITICAL_MILITIA")}
    assert checked_layers("p/a", TEXT, stored, ACTORS) is stored
    expected = orjson.loads(stored)
    expected["entities"][1]["actor"]["name"] = "PLO"
    assert orjson.loads(checked_layers("p/a", TEXT, stored, renamed)) == expected


@pytest.mark.parametrize("split", [None, "dev"])
def test_a_spliced_line_is_the_record_encoded(split: str | None) -> None:
    """The line an export writes is byte for byte the record encoded whole."""
    record = Record(
        head={"schema": "annotator.v1", "id": "p/a", "text": TEXT, "comment": None},
        layers_json=encode_layers(_content(), TEXT, ACTORS),
        created_at="2026-01-01T10:00:00+00:00",
        updated_at="2026-01-02T10:00:00.250000+00:00",
        split=split,
    )
    assert record.as_line() == orjson.dumps(record.as_dict()) + b"\n"
