"""Exports: every line valid against the shipped schema, spans checked, filters, splits, the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jsonschema import Draft202012Validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from annotator.export import ExportRequest, registry_path, write_export
from annotator.export.reader import RecordReader, consistent_reads
from annotator.extensions import get_engine
from annotator.models import Actor, Annotation, Paragraph

from .conftest import Api


def _schema_validator() -> Draft202012Validator:
    schema = json.loads(
        resources.files("annotator").joinpath("schemas/annotator.v2.schema.json").read_text("utf-8")
    )
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _check_lines(lines: list[bytes]) -> list[dict[str, Any]]:
    """Every line is valid annotator.v2 and every span's text matches its offsets (a stance's
    target, always an object, carries its entity's span when it names one)."""
    validator = _schema_validator()
    records = []
    for number, line in enumerate(lines, start=1):
        record = orjson.loads(line)
        errors = list(validator.iter_errors(record))
        assert not errors, f"line {number}: {errors[0].message}"
        text_ = record["text"]
        for entity in record["entities"]:
            assert text_[entity["start"] : entity["end"]] == entity["text"]
        for quote in record["quotes"]:
            assert (
                text_[quote["content"]["start"] : quote["content"]["end"]]
                == quote["content"]["text"]
            )
            if quote["cue"]:
                assert text_[quote["cue"]["start"] : quote["cue"]["end"]] == quote["cue"]["text"]
        entities = {entity["id"]: entity for entity in record["entities"]}
        for stance in record["stances"]:
            target = stance["target"]
            assert text_[target["start"] : target["end"]] == target["text"]
            if target["entity"] is not None:
                named = entities[target["entity"]]
                assert (named["start"], named["end"]) == (target["start"], target["end"])
        records.append(record)
    return records


