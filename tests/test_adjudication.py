"""Adjudication into gold: every annotator's work side by side, the gold save, its export."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.models import Document, Paragraph

from .conftest import Api


def _paragraph(db: Session) -> Paragraph:
    return db.scalars(
        select(Paragraph)
        .join(Document, Document.id == Paragraph.document_id)
        .where(Paragraph.is_boilerplate.is_(False))
        .order_by(Document.source, Document.id, Paragraph.position)
    ).first()


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def _words(paragraph: Paragraph) -> tuple[str, str]:
    parts = paragraph.text.split(" ")
    return parts[0], parts[1]


def _submit(api: Api, paragraph: Paragraph, label: str, *, version: int = 0) -> None:
    first, second = _words(paragraph)
    a, b = _span(paragraph.text, first)
    c, d = _span(paragraph.text, second)
    body = {
        "version": version,
        "status": "submitted",
        "entities": [
            {"id": "e1", "start": a, "end": b, "label": label, "actor": None},
            {"id": "e2", "start": c, "end": d, "label": "ORGANIZATION", "actor": None},
        ],
        "stances": [],
        "quotes": [],
    }
    answer = api.put(f"/api/paragraphs/{paragraph.id}/annotation", body)
    assert answer.status_code == 200, answer.get_json()


@pytest.fixture
def disputed(api_as: Callable[..., Api], seeded: None, db: Session) -> dict[str, Any]:
    """alice and bob submitted the first paragraph, labelling its first word differently."""
    paragraph = _paragraph(db)
    alice, bob = api_as("alice"), api_as("bob")
    _submit(alice, paragraph, "PERSON")
    _submit(bob, paragraph, "LOCATION")
    return {"paragraph": paragraph, "alice": alice, "bob": bob, "rita": api_as("rita", "reviewer")}


def _gold_body(paragraph: Paragraph, version: int = 0, **extra: Any) -> dict[str, Any]:
    first, second = _words(paragraph)
    a, b = _span(paragraph.text, first)
    c, d = _span(paragraph.text, second)
    return {
        "version": version,
        "status": "submitted",
        "entities": [
            {"id": "e1", "start": a, "end": b, "label": "PERSON", "actor": None},
            {"id": "e2", "start": c, "end": d, "label": "ORGANIZATION", "actor": None},
        ],
        "stances": [],
        "quotes": [],
        "sources": {"e1": ["alice"], "e2": ["alice", "bob"]},
    } | extra


def test_a_reviewer_sees_every_submitted_annotation_and_saves_gold_with_its_sources(
    disputed: dict[str, Any],
) -> None:
    """If this fails, a reviewer cannot settle a disagreement into one gold annotation."""
    paragraph, rita = disputed["paragraph"], disputed["rita"]
    view = rita.get(f"/api/paragraphs/{paragraph.id}/adjudication").get_json()
    assert [a["annotator"] for a in view["annotations"]] == ["alice", "bob"]
    assert [e["label"] for e in view["annotations"][1]["entities"]] == ["LOCATION", "ORGANIZATION"]
    assert view["gold"]["version"] == 0 and view["gold"]["sources"] == {}
    saved = rita.put(f"/api/paragraphs/{paragraph.id}/gold", _gold_body(paragraph))
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json() == {"version": 1}
    gold = rita.get(f"/api/paragraphs/{paragraph.id}/adjudication").get_json()["gold"]
    assert gold["version"] == 1 and gold["status"] == "gold"
    assert gold["sources"] == {"e1": ["alice"], "e2": ["alice", "bob"]}
    stale = rita.put(f"/api/paragraphs/{paragraph.id}/gold", _gold_body(paragraph))
    assert stale.status_code == 409
    assert stale.get_json()["annotation"]["version"] == 1


@pytest.mark.parametrize(
    ("sources", "path", "words"),
    [
        ({"e9": ["alice"]}, "$.sources.e9", "no item 'e9'"),
        ({"e1": ["mallory"]}, "$.sources.e1", "mallory did not submit this paragraph"),
        ({"e1": "alice"}, "$.sources.e1", "list of usernames"),
        (["alice"], "$.sources", "must be an object"),
    ],
)
def test_gold_with_wrong_sources_is_refused_naming_the_item(
    disputed: dict[str, Any], sources: Any, path: str, words: str
) -> None:
    """If this fails, gold claims to come from someone who never labelled the paragraph."""
    paragraph, rita = disputed["paragraph"], disputed["rita"]
    answer = rita.put(
        f"/api/paragraphs/{paragraph.id}/gold", _gold_body(paragraph, sources=sources)
    )
    assert answer.status_code == 422
    assert any(e["path"] == path and words in e["message"] for e in answer.get_json()["errors"])
    assert (
        rita.get(f"/api/paragraphs/{paragraph.id}/adjudication").get_json()["gold"]["version"] == 0
    )


def test_gold_is_saved_as_submitted_only(disputed: dict[str, Any]) -> None:
    """If this fails, a "skipped" or "draft" gold lands in the training data as gold."""
    paragraph, rita = disputed["paragraph"], disputed["rita"]
    for status in ("skipped", "draft"):
        answer = rita.put(
            f"/api/paragraphs/{paragraph.id}/gold", _gold_body(paragraph, status=status)
        )
        assert answer.status_code == 422
        assert {"path": "$.status", "message": "gold is saved with status submitted"} in (
            answer.get_json()["errors"]
        )


def test_annotators_cannot_read_others_work_or_write_gold(disputed: dict[str, Any]) -> None:
    """If this fails, the batch is not blind: an annotator sees a colleague's labels."""
    paragraph, alice = disputed["paragraph"], disputed["alice"]
    assert alice.get(f"/api/paragraphs/{paragraph.id}/adjudication").status_code == 403
    assert (
        alice.put(f"/api/paragraphs/{paragraph.id}/gold", _gold_body(paragraph)).status_code == 403
    )
    assert alice.get(f"/api/paragraphs/{paragraph.id}?annotator=bob").status_code == 404
    assert alice.get("/api/agreement").status_code == 403
    assert alice.get("/api/export?status=gold").status_code == 403


