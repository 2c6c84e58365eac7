"""A fixed database for the golden export tests, built only through the CLI and the HTTP API.

The seeds are imported, two annotators label seed paragraphs through the API (entity and
text targets, quotes with and without cue or speaker, comments, a flag, a draft, a skip,
a second save), an actor is renamed after the saves, and ``tests/golden/records.jsonl``
(annotator.v1 records, so that v1 files are proved to still import, of the benchmark
generator's shape plus emoji, Arabic and combining accents) is
imported ``--as bench``. The timestamps of the API saves are then pinned, so that every
export of this database is the same bytes on every run and engine.

Nothing here reaches into the package's internals: what it builds must export to the
same bytes before and after any change of how annotations are stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text as sql

from annotator.extensions import get_engine

GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_WORD = re.compile(r"\w+")
PINNED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _words(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _WORD.finditer(text)]


def _payload(text: str, variant: int, version: int = 0) -> dict[str, Any]:
    """A valid annotation of ``text`` whose shape depends on ``variant`` (0 to 5)."""
    words = _words(text)
    entities = [
        {"id": "e1", "start": words[0][0], "end": words[0][1], "label": "PERSON", "actor": None},
        {
            "id": "e2",
            "start": words[2][0],
            "end": words[3][1],
            "label": "ARMED_GROUP",
            "actor": ("islamic-state", "syrian-government", "plo")[variant % 3],
        },
        {
            "id": "e4",  # ids need not be dense: a deletion in the workspace leaves a gap
            "start": words[5][0],
            "end": words[5][1],
            "label": ("STATE_ACTOR", "ORGANIZATION", "MEDIA", "LOCATION")[variant % 4],
            "actor": "russia" if variant % 2 else None,
        },
    ]
    quotes = [
        {
            "id": "q1",
            "speaker": None if variant == 3 else "e1",
            "cue": None if variant in (2, 3) else {"start": words[4][0], "end": words[4][1]},
            "content": {"start": words[6][0], "end": words[-1][1]},
            "type": ("INDIRECT", "DIRECT", "MIXED")[variant % 3],
        }
    ]
    stances = [
        {
            "id": "s1",
            "holder": "e1",
            "target": "e2" if variant % 2 else {"start": words[6][0], "end": words[8][1]},
            "polarity": ("OPPOSE", "SUPPORT", "NEUTRAL")[variant % 3],
            "quote": "q1" if variant != 4 else None,
        }
    ]
    if variant == 5:
        stances.append(
            {"id": "s3", "holder": "e4", "target": "e2", "polarity": "SUPPORT", "quote": None}
        )
    return {
        "version": version,
        "status": "submitted",
        "comment": ("unsure about e4 — “Meqdad”?" if variant == 1 else None),
        "flagged": False,
        "entities": entities,
        "stances": stances,
        "quotes": quotes,
    }


def build(app: Flask, invoke: Callable[[list[str]], Any], api_for: Callable[[str], Any]) -> None:
    """Fill ``app``'s empty database. ``invoke`` runs a CLI command (args) and must succeed;
    ``api_for(username)`` gives a client with a token of that (new) annotator."""
    invoke(["import", str(SEEDS)])
    alice, bob = api_for("alice"), api_for("bob")
    documents = alice.get("/api/documents").get_json()["documents"]
    paragraphs: list[dict[str, Any]] = []
    for document in sorted(documents, key=lambda d: d["id"]):
        body = alice.get(f"/api/documents/{document['id']}").get_json()
        usable = [
            p
            for p in body["paragraphs"]
            if not p["is_boilerplate"] and len(_words(p["text"])) >= 12
        ]
        paragraphs.extend(usable[:5])
    for number, paragraph in enumerate(paragraphs):
        url = f"/api/paragraphs/{paragraph['id']}/annotation"
        body = _payload(paragraph["text"], number % 6)
        if number == 7:
            body.update(status="skipped", flagged=True, comment="the paragraph is cut off")
        if number == 9:
            body["status"] = "draft"
        _saved(alice.put(url, body))
        if number % 3 == 0:
            first = _saved(bob.put(url, _payload(paragraph["text"], (number + 1) % 6)))
            if number % 2 == 0:  # saved again: version 2
                _saved(bob.put(url, _payload(paragraph["text"], (number + 4) % 6, first)))
    invoke(["create-user", "bench", "--password-stdin"], "bench password 123\n")
    invoke(["import", str(GOLDEN / "records.jsonl"), "--as", "bench"])
    with app.app_context(), get_engine().begin() as connection:
        # Renamed after the saves: the export must show the registry's name of today.
        connection.execute(
            sql("UPDATE actors SET name = 'Russian Federation' WHERE key = 'russia'")
        )
        keys = connection.execute(
            sql(
                "SELECT a.id FROM annotations a JOIN users u ON u.id = a.annotator_id "
                "WHERE u.username IN ('alice', 'bob') ORDER BY a.paragraph_id, u.username"
            )
        ).scalars()
        for place, annotation_id in enumerate(list(keys)):
            created = PINNED + timedelta(minutes=place)
            connection.execute(
                sql("UPDATE annotations SET created_at = :c, updated_at = :u WHERE id = :i"),
                {
                    "c": created,
                    "u": created + timedelta(seconds=30, microseconds=1234 * place),
                    "i": annotation_id,
                },
            )


def _saved(response: Any) -> int:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["version"]


# The exports compared, by name: the CLI's arguments after ``export``.
EXPORTS: dict[str, list[str]] = {
    "submitted.jsonl": [],
    "all.jsonl": ["--status", "all"],
    "alice.jsonl": ["--status", "all", "--annotator", "alice"],
    "document.jsonl": ["--document", "6155950f9713fc4e"],
    "since.jsonl": ["--since", "2026-03-01T09:20"],
    "split.jsonl": ["--split", "80/10/10", "--seed", "2"],
    "split-files": ["--split", "60/20/20", "--seed", "2", "--split-files"],
    "prodigy.jsonl": ["--format", "prodigy", "--split", "80/10/10"],
    "doccano.jsonl": ["--format", "doccano", "--status", "all"],
    "hf": ["--format", "hf", "--split", "70/15/15", "--seed", "3"],
    "hf-whole": ["--format", "hf"],
    "spacy.spacy": ["--format", "spacy"],
    "spacy-split": ["--format", "spacy", "--split", "80/10/10", "--seed", "2", "--split-files"],
}