def test_cli_export_writes_valid_records_and_the_registry_beside_them(
    runner: FlaskCliRunner, annotated: dict[str, Any], tmp_path: Path
) -> None:
    """The default export has every submitted annotation, each line valid, actors in a side file."""
    out = tmp_path / "labels.jsonl"
    result = runner.invoke(args=["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = _check_lines(out.read_bytes().splitlines())
    assert len(records) == 8
    assert {r["status"] for r in records} == {"submitted"}
    first = records[0]
    assert first["id"] == f"{first['paragraph_id']}/{first['annotator']}"
    assert first["entities"][1]["actor"] == {
        "id": "islamic-state",
        "name": "Islamic State",
        "type": "REBEL_GROUP",
    }
    assert first["stances"][0]["target"]["text"] == first["entities"][1]["text"]
    registry = json.loads((tmp_path / "labels.actors.json").read_text(encoding="utf-8"))
    assert registry["schema"] == "annotator.actors.v1"
    assert "ISIS" in next(a for a in registry["actors"] if a["key"] == "islamic-state")["aliases"]
    assert "8 record(s)" in result.output


def test_ids_are_stable_across_exports(
    runner: FlaskCliRunner, annotated: dict[str, Any], tmp_path: Path
) -> None:
    """Two exports of the same data agree line for line."""
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    runner.invoke(args=["export", "--out", str(one)])
    runner.invoke(args=["export", "--out", str(two)])
    assert one.read_bytes() == two.read_bytes()


def test_filters_status_annotator_document_since(
    runner: FlaskCliRunner, annotated: dict[str, Any], tmp_path: Path, db: Session
) -> None:
    """Each filter narrows the export to what it names."""

    def export(*args: str) -> list[dict[str, Any]]:
        out = tmp_path / "f.jsonl"
        result = runner.invoke(args=["export", "--out", str(out), *args])
        assert result.exit_code == 0, result.output
        return _check_lines(out.read_bytes().splitlines())

    assert len(export("--status", "all")) == 9
    assert {r["status"] for r in export("--status", "all")} == {"submitted", "draft"}
    assert {r["annotator"] for r in export("--annotator", "bob")} == {"bob"}
    document = annotated["documents"][1]
    assert {r["document_id"] for r in export("--document", document)} == {document}
    assert len(export("--document", document)) == 3
    db.execute(update(Annotation).values(updated_at=datetime(2020, 1, 1, tzinfo=UTC)))
    db.commit()
    assert export("--since", "2021-01-01") == []
    assert len(export("--since", "2019-12-31")) == 8
    assert export("--status", "gold") == []  # nothing adjudicated yet
    gold = runner.invoke(args=["export", "--out", "-", "--status", "gold", "--annotator", "bob"])
    assert gold.exit_code != 0 and "gold annotations have no annotator" in gold.output
    bad = runner.invoke(args=["export", "--out", str(tmp_path / "x.jsonl"), "--since", "yesterday"])
    assert bad.exit_code != 0 and "not a date" in bad.output
    nobody = runner.invoke(
        args=["export", "--out", str(tmp_path / "x.jsonl"), "--annotator", "zed"]
    )
    assert nobody.exit_code != 0 and "no user 'zed'" in nobody.output


def test_split_is_deterministic_and_keeps_documents_whole(
    runner: FlaskCliRunner, annotated: dict[str, Any], tmp_path: Path
) -> None:
    """The same seed gives the same split; no document is in two sets; split files exist."""
    out = tmp_path / "s.jsonl"
    runner.invoke(args=["export", "--out", str(out), "--split", "50/25/25", "--seed", "7"])
    records = _check_lines(out.read_bytes().splitlines())
    sets: dict[str, set[str]] = {}
    for record in records:
        sets.setdefault(record["document_id"], set()).add(record["split"])
    assert all(len(names) == 1 for names in sets.values())
    again = tmp_path / "t.jsonl"
    runner.invoke(args=["export", "--out", str(again), "--split", "50/25/25", "--seed", "7"])
    assert again.read_bytes() == out.read_bytes()
    folder = tmp_path / "folder"
    result = runner.invoke(
        args=["export", "--out", str(folder), "--split", "50/25/25", "--seed", "7", "--split-files"]
    )
    assert result.exit_code == 0, result.output
    written = {
        name: _check_lines((folder / f"{name}.jsonl").read_bytes().splitlines())
        for name in ("train", "dev", "test")
    }
    assert sum(len(v) for v in written.values()) == len(records)
    for name, lines in written.items():
        assert {r["split"] for r in lines} <= {name}
    assert not list(folder.glob("*.json")), "the registry must stay out of the data folder"
    assert (tmp_path / "folder.actors.json").is_file()


def _corrupt_stored_offset(db: Session, victim: Annotation, paragraph: Paragraph) -> str:
    """The stored record layers claim an entity ends 40 characters past the text."""
    layers = orjson.loads(victim.record_layers)
    layers["entities"][1]["end"] = len(paragraph.text) + 40
    db.execute(
        update(Annotation)
        .where(Annotation.id == victim.id)
        .values(record_layers=orjson.dumps(layers).decode())
    )
    return "entities.e2"


def _store_layers(db: Session, victim: Annotation, layers: dict[str, Any]) -> None:
    db.execute(
        update(Annotation)
        .where(Annotation.id == victim.id)
        .values(record_layers=orjson.dumps(layers).decode())
    )


def _corrupt_stance_target(db: Session, victim: Annotation, paragraph: Paragraph) -> str:
    """The stored stance target's text no longer matches its offsets."""
    layers = orjson.loads(victim.record_layers)
    layers["stances"][0]["target"]["text"] = "Daesh"
    _store_layers(db, victim, layers)
    return "stances.s1.target"


def _corrupt_quote_cue(db: Session, victim: Annotation, paragraph: Paragraph) -> str:
    """A cue added outside annotator, with an empty range that "matches" an empty text."""
    layers = orjson.loads(victim.record_layers)
    layers["quotes"][0]["cue"] = {"start": 3, "end": 3, "text": ""}
    _store_layers(db, victim, layers)
    return "quotes.q1.cue"


def _corrupt_quote_content(db: Session, victim: Annotation, paragraph: Paragraph) -> str:
    """The stored quote content starts one character later than its text."""
    layers = orjson.loads(victim.record_layers)
    layers["quotes"][0]["content"]["start"] += 1
    _store_layers(db, victim, layers)
    return "quotes.q1.content"


def _change_paragraph_text(db: Session, victim: Annotation, paragraph: Paragraph) -> str:
    """The text under the offsets changed after the annotation was saved."""
    db.execute(
        update(Paragraph).where(Paragraph.id == paragraph.id).values(text="» " + paragraph.text)
    )
    return "entities.e1"


@pytest.mark.parametrize(
    "corrupt",
    [
        _corrupt_stored_offset,
        _corrupt_stance_target,
        _corrupt_quote_content,
        _corrupt_quote_cue,
        _change_paragraph_text,
    ],
)
def test_corrupted_offset_aborts_the_export_naming_the_record(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    db: Session,
    corrupt: Callable[[Session, Annotation, Paragraph], str],
) -> None:
    """A span whose text no longer matches stops the export, names the record, writes no file."""
    victim = db.scalars(select(Annotation).order_by(Annotation.id)).first()
    paragraph = db.get(Paragraph, victim.paragraph_id)
    item = corrupt(db, victim, paragraph)
    db.commit()
    out = tmp_path / "broken.jsonl"
    result = runner.invoke(args=["export", "--out", str(out)])
    assert result.exit_code != 0
    assert f"{victim.paragraph_id}/alice" in result.output
    assert item in result.output
    assert not out.exists() and not list(tmp_path.glob(".export-*"))


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        ('{"entities": [', "truncated"),
        (
            '{"entities": [{"id": "e1", "start": "0"}], "stances": [], "quotes": []}',
            "Expected `int`",
        ),
        ('{"entities": [], "stances": []}', "missing required field `quotes`"),
    ],
)
def test_unreadable_stored_layers_abort_the_export_naming_the_record(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    db: Session,
    stored: str,
    problem: str,
) -> None:
    """Layers changed outside annotator into something a save never writes stop the export
    with the record and the problem named, and leave no file."""
    victim = db.scalars(select(Annotation).order_by(Annotation.id.desc())).first()
    db.execute(update(Annotation).where(Annotation.id == victim.id).values(record_layers=stored))
    db.commit()
    out = tmp_path / "broken.jsonl"
    result = runner.invoke(args=["export", "--out", str(out), "--status", "all"])
    assert result.exit_code != 0
    assert f"record {victim.paragraph_id}/" in result.output
    assert "stored layers cannot be read" in result.output and problem in result.output
    assert not out.exists() and not list(tmp_path.glob(".export-*"))


