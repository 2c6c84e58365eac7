"""Golden exports: a fixed database exports, in every format and with every option, exactly the
files committed under tests/golden/expected (record ids, order and timestamps included).

If one fails, an export that ML engineers rely on changed. When a change of format is
intended, regenerate the files with ``UPDATE_GOLDEN=1 make test PYTEST_ARGS=tests/test_golden_exports.py``
and review the diff like code.
"""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from . import golden_corpus
from .conftest import Api

EXPECTED = golden_corpus.GOLDEN / "expected"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture
def golden_app(app: Flask, runner: FlaskCliRunner, api_as: Callable[..., Api]) -> Flask:
    """The app on the golden database."""

    def invoke(args: list[str], input_: str | None = None) -> None:
        result = runner.invoke(args=args, input=input_)
        assert result.exit_code == 0, result.output

    golden_corpus.build(app, invoke, api_as)
    return app


def _spacy_dump(path: Path) -> bytes:
    """A DocBin as JSON lines of what a consumer reads (its bytes depend on spaCy's version)."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("xx").vocab
    lines = []
    for doc in DocBin().from_disk(path).get_docs(vocab):
        lines.append(
            orjson.dumps(
                {
                    "text": doc.text,
                    "tokens": [t.text for t in doc],
                    "ents": [(e.start_char, e.end_char, e.label_) for e in doc.ents],
                    "spans": {
                        name: [(s.start_char, s.end_char, s.label_) for s in group]
                        for name, group in sorted(doc.spans.items())
                    },
                    "user_data": doc.user_data.get("annotator"),
                },
                option=orjson.OPT_SORT_KEYS,
            )
        )
    return b"\n".join(lines) + b"\n"


def _files(target: Path) -> dict[str, bytes]:
    """What an export wrote at ``target`` (a file or a folder), by relative name."""
    paths = sorted(target.rglob("*")) if target.is_dir() else [target]
    found = {}
    for path in paths:
        if path.is_file():
            name = path.relative_to(target.parent).as_posix()
            if path.suffix == ".spacy":
                found[name + ".json"] = _spacy_dump(path)
            else:
                found[name] = path.read_bytes()
    return found


def _compare(actual: dict[str, bytes]) -> None:
    if UPDATE:
        for name, data in actual.items():
            (EXPECTED / name).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / name).write_bytes(data)
        return
    for name, data in actual.items():
        expected = (EXPECTED / name).read_bytes()
        if data != expected:
            diff = difflib.unified_diff(
                expected.decode().splitlines(),
                data.decode().splitlines(),
                "expected",
                "exported",
                lineterm="",
                n=0,
            )
            pytest.fail(f"{name} differs from the golden file:\n" + "\n".join(list(diff)[:12]))


def test_every_export_matches_its_golden_files(
    golden_app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Each format and option writes the committed bytes, with the registry beside it."""
    if UPDATE:
        shutil.rmtree(EXPECTED, ignore_errors=True)
    written: dict[str, bytes] = {}
    for name, args in golden_corpus.EXPORTS.items():
        target = tmp_path / name
        result = runner.invoke(args=["export", "--out", str(target), *args])
        assert result.exit_code == 0, f"{name}: {result.output}"
        written.update(_files(target))
    registry = (tmp_path / "submitted.actors.json").read_bytes()
    for name in golden_corpus.EXPORTS:
        stem = name.removesuffix(".jsonl").removesuffix(".spacy")
        assert (tmp_path / f"{stem}.actors.json").read_bytes() == registry, name
    written["registry.actors.json"] = registry
    _compare(written)
    if not UPDATE:
        assert sorted(
            p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*") if p.is_file()
        ) == sorted(written)


def test_streams_match_the_golden_files(
    golden_app: Flask, runner: FlaskCliRunner, api_as: Callable[..., Any]
) -> None:
    """The API's download and the CLI's stdout give the same bytes as the file exports."""
    if UPDATE:
        pytest.skip("the files are being written")
    stdout = runner.invoke(args=["export", "--out", "-", "--status", "all"])
    assert stdout.exit_code == 0
    assert stdout.stdout_bytes == (EXPECTED / "all.jsonl").read_bytes()
    reviewer = api_as("rita", "reviewer")
    for query, name in (
        ("status=all", "all.jsonl"),
        ("format=doccano&status=all", "doccano.jsonl"),
    ):
        response = reviewer.get(f"/api/export?{query}")
        assert response.status_code == 200
        assert response.get_data() == (EXPECTED / name).read_bytes(), name
