"""annotator.v2 (and v1) files read back: as a user's annotations (the round trip) or as
suggestions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.extensions import get_session
from annotator.ingest import record_lines
from annotator.models import (
    Annotation,
    AnnotationHistory,
    Document,
    Paragraph,
    PreAnnotation,
    User,
)

from .conftest import SEEDS, TEST_PASSWORD, Api
from .golden_corpus import GOLDEN

TIMESTAMPS = ("created_at", "updated_at")


def _records(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _without_timestamps(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in TIMESTAMPS} for r in records]


@pytest.fixture(params=["in this process", "in a worker process"])
def checking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Import in small chunks, the lines checked here or in a worker process as large files are."""
    monkeypatch.setattr(record_lines, "CHUNK", 2)
    workers = 1 if request.param == "in a worker process" else 0
    monkeypatch.setattr(record_lines, "_worker_count", lambda path: workers)
    return str(request.param)


def _empty_site_with_alice(fresh_app: Callable[[], Flask]) -> tuple[Flask, FlaskCliRunner]:
    """A second site: the seed actor registry and a user alice, nothing else."""
    fresh = fresh_app()
    fresh_runner = fresh.test_cli_runner()
    fresh_runner.invoke(args=["import", str(SEEDS / "actors.json")])
    fresh_runner.invoke(
        args=["create-user", "alice", "--password-stdin"], input=TEST_PASSWORD + "\n"
    )
    return fresh, fresh_runner


def test_export_imported_into_a_fresh_database_exports_the_same(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    fresh_app: Callable[[], Flask],
    checking: str,
) -> None:
    """Export, import into an empty database as the same users, export again: same records."""
    first = tmp_path / "first.jsonl"
    assert runner.invoke(args=["export", "--out", str(first)]).exit_code == 0
    original = _records(first)
    fresh = fresh_app()
    fresh_runner = fresh.test_cli_runner()
    for name in ("alice", "bob"):
        result = fresh_runner.invoke(
            args=["create-user", name, "--password-stdin"], input=TEST_PASSWORD + "\n"
        )
        assert result.exit_code == 0, result.output
    registry = tmp_path / "first.actors.json"
    # One of alice's records first: importing all of hers later finds it already there, in
    # the middle of a chunk whose other records are new.
    third = tmp_path / "third.jsonl"
    third.write_bytes(orjson.dumps([r for r in original if r["annotator"] == "alice"][2]) + b"\n")
    result = fresh_runner.invoke(args=["import", str(registry), str(third), "--as", "alice"])
    assert result.exit_code == 0, result.output
    for name in ("alice", "bob"):
        mine = tmp_path / f"{name}.jsonl"
        mine.write_bytes(
            b"".join(orjson.dumps(r) + b"\n" for r in original if r["annotator"] == name)
        )
        result = fresh_runner.invoke(args=["import", str(registry), str(mine), "--as", name])
        assert result.exit_code == 0, result.output
    second = tmp_path / "second.jsonl"
    result = fresh_runner.invoke(args=["export", "--out", str(second)])
    assert result.exit_code == 0, result.output
    again = _records(second)
    key = lambda r: r["id"]  # noqa: E731
    assert sorted(_without_timestamps(again), key=key) == sorted(
        _without_timestamps(original), key=key
    )
    with fresh.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(AnnotationHistory)) == len(original)
        rerun = fresh_runner.invoke(args=["import", str(tmp_path / "alice.jsonl"), "--as", "alice"])
        assert rerun.exit_code == 0 and "already present" in rerun.output
        assert session.scalar(select(func.count()).select_from(Annotation)) == len(original)


def test_records_without_a_user_become_dashed_suggestions(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    db: Session,
    api_as: Callable[..., Api],
) -> None:
    """A model's predictions are offered as suggestions on the paragraph, never as labels."""
    out = tmp_path / "predictions.jsonl"
    runner.invoke(args=["export", "--out", str(out), "--annotator", "bob"])
    result = runner.invoke(args=["import", str(out)])
    assert result.exit_code == 0, result.output
    assert "pre-annotations added (offered as suggestions): 2" in result.output
    record = _records(out)[0]
    carol = api_as("carol")
    body = carol.get(f"/api/paragraphs/{record['paragraph_id']}").get_json()
    offered = [s for s in body["suggestions"]["entities"] if s.get("origin")]
    assert {(s["start"], s["end"], s["label"]) for s in offered} == {
        (e["start"], e["end"], e["label"]) for e in record["entities"]
    }
    assert body["annotation"]["entities"] == []
    assert db.scalar(select(func.count()).select_from(PreAnnotation)) == 2
    again = runner.invoke(args=["import", str(out)])
    assert again.exit_code == 0 and "2 record(s) already present" in again.output