def test_export_follows_edits_and_registry_changes(
    runner: FlaskCliRunner, annotated: dict[str, Any], tmp_path: Path, db: Session
) -> None:
    """A save that changes the layers, and a renamed actor, show in the next export."""
    alice = annotated["alice"]
    first = db.scalars(select(Annotation).order_by(Annotation.id)).first()
    paragraph = db.get(Paragraph, first.paragraph_id)
    saved = alice.get(f"/api/paragraphs/{paragraph.id}").get_json()["annotation"]
    body = {key: saved[key] for key in ("version", "status", "entities", "stances", "quotes")}
    body["entities"][0]["label"] = "ORGANIZATION"
    body["stances"] = []
    assert alice.put(f"/api/paragraphs/{paragraph.id}/annotation", body).status_code == 200
    db.execute(
        update(Actor).where(Actor.key == "islamic-state").values(name="Islamic State (ISIS)")
    )
    db.commit()
    out = tmp_path / "after.jsonl"
    assert runner.invoke(args=["export", "--out", str(out)]).exit_code == 0
    records = _check_lines(out.read_bytes().splitlines())
    edited = next(r for r in records if r["paragraph_id"] == paragraph.id)
    assert edited["entities"][0]["label"] == "ORGANIZATION"
    assert edited["stances"] == []
    assert edited["updated_at"] > edited["created_at"]
    assert {r["entities"][1]["actor"]["name"] for r in records} == {"Islamic State (ISIS)"}


def export_while_an_actor_is_renamed(
    app: Flask, db: Session, target: Path, format_: str = "annotator"
) -> tuple[dict[str, str], dict[str, str]]:
    """Export while a reviewer renames the linked actor (once records have been read);
    return the actor names the records carry and those of the registry written beside
    them, by key."""
    renamed: list[bool] = []

    def rename_once(_count: int) -> None:
        if not renamed:
            db.execute(update(Actor).where(Actor.key == "islamic-state").values(name="Daesh"))
            db.commit()
            renamed.append(True)

    with app.app_context():
        write_export(get_engine(), ExportRequest(format=format_), target, on_records=rename_once)
    assert renamed
    in_records = {
        entity["actor"]["id"]: entity["actor"]["name"]
        for record in _check_lines(target.read_bytes().splitlines())
        for entity in record["entities"]
        if entity["actor"]
    }
    registry = orjson.loads(registry_path(target).read_bytes())["actors"]
    return in_records, {actor["key"]: actor["name"] for actor in registry}