def test_the_gold_export_holds_one_record_per_adjudicated_paragraph_with_its_sources(
    disputed: dict[str, Any],
) -> None:
    """If this fails, the adjudicated training data never reaches the ML engineer."""
    from annotator.annotation.record import SCHEMA
    from annotator.jsonschemas import load_schema

    paragraph, rita = disputed["paragraph"], disputed["rita"]
    assert (
        rita.put(f"/api/paragraphs/{paragraph.id}/gold", _gold_body(paragraph)).status_code == 200
    )
    lines = rita.get("/api/export?status=gold").get_data(as_text=True).splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["id"] == f"{paragraph.id}/gold"
    assert (record["annotator"], record["status"], record["sources"]) == (
        None,
        "gold",
        ["alice", "bob"],
    )
    assert [e["label"] for e in record["entities"]] == ["PERSON", "ORGANIZATION"]
    import jsonschema

    jsonschema.validate(record, load_schema(SCHEMA))
    submitted = rita.get("/api/export?status=submitted").get_data(as_text=True).splitlines()
    assert len(submitted) == 2 and all('"sources"' not in line for line in submitted)
    for format_ in ("doccano", "prodigy"):
        converted = rita.get(f"/api/export?status=gold&format={format_}")
        assert (
            converted.status_code == 200 and len(converted.get_data(as_text=True).splitlines()) == 1
        )
    import spacy
    from spacy.tokens import DocBin

    docbin = rita.get("/api/export?status=gold&format=spacy")
    assert docbin.status_code == 200
    data = docbin.get_data()
    docbin.close()
    (doc,) = DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab)
    assert [(span.text, span.label_) for span in doc.spans["sc"]] == [
        (paragraph.text.split(" ")[0], "PERSON"),
        (paragraph.text.split(" ")[1], "ORGANIZATION"),
    ]
    folder = rita.get("/api/export?status=gold&format=hf")
    assert folder.status_code == 200 and folder.get_data()[:2] == b"PK"  # a zip
    folder.close()
    refused = rita.get("/api/export?status=gold&annotator=alice")
    assert refused.status_code == 422