def as_v1(record: dict[str, Any]) -> dict[str, Any]:
    """A v2 record as annotator.v1 wrote it: a stance's target an entity id or a bare span."""

    def target(value: dict[str, Any]) -> str | dict[str, Any]:
        if value["entity"] is not None:
            return str(value["entity"])
        return {k: value[k] for k in ("start", "end", "text")}

    stances = [{**s, "target": target(s["target"])} for s in record["stances"]]
    return {**record, "schema": "annotator.v1", "stances": stances}


@pytest.mark.parametrize("version", ["annotator.v2", "annotator.v1"])
def test_the_golden_export_imported_again_exports_the_same_bytes(
    fresh_app: Callable[[], Flask], tmp_path: Path, version: str
) -> None:
    """Export -> import -> export is byte for byte the same, for every shape the golden export
    has (entity and text targets, quotes without cue or speaker, emoji, Arabic); the same
    records written as annotator.v1 import to the same annotations."""
    expected = (GOLDEN / "expected" / "submitted.jsonl").read_bytes().splitlines(keepends=True)
    records = [orjson.loads(line) for line in expected]
    targets = [s["target"] for r in records for s in r["stances"]]
    assert {t["entity"] is None for t in targets} == {True, False}
    site = fresh_app()
    cli = site.test_cli_runner()
    registry = GOLDEN / "expected" / "registry.actors.json"
    assert cli.invoke(args=["import", str(registry)]).exit_code == 0
    for name in sorted({r["annotator"] for r in records}):
        result = cli.invoke(
            args=["create-user", name, "--password-stdin"], input=TEST_PASSWORD + "\n"
        )
        assert result.exit_code == 0, result.output
        mine = tmp_path / f"{name}.jsonl"
        mine.write_bytes(
            b"".join(
                orjson.dumps(r if version == "annotator.v2" else as_v1(r)) + b"\n"
                for r in records
                if r["annotator"] == name
            )
        )
        result = cli.invoke(args=["import", str(mine), "--as", name])
        assert result.exit_code == 0, result.output
    again = tmp_path / "again.jsonl"
    result = cli.invoke(args=["export", "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert sorted(again.read_bytes().splitlines(keepends=True)) == sorted(expected)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["entities"][0].update(text="wrong"), "entities.e1 claims 'wrong'"),
        (lambda r: r.pop("text"), "'text' is a required property"),
        (lambda r: r["entities"][0].update(label="WIZARD"), "unknown entity type 'WIZARD'"),
        (lambda r: r["entities"][1]["actor"].update(id="nobody"), "import the actor registry"),
        (lambda r: r["entities"][0].update(start=0.0), "$.entities[0].start: Expected `int`"),
        (lambda r: r.update(created_at="2026-06-30T23:59:60Z"), "not a moment this import"),
        (
            lambda r: r["stances"][0]["target"].update(entity="e1"),
            "stances.s1.target names entity 'e1' at [0:",
        ),
        (
            lambda r: r["stances"][0]["target"].update(entity="e9"),
            "target 'e9' is not an entity",
        ),
        (lambda r: r["stances"][0].update(target="e2"), "$.stances[0].target: 'e2' is not of type"),
        (lambda r: r.update(as_v1(r)), None),  # the same record in v1 imports
        (
            lambda r: r.update(as_v1(r), stances=[{**r["stances"][0], "target": "e9"}]),
            "stances.s1.target names 'e9', which is not an entity of this record",
        ),
        (lambda r: r.update(paragraph_id=r["paragraph_id"]), None),  # unchanged: imports
    ],
)
def test_invalid_records_are_rejected_with_file_and_line_and_nothing_stored(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    fresh_app: Callable[[], Flask],
    change: Callable[[dict[str, Any]], None],
    message: str | None,
) -> None:
    """A bad third line rejects the file by name and line; the fresh database stays empty."""
    out = tmp_path / "export.jsonl"
    runner.invoke(args=["export", "--out", str(out), "--annotator", "alice"])
    records = _records(out)
    change(records[2])
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    fresh, fresh_runner = _empty_site_with_alice(fresh_app)
    result = fresh_runner.invoke(args=["import", str(broken), "--as", "alice"])
    if message is None:  # the control: the same file, unbroken, imports
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    assert f"{broken}:3:" in result.output and message in result.output
    with fresh.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).select_from(Annotation)) == 0