def test_records_and_registry_agree_when_an_actor_is_renamed_during_the_export(
    app: Flask, annotated: dict[str, Any], tmp_path: Path, db: Session
) -> None:
    """The registry beside the records is the one the records were read with: an actor
    renamed while the export runs keeps its earlier name in both, and the next export
    shows the new name in both."""
    in_records, in_registry = export_while_an_actor_is_renamed(app, db, tmp_path / "a.jsonl")
    assert in_records == {"islamic-state": "Islamic State"}
    assert in_registry["islamic-state"] == "Islamic State"
    in_records, in_registry = export_while_an_actor_is_renamed(app, db, tmp_path / "b.jsonl")
    assert in_records == {"islamic-state": "Daesh"} and in_registry["islamic-state"] == "Daesh"


def test_a_line_is_the_record_encoded(annotated: dict[str, Any], app: Flask) -> None:
    """Spliced lines are byte for byte what encoding the whole record gives, split or not."""
    with app.app_context(), consistent_reads(get_engine()) as reading:
        records = list(RecordReader(reading, ExportRequest(status="all")).records())
        assert len(records) == 9
        for number, record in enumerate(records):
            if number % 2:
                record.split = "dev"
            assert record.as_line() == orjson.dumps(record.as_dict()) + b"\n"
            assert list(record.as_dict())[-1] == ("split" if number % 2 else "updated_at")


def _download(api: Api, path: str) -> tuple[int, bytes, dict[str, str]]:
    """GET a streamed export and close it, as a WSGI server does when the download ends."""
    response = api.get(path)
    try:
        return response.status_code, response.get_data(), dict(response.headers)
    finally:
        response.close()


def test_api_export_streams_and_limits_annotators_to_their_own(
    annotated: dict[str, Any], client: FlaskClient
) -> None:
    """Token holders download the same records; an annotator gets only their own."""
    reviewer, bob = annotated["reviewer"], annotated["bob"]
    status, body, headers = _download(reviewer, "/api/export?split=80/10/10")
    assert status == 200
    assert headers["Content-Type"].startswith("application/x-ndjson")
    assert "attachment" in headers["Content-Disposition"]
    records = _check_lines(body.splitlines())
    assert len(records) == 8 and all("split" in r for r in records)
    own = _check_lines(_download(bob, "/api/export")[1].splitlines())
    assert {r["annotator"] for r in own} == {"bob"} and len(own) == 2
    assert _download(bob, "/api/export?annotator=alice")[0] == 403
    assert _download(reviewer, "/api/export?status=wrong")[0] == 422
    assert _download(reviewer, "/api/export?split=1-2-3")[0] == 422
    assert client.get("/api/export").status_code == 401


def test_the_command_says_when_a_set_is_empty_and_when_spans_overlap(
    runner: FlaskCliRunner, annotated: dict[str, Any], tmp_path: Path
) -> None:
    """If this fails, an ML engineer trains on an empty dev set, or imports overlapping spans
    into doccano without being told to allow them."""
    document = annotated["documents"][0]
    one = runner.invoke(
        args=[
            "export",
            "--out",
            str(tmp_path / "one.jsonl"),
            "--document",
            document,
            "--split",
            "80/10/10",
        ]
    )
    assert one.exit_code == 0, one.output
    assert "Note: dev and test are empty: 1 document for 3 sets with a share" in one.output
    three = runner.invoke(
        args=["export", "--out", str(tmp_path / "all.jsonl"), "--split", "80/10/10"]
    )
    assert three.exit_code == 0 and "are empty" not in three.output
    assert (
        "train 0 " not in three.output
        and "dev 0 " not in three.output
        and "test 0 " not in three.output
    )
    # Every record of the fixture has a quote whose content holds an entity: they overlap.
    doccano = runner.invoke(
        args=["export", "--out", str(tmp_path / "d.jsonl"), "--format", "doccano"]
    )
    assert "Note: 8 of 8 examples have overlapping spans" in doccano.output
    assert '"Allow overlapping spans" on' in doccano.output
