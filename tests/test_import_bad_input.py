"""Files a JSON Schema lets by or a parser chokes on (7.0 where an integer belongs, lone
surrogates, nesting 100,000 deep, NUL and other control characters, an overlong title) are
refused by file, line and field, on SQLite and PostgreSQL alike, and nothing of them is
stored. (Text files with control characters were refused so before, as test_importer
checks; records' parser, orjson, already refused lone surrogates and deep nesting.)"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.ingest import record_lines
from annotator.models import Actor, ActorAlias, Annotation, Document, Paragraph, PreAnnotation

from .conftest import TEST_PASSWORD
from .golden_corpus import GOLDEN

DEEP = 100_000
TABLES = (Document, Paragraph, Actor, ActorAlias, Annotation, PreAnnotation)


def _counts(db: Session) -> dict[str, int]:
    db.rollback()
    return {t.__tablename__: db.scalar(select(func.count()).select_from(t)) for t in TABLES}


def _import(runner: FlaskCliRunner, path: Path, *args: str) -> str:
    result = runner.invoke(args=["import", str(path), *args])
    assert result.exit_code == 1, result.output
    assert "unexpected error" not in result.output
    return result.output


def _deep(opening: bytes, closing: bytes) -> bytes:
    return opening * DEEP + closing * DEEP


ARTICLE_LINES: list[Any] = [
    pytest.param(
        b'{"title": "Fine", "text": "Fine."}\n{"title": "B", "text": "bad \\udc00 half."}\n',
        ":2: $.text: lone surrogate U+DC00",
        id="lone surrogate",
    ),
    pytest.param(
        b'{"title": "A", "text": "x.", "meta": {"deep": ' + _deep(b"[", b"]") + b"}}\n",
        ":1: the line is JSON nested more than 64 levels deep",
        id="100,000 levels deep",
    ),
    pytest.param(
        b'{"title": "' + b"t" * 301 + b'", "text": "x."}\n',
        ":1: $.title: 301 characters; a title has at most 300",
        id="title of 301 characters",
    ),
]


@pytest.mark.parametrize(("content", "message"), ARTICLE_LINES)
def test_bad_article_lines_are_refused_by_line_and_field(
    runner: FlaskCliRunner, db: Session, tmp_path: Path, content: bytes, message: str
) -> None:
    """An articles file with such a line names the line and the field; nothing is stored."""
    path = tmp_path / "articles.jsonl"
    path.write_bytes(content)
    before = _counts(db)
    output = _import(runner, path)
    assert f"{path}{message}" in output
    assert _counts(db) == before


def test_a_utf16_file_with_half_a_surrogate_pair_is_refused_by_line(
    runner: FlaskCliRunner, db: Session, tmp_path: Path
) -> None:
    """A UTF-16 file that does not decode names its line, as a UTF-8 one does."""
    path = tmp_path / "article.txt"
    path.write_bytes(
        codecs.BOM_UTF16_LE
        + "A headline in UTF-16\r\n\r\nA paragraph, then half a pair:".encode("utf-16-le")
        + b"\x00\xd8"
        + "\r\n".encode("utf-16-le")
    )
    output = _import(runner, path)
    assert f"{path}:3: not UTF-16: bytes 0x00d8 cannot be decoded" in output
    assert _counts(db)["documents"] == 0


def test_a_utf16_file_with_its_bom_imports(db: Session, tmp_path: Path) -> None:
    """Windows editors save "Unicode" text as UTF-16 with a BOM: it reads like UTF-8."""
    from annotator.ingest import import_paths

    path = tmp_path / "notepad.txt"
    path.write_bytes("\ufeffA headline saved by Notepad\r\n\r\nThe body.\r\n".encode("utf-16-le"))
    report = import_paths(db, [path])
    assert not report.rejected, report.files[0].message
    document = db.scalar(select(Document))
    assert document is not None and document.title == "A headline saved by Notepad"
    assert [p.text for p in document.paragraphs] == ["The body."]


REGISTRIES: list[Any] = [
    pytest.param(
        b'{"schema": "annotator.actors.v1",\n "actors": [\n  {"key": "a", "name": "A",'
        b' "type": "MEDIA",\n   "aliases": ["fine", "bad\\u0000"]}]}\n',
        ":4: $.actors[0].aliases[1]: control character U+0000",
        id="NUL in an alias",
    ),
    pytest.param(
        b'{"schema": "annotator.actors.v1",\n "actors": [\n  {"key": "a", "name": "A\\b",'
        b' "type": "MEDIA"}]}\n',
        ":3: $.actors[0].name: control character U+0008",
        id="backspace in a name",
    ),
    pytest.param(
        b'{"schema": "annotator.actors.v1",\n "actors": [\n  {"key": "a", "name": "\\ud800",'
        b' "type": "MEDIA"}]}\n',
        ":3: not valid JSON",
        id="lone surrogate",
    ),
    pytest.param(
        b'{"schema": "annotator.actors.v1",\n "actors": [],\n "description": '
        + _deep(b"[", b"]")
        + b"}\n",
        ":3: not valid JSON: depth limit exceeded",
        id="100,000 levels deep",
    ),
]


@pytest.mark.parametrize(("content", "message"), REGISTRIES)
def test_bad_registries_are_refused_by_line_and_field(
    runner: FlaskCliRunner, db: Session, tmp_path: Path, content: bytes, message: str
) -> None:
    """A registry is one JSON document: the line of the bad string and its path are named."""
    path = tmp_path / "actors.json"
    path.write_bytes(content)
    output = _import(runner, path)
    assert f"{path}{message}" in output
    assert _counts(db)["actors"] == 0


def _with_bad_third_line(change: Callable[[dict[str, Any]], bytes | None]) -> bytes:
    """Three golden records of alice, the third changed (as a dict, or as its bytes)."""
    expected = GOLDEN / "expected" / "submitted.jsonl"
    records = [orjson.loads(line) for line in expected.read_bytes().splitlines()]
    mine = [r for r in records if r["annotator"] == "alice"][:3]
    lines = [orjson.dumps(r) for r in mine]
    lines[2] = change(mine[2]) or orjson.dumps(mine[2])
    return b"".join(line + b"\n" for line in lines)


RECORDS: list[Any] = [
    pytest.param(
        lambda r: r.update(index=7.0),
        "$.index: 7.0 is not written as an integer",
        id="index written 7.0",
    ),
    pytest.param(
        lambda r: r.update(document_title="Title\u0000"),
        "$.document_title: control character U+0000",
        id="NUL in a title",
    ),
    pytest.param(
        lambda r: r.update(comment="beep\u0007"), "$.comment: control character U+0007", id="BEL"
    ),
]


@pytest.mark.parametrize("checking", ["in this process", "in a worker process"])
@pytest.mark.parametrize(("change", "message"), RECORDS)
def test_bad_records_are_refused_by_line_and_field(
    runner: FlaskCliRunner,
    db: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[dict[str, Any]], bytes | None],
    message: str,
    checking: str,
) -> None:
    """A records file whose third line is bad names line 3 (and the field), checked here or
    in a worker process as a large file is; no document, paragraph or annotation is stored."""
    workers = 1 if checking == "in a worker process" else 0
    monkeypatch.setattr(record_lines, "_worker_count", lambda path: workers)
    registry = GOLDEN / "expected" / "registry.actors.json"
    assert runner.invoke(args=["import", str(registry)]).exit_code == 0
    created = runner.invoke(
        args=["create-user", "alice", "--password-stdin"], input=TEST_PASSWORD + "\n"
    )
    assert created.exit_code == 0, created.output
    path = tmp_path / "alice.jsonl"
    path.write_bytes(_with_bad_third_line(change))
    before = _counts(db)
    output = _import(runner, path, "--as", "alice")
    assert f"{path}:3: " in output and message in output
    assert _counts(db) == before