def test_import_as_unknown_user_is_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """--as names an account that must exist."""
    path = tmp_path / "x.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--as", "ghost"])
    assert result.exit_code != 0 and "no user 'ghost'" in result.output


def test_records_for_paragraphs_with_other_text_are_rejected(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    db: Session,
    make_user: Callable[..., User],
) -> None:
    """Offsets only make sense on the same text: a changed paragraph text rejects the file."""
    out = tmp_path / "export.jsonl"
    runner.invoke(args=["export", "--out", str(out)])
    records = [r for r in _records(out) if r["annotator"] == "alice"]
    records[0]["text"] = records[0]["text"] + " (edited)"
    bad = tmp_path / "edited.jsonl"
    bad.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    make_user("dora")
    result = runner.invoke(args=["import", str(bad), "--as", "dora"])
    assert result.exit_code == 1 and "exists with another text" in result.output


def test_a_paragraph_twice_in_one_file_is_rejected(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    fresh_app: Callable[[], Flask],
    checking: str,
) -> None:
    """The same paragraph twice for one user, chunks apart, names the second line; no rows."""
    out = tmp_path / "export.jsonl"
    runner.invoke(args=["export", "--out", str(out), "--annotator", "alice"])
    records = _records(out)
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in [*records, records[0]]))
    fresh, fresh_runner = _empty_site_with_alice(fresh_app)
    result = fresh_runner.invoke(args=["import", str(doubled), "--as", "alice"])
    assert result.exit_code == 1
    assert f"{doubled}:{len(records) + 1}:" in result.output and "twice" in result.output
    with fresh.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Annotation)) == 0
        assert session.scalar(select(func.count()).select_from(AnnotationHistory)) == 0


def test_one_paragraph_with_two_texts_in_one_file_is_refused(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    fresh_app: Callable[[], Flask],
) -> None:
    """Two records give one new paragraph different texts: the file is refused naming both
    lines, instead of storing one text under the other's fingerprint."""
    out = tmp_path / "export.jsonl"
    runner.invoke(args=["export", "--out", str(out)])
    first = _records(out)[0]
    second = {**first, "annotator": "bob", "text": first["text"] + " (corrected)"}
    doubled = tmp_path / "two-texts.jsonl"
    doubled.write_bytes(orjson.dumps(first) + b"\n" + orjson.dumps(second) + b"\n")
    fresh, fresh_runner = _empty_site_with_alice(fresh_app)
    result = fresh_runner.invoke(args=["import", str(doubled)])
    assert result.exit_code == 1
    assert f"{doubled}:2:" in result.output and "another text than on line 1" in result.output
    with fresh.app_context():
        assert get_session().scalar(select(func.count()).select_from(Paragraph)) == 0


def test_predictions_keep_timestamps_they_need_not_read(
    runner: FlaskCliRunner,
    annotated: dict[str, Any],
    tmp_path: Path,
    fresh_app: Callable[[], Flask],
) -> None:
    """Suggestions-only imports never store timestamps, so a lower-case or leap-second one
    does not stop them (as before the redesign)."""
    out = tmp_path / "export.jsonl"
    runner.invoke(args=["export", "--out", str(out)])
    records = _records(out)[:2]
    records[0]["created_at"] = "2026-01-01t10:00:00z"
    records[1]["updated_at"] = "2026-06-30T23:59:60Z"
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    _, fresh_runner = _empty_site_with_alice(fresh_app)
    result = fresh_runner.invoke(args=["import", str(predictions)])
    assert result.exit_code == 0 and "2 pre-annotations" in result.output, result.output