def test_agreement_of_the_disputed_paragraph_matches_a_hand_count_in_the_api_and_the_cli(
    disputed: dict[str, Any], app: Any
) -> None:
    """If this fails, the team lead's agreement figures are not the ones a hand count gives.

    alice: {first word PERSON, second word ORGANIZATION}; bob: {first word LOCATION, second
    word ORGANIZATION}: one item in common, F1 = 2 * 1 / (2 + 2) = 0.5 exact and overlapping.
    Both spans were marked by both but neither linked to an actor: actor accuracy is
    undefined (nothing said about actors). No stances: alpha and kappa undefined."""
    figures = disputed["rita"].get("/api/agreement").get_json()
    assert figures["paragraphs"] == 1
    assert figures["entities"]["f1_exact"] == 0.5 and figures["entities"]["f1_overlap"] == 0.5
    assert figures["entities"]["per_label"]["ORGANIZATION"]["f1_exact"] == 1.0
    assert figures["actors"]["accuracy"] is None and figures["actors"]["matched"] == 0
    assert figures["stances"]["alpha"] is None and figures["stances"]["alpha_reason"]
    assert [pair["annotators"] for pair in figures["pairs"]] == [["alice", "bob"]]
    assert figures["disagreements"][0]["paragraph_id"] == disputed["paragraph"].id
    printed = app.test_cli_runner().invoke(args=["agreement", "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["entities"] == figures["entities"]


def test_a_gold_export_imports_back_as_suggestions(
    disputed: dict[str, Any], app: Any, tmp_path: Any
) -> None:
    """If this fails, a gold file from another instance cannot be loaded as pre-annotations."""
    paragraph, rita = disputed["paragraph"], disputed["rita"]
    assert (
        rita.put(f"/api/paragraphs/{paragraph.id}/gold", _gold_body(paragraph)).status_code == 200
    )
    exported = tmp_path / "gold.jsonl"
    exported.write_bytes(rita.get("/api/export?status=gold").get_data())
    result = app.test_cli_runner().invoke(args=["import", str(exported)])
    assert result.exit_code == 0, result.output
    assert "pre-annotations added (offered as suggestions): 1" in result.output
    offered = disputed["alice"].get(f"/api/paragraphs/{paragraph.id}").get_json()
    origins = {s.get("origin") for s in offered["suggestions"]["entities"]}
    assert any(origin and origin.endswith(":gold") for origin in origins), origins


def test_the_agreement_page_opens_on_the_newest_batch_and_ignores_annotations_outside_the_deal(
    disputed: dict[str, Any], api_as: Callable[..., Api], auth: Any
) -> None:
    """If this fails, the lead's batch figures include someone who opened a batch paragraph by
    hand, or the Agreement link computes the whole corpus in one request."""
    paragraph, rita = disputed["paragraph"], disputed["rita"]
    ada = api_as("ada", "admin")
    body = {
        "name": "round",
        "documents": [paragraph.document_id],
        "annotators": ["alice", "carol"],
        "overlap": 2,
    }
    api_as("carol")
    made = ada.client.post("/api/batches", json=body, headers=ada.headers)
    assert made.status_code == 201, made.get_json()
    # alice is dealt the paragraph; bob, outside the batch, labelled it too: not counted.
    figures = rita.get(f"/api/agreement?batch={made.get_json()['id']}").get_json()
    assert figures["paragraphs"] == 0
    assert rita.get("/api/agreement").get_json()["paragraphs"] == 1  # every paragraph: both
    auth.login("rita")
    page = rita.client.get("/agreement").get_data(as_text=True)
    assert "Agreement: batch round" in page
