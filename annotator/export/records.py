"""The one streaming query every export format is fed by: annotations as ``annotator.v1`` records.

Annotations are read in id order with their paragraph, document and stored record
layers (``annotator/record_layers.py``), so memory stays flat however many records
there are. Every span is checked against the paragraph text, and every actor against
the registry, before its record is handed on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from ..models import (
    Actor,
    Annotation,
    Document,
    Paragraph,
    User,
)

SCHEMA = "annotator.v1"
STATUS_FILTERS = {
    "submitted": ("submitted",),
    "all": ("submitted", "draft", "skipped"),
    "gold": (),  # adjudicated gold records come with the review milestone
}
_BATCH = 2000


class SpanMismatch(ValueError):
    """A span does not match the paragraph text; the export stops and names the record."""

    def __init__(self, record_id: str, path: str, expected: str, found: str) -> None:
        self.record_id = record_id
        super().__init__(
            f"record {record_id}: {path} claims {expected!r} but the paragraph has {found!r} "
            "at those offsets; nothing more was exported"
        )


@dataclass(frozen=True)
class ExportFilters:
    """Which annotations to export (the CLI options and the API's query parameters)."""

    status: str = "submitted"
    annotator: str | None = None
    document: str | None = None
    since: datetime | None = None

    def describe(self) -> str:
        parts = [f"status={self.status}"]
        if self.annotator:
            parts.append(f"annotator={self.annotator}")
        if self.document:
            parts.append(f"document={self.document}")
        if self.since:
            parts.append(f"since={self.since.isoformat()}")
        return ", ".join(parts)


def _filtered(query: Select[Any], filters: ExportFilters) -> Select[Any]:
    statuses = STATUS_FILTERS[filters.status]
    query = query.where(Annotation.status.in_(statuses))
    if filters.annotator:
        query = query.where(
            Annotation.annotator_id.in_(select(User.id).where(User.username == filters.annotator))
        )
    if filters.document:
        query = query.where(
            Annotation.paragraph_id.in_(
                select(Paragraph.id).where(Paragraph.document_id == filters.document)
            )
        )
    if filters.since:
        query = query.where(Annotation.updated_at >= filters.since)
    return query


def count_records(session: Session, filters: ExportFilters) -> int:
    """How many records an export with ``filters`` will write (for progress)."""
    return int(session.scalar(_filtered(select(func.count(Annotation.id)), filters)) or 0)


@dataclass(slots=True)
class ExportRecord:
    """One ``annotator.v1`` record on its way out.

    ``head`` comes from the annotation's row and its paragraph; ``layers`` are the stored
    record layers after every span and actor was checked, and ``layers_json`` their bytes
    (as stored, or encoded again when an actor's name or type changed since the save).
    """

    head: dict[str, Any]
    layers: dict[str, Any]
    layers_json: bytes
    times: dict[str, Any]

    @property
    def document_id(self) -> str:
        return self.head["document_id"]

    @property
    def split(self) -> str | None:
        return self.times.get("split")

    def set_split(self, name: str) -> None:
        self.times["split"] = name

    def as_dict(self) -> dict[str, Any]:
        """The record as a dict, in the format's key order."""
        return {**self.head, **self.layers, **self.times}

    def as_line(self) -> bytes:
        """The record as a JSON line: the bytes of ``orjson.dumps(self.as_dict())`` plus a
        newline, spliced from the stored layers instead of encoding them again."""
        return b"".join(
            (
                orjson.dumps(self.head)[:-1],
                b",",
                self.layers_json[1:-1],
                b",",
                orjson.dumps(self.times)[1:],
                b"\n",
            )
        )


def _checked_layers(
    record_id: str, text: str, stored: str, actors: dict[str, dict[str, str]]
) -> tuple[dict[str, Any], bytes]:
    """The stored layers of a record, every span checked against ``text`` (``SpanMismatch``
    on the first that does not match) and every actor brought up to date with the registry."""
    layers = orjson.loads(stored)
    length = len(text)
    stale = False
    for entity in layers["entities"]:
        start, end = entity["start"], entity["end"]
        if text[start:end] != entity["text"] or not 0 <= start < end <= length:
            raise SpanMismatch(
                record_id, f"entities.{entity['id']}", entity["text"], text[start:end]
            )
        actor = entity["actor"]
        if actor is not None and actor != actors.get(actor["id"], actor):
            entity["actor"] = actors[actor["id"]]  # renamed or retyped since the save
            stale = True
    for stance in layers["stances"]:
        target = stance["target"]
        if type(target) is dict:
            start, end = target["start"], target["end"]
            if text[start:end] != target["text"] or not 0 <= start < end <= length:
                path = f"stances.{stance['id']}.target"
                raise SpanMismatch(record_id, path, target["text"], text[start:end])
    for quote in layers["quotes"]:
        for part in ("content", "cue"):
            span = quote[part]
            if span is None:
                continue
            start, end = span["start"], span["end"]
            if text[start:end] != span["text"] or not 0 <= start < end <= length:
                path = f"quotes.{quote['id']}.{part}"
                raise SpanMismatch(record_id, path, span["text"], text[start:end])
    return layers, orjson.dumps(layers) if stale else stored.encode()


def _sqlite_timestamp(stored: str) -> str:
    """ISO 8601 of a timestamp SQLite stores as naive UTC text ("2026-01-01 10:00:00.000000")."""
    return datetime.fromisoformat(stored).isoformat() + "+00:00"


def _timestamp_columns(session: Session) -> tuple[list[Any], Callable[[Any], str]]:
    """The created/updated columns and how to write them: on SQLite the stored text is read
    as it is (parsing it through the column type costs more than the rest of a record)."""
    columns = [Annotation.created_at, Annotation.updated_at]
    if session.get_bind().dialect.name == "sqlite":
        return [type_coerce(column, String) for column in columns], _sqlite_timestamp
    return columns, datetime.isoformat


def iter_export_records(session: Session, filters: ExportFilters) -> Iterator[ExportRecord]:
    """One checked ``ExportRecord`` per annotation matching ``filters``, in id order.

    One streamed query: constant memory however many records there are. Raises
    ``SpanMismatch`` as soon as a span's text does not match the paragraph at its offsets.
    """
    actors = {
        key: {"id": key, "name": name, "type": type_}
        for key, name, type_ in session.execute(select(Actor.key, Actor.name, Actor.type))
    }
    timestamps, as_text = _timestamp_columns(session)
    heads = _filtered(
        select(
            Annotation.paragraph_id,
            Paragraph.document_id,
            Document.title,
            Document.source,
            Document.language,
            Paragraph.position,
            Paragraph.text,
            User.username,
            Annotation.status,
            Annotation.comment,
            Annotation.flagged,
            Annotation.record_layers,
            *timestamps,
        )
        .join(Paragraph, Paragraph.id == Annotation.paragraph_id)
        .join(Document, Document.id == Paragraph.document_id)
        .join(User, User.id == Annotation.annotator_id),
        filters,
    ).order_by(Annotation.id)
    # Core execution, streamed in batches (a server-side cursor on PostgreSQL), closed
    # also when the consumer stops early or a span is bad.
    result = session.connection().execute(heads.execution_options(yield_per=_BATCH))
    try:
        for (
            paragraph_id,
            document_id,
            title,
            source,
            language,
            index,
            text,
            annotator,
            status,
            comment,
            flagged,
            stored,
            created,
            updated,
        ) in result:
            record_id = f"{paragraph_id}/{annotator}"
            layers, layers_json = _checked_layers(record_id, text, stored, actors)
            yield ExportRecord(
                head={
                    "schema": SCHEMA,
                    "id": record_id,
                    "paragraph_id": paragraph_id,
                    "document_id": document_id,
                    "document_title": title,
                    "source": source,
                    "language": language,
                    "index": index,
                    "text": text,
                    "annotator": annotator,
                    "status": status,
                    "comment": comment,
                    "flagged": flagged,
                },
                layers=layers,
                layers_json=layers_json,
                times={"created_at": as_text(created), "updated_at": as_text(updated)},
            )
    finally:
        result.close()


def check_record(record: dict[str, Any]) -> None:
    """Re-check every span of a record against its text (for records read back from a file)."""
    text = record["text"]
    spans: list[tuple[str, dict[str, Any]]] = [
        (f"entities.{e['id']}", e) for e in record["entities"]
    ]
    spans += [
        (f"stances.{s['id']}.target", s["target"])
        for s in record["stances"]
        if isinstance(s["target"], dict)
    ]
    for quote in record["quotes"]:
        spans.append((f"quotes.{quote['id']}.content", quote["content"]))
        if quote["cue"] is not None:
            spans.append((f"quotes.{quote['id']}.cue", quote["cue"]))
    for path, item in spans:
        found = text[item["start"] : item["end"]]
        if found != item["text"]:
            raise SpanMismatch(record["id"], path, item["text"], found)


def payload_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record's layers in the shape the annotation API takes (span texts and actor details
    dropped: the payload names actors by key and spans by offsets)."""
    return {
        "version": 0,
        "status": "submitted",
        "comment": record.get("comment"),
        "flagged": bool(record.get("flagged", False)),
        "entities": [
            {
                "id": e["id"],
                "start": e["start"],
                "end": e["end"],
                "label": e["label"],
                "actor": e["actor"]["id"] if e["actor"] else None,
            }
            for e in record["entities"]
        ],
        "stances": [
            {
                "id": s["id"],
                "holder": s["holder"],
                "target": s["target"]
                if isinstance(s["target"], str)
                else {"start": s["target"]["start"], "end": s["target"]["end"]},
                "polarity": s["polarity"],
                "quote": s["quote"],
            }
            for s in record["stances"]
        ],
        "quotes": [
            {
                "id": q["id"],
                "speaker": q["speaker"],
                "cue": {"start": q["cue"]["start"], "end": q["cue"]["end"]} if q["cue"] else None,
                "content": {"start": q["content"]["start"], "end": q["content"]["end"]},
                "type": q["type"],
            }
            for q in record["quotes"]
        ],
    }


def parse_since(value: str) -> datetime:
    """The ``since`` filter from "YYYY-MM-DD" or an ISO timestamp (UTC unless it says)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
